using Xieshang.Web.Infrastructure.Workflow;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// The research workflows as data on <see cref="WorkflowGraph{TState}"/>: the plan's approval and the report's workflow,
/// with the API codes and Chinese names of the slice's enums. Actors (<see cref="ResearchAccess.Actors"/>):
/// <c>office</c> (staff who manage an organising committee, and the administrator), <c>leader</c> (a leader of the lead
/// committee, and the administrator), <c>author</c> (the team's 执笔人).
/// </summary>
public static class ResearchWorkflow
{
    /// <summary>Staff managing an organising committee (<c>Scope.CanManage</c>), and the administrator.</summary>
    public const string Office = "office";
    /// <summary>A leader (<c>leader</c> role) of the lead committee, and the administrator.</summary>
    public const string Leader = "leader";
    /// <summary>The team's author (执笔人).</summary>
    public const string Author = "author";

    /// <summary>The plan: planning → submitted (office) → approved or returned to planning (leader).</summary>
    public static readonly IReadOnlyList<WorkflowEdge<ResearchStatus>> PlanEdges =
    [
        new(ResearchStatus.Planning, "submit", Office, ResearchStatus.PlanSubmitted),
        new(ResearchStatus.PlanSubmitted, "approve", Leader, ResearchStatus.PlanApproved),
        new(ResearchStatus.PlanSubmitted, "return", Leader, ResearchStatus.Planning),
    ];

    /// <summary>The plan graph (states are the project's <see cref="ResearchStatus"/>).</summary>
    public static readonly WorkflowGraph<ResearchStatus> PlanGraph = new(PlanEdges, StatusName, PlanActionName);

    /// <summary>The report: draft/returned → submitted (author, office) → approved (leader) → sent (office); submitted or approved → returned (leader).</summary>
    public static readonly IReadOnlyList<WorkflowEdge<ReportStatus>> ReportEdges =
    [
        new(ReportStatus.Draft, "submit", Author, ReportStatus.Submitted),
        new(ReportStatus.Draft, "submit", Office, ReportStatus.Submitted),
        new(ReportStatus.Returned, "submit", Author, ReportStatus.Submitted),
        new(ReportStatus.Returned, "submit", Office, ReportStatus.Submitted),
        new(ReportStatus.Submitted, "approve", Leader, ReportStatus.Approved),
        new(ReportStatus.Submitted, "return", Leader, ReportStatus.Returned),
        new(ReportStatus.Approved, "send", Office, ReportStatus.Sent),
        new(ReportStatus.Approved, "return", Leader, ReportStatus.Returned),
    ];

    /// <summary>The report graph.</summary>
    public static readonly WorkflowGraph<ReportStatus> ReportGraph = new(ReportEdges, ReportStatusName, ReportActionName);

    /// <summary>Project kinds with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(ResearchKind Kind, string Code, string Name)> Kinds =
    [
        (ResearchKind.Research, "research", "调研"),
        (ResearchKind.Inspection, "inspection", "视察"),
    ];

    /// <summary>Parses a kind code; null when unknown.</summary>
    public static ResearchKind? ParseKind(string? code) => Kinds.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Kind : null;

    /// <summary>API code of a kind.</summary>
    public static string KindCode(ResearchKind k) => Kinds.First(x => x.Kind == k).Code;

    /// <summary>Chinese name of a kind.</summary>
    public static string KindName(ResearchKind k) => Kinds.First(x => x.Kind == k).Name;

    /// <summary>Project states with API code and Chinese name, in order.</summary>
    public static readonly IReadOnlyList<(ResearchStatus Status, string Code, string Name)> Statuses =
    [
        (ResearchStatus.Planning, "planning", "立项"),
        (ResearchStatus.PlanSubmitted, "plan-submitted", "方案待审批"),
        (ResearchStatus.PlanApproved, "plan-approved", "方案已批准"),
        (ResearchStatus.FieldWork, "fieldwork", "实地调研"),
        (ResearchStatus.Reporting, "reporting", "撰写报告"),
        (ResearchStatus.Completed, "completed", "已完成"),
        (ResearchStatus.Cancelled, "cancelled", "已取消"),
    ];

    /// <summary>Parses a status code; null when unknown.</summary>
    public static ResearchStatus? ParseStatus(string? code) => Statuses.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Status : null;

    /// <summary>API code of a status.</summary>
    public static string StatusCode(ResearchStatus s) => Statuses.First(x => x.Status == s).Code;

    /// <summary>Chinese name of a status.</summary>
    public static string StatusName(ResearchStatus s) => Statuses.First(x => x.Status == s).Name;

    /// <summary>Report states with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(ReportStatus Status, string Code, string Name)> ReportStatuses =
    [
        (ReportStatus.Draft, "draft", "起草中"),
        (ReportStatus.Submitted, "submitted", "已提交待审"),
        (ReportStatus.Approved, "approved", "已审定"),
        (ReportStatus.Sent, "sent", "已报送"),
        (ReportStatus.Returned, "returned", "已退回修改"),
    ];

    /// <summary>API code of a report state.</summary>
    public static string ReportStatusCode(ReportStatus s) => ReportStatuses.First(x => x.Status == s).Code;

    /// <summary>Chinese name of a report state.</summary>
    public static string ReportStatusName(ReportStatus s) => ReportStatuses.First(x => x.Status == s).Name;

    /// <summary>Team roles with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(TeamRole Role, string Code, string Name)> Roles =
    [
        (TeamRole.Leader, "leader", "组长"),
        (TeamRole.Member, "member", "成员"),
        (TeamRole.Author, "author", "执笔人"),
        (TeamRole.Staff, "staff", "工作人员"),
    ];

    /// <summary>API code of a team role.</summary>
    public static string RoleCode(TeamRole r) => Roles.First(x => x.Role == r).Code;

    /// <summary>Chinese name of a team role.</summary>
    public static string RoleName(TeamRole r) => Roles.First(x => x.Role == r).Name;

    /// <summary>Field-work kinds with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(FieldWorkKind Kind, string Code, string Name)> FieldWorkKinds =
    [
        (FieldWorkKind.Visit, "visit", "走访"),
        (FieldWorkKind.Meeting, "meeting", "座谈"),
        (FieldWorkKind.Questionnaire, "questionnaire", "问卷"),
    ];

    /// <summary>Parses a field-work kind code; null when unknown.</summary>
    public static FieldWorkKind? ParseFieldWorkKind(string? code) => FieldWorkKinds.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Kind : null;

    /// <summary>API code of a field-work kind.</summary>
    public static string FieldWorkKindCode(FieldWorkKind k) => FieldWorkKinds.First(x => x.Kind == k).Code;

    /// <summary>Chinese name of a field-work kind.</summary>
    public static string FieldWorkKindName(FieldWorkKind k) => FieldWorkKinds.First(x => x.Kind == k).Name;

    /// <summary>Output kinds with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(ResearchOutputKind Kind, string Code, string Name)> OutputKinds =
    [
        (ResearchOutputKind.Proposal, "proposal", "提案"),
        (ResearchOutputKind.Opinion, "opinion", "社情民意信息"),
        (ResearchOutputKind.Recommendation, "recommendation", "建议"),
        (ResearchOutputKind.Speech, "speech", "大会发言"),
    ];

    /// <summary>Parses an output kind code; null when unknown.</summary>
    public static ResearchOutputKind? ParseOutputKind(string? code) => OutputKinds.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Kind : null;

    /// <summary>API code of an output kind.</summary>
    public static string OutputKindCode(ResearchOutputKind k) => OutputKinds.First(x => x.Kind == k).Code;

    /// <summary>Chinese name of an output kind.</summary>
    public static string OutputKindName(ResearchOutputKind k) => OutputKinds.First(x => x.Kind == k).Name;

    /// <summary>Chinese name of a plan action.</summary>
    public static string PlanActionName(string action) => action switch
    {
        "submit" => "提交调研方案",
        "approve" => "批准调研方案",
        "return" => "退回调研方案",
        _ => action,
    };

    /// <summary>Chinese name of a report action.</summary>
    public static string ReportActionName(string action) => action switch
    {
        "submit" => "提交报告",
        "approve" => "审定报告",
        "return" => "退回报告",
        "send" => "报送报告",
        _ => action,
    };

    /// <summary>
    /// What a successful form on the research page did, keyed by the timeline event's code (<see cref="EventName"/>'s keys:
    /// <c>plan-approve</c>, <c>report-send</c>, …): the page redirects with <c>?done=CODE</c> and shows this message. The one
    /// table of action → message; an unknown code shows nothing. <c>{0}</c> is the body the report was sent to.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DoneMessages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["plan-submit"] = "方案已提交，等待领导审批。",
        ["plan-approve"] = "方案已批准，可以安排实地调研。",
        ["plan-return"] = "方案已退回修改。",
        ["report-save"] = "报告已保存。",
        ["report-submit"] = "报告已提交，等待领导审定。",
        ["report-approve"] = "报告已审定，可以报送。",
        ["report-return"] = "报告已退回修改。",
        ["report-send"] = "报告已报送{0}，已登记为待采纳的成果。",
        ["fieldwork"] = "实地调研已安排，调研组成员已收到邀请。",
        ["file"] = "文件已上传。",
        ["output"] = "成果已登记。",
        ["team"] = "调研组已保存。",
        ["cancel"] = "项目已取消。",
    };

    /// <summary>
    /// The message of <see cref="DoneMessages"/> for <paramref name="code"/> with <paramref name="sentTo"/> (报送单位, may be
    /// empty) filled in; null when the code is unknown.
    /// </summary>
    public static string? DoneMessage(string? code, string? sentTo = null) =>
        code is not null && DoneMessages.TryGetValue(code, out var m) ? string.Format(System.Globalization.CultureInfo.InvariantCulture, m, sentTo ?? "") : null;

    /// <summary>Chinese name of a timeline event (<see cref="ResearchEvent.Action"/>).</summary>
    public static string EventName(string action) => action switch
    {
        "create" => "立项",
        "plan-submit" => "提交调研方案",
        "plan-approve" => "批准调研方案",
        "plan-return" => "退回调研方案",
        "report-save" => "保存报告",
        "report-submit" => "提交报告",
        "report-approve" => "审定报告",
        "report-return" => "退回报告",
        "report-send" => "报送报告",
        "fieldwork" => "安排实地调研",
        "file" => "上传记录或照片",
        "output" => "登记成果",
        "share" => "共享报告",
        "team" => "调整调研组",
        "cancel" => "取消项目",
        _ => action,
    };
}
