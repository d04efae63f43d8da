using System.Diagnostics;
using System.Text;
using Hangfire;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Scale;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Runs;

/// <summary>
/// A real Worker process, killed with SIGKILL in the middle of issuing, then a new one started:
/// the run must end complete, with every household billed once and the approved totals.
/// </summary>
[Collection(HangfireServerCollection.Name)]
public sealed class WorkerCrashTests : IDisposable
{
    private const int Communities = 3;
    private const int HouseholdsPerCommunity = 500;
    private readonly string _folder = Directory.CreateTempSubdirectory("billing-crash-").FullName;

    [Fact]
    public async Task A_worker_killed_mid_run_leaves_a_run_that_a_restarted_worker_completes_with_nothing_missing_and_nothing_twice()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        SyntheticRegister.Write(_folder, Communities, HouseholdsPerCommunity, seed: 7);
        await new RegisterStore(db.DataSource).ImportAsync(RegisterFiles.ReadFolder(_folder), SampleRegister.Today, SampleRegister.Rates());
        // The same rate books, subsidy policies and parking prices as the Worker process loads, or
        // issuing would (rightly) refuse a draft computed from other rules.
        await using var services = SampleRegister.JobServicesWithRepositoryRules(db);
        var runs = new BillingRuns(db.DataSource);
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10");
        var storage = BillingHangfire.CreateStorage(db.ConnectionString);
        BillingRuns.EnqueueIssues(new BackgroundJobClient(storage), draft.Id, await runs.ApproveAsync(draft.Id, "财务 王"));

        long killedAt;
        using (var first = WorkerProcess.Start(db.ConnectionString, "worker-killed"))
        {
            // Kill once some batches are committed and most of the run is still to do.
            var partway = await runs.WaitAsync(
                draft.Id, r => r.HouseholdsDone >= 200 || r.Status == "issued" || r.Communities.Any(c => c.Problem is not null), TimeSpan.FromMinutes(3));
            first.KillHard();
            Assert.True(
                partway.Status == "approved" && partway.HouseholdsDone >= 200,
                $"The worker did not stop partway ({partway.Status}, {string.Join("; ", partway.Communities.Select(c => c.Problem))}):{Environment.NewLine}{first.Output}");
            killedAt = await db.CountAsync("select count(*) from statement");
        }

        Assert.InRange(killedAt, 200, (Communities * HouseholdsPerCommunity) - 1);
        Assert.Equal("approved", (await runs.GetAsync(draft.Id))!.Status);

        RunView finished;
        using (var second = WorkerProcess.Start(db.ConnectionString, "worker-restarted"))
        {
            finished = await runs.WaitAsync(draft.Id, BillingRuns.Issued, TimeSpan.FromMinutes(4));
            second.KillHard();
            Assert.True(finished.Status == "issued", second.Output);
        }

        var households = draft.HouseholdsTotal;
        Assert.Equal(households, finished.HouseholdsDone);
        Assert.Equal(households, finished.Communities.Sum(c => c.StatementsNew));
        Assert.Equal(households, await db.CountAsync("select count(*) from statement where period = '2026-10-01'"));
        Assert.Equal(households, await db.CountAsync("select count(distinct household_code) from statement where period = '2026-10-01'"));
        Assert.Equal(households, await db.CountAsync("select count(*) from ledger_entry where kind = 'charge'"));
        Assert.Equal(0, await db.CountAsync("select count(*) from statement s where s.total <> (select sum(amount) from statement_line l where l.statement_id = s.id)"));
        Assert.Equal(0, await db.CountAsync("select count(*) from statement s where not exists (select 1 from statement_line l where l.statement_id = s.id)"));
        await using var sum = db.DataSource.CreateCommand("select sum(total) from statement");
        Assert.Equal(draft.Total.Yuan, (decimal)(await sum.ExecuteScalarAsync())!);

        // The PDFs too: every statement has exactly one, matching its stored SHA-256, however many were drawn before the kill.
        Assert.Equal(households, finished.PdfsDone);
        Assert.Equal(households, await db.CountAsync("select count(*) from statement_pdf p join statement s on s.id = p.statement_id where p.pdf_sha256 = encode(sha256(p.pdf), 'hex')"));
    }

    [Fact]
    public async Task A_worker_killed_mid_issue_leaves_work_that_the_other_running_worker_finishes_without_a_restart()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        SyntheticRegister.Write(_folder, Communities, HouseholdsPerCommunity, seed: 11);
        await new RegisterStore(db.DataSource).ImportAsync(RegisterFiles.ReadFolder(_folder), SampleRegister.Today, SampleRegister.Rates());
        await using var services = SampleRegister.JobServicesWithRepositoryRules(db);
        var runs = new BillingRuns(db.DataSource);
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10");

        // Beats every second, counts as lost after 4 s, swept every 2 s: the defaults (10 s, 1 min, every minute) made fast.
        var fast = new Dictionary<string, string>
        {
            ["Billing__Runs__HeartbeatSeconds"] = "1",
            ["Billing__Runs__StaleAfterSeconds"] = "4",
            ["Billing__Runs__SweepCron"] = "*/2 * * * * *",
        };
        using var survivor = WorkerProcess.Start(db.ConnectionString, "worker-survivor", fast);
        using var victim = WorkerProcess.Start(db.ConnectionString, "worker-victim", fast);
        await WaitForAsync(
            async () => await db.CountAsync("select count(*) from pg_tables where schemaname = 'hangfire' and tablename = 'server'") == 1
                && await db.CountAsync("select count(*) from hangfire.server") >= 2,
            TimeSpan.FromMinutes(3),
            () => survivor.Output + victim.Output);

        var storage = BillingHangfire.CreateStorage(db.ConnectionString);
        BillingRuns.EnqueueIssues(new BackgroundJobClient(storage), draft.Id, await runs.ApproveAsync(draft.Id, "财务 王"));
        var partway = await runs.WaitAsync(
            draft.Id, r => r.Status == "issued" || r.Communities.Any(c => c.Worker == "worker-victim" && c.Status == "issuing"), TimeSpan.FromMinutes(3));
        victim.KillHard();
        var orphaned = partway.Communities.Where(c => c.Worker == "worker-victim" && c.Status == "issuing").Select(c => c.Community).ToList();
        Assert.True(partway.Status == "approved" && orphaned.Count == 1, $"The victim was not caught mid-issue ({partway.Status}):{Environment.NewLine}{victim.Output}");

        var finished = await runs.WaitAsync(draft.Id, BillingRuns.Issued, TimeSpan.FromMinutes(4));

        Assert.True(finished.Status == "issued", $"{string.Join("; ", finished.Communities.Select(c => $"{c.Community} {c.Status} {c.Worker} {c.Problem}"))}{Environment.NewLine}{survivor.Output}");
        Assert.Equal("worker-survivor", finished.Communities.Single(c => c.Community == orphaned[0]).Worker);
        var households = draft.HouseholdsTotal;
        Assert.Equal(households, await db.CountAsync("select count(*) from statement where period = '2026-10-01'"));
        Assert.Equal(households, await db.CountAsync("select count(distinct household_code) from statement where period = '2026-10-01'"));
        Assert.Equal(households, await db.CountAsync("select count(*) from ledger_entry where kind = 'charge'"));
        await using var sum = db.DataSource.CreateCommand("select sum(total) from statement");
        Assert.Equal(draft.Total.Yuan, (decimal)(await sum.ExecuteScalarAsync())!);
        Assert.Equal(households, await db.CountAsync("select count(*) from statement_pdf p join statement s on s.id = p.statement_id where p.pdf_sha256 = encode(sha256(p.pdf), 'hex')"));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, explain());
            await Task.Delay(250);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>`Billing.Worker serve` as a child process, on the test's database.</summary>
    private sealed class WorkerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private WorkerProcess(Process process) => _process = process;

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

        public static WorkerProcess Start(string connectionString, string name, IReadOnlyDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Billing.Worker.dll"));
            foreach (var arg in new[] { "serve", "--workers", "1", "--name", name })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["ConnectionStrings__Billing"] = connectionString;
            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }

            var worker = new WorkerProcess(Process.Start(start)!);
            worker._process.OutputDataReceived += (_, e) => worker.Append(e.Data);
            worker._process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
            worker._process.BeginOutputReadLine();
            worker._process.BeginErrorReadLine();
            return worker;
        }

        /// <summary>SIGKILL: no shutdown code runs, as when a machine loses power.</summary>
        public void KillHard()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            KillHard();
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
}
