using System.Text.RegularExpressions;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;

namespace Xieshang.BrowserTests.Flows;

/// <summary>A member on a phone: sign in, own profile and to-dos, a menu without office pages.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MemberHomeFlowTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_member_signs_in_on_a_phone_and_sees_their_profile_and_to_dos()
    {
        await using var phone = await browser.NewContextAsync(BrowserFixture.Phone);
        var page = await phone.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("用户名").FillAsync("member.520201");
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "我的信息" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待办事项" })).ToBeVisibleAsync();
        await Expect(page.GetByText("提案、社情民意等模块上线后")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "近期活动" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "member-home");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(page);

        // The menu (collapsed on phones) offers no office pages to a member.
        await page.GetByRole(AriaRole.Button, new() { Name = "菜单" }).ClickAsync();
        // Wait for the opening animation to end (Bootstrap swaps .collapsing for .show): the menu is longer now, and a click
        // on a link that is still sliding can miss it.
        await Expect(page.Locator("#nav.show")).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "首页" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "导入名册" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "退出" })).ToBeVisibleAsync();

        // The member directory of their own committee: contacts masked, no office actions.
        await page.GetByRole(AriaRole.Link, new() { Name = "委员名录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("委员名录 · 钟山区政协");
        await Expect(page.GetByText("手机号码和电子邮箱已部分隐藏")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "下载名册（Excel）" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Cell, new() { NameRegex = new Regex(@"^1\d\d\*{4}\d{4}$") }).First).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "member-directory");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(page);

        // An office page says what a member has instead.
        await page.GotoAsync("/committees");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "无权访问" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "委员名录" }).Last).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "member-denied");

        // The same in English.
        await page.GotoAsync("/culture?c=en&returnUrl=/members");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Member directory · 钟山区政协");
        await browser.ScreenshotAsync(page, "member-directory-en");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(page);
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My profile" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "member-home-en");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(page);
    }
}
