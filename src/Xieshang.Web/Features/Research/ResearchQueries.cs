using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>One row of the project list: codes and Chinese names of kind, status and report status; the lead committee and every organiser.</summary>
public sealed record ResearchListItem(int Id, string Title, string Kind, string KindName, string Status, string StatusName, string ReportStatus,
    string ReportStatusName, string CommitteeCode, string CommitteeName, IReadOnlyList<string> OrganizerNames, DateOnly? StartsOn, DateOnly? EndsOn,
    int? ParentId, bool IsJoint, DateTimeOffset UpdatedAt);

/// <summary>An organising committee (<see cref="Lead"/> for the first).</summary>
public sealed record ResearchOrganizerDto(string Code, string Name, bool Lead);

/// <summary>A person on the team: role code and name, member id (null for staff).</summary>
public sealed record ResearchTeamDto(string Role, string RoleName, int? MemberId, string Name);

/// <summary>A field-work trip with its activity and the activity's attendance counts (invited, registered, present, excused, absent);
/// <see cref="OutsideSchedule"/> when its China days fall outside the project's schedule (accepted, shown with a warning).</summary>
public sealed record ResearchFieldWorkDto(int Id, int ActivityId, string Kind, string KindName, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string Place, string Note, string ActivityStatus, int Invited, int Registered, int Present, int Excused, int Absent,
    bool OutsideSchedule = false);

/// <summary>A record or photo: <see cref="Url"/> downloads it (<c>/api/research/files/{id}</c>); images are shown as thumbnails.</summary>
public sealed record ResearchFileDto(int Id, string FileName, string ContentType, long Size, string Caption, int? FieldWorkId, bool IsImage, string UploadedBy,
    DateTimeOffset UploadedAt, string Url);

/// <summary>The report as a reader may see it: status, title, sanitised HTML body, findings and suggestions (plain), where it was sent, dates.</summary>
public sealed record ResearchReportDto(string Status, string StatusName, string Title, string Body, string Findings, string Suggestions, string SentTo,
    DateTimeOffset? SubmittedAt, DateTimeOffset? ApprovedAt, DateTimeOffset? SentAt, string ReturnReason, DateTimeOffset? SharedAt);

/// <summary>An output: kind, title, a speech's text, the item it is (proposal, opinion item or outcome id) and its link.</summary>
/// <summary>
/// An output as the viewer sees it: <see cref="Link"/> is the item's page when the viewer may open it (<see cref="CanOpen"/>,
/// decided by the proposals' and opinions' own <c>VisibleTo</c>), otherwise this row on the project page; <see cref="State"/> the
/// item's state name (草稿, 已提交…; empty for a speech); <see cref="WaitsWith"/> the member in whose drafts a draft waits
/// (null once it left the drafts or for other kinds); <see cref="Note"/> a sentence saying so for the page.
/// </summary>
public sealed record ResearchOutputDto(int Id, string Kind, string KindName, string Title, string Text, int? TargetId, string Link, string CreatedBy, DateTimeOffset CreatedAt,
    string State = "", bool CanOpen = true, string? WaitsWith = null, string Note = "");

/// <summary>A timeline event: action code and Chinese name, who, when, note.</summary>
public sealed record ResearchEventDto(string Action, string Name, string ByName, DateTimeOffset At, string Note);

/// <summary>
/// A project as <c>GET /api/research/{id}</c> and the detail page show it. <see cref="Report"/> is null when the viewer may
/// not read the report (a sibling sub-project not yet shared: <see cref="ResearchAccess.CanReadReport"/>), and then
/// <see cref="Files"/> is empty too. <see cref="PlanActions"/> and <see cref="ReportActions"/> are the action codes the
/// viewer may take now; the Can* flags say which forms apply (<see cref="CanEditTeam"/>: <c>PUT /api/research/{id}/team</c>,
/// <see cref="CanCancel"/>: <c>POST /api/research/{id}/cancel</c>). <see cref="TeamComplete"/> says whether the team has a
/// leader and an author (the plan cannot be submitted otherwise); <see cref="CancelReason"/> is the reason given when the
/// project was cancelled (null otherwise).
/// </summary>
public sealed record ResearchDetail(int Id, string Title, string Kind, string KindName, string Status, string StatusName, string Background, string Plan,
    DateTimeOffset? PlanSubmittedAt, DateTimeOffset? PlanApprovedAt, string PlanApprovedBy, DateOnly? StartsOn, DateOnly? EndsOn, int? ParentId, bool IsJoint,
    int? TopicClaimId, string ReportStatus, string ReportStatusName, IReadOnlyList<ResearchOrganizerDto> Organizers, IReadOnlyList<ResearchTeamDto> Team,
    IReadOnlyList<ResearchFieldWorkDto> FieldWork, IReadOnlyList<ResearchFileDto> Files, ResearchReportDto? Report, IReadOnlyList<ResearchOutputDto> Outputs,
    IReadOnlyList<ResearchEventDto> Events, IReadOnlyList<string> PlanActions, IReadOnlyList<string> ReportActions, bool CanManage, bool CanEditReport,
    bool CanUpload, bool CanAddOutputs, DateTimeOffset CreatedAt, string CreatedBy, bool CanEditTeam, bool CanCancel, bool TeamComplete, string? CancelReason)
{
    /// <summary>
    /// True when the viewer is an invited committee that has not joined this same-topic parent
    /// (<see cref="ResearchAccess.IsInviteeOnlyAsync"/>): the detail then carries the topic, background, organisers, schedule and
    /// status only (team, plan, field work, files, report, outputs and timeline empty).
    /// </summary>
    public bool TopicOnly { get; init; }
}

/// <summary>Reads of research projects for the API and the pages; scope by <see cref="ResearchAccess"/>.</summary>
public static class ResearchQueries
{
    /// <summary>
    /// The projects <paramref name="user"/> may see, newest first (at most 500): optionally those organised in the subtree of
    /// <paramref name="committeePath"/>, in <paramref name="status"/>, of <paramref name="kind"/>.
    /// </summary>
    public static async Task<List<ResearchListItem>> ListAsync(AppDbContext db, CurrentUser user, string? committeePath, ResearchStatus? status, ResearchKind? kind, CancellationToken ct)
    {
        var q = db.ResearchProjects.AsNoTracking().VisibleTo(db, user);
        if (committeePath is { } cp) q = q.Where(x => db.ResearchOrganizers.Any(o => o.ResearchProjectId == x.Id && o.CommitteePath.StartsWith(cp)));
        if (status is { } s) q = q.Where(x => x.Status == s);
        if (kind is { } k) q = q.Where(x => x.Kind == k);
        var rows = await q.OrderByDescending(x => x.UpdatedAt).ThenByDescending(x => x.Id).Take(500)
            .Select(x => new { x.Id, x.Title, x.Kind, x.Status, x.ReportStatus, x.Committee!.Code, x.Committee.Name, x.StartsOn, x.EndsOn, x.ParentId, x.IsJoint, x.UpdatedAt })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var orgs = (await db.ResearchOrganizers.AsNoTracking().Where(o => ids.Contains(o.ResearchProjectId))
            .Select(o => new { o.ResearchProjectId, o.SortOrder, o.Committee!.Name }).ToListAsync(ct))
            .ToLookup(o => o.ResearchProjectId);
        return rows.Select(r => new ResearchListItem(r.Id, r.Title, ResearchWorkflow.KindCode(r.Kind), ResearchWorkflow.KindName(r.Kind),
            ResearchWorkflow.StatusCode(r.Status), ResearchWorkflow.StatusName(r.Status), ResearchWorkflow.ReportStatusCode(r.ReportStatus),
            ResearchWorkflow.ReportStatusName(r.ReportStatus), r.Code, r.Name, orgs[r.Id].OrderBy(o => o.SortOrder).Select(o => o.Name).ToList(),
            r.StartsOn, r.EndsOn, r.ParentId, r.IsJoint, r.UpdatedAt)).ToList();
    }

    /// <summary>The detail of <paramref name="p"/> (organisers and team loaded) as <paramref name="user"/>, who may read it, sees it.</summary>
    public static async Task<ResearchDetail> DetailAsync(AppDbContext db, ResearchProject p, CurrentUser user, CancellationToken ct)
    {
        var siblingOnly = await ResearchAccess.IsSiblingOnlyAsync(db, user, p, ct);
        var readReport = ResearchAccess.CanReadReport(user, p, siblingOnly);
        var organizers = await db.ResearchOrganizers.AsNoTracking().Where(o => o.ResearchProjectId == p.Id).OrderBy(o => o.SortOrder)
            .Select(o => new ResearchOrganizerDto(o.Committee!.Code, o.Committee.Name, o.SortOrder == 0)).ToListAsync(ct);
        var team = p.Team.OrderBy(t => t.Role switch { TeamRole.Leader => 0, TeamRole.Author => 1, TeamRole.Member => 2, _ => 3 }).ThenBy(t => t.Id)
            .Select(t => new ResearchTeamDto(ResearchWorkflow.RoleCode(t.Role), ResearchWorkflow.RoleName(t.Role), t.MemberId, t.Name)).ToList();

        var trips = await db.ResearchFieldWork.AsNoTracking().Where(f => f.ResearchProjectId == p.Id).OrderBy(f => f.Activity!.StartsAt)
            .Select(f => new { f.Id, f.ActivityId, f.Kind, f.Note, f.Activity!.Title, f.Activity.StartsAt, f.Activity.EndsAt, f.Activity.Place, f.Activity.Status })
            .ToListAsync(ct);
        var activityIds = trips.Select(t => t.ActivityId).ToList();
        var invitations = (await db.Invitations.AsNoTracking().Where(i => activityIds.Contains(i.ActivityId))
            .Select(i => new { i.ActivityId, i.Response, i.Attendance }).ToListAsync(ct)).ToLookup(i => i.ActivityId);
        var fieldWork = trips.Select(t =>
        {
            var inv = invitations[t.ActivityId].ToList();
            return new ResearchFieldWorkDto(t.Id, t.ActivityId, ResearchWorkflow.FieldWorkKindCode(t.Kind), ResearchWorkflow.FieldWorkKindName(t.Kind), t.Title,
                t.StartsAt, t.EndsAt, t.Place, t.Note, ActivityStatusName(t.Status), inv.Count, inv.Count(i => i.Response == InvitationResponse.Attend),
                inv.Count(i => i.Attendance is AttendanceRole.Present or AttendanceRole.NonVoting or AttendanceRole.Speaker or AttendanceRole.Author),
                inv.Count(i => i.Attendance == AttendanceRole.Excused), inv.Count(i => i.Attendance == AttendanceRole.Absent),
                ResearchRules.OutsideSchedule(p, t.StartsAt, t.EndsAt));
        }).ToList();

        var files = readReport
            ? await db.ResearchFiles.AsNoTracking().Where(f => f.ResearchProjectId == p.Id).OrderBy(f => f.Id)
                .Select(f => new ResearchFileDto(f.Id, f.FileName, f.ContentType, f.Size, f.Caption, f.FieldWorkId, f.ContentType.StartsWith("image/"),
                    f.UploadedBy, f.UploadedAt, "/api/research/files/" + f.Id)).ToListAsync(ct)
            : [];
        var report = readReport
            ? new ResearchReportDto(ResearchWorkflow.ReportStatusCode(p.ReportStatus), ResearchWorkflow.ReportStatusName(p.ReportStatus), p.ReportTitle, p.ReportBody,
                p.Findings, p.Suggestions, p.SentTo, p.ReportSubmittedAt, p.ReportApprovedAt, p.ReportSentAt, p.ReturnReason, p.SharedAt)
            : null;
        var outputs = await OutputsAsync(db, await db.ResearchOutputs.AsNoTracking().Where(o => o.ResearchProjectId == p.Id).OrderBy(o => o.Id).ToListAsync(ct),
            p.Team.FirstOrDefault(t => t.Role == TeamRole.Author)?.Name, user, ct);
        var events = (await db.ResearchEvents.AsNoTracking().Where(e => e.ResearchProjectId == p.Id).ToListAsync(ct))
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new ResearchEventDto(e.Action, ResearchWorkflow.EventName(e.Action), e.ByName, e.At, e.Note)).ToList();

        var actors = ResearchAccess.Actors(user, p);
        var manage = ResearchAccess.CanManage(user, p);
        var open = p.Status is not (ResearchStatus.Completed or ResearchStatus.Cancelled);
        var onTeam = ResearchAccess.IsOnTeam(user, p);
        var detail = new ResearchDetail(p.Id, p.Title, ResearchWorkflow.KindCode(p.Kind), ResearchWorkflow.KindName(p.Kind), ResearchWorkflow.StatusCode(p.Status),
            ResearchWorkflow.StatusName(p.Status), p.Background, p.Plan, p.PlanSubmittedAt, p.PlanApprovedAt, p.PlanApprovedBy, p.StartsOn, p.EndsOn, p.ParentId,
            p.IsJoint, p.TopicClaimId, ResearchWorkflow.ReportStatusCode(p.ReportStatus), ResearchWorkflow.ReportStatusName(p.ReportStatus), organizers, team,
            fieldWork, files, report, outputs, events,
            ResearchWorkflow.PlanGraph.ActionsFor(p.Status, actors),
            p.Status >= ResearchStatus.PlanApproved && p.Status != ResearchStatus.Cancelled ? ResearchWorkflow.ReportGraph.ActionsFor(p.ReportStatus, actors) : [],
            manage,
            (actors.Contains(ResearchWorkflow.Office) || actors.Contains(ResearchWorkflow.Author)) && open && p.Status >= ResearchStatus.PlanApproved
                && p.ReportStatus is ReportStatus.Draft or ReportStatus.Returned,
            (manage || onTeam) && p.Status != ResearchStatus.Cancelled,
            (manage || (onTeam && p.Team.Any(t => t.MemberId == user.MemberId && t.Role != TeamRole.Staff))) && p.Status != ResearchStatus.Cancelled,
            p.CreatedAt, p.CreatedBy,
            manage && p.Status is not (ResearchStatus.Completed or ResearchStatus.Cancelled) && p.ReportStatus is not (ReportStatus.Approved or ReportStatus.Sent),
            manage && p.Status is not (ResearchStatus.Completed or ResearchStatus.Cancelled) && p.ReportStatus != ReportStatus.Sent,
            ResearchRules.HasLeaderAndAuthor(p),
            p.Status == ResearchStatus.Cancelled ? events.LastOrDefault(e => e.Action == "cancel")?.Note ?? "" : null);
        return await ResearchAccess.IsInviteeOnlyAsync(db, user, p, ct)
            ? detail with
            {
                TopicOnly = true, Team = [], Plan = "", PlanApprovedBy = "", FieldWork = [], Files = [], Report = null, Outputs = [], Events = [],
                PlanActions = [], ReportActions = [], CanEditReport = false, CanUpload = false, CanAddOutputs = false, CancelReason = null,
            }
            : detail;
    }

    /// <summary>
    /// The outputs as <paramref name="user"/> sees them: each proposal's and opinion's state, whether the user may open it (the
    /// other slice's <c>VisibleTo</c>, unchanged), and for a draft the member in whose drafts it waits (called 执笔人 when it is
    /// <paramref name="authorName"/>, the project's author).
    /// </summary>
    public static async Task<List<ResearchOutputDto>> OutputsAsync(AppDbContext db, IReadOnlyList<ResearchOutput> rows, string? authorName, CurrentUser user, CancellationToken ct)
    {
        var proposalIds = rows.Where(o => o.Kind == ResearchOutputKind.Proposal && o.TargetId != null).Select(o => o.TargetId!.Value).ToList();
        var opinionIds = rows.Where(o => o.Kind == ResearchOutputKind.Opinion && o.TargetId != null).Select(o => o.TargetId!.Value).ToList();
        var proposals = proposalIds.Count == 0 ? [] : await db.Proposals.AsNoTracking().Where(x => proposalIds.Contains(x.Id))
            .Select(x => new { x.Id, x.Status, x.ProposerName }).ToDictionaryAsync(x => x.Id, ct);
        var proposalsSeen = proposalIds.Count == 0 ? [] : (await db.Proposals.AsNoTracking().VisibleTo(db, user).Where(x => proposalIds.Contains(x.Id)).Select(x => x.Id).ToListAsync(ct)).ToHashSet();
        var opinions = opinionIds.Count == 0 ? [] : await db.OpinionItems.AsNoTracking().Where(x => opinionIds.Contains(x.Id))
            .Select(x => new { x.Id, x.Status, x.AuthorName }).ToDictionaryAsync(x => x.Id, ct);
        var opinionsSeen = opinionIds.Count == 0 ? [] : (await db.OpinionItems.AsNoTracking().VisibleTo(db, user).Where(x => opinionIds.Contains(x.Id)).Select(x => x.Id).ToListAsync(ct)).ToHashSet();
        return rows.Select(o =>
        {
            var (state, canOpen, waits) = o.Kind switch
            {
                ResearchOutputKind.Proposal when o.TargetId is { } t && proposals.TryGetValue(t, out var x) =>
                    (ProposalWorkflow.StateName(x.Status), proposalsSeen.Contains(t), x.Status == ProposalStatus.Draft ? x.ProposerName : null),
                ResearchOutputKind.Opinion when o.TargetId is { } t && opinions.TryGetValue(t, out var x) =>
                    (OpinionWorkflow.StateName(x.Status), opinionsSeen.Contains(t), x.Status == OpinionStatus.Draft ? x.AuthorName : null),
                ResearchOutputKind.Proposal or ResearchOutputKind.Opinion => ("已删除", false, (string?)null),
                _ => ("", true, (string?)null),
            };
            var kindName = ResearchWorkflow.OutputKindName(o.Kind);
            var who = waits is not null && waits == authorName ? "执笔人" + waits : waits;
            var note = waits is null ? "" : canOpen
                ? $"草稿在{who}的草稿中，待其修改后提交。"
                : $"草稿在{who}的草稿中，待其修改后提交；提交前只有其本人可以打开。";
            return new ResearchOutputDto(o.Id, ResearchWorkflow.OutputKindCode(o.Kind), kindName, o.Title, o.Text, o.TargetId,
                canOpen ? OutputLink(o) : $"/research/{o.ResearchProjectId}#output-{o.Id}", o.CreatedBy, o.CreatedAt, state, canOpen, waits, note);
        }).ToList();
    }

    /// <summary>Where an output lives: <c>/proposals/{id}</c>, <c>/opinions/{id}</c>, <c>/outcomes/{id}</c>, or the project page's anchor for a speech.</summary>
    public static string OutputLink(ResearchOutput o) => o.Kind switch
    {
        ResearchOutputKind.Proposal => $"/proposals/{o.TargetId}",
        ResearchOutputKind.Opinion => $"/opinions/{o.TargetId}",
        ResearchOutputKind.Recommendation => $"/outcomes/{o.TargetId}",
        _ => $"/research/{o.ResearchProjectId}#output-{o.Id}",
    };

    private static string ActivityStatusName(ActivityStatus s) => s switch
    {
        ActivityStatus.Draft => "草稿",
        ActivityStatus.Published => "已发布",
        ActivityStatus.Postponed => "已延期",
        _ => "已取消",
    };
}
