using System.CommandLine;
using System.Runtime.InteropServices;
using RedProperty.Billing.Worker.Commands;

namespace RedProperty.Billing.Worker;

/// <summary>
/// The finance staff's command line. Every command is one class in Commands/, listed once in
/// <see cref="Commands"/>; parsing and help come from System.CommandLine, and what a command needs
/// (database, rules, clock, configuration) from the same service registration as the Api.
/// </summary>
public static class Cli
{
    /// <summary>Exit code for a mistake in the command line or its input: nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Exit code after Ctrl+C or SIGTERM, as shells report a signal.</summary>
    public const int Interrupted = 130;

    /// <summary>Every command, in the order help lists them. A new command is one file and one line here.</summary>
    public static IReadOnlyList<Func<BillingCommand>> Commands { get; } =
    [
        () => new DemoCommand(),
        () => new ImportCommand(),
        () => new PreviewCommand(),
        () => new ScoresCommand(),
        () => new ReconcileCommand(),
        () => new DistrictAccountCommand(),
        () => new ClaimCommand(),
        () => new RunCommand(),
        () => new ApproveCommand(),
        () => new RetryCommand(),
        () => new CancelCommand(),
        () => new RunsCommand(),
        () => new BillCommand(),
        () => new RenderCommand(),
        () => new ExportCommand(),
        () => new PayCommand(),
        () => new PaymentsCommand(),
        () => new AdjustCommand(),
        () => new ArrearsCommand(),
        () => new CollectionCommand(),
        () => new LedgerCheckCommand(),
        () => new ParkingInvoicesCommand(),
        () => new AccountsCommand(),
        () => new GenerateCommand(),
        () => new TokenCommand(),
        () => new ServeCommand(),
        () => new StaffAdminCommand(),
        () => new MigrateCommand(),
    ];

    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        using var interrupt = new CancellationTokenSource();
        // The first Ctrl+C or SIGTERM asks the command to stop; it then unwinds, so a local
        // PostgreSQL it started is stopped too, instead of the process dying mid-way.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await RunAsync(args, Console.Out, Console.Error, interrupt.Token);

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }
    }

    /// <summary>Parses and runs one command line; parse errors and help go to the given writers.</summary>
    /// <param name="settings">Configuration laid over appsettings and the environment, e.g. ConnectionStrings:Billing.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct = default, IReadOnlyDictionary<string, string?>? settings = null)
    {
        WorkerHost.Settings = settings;
        var root = BuildRoot();
        var parse = root.Parse(HelpAsCommand(args));
        if (parse.Errors.Count > 0)
        {
            error.WriteLine(CommandErrors.Describe(parse));
            return Usage;
        }

        return await parse.InvokeAsync(
            new InvocationConfiguration
            {
                Output = output,
                Error = error,
                // Cancellation and failures are ours to report (one line, no stack trace).
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            },
            ct);
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            """
            RedProperty.Billing for finance staff: import the register, bill a month, take payments, and report.
            Database: ConnectionStrings__Billing, or a local PostgreSQL cluster under .pg/demo when unset.
            Rates: the rates/ folder of the checkout, or BILLING_RATES_DIR.
            """);
        foreach (var create in Commands)
        {
            root.Subcommands.Add(create());
        }

        return root;
    }

    // `help` and `help bill` read as `--help` and `bill --help`, as they always have.
    private static string[] HelpAsCommand(IReadOnlyList<string> args) =>
        args.Count > 0 && args[0] == "help" ? [.. args.Skip(1), "--help"] : [.. args];
}
