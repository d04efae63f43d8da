using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RedProperty.Billing.Core.Statements;

namespace RedProperty.Billing.Core.Runs;

/// <summary>A line kind's total in a draft: what finance staff review before approving a run.</summary>
public sealed record DraftLineTotal(string Kind, int Lines, int Households, Money Amount);

/// <summary>
/// What a run would issue for one community, reduced to reviewable totals and a fingerprint of
/// every line. Issuing recomputes the bill and compares fingerprints, so residents receive exactly
/// what was approved, or nothing until the run is drafted again.
/// </summary>
public sealed record CommunityDraft(string CommunityCode, int Households, Money Total, IReadOnlyList<DraftLineTotal> ByKind, string Fingerprint)
{
    public static CommunityDraft Of(CommunityBill bill)
    {
        var statements = bill.Statements.OrderBy(s => s.Household.Code.Value, StringComparer.Ordinal).ToList();
        var byKind = statements
            .SelectMany(s => s.Lines.Select(l => (Household: s.Household.Code.Value, Line: l)))
            .GroupBy(x => x.Line.Kind, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DraftLineTotal(g.Key, g.Count(), g.Select(x => x.Household).Distinct(StringComparer.Ordinal).Count(), Money.Sum(g.Select(x => x.Line.Amount))))
            .ToList();
        return new CommunityDraft(bill.Community.Code.Value, statements.Count, Money.Sum(statements.Select(s => s.Total)), byKind, FingerprintOf(bill, statements));
    }

    private static string FingerprintOf(CommunityBill bill, IReadOnlyList<StatementModel> statements)
    {
        var text = new StringBuilder();
        foreach (var s in statements)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Number}|{s.IssueDate:uuuu-MM-dd}|{s.DueDate:uuuu-MM-dd}\n");
            foreach (var line in s.Lines)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {line.Kind}|{line.Label}|{line.Formula}|{line.RateVersion}|{line.Amount}\n");
            }
        }

        if (bill.Parking is { } pool && bill.ParkingInput is { } input)
        {
            text.Append(CultureInfo.InvariantCulture, $"pool|{input.LeaseIncome}|{input.CarryIn}|{pool.Used}|{pool.CarriedForward}|{input.RateVersion}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
