using Xieshang.Web.Infrastructure.Workflow;
using S = Xieshang.Web.Features.Opinions.OpinionStatus;

namespace Xieshang.Web.Features.Opinions;

/// <summary>The roles a person can hold toward one item (computed by <see cref="OpinionAccess.Actors"/>).</summary>
public static class OpinionActors
{
    /// <summary>The author member, or the account that entered the item for them.</summary>
    public const string Author = "author";
    /// <summary>Staff who manage the item's committee (<c>Scope.CanManage</c>), and the administrator.</summary>
    public const string Office = "office";
}

/// <summary>
/// The public-opinion item workflow (DOMAIN.md §4.4) as data: (state, action, actor) → next state, on the generic
/// <see cref="WorkflowGraph{TState}"/>. Anything not an edge is refused (409 not in this state, 403 not your role).
/// Action codes are the API's (<c>POST /api/opinions/{id}/actions/{action}</c>).
/// </summary>
public static class OpinionWorkflow
{
    private const string A = OpinionActors.Author, O = OpinionActors.Office;

    /// <summary>Timeline action of an item converted from a proposal that was not filed (not an edge: the proposal workflow takes it).</summary>
    public const string Convert = "convert";

    /// <summary>Actions that need a reason (<c>reason</c> in the body).</summary>
    public static readonly IReadOnlySet<string> NeedReason = new HashSet<string>(StringComparer.Ordinal) { "reject", "return" };

    /// <summary>Every edge, in the order pages list actions.</summary>
    public static readonly IReadOnlyList<WorkflowEdge<S>> Edges =
    [
        new(S.Draft, "submit", A, S.Submitted),
        new(S.Draft, "withdraw", A, S.Withdrawn),
        new(S.Submitted, "review", O, S.UnderReview),
        new(S.Submitted, "accept", O, S.Accepted),
        new(S.Submitted, "keep", O, S.Kept),
        new(S.Submitted, "reject", O, S.NotUsed),
        new(S.Submitted, "return", O, S.Returned),
        new(S.Submitted, "withdraw", A, S.Withdrawn),
        new(S.UnderReview, "accept", O, S.Accepted),
        new(S.UnderReview, "keep", O, S.Kept),
        new(S.UnderReview, "reject", O, S.NotUsed),
        new(S.UnderReview, "return", O, S.Returned),
        new(S.UnderReview, "withdraw", A, S.Withdrawn),
        new(S.Returned, "submit", A, S.Submitted),
        new(S.Returned, "withdraw", A, S.Withdrawn),
        // A kept item may still be used later.
        new(S.Kept, "accept", O, S.Accepted),
    ];

    /// <summary>The graph.</summary>
    public static readonly WorkflowGraph<S> Graph = new(Edges, StateName, ActionName);

    /// <summary>States in which the author may edit title, body and co-authors.</summary>
    public static bool Editable(S s) => s is S.Draft or S.Returned;

    /// <summary>API code of a state.</summary>
    public static string StateCode(S s) => s switch
    {
        S.Draft => "draft",
        S.Submitted => "submitted",
        S.UnderReview => "under-review",
        S.Accepted => "accepted",
        S.Kept => "kept",
        S.NotUsed => "not-used",
        S.Returned => "returned",
        S.Withdrawn => "withdrawn",
        _ => s.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses a state code (see <see cref="StateCode"/>); null when unknown.</summary>
    public static S? ParseState(string? code) =>
        Enum.GetValues<S>().Where(s => StateCode(s) == code?.Trim().ToLowerInvariant()).Select(s => (S?)s).FirstOrDefault();

    /// <summary>Chinese name of a state.</summary>
    public static string StateName(S s) => s switch
    {
        S.Draft => "草稿",
        S.Submitted => "已报送",
        S.UnderReview => "审核中",
        S.Accepted => "录用",
        S.Kept => "留存",
        S.NotUsed => "不采用",
        S.Returned => "退回",
        S.Withdrawn => "已撤回",
        _ => s.ToString(),
    };

    /// <summary>Chinese name of an action code (the code itself when unknown).</summary>
    public static string ActionName(string action) => action switch
    {
        "create" => "创建",
        "edit" => "修改",
        "submit" => "报送",
        "withdraw" => "撤回",
        "review" => "开始审核",
        "accept" => "录用",
        "keep" => "留存",
        "reject" => "不采用",
        "return" => "退回",
        Convert => "由提案转来",
        "bulletin" => "编入《社情民意》",
        "adoption" => "记录采用",
        "instruction" => "记录领导批示",
        "outcome-deleted" => "删除采用/批示记录",
        _ => action,
    };

    /// <summary>API code of a level.</summary>
    public static string LevelCode(OpinionLevel l) => l switch
    {
        OpinionLevel.County => "county",
        OpinionLevel.City => "city",
        OpinionLevel.Province => "province",
        _ => "national",
    };

    /// <summary>Parses a level code (<c>county</c>, <c>city</c>, <c>province</c>, <c>national</c>); null when unknown.</summary>
    public static OpinionLevel? ParseLevel(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "county" => OpinionLevel.County,
        "city" => OpinionLevel.City,
        "province" => OpinionLevel.Province,
        "national" => OpinionLevel.National,
        _ => null,
    };

    /// <summary>Chinese name of a level.</summary>
    public static string LevelName(OpinionLevel l) => l switch
    {
        OpinionLevel.County => "县级",
        OpinionLevel.City => "市级",
        OpinionLevel.Province => "省级",
        _ => "全国",
    };
}
