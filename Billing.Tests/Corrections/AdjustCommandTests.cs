using System.Diagnostics;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Corrections;

/// <summary>`Billing.Worker adjust` as finance staff run it, in a process of its own on the test's database.</summary>
public class AdjustCommandTests
{
    private static async Task<(int ExitCode, string Output)> WorkerAsync(TestDatabase db, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Billing.Worker.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Billing"] = db.ConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task The_adjust_command_records_a_correction_once_per_key_and_names_what_is_wrong()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        string[] correction = ["adjust", "--statement", "202610-HZ-FXY-01-1-101", "--amount", "-10.00", "--reason", "10月面积录入有误", "--by", "财务 王芳", "--key", "fix-1"];

        var first = await WorkerAsync(db, correction);
        var again = await WorkerAsync(db, correction);
        var blank = await WorkerAsync(db, "adjust", "--statement", "202610-HZ-FXY-01-1-101", "--amount", "-10.005", "--reason", " ", "--by", "财务 王芳");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Recorded adjustment", first.Output, StringComparison.Ordinal);
        Assert.Contains("-10.00 yuan correcting statement 202610-HZ-FXY-01-1-101", first.Output, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("Already recorded", again.Output, StringComparison.Ordinal);
        Assert.Equal(2, blank.ExitCode);
        Assert.Contains("field 'amount'", blank.Output, StringComparison.Ordinal);
        Assert.Contains("field 'reason'", blank.Output, StringComparison.Ordinal);
        Assert.Equal(1, await db.CountAsync("select count(*) from statement_adjustment where recorded_by = '财务 王芳' and amount = -10.00"));
    }
}
