using System.Text.RegularExpressions;
using MiniExcelLibs;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// The key staff flow in a real Chromium: sign in through the login page, import a roster (preview with a row
/// error, confirm), find the new members by pinyin initials, switch to English. Screenshots of each main page
/// at phone and desktop widths go to <c>artifacts/screenshots/</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffImportFlowTests(BrowserFixture browser)
{
    [Fact]
    public async Task Staff_signs_in_imports_a_roster_finds_the_new_members_and_switches_to_English()
    {
        var roster = WriteRoster();
        await using var desktop = await browser.NewContextAsync(BrowserFixture.Desktop);
        var page = await desktop.NewPageAsync();

        // Login page, then a wrong password: the message is in the UI language and nothing is signed in.
        await page.GotoAsync("/members");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "login");
        await page.GetByLabel("用户名").FillAsync("staff.520200");
        await page.GetByLabel("密码").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("用户名或密码错误");
        await Expect(page.GetByLabel("用户名")).ToHaveValueAsync("staff.520200");

        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/members$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("委员");

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "六盘水市政协", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "按界别" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "钟山区政协" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "home");
        await page.GotoAsync("/committees");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "盘州市政协" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "committees");

        // Import: preview shows every row, the invalid one with its message; nothing is stored yet.
        await page.GotoAsync("/members/import");
        await page.GetByLabel("政协组织").SelectOptionAsync("520201");
        await page.GetByLabel("名册文件（.xlsx）").SetInputFilesAsync(roster);
        await page.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
        var preview = page.GetByRole(AriaRole.Table);
        await Expect(preview).ToContainTextAsync("翁娜");
        await Expect(preview).ToContainTextAsync("无法识别的民族“火星族”");
        await Expect(preview.GetByRole(AriaRole.Row).Filter(new() { HasText = "翁建国" })).ToContainTextAsync("有误");
        await browser.ScreenshotAsync(page, "import-preview");

        await using (var phone = await browser.NewContextAsync(BrowserFixture.Phone, await desktop.StorageStateAsync()))
        {
            var small = await phone.NewPageAsync();
            await small.GotoAsync("/members/import?committee=520201");
            await small.GetByLabel("名册文件（.xlsx）").SetInputFilesAsync(roster);
            await small.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();
            await Expect(small.GetByRole(AriaRole.Table)).ToContainTextAsync("无法识别的民族");
            await browser.ScreenshotAsync(small, "import-preview");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(small);
        }

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("确认导入") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("新增 3 人，更新 0 人，1 行因有问题未导入");

        // The new members are in the list; pinyin initials find them.
        await page.GotoAsync("/members?committee=520201&q=wxd");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "翁晓东" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Searchbox).FillAsync("wn");
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "翁娜" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "翁建国" })).ToHaveCountAsync(0);

        // Detail and edit form of an imported member; an invalid edit shows the field message.
        await page.GetByRole(AriaRole.Link, new() { Name = "翁娜" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "翁娜", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("13900000001")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "member-detail");
        await page.GetByRole(AriaRole.Link, new() { Name = "编辑" }).ClickAsync();
        await page.GetByLabel("手机号码").FillAsync("12345");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.GetByText("无法识别的电话号码“12345”")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "member-edit");
        await page.GotoAsync("/members?committee=520201");
        await browser.ScreenshotAsync(page, "members");
        // The city's list says that it includes the committees below; unticking the box leaves them out.
        await page.GotoAsync("/members");
        await Expect(page.GetByText("本级及下级政协的委员")).ToBeVisibleAsync();
        await Expect(page.GetByText("仅导出本级在任委员")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "members-city");
        await page.GetByRole(AriaRole.Switch, new() { Name = "含下级政协" }).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "应用筛选" }).ClickAsync();
        await Expect(page.GetByText("仅本级委员，不含下级政协")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Switch, new() { Name = "含下级政协" })).Not.ToBeCheckedAsync();
        await page.GotoAsync("/members?committee=520201");

        // English: the switch in the header keeps the page and changes every label.
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Members");
        await Expect(page.GetByLabel("Committee", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download roster (Excel)" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "中文" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "members-en");
        await page.GotoAsync("/members?committee=520201&q=wn");
        await page.GetByRole(AriaRole.Link, new() { Name = "翁娜" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "翁娜", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("dt:text-is('Term') + dd")).ToHaveTextAsync("10"); // not "Term 10" after the label
        await browser.ScreenshotAsync(page, "member-detail-en");
        await page.GotoAsync("/members/import?committee=520201");
        await Expect(page.GetByText("Required columns: 姓名")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "import-en");
        await page.GotoAsync("/");
        await browser.ScreenshotAsync(page, "home-en");
        await page.GotoAsync("/nonexistent");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "not-found-en");

        // Phone screenshots of the other main pages, signed in with the same cookies (English now).
        await using var mobile = await browser.NewContextAsync(BrowserFixture.Phone, await desktop.StorageStateAsync());
        var p = await mobile.NewPageAsync();
        await p.GotoAsync("/culture?c=zh-CN&returnUrl=/");
        await Expect(p.GetByRole(AriaRole.Heading, new() { Name = "六盘水市政协", Level = 1 })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(p, "home");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(p);
        await p.GotoAsync("/members?committee=520201&q=wn");
        await Expect(p.GetByRole(AriaRole.Link, new() { Name = "翁娜" })).ToHaveCountAsync(1);
        await browser.ScreenshotAsync(p, "members");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(p);
        await browser.ScreenshotAtAsync(p, "/members", "members-city");
        await browser.ScreenshotAtAsync(p, "/members/import?committee=520201", "import");
        await p.GotoAsync("/nonexistent");
        await Expect(p.GetByRole(AriaRole.Heading, new() { Name = "页面不存在" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(p, "not-found");

        // English on a phone.
        await p.GotoAsync("/culture?c=en&returnUrl=/");
        await Expect(p.GetByRole(AriaRole.Heading, new() { Name = "六盘水市政协", Level = 1 })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(p, "home-en");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(p);
        await p.GotoAsync("/members?committee=520201&q=wn");
        await p.GetByRole(AriaRole.Link, new() { Name = "翁娜" }).ClickAsync();
        await Expect(p.GetByRole(AriaRole.Heading, new() { Name = "翁娜", Level = 1 })).ToBeVisibleAsync();
        await Expect(p.Locator("dt:text-is('Term') + dd")).ToHaveTextAsync("10"); // not "Term 10" after the label
        await browser.ScreenshotAsync(p, "member-detail-en");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(p);
        await browser.ScreenshotAtAsync(p, "/members", "members-en");
        await browser.ScreenshotAtAsync(p, "/members/import?committee=520201", "import-en");

        await using var anonymous = await browser.NewContextAsync(BrowserFixture.Phone);
        var login = await anonymous.NewPageAsync();
        await login.GotoAsync("/account/login");
        await browser.ScreenshotAsync(login, "login");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(login);
    }

    /// <summary>A small roster for 钟山区政协: a name padded with an ideographic space, and one invalid row (unknown ethnic group).</summary>
    private static string WriteRoster()
    {
        var path = Path.Combine(Path.GetTempPath(), $"xs-browser-roster-{Guid.NewGuid():N}.xlsx");
        static Dictionary<string, object> Row(string name, string gender, string ethnic, string birth, string party, string sector, string position, string phone) => new()
        {
            ["姓名"] = name, ["性别"] = gender, ["民族"] = ethnic, ["出生年月"] = birth, ["党派"] = party, ["界别"] = sector,
            ["职务"] = position, ["届次"] = "第十届", ["工作单位及职务"] = "钟山区某单位 干部", ["手机号码"] = phone,
        };
        MiniExcel.SaveAs(path, new[]
        {
            Row("翁　娜", "女", "汉族", "1975.03", "民盟", "中国民主同盟", "委员", "13900000001"),
            Row("翁晓东", "男", "苗族", "1969.11", "中共", "中国共产党", "常委", "13900000002"),
            Row("翁思远", "男", "布依族", "1982.07", "群众", "经济界", "委员", ""),
            Row("翁建国", "男", "火星族", "1970.01", "中共", "教育界", "委员", "13900000004"),
        });
        return path;
    }
}
