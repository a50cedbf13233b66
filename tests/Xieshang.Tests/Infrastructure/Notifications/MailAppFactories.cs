using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Infrastructure.Notifications;

/// <summary>Settings shared by the notification test apps.</summary>
public static class MailTestSettings
{
    /// <summary>Sender configured in the test apps: a Chinese display name, as committees use.</summary>
    public const string From = "六盘水市政协 <noreply@lps.example.cn>";
    /// <summary><c>App:PublicUrl</c> of the test apps.</summary>
    public const string PublicUrl = "https://zx.example.cn";
    /// <summary>SMTP AUTH account the test listener requires.</summary>
    public const string SmtpUser = "mailer";
    public const string SmtpPassword = "Mail-pass-2026";

    /// <summary>No background jobs (tests call the plain methods with their own clocks), the sender and the public address.</summary>
    public static void Common(IWebHostBuilder b)
    {
        b.UseSetting("Notifications:Jobs", "false");
        b.UseSetting("Smtp:From", From);
        b.UseSetting("App:PublicUrl", PublicUrl);
    }

    /// <summary>Mail through the test SMTP listener, with authentication, no TLS (loopback).</summary>
    public static void Smtp(IWebHostBuilder b, SmtpListener smtp)
    {
        Common(b);
        b.UseSetting("Smtp:Host", "127.0.0.1");
        b.UseSetting("Smtp:Port", smtp.Port.ToString());
        b.UseSetting("Smtp:Security", "None");
        b.UseSetting("Smtp:UserName", SmtpUser);
        b.UseSetting("Smtp:Password", SmtpPassword);
        b.UseSetting("Smtp:TimeoutSeconds", "10");
    }

    /// <summary>Pickup mode (no <c>Smtp:Host</c>) into <paramref name="folder"/>.</summary>
    public static void Pickup(IWebHostBuilder b, string folder)
    {
        Common(b);
        b.UseSetting("Smtp:Host", "");
        b.UseSetting("Smtp:PickupDirectory", folder);
    }

    /// <summary>
    /// Starts the app and empties the outbox the demo filled (its coming activities notify their invitees), so each
    /// test sees only the mail it writes.
    /// </summary>
    public static async ValueTask StartWithEmptyOutboxAsync(AppFactory app, Func<ValueTask> start)
    {
        await start();
        await app.WithDbAsync(db => db.OutboxMails.ExecuteDeleteAsync());
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempFolder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"xs-mail-{Guid.NewGuid():N}")).FullName;
}

/// <summary>The app on SQLite, sending mail to an SMTP listener in the test process.</summary>
public sealed class MailSqliteAppFactory : SqliteAppFactory
{
    public SmtpListener Smtp { get; } = SmtpListener.Start(MailTestSettings.SmtpUser, MailTestSettings.SmtpPassword);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        MailTestSettings.Smtp(builder, Smtp);
    }

    public override ValueTask InitializeAsync() => MailTestSettings.StartWithEmptyOutboxAsync(this, base.InitializeAsync);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>The app on PostgreSQL, sending mail to an SMTP listener in the test process.</summary>
public sealed class MailPostgresAppFactory : PostgresAppFactory
{
    public SmtpListener Smtp { get; } = SmtpListener.Start(MailTestSettings.SmtpUser, MailTestSettings.SmtpPassword);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        MailTestSettings.Smtp(builder, Smtp);
    }

    public override ValueTask InitializeAsync() => MailTestSettings.StartWithEmptyOutboxAsync(this, base.InitializeAsync);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>The app on SQLite without SMTP: mail goes to a temporary pickup folder.</summary>
public sealed class PickupSqliteAppFactory : SqliteAppFactory
{
    public string PickupFolder { get; } = MailTestSettings.TempFolder();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        MailTestSettings.Pickup(builder, PickupFolder);
    }

    public override ValueTask InitializeAsync() => MailTestSettings.StartWithEmptyOutboxAsync(this, base.InitializeAsync);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(PickupFolder, recursive: true);
    }
}

/// <summary>The app on PostgreSQL without SMTP: mail goes to a temporary pickup folder.</summary>
public sealed class PickupPostgresAppFactory : PostgresAppFactory
{
    public string PickupFolder { get; } = MailTestSettings.TempFolder();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        MailTestSettings.Pickup(builder, PickupFolder);
    }

    public override ValueTask InitializeAsync() => MailTestSettings.StartWithEmptyOutboxAsync(this, base.InitializeAsync);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(PickupFolder, recursive: true);
    }
}
