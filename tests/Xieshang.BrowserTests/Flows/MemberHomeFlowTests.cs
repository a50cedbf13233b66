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
        await Expect(page.GetByText("履职活动、提案等模块上线后")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "member-home");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(page);

        // The menu (collapsed on phones) offers no office pages to a member.
        await page.GetByRole(AriaRole.Button, new() { Name = "菜单" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "首页" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "导入名册" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "退出" })).ToBeVisibleAsync();
    }
}
