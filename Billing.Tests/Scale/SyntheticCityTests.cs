using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Scale;
using RedProperty.Billing.Infrastructure.Subsidies;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Scale;

/// <summary>The synthetic city of issue 10: deterministic files that import and bill like real ones.</summary>
public sealed class SyntheticCityTests : IDisposable
{
    private static readonly YearMonth October = new(2026, 10);
    private readonly string _root = Directory.CreateTempSubdirectory("billing-city-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Generate(string name, int communities, int households, int seed = 7)
    {
        var folder = Path.Combine(_root, name);
        SyntheticRegister.Write(folder, new SyntheticOptions(communities, households, seed, October));
        return folder;
    }

    [Fact]
    public void The_same_seed_writes_byte_identical_files_and_another_seed_other_files()
    {
        var first = Generate("a", 12, 60, seed: 42);
        var again = Generate("b", 12, 60, seed: 42);
        var other = Generate("c", 12, 60, seed: 43);

        var files = Directory.GetFiles(first).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(13, files.Count);
        Assert.Equal(files, Directory.GetFiles(again).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(first, f!)), File.ReadAllBytes(Path.Combine(again, f!))));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "households.csv")), File.ReadAllBytes(Path.Combine(other, "households.csv")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "payments.csv")), File.ReadAllBytes(Path.Combine(other, "payments.csv")));
    }

    [Fact]
    public void The_city_mixes_rate_books_star_levels_areas_and_occupancy_as_documented()
    {
        var folder = Generate("mix", 60, 50);
        var import = RegisterFiles.ReadFolder(folder);

        Assert.Equal(3000, import.Households.Count);
        Assert.Equal(["example-city-benchmark", "heze-kaifaqu"], import.Communities.Select(c => c.Value.RateBook).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(48, import.Communities.Count(c => c.Value.RateBook == "heze-kaifaqu" && c.Value.District == "开发区"));
        Assert.True(import.Communities.Select(c => c.Value.Level).Distinct().Count() >= 3, "several star levels");
        Assert.All(import.Households, h => Assert.InRange(h.Value.Details.Area.Value, 30m, 150m));
        var typical = import.Households.Count(h => h.Value.Details.Area.Value is >= 50m and < 90m);
        Assert.InRange(typical, 1500, 2100);
        Assert.Equal(["moved-out", "not-billed", "occupied", "vacant"], import.Occupancy.Select(o => o.Value.Status.Name()).Distinct().Order(StringComparer.Ordinal));
        Assert.InRange(import.Occupancy.Count(o => o.Value.Status.Name() == "vacant" && o.Value.EffectiveFrom < October.OnDayOfMonth(1)), 100, 200);
    }

    [Fact]
    public async Task A_generated_city_imports_and_bills_a_month_with_fee_subsidy_parking_and_points_lines_whose_totals_add_up()
    {
        // Five communities: four of 天创金源 in Heze (subsidy, parking, points) and one example-city community of another operator.
        var folder = Generate("city", 5, 40);
        await using var db = await TestPostgres.CreateDatabaseAsync();

        var register = await new RegisterStore(db.DataSource).ImportAsync(RegisterFiles.StreamFolder(folder), SampleRegister.Today, SampleRegister.Rates());
        var parking = await new ParkingImport(db.DataSource, RateDirectory.LoadParking(RepositoryPaths.Rates)).ImportAsync(ParkingFiles.StreamFolder(folder)!);
        var points = await new PointsImport(db.DataSource, RateDirectory.LoadPoints(RepositoryPaths.Rates)).ImportAsync(PointsFiles.StreamFolder(folder)!);
        using (var reader = RegisterCsv.OpenFile(Path.Combine(folder, "scores.csv")))
        {
            var scores = RegisterCsv.ReadScores("scores.csv", reader);
            await new SubsidyStore(db.DataSource, RateDirectory.LoadSubsidies(RepositoryPaths.Rates)).RecordScoresAsync(scores.Select(s => (s.Value, s.Source, s.Row)).ToList());
        }

        Assert.Equal(200, register.Households.Changed);
        Assert.True(parking.Leases.Changed > 0 && parking.Permits.Changed > 0, "parking was imported");
        Assert.True(points.Redeemed.Changed >= 4, "every 天创金源 community has a fee-credit redemption");

        await using var services = SampleRegister.JobServicesWithRepositoryRules(db);
        var heze = await RunMonth.IssueAsync(services, db.DataSource, "2026-10");
        var example = await RunMonth.ApproveAndIssueAsync(services, db.DataSource, (await RunMonth.DraftAsync(services, db.DataSource, "2026-10", operatorCode: "EXRP")).Id);
        Assert.Equal(("issued", "issued"), (heze.Status, example.Status));

        var kinds = new List<string>();
        await using (var cmd = db.DataSource.CreateCommand("select distinct kind from statement_line order by kind"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                kinds.Add(reader.GetString(0));
            }
        }

        // A home that moves out in the month lived there before: it is billed up to the day before (not "no statement").
        Assert.Equal(0, await db.CountAsync(
            """
            select count(*) from occupancy o
            where o.status = 'moved-out' and o.effective_from between '2026-10-02' and '2026-10-31'
              and not exists (select 1 from occupancy e where e.household_code = o.household_code and e.effective_from < o.effective_from)
              and exists (select 1 from household h join community c on c.code = h.community_code where h.code = o.household_code and c.billing_start < o.effective_from)
              and not exists (select 1 from statement s where s.household_code = o.household_code and s.period = '2026-10-01')
            """));
        Assert.True(await db.CountAsync("select count(*) from occupancy where status = 'moved-out'") > 0, "some homes move out in October");

        Assert.Contains("property_fee", kinds);
        Assert.Contains("subsidy", kinds);
        Assert.Contains("parking_permit", kinds);
        Assert.Contains("parking_pool_reduction", kinds);
        Assert.Contains("points_credit", kinds);
        Assert.Contains("fee:waste", kinds);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement s where s.total <> (select sum(l.amount) from statement_line l where l.statement_id = s.id)"));
        Assert.True(await db.CountAsync("select count(*) from statement") >= 190, "all but the homes not handed over are billed");

        // The next month's payments go on the ledger, which still balances.
        IReadOnlyList<Sourced<PaymentInput>> payments;
        using (var reader = RegisterCsv.OpenFile(Path.Combine(folder, "payments.csv")))
        {
            payments = RegisterCsv.ReadPayments("payments.csv", reader, null);
        }

        var recorded = await new PaymentStore(db.DataSource).RecordAsync(payments.Select(p => (p.Value, p.Source, p.Row)).ToList(), "test");
        Assert.All(recorded, r => Assert.False(r.Duplicate));
        Assert.True((await new PaymentStore(db.DataSource).CheckAsync("TCJY")).Balances);
    }

    [Fact]
    public async Task Importing_the_generated_city_again_stores_nothing_twice()
    {
        var folder = Generate("again", 5, 30);
        await using var db = await TestPostgres.CreateDatabaseAsync();
        var parkingRates = RateDirectory.LoadParking(RepositoryPaths.Rates);
        var catalogues = RateDirectory.LoadPoints(RepositoryPaths.Rates);
        async Task<int> ImportAllAsync() =>
            (await new RegisterStore(db.DataSource).ImportAsync(RegisterFiles.StreamFolder(folder), SampleRegister.Today, SampleRegister.Rates())).Changed
            + (await new ParkingImport(db.DataSource, parkingRates).ImportAsync(ParkingFiles.StreamFolder(folder)!)).Changed
            + (await new PointsImport(db.DataSource, catalogues).ImportAsync(PointsFiles.StreamFolder(folder)!)).Changed;
        const string counts =
            """
            select (select count(*) from household) + (select count(*) from household_version) + (select count(*) from occupancy)
                 + (select count(*) from meter_reading) + (select count(*) from register_change) + (select count(*) from parking_space)
                 + (select count(*) from parking_permit) + (select count(*) from parking_release_slot) + (select count(*) from parking_lease)
                 + (select count(*) from parking_lease_slot) + (select count(*) from business) + (select count(*) from points_entry)
                 + (select count(*) from points_use) + (select count(*) from points_voucher) + (select sum(balance) from points_account)
            """;

        Assert.True(await ImportAllAsync() > 0);
        var stored = await db.CountAsync(counts);
        Assert.Equal(0, await ImportAllAsync());

        Assert.Equal(stored, await db.CountAsync(counts));
    }
}
