using NodaTime.Text;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Rates;

/// <summary>
/// Loads rates/&lt;book&gt;/&lt;yyyy-MM-dd&gt;.json. Every file is read and every problem reported at
/// once; any problem stops start-up, because billing from a half-valid rate book is worse than not billing.
/// </summary>
public static class RateDirectory
{
    public static RateCatalog Load(string ratesDir)
    {
        if (!Directory.Exists(ratesDir))
        {
            throw new InputRejectedException([new InputError(ratesDir, null, null, "rates.dir.missing", "the rates folder does not exist")]);
        }

        var errors = new List<InputError>();
        var versions = new List<(string, RateBookVersion)>();
        foreach (var file in Directory.EnumerateFiles(ratesDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var shown = Path.GetRelativePath(Path.GetDirectoryName(ratesDir.TrimEnd(Path.DirectorySeparatorChar)) ?? ratesDir, file);
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') || name.Equals("README.md", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var book = Path.GetFileName(Path.GetDirectoryName(file)!);
            var date = LocalDatePattern.Iso.Parse(Path.GetFileNameWithoutExtension(file));
            if (!name.EndsWith(".json", StringComparison.Ordinal) || !date.Success || book == Path.GetFileName(ratesDir.TrimEnd(Path.DirectorySeparatorChar)))
            {
                errors.Add(new InputError(shown, null, null, "rates.file.name",
                    "rate files are named rates/<rate-book>/<yyyy-MM-dd>.json, by the date they take effect"));
                continue;
            }

            var (version, fileErrors) = RateFileParser.Parse(shown, File.ReadAllText(file), book, date.Value);
            errors.AddRange(fileErrors);
            if (version is not null)
            {
                versions.Add((shown, version));
            }
        }

        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        if (versions.Count == 0)
        {
            throw new InputRejectedException([new InputError(ratesDir, null, null, "rates.dir.empty", "no rate files found")]);
        }

        return RateCatalog.Create(versions);
    }
}
