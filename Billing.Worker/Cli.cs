using RedProperty.Billing.Core.Runs;
using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Extensions;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Worker;

/// <summary>The finance staff's command line and the Hangfire server host.</summary>
public static partial class Cli
{
    private const string Usage =
        """
        Billing.Worker <command> [options]

          demo    [--period yyyy-MM] [--out DIR]     import the sample communities, bill a month through Hangfire,
                                                     write the PDF statements and print a summary
          import  --dir DIR | [--communities F] [--buildings F] [--households F] [--occupancy F] [--meters F]
                                                     import or update the register from CSV (all or nothing);
                                                     changes are effective-dated, history is kept. With --dir,
                                                     also the folder's parking files (parking_spaces, businesses,
                                                     parking_permits, parking_releases, parking_leases .csv) and
                                                     points files (points_earned, points_redeemed .csv), each
                                                     group all or nothing; importing again changes nothing
          preview --period yyyy-MM [--community CODE]  dry run: show what the month would charge, store nothing
          scores  --file FILE                        record evaluation scores (community_code,period,score)
          reconcile --district NAME --period yyyy-MM [--out DIR]
                                                     the district subsidy reconciliation as CSV and PDF
          claim   --community CODE --period yyyy-MM  submit (and freeze) a community's subsidy claim
          run     [--period yyyy-MM] [--operator CODE] [--communities A,B] [--by NAME]
                                                     draft a billing run (one Hangfire job per community) and
                                                     print its totals per community and line kind for review
          approve --run ID --by NAME                 approve a drafted run; its statements are then issued
          runs    [--operator CODE]                  recent runs with their state and progress
          bill    --period yyyy-MM --by NAME [--operator CODE] [--communities A,B] [--pdfs now|later]
                                                     draft, approve and issue in one go (after a `preview`), with
                                                     the time each phase took; --pdfs later stores the statements
                                                     and leaves their PDFs to `render`
          render  --period yyyy-MM [--operator CODE]  draw the PDFs a run left for later (checked against the
                                                     approved figures first)
          export  --period yyyy-MM [--out DIR]       write the month's stored PDF statements to a folder
          staff-admin --operator CODE --user NAME [--name 显示名] [--password P]
                                                     the operator's first console administrator (password also
                                                     from BILLING_ADMIN_PASSWORD); other accounts are made in the console
          pay     --household CODE --channel cash|wechat|alipay|bank --reference REF --amount YUAN --date yyyy-MM-dd
                                                     record one payment (a repeated reference is ignored)
          payments --file FILE [--channel CHANNEL]   import a channel's payment export (idempotent)
          adjust  --statement NO --amount YUAN --reason TEXT --by NAME [--key K]
                                                     correct an issued statement: the household's next statement
                                                     bills the amount (negative for a credit) as a line naming it;
                                                     a repeated --key for the same statement records nothing new
          arrears --community CODE [--as-of yyyy-MM-dd] [--out DIR]
                                                     arrears by building and unit, as CSV and reminder notices (PDF)
          collection --period yyyy-MM [--as-of yyyy-MM-dd]
                                                     collection rate per community and for the operator
          ledger-check --operator CODE               check every balance against the ledger
          parking-invoices --period yyyy-MM [--community CODE] [--out DIR]
                                                     issue the month's shared-parking invoices to businesses
                                                     (idempotent), check them against the pool's lease income,
                                                     and write their PDFs
          accounts --community CODE --period yyyy-MM [--out DIR]
                                                     the community accounts (明白账) of a month as a PDF notice,
                                                     with income by source, spending and balance printed
          generate --communities N --households-per-community M [--seed S] [--period yyyy-MM] --out DIR
                                                     write a synthetic city for scale runs and tests, deterministic
                                                     by seed (same seed, same bytes): the register with several
                                                     rate books and star levels, occupancy and meter readings,
                                                     parking spaces, permits, daytime releases and leases,
                                                     volunteer services and redemptions, evaluation scores and
                                                     the next month's payments; streamed, so 1,000,000 households
                                                     (--communities 2860 --households-per-community 350) take
                                                     no more memory than a hundred. Defaults: 10 x 100, seed
                                                     20261123, period 2026-10
          token   --role finance|resident|district --scope OPERATOR|HOUSEHOLD|DISTRICT [--subject NAME] [--days N]
                                                     issue a signed Api token (needs Auth__SigningKey)
          serve   [--workers N] [--name NAME] [--cron "0 2 1 * *"]
                                                     a worker: schedules each operator's monthly draft (cron in
                                                     Asia/Shanghai), resumes interrupted runs, works until Ctrl+C
          migrate                                    apply the database migrations

        Database: ConnectionStrings__Billing, or a local PostgreSQL cluster under .pg/demo when unset.
        Rates: the rates/ folder of the checkout, or BILLING_RATES_DIR.
        """;

    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var options = Options.Parse(args.Skip(1));
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var clock = SystemClock.Instance;
        try
        {
            return args[0] switch
            {
                "demo" => await DemoAsync(configuration, clock, options),
                "import" => await ImportAsync(configuration, clock, options),
                "preview" => await PreviewAsync(configuration, options),
                "scores" => await ScoresAsync(configuration, options),
                "reconcile" => await ReconcileAsync(configuration, options),
                "claim" => await ClaimAsync(configuration, options),
                "run" => await DraftRunAsync(configuration, clock, options),
                "approve" => await ApproveRunAsync(configuration, options),
                "runs" => await ListRunsAsync(configuration, options),
                "bill" => await BillAsync(configuration, options),
                "render" => await RenderPdfsAsync(configuration, options),
                "export" => await ExportAsync(configuration, options),
                "serve" => await ServeAsync(configuration, options),
                "token" => IssueToken(configuration, clock, options),
                "generate" => Generate(options),
                "pay" => await PayAsync(configuration, options),
                "payments" => await PaymentsAsync(configuration, options),
                "adjust" => await AdjustAsync(configuration, options),
                "arrears" => await ArrearsAsync(configuration, clock, options),
                "collection" => await CollectionAsync(configuration, clock, options),
                "ledger-check" => await LedgerCheckAsync(configuration, options),
                "parking-invoices" => await ParkingInvoicesAsync(configuration, options),
                "accounts" => await AccountsAsync(configuration, options),
                "migrate" => Migrate(configuration),
                "staff-admin" => await StaffAdminAsync(configuration, options),
                _ => Fail($"Unknown command '{args[0]}'.{Environment.NewLine}{Usage}"),
            };
        }
        catch (InputRejectedException rejected)
        {
            Console.Error.WriteLine("Rejected, nothing was stored:");
            foreach (var error in rejected.Errors)
            {
                Console.Error.WriteLine("  " + error);
            }

            return 2;
        }
        catch (ArgumentException bad)
        {
            return Fail(bad.Message);
        }
        catch (InvalidOperationException config) when (config.Message.Contains("Auth:SigningKey", StringComparison.Ordinal))
        {
            return Fail(config.Message);
        }
    }

    private static async Task<int> DemoAsync(IConfiguration configuration, IClock clock, Options options)
    {
        var total = Stopwatch.StartNew();
        var period = options.Period ?? LastMonth(clock);
        var outDir = options.Get("out") ?? Path.Combine(RepositoryPaths.Root, "out", "statements");
        Console.WriteLine($"RedProperty.Billing demo: billing {BillingPeriod.Format(period)} for the Heze sample communities");

        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var imported = await new RegisterStore(database.DataSource).ImportAsync(
            RegisterFiles.ReadFolder(Path.Combine(RepositoryPaths.Samples, "heze")), Today(clock), rates);
        PrintImport(imported);

        await SamplePointsAsync(configuration, database, period);
        await SampleParkingAsync(configuration, database, period);
        // Two Hangfire servers share the run's community jobs, as two Worker processes on two machines would.
        bool issued;
        await using (var host = RunHost.Start(configuration, database, rates, ["worker-a", "worker-b"], workersPerServer: 1))
        {
            issued = true;
            foreach (var draft in await DraftForOperatorsAsync(host, database, period, null, null, "schedule-demo", RunTrigger.Command))
            {
                issued &= draft.Status == "draft" && (await ApproveAndIssueAsync(host, draft.Id, "演示财务 (demo finance staff)")).Status == "issued";
            }
        }

        var store = new StatementStore(database.DataSource);
        var written = await store.ExportPdfsAsync(period, outDir);
        PrintSummary(period, await store.TotalsAsync(period), written, outDir);

        var subsidies = LoadSubsidies(configuration);
        var subsidyStore = new SubsidyStore(database.DataSource, subsidies);
        using (var reader = RegisterCsv.OpenFile(Path.Combine(RepositoryPaths.Samples, "heze", "scores.csv")))
        {
            var scores = RegisterCsv.ReadScores("scores.csv", reader);
            await subsidyStore.RecordScoresAsync(scores.Select(r => (r.Value, r.Source, r.Row)).ToList());
        }

        foreach (var district in (await new RegisterStore(database.DataSource).CommunitiesAsync()).Select(c => c.District).Distinct())
        {
            await WriteReconciliationAsync(subsidyStore, district, period, Path.Combine(RepositoryPaths.Root, "out", "reconciliation"));
        }

        // The sample payments are for October 2026's statements; for other months they are simply early credit.
        var (recorded, duplicates) = await ImportPaymentsAsync(database, Path.Combine(RepositoryPaths.Samples, "heze", "payments.csv"), null);
        Console.WriteLine();
        Console.WriteLine($"Payments: {recorded} recorded, {duplicates} already recorded and ignored");
        var asOf = Today(clock);
        await PrintCollectionAsync(database, period, asOf);
        Console.WriteLine();
        Console.WriteLine($"Arrears as of {asOf:yyyy-MM-dd}");
        foreach (var community in await new RegisterStore(database.DataSource).CommunitiesAsync())
        {
            await WriteArrearsAsync(database, community.Code.Value, asOf, Path.Combine(RepositoryPaths.Root, "out", "arrears"));
        }

        // The notice-board accounts (明白账) of the month, as finance staff would publish them.
        var accountsDir = Path.Combine(RepositoryPaths.Root, "out", "accounts");
        Directory.CreateDirectory(accountsDir);
        Console.WriteLine();
        Console.WriteLine($"Community accounts (明白账) for {BillingPeriod.Format(period)} -> {accountsDir}");
        foreach (var community in await new RegisterStore(database.DataSource).CommunitiesAsync())
        {
            var accounts = (await new Infrastructure.Accounts.CommunityAccountsStore(database.DataSource).ReadAsync(community.Code.Value, period))!;
            await File.WriteAllBytesAsync(Path.Combine(accountsDir, $"{community.Code.Value}-{BillingPeriod.Format(period)}-accounts.pdf"), Infrastructure.Accounts.CommunityAccountsPdf.Render(accounts));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {community.Code.Value,-12} income {accounts.TotalIncome.Yuan,10:0.00}  spending {accounts.TotalSpending.Yuan,10:0.00}  balance {accounts.Balance.Yuan,10:0.00}"));
        }

        await PrintConsoleAsync(database);
        Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0.0} s.");
        return issued ? 0 : 1;
    }

    private static async Task<int> ScoresAsync(IConfiguration configuration, Options options)
    {
        var file = options.Require("file");
        IReadOnlyList<Sourced<ScoreRow>> rows;
        using (var reader = RegisterCsv.OpenFile(file))
        {
            rows = RegisterCsv.ReadScores(Path.GetFileName(file), reader);
        }

        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var changed = await new SubsidyStore(database.DataSource, LoadSubsidies(configuration)).RecordScoresAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList());
        Console.WriteLine($"{rows.Count} scores read, {changed} new or changed.");
        return 0;
    }

    private static async Task<int> ReconcileAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("reconcile needs --period yyyy-MM.");
        var district = options.Require("district");
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var rows = await WriteReconciliationAsync(
            new SubsidyStore(database.DataSource, LoadSubsidies(configuration)), district, period, options.Get("out") ?? Path.Combine(RepositoryPaths.Root, "out", "reconciliation"));
        return rows.All(r => r.AllPassed) ? 0 : 1;
    }

    private static async Task<int> ClaimAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("claim needs --period yyyy-MM.");
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        try
        {
            var row = await new SubsidyStore(database.DataSource, LoadSubsidies(configuration)).SubmitClaimAsync(options.Require("community"), period);
            Console.WriteLine($"Submitted and frozen: {row.CommunityCode} {BillingPeriod.Format(period)} claim {row.Claim?.ToFenString()} yuan "
                + $"(district share {row.DistrictShare.ToFenString()} × {row.Factor:0.####}), shortfall borne by the company {row.Shortfall?.ToFenString()}.");
            return 0;
        }
        catch (Exception e) when (e is ClaimConflictException or ClaimNotFoundException)
        {
            return Fail(e.Message);
        }
    }

    private static async Task<IReadOnlyList<Core.Subsidies.ReconciliationRow>> WriteReconciliationAsync(
        SubsidyStore store, string district, YearMonth period, string outDir)
    {
        var rows = await store.ReconcileAsync(district, period);
        Directory.CreateDirectory(outDir);
        var name = $"{district}-{BillingPeriod.Format(period)}";
        await File.WriteAllTextAsync(Path.Combine(outDir, name + ".csv"), ReconciliationReport.Csv(rows), new System.Text.UTF8Encoding(true));
        await File.WriteAllBytesAsync(Path.Combine(outDir, name + ".pdf"), ReconciliationReport.Pdf(district, period, rows));
        Console.WriteLine();
        Console.WriteLine($"Subsidy reconciliation {district} {BillingPeriod.Format(period)} (written to {Path.Combine(outDir, name)}.csv/.pdf)");
        Console.WriteLine($"  {"community",-12} {"standard",10} {"resident",10} {"district",10} {"score",6} {"factor",7} {"claim",10} {"shortfall",10}  checks");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.CommunityCode,-12} {r.StandardFee.Yuan,10:0.00} {r.ResidentShare.Yuan,10:0.00} {r.DistrictShare.Yuan,10:0.00} {r.Score?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-",6} {r.Factor?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",7} {r.Claim?.Yuan.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",10} {r.Shortfall?.Yuan.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",10}  {(r.AllPassed ? "passed" : "FAILED")}"));
        }

        return rows;
    }

    /// <summary>
    /// A little volunteer work in the billed month, so the sample statements show points and a
    /// credit line. Recorded once: services are events, so a second demo run must not add them again.
    /// </summary>
    private static async Task SamplePointsAsync(IConfiguration configuration, BillingDatabase database, YearMonth period)
    {
        await using (var any = database.DataSource.CreateCommand("select count(*) from points_entry"))
        {
            if ((long)(await any.ExecuteScalarAsync())! > 0)
            {
                return;
            }
        }

        var points = new Infrastructure.Points.PointsStore(database.DataSource, RateDirectory.LoadPoints(RatesDir(configuration)));
        foreach (var (household, service, day) in new[]
        {
            ("HZ-FXY-01-1-101", "mediation", 5), ("HZ-FXY-01-1-101", "elderly-visit", 12), ("HZ-FXY-01-1-101", "patrol", 19),
            ("HZ-SWJSY-01-1-501", "cleanup", 8), ("HZ-SWJSY-01-1-501", "patrol", 15),
        })
        {
            await points.EarnAsync(household, service, period.OnDayOfMonth(day), "楼栋长 李建华");
        }

        var redemption = await points.RedeemAsync("HZ-FXY-01-1-101", "fee-credit", 100, period.OnDayOfMonth(25));
        Console.WriteLine($"Volunteer points: 5 services recorded; HZ-FXY-01-1-101 redeemed 100 points for {redemption.Credit?.ToFenString()} yuan of fee credit");
    }

    /// <summary>
    /// Shared parking for the demo: 20 resident permits in 丰鑫园小区, and 8 of the spaces released on
    /// working days and leased by the month to a shop, so the statements show the pool at work. Set up once.
    /// </summary>
    private static async Task SampleParkingAsync(IConfiguration configuration, BillingDatabase database, YearMonth period)
    {
        await using (var any = database.DataSource.CreateCommand("select count(*) from parking_space"))
        {
            if ((long)(await any.ExecuteScalarAsync())! > 0)
            {
                return;
            }
        }

        var book = LoadParking(configuration);
        if (book.For("TCJY", period.OnDayOfMonth(1)) is not { } rates)
        {
            return;
        }

        var store = new Infrastructure.Parking.LeaseStore(database.DataSource);
        Core.Parking.CreditCode.TryParse("91350100M000100Y43", out var code, out _);
        var shop = await store.AddBusinessAsync("鑫源便利店", "张老板 13800000000", code);
        var daytime = rates.Daytime.Occurrences(period, rates.Calendar, DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToList();
        for (var i = 1; i <= 20; i++)
        {
            var space = await store.AddSpaceAsync("HZ-FXY", $"A-{i:D3}");
            var household = $"HZ-FXY-{1 + ((i - 1) / 24):D2}-{1 + (((i - 1) % 24) / 12)}-{1 + (((i - 1) % 12) / 2)}0{1 + ((i - 1) % 2)}";
            await store.PermitAsync(space, household, period.OnDayOfMonth(1), null);
            if (i <= 8)
            {
                await store.ReleaseAsync(space, daytime, "业主");
                await store.LeaseAsync(space, shop, "monthly", daytime, rates);
            }
        }

        Console.WriteLine($"Shared parking: 20 resident permits; 8 spaces leased in the daytime at {rates.LeaseMonthly.ToFenString()} yuan a month");
    }

    /// <summary>
    /// `import`: the register, then (with --dir, when the folder has them) shared parking and volunteer
    /// points. Each group is one transaction and idempotent, so after fixing a rejected file the same
    /// command is simply run again: what was stored before is recognised and left as it is.
    /// </summary>
    private static async Task<int> ImportAsync(IConfiguration configuration, IClock clock, Options options)
    {
        // Streamed: a city's register (a million households) is read as it is copied into the database, never held whole.
        var dir = options.Get("dir");
        var import = dir is not null
            ? RegisterFiles.StreamFolder(dir)
            : RegisterFiles.Stream(options.Get("communities"), options.Get("buildings"), options.Get("households"), options.Get("occupancy"), options.Get("meters"));
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var watch = Stopwatch.StartNew();
        PrintImport(await new RegisterStore(database.DataSource).ImportAsync(import, Today(clock), rates));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ({watch.Elapsed.TotalSeconds:0.0} s)"));
        if (dir is null)
        {
            return 0;
        }

        var ratesDir = RatesDir(configuration);
        if (Infrastructure.Parking.ParkingFiles.StreamFolder(dir) is { } parking)
        {
            watch.Restart();
            var r = await new Infrastructure.Parking.ParkingImport(database.DataSource, RateDirectory.LoadParking(ratesDir)).ImportAsync(parking);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Parking: {r.Spaces.Rows} spaces, {r.Businesses.Rows} businesses, {r.Permits.Rows} permits, {r.Releases.Rows} monthly releases and {r.Leases.Rows} monthly leases read; {r.Changed} new or changed  ({watch.Elapsed.TotalSeconds:0.0} s)"));
        }

        if (Infrastructure.Points.PointsFiles.StreamFolder(dir) is { } points)
        {
            watch.Restart();
            var r = await new Infrastructure.Points.PointsImport(database.DataSource, RateDirectory.LoadPoints(ratesDir)).ImportAsync(points);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Volunteer points: {r.Earned.Rows} services and {r.Redeemed.Rows} redemptions read; {r.Changed} new  ({watch.Elapsed.TotalSeconds:0.0} s)"));
        }

        return 0;
    }

    private static async Task<int> PreviewAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("preview needs --period yyyy-MM.");
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var only = options.Get("community") is { } c ? new[] { new Core.Register.CommunityCode(c) } : null;
        var bills = await new StoredRegisterBilling(new RegisterStore(database.DataSource), rates, LoadSubsidies(configuration), Core.Statements.StatementCalendar.Default, LoadParking(configuration)).BillAsync(period, only).ToListAsync();
        Console.WriteLine($"Dry run for {BillingPeriod.Format(period)}: nothing is stored.");
        foreach (var bill in bills)
        {
            Console.WriteLine();
            Console.WriteLine($"{bill.Community.Code} {bill.Community.Name}: {(bill.NotYetBilled ? "not billed yet (billing starts " + bill.Community.BillingStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ")" : bill.Succeeded ? $"{bill.Statements.Count} statements, {bill.Total.ToFenString()} yuan" : "REFUSED")}");
            foreach (var problem in bill.Problems)
            {
                Console.WriteLine($"  ! {problem}");
            }

            foreach (var statement in bill.Statements)
            {
                foreach (var line in statement.Lines)
                {
                    Console.WriteLine($"  {statement.Household.Code,-20} {line.Label,-14} {line.Formula,-52} {line.Amount.ToFenString(),9}  {line.RateVersion}");
                }
            }
        }

        return bills.All(b => b.Succeeded) ? 0 : 1;
    }

    private static async Task<int> ExportAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("export needs --period yyyy-MM.");
        var outDir = options.Get("out") ?? Path.Combine(RepositoryPaths.Root, "out", "statements");
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var written = await new StatementStore(database.DataSource).ExportPdfsAsync(period, outDir);
        Console.WriteLine($"Wrote {written} statements to {outDir}");
        return 0;
    }

    private static async Task<int> PayAsync(IConfiguration configuration, Options options)
    {
        if (!Core.Payments.PaymentChannels.TryParse(options.Require("channel"), out var channel))
        {
            throw new ArgumentException("--channel is cash, wechat, alipay or bank.");
        }

        var amount = decimal.TryParse(options.Require("amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var a) ? a : throw new ArgumentException("--amount is yuan, e.g. 42.96.");
        var date = NodaTime.Text.LocalDatePattern.Iso.Parse(options.Require("date"));
        if (!date.Success)
        {
            throw new ArgumentException("--date is like 2026-11-05.");
        }

        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var input = new Infrastructure.Payments.PaymentInput(options.Require("household"), channel, options.Require("reference"), new Core.Money(amount), date.Value);
        var result = (await new Infrastructure.Payments.PaymentStore(database.DataSource).RecordAsync([(input, "command line", 1)], "command line"))[0];
        Console.WriteLine(result.Duplicate ? $"Already recorded as payment {result.Id}; nothing changed." : $"Recorded payment {result.Id}.");
        return 0;
    }

    private static async Task<int> AdjustAsync(IConfiguration configuration, Options options)
    {
        var text = options.Require("amount");
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new ArgumentException($"--amount is yuan, e.g. -10.00 for a credit or 5.50 for more to pay; got '{text}'.");
        }

        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var input = new Infrastructure.Corrections.AdjustmentInput(options.Require("statement"), new Core.Money(amount), options.Require("reason"), options.Require("by"), options.Get("key"));
        try
        {
            var (duplicate, a) = await new Infrastructure.Corrections.AdjustmentStore(database.DataSource).RecordAsync(input);
            Console.WriteLine(duplicate
                ? $"Already recorded as adjustment {a.Id} with key '{a.Key}'; nothing changed."
                : $"Recorded adjustment {a.Id}: {a.Amount.ToFenString()} yuan correcting statement {a.CorrectsStatementNo} of {a.Household}; the household's next statement bills it.");
            return 0;
        }
        catch (Infrastructure.Corrections.AdjustmentConflictException conflict)
        {
            return Fail(conflict.Message);
        }
    }

    private static async Task<int> PaymentsAsync(IConfiguration configuration, Options options)
    {
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var (recorded, duplicates) = await ImportPaymentsAsync(database, options.Require("file"), options.Get("channel"));
        Console.WriteLine($"{recorded} payments recorded, {duplicates} already recorded and ignored.");
        return 0;
    }

    private static async Task<(int Recorded, int Duplicates)> ImportPaymentsAsync(BillingDatabase database, string file, string? channelName)
    {
        Core.Payments.PaymentChannel? channel = null;
        if (channelName is not null)
        {
            channel = Core.Payments.PaymentChannels.TryParse(channelName, out var c) ? c : throw new ArgumentException("--channel is cash, wechat, alipay or bank.");
        }

        IReadOnlyList<Sourced<Infrastructure.Payments.PaymentInput>> rows;
        using (var reader = RegisterCsv.OpenFile(file))
        {
            rows = RegisterCsv.ReadPayments(Path.GetFileName(file), reader, channel);
        }

        var results = await new Infrastructure.Payments.PaymentStore(database.DataSource).RecordAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), "import");
        return (results.Count(r => !r.Duplicate), results.Count(r => r.Duplicate));
    }

    private static async Task<int> ArrearsAsync(IConfiguration configuration, IClock clock, Options options)
    {
        var community = options.Require("community");
        var asOf = options.Get("as-of") is { } d ? NodaTime.Text.LocalDatePattern.Iso.Parse(d).GetValueOrThrow() : Today(clock);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await WriteArrearsAsync(database, community, asOf, options.Get("out") ?? Path.Combine(RepositoryPaths.Root, "out", "arrears"));
        return 0;
    }

    private static async Task WriteArrearsAsync(BillingDatabase database, string community, LocalDate asOf, string outDir)
    {
        var store = new Infrastructure.Payments.PaymentStore(database.DataSource);
        var arrears = await store.ArrearsAsync(community, asOf);
        var info = (await new RegisterStore(database.DataSource).CommunitiesAsync()).Single(c => c.Code.Value == community);
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, $"{community}-arrears.csv"), Infrastructure.Payments.PaymentDocuments.ArrearsCsv(arrears), new System.Text.UTF8Encoding(true));
        await File.WriteAllBytesAsync(Path.Combine(outDir, $"{community}-reminders.pdf"), Infrastructure.Payments.PaymentDocuments.ReminderNotices(info.Name, info.OperatorName, asOf, arrears));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {community,-12} {arrears.Count,4} households overdue, {Core.Money.Sum(arrears.Select(a => a.Position.Open)).Yuan,10:0.00} yuan open -> {outDir}/{community}-arrears.csv, -reminders.pdf"));
    }

    private static async Task<int> CollectionAsync(IConfiguration configuration, IClock clock, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("collection needs --period yyyy-MM.");
        var asOf = options.Get("as-of") is { } d ? NodaTime.Text.LocalDatePattern.Iso.Parse(d).GetValueOrThrow() : Today(clock);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await PrintCollectionAsync(database, period, asOf);
        return 0;
    }

    private static async Task PrintCollectionAsync(BillingDatabase database, YearMonth period, LocalDate asOf)
    {
        var store = new Infrastructure.Payments.PaymentStore(database.DataSource);
        var communities = await new RegisterStore(database.DataSource).CommunitiesAsync();
        Console.WriteLine();
        Console.WriteLine($"Collection rate for {BillingPeriod.Format(period)} as of {asOf:yyyy-MM-dd}");
        foreach (var group in communities.GroupBy(c => (c.OperatorCode, c.OperatorName)))
        {
            foreach (var c in group)
            {
                var rate = await store.CollectionRateAsync([c.Code.Value], period, asOf);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Code.Value,-12} billed {rate.Billed.Yuan,10:0.00} collected {rate.Collected.Yuan,10:0.00}  {rate.Percent,6}"));
            }

            var all = await store.CollectionRateAsync(group.Select(c => c.Code.Value), period, asOf);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {group.Key.OperatorCode,-12} billed {all.Billed.Yuan,10:0.00} collected {all.Collected.Yuan,10:0.00}  {all.Percent,6}  ({group.Key.OperatorName})"));
        }
    }

    private static async Task<int> LedgerCheckAsync(IConfiguration configuration, Options options)
    {
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var check = await new Infrastructure.Payments.PaymentStore(database.DataSource).CheckAsync(options.Require("operator"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{check.Households} households; ledger {check.LedgerTotal.Yuan:0.00} = charges {check.ChargesTotal.Yuan:0.00} − payments {check.PaymentsTotal.Yuan:0.00} + reversals {check.ReversalsTotal.Yuan:0.00}: {(check.Balances ? "balances" : "DOES NOT BALANCE")}"));
        foreach (var m in check.Mismatches)
        {
            Console.WriteLine("  " + m);
        }

        return check.Balances ? 0 : 1;
    }

    /// <summary>Issues a month's business invoices per community and shows that they add up to the lease income the pool uses.</summary>
    private static async Task<int> ParkingInvoicesAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("parking-invoices needs --period yyyy-MM.");
        var outDir = options.Get("out") ?? Path.Combine(RepositoryPaths.Root, "out", "parking-invoices");
        var book = LoadParking(configuration);
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var invoices = new Infrastructure.Parking.BusinessInvoiceStore(database.DataSource);
        var leases = new Infrastructure.Parking.LeaseStore(database.DataSource);
        var communities = (await new RegisterStore(database.DataSource).CommunitiesAsync())
            .Where(c => options.Get("community") is not { } only || c.Code.Value == only)
            .ToList();
        if (communities.Count == 0)
        {
            return Fail($"No community {options.Get("community")}.");
        }

        Directory.CreateDirectory(outDir);
        var agree = true;
        Console.WriteLine($"Shared-parking invoices for {BillingPeriod.Format(period)} (PDFs in {outDir})");
        foreach (var c in communities)
        {
            var issue = await invoices.IssueAsync(c.Code.Value, period, book, zone);
            var month = await invoices.MonthAsync(c.Code.Value, period);
            foreach (var (number, _, pdf) in month)
            {
                await File.WriteAllBytesAsync(Path.Combine(outDir, number + ".pdf"), pdf);
            }

            var invoiced = Core.Money.Sum(month.Select(m => m.Total));
            var income = (await leases.MonthAsync(c.Code.Value, c.OperatorCode, period, book, zone))?.LeaseIncome ?? Core.Money.Zero;
            agree &= invoiced == income;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {c.Code.Value,-12} {issue.Issued,3} issued, {issue.Existing,3} already issued; invoiced {invoiced.Yuan,10:0.00} = lease income {income.Yuan,10:0.00}: {(invoiced == income ? "agrees" : "DOES NOT AGREE")}"));
        }

        return agree ? 0 : 1;
    }

    private static async Task<int> AccountsAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("accounts needs --period yyyy-MM.");
        var community = options.Require("community");
        var outDir = options.Get("out") ?? Path.Combine(RepositoryPaths.Root, "out", "accounts");
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var accounts = await new Infrastructure.Accounts.CommunityAccountsStore(database.DataSource).ReadAsync(community, period)
            ?? throw new ArgumentException($"Community '{community}' is not in the register.");
        Directory.CreateDirectory(outDir);
        var file = Path.Combine(outDir, $"{community}-{BillingPeriod.Format(period)}-accounts.pdf");
        await File.WriteAllBytesAsync(file, Infrastructure.Accounts.CommunityAccountsPdf.Render(accounts));
        Console.WriteLine($"{accounts.Input.CommunityName} ({community}) {BillingPeriod.Format(period)}");
        foreach (var line in accounts.Income)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  income   {line.Label,-10} {line.Amount.Yuan,12:0.00}"));
        }

        foreach (var line in accounts.Spending.Where(l => l.Entries.Count > 0))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  spending {line.Category.Label,-10} {line.Amount.Yuan,12:0.00}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  income {accounts.TotalIncome.Yuan:0.00} − spending {accounts.TotalSpending.Yuan:0.00} = balance {accounts.Balance.Yuan:0.00}; parking carried to next month {accounts.CarriedToNextMonth.Yuan:0.00}"));
        Console.WriteLine($"  -> {file}");
        return 0;
    }

    private static int Generate(Options options)
    {
        int Number(string name, int fallback) =>
            options.Get(name) is { } text ? (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--{name} is a positive number.")) : fallback;
        var outDir = options.Require("out");
        var period = options.Period ?? Infrastructure.Scale.SyntheticOptions.DefaultPeriod;
        var watch = Stopwatch.StartNew();
        var s = Infrastructure.Scale.SyntheticRegister.Write(
            outDir, new Infrastructure.Scale.SyntheticOptions(Number("communities", 10), Number("households-per-community", 100), Number("seed", 20261123), period));
        var month = BillingPeriod.Format(period);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote a synthetic city for {month} to {outDir} in {watch.Elapsed.TotalSeconds:0.0} s:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  register  {s.Communities} communities, {s.Households} households, {s.Occupancy} occupancy rows, {s.MeterReadings} meter readings"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  parking   {s.Spaces} spaces, {s.Businesses} businesses, {s.Permits} permits, {s.Releases} daytime releases, {s.Leases} monthly leases"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  points    {s.PointsEarned} services, {s.PointsRedeemed} redemptions"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  scores    {s.Scores} (scores.csv)   payments {s.Payments} (payments.csv, paid after {month})"));
        Console.WriteLine("Then:");
        Console.WriteLine($"  Billing.Worker import --dir {outDir}");
        Console.WriteLine($"  Billing.Worker scores --file {Path.Combine(outDir, "scores.csv")}");
        Console.WriteLine($"  Billing.Worker bill --period {month} --by NAME");
        Console.WriteLine($"  Billing.Worker payments --file {Path.Combine(outDir, "payments.csv")}");
        return 0;
    }

    private static int IssueToken(IConfiguration configuration, IClock clock, Options options)
    {
        if (!Infrastructure.Access.AccessTokens.TryParseRole(options.Require("role"), out var role))
        {
            throw new ArgumentException("--role is finance (an operator's staff), resident (a household) or district (district finance).");
        }

        var scope = options.Require("scope");
        var days = options.Get("days") is { } d && int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 366 ? n : 30;
        var grant = new Infrastructure.Access.AccessGrant(role, scope, options.Get("subject") ?? $"{options.Require("role")}:{scope}");
        Console.WriteLine(Infrastructure.Access.AccessTokens.Issue(grant, configuration[Infrastructure.Access.AccessTokens.ConfigurationKey], clock.GetCurrentInstant(), Duration.FromDays(days)));
        return 0;
    }

    private static int Migrate(IConfiguration configuration)
    {
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        Console.WriteLine("Database is up to date.");
        return 0;
    }

    private static void PrintImport(ImportResult r) =>
        Console.WriteLine(
            $"Register: {r.Communities.Rows} communities, {r.Buildings.Rows} buildings, {r.Households.Rows} households, "
            + $"{r.Occupancy.Rows} occupancy and {r.MeterReadings.Rows} meter rows read; {r.Changed} new or changed");

    private static LocalDate Today(IClock clock) => clock.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).GetCurrentDate();

    private static Core.Subsidies.SubsidyCatalog LoadSubsidies(IConfiguration configuration)
    {
        var catalog = RateDirectory.LoadSubsidies(RatesDir(configuration));
        Console.WriteLine($"Subsidy policies: {(catalog.Versions.Count == 0 ? "none" : string.Join(", ", catalog.Versions.Select(v => v.VersionId)))}");
        return catalog;
    }

    /// <summary>The rate files: BILLING_RATES_DIR, or the checkout's rates/ folder.</summary>
    private static string RatesDir(IConfiguration configuration) => configuration["BILLING_RATES_DIR"] ?? RepositoryPaths.Rates;

    private static Core.Parking.ParkingRateBook LoadParking(IConfiguration configuration) => RateDirectory.LoadParking(RatesDir(configuration));

    private static RateCatalog LoadRates(IConfiguration configuration)
    {
        var dir = RatesDir(configuration);
        var catalog = RateDirectory.Load(dir);
        Console.WriteLine($"Rates: {string.Join(", ", catalog.Versions.Select(v => v.VersionId))}");
        return catalog;
    }

    private static void PrintSummary(YearMonth period, IReadOnlyList<CommunityMonthTotal> totals, int? written, string? outDir)
    {
        Console.WriteLine();
        Console.WriteLine($"Summary for {BillingPeriod.Format(period)}");
        Console.WriteLine($"  {"community",-12} {"name",-10} {"households",10} {"billed (yuan)",14}");
        foreach (var t in totals)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.CommunityCode,-12} {t.CommunityName,-10} {t.Statements,10} {t.Total,14:0.00}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"total",-12} {string.Empty,-10} {totals.Sum(t => t.Statements),10} {totals.Sum(t => t.Total),14:0.00}"));
        if (written is not null)
        {
            Console.WriteLine($"  {written} PDF statements in {outDir}");
        }
    }

    private static YearMonth LastMonth(IClock clock)
    {
        return Today(clock).ToYearMonth().PlusMonths(-1);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    private sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public YearMonth? Period => Get("period") is { } p ? BillingPeriod.Parse(p) : null;

        public static Options Parse(IEnumerable<string> args)
        {
            var options = new Options();
            using var e = args.GetEnumerator();
            while (e.MoveNext())
            {
                var key = e.Current;
                if (!key.StartsWith("--", StringComparison.Ordinal) || !e.MoveNext())
                {
                    throw new ArgumentException($"Expected '--name value' pairs, got '{key}'.");
                }

                options._values[key[2..]] = e.Current;
            }

            return options;
        }

        public string? Get(string name) => _values.GetValueOrDefault(name);

        public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");
    }
}
