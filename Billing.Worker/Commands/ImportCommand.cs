using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// `import`: the register, then (with --dir, when the folder has them) shared parking and volunteer
/// points. Each group is one transaction and idempotent, so after fixing a rejected file the same
/// command is simply run again: what was stored before is recognised and left as it is.
/// </summary>
public sealed class ImportCommand : BillingCommand
{
    private readonly Option<DirectoryInfo> _dir = CommandOptions.ExistingDirectory("--dir", "a folder with the register files (and optionally parking and points files)");
    private readonly Option<FileInfo> _communities = CommandOptions.ExistingFile("--communities", "communities CSV", required: false);
    private readonly Option<FileInfo> _buildings = CommandOptions.ExistingFile("--buildings", "buildings CSV", required: false);
    private readonly Option<FileInfo> _households = CommandOptions.ExistingFile("--households", "households CSV", required: false);
    private readonly Option<FileInfo> _occupancy = CommandOptions.ExistingFile("--occupancy", "occupancy CSV", required: false);
    private readonly Option<FileInfo> _meters = CommandOptions.ExistingFile("--meters", "meter readings CSV", required: false);

    public ImportCommand()
        : base(
            "import",
            "import or update the register from CSV (all or nothing); changes are effective-dated, history is kept. With --dir, also the folder's "
            + "parking files (parking_spaces, businesses, parking_permits, parking_releases, parking_leases .csv) and points files "
            + "(points_earned, points_redeemed .csv), each group all or nothing; importing again changes nothing")
    {
        Options.Add(_dir);
        Options.Add(_communities);
        Options.Add(_buildings);
        Options.Add(_households);
        Options.Add(_occupancy);
        Options.Add(_meters);
        Validators.Add(r =>
        {
            var files = new Option[] { _communities, _buildings, _households, _occupancy, _meters }.Where(o => r.GetResult(o) is not null).ToList();
            if (r.GetResult(_dir) is not null && files.Count > 0)
            {
                r.AddError($"Give either --dir or single files, not both ({files[0].Name} with --dir).");
            }
            else if (r.GetResult(_dir) is null && files.Count == 0)
            {
                r.AddError("Give --dir FOLDER, or at least one file (--communities, --buildings, --households, --occupancy, --meters).");
            }
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        // Streamed: a city's register (a million households) is read as it is copied into the database, never held whole.
        var dir = parse.GetValue(_dir)?.FullName;
        var import = dir is not null
            ? RegisterFiles.StreamFolder(dir)
            : RegisterFiles.Stream(Path(parse, _communities), Path(parse, _buildings), Path(parse, _households), Path(parse, _occupancy), Path(parse, _meters));
        var rates = services.GetRequiredService<Core.Rates.RateCatalog>();
        RunPrinter.Rates(rates);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var watch = Stopwatch.StartNew();
        RunPrinter.Import(await new RegisterStore(dataSource).ImportAsync(import, BillingDay.Today(services.GetRequiredService<IClock>()), rates, ct));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ({watch.Elapsed.TotalSeconds:0.0} s)"));
        if (dir is null)
        {
            return 0;
        }

        if (ParkingFiles.StreamFolder(dir) is { } parking)
        {
            watch.Restart();
            var r = await new ParkingImport(dataSource, services.GetRequiredService<Core.Parking.ParkingRateBook>()).ImportAsync(parking, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Parking: {r.Spaces.Rows} spaces, {r.Businesses.Rows} businesses, {r.Permits.Rows} permits, {r.Releases.Rows} monthly releases and {r.Leases.Rows} monthly leases read; {r.Changed} new or changed  ({watch.Elapsed.TotalSeconds:0.0} s)"));
        }

        if (PointsFiles.StreamFolder(dir) is { } points)
        {
            watch.Restart();
            var r = await new PointsImport(dataSource, services.GetRequiredService<Core.Points.PointsCatalogues>()).ImportAsync(points, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Volunteer points: {r.Earned.Rows} services and {r.Redeemed.Rows} redemptions read; {r.Changed} new  ({watch.Elapsed.TotalSeconds:0.0} s)"));
        }

        return 0;
    }

    private static string? Path(ParseResult parse, Option<FileInfo> option) => parse.GetValue(option)?.FullName;
}
