using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>
/// Turns register rows straight into Core communities and households, without a database, with
/// the same dating rules as an import into an empty register: a first row without a date holds
/// "as it always was". For dry runs on files, tests and benchmarks.
/// </summary>
public static class RegisterSnapshot
{
    public static (IReadOnlyList<Community> Communities, IReadOnlyList<Household> Households) From(RegisterImport import)
    {
        var buildings = import.Buildings
            .GroupBy(b => b.Value.Community)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, BuildingType>)g.ToDictionary(b => b.Value.Building, b => b.Value.Type, StringComparer.Ordinal));
        var communities = import.Communities
            .GroupBy(c => c.Value.Code)
            .Select(g =>
            {
                var latest = g.Last().Value;
                var levels = g.Select(c => new Dated<LevelAssignment>(c.Value.LevelFrom ?? RegisterStore.Beginning, new LevelAssignment(c.Value.Level, c.Value.AgreedPrice)));
                return new Community(latest.Code, latest.Name, latest.OperatorCode, latest.OperatorName, latest.ZoneCode, latest.City, latest.District,
                    latest.RateBook, new Timeline<LevelAssignment>(levels), latest.BillingStart, latest.DefaultBuildingType,
                    buildings.GetValueOrDefault(latest.Code) ?? new Dictionary<string, BuildingType>());
            })
            .ToList();

        var occupancy = import.Occupancy
            .GroupBy(o => o.Value.Household)
            .ToDictionary(g => g.Key, g => Occupancies.History(g.Select(o => new Dated<Occupancy>(o.Value.EffectiveFrom, o.Value.Status))));
        var households = import.Households
            .GroupBy(h => h.Value.Code)
            .Select(g => new Household(
                g.Key,
                g.First().Value.Community,
                new Timeline<HouseholdDetails>(g.Select(h => new Dated<HouseholdDetails>(h.Value.EffectiveFrom ?? RegisterStore.Beginning, h.Value.Details))),
                occupancy.GetValueOrDefault(g.Key) ?? Timeline<Occupancy>.Always(Occupancy.Occupied)))
            .ToList();
        return (communities, households);
    }
}
