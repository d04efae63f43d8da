using RedProperty.Billing.Tests.Support;
using RedProperty.Billing.Worker;

namespace RedProperty.Billing.Tests.CommandLine;

/// <summary>
/// Every command given bad arguments, run in-process through the Worker's entry point: one line
/// naming the mistake, exit code 2, no stack trace, and nothing done.
/// </summary>
public class BadArgumentTests
{
    public static TheoryData<string, string> Mistakes => new()
    {
        { "", "No command given." },
        { "bil --period 2026-10", "Unknown command 'bil'. Did you mean 'bill'?" },
        { "frobnicate", "Unknown command 'frobnicate'." },
        { "demo --perod 2026-10", "Unknown option '--perod' for 'demo'. Did you mean '--period'?" },
        { "demo --period 2026/10", "--period: '2026/10' is not a month like 2026-10." },
        { "import", "Give --dir FOLDER, or at least one file" },
        { "import --dir /nonexistent/folder", "--dir: no folder '/nonexistent/folder'." },
        { "import --households /nonexistent.csv", "--households: no file '/nonexistent.csv'." },
        { "preview --comunity HZ-FXY --period 2026-10", "Unknown option '--comunity' for 'preview'. Did you mean '--community'?" },
        { "preview --period", "Required argument missing for option: '--period'." },
        { "preview --community HZ-FXY", "Option '--period' is required." },
        { "scores", "Option '--file' is required." },
        { "scores --file /nonexistent.csv", "--file: no file '/nonexistent.csv'." },
        { "reconcile --district 开发区 --period 2026-13", "--period: '2026-13' is not a month like 2026-10." },
        { "claim --period 2026-10", "Option '--community' is required." },
        { "run --period 2026-10 --communities ,", "--communities: give at least one code, e.g. A,B." },
        { "run --operatr TCJY", "Unknown option '--operatr' for 'run'. Did you mean '--operator'?" },
        { "approve --run abc --by 财务", "--run: 'abc' is not a run number like 12." },
        { "approve --run 12", "Option '--by' is required." },
        { "runs --operator", "Required argument missing for option: '--operator'." },
        { "bill --period 2026-10 --by 财务 --comunities HZ-FXY", "Unknown option '--comunities' for 'bill'. Did you mean '--communities'?" },
        { "bill --period 2026-10 --by 财务 --pdfs latr", "--pdfs: 'latr' is not now or later. Did you mean 'later'?" },
        { "bill --period 2026-10 --by", "Required argument missing for option: '--by'." },
        { "render", "Option '--period' is required." },
        { "export --period 10-2026", "--period: '10-2026' is not a month like 2026-10." },
        { "pay --household HZ-FXY-01-1-101 --channel paypal --reference R1 --amount 10 --date 2026-11-05", "--channel: 'paypal' is not cash, wechat, alipay or bank." },
        { "pay --household HZ-FXY-01-1-101 --channel cash --reference R1 --amount ten --date 2026-11-05", "--amount: 'ten' is not yuan, e.g. 42.96." },
        { "pay --household HZ-FXY-01-1-101 --channel cash --reference R1 --amount 10 --date 2026-11-31", "--date: '2026-11-31' is not a date like 2022-01-01 (or 2022/1/1)." },
        { "payments --file /nonexistent.csv", "--file: no file '/nonexistent.csv'." },
        { "payments --file /nonexistent.csv --channel card", "--file: no file '/nonexistent.csv'." },
        { "adjust --statement S --amount 1,5 --reason R --by B", "--amount: '1,5' is not yuan, e.g. -10.00 for a credit or 5.50 for more to pay." },
        { "arrears --community HZ-FXY --as-of 20-1-2027", "--as-of: '20-1-2027' is not a date like 2022-01-01 (or 2022/1/1)." },
        { "collection --period 2026-10 --asof 2026-11-01", "Unknown option '--asof' for 'collection'. Did you mean '--as-of'?" },
        { "ledger-check", "Option '--operator' is required." },
        { "parking-invoices --period 2026-10 --community", "Required argument missing for option: '--community'." },
        { "accounts --community HZ-FXY", "Option '--period' is required." },
        { "generate --communities 0 --out x", "--communities: '0' is not a whole number of at least 1." },
        { "generate --communities 3", "Option '--out' is required." },
        { "token --role finance --scope TCJY --days 400", "--days: '400' is not a whole number from 1 to 30." },
        { "token --role financ --scope TCJY", "--role: 'financ' is not finance or resident or district. Did you mean 'finance'?" },
        { "serve --workers many", "--workers: 'many' is not a whole number from 1 to 256." },
        { "migrate --force", "Unknown option '--force' for 'migrate'." },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_bad_command_line_is_one_line_naming_the_mistake_with_exit_code_2(string commandLine, string expected)
    {
        var (exit, output, error) = await RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.EndsWith("--help'.", line, StringComparison.Ordinal);
        AssertNoStackTrace(error);
    }

    [Theory]
    [InlineData("--help", "bill")]
    [InlineData("help", "ledger-check")]
    [InlineData("bill --help", "--pdfs")]
    [InlineData("help bill", "--communities")]
    [InlineData("preview -h", "--community")]
    [InlineData("token --help", "--days")]
    [InlineData("serve --help", "--workers")]
    public async Task Help_is_shown_for_the_program_and_every_command(string commandLine, string mentioned)
    {
        var (exit, output, error) = await RunAsync(commandLine.Split(' '));

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(mentioned, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_has_help_that_lists_its_options()
    {
        foreach (var command in Cli.BuildRoot().Subcommands)
        {
            var (exit, output, _) = await RunAsync([command.Name, "--help"]);
            Assert.True(exit == 0, command.Name);
            foreach (var option in command.Options.Where(o => !o.Hidden))
            {
                Assert.Contains(option.Name, output, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Codes that parse but are not in the register: an error, never an empty month.</summary>
    [Theory]
    [InlineData("preview --period 2026-10 --community NOPE", "Unknown community 'NOPE' in the register. Known: HZ-FXY, HZ-NHJSY, HZ-SGHJSY, HZ-SWJSY.")]
    [InlineData("preview --period 2026-10 --community HZ-FX", "Unknown community 'HZ-FX' in the register. Did you mean 'HZ-FXY'?")]
    [InlineData("reconcile --district 牡丹区 --period 2026-10", "Unknown district '牡丹区' in the register. Known: 开发区.")]
    [InlineData("run --period 2026-10 --operator TCJX", "Unknown operator 'TCJX' in the register. Did you mean 'TCJY'?")]
    [InlineData("bill --period 2026-10 --by 财务 --communities HZ-FXY,NOPE", "Unknown community 'NOPE' in the register.")]
    [InlineData("ledger-check --operator OTHER", "Unknown operator 'OTHER' in the register. Known: TCJY.")]
    [InlineData("runs --operator OTHER", "Unknown operator 'OTHER' in the register. Known: TCJY.")]
    [InlineData("arrears --community NOPE", "Unknown community 'NOPE' in the register.")]
    [InlineData("accounts --community NOPE --period 2026-10", "Unknown community 'NOPE' in the register.")]
    [InlineData("parking-invoices --period 2026-10 --community NOPE", "Unknown community 'NOPE' in the register.")]
    [InlineData("claim --community NOPE --period 2026-10", "Unknown community 'NOPE' in the register.")]
    [InlineData("approve --run 999999 --by 财务", "There is no run 999999;")]
    public async Task An_unknown_code_is_an_error_and_nothing_is_done(string commandLine, string expected)
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var runsBefore = await db.CountAsync("select count(*) from billing_run");

        var (exit, _, error) = await RunAsync(commandLine.Split(' '), db.ConnectionString);

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        AssertNoStackTrace(error);
        Assert.Equal(runsBefore, await db.CountAsync("select count(*) from billing_run"));
        Assert.Equal(0, await db.CountAsync("select count(*) from subsidy_claim"));
    }

    private static void AssertNoStackTrace(string text)
    {
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, string? connectionString = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var settings = connectionString is null ? null : new Dictionary<string, string?> { ["ConnectionStrings:Billing"] = connectionString };
        var exit = await Cli.RunAsync(args, output, error, CancellationToken.None, settings);
        return (exit, output.ToString(), error.ToString());
    }
}
