using System.ComponentModel.DataAnnotations;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// Proposal rules bound from the <c>Proposals</c> configuration section and validated on start. Defaults follow
/// the CPPCC National Committee's proposal work rules (政协全国委员会提案工作条例) as DOMAIN.md §4.3 quotes them.
/// </summary>
public sealed class ProposalOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Proposals";

    /// <summary>Days co-signers have to sign or decline after submission (default 5); unanswered ones then expire.</summary>
    [Range(1, 60)]
    public int CoSignDays { get; set; } = 5;

    /// <summary>Months from assignment to the reply deadline (default 3; 办理期限三个月).</summary>
    [Range(1, 12)]
    public int ReplyMonths { get; set; } = 3;

    /// <summary>Months from assignment to the latest extended reply deadline (default 6; 最长不超过六个月).</summary>
    [Range(1, 24)]
    public int MaxReplyMonths { get; set; } = 6;

    /// <summary>Months co-units have to send their views to the lead unit (default 1).</summary>
    [Range(1, 12)]
    public int CoUnitMonths { get; set; } = 1;

    /// <summary>Working days a unit has to return a misassigned proposal (default 10).</summary>
    [Range(1, 60)]
    public int ReturnWorkingDays { get; set; } = 10;

    /// <summary>Days before a deadline at which the unit is reminded (default 14 and 3); each reminder goes once.</summary>
    public int[] ReminderDays { get; set; } = [14, 3];

    /// <summary>Largest attachment accepted (bytes, default 20 MB).</summary>
    [Range(1, 200 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;
}
