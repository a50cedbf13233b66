using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Study;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Lectures;

/// <summary>A lecture series as listed: hall code and name, committee, number of lectures the viewer sees, whether the viewer may change it.</summary>
public sealed record SeriesItem(int Id, string Name, string Hall, string HallName, string CommitteeCode, string CommitteeName, string Description, bool IsPublic,
    int Lectures, bool CanManage);

/// <summary>
/// A lecture as listed: activity status code (<c>draft</c>, <c>published</c>, <c>postponed</c>, <c>cancelled</c>), <c>held</c>
/// once it has started and was neither a draft nor cancelled, <c>running</c> while it is held and not yet over (started,
/// end still ahead); times are instants; <c>activityId</c> is its activity (check-in, attendance).
/// </summary>
public sealed record LectureItem(int Id, int SeriesId, string SeriesName, string Hall, string HallName, string Topic, string SpeakerName, string SpeakerTitle,
    string SpeakerKind, string SpeakerKindName, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Place, string Status, bool Held, int ActivityId, bool Running = false);

/// <summary>A material of a lecture: kind code (<c>document</c>, <c>video</c>, <c>link</c>); <c>url</c> streams the file (same access as the lecture) or is the link.</summary>
public sealed record LectureMaterialItem(int Id, string Kind, string KindName, string Title, string FileName, string ContentType, long Size, string Url);

/// <summary>
/// A lecture in full as its viewer may see it. <c>speakerMemberId</c> and <c>invitees</c> (the invitee rules as written)
/// are given to staff who manage it only (null otherwise); <c>summary</c> is sanitised HTML.
/// </summary>
public sealed record LectureDetail(LectureItem Lecture, string CommitteeCode, string OnlineLink, bool Mandatory, string Summary, string CancelReason,
    DateTimeOffset? OriginalStartsAt, bool AttendanceConfirmed, int? SpeakerMemberId, InviteesInput? Invitees, IReadOnlyList<LectureMaterialItem> Materials,
    bool CanManage, bool SeriesIsPublic);

/// <summary>One lecture of the public archive: the public fields only (topic, series, hall, speaker name, title and kind, China date, summary).</summary>
public sealed record ArchiveItem(string Topic, string SeriesName, string Hall, string HallName, string SpeakerName, string SpeakerTitle, string SpeakerKind,
    string SpeakerKindName, string Date, string Summary);

/// <summary>A public series offered as an archive filter.</summary>
public sealed record ArchiveSeries(int Id, string Name, string Hall, string HallName);

/// <summary>A page of the public archive: items newest first, total matching, page (from 1), page size, and the public series for the filter.</summary>
public sealed record ArchivePage(IReadOnlyList<ArchiveItem> Items, int Total, int Page, int PageSize, IReadOnlyList<ArchiveSeries> Series);

/// <summary>Read models of the lecture halls for the API and the pages (access by <see cref="LectureAccess"/>).</summary>
public static class LectureQueries
{
    /// <summary>Archive page size.</summary>
    public const int ArchivePageSize = 20;

    /// <summary>The series <paramref name="user"/> sees, optionally of one committee (and below), by committee path and name.</summary>
    public static async Task<List<SeriesItem>> SeriesAsync(AppDbContext db, CurrentUser user, string? committeePath, CancellationToken ct)
    {
        var q = db.LectureSeries.AsNoTracking().VisibleTo(db, user);
        if (committeePath is not null) q = q.Where(s => s.CommitteePath.StartsWith(committeePath));
        var visible = db.Lectures.VisibleTo(db, user);
        var rows = await q.OrderBy(s => s.CommitteePath).ThenBy(s => s.Id).Select(s => new
        {
            S = s, s.Committee!.Code, CommitteeName = s.Committee.Name, Count = visible.Count(l => l.SeriesId == s.Id),
        }).ToListAsync(ct);
        return rows.Select(r => new SeriesItem(r.S.Id, r.S.Name, LectureCodes.HallCode(r.S.Hall), LectureCodes.HallName(r.S.Hall), r.Code, r.CommitteeName,
            r.S.Description, r.S.IsPublic, r.Count, LectureAccess.CanManage(user, r.S.CommitteePath))).ToList();
    }

    /// <summary>The lectures <paramref name="user"/> sees (optionally of one series), newest start first, at most <paramref name="take"/>.</summary>
    public static async Task<List<LectureItem>> LecturesAsync(AppDbContext db, CurrentUser user, int? seriesId, TimeProvider clock, CancellationToken ct, int take = 500)
    {
        var q = db.Lectures.AsNoTracking().VisibleTo(db, user);
        if (seriesId is { } sid) q = q.Where(l => l.SeriesId == sid);
        return await ItemsAsync(q.OrderByDescending(l => l.Activity!.StartsAt).ThenByDescending(l => l.Id).Take(take), clock, ct);
    }

    private static async Task<List<LectureItem>> ItemsAsync(IQueryable<Lecture> q, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await q.Select(l => new
        {
            L = l, SeriesName = l.Series!.Name, l.Series.Hall, l.Activity!.StartsAt, l.Activity.EndsAt, l.Activity.Place, l.Activity.OnlineLink, l.Activity.Status,
        }).ToListAsync(ct);
        return rows.Select(r => new LectureItem(r.L.Id, r.L.SeriesId, r.SeriesName, LectureCodes.HallCode(r.Hall), LectureCodes.HallName(r.Hall), r.L.Topic,
            r.L.SpeakerName, r.L.SpeakerTitle, LectureCodes.KindCode(r.L.SpeakerKind), LectureCodes.KindName(r.L.SpeakerKind), r.StartsAt, r.EndsAt,
            r.Place.Length > 0 ? r.Place : r.OnlineLink, r.Status.ToString().ToLowerInvariant(), IsHeld(r.Status, r.StartsAt, now), r.L.ActivityId,
            IsHeld(r.Status, r.StartsAt, now) && r.EndsAt > now)).ToList();
    }

    /// <summary>True when a lecture counts as held: its activity was published (or postponed) and has started.</summary>
    public static bool IsHeld(ActivityStatus status, DateTimeOffset startsAt, DateTimeOffset now) =>
        status is ActivityStatus.Published or ActivityStatus.Postponed && startsAt <= now;

    /// <summary>The detail of <paramref name="l"/> (series and activity loaded) for <paramref name="user"/>, who may see it.</summary>
    public static async Task<LectureDetail> DetailAsync(AppDbContext db, Lecture l, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var item = (await ItemsAsync(db.Lectures.AsNoTracking().Where(x => x.Id == l.Id), clock, ct)).Single();
        var a = l.Activity!;
        var manage = LectureAccess.CanManage(user, l.CommitteePath);
        InviteesInput? invitees = null;
        if (manage)
        {
            var ids = a.InviteeRules.Where(r => r.Kind == InviteeKind.Committee).Select(r => r.TargetId).ToList();
            var codes = await db.Committees.Where(c => ids.Contains(c.Id)).Select(c => c.Code).ToArrayAsync(ct);
            int[] Of(InviteeKind k) => a.InviteeRules.Where(r => r.Kind == k).Select(r => r.TargetId).ToArray();
            invitees = new InviteesInput(codes, Of(InviteeKind.Sector), Of(InviteeKind.SpecialCommittee), Of(InviteeKind.Member));
        }
        var code = await db.Committees.Where(c => c.Id == l.Series!.CommitteeId).Select(c => c.Code).FirstAsync(ct);
        return new LectureDetail(item, code, a.OnlineLink, a.Mandatory, l.Summary, a.CancelReason, a.OriginalStartsAt, a.AttendanceConfirmedAt is not null,
            manage ? l.SpeakerMemberId : null, invitees, await MaterialsAsync(db, l.Id, ct), manage, l.Series!.IsPublic);
    }

    /// <summary>The materials of lecture <paramref name="lectureId"/> in the order added.</summary>
    public static async Task<List<LectureMaterialItem>> MaterialsAsync(AppDbContext db, int lectureId, CancellationToken ct)
    {
        var rows = await db.StudyMaterials.AsNoTracking().Where(m => m.LectureId == lectureId).OrderBy(m => m.SortOrder).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.Kind, m.Title, m.Url, FileName = m.StoredFile != null ? m.StoredFile.FileName : "", ContentType = m.StoredFile != null ? m.StoredFile.ContentType : "",
                Size = m.StoredFile != null ? m.StoredFile.Size : 0 }).ToListAsync(ct);
        return rows.Select(m => new LectureMaterialItem(m.Id, StudyMaterials.KindCode(m.Kind), StudyMaterials.KindName(m.Kind), m.Title, m.FileName, m.ContentType, m.Size,
            m.Kind == MaterialKind.Link ? m.Url : $"/api/lectures/{lectureId}/materials/{m.Id}")).ToList();
    }

    /// <summary>
    /// The public archive (no sign-in): lectures of series marked public whose activity was published and has started
    /// (never a draft, a cancelled or a coming lecture), newest first, optionally of one public series or one hall;
    /// page from 1. Only the public fields leave this method.
    /// </summary>
    public static async Task<ArchivePage> ArchiveAsync(AppDbContext db, int? seriesId, LectureHall? hall, int page, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var q = db.Lectures.AsNoTracking().Where(l => l.Series!.IsPublic
            && (l.Activity!.Status == ActivityStatus.Published || l.Activity.Status == ActivityStatus.Postponed) && l.Activity.StartsAt <= now);
        if (seriesId is { } sid) q = q.Where(l => l.SeriesId == sid);
        if (hall is { } h) q = q.Where(l => l.Series!.Hall == h);
        var total = await q.CountAsync(ct);
        page = Math.Max(1, page);
        var rows = await q.OrderByDescending(l => l.Activity!.StartsAt).ThenByDescending(l => l.Id).Skip((page - 1) * ArchivePageSize).Take(ArchivePageSize)
            .Select(l => new { l.Topic, SeriesName = l.Series!.Name, l.Series.Hall, l.SpeakerName, l.SpeakerTitle, l.SpeakerKind, l.Activity!.StartsAt, l.Summary })
            .ToListAsync(ct);
        var series = await db.LectureSeries.AsNoTracking().Where(s => s.IsPublic).OrderBy(s => s.CommitteePath).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.Name, s.Hall }).ToListAsync(ct);
        return new ArchivePage(
            rows.Select(r => new ArchiveItem(r.Topic, r.SeriesName, LectureCodes.HallCode(r.Hall), LectureCodes.HallName(r.Hall), r.SpeakerName, r.SpeakerTitle,
                LectureCodes.KindCode(r.SpeakerKind), LectureCodes.KindName(r.SpeakerKind), LectureCodes.Day(r.StartsAt), r.Summary)).ToList(),
            total, page, ArchivePageSize, series.Select(s => new ArchiveSeries(s.Id, s.Name, LectureCodes.HallCode(s.Hall), LectureCodes.HallName(s.Hall))).ToList());
    }
}
