using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;
using Xieshang.Web.Infrastructure.Workflow;

namespace Xieshang.Web.Features.Research;

/// <summary>A rule refusal: HTTP status (400, 403, 404, 409) and a Chinese message; <see cref="Field"/> names the input at fault.</summary>
public sealed record ResearchError(int Status, string Message, string Field = "");

/// <summary>
/// Body of creating a project (<c>POST /api/research</c>): topic, kind code (<c>research</c> | <c>inspection</c>),
/// organising committee codes (first = lead), the team (leader, members, author: member ids; staff: names), background,
/// schedule (China dates), plan text. <see cref="TopicClaimId"/> is set by the claimed-topics slice (not validated here).
/// </summary>
public sealed record ResearchInput(string? Title, string? Kind, string[]? OrganizerCodes, int? LeaderId, int[]? MemberIds, int? AuthorId,
    string? Background = null, string[]? StaffNames = null, DateOnly? StartsOn = null, DateOnly? EndsOn = null, string? Plan = null,
    int? TopicClaimId = null);

/// <summary>
/// Body of <c>PUT /api/research/{id}/team</c>: leader and author (member ids), the other members (member ids; the leader
/// and author are left out if repeated) and staff names (工作人员).
/// </summary>
public sealed record ResearchTeamInput(int? LeaderId, int? AuthorId, int[]? MemberIds, string[]? StaffNames);

/// <summary>
/// Why a project is created, which decides what <c>ResearchRules.CreateAsync</c> checks itself (the role, the organisers'
/// management, a leader and author at once) and what its caller has checked before.
/// </summary>
public enum ResearchOrigin
{
    /// <summary>Staff set up a project (<c>POST /api/research</c>, <c>/research/new</c>): every check here, team required.</summary>
    Direct = 0,
    /// <summary>A same-topic sub-project (<see cref="JointResearchRules.AddSubProjectAsync"/> checked who may add or join); the team may follow.</summary>
    SubProject = 1,
    /// <summary>A claimed topic (<see cref="TopicRules.ClaimAsync"/> checked the claimant: a member for themself, staff for a sector or special committee); the team may follow.</summary>
    TopicClaim = 2,
}

/// <summary>
/// The rules of research and inspection projects (DOMAIN.md §4.6) in one place: creation and the team, the plan's
/// approval, field work as activities (through <c>ActivityRules</c>), records and photos, the report's workflow, the
/// outcome a sent report becomes, the team's duty records (through <c>DutyLedger</c>), and the outputs (proposal and
/// public-opinion drafts through their own slices' rules, recommendations, plenary speeches). Endpoints and pages only
/// translate the results. A refusal changes nothing.
/// </summary>
public static partial class ResearchRules
{
    /// <summary>Duty-record source of research projects (<c>DutyLedger</c>).</summary>
    public const string DutySource = "research";
    /// <summary>Most members on a team (leader, author and members together).</summary>
    public const int MaxTeam = 60;
    /// <summary>Most staff names on a team.</summary>
    public const int MaxStaff = 20;
    /// <summary>Largest record or photo (bytes): 10 MB.</summary>
    public const long MaxFileBytes = 10 * 1024 * 1024;

    /// <summary>Accepted records and photos by extension: the content type stored and a check of the file's first bytes.</summary>
    public static readonly IReadOnlyDictionary<string, (string ContentType, Func<byte[], bool> Looks)> FileTypes =
        new Dictionary<string, (string, Func<byte[], bool>)>(StringComparer.OrdinalIgnoreCase)
        {
            [".jpg"] = ("image/jpeg", b => StartsWith(b, [0xFF, 0xD8, 0xFF])),
            [".jpeg"] = ("image/jpeg", b => StartsWith(b, [0xFF, 0xD8, 0xFF])),
            [".png"] = ("image/png", b => StartsWith(b, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
            [".pdf"] = ("application/pdf", b => StartsWith(b, "%PDF-"u8)),
            [".docx"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b => StartsWith(b, [0x50, 0x4B, 0x03, 0x04])),
            [".xlsx"] = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b => StartsWith(b, [0x50, 0x4B, 0x03, 0x04])),
        };

    /// <summary>The accepted extensions, for the file picker's <c>accept</c> attribute.</summary>
    public const string AcceptAttribute = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx";

    private static bool StartsWith(byte[] b, ReadOnlySpan<byte> prefix) => b.AsSpan().StartsWith(prefix);

    /// <summary>
    /// Creates a project set up by staff (<c>POST /api/research</c>, <c>/research/new</c>): <see cref="ResearchOrigin.Direct"/>
    /// of <see cref="CreateAsync(AppDbContext, ResearchInput, CurrentUser, ResearchOrigin, TimeProvider, CancellationToken)"/>.
    /// </summary>
    public static Task<(ResearchProject? Project, ResearchError? Error, Dictionary<string, string[]> Errors)> CreateAsync(
        AppDbContext db, ResearchInput input, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        CreateAsync(db, input, user, ResearchOrigin.Direct, clock, ct);

    /// <summary>
    /// Creates a project and saves it with a <c>create</c> event by <paramref name="user"/> (the acting account: their name is
    /// on the project and the event). What <paramref name="origin"/> decides:
    /// <list type="bullet">
    /// <item><see cref="ResearchOrigin.Direct"/>: 403 unless <paramref name="user"/> is staff or the administrator; every
    /// organiser must be a committee the user manages (a city may co-organise with its counties; field error otherwise);
    /// leader and author are required.</item>
    /// <item><see cref="ResearchOrigin.SubProject"/> and <see cref="ResearchOrigin.TopicClaim"/>: the caller
    /// (<see cref="JointResearchRules"/>, <see cref="TopicRules"/>) has already decided that <paramref name="user"/> may
    /// start this project, so neither the role nor the organisers' management is checked here; the team may be left empty
    /// (leader and author are then required when the plan is submitted, <see cref="PlanActAsync"/>, and set with
    /// <see cref="UpdateTeamAsync"/>). Internal: only those rules pass these origins.</item>
    /// </list>
    /// Field errors (Chinese, keys <c>title</c>, <c>kind</c>, <c>organizerCodes</c>, <c>leaderId</c>, <c>memberIds</c>,
    /// <c>authorId</c>, <c>staffNames</c>, <c>background</c>, <c>plan</c>, <c>startsOn</c>, <c>endsOn</c>): unknown committee,
    /// unknown or inactive members, members outside every organiser's scope (an organiser's committee or below), a missing
    /// leader or author where required. Nothing is saved on a refusal.
    /// </summary>
    internal static async Task<(ResearchProject? Project, ResearchError? Error, Dictionary<string, string[]> Errors)> CreateAsync(
        AppDbContext db, ResearchInput input, CurrentUser user, ResearchOrigin origin, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var direct = origin == ResearchOrigin.Direct;
        if (direct && !user.IsStaff && !user.IsAdmin) return (null, new(403, "只有政协机关工作人员可以设立调研视察项目。"), errors);
        void Fail(string field, string message) => errors.TryAdd(field, [message]);

        var title = Clean(input.Title);
        if (title.Length == 0) Fail("title", "请填写调研课题。");
        else if (title.Length > 200) Fail("title", "调研课题不能超过 200 个字。");
        var kind = ResearchWorkflow.ParseKind(input.Kind);
        if (kind is null) Fail("kind", string.IsNullOrWhiteSpace(input.Kind) ? "请选择类型：research（调研）或 inspection（视察）。" : $"类型“{input.Kind}”无效，应为 research（调研）或 inspection（视察）。");
        var background = (input.Background ?? "").Trim();
        if (background.Length > 4000) Fail("background", "背景和目的不能超过 4000 个字。");
        var plan = (input.Plan ?? "").Trim();
        if (plan.Length > 8000) Fail("plan", "调研方案不能超过 8000 个字。");
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        foreach (var (field, day) in new[] { ("startsOn", input.StartsOn), ("endsOn", input.EndsOn) })
            if (day is { } d && (d.Year < 2000 || d > today.AddYears(5))) Fail(field, $"日期应在 2000 年至 {today.Year + 5} 年之间。");
        if (input.StartsOn is { } s && input.EndsOn is { } e && e < s) Fail("endsOn", "结束日期不能早于开始日期。");

        var codes = (input.OrganizerCodes ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct().ToList();
        var committees = await db.Committees.AsNoTracking().Where(c => codes.Contains(c.Code)).ToListAsync(ct);
        var organizers = new List<Committees.Committee>();
        if (codes.Count == 0) Fail("organizerCodes", "请至少指定一个组织单位（organizerCodes，第一个为牵头单位）。");
        else if (codes.FirstOrDefault(c => committees.All(x => x.Code != c)) is { } unknown) Fail("organizerCodes", $"未找到代码为“{unknown}”的政协组织。");
        else if (direct && committees.FirstOrDefault(c => !Scope.CanManage(user, c.Path)) is { } outside)
            Fail("organizerCodes", $"您无权以“{outside.Name}”的名义组织调研视察；联合调研的各组织单位须在您的管理范围内。");
        else organizers = codes.Select(c => committees.Single(x => x.Code == c)).ToList();

        var team = await TeamAsync(db, new ResearchTeamInput(input.LeaderId, input.AuthorId, input.MemberIds, input.StaffNames),
            organizers.Select(o => o.Path).ToList(), required: direct, Fail, ct);
        if (errors.Count > 0) return (null, null, errors);

        var now = clock.GetUtcNow();
        var lead = organizers[0];
        var project = new ResearchProject
        {
            Kind = kind!.Value, Title = title, Background = background, Plan = plan, Status = ResearchStatus.Planning,
            CommitteeId = lead.Id, CommitteePath = lead.Path, StartsOn = input.StartsOn, EndsOn = input.EndsOn,
            TopicClaimId = input.TopicClaimId, ReportStatus = ReportStatus.Draft, ReportTitle = title,
            CreatedBy = user.UserName, CreatedAt = now, UpdatedAt = now,
            Organizers = organizers.Select((o, i) => new ResearchOrganizer { CommitteeId = o.Id, CommitteePath = o.Path, SortOrder = i }).ToList(),
            Team = team,
        };
        project.Events.Add(Event(project, "create", "", user, now));
        db.ResearchProjects.Add(project);
        await db.SaveChangesAsync(ct);
        return (project, null, errors);
    }

    /// <summary>
    /// Checks a team (<see cref="CreateAsync(AppDbContext, ResearchInput, CurrentUser, ResearchOrigin, TimeProvider, CancellationToken)"/>
    /// and <see cref="UpdateTeamAsync"/> alike) and returns its rows: leader and author (member ids; required when
    /// <paramref name="required"/>), members (the leader and author left out), staff names (trimmed, distinct, at most
    /// <see cref="MaxStaff"/>, 64 characters each). Every member must exist, be active and belong to one of
    /// <paramref name="scopePaths"/> or below (skipped when no organiser is known yet, the organisers' own error stands).
    /// Failures go to <paramref name="fail"/> with the keys <c>leaderId</c>, <c>authorId</c>, <c>memberIds</c>, <c>staffNames</c>.
    /// </summary>
    private static async Task<List<ResearchTeamMember>> TeamAsync(AppDbContext db, ResearchTeamInput input, IReadOnlyList<string> scopePaths, bool required,
        Action<string, string> fail, CancellationToken ct)
    {
        var staffNames = (input.StaffNames ?? []).Select(n => Clean(n)).Where(n => n.Length > 0).Distinct().ToList();
        if (staffNames.Count > MaxStaff) fail("staffNames", $"工作人员不能超过 {MaxStaff} 人。");
        else if (staffNames.FirstOrDefault(n => n.Length > 64) is { } longName) fail("staffNames", $"工作人员姓名“{longName[..10]}…”过长（不超过 64 个字）。");

        if (required && input.LeaderId is null) fail("leaderId", "请选择调研组组长（leaderId）。");
        if (required && input.AuthorId is null) fail("authorId", "请选择执笔人（authorId）。");
        var memberIds = (input.MemberIds ?? []).Distinct().Where(id => id != input.LeaderId && id != input.AuthorId).ToList();
        if (memberIds.Count + 2 > MaxTeam) fail("memberIds", $"调研组委员不能超过 {MaxTeam} 人。");
        var wanted = memberIds.Concat(new[] { input.LeaderId, input.AuthorId }.OfType<int>()).Distinct().ToList();
        var members = await db.Members.AsNoTracking().Where(m => wanted.Contains(m.Id))
            .Select(m => new { m.Id, m.Name, m.CommitteePath, m.IsActive }).ToDictionaryAsync(m => m.Id, ct);
        string? Check(int id)
        {
            if (!members.TryGetValue(id, out var m)) return $"委员 {id} 不存在。";
            if (!m.IsActive) return $"{m.Name}委员已不在任。";
            if (scopePaths.Count > 0 && !scopePaths.Any(p => m.CommitteePath.StartsWith(p, StringComparison.Ordinal)))
                return $"{m.Name}委员不属于组织单位或其下级政协，不能加入调研组。";
            return null;
        }
        var ok = true;
        if (input.LeaderId is { } lid && Check(lid) is { } leaderWhy) { fail("leaderId", "组长：" + leaderWhy); ok = false; }
        if (input.AuthorId is { } aid && Check(aid) is { } authorWhy) { fail("authorId", "执笔人：" + authorWhy); ok = false; }
        if (memberIds.Select(Check).FirstOrDefault(w => w is not null) is { } memberWhy) { fail("memberIds", "成员：" + memberWhy); ok = false; }
        if (!ok || memberIds.Count + 2 > MaxTeam) return [];

        var rows = new List<ResearchTeamMember>();
        if (input.LeaderId is { } l) rows.Add(new ResearchTeamMember { Role = TeamRole.Leader, MemberId = l, Name = members[l].Name });
        if (input.AuthorId is { } a) rows.Add(new ResearchTeamMember { Role = TeamRole.Author, MemberId = a, Name = members[a].Name });
        rows.AddRange(memberIds.Select(id => new ResearchTeamMember { Role = TeamRole.Member, MemberId = id, Name = members[id].Name }));
        rows.AddRange(staffNames.Select(n => new ResearchTeamMember { Role = TeamRole.Staff, Name = n }));
        return rows;
    }

    /// <summary>True when the team has a leader and an author (members), as a plan needs before it is submitted.</summary>
    public static bool HasLeaderAndAuthor(ResearchProject p) =>
        p.Team.Any(t => t.Role == TeamRole.Leader && t.MemberId != null) && p.Team.Any(t => t.Role == TeamRole.Author && t.MemberId != null);

    /// <summary>
    /// Replaces the team of <paramref name="p"/> (organisers and team loaded) — <c>PUT /api/research/{id}/team</c>. Allowed to
    /// staff who manage an organising committee (<see cref="ResearchAccess.CanManage"/>, 403 otherwise) until the report is
    /// approved (409 then, and for a completed or cancelled project). The same checks as at creation
    /// (<see cref="TeamAsync"/>: members of an organiser's committee or below, active), with leader and author required once
    /// the plan has been submitted (optional while the project is being set up). Rows that stay keep their ids; a <c>team</c>
    /// event records the new line-up; the duty records are written again for the new team (<see cref="WriteDutyAsync"/>;
    /// none exist before the report is approved). Nothing changes on a refusal.
    /// </summary>
    public static async Task<(ResearchError? Error, Dictionary<string, string[]> Errors)> UpdateTeamAsync(AppDbContext db, ResearchProject p, ResearchTeamInput input,
        CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ResearchAccess.CanManage(user, p)) return (new(403, "只有组织单位工作人员可以调整调研组。"), errors);
        if (CancelledRefusal(p, "调整调研组") is { } cancelled) return (cancelled, errors);
        if (p.ReportStatus is ReportStatus.Approved or ReportStatus.Sent || p.Status == ResearchStatus.Completed)
            return (new(409, "调研报告已审定，调研组不能再调整（履职记录按审定时的调研组记入）。"), errors);
        var paths = p.Organizers.Select(o => o.CommitteePath).DefaultIfEmpty(p.CommitteePath).ToList();
        var required = p.Status != ResearchStatus.Planning;
        if (required && input.LeaderId is null) errors["leaderId"] = ["调研方案已提交，调研组须有组长：请选择组长（leaderId）。"];
        if (required && input.AuthorId is null) errors["authorId"] = ["调研方案已提交，调研组须有执笔人：请选择执笔人（authorId）。"];
        var rows = await TeamAsync(db, input, paths, required, (k, m) => errors.TryAdd(k, [m]), ct);
        if (errors.Count > 0) return (null, errors);
        static string Key(ResearchTeamMember t) => $"{t.Role}:{t.MemberId}:{(t.MemberId is null ? t.Name : "")}";
        var keep = rows.Select(Key).ToHashSet();
        var have = p.Team.Select(Key).ToHashSet();
        foreach (var old in p.Team.Where(t => !keep.Contains(Key(t))).ToList())
        {
            p.Team.Remove(old);
            db.ResearchTeamMembers.Remove(old);
        }
        p.Team.AddRange(rows.Where(r => !have.Contains(Key(r))));
        var now = clock.GetUtcNow();
        p.UpdatedAt = now;
        p.Events.Add(Event(p, "team", TeamLine(p.Team), user, now));
        await WriteDutyAsync(db, p, clock, ct);
        await db.SaveChangesAsync(ct);
        return (null, errors);
    }

    /// <summary>The team in one line by role (组长：…；执笔人：…；成员：…；工作人员：…), roles without anyone left out.</summary>
    private static string TeamLine(IEnumerable<ResearchTeamMember> team) =>
        string.Join("；", ResearchWorkflow.Roles.Select(r => (r.Name, Names: team.Where(t => t.Role == r.Role).Select(t => t.Name).ToList()))
            .Where(x => x.Names.Count > 0).Select(x => $"{x.Name}：{string.Join("、", x.Names)}")) is { Length: > 0 } line ? line : "调研组暂无成员";

    /// <summary>The 409 every action of a cancelled project gets: 项目已取消，不能再<paramref name="what"/>; null otherwise.</summary>
    internal static ResearchError? CancelledRefusal(ResearchProject p, string what) =>
        p.Status == ResearchStatus.Cancelled ? new(409, $"项目已取消，不能再{what}。") : null;

    /// <summary>Most characters of a cancellation's reason (the activities' cancel reason allows as many).</summary>
    public const int MaxCancelReason = 500;

    /// <summary>
    /// Cancels <paramref name="p"/> (organisers loaded) — <c>POST /api/research/{id}/cancel</c>: staff who manage an organising
    /// committee (403), before the report is sent (409 once sent or completed, or when already cancelled), with a reason
    /// (400, key <c>reason</c>, at most <see cref="MaxCancelReason"/> characters). Field-work trips whose activity has not
    /// started are cancelled through <see cref="ActivityRules.CancelAsync"/> with the same reason (the invited members are
    /// notified there); trips under way or past stay as they are, with their attendance. A <c>cancel</c> event keeps the
    /// reason. One transaction: an activity's refusal rolls everything back. Every later action is refused
    /// (<see cref="CancelledRefusal"/>).
    /// </summary>
    public static async Task<ResearchError?> CancelAsync(AppDbContext db, ResearchProject p, string? reason, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ResearchAccess.CanManage(user, p)) return new(403, "只有组织单位工作人员可以取消调研视察项目。");
        if (p.Status == ResearchStatus.Cancelled) return new(409, "项目已取消。");
        if (p.ReportStatus == ReportStatus.Sent || p.Status == ResearchStatus.Completed) return new(409, "调研报告已报送，项目已完成，不能取消。");
        var why = (reason ?? "").Trim();
        if (why.Length == 0) return new(400, "请填写取消原因。", "reason");
        if (why.Length > MaxCancelReason) return new(400, $"取消原因不能超过 {MaxCancelReason} 个字。", "reason");
        var now = clock.GetUtcNow();
        var projectId = p.Id;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pending = await db.Activities.Where(a => db.ResearchFieldWork.Any(f => f.ResearchProjectId == projectId && f.ActivityId == a.Id)
            && a.Status != ActivityStatus.Cancelled).ToListAsync(ct);
        var cancelled = 0;
        foreach (var a in pending.Where(a => a.StartsAt > now).OrderBy(a => a.StartsAt))
        {
            if (await ActivityRules.CancelAsync(db, a, why, clock, ct) is { } e)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return new(e.Status, $"实地调研“{a.Title}”不能取消：{e.Message}", "reason");
            }
            cancelled++;
        }
        p.Status = ResearchStatus.Cancelled;
        p.UpdatedAt = now;
        p.Events.Add(Event(p, "cancel", cancelled > 0 ? $"{why}（同时取消尚未开始的实地调研 {cancelled} 次）" : why, user, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>The project with its organisers (lead first) and team, tracked; null when there is none.</summary>
    public static Task<ResearchProject?> LoadAsync(AppDbContext db, int id, CancellationToken ct) =>
        db.ResearchProjects.Include(x => x.Organizers.OrderBy(o => o.SortOrder)).Include(x => x.Team).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);

    // ───────────────────────── plan ─────────────────────────

    /// <summary>
    /// Takes a plan action (<see cref="ResearchWorkflow.PlanGraph"/>): <c>submit</c> (office; <paramref name="plan"/>, when
    /// given, replaces the plan text first; a plan is required), <c>approve</c> or <c>return</c> (a leader of the lead
    /// committee, or the administrator; a return needs a reason in <paramref name="note"/>). Records who and when.
    /// </summary>
    public static async Task<ResearchError?> PlanActAsync(AppDbContext db, ResearchProject p, string action, string? plan, string? note, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (edge, text, error) = Begin(ResearchWorkflow.PlanGraph, p.Status, p, action, note, user, "办理调研方案");
        if (error is not null) return error;
        var now = clock.GetUtcNow();
        switch (action)
        {
            case "submit":
                if (!HasLeaderAndAuthor(p)) return new(409, "提交调研方案前，请先在“调研组”中指定组长和执笔人。", "team");
                var newPlan = plan is null ? p.Plan : plan.Trim();
                if (newPlan.Length == 0) return new(400, "请填写调研方案（目的、内容、方式、时间安排）。", "plan");
                if (newPlan.Length > 8000) return new(400, "调研方案不能超过 8000 个字。", "plan");
                p.Plan = newPlan;
                p.PlanSubmittedAt = now;
                break;
            case "approve":
                p.PlanApprovedAt = now;
                p.PlanApprovedBy = Who(user);
                break;
            case "return":
                if (text.Length == 0) return new(400, "退回调研方案须写明理由。", "note");
                break;
        }
        p.Status = edge!.To;
        p.UpdatedAt = now;
        p.Events.Add(Event(p, "plan-" + action, text, user, now));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// The common start of a plan or report action: a cancelled project refuses anyone who holds a role in it
    /// (<see cref="CancelledRefusal"/>, <paramref name="what"/> names the action), then <paramref name="graph"/> resolves
    /// <paramref name="action"/> from <paramref name="state"/> for the user's actors (<see cref="ResearchAccess.Actors"/>),
    /// and the note (trimmed) may have at most 1,000 characters (400, key <c>note</c>).
    /// </summary>
    private static (WorkflowEdge<TState>? Edge, string Note, ResearchError? Error) Begin<TState>(WorkflowGraph<TState> graph, TState state, ResearchProject p,
        string action, string? note, CurrentUser user, string what) where TState : struct, Enum
    {
        var actors = ResearchAccess.Actors(user, p);
        if (actors.Count > 0 && CancelledRefusal(p, what) is { } cancelled) return (null, "", cancelled);
        var (edge, refusal) = graph.Resolve(state, action, actors);
        if (refusal is not null) return (null, "", new(refusal.Status, refusal.Message));
        var text = (note ?? "").Trim();
        return text.Length > 1000 ? (null, "", new(400, "说明不能超过 1000 个字。", "note")) : (edge, text, null);
    }

    // ───────────────────────── report ─────────────────────────

    /// <summary>Saves the report: title (≤ 200), body (HTML, sanitised on the server, ≤ 100,000), findings and suggestions (plain text, ≤ 8,000 each).</summary>
    public sealed record ReportInput(string? Title, string? Body, string? Findings, string? Suggestions);

    /// <summary>
    /// Edits the report while it is a draft or returned, after the plan is approved; by the author or the office (403
    /// otherwise, 409 in another state). Moves the project to <see cref="ResearchStatus.Reporting"/>.
    /// </summary>
    public static async Task<(ResearchError? Error, Dictionary<string, string[]> Errors)> SaveReportAsync(AppDbContext db, ResearchProject p, ReportInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var actors = ResearchAccess.Actors(user, p);
        if (!actors.Contains(ResearchWorkflow.Office) && !actors.Contains(ResearchWorkflow.Author)) return (new(403, "只有执笔人和组织单位工作人员可以编辑调研报告。"), []);
        if (CancelledRefusal(p, "修改报告") is { } cancelled) return (cancelled, []);
        if (p.Status is < ResearchStatus.PlanApproved or ResearchStatus.Completed)
            return (new(409, p.Status < ResearchStatus.PlanApproved ? "调研方案批准后才能撰写报告。" : "项目已结束，不能修改报告。"), []);
        if (p.ReportStatus is not (ReportStatus.Draft or ReportStatus.Returned))
            return (new(409, $"报告“{ResearchWorkflow.ReportStatusName(p.ReportStatus)}”，不能修改；退回后才能再修改。"), []);
        var errors = new Dictionary<string, string[]>();
        var title = Clean(input.Title);
        if (title.Length == 0) errors["title"] = ["请填写报告标题。"];
        else if (title.Length > 200) errors["title"] = ["报告标题不能超过 200 个字。"];
        var body = Infrastructure.Text.RichText.Sanitize(input.Body);
        if (body.Length > 100000) errors["body"] = ["报告正文过长（不超过 100000 字符）。"];
        var findings = (input.Findings ?? "").Trim();
        var suggestions = (input.Suggestions ?? "").Trim();
        if (findings.Length > 8000) errors["findings"] = ["主要问题不能超过 8000 个字。"];
        if (suggestions.Length > 8000) errors["suggestions"] = ["意见建议不能超过 8000 个字。"];
        if (errors.Count > 0) return (null, errors);
        var now = clock.GetUtcNow();
        p.ReportTitle = title;
        p.ReportBody = body;
        p.Findings = findings;
        p.Suggestions = suggestions;
        if (p.Status is ResearchStatus.PlanApproved or ResearchStatus.FieldWork) p.Status = ResearchStatus.Reporting;
        p.UpdatedAt = now;
        p.Events.Add(Event(p, "report-save", "", user, now));
        await db.SaveChangesAsync(ct);
        return (null, errors);
    }

    /// <summary>
    /// Takes a report action (<see cref="ResearchWorkflow.ReportGraph"/>): <c>submit</c> (author or office; needs a title
    /// and a body, and an approved plan), <c>approve</c> (leader: writes the team's duty records), <c>return</c> (leader,
    /// reason required in <paramref name="note"/>; duty records of an approved report are withdrawn), <c>send</c> (office;
    /// <paramref name="sentTo"/> 报送单位 required): the project is completed and one <see cref="Outcome"/> of kind
    /// <see cref="OutcomeKind.ResearchReport"/> is recorded (adoption pending) for the outcomes slice to follow.
    /// Anything not an edge is refused (403/404/409) and changes nothing.
    /// </summary>
    public static async Task<ResearchError?> ReportActAsync(AppDbContext db, ResearchProject p, string action, string? note, string? sentTo, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (edge, text, error) = Begin(ResearchWorkflow.ReportGraph, p.ReportStatus, p, action, note, user, "办理调研报告");
        if (error is not null) return error;
        var now = clock.GetUtcNow();
        switch (action)
        {
            case "submit":
                if (p.Status < ResearchStatus.PlanApproved) return new(409, "调研方案批准后才能提交报告。");
                if (p.ReportTitle.Trim().Length == 0 || Infrastructure.Text.RichText.ToPlainText(p.ReportBody).Trim().Length == 0)
                    return new(409, "请先填写报告标题和正文，再提交。");
                p.ReportSubmittedAt = now;
                if (p.Status is ResearchStatus.PlanApproved or ResearchStatus.FieldWork) p.Status = ResearchStatus.Reporting;
                break;
            case "approve":
                p.ReportApprovedAt = now;
                break;
            case "return":
                if (text.Length == 0) return new(400, "退回报告须写明理由。", "note");
                p.ReturnReason = text;
                break;
            case "send":
                var to = Clean(sentTo);
                if (to.Length == 0) return new(400, "请填写报送单位（如市委、市政府）。", "sentTo");
                if (to.Length > 200) return new(400, "报送单位不能超过 200 个字。", "sentTo");
                p.SentTo = to;
                p.ReportSentAt = now;
                p.Status = ResearchStatus.Completed;
                text = text.Length > 0 ? $"报送{to}；{text}" : $"报送{to}";
                break;
        }
        p.ReportStatus = edge!.To;
        p.UpdatedAt = now;
        p.Events.Add(Event(p, "report-" + action, text, user, now));
        if (action == "send")
        {
            var order = await db.Outcomes.CountAsync(o => o.SourceType == WorkItemType.Research && o.SourceId == p.Id, ct);
            db.Outcomes.Add(new Outcome
            {
                Kind = OutcomeKind.ResearchReport, SourceType = WorkItemType.Research, SourceId = p.Id, SortOrder = order + 1,
                CommitteeId = p.CommitteeId, CommitteePath = p.CommitteePath,
                Title = Cut(p.ReportTitle.Length > 0 ? p.ReportTitle : p.Title, 200),
                Text = Cut(ReportSummary(p), 4000),
                SubmittedOn = ChinaTime.DayOf(now), Adoption = AdoptionStatus.Pending, AdoptingBody = "",
                MemberIds = p.Team.Where(t => t.MemberId != null).Select(t => t.MemberId!.Value).Distinct().ToList(),
                CreatedAt = now, UpdatedAt = now,
            });
        }
        await WriteDutyAsync(db, p, clock, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Findings and suggestions as one text (or the report's plain text when both are empty).</summary>
    public static string ReportSummary(ResearchProject p)
    {
        var parts = new List<string>();
        if (p.Findings.Length > 0) parts.Add("主要问题：" + p.Findings);
        if (p.Suggestions.Length > 0) parts.Add("意见建议：" + p.Suggestions);
        return parts.Count > 0 ? string.Join("\n\n", parts) : Infrastructure.Text.RichText.ToPlainText(p.ReportBody);
    }

    /// <summary>
    /// The team's duty records for the report (source <see cref="DutySource"/>, the project id) through
    /// <see cref="DutyLedger.ReplaceAsync"/>: once the report is approved or sent, the author (执笔人) earns
    /// <c>research.author</c> and every other member of the team (leader, members) <c>research.member</c>, dated when the
    /// report was approved (sent, once sent); otherwise (draft, submitted, returned) none. Idempotent; the caller saves.
    /// </summary>
    public static async Task WriteDutyAsync(AppDbContext db, ResearchProject p, TimeProvider clock, CancellationToken ct)
    {
        var events = new List<DutyEvent>();
        if (p.ReportStatus is ReportStatus.Approved or ReportStatus.Sent)
        {
            var at = p.ReportSentAt ?? p.ReportApprovedAt ?? clock.GetUtcNow();
            var authors = p.Team.Where(t => t.Role == TeamRole.Author && t.MemberId != null).Select(t => t.MemberId!.Value).ToHashSet();
            var title = $"{ResearchWorkflow.KindName(p.Kind)}：{p.Title}";
            foreach (var id in authors)
                events.Add(new DutyEvent(id, AuthorRule, DutySource, p.Id, title, $"/research/{p.Id}", at));
            foreach (var id in p.Team.Where(t => t.Role != TeamRole.Staff && t.MemberId is { } m && !authors.Contains(m)).Select(t => t.MemberId!.Value).Distinct())
                events.Add(new DutyEvent(id, MemberRule, DutySource, p.Id, title, $"/research/{p.Id}", at));
        }
        await DutyLedger.ReplaceAsync(db, DutySource, p.Id, events, clock, ct);
    }

    /// <summary>Scoring rule code of the report's author (<see cref="ScoringDefaults"/>).</summary>
    public const string AuthorRule = "research.author";
    /// <summary>Scoring rule code of the other team members (<see cref="ScoringDefaults"/>).</summary>
    public const string MemberRule = "research.member";

    // ───────────────────────── field work ─────────────────────────

    /// <summary>Body of a field-work trip: kind code (<c>visit</c> | <c>meeting</c> | <c>questionnaire</c>), title (default: the kind and the topic), times (instants), place, note.</summary>
    public sealed record FieldWorkInput(string? Kind, string? Title, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Place, string? Note);

    /// <summary>
    /// Adds a field-work trip: an activity of type research or inspection (the project's kind) created through
    /// <see cref="ActivityRules.SaveAsync"/> — organised by the project's organisers the user manages, the team's members
    /// invited — and published through <see cref="ActivityRules.PublishAsync"/> (invitations and notices), so check-in,
    /// attendance and attendance duty records are the activities mechanism's. Office only (403), after the plan is approved
    /// (409). Field errors use the activity's keys (<c>startsAt</c>, <c>place</c>, …) and <c>kind</c>, <c>note</c>.
    /// Nothing is saved on a refusal. Moves the project to <see cref="ResearchStatus.FieldWork"/>.
    /// </summary>
    public static async Task<(ResearchFieldWork? FieldWork, ResearchError? Error, Dictionary<string, string[]> Errors)> AddFieldWorkAsync(
        AppDbContext db, ResearchProject p, FieldWorkInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ResearchAccess.CanManage(user, p)) return (null, new(403, "只有组织单位工作人员可以安排实地调研。"), errors);
        if (CancelledRefusal(p, "安排实地调研") is { } cancelled) return (null, cancelled, errors);
        if (p.Status is < ResearchStatus.PlanApproved) return (null, new(409, "调研方案批准后才能安排实地调研。"), errors);
        if (p.Status is ResearchStatus.Completed) return (null, new(409, "项目已结束，不能再安排实地调研。"), errors);
        var kind = ResearchWorkflow.ParseFieldWorkKind(input.Kind);
        if (kind is null) errors["kind"] = ["请选择方式：visit（走访）、meeting（座谈）或 questionnaire（问卷）。"];
        var note = (input.Note ?? "").Trim();
        if (note.Length > 1000) errors["note"] = ["说明不能超过 1000 个字。"];
        var members = p.Team.Where(t => t.MemberId != null && t.Role != TeamRole.Staff).Select(t => t.MemberId!.Value).Distinct().ToArray();
        var codes = await db.ResearchOrganizers.Where(o => o.ResearchProjectId == p.Id).OrderBy(o => o.SortOrder)
            .Select(o => new { o.Committee!.Code, o.CommitteePath }).ToListAsync(ct);
        var mine = codes.Where(c => Scope.CanManage(user, c.CommitteePath)).Select(c => c.Code).ToArray();
        var title = Clean(input.Title);
        if (title.Length == 0 && kind is { } k) title = Cut($"{ResearchWorkflow.KindName(p.Kind)}{ResearchWorkflow.FieldWorkKindName(k)}：{p.Title}", 200);
        var projectId = p.Id;
        var activity = new Activity { Status = ActivityStatus.Draft, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        var type = p.Kind == ResearchKind.Inspection ? ActivityType.Inspection : ActivityType.Research;
        var agenda = System.Net.WebUtility.HtmlEncode(note.Length > 0 ? note : p.Title);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var activityErrors = await ActivityRules.SaveAsync(db, activity, new ActivityInput(title, ActivityTypes.Code(type), input.StartsAt, input.EndsAt,
            input.Place, null, agenda, mine, new InviteesInput(null, null, null, members), false, null), user, clock, ct, errors);
        if (activityErrors.Count > 0) return (null, null, activityErrors);
        if (await ActivityRules.PublishAsync(db, activity, clock, ct) is { } e)
        {
            db.ChangeTracker.Clear();
            return (null, new(e.Status, e.Message, e.Field), errors);
        }
        // ActivityRules may have cleared the tracker; load the project again.
        var tracked = await db.ResearchProjects.FirstAsync(x => x.Id == projectId, ct);
        var now = clock.GetUtcNow();
        var row = new ResearchFieldWork { ResearchProjectId = projectId, ActivityId = activity.Id, Kind = kind!.Value, Note = note, CreatedBy = user.UserName, CreatedAt = now };
        db.ResearchFieldWork.Add(row);
        if (tracked.Status is ResearchStatus.PlanApproved) tracked.Status = ResearchStatus.FieldWork;
        tracked.UpdatedAt = now;
        db.ResearchEvents.Add(Event(tracked, "fieldwork", $"{ResearchWorkflow.FieldWorkKindName(row.Kind)}，{ActivityRules.When(activity)}，{activity.Place}", user, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (row, null, errors);
    }

    // ───────────────────────── records and photos ─────────────────────────

    /// <summary>
    /// Stores a record or photo (office or a team member; 403 otherwise): a JPEG, PNG, PDF, Word or Excel file by name and
    /// content (<see cref="FileTypes"/>), not empty, at most <see cref="MaxFileBytes"/>; optionally of one of the project's
    /// trips (<paramref name="fieldWorkId"/>); caption at most 200 characters. Field key <c>file</c>, <c>fieldWorkId</c>, <c>caption</c>.
    /// </summary>
    public static async Task<(ResearchFile? File, ResearchError? Error)> AddFileAsync(AppDbContext db, ResearchProject p, string? fileName, byte[] content,
        string? caption, int? fieldWorkId, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ResearchAccess.CanManage(user, p) && !ResearchAccess.IsOnTeam(user, p)) return (null, new(403, "只有调研组成员和组织单位工作人员可以上传记录和照片。"));
        if (CancelledRefusal(p, "上传记录和照片") is { } cancelled) return (null, cancelled);
        var name = Path.GetFileName(Clean(fileName).Replace('\\', '/'));
        if (name.Length == 0) return (null, new(400, "请选择要上传的文件。", "file"));
        if (content.Length == 0) return (null, new(400, "文件是空的。", "file"));
        if (content.Length > MaxFileBytes) return (null, new(400, $"文件不能超过 {MaxFileBytes / 1048576} MB。", "file"));
        if (!FileTypes.TryGetValue(Path.GetExtension(name), out var type) || !type.Looks(content))
            return (null, new(400, "只能上传 JPG、PNG 照片或 PDF、Word（.docx）、Excel（.xlsx）文件，且文件内容须与扩展名一致。", "file"));
        var text = Clean(caption);
        if (text.Length > 200) return (null, new(400, "说明不能超过 200 个字。", "caption"));
        if (fieldWorkId is { } fw && !await db.ResearchFieldWork.AnyAsync(x => x.Id == fw && x.ResearchProjectId == p.Id, ct))
            return (null, new(400, "所选实地调研不属于本项目。", "fieldWorkId"));
        var now = clock.GetUtcNow();
        var file = new ResearchFile
        {
            ResearchProjectId = p.Id, FieldWorkId = fieldWorkId, FileName = Cut(name, 200), ContentType = type.ContentType, Content = content,
            Size = content.Length, Caption = text, UploadedBy = Who(user), UploadedAt = now,
        };
        db.ResearchFiles.Add(file);
        p.Events.Add(Event(p, "file", file.FileName, user, now));
        await db.SaveChangesAsync(ct);
        return (file, null);
    }

    /// <summary>
    /// True when a trip from <paramref name="startsAt"/> to <paramref name="endsAt"/> falls (in China days) outside the project's
    /// schedule (<see cref="ResearchProject.StartsOn"/>–<see cref="ResearchProject.EndsOn"/>, either end open). Such a trip is
    /// accepted — plans change — and the project page and the API flag it (<see cref="ScheduleWarning"/>).
    /// </summary>
    public static bool OutsideSchedule(ResearchProject p, DateTimeOffset startsAt, DateTimeOffset endsAt) =>
        (p.StartsOn is { } s && ChinaTime.DayOf(startsAt) < s) || (p.EndsOn is { } e && ChinaTime.DayOf(endsAt) > e);

    /// <summary>The Chinese warning for a trip outside the schedule (empty when inside).</summary>
    public static string ScheduleWarning(ResearchProject p, DateTimeOffset startsAt, DateTimeOffset endsAt) => OutsideSchedule(p, startsAt, endsAt)
        ? $"这次实地调研不在项目时间安排（{p.StartsOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "不限"} 至 {p.EndsOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "不限"}）内，已照常安排；如需调整时间安排，请修改项目。"
        : "";

    // ───────────────────────── outputs ─────────────────────────

    /// <summary>
    /// Body of registering an output: kind code (<c>proposal</c> | <c>opinion</c> | <c>recommendation</c> | <c>speech</c>),
    /// title (proposal/opinion: default the topic; recommendation and speech: required), text (recommendation, speech:
    /// required), speaker member id (speech, optional, a team member).
    /// </summary>
    public sealed record OutputInput(string? Kind, string? Title, string? Text, int? MemberId);

    /// <summary>
    /// Registers what the project produced. A <c>proposal</c> is a draft made through <see cref="ProposalRules.CreateAsync"/>
    /// (title from the topic, body from the findings and suggestions, between-session kind), proposed by the acting member
    /// when a team member acts, otherwise (office) by the author, in whose drafts it then waits; an <c>opinion</c> is a draft
    /// made through <see cref="OpinionRules.CreateAsync"/> (author as for a proposal; body the same text as plain text); a
    /// <c>recommendation</c> is an <see cref="Outcome"/> (kind recommendation, source this project, adoption pending); a
    /// <c>speech</c> (大会发言) keeps its title and text on the <see cref="ResearchOutput"/> row. Each writes a
    /// <see cref="ResearchOutput"/> row and (but the speech) a <see cref="WorkLink"/> Research → item. Proposal and opinion:
    /// office or a team member; recommendation and speech: office (403 otherwise). The other slice's refusals come back
    /// as they are. A project turns into one proposal draft and one opinion draft at most (a second: 409 naming the first);
    /// recommendations and speeches may be several. When the office acts, the author (in whose drafts the draft waits) is
    /// notified through <see cref="Notifier"/>. Returns the output and its link as the acting user sees it
    /// (<see cref="ResearchQueries.OutputsAsync"/>: the item's page when they may open it, else the output's row on the project page).
    /// </summary>
    public static async Task<(ResearchOutput? Output, string Link, ResearchError? Error, Dictionary<string, string[]> Errors)> AddOutputAsync(
        AppDbContext db, ResearchProject p, OutputInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var office = ResearchAccess.CanManage(user, p);
        var onTeam = ResearchAccess.IsOnTeam(user, p) && p.Team.Any(t => t.MemberId == user.MemberId && t.Role != TeamRole.Staff);
        var kind = ResearchWorkflow.ParseOutputKind(input.Kind);
        if (!office && !onTeam) return (null, "", new(403, "只有调研组成员和组织单位工作人员可以登记调研成果。"), errors);
        if (kind is null) return (null, "", new(400, "成果类型应为 proposal（提案）、opinion（社情民意）、recommendation（建议）或 speech（大会发言）。", "kind"), errors);
        if (kind is ResearchOutputKind.Recommendation or ResearchOutputKind.Speech && !office)
            return (null, "", new(403, "建议和大会发言由组织单位工作人员登记。"), errors);
        if (CancelledRefusal(p, "登记调研成果") is { } cancelled) return (null, "", cancelled, errors);
        if (kind is ResearchOutputKind.Proposal or ResearchOutputKind.Opinion
            && await db.ResearchOutputs.AsNoTracking().Where(o => o.ResearchProjectId == p.Id && o.Kind == kind).OrderBy(o => o.Id)
                .Select(o => new { o.Title, o.TargetId }).FirstOrDefaultAsync(ct) is { } done)
            return (null, "", new(409, $"本项目已转为{ResearchWorkflow.OutputKindName(kind.Value)}草稿「{done.Title}」（编号 {done.TargetId}），同一项目只转一次；请在这份草稿上修改。", "kind"), errors);
        var now = clock.GetUtcNow();
        var author = p.Team.FirstOrDefault(t => t.Role == TeamRole.Author && t.MemberId != null)?.MemberId;
        var actingMember = onTeam ? user.MemberId : null;
        var title = Clean(input.Title);
        var text = (input.Text ?? "").Trim();
        var projectId = p.Id;
        var output = new ResearchOutput { ResearchProjectId = p.Id, Kind = kind.Value, CreatedBy = Who(user), CreatedAt = now };
        WorkItemType toType;
        switch (kind.Value)
        {
            case ResearchOutputKind.Proposal:
            {
                var proposer = actingMember ?? author;
                if (proposer is null) return (null, "", new(409, "调研组没有执笔人，无法生成提案草稿。"), errors);
                var body = string.Join("", Paragraphs(p).Select(x => $"<p>{System.Net.WebUtility.HtmlEncode(x)}</p>"));
                var asProposer = actingMember is not null ? user : await MemberUserAsync(db, proposer.Value, user, ct);
                var (proposal, perr, ferr) = await ProposalRules.CreateAsync(db, new ProposalInput(
                    Cut(title.Length > 0 ? title : p.Title, ProposalRules.MaxTitle), body, "between-session", null), asProposer, clock, ct);
                if (perr is not null) return (null, "", new(perr.Status, perr.Message, perr.Field), errors);
                if (ferr.Count > 0) return (null, "", null, ferr);
                output.TargetId = proposal!.Id;
                output.Title = Cut(proposal.Title, 200);
                toType = WorkItemType.Proposal;
                break;
            }
            case ResearchOutputKind.Opinion:
            {
                var writer = actingMember ?? author;
                if (writer is null) return (null, "", new(409, "调研组没有执笔人，无法生成社情民意草稿。"), errors);
                var (item, oerr, ferr) = await OpinionRules.CreateAsync(db, new OpinionInput(title.Length > 0 ? title : p.Title,
                    string.Join("\n\n", Paragraphs(p)), null, actingMember is null ? writer : null), user, clock, ct);
                if (oerr is not null) return (null, "", new(oerr.Status, oerr.Message, oerr.Field), errors);
                if (ferr.Count > 0) return (null, "", null, ferr);
                output.TargetId = item!.Id;
                output.Title = Cut(item.Title, 200);
                toType = WorkItemType.OpinionItem;
                break;
            }
            case ResearchOutputKind.Recommendation:
            {
                if (title.Length == 0) errors["title"] = ["请填写建议标题。"];
                else if (title.Length > 200) errors["title"] = ["建议标题不能超过 200 个字。"];
                if (text.Length == 0) errors["text"] = ["请填写建议内容。"];
                else if (text.Length > 4000) errors["text"] = ["建议内容不能超过 4000 个字。"];
                if (errors.Count > 0) return (null, "", null, errors);
                var order = await db.Outcomes.CountAsync(o => o.SourceType == WorkItemType.Research && o.SourceId == p.Id, ct);
                var outcome = new Outcome
                {
                    Kind = OutcomeKind.Recommendation, SourceType = WorkItemType.Research, SourceId = p.Id, SortOrder = order + 1,
                    CommitteeId = p.CommitteeId, CommitteePath = p.CommitteePath, Title = title, Text = text, Adoption = AdoptionStatus.Pending,
                    MemberIds = p.Team.Where(t => t.MemberId != null).Select(t => t.MemberId!.Value).Distinct().ToList(),
                    CreatedAt = now, UpdatedAt = now,
                };
                db.Outcomes.Add(outcome);
                await db.SaveChangesAsync(ct);
                output.TargetId = outcome.Id;
                output.Title = title;
                toType = WorkItemType.Outcome;
                break;
            }
            default:
            {
                if (title.Length == 0) errors["title"] = ["请填写发言题目。"];
                else if (title.Length > 200) errors["title"] = ["发言题目不能超过 200 个字。"];
                if (text.Length == 0) errors["text"] = ["请填写发言内容。"];
                else if (text.Length > 20000) errors["text"] = ["发言内容不能超过 20000 个字。"];
                if (input.MemberId is { } sp && !p.Team.Any(t => t.MemberId == sp)) errors["memberId"] = ["发言人须是调研组成员。"];
                if (errors.Count > 0) return (null, "", null, errors);
                output.Title = title;
                output.Text = text;
                output.MemberId = input.MemberId;
                toType = default;
                break;
            }
        }
        db.ResearchOutputs.Add(output);
        if (output.TargetId is { } target)
            db.WorkLinks.Add(new WorkLink { FromType = WorkItemType.Research, FromId = projectId, ToType = toType, ToId = target, CommitteePath = p.CommitteePath, CreatedBy = user.UserName, CreatedAt = now });
        db.ResearchEvents.Add(new ResearchEvent
        {
            ResearchProjectId = projectId, Action = "output", Note = Cut($"{ResearchWorkflow.OutputKindName(output.Kind)}：{output.Title}", 1000), At = now,
            ByUserId = user.UserId, ByName = Who(user),
        });
        if (kind is ResearchOutputKind.Proposal or ResearchOutputKind.Opinion && actingMember is null && author is { } writerId)
        {
            var what = ResearchWorkflow.OutputKindName(output.Kind);
            await Notifier.ToMembersAsync(db, [writerId], new($"research.output.{ResearchWorkflow.OutputKindCode(output.Kind)}", $"调研成果已转为{what}草稿：{output.Title}",
                $"{Who(user)}将{ResearchWorkflow.KindName(p.Kind)}“{p.Title}”转为{what}草稿，已放入您的草稿，请修改后提交。", ResearchQueries.OutputLink(output)), clock, ct);
        }
        await db.SaveChangesAsync(ct);
        var seen = (await ResearchQueries.OutputsAsync(db, [output], p.Team.FirstOrDefault(t => t.Role == TeamRole.Author)?.Name, user, ct))[0];
        return (output, seen.Link, null, errors);
    }

    /// <summary>The findings and suggestions as paragraphs (the background when both are empty).</summary>
    private static IEnumerable<string> Paragraphs(ResearchProject p)
    {
        var text = p.Findings.Length + p.Suggestions.Length > 0
            ? (p.Findings.Length > 0 ? "一、主要问题\n" + p.Findings + "\n" : "") + (p.Suggestions.Length > 0 ? "二、意见建议\n" + p.Suggestions : "")
            : p.Background.Length > 0 ? p.Background : p.Title;
        return text.Split('\n').Select(x => x.Trim()).Where(x => x.Length > 0);
    }

    /// <summary>
    /// The author as the proposals slice sees a proposer (a member account of their committee), used when the office turns
    /// a research into the author's proposal draft; the acting staff's account id is kept as the creator.
    /// </summary>
    private static async Task<CurrentUser> MemberUserAsync(AppDbContext db, int memberId, CurrentUser acting, CancellationToken ct)
    {
        var m = await db.Members.AsNoTracking().Where(x => x.Id == memberId).Select(x => new { x.CommitteeId, x.CommitteePath, x.Committee!.Code }).FirstAsync(ct);
        return new CurrentUser(acting.UserName, new HashSet<string> { Infrastructure.Auth.Roles.Member }, m.CommitteeId, m.Code, m.CommitteePath, memberId)
        {
            UserId = acting.UserId, DisplayName = acting.DisplayName,
        };
    }

    /// <summary>A timeline event of <paramref name="p"/> by <paramref name="user"/> (not yet added).</summary>
    internal static ResearchEvent Event(ResearchProject p, string action, string note, CurrentUser user, DateTimeOffset at) => new()
    {
        ResearchProjectId = p.Id, Action = action, Note = note.Length > 1000 ? note[..1000] : note, At = at,
        ByUserId = user.UserId, ByName = user.DisplayName.Length > 0 ? user.DisplayName : user.UserName,
    };

    /// <summary>Display name of <paramref name="user"/> (their user name when none is set).</summary>
    internal static string Who(CurrentUser user) => Cut(user.DisplayName.Length > 0 ? user.DisplayName : user.UserName, 64);

    /// <summary>Cuts <paramref name="s"/> to <paramref name="max"/> UTF-16 units without splitting a surrogate pair.</summary>
    internal static string Cut(string s, int max) => s.Length <= max ? s : s[..(char.IsHighSurrogate(s[max - 1]) ? max - 1 : max)];

    /// <summary>Trims and normalises (NFC) a one-line text.</summary>
    internal static string Clean(string? s) => (s ?? "").Trim().Normalize(System.Text.NormalizationForm.FormC);
}
