using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Xieshang.Bench;

/// <summary>Options of <c>plenary</c>.</summary>
/// <param name="Instances">The configurations, in order: 1 (one instance, no proxy) and/or 2 (two instances behind nginx).</param>
/// <param name="Minutes">Length of the replay; 10 is real speed. Shorter keeps every count (a compressed replay).</param>
/// <param name="SignIns">Members who sign in (<c>POST /api/auth/login</c>), spread evenly over the replay.</param>
/// <param name="CheckIns">Members, among those signed in, who check in to the plenary within <paramref name="CheckInSeconds"/>.</param>
/// <param name="Proposers">Members, among those signed in, who look up similar proposals twice and submit one.</param>
/// <param name="Staff">Staff dashboards refreshing every <paramref name="RefreshSeconds"/> (balance dashboard and proposal statistics).</param>
/// <param name="Boards">Attendance boards of the plenary refreshing every 5 s.</param>
/// <param name="AppEnvironment">More environment for the instances (<c>--app-env DOTNET_gcServer=0,…</c>), for experiments; none by default.</param>
public sealed record PlenaryOptions(IReadOnlyList<int> Instances, double Minutes = 10, int SignIns = 5000, int CheckIns = 1000, int CheckInSeconds = 60,
    int Proposers = 300, int Staff = 20, int RefreshSeconds = 10, int Boards = 3, IReadOnlyDictionary<string, string>? AppEnvironment = null);

/// <summary>
/// A plenary morning replayed against the app on the province's data (<see cref="ProvinceData"/>), in one run for each
/// configuration: one instance (clients talk to Kestrel), and two instances behind Debian's nginx (<see cref="NginxProxy"/>),
/// all on one PostgreSQL on the same machine. Open loop: every call is sent at its scheduled instant whatever the answers.
/// Streams, concurrent:
/// <list type="bullet">
/// <item>sign-in: <see cref="PlenaryOptions.SignIns"/> members <c>POST /api/auth/login</c> (the API's bearer-token sign-in; not the
/// page's cookie sign-in), at instants drawn evenly over the replay (the last 30 s excepted);</item>
/// <item>check-in: <see cref="PlenaryOptions.CheckIns"/> of those who signed in during the first quarter check in to the province's
/// plenary (created and published by admin before the replay, the attendees invited by name) with
/// <c>POST /api/activities/{id}/checkin</c> and the code of the screen, 30 % in the first 5 s of the window, the rest spread
/// over it (as <see cref="DoorsBench"/>); the screen polls <c>GET …/checkin-code</c>;</item>
/// <item>proposals: <see cref="PlenaryOptions.Proposers"/> members, after signing in, write a proposal as the form does:
/// <c>POST /api/proposals/similar</c> with the title, then with title and body, then <c>POST /api/proposals</c> and
/// <c>POST /api/proposals/{id}/actions/submit</c> (pauses between the steps shrink with a compressed replay);</item>
/// <item>dashboards: <see cref="PlenaryOptions.Staff"/> office accounts of the province's committees refresh their balance dashboard
/// (<c>GET /api/committees/{code}/duty/summary</c>) and proposal statistics (<c>GET /api/proposals/stats</c>) every
/// <see cref="PlenaryOptions.RefreshSeconds"/> s, and <see cref="PlenaryOptions.Boards"/> screens the plenary's attendance board
/// (<c>GET /api/activities/{id}/board</c>) every 5 s, for the whole replay.</item>
/// </list>
/// Measured per endpoint: count, rate, p50/p95/p99/max, errors (anything but 200/201); per instance CPU seconds and peak
/// RSS (VmHWM of <c>/proc/&lt;pid&gt;/status</c>, and VmRSS sampled every second); PostgreSQL's, nginx's, the bench's and
/// other processes' CPU. Afterwards SQL checks one check-in per attendee and the proposals submitted.
/// </summary>
public static class PlenaryBench
{
    private const string Database = "xs_bench_plenary";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Sample(string Endpoint, double Scheduled, double Sent, double Ms, int Status, string? Error);

    private sealed record ConfigResult(int Instances, double Seconds, List<Sample> Samples, List<InstanceUse> Apps, double DbCpu, double ProxyCpu,
        double BenchCpu, double OtherCpu, double QuietCores, string Check);

    private sealed record InstanceUse(int Pid, double CpuSeconds, long PeakRssKb, long MaxSampledRssKb, double StartupSeconds);

    private sealed record TokenAnswer(string AccessToken);

    private sealed record IdAnswer(int Id);

    private sealed record CodeAnswer(string Token, DateTimeOffset ExpiresAt);

    public static async Task RunAsync(ProvinceOptions province, PlenaryOptions o, string workDir)
    {
        var settings = new Dictionary<string, string>
        {
            ["Smtp__PickupDirectory"] = Path.Combine(workDir, "mail"),
            ["Files__Path"] = Path.Combine(workDir, "files"),
            ["ReverseProxy__KnownProxies"] = "127.0.0.1",
        };
        foreach (var (k, v) in o.AppEnvironment ?? new Dictionary<string, string>())
        {
            settings[k] = v;
            Console.WriteLine($"app environment (experiment): {k}={v}");
        }
        var (pg, cs, _) = await AppDatabase.CreateAsync(Database, workDir, "app-setup.log", stopApp: true, settings);
        await using var cluster = pg;
        var scope = await ProvinceData.GenerateAsync(cs, province with { Accounts = Math.Max(province.Accounts, o.SignIns) });
        if (scope.Accounts.Count < o.SignIns) throw new InvalidOperationException($"Only {scope.Accounts.Count} member accounts for {o.SignIns} sign-ins.");
        var ids = string.Join(",", scope.CommitteeIds);
        // Dashboards: the first committees in (level, path) order — the province, its cities, then counties — each through its
        // own staff account where the demo made one (staff.<code>), otherwise through admin.
        var staff = await MembersBench.ListAsync<string>(cs, $"""
            SELECT coalesce(u."UserName", 'admin') || ' ' || c."Code" FROM "Committees" c
            LEFT JOIN "AspNetUsers" u ON u."CommitteeId" = c."Id" AND u."UserName" = 'staff.' || c."Code"
            WHERE c."Id" IN ({ids}) AND c."Path" LIKE '/CN/{province.Province}/%' ORDER BY c."Level", c."Path" LIMIT {o.Staff}
            """);
        Console.WriteLine($"dashboards (account committee): {string.Join(", ", staff)}");
        var results = new List<ConfigResult>();
        foreach (var n in o.Instances)
            results.Add(await RunConfigAsync(n, o, province.Province, scope, staff, cs, pg, settings, workDir));

        Console.WriteLine();
        Console.WriteLine($"## plenary morning: {o.Minutes} min replay{(o.Minutes < 10 ? " (compressed: the counts of 10 minutes in less time)" : "")}");
        foreach (var r in results) PrintConfig(r, o);
        if (results.Count == 2) PrintRatios(results[0], results[1]);
    }

    private static async Task<ConfigResult> RunConfigAsync(int n, PlenaryOptions o, string provinceCode, ProvinceScope scope, List<string> staffAccounts,
        string cs, PgCluster pg, Dictionary<string, string> settings, string workDir)
    {
        Console.WriteLine();
        Console.WriteLine($"# configuration: {n} instance{(n > 1 ? "s behind nginx" : ", clients on Kestrel directly")}");
        var apps = new List<AppProcess>();
        NginxProxy? proxy = null;
        try
        {
            for (var i = 0; i < n; i++)
            {
                var app = await AppProcess.StartAsync("PostgreSQL", cs, Path.Combine(workDir, $"app-{n}x-{i + 1}.log"), settings, TimeSpan.FromMinutes(10));
                apps.Add(app);
                Console.WriteLine($"app {i + 1}: pid {app.Pid} on {app.BaseAddress} started in {Stats.F(app.StartupTime.TotalSeconds)} s, RSS {Stats.F(ReadKb(app.Pid, "VmRSS") / 1024.0, 0)} MB; log {app.LogFile}");
            }
            if (n > 1)
            {
                proxy = await NginxProxy.StartAsync(workDir, apps.Select(a => a.BaseAddress).ToList());
                Console.WriteLine($"nginx: pid {proxy.Pid} on {proxy.BaseAddress}: {proxy.Site}");
            }
            var baseAddress = proxy?.BaseAddress ?? apps[0].BaseAddress;
            return await ReplayAsync(n, o, provinceCode, scope, staffAccounts, cs, pg, apps, proxy, baseAddress);
        }
        finally
        {
            if (proxy is not null) await proxy.DisposeAsync();
            foreach (var a in apps) await a.DisposeAsync();
        }
    }

    private static async Task<ConfigResult> ReplayAsync(int n, PlenaryOptions o, string provinceCode, ProvinceScope scope, List<string> staffAccounts,
        string cs, PgCluster pg, List<AppProcess> apps, NginxProxy? proxy, Uri baseAddress)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), UseCookies = false, MaxConnectionsPerServer = 1024,
        })
        { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var admin = await LoginAsync(http, "admin", AppProcess.AdminPassword);
        var staff = new List<(string Token, string Code)>();
        foreach (var s in staffAccounts.Take(o.Staff))
        {
            var parts = s.Split(' ');
            staff.Add((parts[0] == "admin" ? admin : await LoginAsync(http, parts[0], AppProcess.DemoPassword), parts[1]));
        }
        while (staff.Count < o.Staff) staff.Add(staff[staff.Count % Math.Max(1, staffAccounts.Count)]);

        // The schedule (seconds after the start), drawn before the plenary exists: its invitees are the attendees.
        var total = o.Minutes * 60;
        var speed = total / 600.0;
        var rng = new Random(20_260_301);
        var signIns = scope.Accounts.Take(o.SignIns).Select(a => (a.MemberId, a.UserName, At: rng.NextDouble() * (total - 30))).ToList();
        var doors = total * 0.25;
        var early = signIns.Where(s => s.At < doors - 5).OrderBy(_ => rng.Next()).ToList();
        if (early.Count < o.CheckIns) throw new InvalidOperationException($"Only {early.Count} members sign in before the doors open at {doors} s; need {o.CheckIns}.");
        var attendees = early.Take(o.CheckIns).ToDictionary(s => s.MemberId, s => doors + (rng.NextDouble() < 0.3 ? rng.NextDouble() * 5 : rng.NextDouble() * (o.CheckInSeconds - 4)));
        var proposers = signIns.Where(s => !attendees.ContainsKey(s.MemberId) && s.At < total * 0.7).OrderBy(_ => rng.Next()).Take(o.Proposers)
            .ToDictionary(s => s.MemberId, _ => (Think: 20 + rng.NextDouble() * 40, Read: 5 + rng.NextDouble() * 15, Write: 10 + rng.NextDouble() * 20));
        var corpus = new SyntheticProposals();
        var texts = proposers.Keys.ToDictionary(id => id, _ => corpus.Next(rng));

        var startsAt = DateTimeOffset.UtcNow.AddMinutes(60);
        var plenary = await DoorsBench.SendAsync<IdAnswer>(http, HttpMethod.Post, "/api/activities", admin, new
        {
            title = $"政协贵州省第十三届委员会第{n + 2}次全体会议（基准测试）",
            type = "plenary",
            startsAt,
            endsAt = startsAt.AddHours(4),
            place = "贵阳国际会议中心",
            organizerCodes = new[] { provinceCode },
            invitees = new { members = attendees.Keys.ToArray() },
            mandatory = true,
        });
        using (var req = DoorsBench.Request(HttpMethod.Post, $"/api/activities/{plenary.Id}/publish", admin, null))
        using (var res = await http.SendAsync(req))
            if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"publish: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        Console.WriteLine($"setup: plenary {plenary.Id} published to {Stats.N(attendees.Count)} invitees; {Stats.N(signIns.Count)} sign-ins over {Stats.F(total - 30, 0)} s, " +
                          $"doors open at {Stats.F(doors, 0)} s for {o.CheckInSeconds} s, {Stats.N(proposers.Count)} proposers, {staff.Count} dashboards every {o.RefreshSeconds} s, {o.Boards} boards every 5 s");

        var quiet = await Quiet.WaitAsync(maxCores: 0.3, maxWait: TimeSpan.FromSeconds(30));
        await MembersBench.ResetStatementsAsync(cs);
        var samples = new ConcurrentBag<Sample>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();

        async Task<(int Status, string Text)> Timed(string endpoint, double scheduled, HttpMethod method, string path, string? token, object? body)
        {
            var wait = scheduled - clock.Elapsed.TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            using var req = DoorsBench.Request(method, path, token, body);
            var sent = clock.Elapsed.TotalSeconds;
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                using var res = await http.SendAsync(req);
                var text = await res.Content.ReadAsStringAsync();
                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                var status = (int)res.StatusCode;
                var ok = status is 200 or 201;
                samples.Add(new Sample(endpoint, scheduled, sent, ms, status, ok ? null : text.Length > 300 ? text[..300] : text));
                return (status, text);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                samples.Add(new Sample(endpoint, scheduled, sent, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, 0, e.Message));
                return (0, "");
            }
        }

        // The screen: its first code 15 s before the doors open, then a new one whenever the shown one expires. A member
        // scans the code shown at that moment (the first one, should the screen be late).
        var code = "";
        var firstCode = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var screen = Task.Run(async () =>
        {
            var next = doors - 15;
            while (next < doors + o.CheckInSeconds + 5)
            {
                var (status, text) = await Timed("GET …/checkin-code (screen)", next, HttpMethod.Get, $"/api/activities/{plenary.Id}/checkin-code", admin, null);
                var c = status == 200 ? JsonSerializer.Deserialize<CodeAnswer>(text, Json) : null;
                if (c is not null)
                {
                    code = c.Token;
                    firstCode.TrySetResult();
                }
                next = clock.Elapsed.TotalSeconds + (c is null ? 1 : Math.Max(0.2, (c.ExpiresAt - DateTimeOffset.UtcNow).TotalSeconds + 0.2));
            }
            firstCode.TrySetResult();
        });

        var members = signIns.Select(s => Task.Run(async () =>
        {
            var (status, text) = await Timed("POST /api/auth/login", s.At, HttpMethod.Post, "/api/auth/login", null,
                new { userName = s.UserName, password = AppProcess.DemoPassword });
            var token = status == 200 ? JsonSerializer.Deserialize<TokenAnswer>(text, Json)!.AccessToken : null;
            if (attendees.TryGetValue(s.MemberId, out var at))
            {
                if (token is null) samples.Add(new Sample("POST …/checkin", at, at, 0, 0, "not signed in"));
                else
                {
                    await firstCode.Task;
                    await Timed("POST …/checkin", at, HttpMethod.Post, $"/api/activities/{plenary.Id}/checkin", token, new { token = code });
                }
            }
            else if (proposers.TryGetValue(s.MemberId, out var p) && token is not null)
            {
                var (title, body, _, _) = texts[s.MemberId];
                var plain = Regex.Replace(body, "<[^>]+>", "");
                var t = clock.Elapsed.TotalSeconds + p.Think * speed;
                await Timed("POST /api/proposals/similar (title)", t, HttpMethod.Post, "/api/proposals/similar", token, new { text = title, top = 5 });
                t = clock.Elapsed.TotalSeconds + p.Read * speed;
                await Timed("POST /api/proposals/similar (title + body)", t, HttpMethod.Post, "/api/proposals/similar", token, new { text = title + "\n" + plain, top = 10 });
                t = clock.Elapsed.TotalSeconds + p.Write * speed;
                var (created, answer) = await Timed("POST /api/proposals", t, HttpMethod.Post, "/api/proposals", token,
                    new { title, body, kind = "plenary", coSignerIds = Array.Empty<int>() });
                if (created == 201)
                {
                    var id = JsonSerializer.Deserialize<IdAnswer>(answer, Json)!.Id;
                    await Timed("POST /api/proposals/{id}/actions/submit", clock.Elapsed.TotalSeconds + 2 * speed, HttpMethod.Post, $"/api/proposals/{id}/actions/submit", token, new { });
                }
            }
        })).ToList();

        var year = scope.Years[^1];
        var dashboards = staff.Select((s, i) => Task.Run(async () =>
        {
            for (var t = i * (double)o.RefreshSeconds / staff.Count; t < total; t += o.RefreshSeconds)
            {
                await Timed("GET /api/committees/{code}/duty/summary", t, HttpMethod.Get, $"/api/committees/{s.Code}/duty/summary?year={year}", s.Token, null);
                await Timed("GET /api/proposals/stats", clock.Elapsed.TotalSeconds, HttpMethod.Get, $"/api/proposals/stats?committee={s.Code}&year={year}", s.Token, null);
            }
        })).Concat(Enumerable.Range(0, o.Boards).Select(i => Task.Run(async () =>
        {
            for (var t = i * 5.0 / o.Boards; t < total; t += 5)
                await Timed("GET …/board", t, HttpMethod.Get, $"/api/activities/{plenary.Id}/board", admin, null);
        }))).ToList();

        // Memory: every second, each instance's VmRSS (the peak of the samples) — VmHWM at the end gives the true peak.
        var maxRss = new long[apps.Count];
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < apps.Count; i++) maxRss[i] = Math.Max(maxRss[i], ReadKb(apps[i].Pid, "VmRSS"));
                try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { }
            }
        });

        var cpu0 = apps.Select(a => a.CpuTime()).ToList();
        var (db0, proxy0, me0, machine0) = (pg.CpuTime(), proxy?.CpuTime() ?? TimeSpan.Zero, Process.GetCurrentProcess().TotalProcessorTime, ProcCpu.MachineBusyTime());
        var progress = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(60), stop.Token); } catch (OperationCanceledException) { break; }
                var now = samples.ToList();
                Console.WriteLine($"  {Stats.F(clock.Elapsed.TotalSeconds, 0)} s: {Stats.N(now.Count)} calls answered, {now.Count(x => x.Status is not (200 or 201))} errors; " +
                                  $"RSS MB {string.Join(" / ", apps.Select(a => Stats.F(ReadKb(a.Pid, "VmRSS") / 1024.0, 0)))}; load {File.ReadAllText("/proc/loadavg").Trim()}");
            }
        });
        await Task.WhenAll(members);
        await Task.WhenAll(dashboards);
        await screen;
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu1 = apps.Select(a => a.CpuTime()).ToList();
        var (db1, proxy1, me1, machine1) = (pg.CpuTime(), proxy?.CpuTime() ?? TimeSpan.Zero, Process.GetCurrentProcess().TotalProcessorTime, ProcCpu.MachineBusyTime());
        await stop.CancelAsync();
        await sampler;
        await progress;

        var appCpu = apps.Select((_, i) => (cpu1[i] - cpu0[i]).TotalSeconds).ToList();
        var other = Math.Max(0, (machine1 - machine0).TotalSeconds - appCpu.Sum() - (db1 - db0).TotalSeconds - (proxy1 - proxy0).TotalSeconds - (me1 - me0).TotalSeconds);
        var use = apps.Select((a, i) => new InstanceUse(a.Pid, appCpu[i], ReadKb(a.Pid, "VmHWM"), maxRss[i], a.StartupTime.TotalSeconds)).ToList();

        var checkIns = await MembersBench.ScalarAsync<long>(cs, $"""SELECT count(*) FROM "CheckIns" WHERE "ActivityId" = {plenary.Id}""");
        var distinct = await MembersBench.ScalarAsync<long>(cs, $"""SELECT count(DISTINCT "MemberId") FROM "CheckIns" WHERE "ActivityId" = {plenary.Id}""");
        var submitted = samples.Count(x => x.Endpoint.EndsWith("submit", StringComparison.Ordinal) && x.Status == 200);
        var check = $"{Stats.N(checkIns)} check-in rows for {Stats.N(distinct)} members of {Stats.N(attendees.Count)} attendees; {submitted} proposals submitted of {proposers.Count}";
        Console.WriteLine($"check: {check}");
        await DutyBench.PrintStatementsAsync(cs, $"{n} instance(s)", limit: 10, width: 220);
        foreach (var e in samples.Where(x => x.Status is not (200 or 201)).GroupBy(x => (x.Endpoint, x.Status)).Take(10))
            Console.WriteLine($"error: {e.Key.Endpoint} → {e.Key.Status} ×{e.Count()}: {e.First().Error}");
        var result = new ConfigResult(n, seconds, samples.ToList(), use, (db1 - db0).TotalSeconds, (proxy1 - proxy0).TotalSeconds, (me1 - me0).TotalSeconds, other, quiet, check);
        PrintConfig(result, o);
        return result;
    }

    private static void PrintConfig(ConfigResult r, PlenaryOptions o)
    {
        Console.WriteLine();
        Console.WriteLine($"### {r.Instances} instance{(r.Instances > 1 ? "s behind nginx" : " (Kestrel directly)")}: {Stats.F(r.Seconds, 0)} s");
        Console.WriteLine();
        Console.WriteLine("| endpoint | count | rate /s | p50 ms | p95 ms | p99 ms | max ms | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in r.Samples.GroupBy(x => x.Endpoint).OrderBy(g => Order(g.Key)))
        {
            var ok = g.Where(x => x.Status is 200 or 201).Select(x => x.Ms).Order().ToList();
            var span = g.Max(x => x.Sent + x.Ms / 1000) - g.Min(x => x.Sent);
            Console.WriteLine($"| `{g.Key}` | {Stats.N(g.Count())} | {Stats.F(g.Count() / Math.Max(span, 1), 1)} | {Stats.F(Stats.Percentile(ok, 50))} | {Stats.F(Stats.Percentile(ok, 95))} | " +
                              $"{Stats.F(Stats.Percentile(ok, 99))} | {Stats.F(ok.Count > 0 ? ok[^1] : double.NaN)} | {g.Count(x => x.Status is not (200 or 201))} |");
        }
        var all = r.Samples.Where(x => x.Status is 200 or 201).Select(x => x.Ms).Order().ToList();
        // Lateness of the calls with a fixed schedule (sign-ins, dashboards, boards): the load generator's own delay. A check-in
        // or a proposal step waits for the member's sign-in answer, so it is late when that answer was slow.
        var late = r.Samples.Where(x => x.Endpoint.Contains("login") || x.Endpoint.Contains("duty") || x.Endpoint.Contains("board"))
            .Select(x => (x.Sent - x.Scheduled) * 1000).Order().ToList();
        Console.WriteLine($"| all | {Stats.N(r.Samples.Count)} | {Stats.F(r.Samples.Count / r.Seconds, 1)} | {Stats.F(Stats.Percentile(all, 50))} | {Stats.F(Stats.Percentile(all, 95))} | " +
                          $"{Stats.F(Stats.Percentile(all, 99))} | {Stats.F(all.Count > 0 ? all[^1] : double.NaN)} | {r.Samples.Count(x => x.Status is not (200 or 201))} |");
        Console.WriteLine();
        Console.WriteLine("| process | CPU s | of the machine | peak RSS MB (VmHWM) | max sampled RSS MB | startup s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var capacity = Environment.ProcessorCount * r.Seconds;
        string Share(double s) => Stats.F(100 * s / capacity, 1) + " %";
        for (var i = 0; i < r.Apps.Count; i++)
        {
            var a = r.Apps[i];
            Console.WriteLine($"| app {i + 1} (pid {a.Pid}) | {Stats.F(a.CpuSeconds)} | {Share(a.CpuSeconds)} | {Stats.F(a.PeakRssKb / 1024.0, 0)} | {Stats.F(a.MaxSampledRssKb / 1024.0, 0)} | {Stats.F(a.StartupSeconds)} |");
        }
        Console.WriteLine($"| PostgreSQL | {Stats.F(r.DbCpu)} | {Share(r.DbCpu)} | | | |");
        if (r.Instances > 1) Console.WriteLine($"| nginx | {Stats.F(r.ProxyCpu)} | {Share(r.ProxyCpu)} | | | |");
        Console.WriteLine($"| bench (load generator) | {Stats.F(r.BenchCpu)} | {Share(r.BenchCpu)} | | | |");
        Console.WriteLine($"| other processes (builds, tests of others) | {Stats.F(r.OtherCpu)} | {Share(r.OtherCpu)} | | | |");
        Console.WriteLine();
        Console.WriteLine($"sign-ins, dashboards and boards sent late against the schedule: p50 {Stats.F(Stats.Percentile(late, 50))} ms, p99 {Stats.F(Stats.Percentile(late, 99))} ms; " +
                          $"machine busy before the start {Stats.F(r.QuietCores, 2)} cores; {r.Check}");
    }

    private static void PrintRatios(ConfigResult one, ConfigResult two)
    {
        Console.WriteLine();
        Console.WriteLine($"### ratio {two.Instances} instances / {one.Instances} instance");
        Console.WriteLine();
        Console.WriteLine("| endpoint | p50 | p95 | p99 | errors (1 → 2) |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        foreach (var g in one.Samples.GroupBy(x => x.Endpoint).OrderBy(g => Order(g.Key)))
        {
            var a = g.Where(x => x.Status is 200 or 201).Select(x => x.Ms).Order().ToList();
            var other = two.Samples.Where(x => x.Endpoint == g.Key).ToList();
            var b = other.Where(x => x.Status is 200 or 201).Select(x => x.Ms).Order().ToList();
            string R(double p) => Stats.F(Stats.Percentile(b, p) / Stats.Percentile(a, p), 2);
            Console.WriteLine($"| `{g.Key}` | {R(50)} | {R(95)} | {R(99)} | {g.Count(x => x.Status is not (200 or 201))} → {other.Count(x => x.Status is not (200 or 201))} |");
        }
        var cpu1 = one.Apps.Sum(a => a.CpuSeconds);
        var cpu2 = two.Apps.Sum(a => a.CpuSeconds);
        Console.WriteLine($"| app CPU s (all instances) | {Stats.F(cpu1)} → {Stats.F(cpu2)} = {Stats.F(cpu2 / cpu1, 2)} | | | |");
        Console.WriteLine($"| app + nginx + PostgreSQL CPU s | {Stats.F(cpu1 + one.DbCpu)} → {Stats.F(cpu2 + two.DbCpu + two.ProxyCpu)} = {Stats.F((cpu2 + two.DbCpu + two.ProxyCpu) / (cpu1 + one.DbCpu), 2)} | | | |");
    }

    private static int Order(string endpoint) => endpoint switch
    {
        _ when endpoint.Contains("login") => 0,
        _ when endpoint.Contains("checkin-code") => 2,
        _ when endpoint.Contains("checkin") => 1,
        _ when endpoint.Contains("similar (title)") => 3,
        _ when endpoint.Contains("similar") => 4,
        _ when endpoint.EndsWith("submit", StringComparison.Ordinal) => 6,
        "POST /api/proposals" => 5,
        _ when endpoint.Contains("duty") => 7,
        _ when endpoint.Contains("stats") => 8,
        _ => 9,
    };

    /// <summary>A field of <c>/proc/&lt;pid&gt;/status</c> in kB (0 when the process is gone).</summary>
    private static long ReadKb(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return 0; }
    }

    private static async Task<string> LoginAsync(HttpClient http, string userName, string password) =>
        (await DoorsBench.SendAsync<TokenAnswer>(http, HttpMethod.Post, "/api/auth/login", null, new { userName, password })).AccessToken;

    /// <summary>Parses <c>--instances 1|2|both</c> and the other options of <c>plenary</c>.</summary>
    public static PlenaryOptions Parse(Func<string, string?> opt)
    {
        int I(string name, int fallback) => opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var d = new PlenaryOptions([1, 2]);
        IReadOnlyList<int> instances = (opt("--instances") ?? "both") switch
        {
            "both" => [1, 2],
            "1" => [1],
            "2" => [2],
            var v => throw new ArgumentException($"--instances 1|2|both, not {v}"),
        };
        return new PlenaryOptions(instances, double.Parse(opt("--minutes") ?? "10", CultureInfo.InvariantCulture), I("--signins", d.SignIns), I("--checkins", d.CheckIns),
            I("--checkin-seconds", d.CheckInSeconds), I("--proposers", d.Proposers), I("--staff", d.Staff), I("--refresh", d.RefreshSeconds), I("--boards", d.Boards),
            opt("--app-env")?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]));
    }
}
