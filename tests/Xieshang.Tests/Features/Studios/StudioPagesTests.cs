using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Studios;
using static Xieshang.Tests.Features.Studios.StudioSteps;

namespace Xieshang.Tests.Features.Studios;

/// <summary>
/// The studio pages: a citizen leaves a message on the public page (multipart form with the challenge; a wrong answer keeps
/// the text and stores nothing) and lands on the tracking page with the code; the member on duty answers in the inbox and the
/// tracking page shows the answer; the manage page lists the studio; the inbox is 403 for a member not on duty.
/// </summary>
public abstract partial class StudioPagesTests(AppFactory app)
{
    [GeneratedRegex("name=\"challengeToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("验证题：([^<]+)</label>")]
    private static partial Regex QuestionLabel();

    private static MultipartFormDataContent Form(string html, string content, string? answer = null)
    {
        var question = QuestionLabel().Match(html).Groups[1].Value;
        return new MultipartFormDataContent
        {
            { new StringContent(PageClient.Token(html)), "__RequestVerificationToken" }, { new StringContent("message"), "_handler" },
            { new StringContent(content), "content" }, { new StringContent("张大爷"), "name" }, { new StringContent("13855556666"), "phone" },
            { new StringContent(TokenField().Match(html).Groups[1].Value), "challengeToken" }, { new StringContent(answer ?? Solve(question)), "challengeAnswer" },
            { new StringContent(""), "website" },
        };
    }

    [Fact]
    public async Task A_citizen_leaves_a_message_on_the_phone_page_and_sees_the_answer_a_member_on_duty_gives_in_the_inbox()
    {
        var onDuty = await MemberIdOfAsync(app, "member.520201");
        var (offUser, offDuty) = await OffDutyMemberAsync(app);
        var studio = await CreateStudioAsync(app, [new { memberId = onDuty, onDuty = true }, new { memberId = offDuty, onDuty = false }], true, "钟山区页面测试工作室");
        var citizen = app.CreatePageClient();
        var page = await citizen.GetHtmlAsync($"/studios/{studio}");
        Assert.Contains("钟山区页面测试工作室", page);
        Assert.Contains("每月第一个周三上午", page);

        // A wrong answer: the Chinese message, the text kept, nothing stored.
        var before = await app.WithDbAsync(db => db.StudioMessages.CountAsync());
        var wrong = await citizen.PostAsync($"/studios/{studio}", Form(page, "楼道灯不亮", "999"));
        var wrongHtml = await wrong.HtmlAsync();
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("验证题答案不正确", wrongHtml);
        Assert.Contains("楼道灯不亮", wrongHtml);
        Assert.Equal(before, await app.WithDbAsync(db => db.StudioMessages.CountAsync()));
        // The wrong answer used the question up: the page shows a new one, and the old token with the right answer is refused.
        Assert.NotEqual(TokenField().Match(page).Groups[1].Value, TokenField().Match(wrongHtml).Groups[1].Value);
        var again = await (await citizen.PostAsync($"/studios/{studio}", Form(page, "楼道灯不亮"))).HtmlAsync();
        Assert.Contains("这道验证题已使用过", again);
        Assert.Contains("楼道灯不亮", again);
        Assert.Equal(before, await app.WithDbAsync(db => db.StudioMessages.CountAsync()));

        // The textarea's limit is the rule's (1,000), and a huge post is refused without being echoed back whole.
        Assert.Contains("maxlength=\"1000\"", page);
        var huge = await (await citizen.PostAsync($"/studios/{studio}", Form(again, new string('长', 300_000)))).HtmlAsync();
        Assert.Contains("不能超过 1000 个字", huge);
        Assert.Contains(new string('长', 1100), huge);
        Assert.DoesNotContain(new string('长', 1101), huge);

        var sent = await citizen.PostAsync($"/studios/{studio}", Form(huge, "楼道灯不亮，老人上下楼危险。"));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var target = sent.Target();
        Assert.StartsWith("/studios/track/", target);
        var code = target["/studios/track/".Length..].Split('?')[0];
        var track = await citizen.GetHtmlAsync(target);
        Assert.Contains(code, track);
        Assert.Contains("待回复", track);

        // The member on duty answers in the inbox; the phone shows there.
        var member = await app.SignedInPageClientAsync("member.520201");
        var inbox = await member.GetHtmlAsync($"/studios/{studio}/messages");
        Assert.Contains("不计已关闭的", inbox); // the header counts what the stats count, and says closed ones are not
        Assert.Contains("13855556666", inbox);
        Assert.Contains("href=\"tel:13855556666\"", inbox); // one tap to call back on a phone
        Assert.Contains("尚未回应", inbox); // not 「回应时间中位数 — · 3 个工作日内回应 —」
        Assert.DoesNotContain("中位数 —", inbox);
        var id = await app.WithDbAsync(db => db.StudioMessages.Where(m => m.TrackingCode == code).Select(m => m.Id).FirstAsync());
        var answered = await member.PostAsync($"/studios/{studio}/messages", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(inbox), ["_handler"] = $"answer-{id}", ["id"] = id.ToString(), ["text"] = "已请物业更换灯泡。",
        }));
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        var after = await citizen.GetHtmlAsync($"/studios/track/{code}");
        Assert.Contains("已请物业更换灯泡。", after);
        Assert.DoesNotContain("13855556666", after);

        // The manage page lists it; a member not on duty gets 403 on the inbox.
        Assert.Contains("钟山区页面测试工作室", await (await app.SignedInPageClientAsync("staff.520201")).GetHtmlAsync("/studios/manage"));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync(offUser)).GetAsync($"/studios/{studio}/messages")).StatusCode);
        Assert.Contains("钟山区页面测试工作室", await citizen.GetHtmlAsync("/studios"));
    }
}

public sealed class StudioPagesSqliteTests(StudioSqliteFactory app) : StudioPagesTests(app), IClassFixture<StudioSqliteFactory>;
public sealed class StudioPagesPostgresTests(StudioPostgresFactory app) : StudioPagesTests(app), IClassFixture<StudioPostgresFactory>;
