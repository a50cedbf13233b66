using System.ComponentModel.DataAnnotations;

namespace Xieshang.Web.Infrastructure.Retention;

/// <summary>How long the platform keeps the audit log and citizens' personal data in studio messages. Section <c>Retention</c>, validated on start.</summary>
public sealed class RetentionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Retention";

    /// <summary>Smallest allowed <see cref="AuditLogDays"/>: six months rounded up.</summary>
    public const int MinimumAuditLogDays = 180;

    /// <summary>
    /// Days an audit entry is kept (default 1095, three years); older entries are deleted by the daily retention job.
    /// At least <see cref="MinimumAuditLogDays"/>: 《中华人民共和国网络安全法》第二十一条（三）requires network operators to
    /// keep the network logs recording their network's operation and security events for no less than six months
    /// （留存相关的网络日志不少于六个月）, so a shorter period refuses to start.
    /// </summary>
    [Range(MinimumAuditLogDays, 36500, ErrorMessage = "Retention:AuditLogDays 不得少于 180 天（《网络安全法》第二十一条：网络日志留存不少于六个月），不得多于 36500 天。")]
    public int AuditLogDays { get; set; } = 1095;

    /// <summary>
    /// Days after a studio message was answered, converted or closed until the citizen's personal data in it (name,
    /// phone, photo, tracking code, client-address key) is cleared (default 730, two years). The matter's text, the
    /// answer, its status and times stay, so the studio's statistics do not change. Messages still waiting for an
    /// answer are never touched.
    /// </summary>
    [Range(1, 36500, ErrorMessage = "Retention:StudioMessageDays 须在 1 到 36500 天之间。")]
    public int StudioMessageDays { get; set; } = 730;

    /// <summary>Hours after which a file in the upload folder with no <c>StoredFile</c> row (or a left-over temporary file) is deleted (default 24).</summary>
    [Range(1, 8760, ErrorMessage = "Retention:OrphanFileHours 须在 1 到 8760 小时之间。")]
    public int OrphanFileHours { get; set; } = 24;
}
