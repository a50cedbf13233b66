using System.Net;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Infrastructure.Notifications;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Tests.Features.Inbox;

/// <summary>The inbox page (/inbox) through HTTP with the login cookie, in pickup-folder mail mode, on both providers.</summary>
public abstract class InboxPageTests(AppFactory app, string pickupFolder)
{
    [Fact]
    public async Task The_page_lists_the_accounts_messages_with_unread_ones_highlighted_and_a_badge_in_the_header()
    {
        var d = await InboxTestData.CreateAsync(app);
        var member = await app.SignedInPageClientAsync("member.520201");
        var html = await member.GetHtmlAsync("/inbox");
        Assert.Contains("<h1>消息</h1>", html);
        Assert.Contains(d.MemberTitle, html);
        Assert.Contains(d.AccountTitle, html);
        Assert.DoesNotContain(d.LeaderTitle, html);
        Assert.DoesNotContain(d.OtherTitle, html);
        Assert.Contains($"<a href=\"/inbox/{d.ToMember}/open\">{d.MemberTitle}</a>", html);
        Assert.Contains($"action=\"/inbox/{d.ToMember}/read\"", html);
        Assert.Contains("请于 12 月 3 日 09:00 出席。\n地点：区政协二楼", html); // the body as written (shown with its line breaks)
        Assert.Contains("活动通知", html); // the kind's label
        Assert.Matches("class=\"list-group-item xs-unread\"", html);
        Assert.Contains("xs-inbox-badge", html); // unread count next to the header link
        Assert.DoesNotContain("邮件未配置 SMTP", html); // members are not told about the mail set-up

        // Marking one read with its form comes back to the same list; the unread filter no longer shows it.
        var token = PageClient.Token(html);
        var res = await member.PostAsync($"/inbox/{d.ToMember}/read", Form(token, "/inbox?unread=true"));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/inbox?unread=true", res.Target());
        var unread = await member.GetHtmlAsync("/inbox?unread=true");
        Assert.DoesNotContain(d.MemberTitle, unread);
        Assert.Contains(d.AccountTitle, unread);

        // Opening a message marks it read and goes to what it is about.
        var open = await member.GetAsync($"/inbox/{d.ToMemberAccount}/open");
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.Equal("/activities/2", open.Target());
        Assert.NotNull(await ReadAtAsync(d.ToMemberAccount));

        // "Mark all read" empties the unread list; a return address elsewhere is not followed.
        await app.WithDbAsync(async db =>
        {
            await Notifier.ToMembersAsync(db, [await db.Users.Where(u => u.UserName == "member.520201").Select(u => u.MemberId!.Value).FirstAsync()],
                new Notice("activity.reminder", $"活动提醒：{d.Tag}", "明天开会", "/activities/5"), TimeProvider.System, default);
            return await db.SaveChangesAsync();
        });
        res = await member.PostAsync("/inbox/read-all", Form(PageClient.Token(await member.GetHtmlAsync("/inbox")), "https://evil.example/inbox"));
        Assert.Equal("/inbox", res.Target());
        var none = await member.GetHtmlAsync("/inbox?unread=true");
        Assert.Contains("没有未读消息", none);
        Assert.DoesNotContain("xs-inbox-badge", none);
    }

    [Fact]
    public async Task Someone_elses_message_cannot_be_opened_or_marked_from_the_page()
    {
        var d = await InboxTestData.CreateAsync(app);
        var member = await app.SignedInPageClientAsync("member.520201");
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/inbox/{d.ToLeader}/open")).StatusCode);
        var staff = await app.SignedInPageClientAsync("staff.520201");
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/inbox/{d.ToMember}/open")).StatusCode);
        var res = await member.PostAsync($"/inbox/{d.ToLeader}/read", Form(PageClient.Token(await member.GetHtmlAsync("/inbox")), "/inbox"));
        Assert.Equal("/status/404", res.Target());
        Assert.Null(await ReadAtAsync(d.ToLeader));
        Assert.Null(await ReadAtAsync(d.ToMember));

        // Signed out: the page and its links lead to the login.
        var anonymous = app.CreatePageClient();
        Assert.StartsWith("/account/login", (await anonymous.GetAsync("/inbox")).Target());
        Assert.StartsWith("/account/login", (await anonymous.GetAsync($"/inbox/{d.ToMember}/open")).Target());
    }

    [Fact]
    public async Task A_link_that_leaves_the_site_is_not_rendered_or_followed()
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, "member.520204");
        var id = await app.WithDbAsync(async db =>
        {
            var n = new Notification { MemberId = memberId, Kind = "activity.published", Title = "外部链接测试", Body = "", Link = "//evil.example/x", CreatedAt = DateTimeOffset.UtcNow };
            db.Notifications.Add(n);
            await db.SaveChangesAsync();
            return n.Id;
        });
        var member = await app.SignedInPageClientAsync("member.520204");
        var html = await member.GetHtmlAsync("/inbox");
        Assert.Contains("外部链接测试", html);
        Assert.DoesNotContain("evil.example", html);
        Assert.DoesNotContain($"/inbox/{id}/open", html);
        Assert.Equal("/inbox", (await member.GetAsync($"/inbox/{id}/open")).Target());
    }

    [Fact]
    public async Task Staff_are_told_that_mail_is_not_sent_only_administrators_see_the_folder_and_the_setting()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var html = await staff.GetHtmlAsync("/inbox");
        Assert.Contains("电子邮件尚未真正发出", html);
        Assert.Contains("收存在服务器上的一个文件夹里", html);
        // No server path, no setting name for staff.
        Assert.DoesNotContain(pickupFolder, html);
        Assert.DoesNotContain("Smtp:Host", html);
        Assert.DoesNotContain("服务器上的完整路径", html);
        Assert.DoesNotContain("投递目录", html);
        var admin = await (await app.SignedInPageClientAsync("admin")).GetHtmlAsync("/inbox");
        Assert.Contains($"邮件未配置 SMTP，已写入投递目录 {pickupFolder}", admin);
        Assert.Contains($"服务器上的完整路径：{pickupFolder}", admin);
        Assert.Contains("Smtp:Host", admin);
        var leader = await app.SignedInPageClientAsync("leader.520200");
        Assert.DoesNotContain("电子邮件尚未真正发出", await leader.GetHtmlAsync("/inbox"));
        Assert.DoesNotContain("邮件未配置 SMTP", await leader.GetHtmlAsync("/inbox"));

        // The English UI says the same.
        var en = await staff.GetHtmlAsync("/inbox?culture=en");
        Assert.Contains("E-mail is not being sent yet", en);
        Assert.DoesNotContain(pickupFolder, en);
    }

    private static FormUrlEncodedContent Form(string token, string returnUrl) =>
        new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["returnUrl"] = returnUrl });

    private Task<DateTimeOffset?> ReadAtAsync(long id) =>
        app.WithDbAsync(db => db.Notifications.Where(n => n.Id == id).Select(n => n.ReadAt).SingleAsync());
}

public sealed class InboxPageSqliteTests(PickupSqliteAppFactory app) : InboxPageTests(app, app.PickupFolder), IClassFixture<PickupSqliteAppFactory>;
public sealed class InboxPagePostgresTests(PickupPostgresAppFactory app) : InboxPageTests(app, app.PickupFolder), IClassFixture<PickupPostgresAppFactory>;
