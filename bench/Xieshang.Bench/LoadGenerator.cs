using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Xieshang.Bench;

/// <summary>One request of a mix: the path and query, and the bearer token to send (null: anonymous).</summary>
public readonly record struct LoadRequest(string PathAndQuery, string? Token);

/// <summary>What one measured run of a mix gave.</summary>
public sealed record LoadResult(string Mix, int Requests, int Errors, double Seconds, double P50, double P95, double P99, double Max,
    double RequestsPerSecond, double AppCpuSeconds, double DbCpuSeconds, double ClientCpuSeconds, double OtherCpuSeconds, string? FirstError)
{
    /// <summary>CPU time the machine had in the window (cores × seconds).</summary>
    public double CapacityCpuSeconds => Environment.ProcessorCount * Seconds;
}

/// <summary>
/// A closed-loop load generator: <c>workers</c> concurrent loops over one <see cref="HttpClient"/> (one
/// <see cref="SocketsHttpHandler"/> with enough connections for every worker), each sending the next request
/// as soon as the previous answer is read to the end. A warm-up (not recorded), then a fixed duration in which
/// every request's latency (send → last byte of the body) is recorded.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private readonly HttpClient _http;
    private readonly int _workers;

    public LoadGenerator(Uri baseAddress, int workers)
    {
        _workers = workers;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(workers, 32),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Runs <paramref name="next"/>'s requests: warm-up, then the measured window.</summary>
    /// <param name="next">Gives worker <c>i</c>'s next request; called from that worker only (use per-worker random state).</param>
    /// <param name="cpu">Samples of (app, database) CPU time, read before and after the measured window.</param>
    public async Task<LoadResult> RunAsync(string mix, Func<int, LoadRequest> next, TimeSpan warmup, TimeSpan duration,
        Func<(TimeSpan App, TimeSpan Db)> cpu)
    {
        await RunWindowAsync(next, warmup, record: false);
        var (app0, db0) = cpu();
        var client0 = Process.GetCurrentProcess().TotalProcessorTime;
        var machine0 = ProcCpu.MachineBusyTime();
        var sw = Stopwatch.StartNew();
        var (latencies, errors, firstError) = await RunWindowAsync(next, duration, record: true);
        var seconds = sw.Elapsed.TotalSeconds;
        var (app1, db1) = cpu();
        var client1 = Process.GetCurrentProcess().TotalProcessorTime;
        var machine1 = ProcCpu.MachineBusyTime();
        latencies.Sort();
        return new LoadResult(mix, latencies.Count, errors, seconds,
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), Stats.Percentile(latencies, 99),
            latencies.Count > 0 ? latencies[^1] : double.NaN, latencies.Count / seconds,
            (app1 - app0).TotalSeconds, (db1 - db0).TotalSeconds, (client1 - client0).TotalSeconds,
            Math.Max(0, ((machine1 - machine0) - (app1 - app0) - (db1 - db0) - (client1 - client0)).TotalSeconds), firstError);
    }

    private async Task<(List<double> Latencies, int Errors, string? FirstError)> RunWindowAsync(Func<int, LoadRequest> next, TimeSpan window, bool record)
    {
        var end = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var perWorker = new List<double>[_workers];
        var errors = 0;
        string? firstError = null;
        var tasks = Enumerable.Range(0, _workers).Select(w => Task.Run(async () =>
        {
            var mine = perWorker[w] = new List<double>(record ? 8192 : 0);
            var buffer = new byte[64 * 1024];
            while (Stopwatch.GetTimestamp() < end)
            {
                var r = next(w);
                using var req = new HttpRequestMessage(HttpMethod.Get, r.PathAndQuery);
                if (r.Token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", r.Token);
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var res = await _http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await res.Content.ReadAsStreamAsync();
                    while (await body.ReadAsync(buffer) > 0) { }
                    var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    if (res.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, $"{(int)res.StatusCode} for {r.PathAndQuery}", null);
                    }
                    else if (record) mine.Add(ms);
                }
                catch (HttpRequestException e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{e.Message} for {r.PathAndQuery}", null);
                }
                catch (TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"timeout for {r.PathAndQuery}", null);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var all = new List<double>(perWorker.Sum(l => l.Count));
        foreach (var l in perWorker) all.AddRange(l);
        return (all, errors, firstError);
    }

    public void Dispose() => _http.Dispose();
}
