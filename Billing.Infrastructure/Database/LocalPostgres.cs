using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace RedProperty.Billing.Infrastructure.Database;

/// <summary>
/// A project-local PostgreSQL cluster made with the machine's own PostgreSQL binaries (initdb,
/// pg_ctl), listening on loopback only, on a free port, with its data in a git-ignored folder.
/// It is what the demo, the Api and the tests use when no connection string is configured, so a
/// fresh clone needs nothing but PostgreSQL installed.
/// </summary>
public sealed class LocalPostgres : IDisposable
{
    private readonly string _binDir;
    private readonly bool _asPostgresUser;
    private readonly TextWriter _log;
    private bool _stopped;

    private LocalPostgres(string clusterDir, string binDir, bool asPostgresUser, int port, bool ownsServer, TextWriter log)
    {
        ClusterDir = clusterDir;
        _binDir = binDir;
        _asPostgresUser = asPostgresUser;
        Port = port;
        OwnsServer = ownsServer;
        _log = log;
    }

    public string ClusterDir { get; }

    public string DataDir => Path.Combine(ClusterDir, "data");

    public int Port { get; }

    /// <summary>False when an already running server was reused; only the starter stops it.</summary>
    public bool OwnsServer { get; }

    /// <summary>
    /// Connection string for <paramref name="database"/> as the cluster's superuser, over the
    /// cluster's Unix socket: only the socket is trusted (see <see cref="WriteAccessRules"/>).
    /// </summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = ClusterDir,
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    /// <param name="name">Cluster name under .pg/, e.g. "demo" or "tests".</param>
    /// <param name="reuseRunning">Reuse a server already running on this cluster (the demo and the Api share one);
    /// otherwise a leftover server (from a killed test run) is stopped and a fresh one started.</param>
    /// <param name="durable">False for test clusters: fsync off, because their data is thrown away.</param>
    public static LocalPostgres Start(string name, bool reuseRunning, bool durable, TextWriter log)
    {
        var binDir = FindBinDir();
        var asPostgresUser = Environment.IsPrivilegedProcess;
        var clusterDir = ChooseClusterDir(name, asPostgresUser);
        var dataDir = Path.Combine(clusterDir, "data");

        var probe = new LocalPostgres(clusterDir, binDir, asPostgresUser, 0, false, log);
        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            probe.InitDb();
        }

        probe.WriteAccessRules();
        if (File.Exists(Path.Combine(dataDir, "postmaster.pid")) && probe.IsRunning())
        {
            var runningPort = ReadPort(dataDir);
            if (reuseRunning && runningPort is not null)
            {
                // A server started before the access rules were written picks them up now.
                probe.PgCtl("reload", "-D", dataDir);
                log.WriteLine($"PostgreSQL: reusing the local cluster at {clusterDir} on 127.0.0.1:{runningPort}");
                return new LocalPostgres(clusterDir, binDir, asPostgresUser, runningPort.Value, ownsServer: false, log);
            }

            probe.PgCtl("stop", "-D", dataDir, "-m", "immediate", "-w");
        }

        var port = FreeLoopbackPort();
        var settings = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"-c port={port} -c listen_addresses=127.0.0.1 ")
            .Append(CultureInfo.InvariantCulture, $"-c unix_socket_directories={clusterDir} -c unix_socket_permissions=0700 -c max_connections=200 ");
        if (!durable)
        {
            settings.Append("-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }

        var server = new LocalPostgres(clusterDir, binDir, asPostgresUser, port, ownsServer: true, log);
        server.PgCtl("start", "-D", dataDir, "-l", Path.Combine(clusterDir, "postgres.log"), "-w", "-t", "60", "-o", settings.ToString());
        log.WriteLine($"PostgreSQL: started the local cluster at {clusterDir} on 127.0.0.1:{port}");
        return server;
    }

    public void Stop()
    {
        if (_stopped || !OwnsServer)
        {
            return;
        }

        _stopped = true;
        PgCtl("stop", "-D", DataDir, "-m", "fast", "-w", "-t", "60");
        _log.WriteLine($"PostgreSQL: stopped the local cluster at {ClusterDir}");
    }

    public void Dispose() => Stop();

    private void InitDb()
    {
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }

        _log.WriteLine($"PostgreSQL: creating a local cluster in {ClusterDir} (initdb)");
        Run(Path.Combine(_binDir, "initdb"), "-D", DataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
    }

    /// <summary>
    /// Trust only the cluster's own Unix socket, which lives in the cluster's folder and is open to
    /// its owner alone (mode 0700); TCP on loopback asks for a password, and the superuser has none,
    /// so nobody else on the machine gets in. Written on every start, so clusters made by older
    /// versions (which trusted loopback TCP) are closed too.
    /// </summary>
    private void WriteAccessRules() =>
        File.WriteAllText(
            Path.Combine(DataDir, "pg_hba.conf"),
            """
            # Written by RedProperty.Billing (LocalPostgres): only the cluster's own socket is trusted.
            local   all   all                  trust
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256

            """);

    private bool IsRunning() => Run(Path.Combine(_binDir, "pg_ctl"), ["status", "-D", DataDir], allowFailure: true) == 0;

    private void PgCtl(params string[] args) => Run(Path.Combine(_binDir, "pg_ctl"), args);

    private int Run(string program, params string[] args) => Run(program, args, allowFailure: false);

    private int Run(string program, string[] args, bool allowFailure)
    {
        // PostgreSQL refuses to run as root; on a root shell (CI, containers) run it as the
        // postgres user that the Debian package creates.
        var start = new ProcessStartInfo(_asPostgresUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_asPostgresUser)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', args)} failed with exit code {process.ExitCode}:{Environment.NewLine}{stdout.Result}{stderr.Result}"
                + $"{Environment.NewLine}See {Path.Combine(ClusterDir, "postgres.log")} for the server log.");
        }

        return process.ExitCode;
    }

    private static string ChooseClusterDir(string name, bool asPostgresUser)
    {
        var preferred = Path.Combine(RepositoryPaths.LocalClusters, name);
        Directory.CreateDirectory(preferred);
        if (!asPostgresUser)
        {
            return preferred;
        }

        ChownToPostgres(preferred);
        if (PostgresUserCanWrite(preferred))
        {
            return preferred;
        }

        // A checkout under a folder the postgres user cannot enter (e.g. a 0700 temporary folder):
        // keep the cluster in the system temp folder, named after the checkout so clones do not share it.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryPaths.Root)))[..12].ToLowerInvariant();
        var fallback = Path.Combine(Path.GetTempPath(), $"redproperty-billing-pg-{hash}", name);
        Directory.CreateDirectory(fallback);
        ChownToPostgres(Path.GetDirectoryName(fallback)!);
        ChownToPostgres(fallback);
        return fallback;
    }

    private static void ChownToPostgres(string dir)
    {
        using var chown = Process.Start("chown", ["-R", "postgres:postgres", dir]);
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not give {dir} to the postgres user (chown exit code {chown.ExitCode}). Is the PostgreSQL server package installed?");
        }
    }

    private static bool PostgresUserCanWrite(string dir)
    {
        using var test = Process.Start("runuser", ["-u", "postgres", "--", "test", "-w", dir]);
        test.WaitForExit();
        return test.ExitCode == 0;
    }

    private static string FindBinDir()
    {
        var configured = Environment.GetEnvironmentVariable("BILLING_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var debian = new DirectoryInfo("/usr/lib/postgresql");
        if (debian.Exists)
        {
            var newest = debian.GetDirectories()
                .Where(d => File.Exists(Path.Combine(d.FullName, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(d.Name, out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return Path.Combine(newest.FullName, "bin");
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin or on PATH. "
            + "Install PostgreSQL (apt-get install postgresql), set BILLING_PG_BIN, or set ConnectionStrings__Billing to an existing server.");
    }

    private static int? ReadPort(string dataDir)
    {
        // postmaster.pid: line 4 is the port the running server listens on.
        var lines = File.ReadAllLines(Path.Combine(dataDir, "postmaster.pid"));
        return lines.Length > 3 && int.TryParse(lines[3].Trim(), CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
