using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// A command of the command line: its options, declared in its constructor, and what it does with
/// the services of the host it runs in. Mistakes it finds in its input (an unknown code, a
/// rejected file) end it with one line and exit code 2, never a stack trace.
/// </summary>
public abstract class BillingCommand : Command
{
    protected BillingCommand(string name, string description)
        : base(name, description)
    {
        SetAction(RunAsync);
    }

    /// <summary>What the command does; the parse result holds its option values.</summary>
    protected abstract Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct);

    /// <summary>For commands that need more of the host than the billing services (a Hangfire server).</summary>
    protected virtual void ConfigureHost(HostApplicationBuilder builder, ParseResult parse)
    {
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var host = WorkerHost.Build(builder => ConfigureHost(builder, parse));
            try
            {
                return await ExecuteAsync(parse, host.Services, ct);
            }
            finally
            {
                // Disposing the host stops a local PostgreSQL cluster this process started, also after Ctrl+C.
                await ((IAsyncDisposable)host).DisposeAsync();
            }
        }
        catch (CommandException mistake)
        {
            error.WriteLine(mistake.Message);
            return Cli.Usage;
        }
        catch (InputRejectedException rejected)
        {
            error.WriteLine("Rejected, nothing was stored:");
            foreach (var e in rejected.Errors)
            {
                error.WriteLine("  " + e);
            }

            return Cli.Usage;
        }
        catch (ArgumentException bad)
        {
            error.WriteLine(bad.Message);
            return Cli.Usage;
        }
        catch (Infrastructure.Runs.RunStateException refused)
        {
            // A run step the lifecycle refuses (a month out of order, a run already approved): the reason is the whole answer.
            error.WriteLine(refused.Message);
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            error.WriteLine($"{Name}: interrupted; stopped cleanly.");
            return Cli.Interrupted;
        }
        catch (Exception failure)
        {
            // Staff get the reason in one line; the details are in the database or server logs.
            error.WriteLine($"{Name} failed: {failure.Message}");
            return 1;
        }
    }
}

/// <summary>A mistake in what the command was asked to do, found before anything was changed.</summary>
public sealed class CommandException(string message) : Exception(message);

/// <summary>The Worker's host: configuration, logging and the billing services, built the same way for every command.</summary>
public static class WorkerHost
{
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string?>?> OverrideSettings = new();

    /// <summary>Settings laid over configuration for the commands run in this async flow (tests run commands on their own database).</summary>
    public static IReadOnlyDictionary<string, string?>? Settings
    {
        get => OverrideSettings.Value;
        set => OverrideSettings.Value = value;
    }

    public static IHost Build(Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // The command line is ours, not configuration; appsettings.json sits beside the binaries.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (Settings is { } settings)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // Commands print what staff need; the log carries only trouble.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddBilling(builder.Configuration);
        configure?.Invoke(builder);
        return builder.Build();
    }
}
