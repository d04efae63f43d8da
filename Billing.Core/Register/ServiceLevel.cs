using System.Globalization;

namespace RedProperty.Billing.Core.Register;

public enum ServiceLevelScheme
{
    /// <summary>星级: 1 to 5 stars (e.g. Heze).</summary>
    Star,

    /// <summary>等级: grades 1 to 3 (e.g. Hanyang's three-level standard).</summary>
    Grade,
}

/// <summary>A community's service level: "2星" (2 stars) or "1级" (grade 1).</summary>
public readonly record struct ServiceLevel
{
    public ServiceLevel(ServiceLevelScheme scheme, int rank)
    {
        var max = scheme == ServiceLevelScheme.Star ? 5 : 3;
        if (rank < 1 || rank > max)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"A {scheme} level is between 1 and {max}.");
        }

        Scheme = scheme;
        Rank = rank;
    }

    public ServiceLevelScheme Scheme { get; }

    public int Rank { get; }

    public static ServiceLevel Stars(int rank) => new(ServiceLevelScheme.Star, rank);

    public static ServiceLevel Grade(int rank) => new(ServiceLevelScheme.Grade, rank);

    /// <summary>Accepts the forms finance staff write: "2星", "2星级", "1级", "一级" is not accepted on purpose (digits only).</summary>
    public static bool TryParse(string? text, out ServiceLevel level)
    {
        level = default;
        var trimmed = text?.Trim() ?? string.Empty;
        ServiceLevelScheme scheme;
        string digits;
        if (trimmed.EndsWith("星级", StringComparison.Ordinal))
        {
            scheme = ServiceLevelScheme.Star;
            digits = trimmed[..^2];
        }
        else if (trimmed.EndsWith('星'))
        {
            scheme = ServiceLevelScheme.Star;
            digits = trimmed[..^1];
        }
        else if (trimmed.EndsWith('级'))
        {
            scheme = ServiceLevelScheme.Grade;
            digits = trimmed[..^1];
        }
        else
        {
            return false;
        }

        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var rank))
        {
            return false;
        }

        var max = scheme == ServiceLevelScheme.Star ? 5 : 3;
        if (rank < 1 || rank > max)
        {
            return false;
        }

        level = new ServiceLevel(scheme, rank);
        return true;
    }

    /// <summary>The short form used in files and the database: "2星" or "1级".</summary>
    public override string ToString() => Scheme == ServiceLevelScheme.Star ? $"{Rank}星" : $"{Rank}级";

    /// <summary>The form printed on statements: "2星级" or "1级".</summary>
    public string ToDisplay() => Scheme == ServiceLevelScheme.Star ? StarDisplays[Rank] : GradeDisplays[Rank];

    /// <summary>"物业服务费（2星级）": the property-fee line label, built once per level rather than once per line.</summary>
    public string PropertyFeeLabel() => Scheme == ServiceLevelScheme.Star ? StarFeeLabels[Rank] : GradeFeeLabels[Rank];

    private static readonly string[] StarDisplays = [.. Enumerable.Range(0, 6).Select(r => $"{r}星级")];
    private static readonly string[] GradeDisplays = [.. Enumerable.Range(0, 4).Select(r => $"{r}级")];
    private static readonly string[] StarFeeLabels = [.. StarDisplays.Select(d => $"物业服务费（{d}）")];
    private static readonly string[] GradeFeeLabels = [.. GradeDisplays.Select(d => $"物业服务费（{d}）")];
}
