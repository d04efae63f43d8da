using System.Diagnostics;
using System.Text;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.CommandLine;

/// <summary>`Billing.Worker serve` as a service manager stops it: SIGTERM, then a clean exit.</summary>
public class ServeShutdownTests
{
    [Fact]
    public async Task Serve_stops_cleanly_on_SIGTERM_and_signs_its_Hangfire_server_off()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var name = $"sigterm-{Guid.NewGuid():N}";
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Billing.Worker.dll"), "serve", "--workers", "1", "--name", name })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Billing"] = db.ConnectionString;
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var running = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("running with 1 workers", StringComparison.Ordinal) == true)
            {
                running.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await running.Task.WaitAsync(TimeSpan.FromMinutes(1));
            // Hangfire announces a server a moment after it starts.
            for (var i = 0; i < 50 && await ServersAsync(db, name) == 0; i++)
            {
                await Task.Delay(100);
            }

            Assert.Equal(1, await ServersAsync(db, name));

            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(45));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("Stopped.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Equal(0, await ServersAsync(db, name));
    }

    private static Task<long> ServersAsync(TestDatabase db, string name) =>
        db.CountAsync($"select count(*) from hangfire.server where id like '{name}%'");
}
