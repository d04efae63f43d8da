using Npgsql;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Staff;

/// <summary>What the command line does with staff accounts: the first administrator, and the demo's office.</summary>
public static class StaffSetup
{
    public const string DemoPassword = "demo-2026-pass";

    public static readonly IReadOnlyList<(string UserName, string DisplayName, StaffRole Role)> DemoStaff =
    [
        ("admin", "演示管理员", StaffRole.Admin),
        ("zhidan", "王制单", StaffRole.Clerk),
        ("shenhe", "李审核", StaffRole.Manager),
        ("shoufei", "张收费", StaffRole.Cashier),
    ];

    public static Task<StaffAccount> FirstAdministratorAsync(NpgsqlDataSource db, string operatorCode, string userName, string displayName, string password) =>
        new StaffAccounts(db, SystemClock.Instance).CreateFirstAdministratorAsync(operatorCode, userName, displayName, password);

    /// <summary>One account per role for an operator, all with <see cref="DemoPassword"/>; accounts already there are left as they are.</summary>
    public static async Task<IReadOnlyList<(string UserName, string DisplayName, StaffRole Role)>> DemoAccountsAsync(NpgsqlDataSource db, string operatorCode)
    {
        var accounts = new StaffAccounts(db, SystemClock.Instance);
        var demo = new StaffPerson("demo", "演示", operatorCode);
        var result = new List<(string, string, StaffRole)>();
        foreach (var (user, name, role) in DemoStaff)
        {
            // User names are global; a second operator in the demo gets its own suffix.
            var userName = operatorCode == "TCJY" ? user : $"{user}.{operatorCode.ToLowerInvariant()}";
            if (await accounts.FindAsync(userName) is null)
            {
                await accounts.CreateAsync(new NewStaffAccount(userName, name, StaffScopeKind.Operator, operatorCode, [role]), DemoPassword, demo);
            }

            result.Add((userName, name, role));
        }

        return result;
    }
}
