using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Xieshang.Bench;

/// <summary>
/// Debian's nginx (<c>/usr/sbin/nginx</c>) in front of the app's instances, as a child process in the foreground
/// (<c>-g "daemon off;"</c>) with its own prefix folder, on a free loopback port. The site is the repository's
/// <c>deploy/nginx/xieshang.conf</c> when it exists, with its upstream servers' ports replaced by the instances', its
/// <c>listen</c> line by the bench's port, its log folder by the bench's, and its <c>limit_req</c> lines removed (the
/// bench signs 5,000 members in from one address); otherwise a minimal round-robin upstream with keep-alive.
/// Stopped on dispose.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;

    private NginxProxy(Process process, Uri baseAddress, string site)
    {
        _process = process;
        BaseAddress = baseAddress;
        Site = site;
    }

    /// <summary>Where the proxy listens.</summary>
    public Uri BaseAddress { get; }
    /// <summary>Which site configuration it runs (for the report).</summary>
    public string Site { get; }
    /// <summary>PID of the master process (its workers are its children).</summary>
    public int Pid => _process.Id;

    /// <summary>CPU time of the master and its workers so far.</summary>
    public TimeSpan CpuTime() => ProcCpu.TreeCpuTime(_process.Id);

    public static async Task<NginxProxy> StartAsync(string workDir, IReadOnlyList<Uri> instances)
    {
        const string nginx = "/usr/sbin/nginx";
        if (!File.Exists(nginx)) throw new InvalidOperationException("nginx not found: apt-get install nginx (Debian's package).");
        var dir = Path.Combine(workDir, $"nginx-{instances.Count}");
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, (UnixFileMode)0x1FF); // workers run as nobody when started as root
        var port = BenchEnvironment.FreePort();
        var servers = string.Join("\n", instances.Select(u => $"    server {u.Host}:{u.Port};"));
        var shipped = Path.Combine(BenchEnvironment.RepoRoot, "deploy", "nginx", "xieshang.conf");
        string site, what;
        if (File.Exists(shipped))
        {
            site = FromShipped(await File.ReadAllTextAsync(shipped), instances, port, dir);
            what = "deploy/nginx/xieshang.conf with the instances' ports, the bench's port and log folder, and its sign-in limit_req lines REMOVED for the bench";
        }
        else
        {
            site = $$"""
                upstream xieshang {
                {{servers}}
                    keepalive 64;
                }
                server {
                    listen 127.0.0.1:{{port}};
                    client_max_body_size 50m;
                    location / {
                        proxy_pass http://xieshang;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                    }
                }
                """;
            what = "the bench's minimal site (round robin, keep-alive 64; deploy/nginx/xieshang.conf not found)";
        }
        await File.WriteAllTextAsync(Path.Combine(dir, "site.conf"), site);
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), $$"""
            worker_processes auto;
            error_log {{dir}}/error.log warn;
            pid {{dir}}/nginx.pid;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{dir}}/body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;
                include /etc/nginx/mime.types;
                include {{dir}}/site.conf;
            }
            """);
        var psi = new ProcessStartInfo(nginx) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log"), "-g", "daemon off;" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var proxy = new NginxProxy(process, new Uri($"http://127.0.0.1:{port}"), what);
        using var http = new HttpClient { BaseAddress = proxy.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; ; i++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()} {ReadLog(dir)}");
            try
            {
                using var res = await http.GetAsync("/api/ping");
                if (res.IsSuccessStatusCode) return proxy;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (i > 100)
            {
                await proxy.DisposeAsync();
                throw new TimeoutException($"nginx did not pass /api/ping through within 10 s: {ReadLog(dir)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The shipped site as the fault tests use it: its upstream <c>server</c> lines get the instances' addresses in order
    /// (options such as <c>max_fails</c> kept; more instances: more lines), <c>listen</c> the bench's loopback port, logs the
    /// bench's folder; and, for the bench only, its <c>limit_req</c> lines are removed (5,000 sign-ins from one address).
    /// </summary>
    private static string FromShipped(string text, IReadOnlyList<Uri> instances, int port, string dir)
    {
        var lines = new List<string>();
        var inUpstream = false;
        var next = 0;
        foreach (var line in text.Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith("limit_req ", StringComparison.Ordinal)) continue;
            if (t.StartsWith("upstream ", StringComparison.Ordinal)) inUpstream = true;
            if (inUpstream && t.StartsWith("server ", StringComparison.Ordinal))
            {
                if (next < instances.Count) lines.Add(Address().Replace(line, $"{instances[next].Host}:{instances[next].Port}"));
                next++;
                continue;
            }
            if (inUpstream && t.StartsWith('}'))
            {
                for (; next < instances.Count; next++) lines.Add($"    server {instances[next].Host}:{instances[next].Port};");
                inUpstream = false;
            }
            if (t.StartsWith("listen ", StringComparison.Ordinal)) lines.Add($"    listen 127.0.0.1:{port};");
            else lines.Add(line.Replace("/var/log/nginx", dir, StringComparison.Ordinal));
        }
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Address();

    private static string ReadLog(string dir) =>
        File.Exists(Path.Combine(dir, "error.log")) ? string.Join('\n', File.ReadLines(Path.Combine(dir, "error.log")).TakeLast(10)) : "";

    public async ValueTask DisposeAsync() => await AppProcess.KillAsync(_process);
}
