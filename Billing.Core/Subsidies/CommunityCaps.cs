using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Statements;

namespace RedProperty.Billing.Core.Subsidies;

/// <summary>
/// A policy's cap per community and month: when the district shares of a community add up to more,
/// each household's share is scaled down in proportion, to the fen, with the leftover fen given to
/// the largest remainders so that the shares add up to the cap exactly and no fen is lost.
/// </summary>
public static class CommunityCaps
{
    /// <summary>
    /// The cap is per community and month whatever the versions: when a policy's version changes
    /// inside the month, the lines of its capped versions share one cap. Versions are taken in date
    /// order; a capped version pays at most what its cap leaves after the capped versions before it
    /// (the same rule as the per-household cap), and an uncapped version is not limited.
    /// </summary>
    public static IReadOnlyList<StatementModel> Apply(IReadOnlyList<StatementModel> statements, SubsidyCatalog subsidies)
    {
        var result = statements.ToArray();
        foreach (var policy in subsidies.Versions.Where(v => v.CapPerCommunityMonth is not null).GroupBy(v => v.Policy, StringComparer.Ordinal))
        {
            var versions = subsidies.Versions.Where(v => v.Policy == policy.Key).OrderBy(v => v.EffectiveFrom).ToList();
            var paidUnderCaps = Money.Zero;
            foreach (var version in versions)
            {
                // Not a pattern variable: a mutation tool's variants of this test must still compile.
                if (version.CapPerCommunityMonth is null)
                {
                    continue;
                }

                var cap = version.CapPerCommunityMonth.Value;

                var lines = result
                    .SelectMany((s, i) => s.Lines.Select((l, j) => (Statement: i, Line: j, l)))
                    .Where(x => x.l.Kind == SubsidyLines.Kind && x.l.RateVersion == version.VersionId)
                    .ToList();
                if (lines.Count == 0)
                {
                    continue;
                }

                var total = Money.Sum(lines.Select(x => -x.l.Amount));
                var left = cap - paidUnderCaps > Money.Zero ? cap - paidUnderCaps : Money.Zero;
                if (total <= left)
                {
                    paidUnderCaps += total;
                    continue;
                }

                var shares = Allocation.Proportional(left, lines.Select(x => -x.l.Amount).ToList());
                for (var k = 0; k < lines.Count; k++)
                {
                    var (i, j, line) = lines[k];
                    var newLines = result[i].Lines.ToArray();
                    newLines[j] = SubsidyLines.Limited(line, shares[k]);
                    result[i] = result[i] with { Lines = newLines };
                }

                paidUnderCaps += left;
            }
        }

        return result;
    }
}

/// <summary>Splitting an amount in proportion to weights, to the fen, losing nothing.</summary>
public static class Allocation
{
    /// <summary>
    /// Shares of <paramref name="amount"/> in proportion to <paramref name="weights"/>: each share is
    /// rounded down to the fen, then the fen left over go one each to the largest remainders (ties
    /// to the earlier weight), so the shares add up to the amount exactly.
    /// </summary>
    public static IReadOnlyList<Money> Proportional(Money amount, IReadOnlyList<Money> weights)
    {
        var totalWeight = weights.Sum(w => w.Yuan);
        if (weights.Count == 0 || totalWeight <= 0m)
        {
            return weights.Select(_ => Money.Zero).ToList();
        }

        var fen = decimal.Round(amount.Yuan * 100m);
        var exact = weights.Select(w => fen * w.Yuan / totalWeight).ToArray();
        var floors = exact.Select(decimal.Floor).ToArray();
        var left = fen - floors.Sum();
        foreach (var i in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - floors[i]).ThenBy(i => i).Take((int)left))
        {
            floors[i] += 1m;
        }

        return floors.Select(f => new Money(f / 100m)).ToList();
    }
}
