using System.Diagnostics;
using Npgsql;

namespace Xieshang.Bench;

/// <summary>
/// A throwaway PostgreSQL cluster, started the way <c>test.sh</c> starts one: <c>initdb</c> in a temporary folder
/// (as the <c>postgres</c> user when running as root), trust authentication, loopback only, its own port.
/// Unlike the tests' cluster it keeps PostgreSQL's durability defaults (<c>fsync</c>, <c>synchronous_commit</c>
/// and <c>full_page_writes</c> on), so write timings are not flattered. Stopped and deleted on dispose.
/// Setting <c>XIESHANG_BENCH_POSTGRES</c> (a connection string to a server where the user may create databases)
/// uses that server instead.
/// </summary>
public sealed class PgCluster : IAsyncDisposable
{
    private readonly string? _dir;
    private readonly string? _pgBin;
    private readonly string[] _runAs;

    private PgCluster(string serverConnectionString, string? dir, string? pgBin, string[] runAs)
    {
        ServerConnectionString = serverConnectionString;
        _dir = dir;
        _pgBin = pgBin;
        _runAs = runAs;
    }

    /// <summary>Connection string to the <c>postgres</c> database of the server.</summary>
    public string ServerConnectionString { get; }

    /// <summary>The settings the cluster was started with, for the report.</summary>
    public string Settings { get; private set; } = "external server (XIESHANG_BENCH_POSTGRES)";

    /// <summary>PID of the postmaster (null for an external server): its children are the server's processes.</summary>
    public int? PostmasterPid { get; private set; }

    /// <summary>Connection string to <paramref name="database"/> on this server.</summary>
    public string For(string database, int maxPoolSize = 100) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, MaxPoolSize = maxPoolSize }.ConnectionString;

    public static async Task<PgCluster> StartAsync(string sharedBuffers = "1GB")
    {
        if (Environment.GetEnvironmentVariable("XIESHANG_BENCH_POSTGRES") is { Length: > 0 } external)
            return new PgCluster(external, null, null, []);

        var pgBin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0)).LastOrDefault()
            : null;
        if (pgBin is null)
            throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql), or set XIESHANG_BENCH_POSTGRES.");

        var dir = Directory.CreateTempSubdirectory("xs-bench-pg.").FullName;
        string[] runAs = [];
        if (Environment.UserName == "root")
        {
            // initdb and postgres refuse to run as root: run them as the distribution's postgres user.
            if (await ExecAsync("id", ["postgres"], throwOnError: false) != 0)
                await ExecAsync("useradd", ["--system", "--home", dir, "postgres"]);
            await ExecAsync("chown", ["postgres", dir]);
            runAs = ["runuser", "-u", "postgres", "--"];
        }
        var port = BenchEnvironment.FreePort();
        var settings = $"-c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers={sharedBuffers} " +
                       "-c shared_preload_libraries=pg_stat_statements";
        var cluster = new PgCluster($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", dir, pgBin, runAs)
        {
            Settings = settings.Replace("-c ", "", StringComparison.Ordinal) + " (other settings: PostgreSQL defaults)",
        };
        try
        {
            await cluster.PgAsync("initdb", ["-D", $"{dir}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]);
            await cluster.PgAsync("pg_ctl", ["-D", $"{dir}/data", "-l", $"{dir}/log", "-w", "-o", $"-p {port} -k {dir} {settings}", "start"]);
            cluster.PostmasterPid = int.Parse(File.ReadLines($"{dir}/data/postmaster.pid").First());
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary><c>PostgreSQL 15.x …</c> as the server reports it.</summary>
    public async Task<string> VersionAsync()
    {
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SHOW server_version", conn);
        return "PostgreSQL " + (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task CreateDatabaseAsync(string name)
    {
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE); CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>CPU time (user + system) used so far by the server's processes: the postmaster and its children.</summary>
    public TimeSpan CpuTime() => PostmasterPid is { } pid ? ProcCpu.TreeCpuTime(pid) : TimeSpan.Zero;

    public async ValueTask DisposeAsync()
    {
        if (_dir is null) return;
        if (PostmasterPid is not null)
            await PgAsync("pg_ctl", ["-D", $"{_dir}/data", "-m", "fast", "-w", "stop"], throwOnError: false);
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private Task<int> PgAsync(string tool, string[] args, bool throwOnError = true) =>
        _runAs.Length == 0
            ? ExecAsync(Path.Combine(_pgBin!, tool), args, throwOnError)
            : ExecAsync(_runAs[0], [.. _runAs[1..], Path.Combine(_pgBin!, tool), .. args], throwOnError);

    private static async Task<int> ExecAsync(string file, string[] args, bool throwOnError = true)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0 && throwOnError)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {await stderr}{await stdout}");
        return p.ExitCode;
    }
}
