using System.Net;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>The no-login public view (/public/proposals): filed proposals and public replies only; search; nothing private.</summary>
public abstract class PublicProposalsTests(AppFactory app)
{
    [Fact]
    public async Task Without_login_only_filed_proposals_appear_and_unfiled_ones_answer_404()
    {
        var d = await StatsData.SeedAsync(app, 2031);
        var anonymous = app.CreatePageClient();
        var list = await anonymous.GetHtmlAsync("/public/proposals?q=" + Uri.EscapeDataString("2031"));
        var all = await anonymous.GetHtmlAsync("/public/proposals");
        Assert.Contains("提案公开查询", all);
        foreach (var key in new[] { "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P14" })
        {
            Assert.DoesNotContain(StatsData.TitleOf(key, 2031), all);
            Assert.DoesNotContain(StatsData.TitleOf(key, 2031), list);
            var res = await anonymous.GetAsync($"/public/proposals/{d.Ids[key]}");
            Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
        }
        foreach (var key in new[] { "P8", "P9", "P10", "P11", "P12", "P13" })
            Assert.Contains($"href=\"/public/proposals/{d.Ids[key]}\"", await anonymous.GetStringAsync("/public/proposals?page=1") + await PagesAsync(anonymous));
        // The login page links here.
        Assert.Contains("href=\"/public/proposals\"", await anonymous.GetHtmlAsync("/account/login"));
    }

    /// <summary>Every page of the public list (the demo may hold more than one page).</summary>
    private static async Task<string> PagesAsync(HttpClient client)
    {
        var all = "";
        for (var page = 2; page <= 20; page++) all += await client.GetStringAsync($"/public/proposals?page={page}");
        return all;
    }

    [Fact]
    public async Task A_public_proposal_shows_its_body_and_public_replies_and_nothing_private()
    {
        var d = await StatsData.SeedAsync(app, 2032);
        var anonymous = app.CreatePageClient();
        var p9 = await anonymous.GetHtmlAsync($"/public/proposals/{d.Ids["P9"]}");
        Assert.Contains(StatsData.TitleOf("P9", 2032), p9);
        Assert.Contains("P9建议：一是加强统筹；二是加大投入。", p9);
        Assert.Contains("我局已将综合管廊建设纳入年度计划", p9);
        Assert.Contains(d.U1.Name, p9);
        Assert.DoesNotContain(StatsData.InternalComment, p9);
        Assert.DoesNotContain("已签署", p9);
        Assert.DoesNotContain("满意", p9); // ratings are not published
        var (proposerPhone, cosigner) = await app.WithDbAsync(async db =>
        {
            var p = await db.Proposals.AsNoTracking().FirstAsync(x => x.Id == d.Ids["P9"]);
            var phone = await db.Members.Where(m => m.Id == p.ProposerMemberId).Select(m => m.Phone).FirstAsync();
            var co = await db.ProposalCoSigners.Where(c => c.ProposalId == p.Id).Select(c => c.Member!.Name).FirstAsync();
            return (phone, co);
        });
        if (proposerPhone.Length > 0) Assert.DoesNotContain(proposerPhone, p9);
        Assert.DoesNotContain(cosigner, p9);

        // P10: U1's public reply shows, U2's non-public one does not.
        var p10 = await anonymous.GetHtmlAsync($"/public/proposals/{d.Ids["P10"]}");
        Assert.Contains("光伏产业扶持政策正在研究制定", p10);
        Assert.DoesNotContain("无人机", p10);
        Assert.DoesNotContain(d.U2.Name, p10);
        // Re-handling is not published as such.
        Assert.DoesNotContain("重新办理", await anonymous.GetHtmlAsync($"/public/proposals/{d.Ids["P12"]}"));
    }

    [Fact]
    public async Task Search_finds_titles_bodies_and_public_replies_but_never_words_only_in_a_non_public_reply()
    {
        var d = await StatsData.SeedAsync(app, 2033);
        var anonymous = app.CreatePageClient();
        async Task<string> Search(string q) => await anonymous.GetHtmlAsync("/public/proposals?q=" + Uri.EscapeDataString(q));
        string Link(string key) => $"href=\"/public/proposals/{d.Ids[key]}\"";

        var pipes = await Search("综合管廊");
        Assert.Contains(Link("P9"), pipes);
        Assert.DoesNotContain(Link("P10"), pipes);
        Assert.Contains(Link("P10"), await Search("光伏"));          // title and a public reply
        Assert.Contains(Link("P9"), await Search("示范段"));        // only in P9's public reply
        var secret = await Search("无人机巡检");                    // only in P10's non-public reply
        Assert.DoesNotContain(Link("P10"), secret);
        // The non-public word is in the stored search text: the check is what keeps it out.
        Assert.Contains("无人机", await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == d.Ids["P10"]).Select(p => p.SearchText).FirstAsync()));
        Assert.DoesNotContain(Link("P5"), await Search("P5"));
        Assert.Contains("没有找到", await Search("完全不存在的词语组合甲乙丙丁"));
    }

    [Fact]
    public async Task Without_login_a_public_replys_file_downloads_but_a_file_of_an_internal_step_does_not()
    {
        var d = await StatsData.SeedAsync(app, 2034);
        var (replyFile, stepFile) = await app.WithDbAsync(async db =>
        {
            var p9 = d.Ids["P9"];
            var reply = await db.Replies.Where(r => r.ProposalId == p9 && r.IsPublic).Select(r => r.Id).FirstAsync();
            var step = await db.ProposalEvents.Where(e => e.ProposalId == p9 && e.Action == "review").Select(e => e.Id).FirstAsync();
            var onReply = new Xieshang.Web.Features.Proposals.ProposalFile { ProposalId = p9, ReplyId = reply, FileName = "答复函.pdf", ContentType = "application/pdf", Content = [1, 2, 3], Size = 3 };
            var onStep = new Xieshang.Web.Features.Proposals.ProposalFile { ProposalId = p9, EventId = step, FileName = "内部审查意见.pdf", ContentType = "application/pdf", Content = [4, 5, 6], Size = 3 };
            db.ProposalFiles.AddRange(onReply, onStep);
            await db.SaveChangesAsync();
            return (onReply.Id, onStep.Id);
        });
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/proposals/{d.Ids["P9"]}/files/{replyFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/proposals/{d.Ids["P9"]}/files/{stepFile}")).StatusCode);
        // The office still gets it.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("staff.520200")).GetAsync($"/api/proposals/{d.Ids["P9"]}/files/{stepFile}")).StatusCode);
    }

    [Fact]
    public async Task Public_replies_list_their_files_and_say_which_round_they_are()
    {
        var d = await StatsData.SeedAsync(app, 2035);
        var p12 = d.Ids["P12"];
        // P12 is handled again by U1 after a dissatisfied rating; here its first reply is public, U1 replies a second
        // time, publicly, and each reply carries a file.
        var (first, second) = await app.WithDbAsync(async db =>
        {
            var r1 = await db.Replies.Where(r => r.ProposalId == p12).OrderBy(r => r.Id).FirstAsync();
            r1.IsPublic = true;
            (await db.Proposals.FirstAsync(p => p.Id == p12)).Status = Xieshang.Web.Features.Proposals.ProposalStatus.Replied;
            var r2 = new Xieshang.Web.Features.Proposals.Reply
            {
                ProposalId = p12, AssignmentId = r1.AssignmentId, HandlingUnitId = r1.HandlingUnitId, Class = r1.Class, IsPublic = true, Round = 2,
                Text = "经重新办理，P12第二次答复：已落实专项资金。", RepliedAt = r1.RepliedAt.AddDays(40), OnTime = true,
            };
            db.Replies.Add(r2);
            await db.SaveChangesAsync();
            var f1 = new Xieshang.Web.Features.Proposals.ProposalFile { ProposalId = p12, ReplyId = r1.Id, FileName = "第一次答复函.pdf", ContentType = "application/pdf", Content = [1, 2, 3], Size = 3 };
            var f2 = new Xieshang.Web.Features.Proposals.ProposalFile { ProposalId = p12, ReplyId = r2.Id, FileName = "重新办理答复函.pdf", ContentType = "application/pdf", Content = [4, 5, 6, 7], Size = 4 };
            db.ProposalFiles.AddRange(f1, f2);
            await db.SaveChangesAsync();
            return (f1.Id, f2.Id);
        });

        var anonymous = app.CreatePageClient();
        var page = await anonymous.GetHtmlAsync($"/public/proposals/{p12}");
        Assert.Contains("第一次答复", page);
        Assert.Contains("重新办理后的答复", page);
        Assert.Contains("以重新办理后的答复为准", page);
        Assert.True(page.IndexOf("第一次答复函.pdf", StringComparison.Ordinal) < page.IndexOf("重新办理答复函.pdf", StringComparison.Ordinal));
        foreach (var (file, bytes) in new[] { (first, 3), (second, 4) })
        {
            Assert.Contains($"href=\"/api/proposals/{p12}/files/{file}\"", page);
            var res = await app.CreateClient().GetAsync($"/api/proposals/{p12}/files/{file}");
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal(bytes, (await res.Content.ReadAsByteArrayAsync()).Length);
        }

        // One round only: no round label, no note.
        var p9 = await anonymous.GetHtmlAsync($"/public/proposals/{d.Ids["P9"]}");
        Assert.DoesNotContain("第一次答复", p9);
        Assert.DoesNotContain("public-reply-superseded", p9);
    }

    [Fact]
    public async Task The_public_pages_offer_sign_in_and_a_page_past_the_end_says_so()
    {
        await StatsData.SeedAsync(app, 2036);
        var anonymous = app.CreatePageClient();
        var list = await anonymous.GetHtmlAsync("/public/proposals");
        Assert.Contains("href=\"/account/login\"", list);
        var first = System.Text.RegularExpressions.Regex.Match(list, "href=\"/public/proposals/(\\d+)\"").Groups[1].Value;
        Assert.Contains("href=\"/account/login\"", await anonymous.GetHtmlAsync($"/public/proposals/{first}"));

        var beyond = await anonymous.GetHtmlAsync("/public/proposals?page=9999");
        Assert.Matches(@"没有第 9999 页，共 [1-9]\d* 页", beyond);
        Assert.Contains("href=\"/public/proposals?q=&page=1\"", beyond);
        Assert.DoesNotContain("暂无公开的提案", beyond);
        // Past the end of a search's hits too; a search without hits still says nothing was found.
        Assert.Matches(@"没有第 50 页，共 [1-9]\d* 页", await anonymous.GetHtmlAsync("/public/proposals?q=2036&page=50"));
        Assert.Contains("没有找到", await anonymous.GetHtmlAsync("/public/proposals?q=" + Uri.EscapeDataString("完全不存在的词语组合甲乙丙丁") + "&page=3"));

        // Signed in, the page offers no 登录 link.
        var member = await app.SignedInPageClientAsync("member.520200");
        Assert.DoesNotContain("public-sign-in", await member.GetHtmlAsync("/public/proposals"));
    }
}

public sealed class PublicProposalsSqliteTests(SqliteAppFactory app) : PublicProposalsTests(app), IClassFixture<SqliteAppFactory>;
public sealed class PublicProposalsPostgresTests(PostgresAppFactory app) : PublicProposalsTests(app), IClassFixture<PostgresAppFactory>;
