using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;

namespace Xieshang.Tests.Deployment;

/// <summary>
/// A production-shaped deployment on loopback, started and stopped by the fault tests themselves:
/// <list type="bullet">
/// <item>a private throwaway PostgreSQL cluster (<c>initdb</c> in a temporary folder, as <c>test.sh</c> does, as the
/// <c>postgres</c> user when running as root) with PostgreSQL's durability defaults (<c>fsync</c> and
/// <c>synchronous_commit</c> on), because the tests check that no acknowledged write is lost; the tests stop and start it;</item>
/// <item><c>dotnet Xieshang.Web.dll migrate</c> run once (with the demo), then two app instances
/// <see cref="A"/> and <see cref="B"/> (<c>dotnet Xieshang.Web.dll --urls http://127.0.0.1:port</c>, Production,
/// <c>Database__MigrateOnStartup=false</c>) sharing one upload folder, a real 1 MiB tmpfs (<see cref="UploadPath"/>);</item>
/// <item>nginx (<c>/usr/sbin/nginx</c>, the distribution's package) in front of them, its site generated from the shipped
/// <c>deploy/nginx/xieshang.conf</c> with only the ports and the log folder replaced (<see cref="ProxyUrl"/>).</item>
/// </list>
/// Everything lives in one temporary folder and is killed and removed in <see cref="DisposeAsync"/>, whatever happened.
/// Missing nginx or PostgreSQL binaries fail the tests with a message naming <c>./test.sh</c>, which installs them; the
/// tests are never skipped.
/// </summary>
public sealed class FaultCluster : IAsyncLifetime
{
    /// <summary>Password of every demo account.</summary>
    public const string DemoPassword = "Fault-demo-pass-2026";
    /// <summary>Password of <c>admin</c>.</summary>
    public const string AdminPassword = "Fault-admin-pass-2026";
    /// <summary>Size of the upload folder's tmpfs: small, so that a few MiB fill it.</summary>
    public const string UploadFolderSize = "1m";
    private const string Nginx = "/usr/sbin/nginx";

    private readonly string _root = Directory.CreateTempSubdirectory("xs-faults.").FullName;
    private string _pgBin = "";
    private string[] _runAs = [];
    private int _pgPort;
    private Process? _nginx;
    private bool _uploadMounted;

    /// <summary>The first app instance.</summary>
    public AppInstance A { get; private set; } = null!;
    /// <summary>The second app instance.</summary>
    public AppInstance B { get; private set; } = null!;
    /// <summary>nginx's address: <c>http://127.0.0.1:port</c>.</summary>
    public Uri ProxyUrl { get; private set; } = null!;
    /// <summary>Connection string of the app's database (superuser <c>postgres</c>, trust authentication).</summary>
    public string ConnectionString { get; private set; } = "";
    /// <summary>The shared upload folder (<c>Files__Path</c> of both instances), a 1 MiB tmpfs when running as root.</summary>
    public string UploadPath => Path.Combine(_root, "uploads");
    /// <summary>Whether <see cref="UploadPath"/> is a real 1 MiB tmpfs (mounting needs root).</summary>
    public bool UploadFolderIsSmallTmpfs => _uploadMounted;
    /// <summary>Whether PostgreSQL is running (the tests stop and start it).</summary>
    public bool PostgresRunning { get; private set; }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(Nginx))
            throw new InvalidOperationException($"nginx is not installed ({Nginx} missing): run the tests with ./test.sh, which installs the distribution's nginx package.");
        _pgBin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : new Version(0, 0)).LastOrDefault() ?? ""
            : "";
        if (_pgBin.Length == 0)
            throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run the tests with ./test.sh, which installs the distribution's postgresql package.");
        var dll = Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"The app is not in the test's bin folder: {dll}");

        // PostgreSQL, durability defaults on.
        if (Environment.UserName == "root")
        {
            if (await ExecAsync("id", ["postgres"], throwOnError: false) != 0)
                await ExecAsync("useradd", ["--system", "--home", _root, "postgres"]);
            await ExecAsync("chown", ["postgres", _root]);
            _runAs = ["runuser", "-u", "postgres", "--"];
        }
        _pgPort = FreePort();
        await PgAsync("initdb", ["-D", $"{_root}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]);
        await StartPostgresAsync();
        var server = $"Host=127.0.0.1;Port={_pgPort};Username=postgres;Database=postgres";
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE DATABASE xieshang", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();
        ConnectionString = $"Host=127.0.0.1;Port={_pgPort};Username=postgres;Database=xieshang;Maximum Pool Size=20";

        // The shared upload folder: a real 1 MiB tmpfs (as root; FileStoreTests does the same), else a plain folder.
        Directory.CreateDirectory(UploadPath);
        if (Environment.UserName == "root")
        {
            await ExecAsync("mount", ["-t", "tmpfs", "-o", $"size={UploadFolderSize}", "tmpfs", UploadPath]);
            _uploadMounted = true;
        }

        // migrate once, the demo included, before any instance starts.
        var env = InstanceEnvironment();
        env["Bootstrap__AdminPassword"] = AdminPassword;
        var migrate = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        migrate.ArgumentList.Add(dll);
        migrate.ArgumentList.Add("migrate");
        foreach (var (k, v) in env) migrate.Environment[k] = v;
        using (var p = Process.Start(migrate)!)
        {
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await p.WaitForExitAsync(timeout.Token);
            if (p.ExitCode != 0) throw new InvalidOperationException($"migrate exited with {p.ExitCode}: {await errors}{await output}");
        }

        A = new AppInstance("A", dll, FreePort(), env, Path.Combine(_root, "app-a.log"));
        B = new AppInstance("B", dll, FreePort(), env, Path.Combine(_root, "app-b.log"));
        await Task.WhenAll(A.StartAsync(), B.StartAsync());

        // nginx with the shipped site file.
        var proxyPort = FreePort();
        ProxyUrl = new Uri($"http://127.0.0.1:{proxyPort}");
        var site = NginxSite(File.ReadAllText(DeployFile("deploy/nginx/xieshang.conf")), A.Port, B.Port, proxyPort, Path.Combine(_root, "nginx"));
        Directory.CreateDirectory(Path.Combine(_root, "nginx"));
        File.WriteAllText(Path.Combine(_root, "nginx", "site.conf"), site);
        var n = Path.Combine(_root, "nginx");
        File.WriteAllText(Path.Combine(n, "nginx.conf"), $$"""
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            daemon off;
            worker_processes 1;
            pid {{n}}/nginx.pid;
            error_log {{n}}/error.log warn;
            events { worker_connections 1024; }
            http {
                default_type application/octet-stream;
                client_body_temp_path {{n}}/body;
                proxy_temp_path {{n}}/proxy;
                fastcgi_temp_path {{n}}/fastcgi;
                uwsgi_temp_path {{n}}/uwsgi;
                scgi_temp_path {{n}}/scgi;
                include {{n}}/site.conf;
            }
            """);
        var psi = new ProcessStartInfo(Nginx) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-p", n, "-c", Path.Combine(n, "nginx.conf"), "-e", Path.Combine(n, "error.log") }) psi.ArgumentList.Add(a);
        _nginx = Process.Start(psi)!;
        _nginx.OutputDataReceived += (_, _) => { };
        _nginx.ErrorDataReceived += (_, _) => { };
        _nginx.BeginOutputReadLine();
        _nginx.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = ProxyUrl, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (_nginx.HasExited)
                throw new InvalidOperationException($"nginx exited with {_nginx.ExitCode}: {ReadTail(Path.Combine(n, "error.log"))}");
            try
            {
                using var res = await http.GetAsync("/api/ping");
                if (res.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (started.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"nginx did not answer within 30 s: {ReadTail(Path.Combine(n, "error.log"))}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The shipped site file with the upstream ports (5081, 5082), the public <c>listen 80</c> and the log folder
    /// (<c>/var/log/nginx</c>) replaced; fails when one of them is no longer where this expects it, so that the
    /// tests never silently run another configuration.
    /// </summary>
    public static string NginxSite(string shipped, int portA, int portB, int proxyPort, string logFolder)
    {
        string Replace(string s, string from, string to) =>
            s.Contains(from, StringComparison.Ordinal) ? s.Replace(from, to, StringComparison.Ordinal)
                : throw new InvalidOperationException($"deploy/nginx/xieshang.conf no longer contains \"{from}\"; update FaultCluster.NginxSite.");
        var site = Replace(shipped, "server 127.0.0.1:5081", $"server 127.0.0.1:{portA}");
        site = Replace(site, "server 127.0.0.1:5082", $"server 127.0.0.1:{portB}");
        site = Replace(site, "listen 80;", $"listen 127.0.0.1:{proxyPort};");
        return Replace(site, "/var/log/nginx/", logFolder + "/");
    }

    /// <summary>Stops PostgreSQL (<c>pg_ctl stop -m fast</c>: sessions are cut, committed work is kept).</summary>
    public async Task StopPostgresAsync()
    {
        await PgAsync("pg_ctl", ["-D", $"{_root}/data", "-m", "fast", "-w", "stop"]);
        PostgresRunning = false;
    }

    /// <summary>Starts PostgreSQL and waits until it accepts connections.</summary>
    public async Task StartPostgresAsync()
    {
        await PgAsync("pg_ctl", ["-D", $"{_root}/data", "-l", $"{_root}/pg.log", "-w", "-o",
            $"-p {_pgPort} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"]);
        PostgresRunning = true;
    }

    /// <summary>PostgreSQL and both instances up and ready (a test that stopped something starts it again first).</summary>
    public async Task EnsureAllRunningAsync()
    {
        if (!PostgresRunning) await StartPostgresAsync();
        if (!A.Running) await A.StartAsync();
        if (!B.Running) await B.StartAsync();
        await A.WaitReadyAsync(TimeSpan.FromSeconds(30));
        await B.WaitReadyAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A client for nginx (no cookies, no redirects followed).</summary>
    public HttpClient ProxyClient(string? bearer = null, TimeSpan? timeout = null) => Client(ProxyUrl, bearer, timeout);

    /// <summary>A client for <paramref name="baseAddress"/> (no cookies, no redirects followed), with a bearer token if given.</summary>
    public static HttpClient Client(Uri baseAddress, string? bearer = null, TimeSpan? timeout = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        if (bearer is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        return http;
    }

    /// <summary>A bearer token from <c>POST /api/auth/login</c> on <paramref name="instance"/> (demo password; admin's for <c>admin</c>).</summary>
    public static async Task<string> LoginAsync(AppInstance instance, string userName)
    {
        using var http = Client(instance.BaseAddress);
        using var res = await http.PostAsJsonAsync("/api/auth/login", new { userName, password = userName == "admin" ? AdminPassword : DemoPassword });
        Assert.True(res.IsSuccessStatusCode, $"login as {userName} on {instance.Name}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>One value from SQL on the app's database (a fresh connection each time, so a restarted server is fine).</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A column of values from SQL on the app's database.</summary>
    public async Task<List<T>> ListAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync()) list.Add(reader.GetFieldValue<T>(0));
        return list;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_nginx is { HasExited: false }) { _nginx.Kill(entireProcessTree: true); await _nginx.WaitForExitAsync(); }
        }
        catch (InvalidOperationException) { }
        _nginx?.Dispose();
        foreach (var app in new[] { A, B })
            if (app is not null) await app.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_pgBin.Length > 0 && File.Exists($"{_root}/data/postmaster.pid"))
            await PgAsync("pg_ctl", ["-D", $"{_root}/data", "-m", "immediate", "-w", "stop"], throwOnError: false);
        if (_uploadMounted) await ExecAsync("umount", ["-l", UploadPath], throwOnError: false);
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Settings every instance (and <c>migrate</c>) gets, as environment variables.</summary>
    private Dictionary<string, string> InstanceEnvironment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Database__Provider"] = "PostgreSQL",
        ["Database__MigrateOnStartup"] = "false",
        ["ConnectionStrings__Default"] = ConnectionString,
        ["Bootstrap__Demo"] = "true",
        ["Bootstrap__DemoPassword"] = DemoPassword,
        ["Bootstrap__DemoProposals"] = "false", // as the other tests' demo: a quicker migrate, nothing here needs them
        ["Bootstrap__AdminPassword"] = AdminPassword,
        ["Files__Path"] = UploadPath,
        ["Smtp__PickupDirectory"] = Path.Combine(_root, "mail"),
        ["ReverseProxy__KnownProxies"] = "127.0.0.1",
        ["Security__LoginRequestsPerMinute"] = "100000",
        ["Security__TokenMinutes"] = "600",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>A file of the repository (<c>deploy/…</c>), found upwards from the test's bin folder.</summary>
    public static string DeployFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A free TCP port on loopback.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string ReadTail(string file) => File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(20)) : "(no log)";

    private Task<int> PgAsync(string tool, string[] args, bool throwOnError = true) =>
        _runAs.Length == 0
            ? ExecAsync(Path.Combine(_pgBin, tool), args, throwOnError)
            : ExecAsync(_runAs[0], [.. _runAs[1..], Path.Combine(_pgBin, tool), .. args], throwOnError);

    /// <summary>Runs a command to completion; throws with its output when it fails (unless told not to).</summary>
    public static async Task<int> ExecAsync(string file, string[] args, bool throwOnError = true)
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

/// <summary>
/// One app instance: <c>dotnet Xieshang.Web.dll --urls http://127.0.0.1:port</c> as a child process, its console in a
/// log file. <see cref="KillAsync"/> sends SIGKILL (a crash), <see cref="StopAsync"/> SIGTERM (systemd's graceful
/// stop) and waits for the exit; <see cref="StartAsync"/> starts it again on the same port and waits for readiness.
/// </summary>
public sealed class AppInstance(string name, string dll, int port, IReadOnlyDictionary<string, string> environment, string logFile) : IAsyncDisposable
{
    private Process? _process;
    private StreamWriter? _log;
    private readonly Lock _logLock = new();

    /// <summary>A or B.</summary>
    public string Name { get; } = name;
    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; } = port;
    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{port}");
    /// <summary>Whether the process is alive.</summary>
    public bool Running => _process is { HasExited: false };

    /// <summary>Starts the process and waits (up to 3 minutes) until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync()
    {
        if (Running) return;
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        lock (_logLock) _log ??= new StreamWriter(logFile, append: true) { AutoFlush = true };
        Write($"--- start {DateTime.UtcNow:O}");
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => Write(e.Data);
        p.ErrorDataReceived += (_, e) => Write(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process?.Dispose();
        _process = p;
        await WaitReadyAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>Waits until <c>GET /health/ready</c> answers 200 (throws with the log's tail when it does not in time).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process is null || _process.HasExited)
                throw new InvalidOperationException($"instance {Name} is not running (exit {_process?.ExitCode}); log:\n{Tail()}");
            try
            {
                using var res = await http.GetAsync("/health/ready");
                if (res.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (watch.Elapsed > timeout) throw new TimeoutException($"instance {Name} not ready within {timeout}; log:\n{Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process dies at once, requests in flight are cut.</summary>
    public async Task KillAsync()
    {
        if (!Running) return;
        Write($"--- SIGKILL {DateTime.UtcNow:O}");
        _process!.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits (up to 60 s) for the graceful exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!Running) return 0;
        Write($"--- SIGTERM {DateTime.UtcNow:O}");
        await FaultCluster.ExecAsync("kill", ["-TERM", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>The last lines of the instance's console output.</summary>
    public string Tail(int lines = 40) => File.Exists(logFile) ? string.Join('\n', ReadShared(logFile).TakeLast(lines)) : "";

    private static List<string> ReadShared(string file)
    {
        using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(s);
        var list = new List<string>();
        while (r.ReadLine() is { } l) list.Add(l);
        return list;
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_logLock) _log?.WriteLine(line);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is { HasExited: false }) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        catch (InvalidOperationException) { }
        _process?.Dispose();
        lock (_logLock) { _log?.Dispose(); _log = null; }
    }
}
