using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Tests.Infrastructure.Notifications;

/// <summary>
/// The outbox sender against a real SMTP server in the test process (<see cref="SmtpListener"/>) and a real pickup
/// folder, on SQLite and PostgreSQL: Chinese text intact, retries with back-off, giving up, the background shell
/// under its lease, and start-up validation of the settings.
/// </summary>
public abstract class MailSenderTests(AppFactory app, SmtpListener smtp)
{
    /// <summary>A name with a middle dot and a character beyond the BMP (𠮷, U+20BB7).</summary>
    private const string HardName = "买买提·艾力𠮷";

    [Fact]
    public async Task A_notice_arrives_through_SMTP_with_its_Chinese_text_intact_and_an_absolute_link()
    {
        var address = $"maimaiti.{Guid.NewGuid():N}@example.cn";
        var memberId = await app.WithDbAsync(async db =>
        {
            var id = await db.Members.Where(m => m.Committee!.Code == "520200").OrderBy(m => m.Id).Select(m => m.Id).FirstAsync();
            await db.Members.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, HardName).SetProperty(m => m.Email, address));
            return id;
        });
        var subject = "活动通知：政协六盘水市第九届委员会第四次会议 𠮷";
        var body = "尊敬的委员：\n会议定于 2026年12月3日（星期四）09:00 在市政协三楼会议室举行，请准时出席。";
        await app.WithDbAsync(async db =>
        {
            await Notifier.ToMembersAsync(db, [memberId], new Notice("activity.published", subject, body, "/activities/7"), TimeProvider.System, default);
            return await db.SaveChangesAsync();
        });

        var result = await app.WithDbAsync(db => app.Services.GetRequiredService<MailSender>().SendPendingAsync(db));

        Assert.True(result.Sent >= 1, $"sent {result.Sent}");
        var got = Assert.Single(smtp.To(address));
        var m = got.Message;
        Assert.Equal(subject, m.Subject);
        var to = Assert.IsType<MailboxAddress>(Assert.Single(m.To));
        Assert.Equal(HardName, to.Name);
        Assert.Equal(address, to.Address);
        var from = Assert.IsType<MailboxAddress>(Assert.Single(m.From));
        Assert.Equal("六盘水市政协", from.Name);
        Assert.Equal("noreply@lps.example.cn", from.Address);
        Assert.Equal("noreply@lps.example.cn", got.EnvelopeFrom);
        Assert.Equal(MailTestSettings.SmtpUser, got.AuthenticatedUser); // SMTP AUTH with the configured account
        Assert.Equal("auto-generated", m.Headers["Auto-Submitted"]);
        var text = (m.TextBody ?? "").Replace("\r\n", "\n");
        Assert.Contains(body, text);
        Assert.Contains(Notifier.LinkLabel + MailTestSettings.PublicUrl + "/activities/7", text);
        Assert.Contains(MailComposer.Footer, text);
        Assert.Equal("utf-8", Assert.IsType<TextPart>(m.Body).ContentType.Charset, ignoreCase: true);

        // The row says it went out; the member also has the inbox message.
        var row = await app.WithDbAsync(db => db.OutboxMails.AsNoTracking().SingleAsync(x => x.To == address));
        Assert.NotNull(row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Equal("", row.LastError);
        Assert.Equal(HardName, row.ToName);
        Assert.StartsWith($"outbox.{row.Id}.", m.MessageId);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == memberId && n.Title == subject && n.Link == "/activities/7")));

        // Sending again sends nothing twice.
        await app.WithDbAsync(db => app.Services.GetRequiredService<MailSender>().SendPendingAsync(db));
        Assert.Single(smtp.To(address));
    }

    [Fact]
    public async Task An_unreachable_server_leaves_the_mail_unsent_with_the_attempt_counted_and_it_is_retried_later()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var address = $"retry.{Guid.NewGuid():N}@example.cn";
        var id = await AddMailAsync(address, "张三", "请假审批结果", "您的请假申请已批准。", clock);
        var dead = Sender(o => { o.Port = SmtpListener.FreePort(); o.TimeoutSeconds = 5; }, clock);

        var first = await app.WithDbAsync(db => dead.SendPendingAsync(db));
        Assert.Equal(1, first.Failed);
        var row = await RowAsync(id);
        Assert.Null(row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.NotEqual("", row.LastError);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(60), row.NextAttemptAt, TimeSpan.FromMilliseconds(1));

        // Not due yet: nothing happens, even with the server back.
        var live = Sender(_ => { }, clock);
        Assert.Equal(MailBatchResult.Empty, await app.WithDbAsync(db => live.SendPendingAsync(db)));
        Assert.Empty(smtp.To(address));

        // A second failure doubles the wait.
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, (await app.WithDbAsync(db => dead.SendPendingAsync(db))).Failed);
        row = await RowAsync(id);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(120), row.NextAttemptAt, TimeSpan.FromMilliseconds(1));

        // When it is due again and the server answers, it goes out once.
        clock.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal(1, (await app.WithDbAsync(db => live.SendPendingAsync(db))).Sent);
        row = await RowAsync(id);
        Assert.NotNull(row.SentAt);
        Assert.Equal(3, row.Attempts);
        Assert.Equal("", row.LastError);
        Assert.Equal("请假审批结果", Assert.Single(smtp.To(address)).Message.Subject);
    }

    [Fact]
    public async Task A_permanent_refusal_or_used_up_attempts_stop_the_retries()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var refused = $"refused.{Guid.NewGuid():N}@example.cn";
        smtp.RefusedRecipients[refused] = true;
        var refusedId = await AddMailAsync(refused, "李四", "活动提醒", "正文", clock);
        var result = await app.WithDbAsync(db => Sender(_ => { }, clock).SendPendingAsync(db));
        Assert.Equal(1, result.GaveUp);
        var row = await RowAsync(refusedId);
        Assert.Null(row.SentAt);
        Assert.Equal(8, row.Attempts); // Smtp:MaxAttempts: no more tries
        Assert.Contains("550", row.LastError);

        var unreachable = $"gone.{Guid.NewGuid():N}@example.cn";
        var goneId = await AddMailAsync(unreachable, "王五", "活动通知", "正文", clock);
        var dead = Sender(o => { o.Port = SmtpListener.FreePort(); o.MaxAttempts = 2; o.TimeoutSeconds = 5; }, clock);
        Assert.Equal(1, (await app.WithDbAsync(db => dead.SendPendingAsync(db))).Failed);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (await app.WithDbAsync(db => dead.SendPendingAsync(db))).GaveUp);
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(MailBatchResult.Empty, await app.WithDbAsync(db => dead.SendPendingAsync(db)));
        row = await RowAsync(goneId);
        Assert.Equal(2, row.Attempts);
        Assert.Null(row.SentAt);

        // Neither mail is picked up again, even with the server reachable.
        await app.WithDbAsync(db => Sender(o => o.MaxAttempts = 2, clock).SendPendingAsync(db));
        Assert.Empty(smtp.To(refused));
        Assert.Empty(smtp.To(unreachable));
        Assert.Null((await RowAsync(refusedId)).SentAt);
    }

    [Fact]
    public async Task Without_SMTP_each_mail_becomes_an_eml_file_in_the_pickup_folder_that_MimeKit_reads_back()
    {
        var folder = MailTestSettings.TempFolder();
        try
        {
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var address = $"pickup.{Guid.NewGuid():N}@example.cn";
            var body = "您受邀参加的活动即将开始：界别协商座谈会\n时间：2026年12月3日（星期四）09:00（北京时间）\n" + Notifier.LinkLabel + "/activities/12";
            var id = await AddMailAsync(address, HardName, "活动提醒：界别协商座谈会 𠮷", body, clock);
            var pickup = Sender(o => { o.Host = ""; o.PickupDirectory = folder; }, clock);

            var result = await app.WithDbAsync(db => pickup.SendPendingAsync(db));

            Assert.Equal(1, result.Sent);
            var file = Assert.Single(Directory.GetFiles(folder));
            Assert.EndsWith($"-{id}.eml", file);
            var m = await MimeMessage.LoadAsync(file);
            Assert.Equal("活动提醒：界别协商座谈会 𠮷", m.Subject);
            Assert.Equal(HardName, Assert.IsType<MailboxAddress>(Assert.Single(m.To)).Name);
            Assert.Equal("六盘水市政协", Assert.IsType<MailboxAddress>(Assert.Single(m.From)).Name);
            var text = (m.TextBody ?? "").Replace("\r\n", "\n");
            Assert.Contains("时间：2026年12月3日（星期四）09:00（北京时间）", text);
            Assert.Contains(Notifier.LinkLabel + MailTestSettings.PublicUrl + "/activities/12", text);
            // Readable on disk: the body is stored as UTF-8 text, lines end in CRLF.
            var raw = await File.ReadAllBytesAsync(file);
            Assert.Contains("界别协商座谈会", Encoding.UTF8.GetString(raw));
            Assert.Contains("\r\n", Encoding.UTF8.GetString(raw));
            var row = await RowAsync(id);
            Assert.NotNull(row.SentAt);
            Assert.Equal(1, row.Attempts);
            Assert.Empty(smtp.To(address));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_background_sender_sends_under_its_lease_and_waits_while_another_instance_holds_it()
    {
        // Another instance holds the lease: this one must not send.
        var future = DateTimeOffset.UtcNow.AddHours(1);
        await app.WithDbAsync(async db =>
        {
            if (!await db.JobLeases.AnyAsync(l => l.Name == NotificationJobs.MailLease))
                db.JobLeases.Add(new JobLease { Name = NotificationJobs.MailLease });
            await db.SaveChangesAsync();
            return await db.JobLeases.Where(l => l.Name == NotificationJobs.MailLease)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, "another-instance").SetProperty(l => l.ExpiresAt, future));
        });
        var address = $"shell.{Guid.NewGuid():N}@example.cn";
        var id = await AddMailAsync(address, "赵六", "后台发送", "正文", TimeProvider.System);
        await using var instance = app.WithWebHostBuilder(b => b.UseSetting("Notifications:Jobs", "true").UseSetting("Smtp:PollSeconds", "1"));
        _ = instance.Services; // starts the second instance and its jobs
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(smtp.To(address));
        Assert.Null((await RowAsync(id)).SentAt);

        // The other instance's lease ends: the mail goes out, and the lease is released after the run.
        await app.WithDbAsync(db => db.JobLeases.Where(l => l.Name == NotificationJobs.MailLease)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        var got = await smtp.WaitForAsync(address, TimeSpan.FromSeconds(30));
        Assert.Equal("后台发送", got.Message.Subject);
        await WaitUntilAsync(async () => (await RowAsync(id)).SentAt is not null);
        Assert.Single(smtp.To(address));
    }

    [Fact]
    public async Task With_SMTP_configured_the_inbox_page_shows_no_pickup_notice()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync("/inbox");
        Assert.Contains("<h1>消息</h1>", html);
        Assert.DoesNotContain("邮件未配置 SMTP", html);
        Assert.True(app.Services.GetRequiredService<MailMode>().UsesSmtp);
    }

    [Fact]
    public void Bad_mail_settings_stop_the_start_with_a_message_naming_the_setting()
    {
        foreach (var (key, value, message) in new[]
                 {
                     ("Smtp:Port", "0", "Smtp:Port"),
                     ("Smtp:From", "不是地址", "Smtp:From"),
                     ("App:PublicUrl", "zx.example.cn", "App:PublicUrl"),
                     ("Activities:ReminderDays", "-1", "ReminderDays"),
                 })
        {
            using var broken = app.WithWebHostBuilder(b => b.UseSetting(key, value));
            var e = Assert.ThrowsAny<Exception>(() => broken.Services);
            Assert.Contains(message, e.ToString());
        }
    }

    private MailSender Sender(Action<SmtpOptions> change, TimeProvider clock)
    {
        var o = new SmtpOptions();
        app.Services.GetRequiredService<IConfiguration>().GetSection(SmtpOptions.Section).Bind(o);
        change(o);
        var options = Options.Create(o);
        return new MailSender(options, app.Services.GetRequiredService<IOptions<PublicUrlOptions>>(),
            new MailMode(options, app.Services.GetRequiredService<IHostEnvironment>()), clock, NullLogger<MailSender>.Instance);
    }

    private Task<long> AddMailAsync(string to, string name, string subject, string body, TimeProvider clock) => app.WithDbAsync(async db =>
    {
        var now = clock.GetUtcNow();
        var mail = new OutboxMail { To = to, ToName = name, Subject = subject, Body = body, CreatedAt = now, NextAttemptAt = now };
        db.OutboxMails.Add(mail);
        await db.SaveChangesAsync();
        return mail.Id;
    });

    private Task<OutboxMail> RowAsync(long id) => app.WithDbAsync(db => db.OutboxMails.AsNoTracking().SingleAsync(m => m.Id == id));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++) await Task.Delay(100);
        Assert.True(await condition());
    }
}

public sealed class MailSenderSqliteTests(MailSqliteAppFactory app) : MailSenderTests(app, app.Smtp), IClassFixture<MailSqliteAppFactory>;
public sealed class MailSenderPostgresTests(MailPostgresAppFactory app) : MailSenderTests(app, app.Smtp), IClassFixture<MailPostgresAppFactory>;
