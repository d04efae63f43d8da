using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Rates;

/// <summary>
/// Loads the rules that are data: rates/fees/&lt;book&gt;/&lt;yyyy-MM-dd&gt;.json and
/// rates/subsidies/&lt;policy&gt;/&lt;yyyy-MM-dd&gt;.json. Every file is read and every problem reported
/// at once; any problem stops start-up, because billing from half-valid rules is worse than not billing.
/// </summary>
public static class RateDirectory
{
    public static RateCatalog Load(string ratesDir)
    {
        var versions = LoadDated(Path.Combine(ratesDir, "fees"), RateFileParser.Parse);
        return versions.Count == 0
            ? throw new InputRejectedException([new InputError(Path.Combine(ratesDir, "fees"), null, null, "rates.dir.empty", "no rate files found")])
            : RateCatalog.Create(versions);
    }

    /// <summary>Subsidy policies; a checkout without any is valid (no district pays a subsidy).</summary>
    public static SubsidyCatalog LoadSubsidies(string ratesDir)
    {
        var dir = Path.Combine(ratesDir, "subsidies");
        return Directory.Exists(dir) ? SubsidyCatalog.Create(LoadDated(dir, SubsidyFileParser.Parse)) : SubsidyCatalog.Empty;
    }

    /// <summary>Volunteer points catalogues; a checkout without any is valid (no points scheme).</summary>
    public static Core.Points.PointsCatalogues LoadPoints(string ratesDir)
    {
        var dir = Path.Combine(ratesDir, "points");
        return Directory.Exists(dir)
            ? new Core.Points.PointsCatalogues(LoadDated(dir, Core.Points.PointsCatalogueParser.Parse).Select(v => v.Value).ToList())
            : Core.Points.PointsCatalogues.Empty;
    }

    /// <summary>Parking prices; a checkout without any is valid (no shared parking).</summary>
    public static Core.Parking.ParkingRateBook LoadParking(string ratesDir)
    {
        var dir = Path.Combine(ratesDir, "parking");
        return Directory.Exists(dir)
            ? new Core.Parking.ParkingRateBook(LoadDated(dir, Core.Parking.ParkingRatesParser.Parse).Select(v => v.Value).ToList())
            : Core.Parking.ParkingRateBook.Empty;
    }

    private delegate (T? Value, IReadOnlyList<InputError> Errors) Parser<T>(string source, string json, string? expectedName, LocalDate? expectedDate);

    private static List<(string Source, T Value)> LoadDated<T>(string dir, Parser<T> parse)
        where T : class
    {
        if (!Directory.Exists(dir))
        {
            throw new InputRejectedException([new InputError(dir, null, null, "rates.dir.missing", "the folder does not exist")]);
        }

        var root = Path.GetDirectoryName(Path.GetDirectoryName(dir.TrimEnd(Path.DirectorySeparatorChar))) ?? dir;
        var errors = new List<InputError>();
        var values = new List<(string, T)>();
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var shown = Path.GetRelativePath(root, file);
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') || name.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(file)!;
            var date = LocalDatePattern.Iso.Parse(Path.GetFileNameWithoutExtension(file));
            if (!name.EndsWith(".json", StringComparison.Ordinal) || !date.Success || Path.GetFullPath(folder) == Path.GetFullPath(dir)
                || Path.GetFullPath(Path.GetDirectoryName(folder)!) != Path.GetFullPath(dir))
            {
                errors.Add(new InputError(shown, null, null, "rates.file.name",
                    $"files here are named {Path.GetFileName(dir)}/<name>/<yyyy-MM-dd>.json, by the date they take effect"));
                continue;
            }

            var (value, fileErrors) = parse(shown, File.ReadAllText(file), Path.GetFileName(folder), date.Value);
            errors.AddRange(fileErrors);
            if (value is not null)
            {
                values.Add((shown, value));
            }
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : values;
    }
}

/// <summary>Loads rates/operators/&lt;code&gt;.json: who the documents are from and how to reach and pay them.</summary>
public static class OperatorDirectory
{
    /// <summary>Every profile, or every problem with its file, line and field; a checkout without the folder has none.</summary>
    public static Core.Operators.OperatorProfiles Load(string ratesDir)
    {
        var dir = Path.Combine(ratesDir, "operators");
        if (!Directory.Exists(dir))
        {
            return Core.Operators.OperatorProfiles.Empty;
        }

        var errors = new List<InputError>();
        var profiles = new List<Core.Operators.OperatorProfile>();
        foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var shown = Path.Combine("operators", name);
            if (name.StartsWith('.') || name.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!name.EndsWith(".json", StringComparison.Ordinal))
            {
                errors.Add(new InputError(shown, null, null, "operator.file.name", "files here are named operators/<operator code>.json"));
                continue;
            }

            var (profile, fileErrors) = Core.Operators.OperatorProfileParser.Parse(shown, File.ReadAllText(file), Path.GetFileNameWithoutExtension(name));
            errors.AddRange(fileErrors);
            if (profile?.SealImage is { } seal && !File.Exists(Path.Combine(dir, seal)))
            {
                errors.Add(new InputError(shown, null, "sealImage", "operator.seal.missing", $"the seal image '{seal}' is not in rates/operators/"));
            }
            else if (profile is not null)
            {
                profiles.Add(profile);
            }
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : new Core.Operators.OperatorProfiles(profiles);
    }

    /// <summary>The seal image's bytes, when the profile names one.</summary>
    public static byte[]? SealImage(string ratesDir, Core.Operators.OperatorProfile profile) =>
        profile.SealImage is { } seal ? File.ReadAllBytes(Path.Combine(ratesDir, "operators", seal)) : null;
}
