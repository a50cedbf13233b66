using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;
using SkiaSharp;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// Members' studios (issue 6 §4, §6) in a real Chromium: staff of 钟山区 set up a published studio in 荷城街道 with two
/// members on duty (one of them the demo member account); a citizen on a phone, without an account, finds it in the
/// public list, is refused an empty matter and a wrong challenge answer (the typed text stays), then leaves a matter
/// with full-width punctuation, a character beyond the BMP and a photo, and gets a tracking code; the member on duty
/// answers on a phone and turns the message into a proposal draft; the citizen's tracking page shows the answer and
/// 已转为委员提案 without anything internal. Screenshots studio-*.png at each step.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StudioFlowTests(BrowserFixture browser)
{
    private const string StudioName = "钟山区荷城街道委员工作室";
    private const string Township = "荷城街道";
    private const string TownshipCode = "520201014";
    private const string MemberAccount = "member.520201";
    private const string CitizenPhone = "13985851234";
    // Full-width punctuation (，：“”、！？（）) and 𬱖 (U+2CC56, outside the BMP: two UTF-16 units, one character).
    private const string Matter = "荷城街道𬱖家巷的路灯坏了三个月，晚上一片漆黑：老人、孩子出门都不安全！能否尽快修好？（附照片）";
    private const string AnswerText = "您好！已联系街道办和供电所现场查看，本周内修复路灯；我们还将把老旧小区照明问题写成提案。";

    private sealed record Setup(string MemberName, string MemberPhone, int MemberId, string OtherName, int OtherId);

    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
    }

    /// <summary>
    /// The demo member of 钟山区 (with the phone number that must never reach the public) and a second member without an
    /// account. The demo gives 钟山区 its sessions, so the member's draft needs no set-up.
    /// </summary>
    private Task<Setup> SetUpAsync() => browser.WithDbAsync(async db =>
    {
        var memberId = await db.Users.Where(u => u.UserName == MemberAccount).Select(u => u.MemberId!.Value).FirstAsync();
        var member = await db.Members.FirstAsync(m => m.Id == memberId);
        Assert.Matches(@"^\d{11}$", member.Phone);
        var other = await db.Members.Where(m => m.Committee!.Code == "520201" && m.IsActive && m.Id != memberId && !db.Users.Any(u => u.MemberId == m.Id))
            .OrderBy(m => m.Id).FirstAsync();
        return new Setup(member.Name, member.Phone, memberId, other.Name, other.Id);
    });

    /// <summary>A small real PNG (a street lamp in the dark, 64 × 48) drawn with Skia.</summary>
    private static byte[] Photo()
    {
        using var bmp = new SKBitmap(64, 48);
        using (var canvas = new SKCanvas(bmp))
        {
            canvas.Clear(new SKColor(20, 24, 40));
            using var pole = new SKPaint { Color = new SKColor(120, 120, 120) };
            canvas.DrawRect(30, 10, 4, 38, pole);
            using var lamp = new SKPaint { Color = new SKColor(60, 60, 60) };
            canvas.DrawCircle(32, 10, 6, lamp);
        }
        using var image = SKImage.FromBitmap(bmp);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>Answers the page's arithmetic challenge (「验证题：7 加 5 等于几？」), or gets it wrong on purpose.</summary>
    private static async Task AnswerChallengeAsync(IPage page, bool correctly)
    {
        var label = await page.Locator("label[for=challengeAnswer]").InnerTextAsync();
        var m = Regex.Match(label, @"(\d+)\s*加\s*(\d+)");
        Assert.True(m.Success, $"challenge label: {label}");
        var sum = int.Parse(m.Groups[1].Value) + int.Parse(m.Groups[2].Value);
        await page.GetByLabel(new Regex("^验证题")).FillAsync((correctly ? sum : sum + 1).ToString());
    }

    [Fact]
    public async Task A_citizen_leaves_a_message_on_a_phone_and_the_member_on_duty_answers_and_converts_it_to_a_proposal_draft()
    {
        var setup = await SetUpAsync();

        // Staff of 钟山区 set up the studio on the office page: a real township of the district, two members on duty, published.
        await using var staffContext = await browser.NewContextAsync(BrowserFixture.Desktop);
        var staff = await staffContext.NewPageAsync();
        await SignInAsync(staff, "staff.520201");
        await staff.GotoAsync("/studios/manage?new=1&committee=520201");
        await staff.GetByLabel("工作室名称").FillAsync(StudioName);
        await staff.GetByLabel("类型").SelectOptionAsync("township");
        await staff.GetByLabel("所在乡镇（街道）").SelectOptionAsync(TownshipCode);
        await staff.GetByLabel("详细地址").FillAsync("钟山大道南段 27 号社区综合服务中心二楼 203 室");
        await staff.GetByLabel("怎么走").FillAsync("乘 1 路、5 路公交车到荷城花园站，向东步行约 150 米，服务中心大楼二楼。");
        await staff.GetByLabel("接待时间").FillAsync("每月第一个、第三个周三上午 9:00—11:30");
        await staff.GetByLabel("工作室电话").FillAsync("0858-8226688");
        await staff.GetByLabel("向公众公开").CheckAsync();
        foreach (var id in new[] { setup.MemberId, setup.OtherId })
        {
            await staff.Locator($"#m{id}").CheckAsync();
            await staff.Locator($"#d{id}").CheckAsync();
            await Expect(staff.Locator($"input[name=member]:checked")).Not.ToHaveCountAsync(0);
        }
        await browser.ScreenshotAsync(staff, "studio-manage-new");
        await staff.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(staff).ToHaveURLAsync(new Regex(@"/studios/manage\?saved=1$"));
        var card = staff.Locator("#studio-cards .card", new() { HasText = StudioName });
        await Expect(card).ToContainTextAsync("已公开");
        await Expect(card).ToContainTextAsync(setup.MemberName);
        await browser.ScreenshotAsync(staff, "studio-manage");

        // A citizen on a phone, no account: the public list by county and township, then the studio's page.
        await using var citizenContext = await browser.NewContextAsync(BrowserFixture.Phone);
        var citizen = await citizenContext.NewPageAsync();
        await citizen.GotoAsync("/studios");
        await Expect(citizen.GetByRole(AriaRole.Heading, new() { Name = "钟山区" })).ToBeVisibleAsync();
        await Expect(citizen.GetByRole(AriaRole.Heading, new() { Name = Township })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(citizen, "studio-list");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(citizen);
        await citizen.GetByRole(AriaRole.Link, new() { Name = StudioName }).ClickAsync();
        await Expect(citizen).ToHaveURLAsync(new Regex(@"/studios/\d+$"));
        var studioId = int.Parse(Regex.Match(citizen.Url, @"/studios/(\d+)$").Groups[1].Value);
        await Expect(citizen.GetByRole(AriaRole.Heading, new() { Name = StudioName })).ToBeVisibleAsync();
        await Expect(citizen.Locator("#on-duty")).ToContainTextAsync(setup.MemberName);
        await Expect(citizen.Locator("#on-duty")).ToContainTextAsync(setup.OtherName);
        Assert.DoesNotContain(setup.MemberPhone, await citizen.ContentAsync());
        await browser.ScreenshotAsync(citizen, "studio-page");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(citizen);

        // Bad input first: no matter at all (the challenge answered correctly) — a Chinese message, name and phone kept.
        await citizen.GetByLabel("您的称呼（可不填）").FillAsync("李女士");
        await citizen.GetByLabel("联系电话（可不填）").FillAsync(CitizenPhone);
        await AnswerChallengeAsync(citizen, correctly: true);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交留言" }).ClickAsync();
        await Expect(citizen.Locator("#message-error")).ToHaveTextAsync("请填写留言内容。");
        await Expect(citizen.GetByLabel("您的称呼（可不填）")).ToHaveValueAsync("李女士");
        await Expect(citizen.GetByLabel("联系电话（可不填）")).ToHaveValueAsync(CitizenPhone);
        await browser.ScreenshotAsync(citizen, "studio-error-empty");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(citizen);

        // The matter typed and a photo chosen, the challenge answered wrongly: refused, the matter (incl. 𬱖) stays in the box,
        // a new question is asked, and the page says the photo must be chosen again (a browser cannot re-fill a file input).
        var content = citizen.GetByLabel(new Regex("^您想反映的问题或建议"));
        await content.FillAsync(Matter);
        var photoInput = citizen.GetByLabel("照片（可不附）");
        await photoInput.SetInputFilesAsync(new FilePayload { Name = "路灯.png", MimeType = "image/png", Buffer = Photo() });
        await AnswerChallengeAsync(citizen, correctly: false);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交留言" }).ClickAsync();
        await Expect(citizen.Locator("#message-error")).ToHaveTextAsync("验证题答案不正确，这道题已作废，请换一道新题重新计算。");
        await Expect(content).ToHaveValueAsync(Matter);
        await Expect(citizen.GetByLabel("您的称呼（可不填）")).ToHaveValueAsync("李女士");
        await Expect(citizen.GetByLabel(new Regex("^验证题"))).ToHaveValueAsync("");
        await Expect(citizen.Locator("#photo-again")).ToContainTextAsync("请重新选择");
        await browser.ScreenshotAsync(citizen, "studio-error-challenge");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(citizen);
        Assert.Equal(0, await browser.WithDbAsync(db => db.StudioMessages.CountAsync(m => m.StudioId == studioId)));

        // Now right, with a photo: the tracking page with the code.
        await photoInput.SetInputFilesAsync(new FilePayload { Name = "路灯.png", MimeType = "image/png", Buffer = Photo() });
        await AnswerChallengeAsync(citizen, correctly: true);
        await citizen.GetByRole(AriaRole.Button, new() { Name = "提交留言" }).ClickAsync();
        await Expect(citizen).ToHaveURLAsync(new Regex(@"/studios/track/[23456789A-HJKMNP-Z]{10}\?new=1$"));
        var code = (await citizen.Locator("#tracking-code").InnerTextAsync()).Trim();
        Assert.Matches("^[23456789A-HJKMNP-Z]{10}$", code);
        await Expect(citizen.Locator("#track-result")).ToContainTextAsync("待回复");
        await Expect(citizen.Locator("#track-note")).ToContainTextAsync("值班委员将尽快答复");
        await browser.ScreenshotAsync(citizen, "studio-sent");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(citizen);
        var stored = await browser.WithDbAsync(db => db.StudioMessages.Where(m => m.TrackingCode == code).Select(m => new { m.Content, m.PhotoContentType, m.Phone }).FirstAsync());
        Assert.Equal(Matter, stored.Content);
        Assert.Equal("image/png", stored.PhotoContentType);
        Assert.Equal(CitizenPhone, stored.Phone);

        // Another citizen's message from earlier (stored directly): the inbox then holds two messages, each with its own forms.
        await browser.WithDbAsync(async db =>
        {
            var studio = await db.Studios.FirstAsync(x => x.Id == studioId);
            db.StudioMessages.Add(new Xieshang.Web.Features.Studios.StudioMessage
            {
                StudioId = studioId, CommitteePath = studio.CommitteePath, TrackingCode = "ZZZZZZZZZ2", Content = "小区垃圾清运不及时，楼下气味很大。",
                Status = Xieshang.Web.Features.Studios.StudioMessageStatus.New, CreatedAt = DateTimeOffset.UtcNow.AddHours(-1), ClientKey = new string('0', 64),
                ChallengeNonce = Guid.NewGuid().ToString("N"),
            });
            return await db.SaveChangesAsync();
        });

        // The member on duty, on a phone: the office studio page, the studio's messages, the citizen's phone and photo.
        await using var memberContext = await browser.NewContextAsync(BrowserFixture.Phone);
        var member = await memberContext.NewPageAsync();
        await SignInAsync(member, MemberAccount);
        await member.GotoAsync("/studios/manage");
        var mine = member.Locator("#studio-cards .card", new() { HasText = StudioName });
        await Expect(mine).ToContainTextAsync("2 条待回复");
        await browser.ScreenshotAsync(member, "studio-member-studios");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
        await mine.GetByRole(AriaRole.Link, new() { Name = "群众留言" }).ClickAsync();
        await Expect(member).ToHaveURLAsync(new Regex($@"/studios/{studioId}/messages$"));
        await Expect(member.Locator(".studio-message")).ToHaveCountAsync(2);
        var other = member.Locator(".studio-message", new() { HasText = "垃圾清运" });
        var message = member.Locator(".studio-message", new() { HasText = "𬱖家巷" });
        await Expect(message).ToHaveCountAsync(1);
        await Expect(message).ToContainTextAsync(Matter);
        await Expect(message).ToContainTextAsync("李女士 · " + CitizenPhone);
        await Expect(message).ToContainTextAsync("待回复");
        var photoHref = await message.GetByRole(AriaRole.Link, new() { Name = "查看照片" }).GetAttributeAsync("href");
        var photo = await memberContext.APIRequest.GetAsync(photoHref!);
        Assert.Equal(200, photo.Status);
        Assert.Equal("image/png", photo.Headers["content-type"]);
        using (var decoded = SKBitmap.Decode(await photo.BodyAsync())) Assert.Equal((64, 48), (decoded.Width, decoded.Height));
        await browser.ScreenshotAsync(member, "studio-inbox");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

        // Answer, then turn it into a proposal draft (the member is the proposer): lands on the draft with title and body prefilled.
        await message.GetByLabel("答复", new() { Exact = true }).FillAsync(AnswerText);
        await message.GetByRole(AriaRole.Button, new() { Name = "保存答复" }).ClickAsync();
        await Expect(member.Locator("#inbox-done")).ToHaveTextAsync("答复已保存，群众可凭查询码查看。");
        await Expect(message).ToContainTextAsync("已答复");
        await Expect(message).ToContainTextAsync(AnswerText);
        await Expect(message).ToContainTextAsync(new Regex(@"\d+ 分钟内回应"));
        await browser.ScreenshotAsync(member, "studio-answered");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
        await message.GetByRole(AriaRole.Button, new() { Name = "转为提案" }).ClickAsync();
        await Expect(member.Locator("#proposal-status, #inbox-error").First).ToBeVisibleAsync();
        Assert.True(await member.Locator("#inbox-error").CountAsync() == 0, "转为提案 refused: " + await member.Locator("#inbox-error").AllInnerTextsAsync().ContinueWith(t => string.Join(" ", t.Result)));
        await Expect(member).ToHaveURLAsync(new Regex(@"/proposals/\d+$"));
        var proposalId = int.Parse(Regex.Match(member.Url, @"/proposals/(\d+)$").Groups[1].Value);
        var title = member.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(title).ToHaveTextAsync("关于荷城街道𬱖家巷的路灯坏了三个月问题的建议");
        await Expect(member.Locator("#proposal-status")).ToHaveTextAsync("草稿");
        var body = member.Locator(".xs-proposal-body");
        await Expect(body).ToContainTextAsync($"（来源：{StudioName}（{Township}）");
        await Expect(body).ToContainTextAsync(Matter);
        await Expect(body).Not.ToContainTextAsync(CitizenPhone);
        await Expect(body).Not.ToContainTextAsync("李女士");
        var draftTitle = (await title.InnerTextAsync()).Trim();
        await browser.ScreenshotAsync(member, "studio-proposal-draft");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

        // Back in the inbox the message says where it went.
        await member.GotoAsync($"/studios/{studioId}/messages");
        await Expect(message).ToContainTextAsync("已转办");
        await Expect(message.GetByRole(AriaRole.Link, new() { Name = $"已转为提案草稿 #{proposalId}" })).ToHaveAttributeAsync("href", $"/proposals/{proposalId}");
        await Expect(message.GetByRole(AriaRole.Button, new() { Name = "转为提案" })).ToHaveCountAsync(0);
        await Expect(other).ToContainTextAsync("待回复");
        await Expect(other.GetByRole(AriaRole.Button, new() { Name = "转为提案" })).ToHaveCountAsync(1);
        Assert.Equal("", await browser.WithDbAsync(db => db.StudioMessages.Where(m => m.TrackingCode == "ZZZZZZZZZ2").Select(m => m.Answer).FirstAsync()));
        await browser.ScreenshotAsync(member, "studio-converted");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

        // The citizen types the code (lower case, with a space) on the tracking page: the answer and 已转为委员提案, nothing internal.
        await citizen.GotoAsync("/studios/track");
        await citizen.GetByLabel("查询码（10 位）").FillAsync(code[..5].ToLowerInvariant() + " " + code[5..].ToLowerInvariant());
        await citizen.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Expect(citizen).ToHaveURLAsync(new Regex($"/studios/track/{code}$"));
        await Expect(citizen.Locator("#track-result")).ToContainTextAsync("已转办");
        await Expect(citizen.Locator("#track-note")).ToHaveTextAsync("已转为委员提案，正在办理");
        await Expect(citizen.Locator("#track-answer")).ToHaveTextAsync(AnswerText);
        var html = await citizen.ContentAsync();
        Assert.DoesNotContain(setup.MemberPhone, html);
        Assert.DoesNotContain("/proposals", html);
        Assert.DoesNotContain(draftTitle, html);
        Assert.DoesNotContain(setup.MemberName, await citizen.Locator("#track-result").InnerTextAsync());
        await Expect(citizen.Locator($"a[href*='/proposals/']")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync(citizen, "studio-tracking");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(citizen);

        // The public API answer of the same code says as little.
        var api = await citizenContext.APIRequest.GetAsync($"/api/studio-messages/{code}");
        Assert.Equal(200, api.Status);
        var json = await api.TextAsync();
        Assert.DoesNotContain(setup.MemberPhone, json);
        Assert.DoesNotContain(CitizenPhone, json);
        Assert.DoesNotContain("proposal", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(draftTitle, json);
    }
}
