using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Deliberations;
using static Xieshang.Tests.Features.Deliberations.DeliberationTestData;

namespace Xieshang.Tests.Features.Deliberations;

/// <summary>
/// The deliberation pages: voting one statement at a time through the forms (post-redirect-get), adding a statement,
/// the public link for an anonymous citizen, the sign-in prompt, moderation, the map page and the create page.
/// </summary>
public abstract partial class DeliberationPagesTests(AppFactory app)
{
    private static FormUrlEncodedContent Form(string token, params (string Key, string Value)[] fields) =>
        new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))) { ["__RequestVerificationToken"] = token });

    private static int ShownStatement(string html) => int.Parse(StatementRegex().Match(html).Groups[1].Value);

    [GeneratedRegex("data-statement=\"(\\d+)\"")]
    private static partial Regex StatementRegex();

    [Fact]
    public async Task A_member_votes_one_statement_at_a_time_and_adds_a_statement_that_goes_to_moderation()
    {
        var id = await OpenAsync(app);
        var client = await app.SignedInPageClientAsync("member.520200");
        var html = await client.GetHtmlAsync($"/deliberations/{id}");
        Assert.Contains("如何让城乡老人都能就近享受养老服务？", html);
        Assert.Contains("已表决 0 / 3", html);
        Assert.Contains(">同意<", html);
        Assert.Contains(">不同意<", html);
        Assert.Contains(">跳过<", html);
        var shown = ShownStatement(html);

        var res = await client.PostAsync($"/deliberations/{id}/vote", Form(PageClient.Token(html), ("statement", shown.ToString()), ("value", "1")));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal($"/deliberations/{id}", res.Target());
        html = await client.GetHtmlAsync($"/deliberations/{id}");
        Assert.Contains("已表决 1 / 3", html);
        Assert.NotEqual(shown, ShownStatement(html));
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.StatementId == shown).Select(v => (int)v.Value).SingleAsync()));

        res = await client.PostAsync($"/deliberations/{id}/statements", Form(PageClient.Token(html), ("text", "应把老年助餐纳入民生实事")));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        html = await client.GetHtmlAsync($"/deliberations/{id}");
        Assert.Contains("已提交，审核通过后将供大家表决。", html);
        Assert.Contains("已表决 1 / 3", html);
        // A statement that is too long: the rule's Chinese message, nothing added.
        res = await client.PostAsync($"/deliberations/{id}/statements", Form(PageClient.Token(html), ("text", new string('长', 141))));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Contains("意见最多 140 个字，当前 141 个字。", await client.GetHtmlAsync($"/deliberations/{id}"));
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationStatements.CountAsync(s => s.DeliberationId == id && s.Status == StatementStatus.Pending)));
    }

    [Fact]
    public async Task A_member_changes_an_earlier_vote_from_the_list_of_their_votes()
    {
        var id = await OpenAsync(app);
        var client = await app.SignedInPageClientAsync("member.520200");
        var html = await client.GetHtmlAsync($"/deliberations/{id}");
        Assert.DoesNotContain("dlb-my-votes", html); // nothing voted yet
        var shown = ShownStatement(html);
        await client.PostAsync($"/deliberations/{id}/vote", Form(PageClient.Token(html), ("statement", shown.ToString()), ("value", "1")));

        html = await client.GetHtmlAsync($"/deliberations/{id}");
        Assert.Contains("我已表决的意见（1），可以修改", html);
        Assert.Contains("aria-pressed=\"true\">同意<", html);
        var res = await client.PostAsync($"/deliberations/{id}/vote", Form(PageClient.Token(html), ("statement", shown.ToString()), ("value", "-1")));

        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal(-1, await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.StatementId == shown).Select(v => (int)v.Value).SingleAsync()));
        html = await client.GetHtmlAsync($"/deliberations/{id}");
        Assert.Contains("已表决 1 / 3", html); // a changed vote is still one vote
        Assert.Contains("aria-pressed=\"true\">不同意<", html);
    }

    [Fact]
    public async Task A_refused_statement_keeps_the_typed_text_and_the_same_statement_card()
    {
        var id = await OpenAsync(app, visibility: "public", anonymous: true);
        var token = await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == id).Select(d => d.InviteToken).FirstAsync());
        // The member page (no token) and the public link both keep what was typed.
        foreach (var (client, url, extra) in new[]
        {
            (await app.SignedInPageClientAsync("member.520200"), $"/deliberations/{id}", Array.Empty<(string, string)>()),
            (app.CreatePageClient(), $"/d/{token}", new[] { ("token", token) }),
        })
        {
            var html = await client.GetHtmlAsync(url);
            Assert.Contains("maxlength=\"280\"", html);
            Assert.Contains("0 / 140 字", html);
            Assert.Contains("js/deliberation-counter", html);
            var shown = ShownStatement(html);
            var tooLong = string.Concat(Enumerable.Repeat("杨𬱖", 70)) + "长"; // 141 characters, 211 UTF-16 units
            foreach (var text in new[] { tooLong, tooLong, "   " })
            {
                var res = await client.PostAsync($"/deliberations/{id}/statements",
                    Form(PageClient.Token(html), [("text", text), ("current", shown.ToString()), .. extra]));
                Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
                Assert.Equal(url + "#add", res.Target());
                html = await client.GetHtmlAsync(url);
                Assert.Equal(shown, ShownStatement(html));
                if (text == tooLong)
                {
                    Assert.Contains("意见最多 140 个字，当前 141 个字。", html);
                    Assert.Contains(">" + tooLong + "</textarea>", html);
                    Assert.Contains("141 / 140 字", html);
                }
                else
                {
                    Assert.Contains("请填写意见内容。", html);
                    Assert.DoesNotContain(tooLong, html);
                }
            }
            // The kept text is shown once: the next visit starts empty.
            Assert.DoesNotContain(tooLong, await client.GetHtmlAsync(url));
        }
        Assert.Equal(0, await app.WithDbAsync(db => db.DeliberationStatements.CountAsync(s => s.DeliberationId == id && s.Status == StatementStatus.Pending)));
        Assert.Equal(0, await app.WithDbAsync(db => db.DeliberationVotes.CountAsync(v => v.DeliberationId == id)));
    }

    [Fact]
    public async Task The_committees_members_and_leaders_open_a_public_link_deliberation_without_the_token_and_leaders_read_an_invited_one()
    {
        var id = await OpenAsync(app, visibility: "public", anonymous: false);
        foreach (var account in new[] { "member.520200", "leader.520200" })
        {
            var html = await (await app.SignedInPageClientAsync(account)).GetHtmlAsync($"/deliberations/{id}");
            Assert.Contains(">同意<", html);
            Assert.Contains("id=\"dlb-new\"", html);
            Assert.Contains("已表决 0 / 3", html);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("member.520201")).GetAsync($"/deliberations/{id}")).StatusCode);

        var invited = await OpenAsync(app, visibility: "invited");
        var leaderPage = await (await app.SignedInPageClientAsync("leader.520200")).GetHtmlAsync($"/deliberations/{invited}");
        Assert.Contains("不在参与范围内，不能表决或提出意见", leaderPage);
        Assert.DoesNotContain(">同意<", leaderPage);
        Assert.DoesNotContain("id=\"dlb-new\"", leaderPage);
        Assert.Contains($"/deliberations/{invited}/map", leaderPage);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("member.520200")).GetAsync($"/deliberations/{invited}")).StatusCode);
    }

    [Fact]
    public async Task The_new_page_without_a_consultation_says_where_deliberations_are_opened_and_seeds_are_said_to_be_accepted_at_once()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync("/deliberations/new");
        Assert.Contains("请从协商详情页开设网络议政", html);
        // An unreadable consultation id is no consultation, not a server error; an unknown one is the same page, as 404.
        Assert.Contains("请从协商详情页开设网络议政", await staff.GetHtmlAsync("/deliberations/new?consultation=abc"));
        var unknown = await staff.GetAsync("/deliberations/new?consultation=999999");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("请从协商详情页开设网络议政", await unknown.HtmlAsync());
        Assert.Contains("href=\"/consultations\"", html);
        Assert.DoesNotContain("无权访问", html);
        var form = await staff.GetHtmlAsync($"/deliberations/new?consultation={await ConsultationAsync(app, "520200")}");
        Assert.Contains("种子意见提交后直接采纳", form);
        Assert.DoesNotContain("提交后经审核显示", form);
        // A consultation outside the account's scope is still refused.
        var district = await app.SignedInPageClientAsync("staff.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await district.GetAsync($"/deliberations/new?consultation={await ConsultationAsync(app, "520200")}")).StatusCode);
    }

    [Fact]
    public async Task A_citizen_takes_part_through_the_public_link_without_an_account()
    {
        var id = await OpenAsync(app, visibility: "public", anonymous: true);
        var token = await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == id).Select(d => d.InviteToken).FirstAsync());
        var citizen = app.CreatePageClient();
        var html = await citizen.GetHtmlAsync($"/d/{token}");
        Assert.Contains("已表决 0 / 3", html);
        Assert.Contains("您以匿名方式参与", html);
        var res = await citizen.PostAsync($"/deliberations/{id}/vote", Form(PageClient.Token(html), ("statement", ShownStatement(html).ToString()), ("value", "-1"), ("token", token)));
        Assert.Equal($"/d/{token}", res.Target());
        Assert.Contains("已表决 1 / 3", await citizen.GetHtmlAsync($"/d/{token}"));
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationParticipants.CountAsync(p => p.DeliberationId == id && p.AnonymousKey != null)));
        // Without the link's token the same deliberation asks nothing of anyone: the member page refuses anonymous visitors.
        var members = await OpenAsync(app);
        Assert.Contains("请先登录后参与本次网络议政。", await app.CreatePageClient().GetHtmlAsync($"/deliberations/{members}"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreatePageClient().GetAsync("/d/no-such-token")).StatusCode);
    }

    [Fact]
    public async Task Staff_moderate_on_the_moderation_page_and_rejected_statements_stay_listed()
    {
        var id = await OpenAsync(app);
        var member = await app.SignedInPageClientAsync("member.520200");
        var page = await member.GetHtmlAsync($"/deliberations/{id}");
        await member.PostAsync($"/deliberations/{id}/statements", Form(PageClient.Token(page), ("text", "这条意见将被不采纳")));
        var sid = await app.WithDbAsync(db => db.DeliberationStatements.Where(s => s.DeliberationId == id && s.Status == StatementStatus.Pending).Select(s => s.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/deliberations/{id}/moderation")).StatusCode);

        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync($"/deliberations/{id}/moderation");
        Assert.Contains("这条意见将被不采纳", html);
        Assert.Contains("待审核 (1)", html);
        var token = PageClient.Token(html);
        var res = await staff.PostAsync($"/deliberations/{id}/manage", Form(token, ("action", "reject"), ("statement", sid.ToString()), ("reason", "")));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Contains("不采纳意见时请填写理由。", await staff.GetHtmlAsync($"/deliberations/{id}/moderation"));
        await staff.PostAsync($"/deliberations/{id}/manage", Form(token, ("action", "reject"), ("statement", sid.ToString()), ("reason", "含有不实信息")));
        html = await staff.GetHtmlAsync($"/deliberations/{id}/moderation");
        Assert.Contains("待审核 (0)", html);
        Assert.Contains("未采纳的意见 (1)", html);
        Assert.Contains("理由：含有不实信息（staff.520200）", html);
        // Seeds from the page are accepted at once; another committee's staff may not post here.
        await staff.PostAsync($"/deliberations/{id}/manage", Form(token, ("action", "seed"), ("seeds", "第四条种子意见\n\n第五条种子意见")));
        Assert.Equal(5, await app.WithDbAsync(db => db.DeliberationStatements.CountAsync(s => s.DeliberationId == id && s.Status == StatementStatus.Accepted)));
        var other = await app.SignedInPageClientAsync("staff.520201");
        var otherToken = PageClient.Token(await other.GetHtmlAsync("/deliberations/new?consultation=" + await ConsultationAsync(app, "520201")));
        var refused = await other.PostAsync($"/deliberations/{id}/manage", Form(otherToken, ("action", "close")));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/denied", refused.Target());
        Assert.Equal(DeliberationStatus.Open, await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == id).Select(d => d.Status).FirstAsync()));
    }

    [Fact]
    public async Task Staff_create_a_deliberation_from_the_page_and_the_map_page_shows_groups_and_the_members_group()
    {
        var consultation = await ConsultationAsync(app, "520200");
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync($"/deliberations/new?consultation={consultation}");
        var res = await staff.PostAsync("/deliberations/new", Form(PageClient.Token(html), ("consultation", consultation.ToString()), ("question", "小区加装电梯费用如何分摊？"),
            ("visibility", "members"), ("seeds", "低层住户应少出或不出\n政府补贴应覆盖一半以上\n应由全体业主按面积分摊\n加装电梯应优先老旧小区")));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        var id = await app.WithDbAsync(db => db.Deliberations.Where(d => d.ConsultationId == consultation).Select(d => d.Id).SingleAsync());
        Assert.Equal($"/deliberations/{id}/moderation", res.Target());
        html = await staff.GetHtmlAsync($"/deliberations/{id}/moderation");
        Assert.Contains("已采纳的意见 (4)", html);
        Assert.Contains("种子意见已采纳，可以开放", html); // not "add seeds first": they are there
        Assert.DoesNotContain("添加种子意见后即可开放", html);
        await staff.PostAsync($"/deliberations/{id}/manage", Form(PageClient.Token(html), ("action", "open")));
        Assert.Equal(DeliberationStatus.Open, await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == id).Select(d => d.Status).FirstAsync()));

        // Two camps of synthetic participants and the member with camp A.
        var statements = await AcceptedAsync(app, id);
        await app.WithDbAsync(async db =>
        {
            var at = DateTimeOffset.UtcNow.AddSeconds(-10);
            for (var i = 0; i < 40; i++)
            {
                var p = new DeliberationParticipant { DeliberationId = id, AnonymousKey = $"page-{i}", CreatedAt = at };
                db.DeliberationParticipants.Add(p);
                await db.SaveChangesAsync();
                for (var s = 0; s < 4; s++)
                    db.DeliberationVotes.Add(new DeliberationVote { DeliberationId = id, ParticipantId = p.Id, StatementId = statements[s], UpdatedAt = at,
                        Value = (short)(s == 3 ? 1 : (i % 2 == 0) == (s < 2) ? 1 : -1) });
            }
            await db.SaveChangesAsync();
            return 0;
        });
        var member = await app.SignedInPageClientAsync("member.520200");
        foreach (var s in statements)
        {
            var page = await member.GetHtmlAsync($"/deliberations/{id}");
            var shown = ShownStatement(page);
            var value = shown == statements[3] || shown == statements[0] || shown == statements[1] ? "1" : "-1";
            await member.PostAsync($"/deliberations/{id}/vote", Form(PageClient.Token(page), ("statement", shown.ToString()), ("value", value)));
        }
        Assert.Contains("您已对全部意见表决", await member.GetHtmlAsync($"/deliberations/{id}"));
        for (var i = 0; i < 100 && !await app.WithDbAsync(db => DeliberationMaps.RecomputeAsync(db, id, TimeProvider.System, default)); i++) await Task.Delay(100);

        html = await member.GetHtmlAsync($"/deliberations/{id}/map");
        Assert.Matches("您在第[12]组", html);
        Assert.Contains("第1组", html);
        Assert.Contains("第2组", html);
        Assert.Contains("各组人数", html);
        Assert.Contains("加装电梯应优先老旧小区", html);
        Assert.Contains("data-map=", html);
        Assert.Contains("js/deliberation-map", html);
        Assert.Contains("您在第", await member.GetHtmlAsync($"/deliberations/{id}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("member.520201")).GetAsync($"/deliberations/{id}/map")).StatusCode);
    }
}

public sealed class DeliberationPagesSqliteTests(SqliteAppFactory app) : DeliberationPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class DeliberationPagesPostgresTests(PostgresAppFactory app) : DeliberationPagesTests(app), IClassFixture<PostgresAppFactory>;
