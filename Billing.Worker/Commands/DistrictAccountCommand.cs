using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// `district-account`: a district finance (区财政) account for the district desk. Operators'
/// administrators create only their own staff, so a district's officers are made here.
/// </summary>
public sealed class DistrictAccountCommand : BillingCommand
{
    public const string DemoUser = "quczj";
    public const string DemoName = "刘区财政";

    private readonly Option<string> _district = CommandOptions.Code("--district", "the district, as named in the register", required: true);
    private readonly Option<string> _user = CommandOptions.Text("--user", "the user name to sign in with", required: true);
    private readonly Option<string> _name = CommandOptions.Text("--name", "the name shown and recorded beside every sign-off (default 区财政)");
    private readonly Option<string> _password = CommandOptions.Text("--password", "the password (or the environment variable BILLING_ADMIN_PASSWORD)");

    public DistrictAccountCommand()
        : base("district-account", "a district finance account for the district desk at /district")
    {
        Options.Add(_district);
        Options.Add(_user);
        Options.Add(_name);
        Options.Add(_password);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var password = parse.GetValue(_password) ?? Environment.GetEnvironmentVariable("BILLING_ADMIN_PASSWORD")
            ?? throw new CommandException("--password (or the environment variable BILLING_ADMIN_PASSWORD) is required.");
        var district = await KnownCodes.DistrictAsync(services, parse.GetRequiredValue(_district), ct);
        var accounts = new StaffAccounts(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<IClock>());
        var account = await accounts.CreateAsync(
            new NewStaffAccount(parse.GetRequiredValue(_user), parse.GetValue(_name) ?? "区财政", StaffScopeKind.District, district, [StaffRole.District]),
            password, new StaffPerson("system", "命令行", district), ct);
        Console.WriteLine($"District finance account {account.UserName} ({account.DisplayName}) of {account.Scope} created; sign in at /console/sign-in to reach /district.");
        return 0;
    }

    /// <summary>The demo's district officer for each district, with the demo password, and where the desk is.</summary>
    public static async Task PrintDemoAccountsAsync(NpgsqlDataSource dataSource, IEnumerable<string> districts, CancellationToken ct)
    {
        var accounts = new StaffAccounts(dataSource, SystemClock.Instance);
        Console.WriteLine("District desk: open http://localhost:5000/district and sign in as");
        var n = 0;
        foreach (var district in districts.Distinct(StringComparer.Ordinal))
        {
            var user = n++ == 0 ? DemoUser : $"{DemoUser}{n}";
            if (await accounts.FindAsync(user, ct) is null)
            {
                await accounts.CreateAsync(new NewStaffAccount(user, DemoName, StaffScopeKind.District, district, [StaffRole.District]), StaffSetup.DemoPassword,
                    new StaffPerson("demo", "演示", district), ct);
            }

            Console.WriteLine($"  {user,-16} {DemoName} (区财政 · {district}), password {StaffSetup.DemoPassword}");
        }
    }
}
