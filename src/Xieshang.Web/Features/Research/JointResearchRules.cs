using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// Body of <c>POST /api/research/{id}/subprojects</c>: the committee that runs the sub-project (a code below the parent's
/// organiser) and, optionally, its team (member ids of that committee or below). The body the issue names, <c>{"committeeCode"}</c>
/// alone, is enough: the sub-project's staff set the team later (<c>PUT /api/research/{id}/team</c>), before the plan is submitted.
/// </summary>
public sealed record SubProjectInput(string? CommitteeCode, int? LeaderId = null, int? AuthorId = null, int[]? MemberIds = null);

/// <summary>Body of <c>POST /api/research/{id}/invitations</c>: the committees to invite (codes below the parent's organiser).</summary>
public sealed record JointInviteInput(string[]? CommitteeCodes);

/// <summary>
/// The rules of same-topic research across levels (同题调研, DOMAIN.md §4.6): a higher committee's project becomes the
/// parent (<see cref="ResearchProject.IsJoint"/>), its staff invite the committees below its organiser
/// (<see cref="JointResearchInvitation"/>, their staff notified) or add them directly; an invited committee's staff join or
/// decline; each joining committee runs a sub-project (a <see cref="ResearchProject"/> with <see cref="ResearchProject.ParentId"/>,
/// created through <c>ResearchRules.CreateAsync</c> (<see cref="ResearchOrigin.SubProject"/>), one per parent and committee — the database's unique index
/// decides a race); a sub-project shares its approved report with its siblings (<see cref="ResearchProject.SharedAt"/>).
/// Who sees what is <see cref="ResearchAccess"/> (invited committees included).
/// A refusal changes nothing.
/// </summary>
public static class JointResearchRules
{
    /// <summary>
    /// True when <paramref name="user"/> sees <paramref name="parent"/> from above (the administrator, or staff and leaders in
    /// the scope of one of its organisers) rather than as a participating lower committee. Only they open the combined report.
    /// </summary>
    public static bool SeesFromAbove(CurrentUser user, ResearchProject parent) =>
        user.IsAdmin || ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p
            && (parent.Organizers.Any(o => o.CommitteePath.StartsWith(p, StringComparison.Ordinal)) || parent.CommitteePath.StartsWith(p, StringComparison.Ordinal)));

    /// <summary>
    /// True when <paramref name="user"/> answers an invitation to the committee at <paramref name="committeePath"/> (joins or
    /// declines it): that committee's own staff only. The inviting committee's staff manage the lower committees too, but
    /// they do not answer for them: they see the invitation's state and may set up a sub-project on the committee's behalf
    /// (<see cref="MayAddOnBehalf"/>); the administrator likewise. The board page and <see cref="DeclineAsync"/> both ask here.
    /// </summary>
    public static bool MayAnswer(CurrentUser user, string committeePath) => user.IsStaff && user.CommitteePath == committeePath;

    /// <summary>
    /// True when <paramref name="user"/> may set up the sub-project of an invited committee that has not answered yet on its
    /// behalf (代为设立子课题, <see cref="AddSubProjectAsync"/>): staff who manage <paramref name="parent"/> (or the administrator),
    /// when they are not that committee's own staff (<see cref="MayAnswer"/>), while the parent is open.
    /// </summary>
    public static bool MayAddOnBehalf(CurrentUser user, ResearchProject parent, string committeePath) =>
        (user.IsStaff || user.IsAdmin) && ResearchAccess.CanManage(user, parent) && !MayAnswer(user, committeePath)
        && parent.ParentId is null && parent.Status is not (ResearchStatus.Cancelled or ResearchStatus.Completed);

    /// <summary>
    /// Invites committees to the same-topic research <paramref name="parent"/> (organisers loaded): staff who manage the
    /// parent only; every committee must lie strictly below the parent's lead organiser; committees already invited or
    /// joined are skipped. Makes the project a same-topic parent (<see cref="ResearchProject.IsJoint"/>) and notifies the
    /// invited committees' staff. Returns how many were newly invited.
    /// </summary>
    public static async Task<(int Invited, ResearchError? Error)> InviteAsync(AppDbContext db, ResearchProject parent, JointInviteInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (ParentRefusal(parent, user) is { } refused) return (0, refused);
        var codes = (input.CommitteeCodes ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct().ToList();
        if (codes.Count == 0) return (0, new(400, "请选择要邀请的下级政协（committeeCodes）。", "committeeCodes"));
        if (codes.Count > 200) return (0, new(400, "一次最多邀请 200 个政协组织。", "committeeCodes"));
        var committees = await db.Committees.AsNoTracking().Where(c => codes.Contains(c.Code)).ToListAsync(ct);
        if (codes.FirstOrDefault(c => committees.All(x => x.Code != c)) is { } unknown) return (0, new(404, $"未找到代码为“{unknown}”的政协组织。", "committeeCodes"));
        if (committees.FirstOrDefault(c => !IsBelow(c, parent)) is { } outside) return (0, new(400, NotBelow(outside), "committeeCodes"));
        var ids = committees.Select(c => c.Id).ToList();
        var already = await db.JointResearchInvitations.Where(i => i.ParentId == parent.Id && ids.Contains(i.CommitteeId)).Select(i => i.CommitteeId).ToListAsync(ct);
        var fresh = committees.Where(c => !already.Contains(c.Id)).OrderBy(c => c.Code, StringComparer.Ordinal).ToList();
        if (fresh.Count == 0) return (0, new(409, "所选政协组织都已邀请过。", "committeeCodes"));
        var now = clock.GetUtcNow();
        foreach (var c in fresh)
        {
            db.JointResearchInvitations.Add(new JointResearchInvitation
            {
                ParentId = parent.Id, CommitteeId = c.Id, CommitteePath = c.Path, Status = JointInvitationStatus.Invited, InvitedAt = now, InvitedBy = user.UserName,
            });
            await NotifyStaffAsync(db, c.Id, new("research.joint.invited", $"同题调研邀请：{parent.Title}",
                $"{await CommitteeNameAsync(db, parent.CommitteeId, ct)}邀请贵单位参加同题调研“{parent.Title}”。请在同题调研看板上选择参加（设立本级子课题）或不参加。",
                BoardLink(parent.Id)), user, clock, ct);
        }
        MarkJoint(parent, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return (0, new(409, "所选政协组织已被同时邀请，请刷新后查看。", "committeeCodes"));
        }
        return (fresh.Count, null);
    }

    /// <summary>
    /// An invited committee's own staff decline (<c>invited</c> → <c>declined</c>, <see cref="MayAnswer"/>); the parent's staff
    /// are notified. Nobody declines on another committee's behalf (403).
    /// </summary>
    public static async Task<ResearchError?> DeclineAsync(AppDbContext db, ResearchProject parent, string? committeeCode, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == (committeeCode ?? "").Trim(), ct);
        if (c is null) return new(404, $"未找到代码为“{committeeCode}”的政协组织。", "committeeCode");
        if (!MayAnswer(user, c.Path)) return new(403, $"只有“{c.Name}”的工作人员可以答复不参加这项同题调研。");
        var inv = await db.JointResearchInvitations.FirstOrDefaultAsync(i => i.ParentId == parent.Id && i.CommitteeId == c.Id, ct);
        if (inv is null) return new(404, $"“{c.Name}”没有收到这项同题调研的邀请。", "committeeCode");
        if (inv.Status != JointInvitationStatus.Invited) return new(409, inv.Status == JointInvitationStatus.Joined ? $"“{c.Name}”已参加，不能再选择不参加。" : $"“{c.Name}”已答复不参加。");
        var now = clock.GetUtcNow();
        inv.Status = JointInvitationStatus.Declined;
        inv.AnsweredAt = now;
        inv.AnsweredBy = user.UserName;
        await NotifyStaffAsync(db, parent.CommitteeId, new("research.joint.declined", $"{c.Name}不参加同题调研", $"{c.Name}答复不参加同题调研“{parent.Title}”。", BoardLink(parent.Id)), user, clock, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Creates the sub-project of committee <c>committeeCode</c> under <paramref name="parent"/> (organisers loaded), through
    /// <c>ResearchRules.CreateAsync</c> (<see cref="ResearchOrigin.SubProject"/>) (title, kind and background from the parent; the committee as organiser; the
    /// team from the input) with <see cref="ResearchProject.ParentId"/> set, in one transaction. Allowed to the parent's staff
    /// for any committee strictly below the parent's organiser (400 otherwise), and to an invited committee's own staff
    /// (joining). A second sub-project for the same committee is a 409 (also when two requests race: the unique index on
    /// parent and committee refuses the second). Marks the invitation joined and notifies the other side.
    /// Field errors of the project's rules come back in the dictionary.
    /// </summary>
    public static async Task<(ResearchProject? Project, ResearchError? Error, Dictionary<string, string[]> Errors)> AddSubProjectAsync(
        AppDbContext db, ResearchProject parent, SubProjectInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var none = new Dictionary<string, string[]>();
        if (!(user.IsStaff || user.IsAdmin)) return (null, new(403, "只有政协机关工作人员可以设立同题调研子课题。"), none);
        if (parent.ParentId is not null) return (null, new(409, "子课题下不能再设子课题。"), none);
        if (parent.Status is ResearchStatus.Cancelled or ResearchStatus.Completed) return (null, new(409, "这项调研已结束或已取消，不能再设子课题。"), none);
        var code = (input.CommitteeCode ?? "").Trim();
        if (code.Length == 0) return (null, new(400, "请选择承担子课题的政协组织（committeeCode）。", "committeeCode"), none);
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
        if (c is null) return (null, new(404, $"未找到代码为“{code}”的政协组织。", "committeeCode"), none);
        var invitation = await db.JointResearchInvitations.FirstOrDefaultAsync(i => i.ParentId == parent.Id && i.CommitteeId == c.Id, ct);
        var parentStaff = ResearchAccess.CanManage(user, parent);
        var joining = invitation is not null && Scope.CanManage(user, c.Path);
        if (!parentStaff && !joining)
            return (null, new(403, invitation is null && Scope.CanManage(user, c.Path)
                ? $"“{c.Name}”未被邀请参加这项同题调研，请由上级政协邀请或添加。"
                : $"您无权为“{c.Name}”设立这项同题调研的子课题。"), none);
        if (!IsBelow(c, parent)) return (null, new(400, NotBelow(c), "committeeCode"), none);
        if (await db.ResearchProjects.AnyAsync(p => p.ParentId == parent.Id && p.CommitteeId == c.Id, ct))
            return (null, new(409, $"“{c.Name}”已有这项同题调研的子课题。", "committeeCode"), none);

        var now = clock.GetUtcNow();
        var research = new ResearchInput(parent.Title, ResearchWorkflow.KindCode(parent.Kind), [c.Code], input.LeaderId, input.MemberIds, input.AuthorId,
            Background: parent.Background, StartsOn: parent.StartsOn, EndsOn: parent.EndsOn);
        var (project, error, errors) = await CreateLinkedProjectAsync(db, research, user, ResearchOrigin.SubProject, clock, p => p.ParentId = parent.Id, async p =>
        {
            if (invitation is null)
            {
                invitation = new JointResearchInvitation { ParentId = parent.Id, CommitteeId = c.Id, CommitteePath = c.Path, InvitedAt = now, InvitedBy = user.UserName };
                db.JointResearchInvitations.Add(invitation);
            }
            invitation.Status = JointInvitationStatus.Joined;
            invitation.AnsweredAt = now;
            invitation.AnsweredBy = user.UserName;
            invitation.SubProjectId = p.Id;
            var tracked = await db.ResearchProjects.FirstAsync(x => x.Id == parent.Id, ct);
            MarkJoint(tracked, now);
            if (user.CommitteeId != c.Id)
                await NotifyStaffAsync(db, c.Id, new("research.joint.added", $"同题调研子课题：{parent.Title}",
                    $"上级政协将贵单位列为同题调研“{parent.Title}”的参加单位，并设立了本级子课题，请组织调研组、安排调研并撰写报告。", $"/research/{p.Id}"), user, clock, ct);
            else
                await NotifyStaffAsync(db, parent.CommitteeId, new("research.joint.joined", $"{c.Name}参加同题调研",
                    $"{c.Name}参加同题调研“{parent.Title}”，已设立本级子课题。", BoardLink(parent.Id)), user, clock, ct);
        }, ct);
        if (error is { Status: 409 } && error.Field == "") return (null, new(409, $"“{c.Name}”已有这项同题调研的子课题。", "committeeCode"), errors);
        return (project, error, errors);
    }

    /// <summary>
    /// Shares sub-project <paramref name="sub"/>'s report with its siblings (sets <see cref="ResearchProject.SharedAt"/>):
    /// staff who manage the sub-project, once its report is approved or sent; sharing again keeps the first time. The other
    /// participating committees' staff are notified.
    /// </summary>
    public static async Task<ResearchError?> ShareAsync(AppDbContext db, ResearchProject sub, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (sub.ParentId is not { } parentId) return new(409, "只有同题调研的子课题可以向兄弟单位共享报告。");
        if (!(user.IsStaff || user.IsAdmin) || !ResearchAccess.CanManage(user, sub)) return new(403, "您无权共享这个子课题的报告。");
        if (sub.ReportStatus is not (ReportStatus.Approved or ReportStatus.Sent)) return new(409, $"调研报告审定后才能共享（当前：{ResearchWorkflow.ReportStatusName(sub.ReportStatus)}）。");
        if (sub.SharedAt is not null) return null;
        var now = clock.GetUtcNow();
        sub.SharedAt = now;
        sub.UpdatedAt = now;
        db.ResearchEvents.Add(ResearchRules.Event(sub, "share", "向同题调研的兄弟单位共享报告", user, now));
        var name = await CommitteeNameAsync(db, sub.CommitteeId, ct);
        var siblings = await db.ResearchProjects.Where(p => p.ParentId == parentId && p.Id != sub.Id).Select(p => p.CommitteeId).ToListAsync(ct);
        foreach (var committeeId in siblings.Distinct())
            await NotifyStaffAsync(db, committeeId, new("research.joint.shared", $"{name}共享了同题调研报告", $"{name}共享了同题调研子课题“{sub.Title}”的调研报告。", $"/research/{sub.Id}"), user, clock, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Creates a project through <c>ResearchRules.CreateAsync</c> with <paramref name="origin"/> (the caller has checked who may
    /// start it; the team may be empty) and ties it to its origin in the same transaction:
    /// <paramref name="link"/> sets the origin fields before the project's second save, <paramref name="after"/> adds the rows
    /// that point to it. Any refusal or database error rolls everything back; a unique violation comes back as 409.
    /// Used by sub-projects and by claimed topics (<see cref="TopicRules"/>).
    /// </summary>
    internal static async Task<(ResearchProject? Project, ResearchError? Error, Dictionary<string, string[]> Errors)> CreateLinkedProjectAsync(
        AppDbContext db, ResearchInput input, CurrentUser actor, ResearchOrigin origin, TimeProvider clock, Action<ResearchProject> link, Func<ResearchProject, Task> after, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var (project, error, errors) = await ResearchRules.CreateAsync(db, input, actor, origin, clock, ct);
            if (project is null)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return (null, error, errors);
            }
            link(project);
            await after(project);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (project, null, errors);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (null, new(409, "已被同时登记，请刷新后查看。"), []);
        }
    }

    /// <summary>The parent's refusal for inviting: staff who manage it; not a sub-project; not finished.</summary>
    private static ResearchError? ParentRefusal(ResearchProject parent, CurrentUser user)
    {
        if (!(user.IsStaff || user.IsAdmin) || !ResearchAccess.CanManage(user, parent)) return new(403, "您无权邀请下级政协参加这项调研。");
        if (parent.ParentId is not null) return new(409, "子课题不能再邀请下级政协，请在上级的同题调研中邀请。");
        if (parent.Status is ResearchStatus.Cancelled or ResearchStatus.Completed) return new(409, "这项调研已结束或已取消，不能再邀请。");
        return null;
    }

    private static bool IsBelow(Committee c, ResearchProject parent) =>
        c.Path.StartsWith(parent.CommitteePath, StringComparison.Ordinal) && c.Path != parent.CommitteePath;

    private static string NotBelow(Committee c) => $"“{c.Name}”不是这项调研牵头单位的下级政协，不能参加同题调研。";

    private static void MarkJoint(ResearchProject parent, DateTimeOffset now)
    {
        if (parent.IsJoint) return;
        parent.IsJoint = true;
        parent.UpdatedAt = now;
    }

    private static Task<string> CommitteeNameAsync(AppDbContext db, int committeeId, CancellationToken ct) =>
        db.Committees.Where(c => c.Id == committeeId).Select(c => c.Name).FirstAsync(ct);

    /// <summary>Notifies the staff of committee <paramref name="committeeId"/> except the acting account.</summary>
    private static async Task NotifyStaffAsync(AppDbContext db, int committeeId, Notice notice, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var ids = (await ProposalRules.OfficeUserIdsAsync(db, committeeId, ct)).Where(id => id != user.UserId).ToList();
        await Notifier.ToUsersAsync(db, ids, notice, clock, ct);
    }

    /// <summary>Local link of a parent's same-topic board.</summary>
    public static string BoardLink(int parentId) => $"/research/{parentId}/joint";
}
