using System.CommandLine;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// `serve`: a worker. The host runs a Hangfire server; at start it registers each operator's
/// monthly schedule and queues again what a stopped worker left. Ctrl+C or SIGTERM stops it after
/// the jobs in hand are given back.
/// </summary>
public sealed class ServeCommand : BillingCommand
{
    private readonly Option<int?> _workers = CommandOptions.Number("--workers", "jobs worked at once (default: the number of processors)", max: 256);
    private readonly Option<string> _name = CommandOptions.Text("--name", "this worker's name, recorded beside the work it does (default: worker-PID)");
    private readonly Option<string> _cron = CommandOptions.Text("--cron", "when the monthly draft runs, in Asia/Shanghai (default: Billing:Schedule:Cron, or \"0 2 1 * *\")");

    public ServeCommand()
        : base("serve", "a worker: schedules each operator's monthly draft, resumes interrupted runs, works until Ctrl+C or SIGTERM")
    {
        Options.Add(_workers);
        Options.Add(_name);
        Options.Add(_cron);
    }

    protected override void ConfigureHost(HostApplicationBuilder builder, ParseResult parse)
    {
        var name = ServerName(parse);
        builder.Services.Replace(ServiceDescriptor.Singleton(new WorkerName(name)));
        // Online payments whose notification never came are queried by the workers (only channels configured here).
        builder.Services.AddPaymentChannels(builder.Configuration);
        builder.Services.AddHangfireServer(options =>
        {
            options.ServerName = name;
            options.WorkerCount = WorkerCount(parse);
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        RunPrinter.Rates(services.GetRequiredService<Core.Rates.RateCatalog>());
        var host = services.GetRequiredService<IHost>();
        await host.StartAsync(ct);
        var storage = services.GetRequiredService<JobStorage>();
        var cron = parse.GetValue(_cron) ?? services.GetRequiredService<IConfiguration>()["Billing:Schedule:Cron"] ?? BillingSchedule.DefaultCron;
        var operators = await BillingSchedule.RegisterAsync(new RecurringJobManager(storage), services.GetRequiredService<NpgsqlDataSource>(), cron);
        Console.WriteLine($"Monthly billing scheduled ({cron}, Asia/Shanghai) for: {string.Join(", ", operators)}");
        var resumed = await new BillingRuns(services.GetRequiredService<NpgsqlDataSource>()).ResumeAsync(new BackgroundJobClient(storage), ct);
        Console.WriteLine($"Queued again after an interrupted worker: {resumed} community jobs");
        services.GetRequiredService<RunLiveness>().RegisterSweeper(new RecurringJobManager(storage));
        if (services.GetServices<Infrastructure.Channels.IPaymentChannel>().Any())
        {
            new RecurringJobManager(storage).AddOrUpdate<Infrastructure.Channels.OnlinePayments>(
                Infrastructure.Channels.OnlinePayments.QueryJobId, p => p.QueryUnansweredAsync(CancellationToken.None), "*/5 * * * *");
        }
        Console.WriteLine($"Hangfire server {ServerName(parse)} running with {WorkerCount(parse)} workers; Ctrl+C or SIGTERM stops it.");
        await host.WaitForShutdownAsync(ct);
        Console.WriteLine("Stopped.");
        return 0;
    }

    private string ServerName(ParseResult parse) => parse.GetValue(_name) ?? $"worker-{Environment.ProcessId}";

    private int WorkerCount(ParseResult parse) => parse.GetValue(_workers) ?? Environment.ProcessorCount;
}
