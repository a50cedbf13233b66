using System.Globalization;
using System.Text.RegularExpressions;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// The activity flow of issue 3 in a real Chromium: staff create and publish a standing-committee meeting; a member on
/// a phone answers and checks in through the QR page; staff confirm attendance (the member spoke); the points appear in
/// the member's duty file. The app's clock is moved forward instead of waiting for the meeting to start.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ActivityFlowTests(BrowserFixture browser)
{
    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
    }

    [Fact]
    public async Task Staff_publish_a_member_answers_and_checks_in_by_QR_staff_confirm_and_the_points_reach_the_duty_file()
    {
        var china = TimeSpan.FromHours(8);
        // The meeting starts in two hours, on a whole minute (the form's datetime-local has no seconds); the clock moves
        // at most a few hours, well inside the sign-in cookie's 8 hours.
        var now = browser.Clock.GetUtcNow().ToOffset(china);
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, china).AddHours(2);
        var title = $"常委会议·专题协商 {start:MMdd}";
        try
        {
            // Staff: create the draft through the form, then publish.
            await using var office = await browser.NewContextAsync(BrowserFixture.Desktop);
            var staff = await office.NewPageAsync();
            await SignInAsync(staff, "staff.520200");
            await staff.GotoAsync("/activities/new");
            await staff.GetByLabel("活动名称").FillAsync(title);
            await staff.GetByLabel("活动类型").SelectOptionAsync(new SelectOptionValue { Label = "常委会议" });
            await staff.GetByLabel("开始时间").FillAsync(start.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
            await staff.GetByLabel("结束时间").FillAsync(start.AddHours(3).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
            await staff.GetByLabel("地点").FillAsync("市政协三楼会议室");
            await staff.GetByLabel("议程").FillAsync("一、通报全市经济运行情况\n二、专题协商");
            await staff.GetByLabel("六盘水市政协全体委员").CheckAsync();
            await browser.ScreenshotAsync(staff, "activity-new");
            await staff.GetByRole(AriaRole.Button, new() { Name = "保存草稿" }).ClickAsync();
            await Expect(staff).ToHaveURLAsync(new Regex(@"/activities/\d+"));
            var id = int.Parse(Regex.Match(staff.Url, @"/activities/(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
            await staff.GetByRole(AriaRole.Button, new() { Name = "发布并通知" }).ClickAsync();
            await Expect(staff.GetByText("已发布").First).ToBeVisibleAsync();
            await browser.ScreenshotAsync(staff, "activity-published");

            // Member on a phone: the invitation is on the home page; open it and register.
            await using var phone = await browser.NewContextAsync(BrowserFixture.Phone);
            var member = await phone.NewPageAsync();
            await SignInAsync(member, "member.520200");
            await member.GotoAsync("/duty");
            var before = decimal.Parse(await member.Locator("#duty-total").InnerTextAsync(), CultureInfo.InvariantCulture);
            await member.GotoAsync("/");
            await Expect(member.GetByRole(AriaRole.Link, new() { Name = title })).ToBeVisibleAsync();
            await member.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
            await Expect(member.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
            await member.Locator("label[for='r-attend']").ClickAsync(); // a Bootstrap button-style radio: the label is what a finger taps
            await Expect(member.GetByLabel("参加", new() { Exact = true })).ToBeCheckedAsync();
            await member.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
            await Expect(member.GetByText("已报名").First).ToBeVisibleAsync();
            await browser.ScreenshotAsync(member, "activity-member-registered");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

            // Doors open: 30 minutes before the start. Staff show the QR code; the phone opens the code's address.
            browser.Clock.Offset = start.AddMinutes(-30) - DateTimeOffset.UtcNow;
            await staff.GotoAsync($"/activities/{id}/checkin/screen");
            var qr = staff.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("二维码") });
            await Expect(qr).ToBeVisibleAsync();
            var token = await qr.GetAttributeAsync("data-token");
            Assert.False(string.IsNullOrEmpty(token));
            await browser.ScreenshotAsync(staff, "activity-checkin-screen");
            await member.GotoAsync($"/checkin/{id}?t={Uri.EscapeDataString(token!)}");
            await member.GetByRole(AriaRole.Button, new() { Name = "确认签到" }).ClickAsync();
            await Expect(member.GetByText(new Regex("已签到"))).ToBeVisibleAsync();
            await browser.ScreenshotAsync(member, "activity-member-checked-in");
            // Scanning again changes nothing: still one check-in.
            await member.GotoAsync($"/checkin/{id}?t={Uri.EscapeDataString(token!)}");
            await Expect(member.GetByText(new Regex("已签到"))).ToBeVisibleAsync();

            // After the start: staff confirm attendance; the check-in pre-fills 出席, and the member spoke.
            browser.Clock.Offset = start.AddHours(1) - DateTimeOffset.UtcNow;
            await staff.GotoAsync($"/activities/{id}/attendance");
            var memberName = await MemberNameAsync("member.520200");
            var row = staff.GetByRole(AriaRole.Combobox, new() { Name = $"{memberName} 的出席情况", Exact = true });
            await Expect(row).ToHaveValueAsync("present");
            await row.SelectOptionAsync("speaker");
            await browser.ScreenshotAsync(staff, "activity-attendance");
            await staff.GetByRole(AriaRole.Button, new() { Name = "确认并记入履职档案" }).ClickAsync();
            await Expect(staff.GetByText(new Regex(@"已确认 \d+ 人，履职积分已记入档案"))).ToBeVisibleAsync();

            // The member's duty file: 常委会议 4 points + speaker 8 points (default rules) more than before.
            await member.GotoAsync("/duty");
            await Expect(member.GetByText(title).First).ToBeVisibleAsync();
            var after = decimal.Parse(await member.Locator("#duty-total").InnerTextAsync(), CultureInfo.InvariantCulture);
            Assert.Equal(before + 12, after);
            await browser.ScreenshotAsync(member, "activity-duty-file");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
        }
        finally
        {
            browser.Clock.Offset = TimeSpan.Zero;
        }
    }

    private Task<string> MemberNameAsync(string userName) => browser.WithDbAsync(db =>
    {
        var id = db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId).First();
        return Task.FromResult(db.Members.Where(m => m.Id == id).Select(m => m.Name).First());
    });
}
