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
        using var serve = ServeProcess.Start(db.ConnectionString, name);

        await serve.RunningAsync(TimeSpan.FromMinutes(1));
        // Hangfire announces a server a moment after it starts.
        for (var i = 0; i < 50 && await ServersAsync(db, name) == 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(1, await ServersAsync(db, name));
        await serve.TerminateAsync(TimeSpan.FromSeconds(45));

        var text = serve.Output;
        Assert.True(serve.ExitCode == 0, text);
        Assert.Contains("Stopped.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Equal(0, await ServersAsync(db, name));
    }

    private static Task<long> ServersAsync(TestDatabase db, string name) =>
        db.CountAsync($"select count(*) from hangfire.server where id like '{name}%'");
}
