using System.Net;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Opinions;

/// <summary>The opinion pages through the real forms: a member writes and submits (markup shown as text), the office accepts and records an adoption, composes and issues a bulletin; scope and roles refused.</summary>
public abstract class OpinionPagesTests(AppFactory app)
{
    private static FormUrlEncodedContent Form(string html, string handler, params (string Key, string Value)[] fields) =>
        new([KeyValuePair.Create("__RequestVerificationToken", PageClient.Token(html)), KeyValuePair.Create("_handler", handler),
            .. fields.Select(f => KeyValuePair.Create(f.Key, f.Value))]);

    private static int IdFrom(string target, string prefix) => int.Parse(target[prefix.Length..].Split('?', '/', '#')[0]);

    [Fact]
    public async Task Member_writes_and_submits_the_office_accepts_records_an_adoption_and_issues_a_bulletin()
    {
        var member = await app.SignedInPageClientAsync("member.520201");
        var list = await member.GetHtmlAsync("/opinions");
        Assert.Contains("我的社情民意信息", list);
        Assert.Contains("href=\"/opinions\"", list); // the header link

        var form = await member.GetHtmlAsync("/opinions/new");
        Assert.Contains("data-count-max=\"1500\"", form);
        Assert.Contains("已输入 0 / 1500 字", form);
        Assert.Contains("opinion-counter", form);

        // Too long: the page says so and saves nothing.
        var before = await app.WithDbAsync(db => db.OpinionItems.CountAsync());
        var tooLong = await member.PostAsync("/opinions/new", Form(form, "edit", ("title", "超长"), ("body", new string('字', 1501)), ("then", "save")));
        Assert.Equal(HttpStatusCode.OK, tooLong.StatusCode);
        Assert.Contains("正文不能超过 1,500 个字", await tooLong.HtmlAsync());
        Assert.Equal(before, await app.WithDbAsync(db => db.OpinionItems.CountAsync()));

        const string body = "<script>alert('x')</script>\r\n第二段：建议增设停车位。";
        var saved = await member.PostAsync("/opinions/new", Form(form, "edit", ("title", "关于学校周边停车难的建议"), ("body", body), ("then", "submit")));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.EndsWith("?done=submit", saved.Target());
        var id = IdFrom(saved.Target(), "/opinions/");
        Assert.Equal(OpinionStatus.Submitted, await app.WithDbAsync(db => db.OpinionItems.Where(x => x.Id == id).Select(x => x.Status).FirstAsync()));

        // Markup is shown as text, never run.
        var raw = await (await member.GetAsync($"/opinions/{id}")).Content.ReadAsStringAsync();
        Assert.Contains("&lt;script&gt;", raw);
        Assert.DoesNotContain("<script>alert", raw);

        // The office sees the actions its role has, and accepts.
        var office = await app.SignedInPageClientAsync("staff.520201");
        var detail = await office.GetHtmlAsync($"/opinions/{id}");
        Assert.Contains("value=\"accept\"", detail);
        Assert.DoesNotContain("value=\"withdraw\"", detail);
        var accepted = await office.PostAsync($"/opinions/{id}", Form(detail, "act", ("action", "accept"), ("reason", "")));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var rejectNoReason = await office.PostAsync($"/opinions/{id}", Form(detail, "act", ("action", "reject"), ("reason", "")));
        // The form is no longer offered (accepted is final): the post goes back to the page, which shows the state.
        Assert.Equal(HttpStatusCode.Redirect, rejectNoReason.StatusCode);
        Assert.Equal($"/opinions/{id}", rejectNoReason.Target());
        Assert.Equal(OpinionStatus.Accepted, await app.WithDbAsync(db => db.OpinionItems.Where(x => x.Id == id).Select(x => x.Status).FirstAsync()));

        detail = await office.GetHtmlAsync($"/opinions/{id}");
        Assert.Contains("记录采用", detail);
        var adopted = await office.PostAsync($"/opinions/{id}", Form(detail, "adoption", ("committee", "520200"), ("on", DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd")), ("note", "")));
        Assert.Equal(HttpStatusCode.Redirect, adopted.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.DutyRecords.AnyAsync(r => r.Source == "opinion" && r.SourceId == id && r.RuleCode == "opinion.adopted.upper")));
        Assert.Contains("六盘水市政协采用", await office.GetHtmlAsync($"/opinions/{id}"));

        // A bulletin: compose, add the item, issue; the .docx link is there.
        var bulletins = await office.GetHtmlAsync("/opinions/bulletins");
        var created = await office.PostAsync("/opinions/bulletins", Form(bulletins, "new-bulletin", ("committee", "520201"), ("title", ""), ("recipients", "区委办公室\n区政府办公室"), ("toParent", "true")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var bid = IdFrom(created.Target(), "/opinions/bulletins/");
        var compose = await office.GetHtmlAsync($"/opinions/bulletins/{bid}");
        Assert.Contains("关于学校周边停车难的建议", compose);
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostAsync($"/opinions/bulletins/{bid}", Form(compose, "bulletin", ("add", id.ToString()), ("op", "add")))).StatusCode);
        compose = await office.GetHtmlAsync($"/opinions/bulletins/{bid}");
        var issued = await office.PostAsync($"/opinions/bulletins/{bid}", Form(compose, "bulletin", ("op", "issue"), ("title", ""), ("recipients", "区委办公室"), ("toParent", "true")));
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        var number = await app.WithDbAsync(db => db.OpinionBulletins.Where(b => b.Id == bid).Select(b => b.Number).FirstAsync());
        Assert.Matches(@"^\d{4}年第\d+期$", number);
        var page = await office.GetHtmlAsync($"/opinions/bulletins/{bid}");
        Assert.Contains(number, page);
        Assert.Contains($"/api/opinions/bulletins/{bid}/docx", page);
        Assert.Contains(number, await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync("/opinions/bulletins?received=true"));
        Assert.Contains(number, await member.GetHtmlAsync($"/opinions/{id}"));

        // Another district is refused, on the page and on a forged post.
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/opinions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/opinions/bulletins/{bid}")).StatusCode);
        var otherToken = await other.GetHtmlAsync("/opinions");
        var forged = await other.PostAsync($"/opinions/{id}", Form(otherToken, "adoption", ("committee", "520204"), ("on", "2026-01-01")));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.OpinionOutcomes.CountAsync(o => o.OpinionItemId == id)));
    }

    /// <summary>An item of member.520201 in 钟山区 put straight into <paramref name="status"/>.</summary>
    private Task<int> SeedItemAsync(OpinionStatus status, string title) => app.WithDbAsync(async db =>
    {
        var memberId = await db.Users.Where(u => u.UserName == "member.520201").Select(u => u.MemberId!.Value).FirstAsync();
        var c = await db.Committees.FirstAsync(x => x.Code == "520201");
        var name = await db.Members.Where(m => m.Id == memberId).Select(m => m.Name).FirstAsync();
        var item = new OpinionItem
        {
            CommitteeId = c.Id, CommitteePath = c.Path, Status = status, AuthorMemberId = memberId, AuthorName = name, Title = title,
            Body = "正文。", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, SubmittedAt = DateTimeOffset.UtcNow,
        };
        db.OpinionItems.Add(item);
        await db.SaveChangesAsync();
        return item.Id;
    });

    private Task<(string Title, string Recipients, bool ToParent, BulletinStatus Status, int Items, int Version)> BulletinStateAsync(int id) => app.WithDbAsync(async db =>
    {
        var x = await db.OpinionBulletins.Where(x => x.Id == id).Select(x => new { x.Title, x.Recipients, x.SendToParent, x.Status, Items = x.Items.Count, x.Version }).FirstAsync();
        return (x.Title, x.Recipients, x.SendToParent, x.Status, x.Items, x.Version);
    });

    [Fact]
    public async Task A_refused_issue_changes_nothing_and_adding_an_item_not_accepted_says_why()
    {
        var office = await app.SignedInPageClientAsync("staff.520201");
        var bulletins = await office.GetHtmlAsync("/opinions/bulletins");
        var created = await office.PostAsync("/opinions/bulletins", Form(bulletins, "new-bulletin", ("committee", "520201"), ("title", "原标题"), ("recipients", "区委办公室"), ("toParent", "")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var bid = IdFrom(created.Target(), "/opinions/bulletins/");
        var before = await BulletinStateAsync(bid);

        // 印发 with no items: refused with the rule's message, and the posted title and recipients are NOT saved.
        var compose = await office.GetHtmlAsync($"/opinions/bulletins/{bid}");
        var empty = await office.PostAsync($"/opinions/bulletins/{bid}", Form(compose, "bulletin", ("op", "issue"), ("title", "新标题"), ("recipients", "区政府办公室\n区人大办公室"), ("toParent", "true")));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("本期还没有编入信息，不能印发。", await empty.HtmlAsync());
        Assert.Equal(before, await BulletinStateAsync(bid));

        // 编入 of an item that is not accepted (still submitted; or accepted when the page was drawn, then moved on):
        // a clear message, nothing added.
        var submitted = await SeedItemAsync(OpinionStatus.Submitted, "尚未录用的信息");
        var notAccepted = await office.PostAsync($"/opinions/bulletins/{bid}", Form(compose, "bulletin", ("add", submitted.ToString()), ("op", "add")));
        Assert.Equal(HttpStatusCode.OK, notAccepted.StatusCode);
        var html = await notAccepted.HtmlAsync();
        Assert.Contains("信息“尚未录用的信息”状态为", html);
        Assert.Contains("只有录用的信息才能编入《社情民意》", html);
        Assert.Equal(before, await BulletinStateAsync(bid));
        // Nothing ticked: it says so too.
        var none = await office.PostAsync($"/opinions/bulletins/{bid}", Form(compose, "bulletin", ("op", "add")));
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Contains("请选择要编入的信息。", await none.HtmlAsync());

        // With an accepted item the issue goes through with the posted fields.
        var accepted = await SeedItemAsync(OpinionStatus.Accepted, "已录用的信息");
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostAsync($"/opinions/bulletins/{bid}", Form(compose, "bulletin", ("add", accepted.ToString()), ("op", "add")))).StatusCode);
        compose = await office.GetHtmlAsync($"/opinions/bulletins/{bid}");
        var issued = await office.PostAsync($"/opinions/bulletins/{bid}", Form(compose, "bulletin", ("op", "issue"), ("title", "新标题"), ("recipients", "区政府办公室"), ("toParent", "true")));
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        var after = await BulletinStateAsync(bid);
        Assert.Equal(("新标题", "区政府办公室", true, BulletinStatus.Issued, 1), (after.Title, after.Recipients, after.ToParent, after.Status, after.Items));
    }

    [Fact]
    public async Task Pages_refuse_units_and_strangers_and_members_cannot_open_bulletins_or_others_items()
    {
        await TestAccounts.EnsureAsync(app, "unit.opinions.pages", Roles.HandlingUnit, "520200");
        var unit = await app.SignedInPageClientAsync("unit.opinions.pages");
        var home = await unit.GetHtmlAsync("/");
        Assert.DoesNotContain("href=\"/opinions\"", home);
        foreach (var url in new[] { "/opinions", "/opinions/new", "/opinions/bulletins" })
            Assert.Equal(HttpStatusCode.Forbidden, (await unit.GetAsync(url)).StatusCode);

        var member = await app.SignedInPageClientAsync("member.520203");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/opinions/bulletins")).StatusCode);
        var someone = await app.WithDbAsync(db => db.OpinionItems.Where(x => x.CommitteePath.Contains("/520201/")).Select(x => (int?)x.Id).FirstOrDefaultAsync());
        if (someone is null)
        {
            var writer = await app.SignedInPageClientAsync("member.520201");
            var form = await writer.GetHtmlAsync("/opinions/new");
            var res = await writer.PostAsync("/opinions/new", Form(form, "edit", ("title", "草稿"), ("body", "正文"), ("then", "save")));
            someone = IdFrom(res.Target(), "/opinions/");
        }
        var peek = await member.GetAsync($"/opinions/{someone}");
        Assert.True(peek.StatusCode == HttpStatusCode.Forbidden, $"{someone}: {(int)peek.StatusCode} {await peek.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/opinions/{someone}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/opinions/999999")).StatusCode);
        var anonymous = await app.CreatePageClient().GetAsync("/opinions");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.Target());
    }
}

public sealed class OpinionPagesSqliteTests(SqliteAppFactory app) : OpinionPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class OpinionPagesPostgresTests(PostgresAppFactory app) : OpinionPagesTests(app), IClassFixture<PostgresAppFactory>;
