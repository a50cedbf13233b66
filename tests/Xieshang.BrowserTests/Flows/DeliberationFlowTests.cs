using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Deliberations;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// Online deliberation (issue 5 §2, §4) in a real Chromium: staff open a deliberation with seed statements and a public
/// link; two members and an anonymous citizen on phones vote one statement at a time and add statements; staff
/// moderate (accept one, reject one with a reason); with more participants in two camps the map shows the groups, the
/// member's own group and the consensus. Screenshots deliberation-*.png at each step.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DeliberationFlowTests(BrowserFixture browser)
{
    private const string SecondMember = "member.520200.dlb";

    private static readonly string[] Seeds =
    [
        "应在每个街道建设社区老年食堂", "养老服务补贴应向农村倾斜", "应鼓励社会资本举办养老机构", "不应再新建大型公办养老院",
        "应建立全市统一的养老服务信息平台",
    ];

    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
    }

    private static IServiceProvider Services(AppDbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.ApplicationServiceProvider!;

    /// <summary>A consultation of 六盘水 to attach the deliberation to, and a second member account of the city.</summary>
    private Task<int> SetUpAsync() => browser.WithDbAsync(async db =>
    {
        var c = await db.Committees.FirstAsync(x => x.Code == "520200");
        var now = DateTimeOffset.UtcNow;
        var consultation = new Consultation { CommitteeId = c.Id, CommitteePath = c.Path, Title = "城乡养老服务体系建设网络议政", Type = ConsultationType.Online, CreatedBy = "staff.520200", CreatedAt = now, UpdatedAt = now };
        db.Consultations.Add(consultation);
        await db.SaveChangesAsync();
        var users = Services(db).GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByNameAsync(SecondMember) is null)
        {
            var first = await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId!.Value).FirstAsync();
            var other = await db.Members.Where(m => m.CommitteeId == c.Id && m.IsActive && m.Id != first).OrderBy(m => m.Id).Skip(5).FirstAsync();
            var user = new AppUser { UserName = SecondMember, DisplayName = other.Name, CommitteeId = c.Id, MemberId = other.Id };
            Assert.True((await users.CreateAsync(user, AppFactory.DemoPassword)).Succeeded);
            await users.AddToRoleAsync(user, Roles.Member);
        }
        return consultation.Id;
    });

    /// <summary>Votes on the statement shown with the button named <paramref name="button"/> and waits for the next one.</summary>
    private static async Task VoteAsync(IPage page, string button, int expectedVoted)
    {
        await page.Locator(button).ClickAsync();
        await Expect(page.Locator("#dlb-progress")).ToContainTextAsync($"已表决 {expectedVoted} /");
    }

    [Fact]
    public async Task Staff_open_members_and_a_citizen_vote_on_phones_staff_moderate_and_the_map_shows_groups_and_consensus()
    {
        var consultation = await SetUpAsync();

        // Staff open the deliberation with seed statements and a public link that admits citizens without an account.
        await using var staffContext = await browser.NewContextAsync(BrowserFixture.Desktop);
        var staff = await staffContext.NewPageAsync();
        await SignInAsync(staff, "staff.520200");
        await staff.GotoAsync($"/deliberations/new?consultation={consultation}");
        await staff.Locator("#dlb-question").FillAsync("如何让城乡老人都能就近享受养老服务？");
        await staff.Locator("#vis-public").CheckAsync();
        await staff.Locator("#dlb-anonymous").CheckAsync();
        await staff.Locator("#dlb-seeds").FillAsync(string.Join("\n", Seeds));
        await browser.ScreenshotAsync(staff, "deliberation-create");
        await staff.Locator("#dlb-create").ClickAsync();
        await Expect(staff).ToHaveURLAsync(new Regex(@"/deliberations/\d+/moderation"));
        await Expect(staff.Locator("#dlb-accepted li")).ToHaveCountAsync(Seeds.Length);
        await staff.Locator("#dlb-open").ClickAsync();
        await Expect(staff.Locator("#dlb-status")).ToHaveTextAsync("进行中");
        var link = await staff.Locator("#dlb-public-link").GetAttributeAsync("href");
        Assert.Matches("^/d/[A-Za-z0-9_-]{32}$", link);
        var id = int.Parse(Regex.Match(staff.Url, @"/deliberations/(\d+)/").Groups[1].Value);
        await browser.ScreenshotAsync(staff, "deliberation-opened");

        // Member 1 on a phone: one statement at a time, agree / disagree / pass, then a new statement.
        await using var m1Context = await browser.NewContextAsync(BrowserFixture.Phone);
        var m1 = await m1Context.NewPageAsync();
        await SignInAsync(m1, "member.520200");
        await m1.GotoAsync(link!);
        await Expect(m1.Locator("#dlb-progress")).ToHaveTextAsync($"已表决 0 / {Seeds.Length}");
        await browser.ScreenshotAsync(m1, "deliberation-vote");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(m1);
        await VoteAsync(m1, "#vote-agree", 1);
        await VoteAsync(m1, "#vote-disagree", 2);
        await VoteAsync(m1, "#vote-pass", 3);
        // A statement one character too long: the live counter warns, the server refuses it, the text stays in the box
        // and the statement card stays the same.
        var card = await m1.Locator("#dlb-statement").GetAttributeAsync("data-statement");
        var tooLong = new string('长', 141);
        await m1.Locator("#dlb-new").FillAsync(tooLong);
        await Expect(m1.Locator("#dlb-count")).ToHaveTextAsync("141 / 140 字");
        await m1.Locator("#dlb-add").ClickAsync();
        await Expect(m1.Locator("#dlb-flash")).ToContainTextAsync("意见最多 140 个字，当前 141 个字。");
        await Expect(m1.Locator("#dlb-new")).ToHaveValueAsync(tooLong);
        await Expect(m1.Locator("#dlb-statement")).ToHaveAttributeAsync("data-statement", card!);
        await Expect(m1.Locator("#dlb-progress")).ToHaveTextAsync($"已表决 3 / {Seeds.Length}");
        await m1.Locator("#dlb-new").FillAsync("建议在乡镇卫生院设立医养结合床位");
        await m1.Locator("#dlb-add").ClickAsync();
        await Expect(m1.Locator("#dlb-flash")).ToContainTextAsync("审核通过后");
        await browser.ScreenshotAsync(m1, "deliberation-statement-added");

        // Member 2 on a phone.
        await using var m2Context = await browser.NewContextAsync(BrowserFixture.Phone);
        var m2 = await m2Context.NewPageAsync();
        await SignInAsync(m2, SecondMember);
        await m2.GotoAsync(link!);
        await VoteAsync(m2, "#vote-disagree", 1);
        await VoteAsync(m2, "#vote-agree", 2);

        // A citizen without an account, on a phone, through the public link.
        await using var citizenContext = await browser.NewContextAsync(BrowserFixture.Phone);
        var citizen = await citizenContext.NewPageAsync();
        await citizen.GotoAsync(link!);
        await Expect(citizen.GetByText("您以匿名方式参与")).ToBeVisibleAsync();
        await VoteAsync(citizen, "#vote-agree", 1);
        await citizen.Locator("#dlb-new").FillAsync("点击这里领取养老补贴 http://example.invalid");
        await citizen.Locator("#dlb-add").ClickAsync();
        await Expect(citizen.Locator("#dlb-flash")).ToContainTextAsync("审核通过后");
        await browser.ScreenshotAsync(citizen, "deliberation-citizen");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(citizen);

        // Staff moderate: accept the member's statement, reject the citizen's with a reason (kept in the rejected list).
        await staff.ReloadAsync();
        await Expect(staff.Locator("#dlb-pending li")).ToHaveCountAsync(2);
        var accepted = staff.Locator("#dlb-pending li", new() { HasText = "医养结合床位" });
        await accepted.GetByRole(AriaRole.Button, new() { Name = "采纳", Exact = true }).ClickAsync();
        await Expect(staff.Locator("#dlb-pending li")).ToHaveCountAsync(1);
        var rejected = staff.Locator("#dlb-pending li", new() { HasText = "领取养老补贴" });
        await rejected.Locator("input[name=reason]").FillAsync("含有可疑链接");
        await rejected.GetByRole(AriaRole.Button, new() { Name = "不采纳" }).ClickAsync();
        await Expect(staff.Locator("#dlb-rejected li")).ToHaveCountAsync(1);
        await Expect(staff.Locator("#dlb-rejected")).ToContainTextAsync("含有可疑链接");
        await Expect(staff.Locator("#dlb-accepted li")).ToHaveCountAsync(Seeds.Length + 1);
        await browser.ScreenshotAsync(staff, "deliberation-moderation");

        // The member now gets the accepted statement among the rest.
        await m1.ReloadAsync();
        await Expect(m1.Locator("#dlb-progress")).ToHaveTextAsync($"已表决 3 / {Seeds.Length + 1}");

        // More people take part (two camps of 24 each), the map is recomputed (the job's own method), and member 1 sees it.
        var statements = await browser.WithDbAsync(db => db.DeliberationStatements.Where(s => s.DeliberationId == id && s.Status == StatementStatus.Accepted)
            .OrderBy(s => s.Id).Select(s => s.Id).ToListAsync());
        await browser.WithDbAsync(async db =>
        {
            var at = DateTimeOffset.UtcNow.AddSeconds(-5);
            for (var i = 0; i < 48; i++)
            {
                var p = new DeliberationParticipant { DeliberationId = id, AnonymousKey = $"flow-{i}", CreatedAt = at };
                db.DeliberationParticipants.Add(p);
                await db.SaveChangesAsync();
                var campA = i % 2 == 0;
                for (var s = 0; s < statements.Count; s++)
                {
                    short v = s switch { 0 => 1, 1 or 2 => (short)(campA ? 1 : -1), 3 => (short)(campA ? -1 : 1), _ => (short)(i % 3 == 0 ? 0 : 1) };
                    db.DeliberationVotes.Add(new DeliberationVote { DeliberationId = id, ParticipantId = p.Id, StatementId = statements[s], Value = v, UpdatedAt = at });
                }
            }
            await db.SaveChangesAsync();
            return 0;
        });
        for (var i = 0; i < 100 && !await browser.WithDbAsync(db => DeliberationMaps.RecomputeAsync(db, id, TimeProvider.System, default)); i++) await Task.Delay(100);

        await m1.GotoAsync(link + "/map");
        await Expect(m1.Locator("#dlb-my-group")).ToContainTextAsync(new Regex("您在第[12]组"));
        await Expect(m1.Locator("#dlb-groups tbody tr")).ToHaveCountAsync(2);
        await Expect(m1.Locator("#dlb-consensus")).ToContainTextAsync(Seeds[0]);
        await Expect(m1.Locator("#dlb-chart svg")).ToHaveCountAsync(1);
        await browser.ScreenshotAsync(m1, "deliberation-map");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(m1);
        await browser.ScreenshotAtAsync(staff, $"/deliberations/{id}/map", "deliberation-map");
    }
}
