namespace RedProperty.Billing.Infrastructure.Staff;

/// <summary>What a person at the finance office (or the district) may do in the console.</summary>
public enum StaffRole
{
    /// <summary>收费员: the counter, receipts and the day's close-out.</summary>
    Cashier,

    /// <summary>制单: imports, drafting runs, corrections.</summary>
    Clerk,

    /// <summary>审核: approves runs (never one they drafted) and larger corrections.</summary>
    Manager,

    /// <summary>管理员: accounts, the audit trail, the jobs dashboard.</summary>
    Admin,

    /// <summary>区财政: a district's subsidy claims; holds no operator's data.</summary>
    District,
}

public static class StaffRoles
{
    public static readonly IReadOnlyList<StaffRole> OperatorRoles = [StaffRole.Cashier, StaffRole.Clerk, StaffRole.Manager, StaffRole.Admin];

    public static string Name(this StaffRole role) => role switch
    {
        StaffRole.Cashier => "cashier",
        StaffRole.Clerk => "clerk",
        StaffRole.Manager => "manager",
        StaffRole.Admin => "admin",
        _ => "district",
    };

    public static string Display(this StaffRole role) => role switch
    {
        StaffRole.Cashier => "收费员",
        StaffRole.Clerk => "制单",
        StaffRole.Manager => "审核",
        StaffRole.Admin => "管理员",
        _ => "区财政",
    };

    public static bool TryParse(string? text, out StaffRole role)
    {
        foreach (var candidate in Enum.GetValues<StaffRole>())
        {
            if (string.Equals(candidate.Name(), text, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }
}

/// <summary>Whose data an account works on: one operator's communities, or one district's claims.</summary>
public enum StaffScopeKind
{
    Operator,
    District,
}

/// <summary>A person as the records name them: "张敏 (zhangmin)".</summary>
public sealed record StaffPerson(string UserName, string DisplayName, string Scope)
{
    public string Signature => $"{DisplayName} ({UserName})";
}

public sealed record StaffAccount(
    long Id,
    string UserName,
    string DisplayName,
    StaffScopeKind ScopeKind,
    string Scope,
    IReadOnlySet<StaffRole> Roles,
    string SecurityStamp,
    NodaTime.Instant? LockedUntil,
    string CreatedBy,
    NodaTime.Instant CreatedAt)
{
    public StaffPerson Person => new(UserName, DisplayName, Scope);

    public bool Has(StaffRole role) => Roles.Contains(role);
}

/// <summary>What an administrator (or the first-administrator command) asks for.</summary>
public sealed record NewStaffAccount(string UserName, string DisplayName, StaffScopeKind ScopeKind, string Scope, IReadOnlyCollection<StaffRole> Roles);

/// <summary>The outcome of a sign-in attempt. A wrong password and an unknown user look the same to the caller.</summary>
public abstract record SignInOutcome
{
    public sealed record SignedIn(StaffAccount Account) : SignInOutcome;

    public sealed record Refused(int AttemptsLeft) : SignInOutcome;

    public sealed record LockedOut(NodaTime.Instant Until) : SignInOutcome;
}
