using BenchmarkDotNet.Attributes;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Benchmarks;

/// <summary>
/// The rules engine alone: household-months billed per second on one core. The register is
/// synthetic and deterministic: areas of 30–150 m², one community in ten with a level change in
/// the month, one household in twenty moving in, out or falling vacant mid-month, and a rate book
/// with a fixed fee item and a vacancy share, so the common one-segment path and the split path
/// are both measured.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const int Households = 10_000;
    private static readonly YearMonth Period = new(2026, 10);

    private Community[] _communities = [];
    private Household[] _households = [];
    private RateCatalog _rates = null!;

    [GlobalSetup]
    public void Setup()
    {
        var start = new LocalDate(2022, 1, 1);
        var book = new RateBookVersion(
            "bench", "bench", start, null, FenRounding.HalfAwayFromZero, Proration.ActualDays,
            [
                new LevelPrice(ServiceLevel.Stars(2), BuildingType.MultiStorey, new AreaPrice(0.48m), 15m),
                new LevelPrice(ServiceLevel.Stars(3), BuildingType.MultiStorey, new AreaPrice(0.60m), 15m),
                new LevelPrice(ServiceLevel.Stars(2), BuildingType.HighRise, new AreaPrice(1.10m), 15m),
                new LevelPrice(ServiceLevel.Stars(3), BuildingType.HighRise, new AreaPrice(1.30m), 15m),
            ],
            [new FeeItem("waste", "生活垃圾清运费", FeeBasis.PerHousehold, 5.00m, null, VacantCharge.None)],
            new VacancyRule(0.70m), "benchmark");
        _rates = RateCatalog.Create([("bench.json", book)]);

        var random = new Random(20261123);
        _communities = Enumerable.Range(0, 100).Select(i =>
        {
            var levels = i % 10 == 0
                ? new Timeline<LevelAssignment>([
                    new Dated<LevelAssignment>(start, new LevelAssignment(ServiceLevel.Stars(2))),
                    new Dated<LevelAssignment>(new LocalDate(2026, 10, 16), new LevelAssignment(ServiceLevel.Stars(3)))])
                : Timeline<LevelAssignment>.Always(new LevelAssignment(ServiceLevel.Stars(2)));
            return new Community(new CommunityCode($"C{i:D3}"), $"小区{i}", "OP", "运营公司", null, "城", "区", "bench", levels, start,
                i % 3 == 0 ? BuildingType.HighRise : BuildingType.MultiStorey, new Dictionary<string, BuildingType>());
        }).ToArray();

        _households = Enumerable.Range(0, Households).Select(i =>
        {
            var community = _communities[i % _communities.Length];
            var area = new SquareMetres(random.Next(3000, 15001) / 100m);
            var details = Timeline<HouseholdDetails>.Always(new HouseholdDetails("1", "1", $"{i}", area, "业主"));
            var occupancy = (i % 20) switch
            {
                0 => new Timeline<Occupancy>([new(start, Occupancy.NotBilled), new(new LocalDate(2026, 10, 10), Occupancy.Occupied)]),
                1 => new Timeline<Occupancy>([new(start, Occupancy.Occupied), new(new LocalDate(2026, 10, 21), Occupancy.Vacant)]),
                _ => Timeline<Occupancy>.Always(Occupancy.Occupied),
            };
            return new Household(new HouseholdCode($"H{i:D6}"), community.Code, details, occupancy);
        }).ToArray();
    }

    /// <summary>One operation is one household-month; read the result as ns per household-month.</summary>
    [Benchmark(OperationsPerInvoke = Households)]
    public decimal BillHouseholdMonths()
    {
        var total = 0m;
        var inputs = HouseholdMonthInputs.None;
        for (var i = 0; i < _households.Length; i++)
        {
            var bill = HouseholdBilling.Bill(_communities[i % _communities.Length], _households[i], _rates, Period, inputs);
            for (var l = 0; l < bill.Lines.Count; l++)
            {
                total += bill.Lines[l].Amount.Yuan;
            }
        }

        return total;
    }
}
