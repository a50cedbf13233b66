using System.Diagnostics;
using System.Net.Http.Json;

namespace Xieshang.Bench;

/// <summary>
/// The real app as a child process: <c>dotnet src/Xieshang.Web/bin/{Configuration}/net10.0/Xieshang.Web.dll --urls …</c>
/// with Kestrel, <c>ASPNETCORE_ENVIRONMENT=Production</c>, logging at Warning, the demo on, known passwords and the
/// login rate limit lifted. Its console goes to a log file. Killed (with its children) on dispose.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    /// <summary>Password of every demo account the bench's app gets.</summary>
    public const string DemoPassword = "Bench-demo-pass-2026";
    /// <summary>Password of <c>admin</c>.</summary>
    public const string AdminPassword = "Bench-admin-pass-2026";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _closed;

    private AppProcess(Process process, StreamWriter log, Uri baseAddress, string logFile)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        LogFile = logFile;
    }

    public Uri BaseAddress { get; }
    public string LogFile { get; }
    public int Pid => _process.Id;
    /// <summary>How long the app took from process start to answering <c>/api/ping</c> (migrations, reference data, demo).</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>CPU time (user + system) of the app process so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <param name="provider"><c>Sqlite</c> or <c>PostgreSQL</c>.</param>
    /// <param name="connectionString">The database (fresh, or created by the caller).</param>
    /// <param name="logFile">Where the app's console output goes.</param>
    /// <param name="extraSettings">More configuration as environment variables (<c>Section__Key</c>).</param>
    public static async Task<AppProcess> StartAsync(string provider, string connectionString, string logFile,
        IReadOnlyDictionary<string, string>? extraSettings = null, TimeSpan? startTimeout = null)
    {
        var dll = BenchEnvironment.AppDll;
        if (!File.Exists(dll))
            throw new FileNotFoundException($"The app is not built in {BenchEnvironment.Configuration}: {dll}. Run the bench with `dotnet run -c {BenchEnvironment.Configuration} --project bench/Xieshang.Bench`.");
        var port = BenchEnvironment.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(url);
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider,
            ["Database__MigrateOnStartup"] = "true",
            ["ConnectionStrings__Default"] = connectionString,
            ["Bootstrap__Demo"] = "true",
            ["Bootstrap__DemoPassword"] = DemoPassword,
            ["Bootstrap__AdminPassword"] = AdminPassword,
            ["Security__LoginRequestsPerMinute"] = "100000",
            ["Security__TokenMinutes"] = "600",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in extraSettings ?? new Dictionary<string, string>()) env[k] = v;
        foreach (var (k, v) in env) psi.Environment[k] = v;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        var log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        var started = Stopwatch.StartNew();
        var process = Process.Start(psi)!;
        var app = new AppProcess(process, log, new Uri(url), logFile);
        process.OutputDataReceived += (_, e) => app.Write(e.Data);
        process.ErrorDataReceived += (_, e) => app.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = started.Elapsed + (startTimeout ?? TimeSpan.FromMinutes(5));
        while (true)
        {
            if (process.HasExited)
            {
                await app.DisposeAsync();
                throw new InvalidOperationException($"The app exited with {process.ExitCode} while starting; see {logFile}:\n{Tail(logFile)}");
            }
            try
            {
                using var res = await http.GetAsync("/api/ping");
                if (res.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (started.Elapsed > deadline)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"The app did not answer /api/ping within {startTimeout ?? TimeSpan.FromMinutes(5)}; see {logFile}:\n{Tail(logFile)}");
            }
            await Task.Delay(100);
        }
        app.StartupTime = started.Elapsed;
        return app;
    }

    /// <summary>A bearer token from <c>POST /api/auth/login</c>.</summary>
    public async Task<string> LoginAsync(string userName)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        var password = userName == "admin" ? AdminPassword : DemoPassword;
        using var res = await http.PostAsJsonAsync("/api/auth/login", new { userName, password });
        if (!res.IsSuccessStatusCode)
            throw new InvalidOperationException($"Login as {userName} failed: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        var body = await res.Content.ReadFromJsonAsync<TokenBody>();
        return body!.AccessToken;
    }

    /// <summary>Kills a child process (and its children) if it still runs, waits for it and disposes it.</summary>
    internal static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync(_process);
        lock (_logLock)
        {
            _closed = true;
            _log.Dispose();
        }
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_logLock)
            if (!_closed) _log.WriteLine(line);
    }

    private static string Tail(string file) =>
        string.Join('\n', File.ReadLines(file).TakeLast(30));

    private sealed record TokenBody(string AccessToken);
}
