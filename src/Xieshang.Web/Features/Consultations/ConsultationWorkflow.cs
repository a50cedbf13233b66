using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure.Workflow;
using S = Xieshang.Web.Features.Consultations.ConsultationStatus;
using T = Xieshang.Web.Features.Consultations.PlanTopicStatus;
using P = Xieshang.Web.Features.Consultations.PlanStatus;

namespace Xieshang.Web.Features.Consultations;

/// <summary>
/// The consultation workflows as data on <see cref="WorkflowGraph{TState}"/>: a consultation's steps (DOMAIN.md §4.5),
/// a plan topic's review and a plan's publication, plus the API codes and Chinese names of every enum of the slice.
/// The only actor is the office (<c>office</c>: staff who manage the committee, and the administrator).
/// </summary>
public static class ConsultationWorkflow
{
    /// <summary>Staff managing the committee (<c>Scope.CanManage</c>) and the administrator.</summary>
    public const string Office = "office";

    /// <summary>The steps of a consultation: topic → research → notice → meeting → minutes → adoption → implementation → feedback → closed.</summary>
    public static readonly IReadOnlyList<WorkflowEdge<S>> Edges =
    [
        new(S.Topic, "research", Office, S.Research),
        new(S.Topic, "notify", Office, S.Notice),
        new(S.Research, "notify", Office, S.Notice),
        new(S.Notice, "meet", Office, S.Meeting),
        new(S.Meeting, "minutes", Office, S.Minutes),
        new(S.Minutes, "submit", Office, S.Adoption),
        new(S.Adoption, "implement", Office, S.Implementation),
        new(S.Adoption, "feedback", Office, S.Feedback),
        new(S.Implementation, "feedback", Office, S.Feedback),
        new(S.Feedback, "close", Office, S.Closed),
    ];

    /// <summary>The consultation graph.</summary>
    public static readonly WorkflowGraph<S> Graph = new(Edges, StatusName, ActionName);

    /// <summary>Review of a plan topic.</summary>
    public static readonly IReadOnlyList<WorkflowEdge<T>> TopicEdges =
    [
        new(T.Suggested, "approve", Office, T.Approved),
        new(T.Suggested, "reject", Office, T.Rejected),
        new(T.Approved, "schedule", Office, T.Scheduled),
        new(T.Approved, "reject", Office, T.Rejected),
        new(T.Scheduled, "schedule", Office, T.Scheduled),
        new(T.Rejected, "reopen", Office, T.Suggested),
    ];

    /// <summary>The topic graph.</summary>
    public static readonly WorkflowGraph<T> TopicGraph = new(TopicEdges, TopicStatusName, ActionName);

    /// <summary>Publication of a plan.</summary>
    public static readonly IReadOnlyList<WorkflowEdge<P>> PlanEdges =
    [
        new(P.Draft, "publish", Office, P.Published),
        new(P.Published, "unpublish", Office, P.Draft),
    ];

    /// <summary>The plan graph.</summary>
    public static readonly WorkflowGraph<P> PlanGraph = new(PlanEdges, s => s == P.Draft ? "草稿" : "已发布", ActionName);

    /// <summary>Every step in order, with its API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(S Status, string Code, string Name)> Steps =
    [
        (S.Topic, "topic", "确定议题"),
        (S.Research, "research", "调研"),
        (S.Notice, "notice", "会议通知"),
        (S.Meeting, "meeting", "协商会议"),
        (S.Minutes, "minutes", "纪要和建议"),
        (S.Adoption, "adoption", "报送采纳"),
        (S.Implementation, "implementation", "落实"),
        (S.Feedback, "feedback", "反馈"),
        (S.Closed, "closed", "办结"),
    ];

    /// <summary>API code of a step.</summary>
    public static string StatusCode(S s) => Steps.First(x => x.Status == s).Code;

    /// <summary>Chinese name of a step.</summary>
    public static string StatusName(S s) => Steps.First(x => x.Status == s).Name;

    /// <summary>Parses a step code; null when unknown.</summary>
    public static S? ParseStatus(string? code) => Steps.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Status : null;

    /// <summary>Chinese name of an action code of any of the graphs.</summary>
    public static string ActionName(string action) => action switch
    {
        "create" => "登记协商",
        "research" => "开始调研",
        "notify" => "发出会议通知",
        "meet" => "召开会议",
        "minutes" => "形成纪要和建议",
        "submit" => "报送采纳",
        "implement" => "进入落实",
        "feedback" => "反馈",
        "close" => "办结",
        "approve" => "同意列入",
        "reject" => "不予列入",
        "schedule" => "安排时间",
        "reopen" => "重新审议",
        "publish" => "发布计划",
        "unpublish" => "撤回计划",
        "meeting" => "安排会议",
        "materials" => "送达会议材料",
        "minutes-saved" => "保存纪要",
        _ => action,
    };

    /// <summary>API code of a topic state.</summary>
    public static string TopicStatusCode(T s) => s.ToString().ToLowerInvariant();

    /// <summary>Chinese name of a topic state.</summary>
    public static string TopicStatusName(T s) => s switch
    {
        T.Suggested => "待审议",
        T.Approved => "已同意",
        T.Rejected => "未列入",
        _ => "已安排",
    };

    /// <summary>Suggester kinds with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(SuggesterKind Kind, string Code, string Name)> SuggesterKinds =
    [
        (SuggesterKind.Party, "party", "民主党派、工商联"),
        (SuggesterKind.SpecialCommittee, "special", "专门委员会"),
        (SuggesterKind.Sector, "sector", "界别"),
        (SuggesterKind.LowerCommittee, "lower", "下级政协"),
    ];

    /// <summary>Parses a suggester kind code.</summary>
    public static SuggesterKind? ParseSuggester(string? code) => SuggesterKinds.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Kind : null;

    /// <summary>API code of a suggester kind.</summary>
    public static string SuggesterCode(SuggesterKind k) => SuggesterKinds.First(x => x.Kind == k).Code;

    /// <summary>Participant categories with API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(ParticipantCategory Category, string Code, string Name)> ParticipantCategories =
    [
        (ParticipantCategory.Official, "official", "党政部门干部"),
        (ParticipantCategory.Entrepreneur, "entrepreneur", "企业家"),
        (ParticipantCategory.Banker, "banker", "金融机构人员"),
        (ParticipantCategory.Villager, "villager", "村（居）民"),
        (ParticipantCategory.Expert, "expert", "专家学者"),
        (ParticipantCategory.Other, "other", "其他"),
    ];

    /// <summary>Parses a participant category code.</summary>
    public static ParticipantCategory? ParseCategory(string? code) => ParticipantCategories.FirstOrDefault(x => x.Code == code?.Trim().ToLowerInvariant()) is { Code: not null } hit ? hit.Category : null;

    /// <summary>API code of a participant category.</summary>
    public static string CategoryCode(ParticipantCategory c) => ParticipantCategories.First(x => x.Category == c).Code;

    /// <summary>Chinese name of a participant category.</summary>
    public static string CategoryName(ParticipantCategory c) => ParticipantCategories.First(x => x.Category == c).Name;
}
