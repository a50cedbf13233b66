using Microsoft.Extensions.Options;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>
/// How mail leaves this instance, for the pages: through SMTP, or into the pickup folder (then the UI says so,
/// see <c>Features/Inbox/MailModeNotice.razor</c>). Registered as a singleton by <see cref="NotificationsSetup.AddNotifications"/>.
/// </summary>
public sealed class MailMode(IOptions<SmtpOptions> options, IHostEnvironment env)
{
    /// <summary>True when <c>Smtp:Host</c> is set and mail goes out through SMTP.</summary>
    public bool UsesSmtp => options.Value.UsesSmtp;

    /// <summary>The SMTP server as <c>host:port</c>, empty in pickup mode.</summary>
    public string Server => UsesSmtp ? $"{options.Value.Host}:{options.Value.Port}" : "";

    /// <summary><c>Smtp:PickupDirectory</c> as configured (e.g. <c>App_Data/mail-pickup</c>).</summary>
    public string ConfiguredPickupDirectory => options.Value.PickupDirectory;

    /// <summary>Full path of the pickup folder (relative settings are under the content root).</summary>
    public string PickupDirectory => Path.GetFullPath(Path.Combine(env.ContentRootPath, options.Value.PickupDirectory));
}
