using Xieshang.Web.Infrastructure.Workflow;
using S = Xieshang.Web.Features.Proposals.ProposalStatus;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// The roles a person can hold toward one proposal (computed by <see cref="ProposalAccess.ActorsAsync"/>).
/// The graph's edges name one of these; <see cref="System"/> edges are taken only by the rules themselves
/// (the follow-on steps: co-signing done, all units replied, all replies rated, a dissatisfied rating).
/// </summary>
public static class ProposalActors
{
    /// <summary>The first proposer (a member), or the account that entered a collective proposal.</summary>
    public const string Proposer = "proposer";
    /// <summary>A co-signer whose answer is still pending.</summary>
    public const string CoSigner = "co-signer";
    /// <summary>Staff who manage the proposal's committee (the proposals office), and the administrator.</summary>
    public const string Office = "office";
    /// <summary>The supervising leader of a key proposal.</summary>
    public const string Supervisor = "supervisor";
    /// <summary>A unit with an active replying assignment (single, separate or lead).</summary>
    public const string Unit = "unit";
    /// <summary>A unit with an active co-unit assignment (会办).</summary>
    public const string CoUnit = "co-unit";
    /// <summary>The rules' follow-on steps.</summary>
    public const string System = "system";
}

/// <summary>
/// The national proposal workflow (DOMAIN.md §4.3) as data: (state, action, actor) → next state. Anything not an
/// edge is refused (<see cref="WorkflowGraph{TState}.Resolve"/>: 409 not in this state, 403 not your role).
/// Follow-on steps taken by the rules in the same request are <see cref="ProposalActors.System"/> edges, so the
/// graph stays the one place that says where a proposal may go. Action codes are the API's
/// (<c>POST /api/proposals/{id}/actions/{action}</c>).
/// </summary>
public static class ProposalWorkflow
{
    private const string P = ProposalActors.Proposer, C = ProposalActors.CoSigner, O = ProposalActors.Office,
        L = ProposalActors.Supervisor, U = ProposalActors.Unit, CU = ProposalActors.CoUnit, Sys = ProposalActors.System;

    /// <summary>Follow-on (system) action: every co-signer answered or expired.</summary>
    public const string CoSigningDone = "co-signing-done";
    /// <summary>Follow-on: every replying unit of the round replied.</summary>
    public const string AllReplied = "all-replied";
    /// <summary>Follow-on: every active assignment was returned as misassigned; the office reassigns.</summary>
    public const string AllReturned = "all-returned";
    /// <summary>Follow-on: every reply of the round rated satisfied or basically satisfied.</summary>
    public const string AllRated = "all-rated";
    /// <summary>Follow-on: a reply was rated dissatisfied; its unit handles it again.</summary>
    public const string Rehandle = "rehandle";

    private static readonly S[] InHand = [S.Assigned, S.Handling, S.Rehandling];

    /// <summary>Every edge, in the order pages list actions.</summary>
    public static readonly IReadOnlyList<WorkflowEdge<S>> Edges = Build();

    /// <summary>The graph.</summary>
    public static readonly WorkflowGraph<S> Graph = new(Edges, StateName, ActionName);

    private static List<WorkflowEdge<S>> Build()
    {
        var e = new List<WorkflowEdge<S>>();
        void Add(S from, string action, string actor, S to) => e.Add(new(from, action, actor, to));

        // Writing and co-signing.
        Add(S.Draft, "submit", P, S.CoSigning);
        Add(S.Draft, "withdraw", P, S.Withdrawn);
        Add(S.CoSigning, "sign", C, S.CoSigning);
        Add(S.CoSigning, "decline", C, S.CoSigning);
        Add(S.CoSigning, CoSigningDone, Sys, S.Submitted);
        Add(S.CoSigning, "withdraw", P, S.Withdrawn);
        // Review.
        foreach (var s in new[] { S.Submitted, S.UnderReview })
        {
            if (s == S.Submitted) Add(s, "review", O, S.UnderReview);
            Add(s, "file", O, S.Filed);
            Add(s, "reject", O, S.NotFiled);
            Add(s, "merge", O, S.Merged);
            Add(s, "return", O, S.Returned);
            Add(s, "withdraw", P, S.Withdrawn);
        }
        Add(S.Returned, "submit", P, S.Submitted);
        Add(S.Returned, "withdraw", P, S.Withdrawn);
        // Assignment and handling.
        Add(S.Filed, "assign", O, S.Assigned);
        Add(S.Assigned, "assign", O, S.Assigned);
        Add(S.Assigned, "return-assignment", U, S.Assigned);
        Add(S.Assigned, "return-assignment", CU, S.Assigned);
        Add(S.Assigned, AllReturned, Sys, S.Filed);
        // Once one unit is handling it, another may still return its part and the office assign a replacement.
        Add(S.Handling, "assign", O, S.Handling);
        Add(S.Handling, "return-assignment", U, S.Handling);
        Add(S.Handling, "return-assignment", CU, S.Handling);
        Add(S.Assigned, "contact", U, S.Handling);
        Add(S.Handling, "contact", U, S.Handling);
        Add(S.Rehandling, "contact", U, S.Rehandling);
        foreach (var s in InHand) Add(s, "send-views", CU, s);
        Add(S.Handling, "reply", U, S.Handling);
        Add(S.Handling, AllReplied, Sys, S.Replied);
        Add(S.Rehandling, "reply", U, S.Rehandling);
        Add(S.Rehandling, AllReplied, Sys, S.Replied);
        foreach (var s in InHand) Add(s, "extend", O, s);
        // Feedback and closure.
        Add(S.Replied, "rate", P, S.Replied);
        Add(S.Replied, AllRated, Sys, S.Rated);
        Add(S.Replied, Rehandle, Sys, S.Rehandling);
        Add(S.Replied, "close", O, S.Closed);
        Add(S.Rated, "close", O, S.Closed);
        // Key and excellent proposals.
        foreach (var s in new[] { S.Filed, S.Assigned, S.Handling, S.Rehandling, S.Replied })
            Add(s, "mark-key", O, s);
        foreach (var s in new[] { S.Assigned, S.Handling, S.Rehandling, S.Replied })
        {
            Add(s, "supervise", L, s);
            Add(s, "supervise", O, s);
        }
        foreach (var s in new[] { S.Replied, S.Rated, S.Closed })
            Add(s, "mark-excellent", O, s);
        return e;
    }

    /// <summary>The states in which the proposer may still edit title, body and co-signers.</summary>
    public static bool Editable(S s) => s is S.Draft or S.Returned;

    /// <summary>True from filing on (filed, assigned, in hand, replied, rated, closed): what members and the public may see.</summary>
    public static bool IsFiled(S s) => s is S.Filed or S.Assigned or S.Handling or S.Replied or S.Rated or S.Rehandling or S.Closed;

    /// <summary>API code of a state, e.g. <c>under-review</c>.</summary>
    public static string StateCode(S s) => s switch
    {
        S.Draft => "draft",
        S.CoSigning => "co-signing",
        S.Submitted => "submitted",
        S.UnderReview => "under-review",
        S.Filed => "filed",
        S.NotFiled => "not-filed",
        S.Merged => "merged",
        S.Returned => "returned",
        S.Withdrawn => "withdrawn",
        S.Assigned => "assigned",
        S.Handling => "handling",
        S.Replied => "replied",
        S.Rated => "rated",
        S.Rehandling => "rehandling",
        S.Closed => "closed",
        _ => s.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses a state code (see <see cref="StateCode"/>); null when unknown.</summary>
    public static S? ParseState(string? code) =>
        Enum.GetValues<S>().Where(s => StateCode(s) == code?.Trim().ToLowerInvariant()).Select(s => (S?)s).FirstOrDefault();

    /// <summary>Chinese name of a state.</summary>
    public static string StateName(S s) => s switch
    {
        S.Draft => "草稿",
        S.CoSigning => "联名中",
        S.Submitted => "已提交",
        S.UnderReview => "审查中",
        S.Filed => "已立案",
        S.NotFiled => "不予立案",
        S.Merged => "已并案",
        S.Returned => "退回修改",
        S.Withdrawn => "已撤案",
        S.Assigned => "已交办",
        S.Handling => "办理中",
        S.Replied => "已答复",
        S.Rated => "已评价",
        S.Rehandling => "重新办理",
        S.Closed => "已办结",
        _ => s.ToString(),
    };

    /// <summary>Chinese name of an action code (the code itself when unknown).</summary>
    public static string ActionName(string action) => action switch
    {
        "create" => "创建",
        "edit" => "修改",
        "submit" => "提交",
        "withdraw" => "撤案",
        "sign" => "联名签署",
        "decline" => "拒绝联名",
        "review" => "开始审查",
        "file" => "立案",
        "reject" => "不予立案",
        "merge" => "并案",
        "return" => "退回修改",
        "assign" => "交办",
        "return-assignment" => "退回交办",
        "contact" => "办前沟通",
        "send-views" => "提交会办意见",
        "reply" => "答复",
        "extend" => "延长办理期限",
        "rate" => "评价答复",
        "close" => "办结",
        "mark-key" => "列为重点提案",
        "supervise" => "督办",
        "mark-excellent" => "评为优秀提案",
        "attach" => "上传附件",
        CoSigningDone => "联名结束",
        AllReplied => "全部答复",
        AllReturned => "全部退回待重新交办",
        AllRated => "评价完成",
        Rehandle => "转重新办理",
        "co-sign-expired" => "联名超时",
        _ => action,
    };
}
