using BenchmarkDotNet.Running;

namespace RedProperty.Billing.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet for the engine (<c>--filter *Engine*</c>); timed commands for what needs whole
    /// cores or a database: <c>render</c> (PDF throughput against an empty page) and
    /// <c>copy-limit</c> (binary COPY of a stored month's rows alone), <c>resident-tokens</c> (households and
    /// tokens for the statement-day load test, statement-day/wrk.lua).
    /// </summary>
    public static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "render" => RenderThroughput.Run(args.Skip(1).ToArray()),
        "copy-limit" => await CopyLimit.RunAsync(args.Skip(1).ToArray()),
        "resident-tokens" => await ResidentTokens.RunAsync(args.Skip(1).ToArray()),
        _ => Run(args),
    };

    private static int Run(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
