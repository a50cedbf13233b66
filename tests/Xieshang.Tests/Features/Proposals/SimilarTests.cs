using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>The in-memory similar index on its own (no database), as the evaluation uses it.</summary>
public sealed class SimilarIndexTests
{
    private static string S(string text) => ProposalSearch.BuildSearchText(text, "", []);

    private static SimilarIndex Sample()
    {
        var index = new SimilarIndex();
        index.Upsert(1, "/CN/520000/520200/", S("关于加强农村饮水安全保障的建议：部分村组供水设施老化，枯水期供水不稳定，建议加快管网改造。"));
        index.Upsert(2, "/CN/520000/520200/520201/", S("关于改善乡村饮用水安全的提案：一些村寨自来水管道陈旧，旱季经常停水，希望改造供水管网。"));
        index.Upsert(3, "/CN/520000/520200/520204/", S("关于发展刺梨特色产业的建议：扩大种植面积，培育龙头企业，打造区域品牌。"));
        index.Upsert(4, "/CN/520000/520200/520204/", S("关于规范校外培训机构收费的建议：加强监管，防止乱收费。"));
        return index;
    }

    [Fact]
    public void The_same_matter_written_differently_ranks_first_with_a_cosine_between_0_and_1()
    {
        var index = Sample();
        var hits = index.Query("农村饮水安全：供水管网老化，枯水期停水", null, 10);
        Assert.True(hits.Count >= 2);
        Assert.Equal(new[] { 1, 2 }, hits.Take(2).Select(h => h.Id).Order());
        Assert.All(hits, h => Assert.InRange(h.Score, 0.0, 1.0));
        Assert.True(hits[0].Score >= hits[^1].Score);
        Assert.DoesNotContain(hits, h => h.Id == 4 && h.Score > hits[1].Score);
        var self = index.Query("关于发展刺梨特色产业的建议：扩大种植面积，培育龙头企业，打造区域品牌。", null, 1);
        Assert.Equal(3, self[0].Id);
        Assert.InRange(self[0].Score, 0.99, 1.0);
    }

    [Fact]
    public void The_path_prefix_filters_before_ranking_and_top_cuts()
    {
        var index = Sample();
        var hits = index.Query("农村饮水安全供水管网", "/CN/520000/520200/520201/", 10);
        Assert.Equal([2], hits.Select(h => h.Id));
        Assert.DoesNotContain(index.Query("农村饮水安全供水管网", "/CN/520000/520200/520204/", 10), h => h.Id is 1 or 2);
        Assert.Single(index.Query("农村饮水安全供水管网", null, 1));
        Assert.Empty(index.Query("", null, 10));
        Assert.DoesNotContain(index.Query("完全无关的星际航行", null, 10), h => h.Id is 1 or 2);
    }

    [Fact]
    public void Upsert_replaces_and_remove_drops_a_document_while_many_change()
    {
        var index = Sample();
        index.Upsert(3, "/CN/520000/520200/520204/", S("关于农村饮水安全和供水管网改造的建议"));
        Assert.Contains(index.Query("农村饮水安全供水管网", "/CN/520000/520200/520204/", 10), h => h.Id == 3);
        Assert.DoesNotContain(index.Query("刺梨特色产业龙头企业", null, 10), h => h.Id == 3);
        index.Remove(1);
        Assert.DoesNotContain(index.Query("农村饮水安全供水管网", null, 10), h => h.Id == 1);
        Assert.Equal(3, index.Count);
        // Enough changes to compact the postings: results stay right.
        for (var round = 0; round < 3; round++)
            for (var id = 100; id < 1600; id++)
                index.Upsert(id, "/CN/520000/520200/", S(id % 2 == 0 ? $"关于城市停车难问题的建议 第{round}稿" : "关于中小学课后服务的建议"));
        Assert.Equal(1503, index.Count);
        var parking = index.Query("城市停车难", null, 50);
        Assert.Equal(50, parking.Count);
        Assert.All(parking, h => Assert.True(h.Id >= 100 && h.Id % 2 == 0));
        Assert.Equal(3, index.Query("刺梨 农村饮水安全 规范校外培训", null, 10).Count(h => h.Id is 2 or 3 or 4));
        Assert.True(index.EstimatedBytes > 0);
    }

    [Fact]
    public async Task Queries_run_while_documents_are_added()
    {
        var index = Sample();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var writer = Task.Run(() =>
        {
            for (var id = 10; id < 3000; id++) index.Upsert(id, "/CN/520000/520200/", S($"关于第{id}号城市道路维修的建议"));
        });
        var reads = 0;
        while (!writer.IsCompleted && !cts.IsCancellationRequested)
        {
            Assert.Contains(index.Query("农村饮水安全供水管网", null, 5), h => h.Id == 1);
            reads++;
        }
        await writer;
        Assert.True(reads > 0);
        Assert.Equal(2994, index.Count);
    }
}

/// <summary><c>GET /api/proposals/similar</c> and the refresh from the database, on each provider.</summary>
public abstract class SimilarApiTests(AppFactory app)
{
    private const string Water = "关于解决喀斯特山区农村饮水安全问题的建议";
    private const string WaterBody = "<p>喀斯特山区村组供水设施老化，枯水期群众饮水困难。建议加快供水管网改造，建设小型水窖。</p>";
    private const string WaterQuery = "喀斯特山区农村饮水困难，建议改造供水管网、修建水窖";

    private sealed record Row(int Id, string Committee, ProposalStatus Status);

    private Task<int> InsertAsync(string committee, ProposalStatus status, string title = Water, string body = WaterBody, string? memberUser = null) =>
        app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == committee);
            int? memberId = memberUser is null ? null : await db.Users.Where(u => u.UserName == memberUser).Select(u => u.MemberId).FirstAsync();
            var p = new Proposal
            {
                CommitteeId = c.Id, CommitteePath = c.Path, Status = status, Kind = ProposalKind.Plenary,
                ProposerType = memberId is null ? ProposerType.Party : ProposerType.Member, ProposerMemberId = memberId, ProposerName = "提案人",
                Title = title, Body = body, SearchText = ProposalSearch.BuildSearchText(title, body, []),
                Term = 9, Session = 2, Year = 2026, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                SubmittedAt = status is ProposalStatus.Draft or ProposalStatus.CoSigning ? null : DateTimeOffset.UtcNow,
            };
            db.Proposals.Add(p);
            await db.SaveChangesAsync();
            return p.Id;
        });

    private async Task RefreshAsync()
    {
        var index = app.Services.GetRequiredService<SimilarIndex>();
        await app.WithDbAsync(db => index.RefreshAsync(db, CancellationToken.None));
    }

    private static async Task<List<JsonElement>> SimilarAsync(HttpClient client, string text = WaterQuery, int top = 50)
    {
        var res = await client.GetAsync($"/api/proposals/similar?text={Uri.EscapeDataString(text)}&top={top}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return [.. (await res.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
    }

    private static int[] Ids(List<JsonElement> items) => [.. items.Select(i => i.GetProperty("id").GetInt32())];

    /// <summary>A handling unit of <paramref name="committee"/> and its account <c>unit.</c> + code.</summary>
    private async Task<(int UnitId, string UserName)> UnitAsync(string committee)
    {
        var code = $"{committee}.s{Guid.NewGuid():N}"[..(committee.Length + 10)];
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var c = await db.Committees.FirstAsync(x => x.Code == committee);
        var unit = new HandlingUnit { Code = code, Name = "测试承办单位" + code, CommitteeId = c.Id, CommitteePath = c.Path };
        db.HandlingUnits.Add(unit);
        await db.SaveChangesAsync();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = "unit." + code, DisplayName = unit.Name, HandlingUnitId = unit.Id };
        Assert.True((await users.CreateAsync(user, AppFactory.DemoPassword)).Succeeded);
        await users.AddToRoleAsync(user, Roles.HandlingUnit);
        return (unit.Id, user.UserName);
    }

    private Task AssignAsync(int proposalId, int unitId) => app.WithDbAsync(async db =>
    {
        db.Assignments.Add(new Assignment
        {
            ProposalId = proposalId, HandlingUnitId = unitId, Role = AssignmentRole.Single, Status = AssignmentStatus.Active, AssignedAt = DateTimeOffset.UtcNow,
            ReturnDueOn = new DateOnly(2026, 12, 14), DueOn = new DateOnly(2027, 3, 1), LatestDueOn = new DateOnly(2027, 6, 1),
        });
        return await db.SaveChangesAsync();
    });

    private Task ReplyAsync(int proposalId, int unitId, string text, bool isPublic, int minutesAgo) => app.WithDbAsync(async db =>
    {
        var a = await db.Assignments.Where(x => x.ProposalId == proposalId && x.HandlingUnitId == unitId).Select(x => x.Id).FirstAsync();
        db.Replies.Add(new Reply
        {
            ProposalId = proposalId, AssignmentId = a, HandlingUnitId = unitId, Class = ReplyClass.A, Text = text, IsPublic = isPublic,
            RepliedAt = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo), OnTime = true,
        });
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Results_are_scoped_to_what_the_caller_may_see()
    {
        var zhongshanSubmitted = await InsertAsync("520201", ProposalStatus.Submitted);
        var zhongshanFiled = await InsertAsync("520201", ProposalStatus.Filed);
        var shuichengSubmitted = await InsertAsync("520204", ProposalStatus.UnderReview);
        var shuichengFiled = await InsertAsync("520204", ProposalStatus.Assigned);
        var cityAssigned = await InsertAsync("520200", ProposalStatus.Assigned);
        var draft = await InsertAsync("520201", ProposalStatus.Draft);
        var (unitId, unitUser) = await UnitAsync("520200");
        await AssignAsync(cityAssigned, unitId);
        await RefreshAsync();
        int[] mine = [zhongshanSubmitted, zhongshanFiled, shuichengSubmitted, shuichengFiled, cityAssigned, draft];

        var admin = Ids(await SimilarAsync(await app.ClientAsAsync("admin")));
        Assert.Equal(mine.Except([draft]).Order(), admin.Intersect(mine).Order());

        var city = Ids(await SimilarAsync(await app.ClientAsAsync("staff.520200")));
        Assert.Equal(mine.Except([draft]).Order(), city.Intersect(mine).Order());

        var zhongshanStaff = Ids(await SimilarAsync(await app.ClientAsAsync("staff.520201")));
        Assert.Equal(new[] { zhongshanSubmitted, zhongshanFiled }.Order(), zhongshanStaff.Intersect(mine).Order());

        // A 钟山区 member sees 钟山区's filed proposals, never 水城区's unfiled (nor its filed) ones.
        var member = Ids(await SimilarAsync(await app.ClientAsAsync("member.520201")));
        Assert.Equal([zhongshanFiled], member.Intersect(mine));
        var shuichengStaff = Ids(await SimilarAsync(await app.ClientAsAsync("staff.520204")));
        Assert.Equal(new[] { shuichengSubmitted, shuichengFiled }.Order(), shuichengStaff.Intersect(mine).Order());

        // A unit sees only its own assignments.
        var unit = Ids(await SimilarAsync(await app.ClientAsAsync(unitUser)));
        Assert.Equal([cityAssigned], unit);

        // Scores best first, status codes, top cuts.
        var items = await SimilarAsync(await app.ClientAsAsync("staff.520200"), top: 2);
        Assert.Equal(2, items.Count);
        Assert.True(items[0].GetProperty("score").GetDouble() >= items[1].GetProperty("score").GetDouble());
        Assert.InRange(items[0].GetProperty("score").GetDouble(), 0.3, 1.0);
        var byId = (await SimilarAsync(await app.ClientAsAsync("staff.520200"))).ToDictionary(i => i.GetProperty("id").GetInt32());
        Assert.Equal("submitted", byId[zhongshanSubmitted].GetProperty("status").GetString());
        Assert.Equal("assigned", byId[cityAssigned].GetProperty("status").GetString());
        Assert.Equal(Water, byId[cityAssigned].GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_whole_proposal_is_sent_by_post_with_the_same_scope_and_limits()
    {
        var zhongshanFiled = await InsertAsync("520201", ProposalStatus.Filed);
        var shuichengSubmitted = await InsertAsync("520204", ProposalStatus.UnderReview);
        await RefreshAsync();
        // Longer than any URL takes: 6,000 characters of text.
        var text = WaterQuery + string.Concat(Enumerable.Repeat("农村饮水安全工程供水管网改造和水质检测。", 300));
        var member = await app.ClientAsAsync("member.520201");
        var res = await member.PostAsJsonAsync("/api/proposals/similar", new { text, top = 10 });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var ids = (await res.Content.ReadFromJsonAsync<List<JsonElement>>())!.Select(i => i.GetProperty("id").GetInt32()).ToList();
        Assert.Contains(zhongshanFiled, ids);
        Assert.DoesNotContain(shuichengSubmitted, ids);
        var tooLong = await member.PostAsJsonAsync("/api/proposals/similar", new { text = new string('水', 20_001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("文字过长", (await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/proposals/similar", new { text })).StatusCode);
    }

    [Fact]
    public async Task Anonymous_is_refused_and_bad_input_gets_a_chinese_400()
    {
        var anonymous = await app.CreateClient().GetAsync($"/api/proposals/similar?text={Uri.EscapeDataString(WaterQuery)}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var staff = await app.ClientAsAsync("staff.520201");
        foreach (var (query, expect) in new[]
                 {
                     ("", "请填写"), ("text=%20%20", "请填写"), ("text=abc&top=0", "top"), ("text=abc&top=51", "top"),
                     ("text=" + new string('水', 20_001), "文字过长"),
                 })
        {
            var res = await staff.GetAsync("/api/proposals/similar?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var detail = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
            Assert.Contains(expect, detail);
        }
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/proposals/similar?text=abc&top=50")).StatusCode);
    }

    [Fact]
    public async Task The_reply_excerpt_is_the_latest_reply_the_caller_may_read()
    {
        var title = "关于治理钟山区水月湖蓝藻污染的建议";
        var body = "<p>水月湖夏季蓝藻暴发，水体富营养化。建议截污纳管，清淤疏浚，种植水生植物。</p>";
        var id = await InsertAsync("520201", ProposalStatus.Replied, title, body, memberUser: "member.520201");
        var (unitId, unitUser) = await UnitAsync("520201");
        await AssignAsync(id, unitId);
        var publicText = "<p>感谢您的建议。" + new string('治', 200) + "</p>";
        await ReplyAsync(id, unitId, publicText, isPublic: true, minutesAgo: 60);
        await ReplyAsync(id, unitId, "<p>内部答复：拟于明年实施截污工程。</p>", isPublic: false, minutesAgo: 1);
        await RefreshAsync();
        const string q = "水月湖蓝藻暴发治理";

        string Excerpt(List<JsonElement> items) => items.Single(i => i.GetProperty("id").GetInt32() == id).GetProperty("replyExcerpt").GetString()!;
        // The proposer, the office and the unit read the latest (not public) reply.
        Assert.Equal("内部答复：拟于明年实施截污工程。", Excerpt(await SimilarAsync(await app.ClientAsAsync("member.520201"), q)));
        Assert.Equal("内部答复：拟于明年实施截污工程。", Excerpt(await SimilarAsync(await app.ClientAsAsync("staff.520201"), q)));
        Assert.Equal("内部答复：拟于明年实施截污工程。", Excerpt(await SimilarAsync(await app.ClientAsAsync(unitUser), q)));
        // Another member of the committee reads the public one, cut to 120 characters.
        await TestAccounts.EnsureAsync(app, "member.520201.other", Roles.Member, "520201",
            await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.IsActive).OrderByDescending(m => m.Id).Select(m => m.Id).FirstAsync()));
        var other = Excerpt(await SimilarAsync(await app.ClientAsAsync("member.520201.other"), q));
        Assert.StartsWith("感谢您的建议。治治", other);
        Assert.Equal(ProposalSearchApi.ExcerptLength + 1, other.Length);
        Assert.EndsWith("…", other);
    }

    [Fact]
    public async Task Refresh_picks_up_new_text_status_changes_and_drafts()
    {
        var index = app.Services.GetRequiredService<SimilarIndex>();
        var id = await InsertAsync("520200", ProposalStatus.Draft, "关于建设六盘水滑雪场配套设施的建议", "<p>完善玉舍雪山滑雪场的交通和住宿配套。</p>");
        await RefreshAsync();
        Assert.DoesNotContain(index.Query("玉舍雪山滑雪场配套", null, 20), h => h.Id == id);

        await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProposalStatus.Submitted).SetProperty(p => p.UpdatedAt, DateTimeOffset.UtcNow.AddSeconds(1))));
        await RefreshAsync();
        Assert.Equal(id, index.Query("玉舍雪山滑雪场配套", null, 1).Single().Id);

        var text = ProposalSearch.BuildSearchText("关于建设六盘水滑雪场配套设施的建议", "<p>完善玉舍雪山滑雪场的交通和住宿配套。</p>",
            ["<p>市文体广电旅游局：将新建梅花山索道停车场。</p>"]);
        await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.SearchText, text).SetProperty(p => p.UpdatedAt, DateTimeOffset.UtcNow.AddSeconds(2))));
        await RefreshAsync();
        Assert.Contains(index.Query("梅花山索道停车场", null, 5), h => h.Id == id);

        await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProposalStatus.Draft).SetProperty(p => p.UpdatedAt, DateTimeOffset.UtcNow.AddSeconds(3))));
        await RefreshAsync();
        Assert.DoesNotContain(index.Query("梅花山索道停车场", null, 20), h => h.Id == id);
        Assert.NotNull(index.Watermark);
    }
}

public sealed class SimilarApiSqliteTests(SqliteAppFactory app) : SimilarApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class SimilarApiPostgresTests(PostgresAppFactory app) : SimilarApiTests(app), IClassFixture<PostgresAppFactory>;
