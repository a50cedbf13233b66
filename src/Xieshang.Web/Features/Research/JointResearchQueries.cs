using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// One sub-project of a same-topic research as the side-by-side list shows it: the committee, the project's stage and report
/// state (codes and Chinese names, <see cref="ResearchWorkflow"/>), schedule (China dates), team size, field-work trips,
/// whether its report is shared with the siblings, report dates and the last activity (the latest timeline event or edit).
/// <see cref="Findings"/> and <see cref="Suggestions"/> are filled only for an approved or sent report the viewer may read
/// (<see cref="ResearchAccess.CanReadReport"/>); <see cref="ReportReadable"/> says whether the viewer may read its report.
/// </summary>
public sealed record JointSubProjectDto(int Id, string CommitteeCode, string CommitteeName, string Status, string StatusName,
    string ReportStatus, string ReportStatusName, DateOnly? StartsOn, DateOnly? EndsOn, int TeamSize, int FieldWorkCount,
    bool Shared, DateTimeOffset? SharedAt, DateTimeOffset? ReportApprovedAt, DateTimeOffset? ReportSentAt, DateTimeOffset LastActivityAt,
    bool ReportReadable, string? Findings, string? Suggestions, bool CanShare);

/// <summary>
/// An invited committee and its answer (<c>invited</c>, <c>joined</c>, <c>declined</c>), with its sub-project once joined.
/// <see cref="CanAnswer"/>: the viewer is that committee's own staff and may join or decline (<see cref="JointResearchRules.MayAnswer"/>);
/// <see cref="CanAddOnBehalf"/>: the viewer manages the parent and may set up the sub-project on the committee's behalf
/// (<see cref="JointResearchRules.MayAddOnBehalf"/>). Both only while the invitation is unanswered.
/// </summary>
public sealed record JointInvitationDto(string CommitteeCode, string CommitteeName, string Status, string StatusName, DateTimeOffset InvitedAt,
    DateTimeOffset? AnsweredAt, int? SubProjectId, bool CanAnswer, bool CanAddOnBehalf = false);

/// <summary>Reads of same-topic research for the API, the board page and the combined report. Scope by <see cref="ResearchAccess"/>.</summary>
public static class JointResearchQueries
{
    /// <summary>The parent project with its organisers (null when missing).</summary>
    public static Task<ResearchProject?> FindAsync(AppDbContext db, int id, CancellationToken ct, bool tracked = false) =>
        (tracked ? db.ResearchProjects : db.ResearchProjects.AsNoTracking()).Include(p => p.Organizers).FirstOrDefaultAsync(p => p.Id == id, ct);

    /// <summary>
    /// The sub-projects of <paramref name="parentId"/> that <paramref name="user"/> may see (<see cref="ResearchAccess.VisibleTo"/>:
    /// all of them from above, the own one and shared siblings for a participating committee), in committee-code order.
    /// </summary>
    public static async Task<List<JointSubProjectDto>> SubProjectsAsync(AppDbContext db, int parentId, CurrentUser user, CancellationToken ct)
    {
        var subs = await db.ResearchProjects.AsNoTracking().Where(p => p.ParentId == parentId).VisibleTo(db, user)
            .Include(p => p.Organizers).Include(p => p.Team).Include(p => p.Committee).ToListAsync(ct);
        var ids = subs.Select(s => s.Id).ToList();
        var fieldWork = await db.ResearchFieldWork.Where(f => ids.Contains(f.ResearchProjectId)).GroupBy(f => f.ResearchProjectId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var lastEvents = (await db.ResearchEvents.Where(e => ids.Contains(e.ResearchProjectId)).Select(e => new { e.ResearchProjectId, e.At }).ToListAsync(ct))
            .GroupBy(e => e.ResearchProjectId).ToDictionary(g => g.Key, g => g.Max(e => e.At));
        var list = new List<JointSubProjectDto>();
        foreach (var s in subs.OrderBy(s => s.Committee!.Code, StringComparer.Ordinal))
        {
            var readable = ResearchAccess.CanReadReport(user, s, await ResearchAccess.IsSiblingOnlyAsync(db, user, s, ct));
            var done = s.ReportStatus is ReportStatus.Approved or ReportStatus.Sent;
            var last = lastEvents.TryGetValue(s.Id, out var at) && at > s.UpdatedAt ? at : s.UpdatedAt;
            list.Add(new(s.Id, s.Committee!.Code, s.Committee.Name, ResearchWorkflow.StatusCode(s.Status), ResearchWorkflow.StatusName(s.Status),
                ResearchWorkflow.ReportStatusCode(s.ReportStatus), ResearchWorkflow.ReportStatusName(s.ReportStatus), s.StartsOn, s.EndsOn,
                s.Team.Count, fieldWork.GetValueOrDefault(s.Id), s.SharedAt is not null, s.SharedAt, s.ReportApprovedAt, s.ReportSentAt, last,
                readable, readable && done ? s.Findings : null, readable && done ? s.Suggestions : null,
                done && s.SharedAt is null && (user.IsStaff || user.IsAdmin) && ResearchAccess.CanManage(user, s)));
        }
        return list;
    }

    /// <summary>
    /// The invitations of <paramref name="parent"/> (organisers loaded) <paramref name="user"/> may see: all from above
    /// (<paramref name="fromAbove"/>), otherwise those of committees in the user's scope. In committee-code order.
    /// </summary>
    public static async Task<List<JointInvitationDto>> InvitationsAsync(AppDbContext db, ResearchProject parent, CurrentUser user, bool fromAbove, CancellationToken ct)
    {
        var q = db.JointResearchInvitations.AsNoTracking().Where(i => i.ParentId == parent.Id);
        if (!fromAbove) q = user.CommitteePath is { } p ? q.Where(i => i.CommitteePath.StartsWith(p)) : q.Where(i => false);
        var rows = await q.Select(i => new { i.Committee!.Code, i.Committee.Name, i.CommitteePath, i.Status, i.InvitedAt, i.AnsweredAt, i.SubProjectId }).ToListAsync(ct);
        return rows.OrderBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => new JointInvitationDto(r.Code, r.Name, StatusCode(r.Status), StatusName(r.Status), r.InvitedAt, r.AnsweredAt, r.SubProjectId,
                r.Status == JointInvitationStatus.Invited && JointResearchRules.MayAnswer(user, r.CommitteePath),
                r.Status == JointInvitationStatus.Invited && JointResearchRules.MayAddOnBehalf(user, parent, r.CommitteePath)))
            .ToList();
    }

    /// <summary>API code of an invitation state.</summary>
    public static string StatusCode(JointInvitationStatus s) => s switch
    {
        JointInvitationStatus.Joined => "joined",
        JointInvitationStatus.Declined => "declined",
        _ => "invited",
    };

    /// <summary>Chinese name of an invitation state.</summary>
    public static string StatusName(JointInvitationStatus s) => s switch
    {
        JointInvitationStatus.Joined => "已参加",
        JointInvitationStatus.Declined => "不参加",
        _ => "已邀请，待答复",
    };
}
