using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// Research and same-topic research (issue 6 §1–§3) in a real Chromium, on a phone (390 px) and a desktop: the city's staff
/// create a project on /research/new, invite 钟山区 and 水城区 on the same-topic board; 钟山区's staff join with the bare
/// form (the team follows later) and set the team on the sub-project's page; the leader reads the list, the project and
/// the board; staff open the topic board. Screenshots research-*.png; no page is wider than the screen.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ResearchFlowTests(BrowserFixture browser)
{
    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
    }

    /// <summary>Nothing wider than the screen, header included, on a phone and on a 1366 px laptop.</summary>
    private static Task FitsAsync(IPage page) => BrowserFixture.AssertNoHorizontalOverflowAsync(page);

    private async Task ShotAsync(IPage page, string url, string name)
    {
        await page.GotoAsync(url);
        await browser.ScreenshotAsync(page, name);
        await FitsAsync(page);
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public async Task The_city_sets_a_same_topic_research_and_a_district_joins_and_sets_its_team(string width)
    {
        var viewport = width == "phone" ? BrowserFixture.Phone : BrowserFixture.Desktop;
        var title = $"城乡居民医保参保情况同题调研（{width}）";

        // The city's staff: the list, the new-project form, the project, the board with invitations.
        await using (var context = await browser.NewContextAsync(viewport))
        {
            var page = await context.NewPageAsync();
            await SignInAsync(page, "staff.520200");
            await ShotAsync(page, "/research", "research-list");
            await page.GotoAsync("/research/new");
            await page.Locator("#title").FillAsync(title);
            await page.Locator("#leader").SelectOptionAsync(new SelectOptionValue { Index = 1 });
            await page.Locator("#author").SelectOptionAsync(new SelectOptionValue { Index = 2 });
            await page.Locator("#background").FillAsync("全市统一部署，各区县政协围绕同一课题开展调研。");
            await browser.ScreenshotAsync(page, "research-new");
            await FitsAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "立项" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/research/\d+$"));
            await Expect(page.Locator("h1")).ToHaveTextAsync(title);
            await browser.ScreenshotAsync(page, "research-detail");
            await FitsAsync(page);

            await page.Locator("a[href$='/joint']").First.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/research/\d+/joint$"));
            await page.Locator("summary", new() { HasText = "邀请" }).ClickAsync();
            await page.Locator("#inv-520201").CheckAsync();
            await page.Locator("#inv-520204").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "发送邀请" }).ClickAsync();
            await Expect(page.Locator("[role=status]")).ToBeVisibleAsync();
            await browser.ScreenshotAsync(page, "research-joint-city");
            await FitsAsync(page);
            await ShotAsync(page, "/topics", "research-topics");
        }
        var parentUrl = "/research/" + await browser.WithDbAsync(db => db.ResearchProjects.Where(p => p.Title == title).Select(p => p.Id).FirstAsync());

        // 钟山区's staff: invited, they read the parent; they join without naming a team, then set it on the sub-project's page.
        await using (var context = await browser.NewContextAsync(viewport))
        {
            var page = await context.NewPageAsync();
            await SignInAsync(page, "staff.520201");
            await page.GotoAsync(parentUrl);
            await Expect(page.Locator("h1")).ToHaveTextAsync(title);
            await page.GotoAsync(parentUrl + "/joint");
            await browser.ScreenshotAsync(page, "research-joint-invited");
            await FitsAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "参加并设立子课题", Exact = true }).ClickAsync();
            await Expect(page.Locator("[role=status]")).ToBeVisibleAsync();
            await page.Locator("table a", new() { HasText = "钟山区" }).ClickAsync();
            await Expect(page.Locator(".alert-warning")).ToContainTextAsync("组长和执笔人");
            await page.Locator("#t-leader").SelectOptionAsync(new SelectOptionValue { Index = 1 });
            await page.Locator("#t-author").SelectOptionAsync(new SelectOptionValue { Index = 2 });
            await page.Locator("#t-staff").FillAsync("钟山区政协办公室 李干事");
            await page.GetByRole(AriaRole.Button, new() { Name = "保存调研组" }).ClickAsync();
            await Expect(page.Locator("[role=status]")).ToContainTextAsync("已保存");
            await Expect(page.Locator("#team")).ToContainTextAsync("组长");
            await browser.ScreenshotAsync(page, "research-subproject");
            await FitsAsync(page);
        }

        // The city's leader reads the list, the project and the board.
        await using (var context = await browser.NewContextAsync(viewport))
        {
            var page = await context.NewPageAsync();
            await SignInAsync(page, "leader.520200");
            await ShotAsync(page, "/research", "research-list-leader");
            await ShotAsync(page, parentUrl, "research-detail-leader");
            await ShotAsync(page, parentUrl + "/joint", "research-joint-leader");
            await Expect(page.Locator("table")).ToContainTextAsync("钟山区");
        }
    }
}
