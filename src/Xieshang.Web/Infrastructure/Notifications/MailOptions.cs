using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>
/// Outgoing mail, bound from the <c>Smtp</c> section and validated on start. With <see cref="Host"/> set, mail goes
/// out through that SMTP server (MailKit); without it, every mail is written as an <c>.eml</c> file into
/// <see cref="PickupDirectory"/>, and the pages tell staff so (<c>MailModeNotice</c>).
/// </summary>
public sealed class SmtpOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Smtp";

    /// <summary>SMTP server host name; empty (the default) = pickup-folder mode.</summary>
    public string Host { get; set; } = "";

    /// <summary>SMTP port (default 587; 465 for implicit TLS, 25 for a relay).</summary>
    public int Port { get; set; } = 587;

    /// <summary>
    /// Transport security: <c>Auto</c> (default: TLS on connect for port 465, STARTTLS when offered otherwise),
    /// <c>None</c>, <c>SslOnConnect</c>, <c>StartTls</c> (required) or <c>StartTlsWhenAvailable</c>.
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    /// <summary>Account for SMTP AUTH; empty = no authentication.</summary>
    public string UserName { get; set; } = "";

    /// <summary>Password for SMTP AUTH (environment <c>Smtp__Password</c>; never logged).</summary>
    public string Password { get; set; } = "";

    /// <summary>Sender as <c>Display Name &lt;address&gt;</c> or a bare address, e.g. <c>六盘水市政协 &lt;noreply@lps.gov.cn&gt;</c>.</summary>
    public string From { get; set; } = "政协履职平台 <noreply@localhost>";

    /// <summary>Folder for <c>.eml</c> files when no <see cref="Host"/> is set; relative paths are under the content root.</summary>
    public string PickupDirectory { get; set; } = "App_Data/mail-pickup";

    /// <summary>Timeout of one SMTP connection or command, in seconds (default 30).</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Attempts per mail before the sender gives up on it (default 8; the row stays with its last error).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the first retry, in seconds (default 60); doubles with every further failure, at most one day.</summary>
    public int RetrySeconds { get; set; } = 60;

    /// <summary>Most mails sent in one batch (default 50).</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Seconds between two looks at the outbox by the background sender (default 5).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>True when mail goes out through SMTP (<see cref="Host"/> is set).</summary>
    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The parsed <see cref="From"/> mailbox (valid after start-up validation).</summary>
    public MailboxAddress FromMailbox() => MailboxAddress.Parse(From);

    /// <summary>Delay before attempt number <paramref name="attempts"/> + 1, after <paramref name="attempts"/> failures.</summary>
    public TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(86_400, RetrySeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30))));
}

/// <summary>Checks <see cref="SmtpOptions"/> at start-up, with messages that name the setting.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions o)
    {
        var errors = new List<string>();
        if (o.Port is < 1 or > 65535) errors.Add($"Smtp:Port must be 1–65535 (is {o.Port}).");
        if (!MailboxAddress.TryParse(o.From, out var from) || !from.Address.Contains('@'))
            errors.Add($"Smtp:From must be an address or \"Name <address>\" (is \"{o.From}\").");
        if (o.UserName.Length > 0 && o.Password.Length == 0) errors.Add("Smtp:UserName is set but Smtp:Password is empty.");
        if (!o.UsesSmtp && string.IsNullOrWhiteSpace(o.PickupDirectory)) errors.Add("Smtp:PickupDirectory must be set when Smtp:Host is empty.");
        if (o.TimeoutSeconds is < 1 or > 600) errors.Add("Smtp:TimeoutSeconds must be 1–600.");
        if (o.MaxAttempts is < 1 or > 100) errors.Add("Smtp:MaxAttempts must be 1–100.");
        if (o.RetrySeconds is < 1 or > 86_400) errors.Add("Smtp:RetrySeconds must be 1–86400.");
        if (o.BatchSize is < 1 or > 1000) errors.Add("Smtp:BatchSize must be 1–1000.");
        if (o.PollSeconds is < 1 or > 3600) errors.Add("Smtp:PollSeconds must be 1–3600.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Where the platform is reached from outside, bound from the <c>App</c> section: <c>App:PublicUrl</c>
/// (default <c>http://localhost:5080</c>). Mail and other messages that leave the platform link to it.
/// </summary>
public sealed class PublicUrlOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "App";

    /// <summary>Absolute http(s) address of the platform as users reach it, e.g. <c>https://zx.lps.gov.cn</c>.</summary>
    public string PublicUrl { get; set; } = "http://localhost:5080";

    /// <summary>The absolute address of the local path <paramref name="localPath"/> (<c>/activities/12</c>); other values unchanged.</summary>
    public string Absolute(string localPath) =>
        WebSetup.IsLocalUrl(localPath) ? PublicUrl.TrimEnd('/') + localPath : localPath;
}

/// <summary>Checks <see cref="PublicUrlOptions"/> at start-up.</summary>
public sealed class PublicUrlOptionsValidator : IValidateOptions<PublicUrlOptions>
{
    public ValidateOptionsResult Validate(string? name, PublicUrlOptions o) =>
        Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) && u.Query.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"App:PublicUrl must be an absolute http or https address without a query (is \"{o.PublicUrl}\").");
}

/// <summary>Background jobs of notifications, bound from the <c>Notifications</c> section.</summary>
public sealed class NotificationJobOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Notifications";

    /// <summary>Run the outbox sender and the activity reminders in this instance (default true; several instances share the work through job leases).</summary>
    public bool Jobs { get; set; } = true;

    /// <summary>Seconds between two looks for due activity reminders (default 60).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 86_400)]
    public int ReminderCheckSeconds { get; set; } = 60;
}
