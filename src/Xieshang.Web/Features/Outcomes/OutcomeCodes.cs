namespace Xieshang.Web.Features.Outcomes;

/// <summary>Options of outcome tracking, section <c>Outcomes</c> of the configuration.</summary>
public sealed class OutcomeOptions
{
    /// <summary>An adopted outcome not implemented with no progress report for this many days is 「停滞」 (default 60).</summary>
    public int StalledDays { get; set; } = 60;
}

/// <summary>API codes and Chinese names of outcome kinds, adoption states, list statuses and work-item types.</summary>
public static class OutcomeCodes
{
    /// <summary>Adoption states with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(AdoptionStatus Status, string Code, string Name)> Adoptions =
    [
        (AdoptionStatus.Pending, "pending", "待采纳"),
        (AdoptionStatus.Adopted, "adopted", "已采纳"),
        (AdoptionStatus.PartlyAdopted, "partly", "部分采纳"),
        (AdoptionStatus.NotAdopted, "not-adopted", "未采纳"),
    ];

    /// <summary>Parses an adoption code (case-insensitive); null when unknown.</summary>
    public static AdoptionStatus? ParseAdoption(string? code) => Adoptions.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Status : null;

    /// <summary>API code of an adoption state.</summary>
    public static string AdoptionCode(AdoptionStatus s) => Adoptions.First(x => x.Status == s).Code;

    /// <summary>Chinese name of an adoption state.</summary>
    public static string AdoptionName(AdoptionStatus s) => Adoptions.First(x => x.Status == s).Name;

    /// <summary>Outcome kinds with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(OutcomeKind Kind, string Code, string Name)> Kinds =
    [
        (OutcomeKind.Recommendation, "recommendation", "协商建议"),
        (OutcomeKind.ResearchReport, "research-report", "调研视察报告"),
        (OutcomeKind.ConsultationResult, "consultation-result", "协商成果"),
        (OutcomeKind.ProposalReply, "proposal-reply", "提案办理"),
        (OutcomeKind.OpinionItem, "opinion", "社情民意"),
    ];

    /// <summary>Parses a kind code; null when unknown.</summary>
    public static OutcomeKind? ParseKind(string? code) => Kinds.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Kind : null;

    /// <summary>API code of a kind.</summary>
    public static string KindCode(OutcomeKind k) => Kinds.First(x => x.Kind == k).Code;

    /// <summary>Chinese name of a kind.</summary>
    public static string KindName(OutcomeKind k) => Kinds.First(x => x.Kind == k).Name;

    /// <summary>
    /// List filters of <c>GET /api/outcomes?status=</c>: the four adoption codes, and <c>implementing</c> (adopted or partly
    /// adopted, not yet implemented, stalled ones included), <c>implemented</c> (100 %), <c>stalled</c> (implementing with no
    /// progress report or adoption change for <see cref="OutcomeOptions.StalledDays"/> days).
    /// </summary>
    public static readonly IReadOnlyList<(string Code, string Name)> Statuses =
    [
        ("pending", "待采纳"), ("adopted", "已采纳"), ("partly", "部分采纳"), ("not-adopted", "未采纳"),
        ("implementing", "落实中"), ("implemented", "已落实"), ("stalled", "停滞"),
    ];

    /// <summary>Work-item types with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(WorkItemType Type, string Code, string Name)> Types =
    [
        (WorkItemType.Research, "research", "调研视察"),
        (WorkItemType.StudioMessage, "studio-message", "群众留言"),
        (WorkItemType.Proposal, "proposal", "提案"),
        (WorkItemType.OpinionItem, "opinion", "社情民意"),
        (WorkItemType.Consultation, "consultation", "协商"),
        (WorkItemType.Outcome, "outcome", "成果"),
        (WorkItemType.Activity, "activity", "活动"),
        (WorkItemType.Topic, "topic", "调研课题"),
        (WorkItemType.Studio, "studio", "委员工作室"),
    ];

    /// <summary>Parses a work-item type code; null when unknown.</summary>
    public static WorkItemType? ParseType(string? code) => Types.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Type : null;

    /// <summary>API code of a work-item type.</summary>
    public static string TypeCode(WorkItemType t) => Types.First(x => x.Type == t).Code;

    /// <summary>Chinese name of a work-item type.</summary>
    public static string TypeName(WorkItemType t) => Types.First(x => x.Type == t).Name;

    /// <summary>True for adopted and partly adopted.</summary>
    public static bool IsAdopted(AdoptionStatus s) => s is AdoptionStatus.Adopted or AdoptionStatus.PartlyAdopted;
}
