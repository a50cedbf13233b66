using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Deployment;

/// <summary>
/// The faults operators meet, survived by the deployment as shipped (<see cref="FaultCluster"/>: PostgreSQL with
/// durability on, two app instances, nginx with <c>deploy/nginx/xieshang.conf</c>): an instance killed during a roster
/// import and during a burst of check-ins, PostgreSQL restarted under traffic, a rolling restart under load, a full
/// upload disk; and sign-in that works whichever instance answers. The tests of this class run one after another (one
/// xUnit collection); each starts by bringing back whatever an earlier one stopped.
/// </summary>
public sealed class FaultTests(FaultCluster cluster, ITestOutputHelper output) : IClassFixture<FaultCluster>
{
    private const string Committee = "520200";

    [Fact]
    public async Task Sign_in_cookie_antiforgery_token_and_bearer_token_work_whichever_instance_answers()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.A.BaseAddress, cluster.B.BaseAddress);
        // One cookie jar for both instances, as a browser behind the proxy has: cookies do not depend on the port.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false });

        // The sign-in page rendered by A (its antiforgery token), the form posted to B.
        var token = PageClient.Token(await PageAsync(browser, new Uri(a, "/account/login")));
        using var login = await browser.PostAsync(new Uri(b, "/account/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["userName"] = $"staff.{Committee}", ["password"] = FaultCluster.DemoPassword, ["returnUrl"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.DoesNotContain("error=", login.Headers.Location?.OriginalString ?? "");

        // The cookie B issued opens a signed-in page on A; anonymous, the same page sends to the sign-in page.
        Assert.Contains("/account/login", (await NewClient(a).GetAsync("/activities")).Headers.Location?.OriginalString ?? "");
        var page = await PageAsync(browser, new Uri(a, "/activities"));
        Assert.Contains("活动", page);
        // A signed-in form token from A is accepted by B (sign out: a POST with antiforgery).
        var signedInToken = PageClient.Token(page);
        using var logout = await browser.PostAsync(new Uri(b, "/account/logout"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = signedInToken }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.DoesNotContain("/status/", logout.Headers.Location?.OriginalString ?? "");

        // A bearer token issued by A, used on B.
        var bearer = await FaultCluster.LoginAsync(cluster.A, $"staff.{Committee}");
        using var other = FaultCluster.Client(b, bearer);
        var me = await other.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal($"staff.{Committee}", me.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task Sign_in_attempts_through_nginx_are_limited_for_all_instances_together_with_a_Chinese_429()
    {
        await cluster.EnsureAllRunningAsync();
        // The instances' own limit is lifted in these tests, so every 429 here is nginx's zone (20 a minute, burst 10),
        // counted over both instances. An unknown account: no real account is locked out by the attempts.
        using var http = cluster.ProxyClient();
        var (passed, limited) = (0, 0);
        HttpResponseMessage? last429 = null;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
        {
            var res = await http.PostAsJsonAsync("/api/auth/login", new { userName = "nobody.faults", password = "wrong-password-1" });
            if (res.StatusCode == HttpStatusCode.TooManyRequests) { limited++; last429?.Dispose(); last429 = res; }
            else { Assert.Equal(HttpStatusCode.Unauthorized, res.StatusCode); passed++; res.Dispose(); }
        }
        // The first and a burst of 10 pass, then one more every 3 s (20 a minute) of the time the attempts took.
        Assert.InRange(passed, 11, 11 + 1 + (int)(watch.Elapsed.TotalSeconds / 3));
        Assert.Equal(30 - passed, limited);
        Assert.Equal("application/problem+json", last429!.Content.Headers.ContentType?.MediaType);
        Assert.Equal("请求过于频繁", (await last429.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.NotNull(last429.Headers.RetryAfter);
        last429.Dispose();
        // Reading the sign-in page is not limited.
        using var page = await http.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task An_instance_killed_during_a_roster_import_leaves_it_whole_or_absent_and_the_other_serves_on()
    {
        await cluster.EnsureAllRunningAsync();
        const string code = "520281";
        const int rows = 12_000;
        var staff = await FaultCluster.LoginAsync(cluster.B, $"staff.{Committee}"); // the city's staff manage its county committees
        var committeeId = await cluster.ScalarAsync<int>($"SELECT \"Id\" FROM \"Committees\" WHERE \"Code\" = '{code}'");
        var count = $"SELECT count(*) FROM \"Members\" WHERE \"CommitteeId\" = {committeeId}";

        // The workbook is valid: a dry run of its first rows creates every row, without errors.
        using (var b = FaultCluster.Client(cluster.B.BaseAddress, staff))
        {
            var dry = await ImportAsync(b, code, RosterWorkbook.Build(200, seed: 8080, term: 10, avoidDemoOf: code), dryRun: true);
            Assert.True(dry.IsSuccessStatusCode, await dry.Content.ReadAsStringAsync());
            var answer = await dry.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(200, answer.GetProperty("created").GetInt32());
            Assert.Equal(0, answer.GetProperty("errors").GetArrayLength());
        }
        var before = await cluster.ScalarAsync<long>(count);
        var workbook = RosterWorkbook.Build(rows, seed: 8080, term: 10, avoidDemoOf: code);

        await using var load = new GetLoad(cluster.ProxyClient(await FaultCluster.LoginAsync(cluster.B, $"staff.{Committee}")), $"/api/committees/{Committee}", workers: 2);
        using var a = FaultCluster.Client(cluster.A.BaseAddress, staff, TimeSpan.FromMinutes(5));
        var import = ImportAsync(a, code, workbook, dryRun: false);

        // Kill A while its import transaction is open (a backend of A holds a transaction id and writes members);
        // if the import commits before that is seen, A is killed right after and the import must then be whole.
        var watch = Stopwatch.StartNew();
        var seenOpen = false;
        while (!import.IsCompleted && watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            seenOpen = await cluster.ScalarAsync<long>("""
                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_xid IS NOT NULL AND query LIKE '%"Members"%'
                """) > 0;
            if (seenOpen) break;
            await Task.Delay(20);
        }
        await cluster.A.KillAsync();
        var outcome = await Record.ExceptionAsync(() => import);
        await Task.Delay(2000); // the other instance keeps answering through nginx after the kill
        var gets = await load.StopAsync();

        // PostgreSQL rolls back the dead client's transaction once it sees the connection closed.
        for (var i = 0; i < 100 && await cluster.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL") > 0; i++)
            await Task.Delay(100);
        var after = await cluster.ScalarAsync<long>(count);
        output.WriteLine($"import: A killed {(seenOpen ? "while its transaction was open" : "after the import finished")} ({watch.Elapsed.TotalSeconds:F1} s in); " +
                         $"members {before} -> {after}; client: {outcome?.GetType().Name ?? "answered"}; GETs through nginx: {gets.Ok} ok, {gets.Failed.Count} failed");
        Assert.True(after == before || after == before + rows,
            $"members of {code}: {before} before, {after} after the kill (import {(seenOpen ? "killed mid-transaction" : "finished first")}, client saw {outcome?.GetType().Name ?? "an answer"})");
        Assert.True(gets.Ok > 0, "no GET went through nginx during the import");
        Assert.True(gets.Failed.Count == 0, $"GETs through nginx failed while an instance was killed: {string.Join("; ", gets.Failed.Take(5))}");
    }

    [Fact]
    public async Task An_instance_killed_during_a_burst_of_check_ins_loses_and_duplicates_no_acknowledged_one()
    {
        await cluster.EnsureAllRunningAsync();
        var staff = await FaultCluster.LoginAsync(cluster.A, $"staff.{Committee}");
        using var http = cluster.ProxyClient(staff, TimeSpan.FromSeconds(30));
        var id = await PlenaryAsync(http, "故障测试：签到中实例被终止");
        var invitees = await cluster.ListAsync<int>($"SELECT \"MemberId\" FROM \"Invitations\" WHERE \"ActivityId\" = {id} ORDER BY 1");
        Assert.True(invitees.Count >= 200, $"{invitees.Count} invitees");

        var acks = new ConcurrentBag<(int Member, string Answer)>();
        var queue = new ConcurrentQueue<int>(invitees);
        var retries = 0;
        var killed = false;
        async Task Worker()
        {
            while (queue.TryDequeue(out var member))
            {
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        using var res = await http.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = member });
                        if (res.IsSuccessStatusCode) { acks.Add((member, await res.Content.ReadAsStringAsync())); break; }
                    }
                    catch (HttpRequestException) { }
                    catch (TaskCanceledException) { }
                    Interlocked.Increment(ref retries); // the client does not know whether it was stored: it tries again
                    Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"check-in of member {member} not acknowledged within 60 s of retries");
                    await Task.Delay(200);
                }
            }
        }
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToList();
        while (acks.Count < invitees.Count / 3 && !workers.All(w => w.IsCompleted)) await Task.Delay(5);
        if (!workers.All(w => w.IsCompleted)) { await cluster.A.KillAsync(); killed = true; }
        await Task.WhenAll(workers);

        Assert.True(killed, "the burst ended before the kill");
        output.WriteLine($"check-ins: {invitees.Count} members, {acks.Count} acknowledgements, {retries} retries after failures");
        var rows = await cluster.ScalarAsync<long>($"SELECT count(*) FROM \"CheckIns\" WHERE \"ActivityId\" = {id}");
        var distinct = await cluster.ScalarAsync<long>($"SELECT count(DISTINCT \"MemberId\") FROM \"CheckIns\" WHERE \"ActivityId\" = {id}");
        var stored = (await cluster.ListAsync<int>($"SELECT \"MemberId\" FROM \"CheckIns\" WHERE \"ActivityId\" = {id}")).ToHashSet();
        var acked = acks.Select(x => x.Member).ToHashSet();
        Assert.Equal(invitees.Count, acked.Count);           // every member was acknowledged (after retries)
        Assert.Equal(rows, distinct);                          // no member twice
        Assert.Equal(invitees.Count, (int)rows);               // nothing else
        Assert.Empty(acked.Except(stored));                    // every acknowledged check-in exists
        // A member acknowledged more than once got the same check-in each time.
        foreach (var g in acks.GroupBy(x => x.Member).Where(g => g.Count() > 1))
            Assert.Single(g.Select(x => JsonDocument.Parse(x.Answer).RootElement.GetProperty("at").GetDateTimeOffset()).Distinct());
    }

    [Fact]
    public async Task PostgreSQL_restarted_under_traffic_gives_503_meanwhile_and_both_instances_recover_within_10_s_with_no_lost_write()
    {
        await cluster.EnsureAllRunningAsync();
        var staff = await FaultCluster.LoginAsync(cluster.A, $"staff.{Committee}");
        using var http = cluster.ProxyClient(staff, TimeSpan.FromSeconds(30));
        var id = await PlenaryAsync(http, "故障测试：数据库重启");
        var invitees = await cluster.ListAsync<int>($"SELECT \"MemberId\" FROM \"Invitations\" WHERE \"ActivityId\" = {id} ORDER BY 1");

        // Writers check members in one by one through nginx, retrying what was not acknowledged, until told to stop
        // (a member being retried is finished first); readers GET.
        var acked = new ConcurrentDictionary<int, bool>();
        using var enough = new CancellationTokenSource();
        var queue = new ConcurrentQueue<int>(invitees);
        var down = 0;
        var duringOutage = new ConcurrentBag<string>();  // every answer (or failure) while PostgreSQL was down
        using var stop = new CancellationTokenSource();
        async Task Writer()
        {
            while (!enough.IsCancellationRequested && queue.TryDequeue(out var member))
            {
                while (!acked.ContainsKey(member))
                {
                    try
                    {
                        using var res = await http.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = member });
                        if (res.IsSuccessStatusCode) acked[member] = true;
                        else if (Volatile.Read(ref down) == 1) duringOutage.Add(await Describe(res));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        if (Volatile.Read(ref down) == 1) duringOutage.Add("POST " + e.GetType().Name);
                    }
                    if (!acked.ContainsKey(member)) await Task.Delay(100);
                }
                await Task.Delay(50); // a steady trickle rather than a burst, so that writes span the outage
            }
        }
        async Task Reader()
        {
            using var reader = cluster.ProxyClient(staff, TimeSpan.FromSeconds(10));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var res = await reader.GetAsync($"/api/committees/{Committee}");
                    if (Volatile.Read(ref down) == 1) duringOutage.Add(await Describe(res));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    if (Volatile.Read(ref down) == 1) duringOutage.Add("GET " + e.GetType().Name);
                }
                await Task.Delay(50);
            }
        }
        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(Writer)).ToList();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(Reader)).ToList();
        await Task.Delay(2000);
        var ackedBefore = acked.Count;

        await cluster.StopPostgresAsync();
        Volatile.Write(ref down, 1);
        await Task.Delay(4000);
        // A clear answer while the database is down: 503 ProblemDetails in Chinese, with Retry-After.
        using (var probe = cluster.ProxyClient(staff, TimeSpan.FromSeconds(10)))
        {
            using var res = await probe.GetAsync($"/api/committees/{Committee}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
            Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
            // From the app (database down) or from nginx (no instance answering): the same title either way.
            Assert.Equal("服务暂不可用", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
            Assert.True(res.Headers.RetryAfter is not null, "no Retry-After header");
        }
        Volatile.Write(ref down, 0);
        var ackedAtRestart = acked.Count;
        await cluster.StartPostgresAsync();
        var back = Stopwatch.StartNew();

        // Both instances answer again by themselves (no restart) within 10 s of PostgreSQL being back.
        async Task RecoveredAsync(AppInstance instance)
        {
            using var direct = FaultCluster.Client(instance.BaseAddress, staff, TimeSpan.FromSeconds(5));
            while (true)
            {
                try
                {
                    using var res = await direct.GetAsync($"/api/committees/{Committee}");
                    if (res.StatusCode == HttpStatusCode.OK) return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"instance {instance.Name} did not answer 200 within 10 s of PostgreSQL's restart; log:\n{instance.Tail()}");
                await Task.Delay(200);
            }
        }
        await Task.WhenAll(RecoveredAsync(cluster.A), RecoveredAsync(cluster.B));
        var recovered = back.Elapsed;
        Assert.True(cluster.A.Running && cluster.B.Running, "an instance exited");

        await Task.Delay(2000); // writes after the recovery
        await enough.CancelAsync();
        using (var finish = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            await Task.WhenAll(writers).WaitAsync(finish.Token);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        output.WriteLine($"outage: {ackedBefore} check-ins acknowledged before, {acked.Count} in all; {duringOutage.Count} answers during the outage " +
                         $"({string.Join(", ", duringOutage.GroupBy(d => d[..Math.Min(d.Length, 30)]).Select(g => $"{g.Count()} × {g.Key}"))}); both instances answered 200 {recovered.TotalSeconds:F1} s after the restart");
        Assert.True(ackedBefore > 0, "no write was acknowledged before the outage");
        Assert.NotEmpty(duringOutage);
        var unclear = duringOutage.Where(d => !d.StartsWith("503 application/problem+json", StringComparison.Ordinal)).ToList();
        Assert.True(unclear.Count == 0, $"{unclear.Count} of {duringOutage.Count} answers during the outage were not a 503 ProblemDetails: {string.Join("; ", unclear.Distinct().Take(5))}");
        var stored = (await cluster.ListAsync<int>($"SELECT \"MemberId\" FROM \"CheckIns\" WHERE \"ActivityId\" = {id}")).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Empty(acked.Keys.Except(stored));
        Assert.True(acked.Count > ackedAtRestart, "no write was acknowledged after the restart");
        // Every member a writer started on was acknowledged in the end (retried through the outage), none lost.
        Assert.Equal(invitees.Count - queue.Count, acked.Count);
    }

    [Fact]
    public async Task A_rolling_restart_behind_nginx_fails_no_GET_and_duplicates_no_write()
    {
        await cluster.EnsureAllRunningAsync();
        var staff = await FaultCluster.LoginAsync(cluster.A, $"staff.{Committee}");
        var member = await cluster.ScalarAsync<int>($"SELECT min(m.\"Id\") FROM \"Members\" m JOIN \"Committees\" c ON c.\"Id\" = m.\"CommitteeId\" WHERE c.\"Code\" = '{Committee}' AND m.\"IsActive\"");
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var load = new GetLoad(cluster.ProxyClient(staff, TimeSpan.FromSeconds(30)), $"/api/committees/{Committee}", workers: 3);

        // Writes: activities created through nginx, each titled with a unique marker; never retried by the client.
        using var writes = cluster.ProxyClient(staff, TimeSpan.FromSeconds(30));
        var acknowledged = new ConcurrentBag<string>();
        var unanswered = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var title = $"滚动重启 {run} {n:D4}";
                try
                {
                    var startsAt = DateTimeOffset.UtcNow.AddDays(30);
                    using var res = await writes.PostAsJsonAsync("/api/activities", new
                    {
                        title, type = "consultation", startsAt, endsAt = startsAt.AddHours(2), place = "委员活动室",
                        organizerCodes = new[] { Committee }, invitees = new { members = new[] { member } }, mandatory = false,
                    });
                    if (res.IsSuccessStatusCode) acknowledged.Add(title); else unanswered.Add($"{title}: {(int)res.StatusCode}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { unanswered.Add($"{title}: {e.GetType().Name}"); }
                await Task.Delay(100);
            }
        });

        await Task.Delay(1500);
        foreach (var instance in new[] { cluster.A, cluster.B })
        {
            Assert.Equal(0, await instance.StopAsync()); // SIGTERM: drains and exits cleanly
            await Task.Delay(500);
            await instance.StartAsync();                   // back, and ready, before the other goes
            await Task.Delay(1500);
        }
        await stop.CancelAsync();
        await writer;
        var gets = await load.StopAsync();

        output.WriteLine($"rolling restart: GETs {gets.Ok} ok, {gets.Failed.Count} failed; writes {acknowledged.Count} acknowledged, {unanswered.Count} not: {string.Join("; ", unanswered.Take(5))}");
        Assert.True(gets.Ok > 50, $"only {gets.Ok} GETs went through");
        Assert.True(gets.Failed.Count == 0, $"{gets.Failed.Count} of {gets.Ok + gets.Failed.Count} GETs failed during the rolling restart: {string.Join("; ", gets.Failed.Take(5))}");
        Assert.NotEmpty(acknowledged);
        var titles = await cluster.ListAsync<string>($"SELECT \"Title\" FROM \"Activities\" WHERE \"Title\" LIKE '滚动重启 {run} %'");
        Assert.Equal(titles.Count, titles.Distinct().Count());                       // no write stored twice
        Assert.Empty(acknowledged.Except(titles));                                  // every acknowledged write stored
        Assert.True(titles.Count <= acknowledged.Count + unanswered.Count, "more activities than requests");
    }

    [Fact]
    public async Task A_full_upload_disk_gives_a_clear_Chinese_error_and_leaves_no_file_and_no_row()
    {
        await cluster.EnsureAllRunningAsync();
        Assert.True(cluster.UploadFolderIsSmallTmpfs, "the disk-full test mounts a 1 MiB tmpfs as the upload folder, which needs root: run ./test.sh as root (as CI does)");
        var staff = await FaultCluster.LoginAsync(cluster.A, $"staff.{Committee}");
        using var http = cluster.ProxyClient(staff);
        using var created = await http.PostAsJsonAsync("/api/courses", new { title = "故障测试：存储空间", organizerCodes = new[] { Committee }, audience = new { committees = new[] { Committee } } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var course = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var files = await cluster.ScalarAsync<long>("SELECT count(*) FROM \"StoredFiles\"");
        var materials = await cluster.ScalarAsync<long>("SELECT count(*) FROM \"StudyMaterials\"");
        var onDisk = FilesIn(cluster.UploadPath); // the demo's course material is there already

        var big = new byte[3 << 20]; // 3 MiB: under the 20 MiB document limit, over the 1 MiB disk
        "%PDF-1.7\n"u8.CopyTo(big);
        using var full = await http.PostAsync($"/api/courses/{course}/materials", Upload(big, "讲义.pdf"));
        var body = await full.Content.ReadAsStringAsync();
        Assert.False(full.IsSuccessStatusCode, body);
        Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
        Assert.Contains("存储空间不足", body);
        Assert.Equal(files, await cluster.ScalarAsync<long>("SELECT count(*) FROM \"StoredFiles\""));
        Assert.Equal(materials, await cluster.ScalarAsync<long>("SELECT count(*) FROM \"StudyMaterials\""));
        Assert.Equal(onDisk, FilesIn(cluster.UploadPath)); // no new file, no temporary file left

        // The space is free again: a small file is stored, once, and served back through the other instance too.
        var small = new byte[16 << 10];
        "%PDF-1.7\n"u8.CopyTo(small);
        using var ok = await http.PostAsync($"/api/courses/{course}/materials", Upload(small, "讲义.pdf"));
        Assert.True(ok.IsSuccessStatusCode, await ok.Content.ReadAsStringAsync());
        var mid = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Single(FilesIn(cluster.UploadPath).Except(onDisk));
        foreach (var instance in new[] { cluster.A, cluster.B })
        {
            using var direct = FaultCluster.Client(instance.BaseAddress, staff);
            Assert.Equal(small.Length, (await direct.GetByteArrayAsync($"/api/courses/{course}/materials/{mid}")).Length);
        }
        using var removed = await http.DeleteAsync($"/api/courses/{course}/materials/{mid}");
        Assert.True(removed.IsSuccessStatusCode);
    }

    private static HashSet<string> FilesIn(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToHashSet();

    private static MultipartFormDataContent Upload(byte[] bytes, string name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return new MultipartFormDataContent { { new StringContent("document"), "kind" }, { new StringContent("讲义"), "title" }, { file, "file", name } };
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient http, string code, byte[] workbook, bool dryRun)
    {
        var file = new ByteArrayContent(workbook);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        return http.PostAsync($"/api/committees/{code}/members/import?dryRun={(dryRun ? "true" : "false")}", new MultipartFormDataContent { { file, "file", "委员名单.xlsx" } });
    }

    /// <summary>A published plenary of <see cref="Committee"/> starting in 10 minutes (check-in open), the whole committee invited.</summary>
    private static async Task<int> PlenaryAsync(HttpClient http, string title)
    {
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(10);
        using var res = await http.PostAsJsonAsync("/api/activities", new
        {
            title, type = "plenary", startsAt, endsAt = startsAt.AddHours(4), place = "市会议中心大礼堂",
            organizerCodes = new[] { Committee }, invitees = new { committees = new[] { Committee } }, mandatory = true,
        });
        Assert.True(res.IsSuccessStatusCode, await res.Content.ReadAsStringAsync());
        var id = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var published = await http.PostAsync($"/api/activities/{id}/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        return id;
    }

    private static async Task<string> PageAsync(HttpClient http, Uri url)
    {
        using var res = await http.GetAsync(url);
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)res.StatusCode} {res.Headers.Location}");
        return WebUtility.HtmlDecode(await res.Content.ReadAsStringAsync());
    }

    private static HttpClient NewClient(Uri baseAddress) => FaultCluster.Client(baseAddress);

    private static async Task<string> Describe(HttpResponseMessage res)
    {
        var body = (await res.Content.ReadAsStringAsync()).ReplaceLineEndings(" ");
        return $"{(int)res.StatusCode} {res.Content.Headers.ContentType?.MediaType} {body[..Math.Min(200, body.Length)]}";
    }

    /// <summary>Steady GETs of one URL by a few workers until stopped; counts the 200s and describes every other outcome.</summary>
    private sealed class GetLoad : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _workers;
        private readonly ConcurrentBag<string> _failed = [];
        private int _ok;

        public GetLoad(HttpClient http, string url, int workers)
        {
            _http = http;
            _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        using var res = await _http.GetAsync(url);
                        if (res.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref _ok);
                        else _failed.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {await Describe(res)}");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        _failed.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetType().Name}: {e.Message}");
                    }
                    await Task.Delay(20);
                }
            })).ToList();
        }

        public async Task<(int Ok, List<string> Failed)> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
            return (_ok, _failed.ToList());
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested) await StopAsync();
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
