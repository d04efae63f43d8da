using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// `Billing.Worker serve` started as a service manager starts it: a separate process with its
/// settings in the environment, its output collected, stopped with SIGTERM. Disposing kills it if
/// a test failed before stopping it.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data?.Contains("running with 1 workers", StringComparison.Ordinal) == true)
            {
                _running.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts `serve --workers 1 --name <paramref name="name"/>` against <paramref name="connectionString"/>; <paramref name="settings"/> are configuration keys ("A:B").</summary>
    public static ServeProcess Start(string connectionString, string name, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
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

        start.Environment["ConnectionStrings__Billing"] = connectionString;
        foreach (var (key, value) in settings ?? [])
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new ServeProcess(Process.Start(start)!);
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until its Hangfire server says it runs.</summary>
    public Task RunningAsync(TimeSpan timeout) => _running.Task.WaitAsync(timeout);

    /// <summary>Sends SIGTERM, as systemd or Kubernetes do, and waits for it to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
