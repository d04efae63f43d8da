using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Scale;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`generate`: a synthetic city for scale runs and tests, the same bytes for the same seed.</summary>
public sealed class GenerateCommand : BillingCommand
{
    private readonly Option<int?> _communities = CommandOptions.Number("--communities", "how many communities (default 10)");
    private readonly Option<int?> _households = CommandOptions.Number("--households-per-community", "households in each (default 100)");
    private readonly Option<int?> _seed = CommandOptions.Number("--seed", "the random seed (default 20261123)");
    private readonly Option<YearMonth?> _period = CommandOptions.OptionalPeriod("the month the files describe, yyyy-MM (default 2026-10)");
    private readonly Option<string> _out = CommandOptions.Text("--out", "the folder to write the files to", required: true);

    public GenerateCommand()
        : base(
            "generate",
            "write a synthetic city for scale runs and tests, deterministic by seed (same seed, same bytes): the register with several rate books "
            + "and star levels, occupancy and meter readings, parking, volunteer points, evaluation scores and the next month's payments; streamed, "
            + "so 1,000,000 households (--communities 2860 --households-per-community 350) take no more memory than a hundred")
    {
        Options.Add(_communities);
        Options.Add(_households);
        Options.Add(_seed);
        Options.Add(_period);
        Options.Add(_out);
    }

    protected override Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var outDir = parse.GetRequiredValue(_out);
        var period = parse.GetValue(_period) ?? SyntheticOptions.DefaultPeriod;
        var watch = Stopwatch.StartNew();
        var s = SyntheticRegister.Write(
            outDir, new SyntheticOptions(parse.GetValue(_communities) ?? 10, parse.GetValue(_households) ?? 100, parse.GetValue(_seed) ?? 20261123, period));
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
        return Task.FromResult(0);
    }
}
