using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Studios;

/// <summary>A studio in the public list: where, what, when. Nothing internal (no member ids, no phones but the studio's own).</summary>
public sealed record PublicStudioItem(int Id, string Name, string KindName, string CommitteeName, string CountyCode, string CountyName,
    string TownshipCode, string TownshipName, string SectorName, string Address, string Schedule);

/// <summary>A reception day or other studio activity on the public page: title, kind, China-time start and end, place.</summary>
public sealed record PublicStudioActivity(string Title, string KindName, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Place);

/// <summary>The public page of a published studio: the list item plus directions, contact, members on duty by name only, upcoming activities.</summary>
public sealed record PublicStudio(PublicStudioItem Studio, string Directions, string ContactPhone, IReadOnlyList<string> OnDuty, IReadOnlyList<PublicStudioActivity> Upcoming);

/// <summary>What a citizen sees with a tracking code: the studio's name, state, dates, the answer, and a note on a conversion (no internal content).</summary>
public sealed record StudioTracking(string TrackingCode, string StudioName, string Status, string StatusName, DateTimeOffset CreatedAt,
    DateTimeOffset? AnsweredAt, string Answer, string Note);

/// <summary>A member of a studio as the office sees it (name, committee, on duty, note).</summary>
public sealed record StudioMemberDto(int MemberId, string Name, string CommitteeName, bool OnDuty, string Note);

/// <summary>A studio as staff, leaders and members see it (GET /api/studios and /api/studios/{id}).</summary>
public sealed record StudioDto(int Id, string Name, string Kind, string KindName, string CommitteeCode, string CommitteeName, int? SectorId, string SectorName,
    string TownshipCode, string TownshipName, string Address, string Directions, string Schedule, string Contact, bool Published,
    IReadOnlyList<StudioMemberDto> Members, int NewMessages, bool CanManage, bool CanHandle, StudioRules.ResponseStats Response);

/// <summary>A message in a studio's inbox (handlers only): with the citizen's phone, the answer and where it was converted to.</summary>
public sealed record StudioMessageDto(int Id, string TrackingCode, string Name, string Phone, string Content, bool HasPhoto, string Status, string StatusName,
    DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt, string Answer, string AnsweredBy, int? ProposalId, int? OpinionId, double? ResponseHours);

/// <summary>Read models of studios: public projections (published only) and office ones.</summary>
public static class StudioQueries
{
    /// <summary>The published studios, optionally of one township or county, by county, township, name.</summary>
    public static async Task<List<PublicStudioItem>> PublicListAsync(AppDbContext db, string? township, string? county, CancellationToken ct)
    {
        var q = db.Studios.AsNoTracking().Where(s => s.IsPublished);
        if (township is { Length: > 0 }) q = q.Where(s => s.TownshipCode == township.Trim());
        if (county is { Length: > 0 }) q = q.Where(s => s.CountyCode == county.Trim());
        var rows = await q.OrderBy(s => s.CountyCode).ThenBy(s => s.TownshipCode).ThenBy(s => s.Name).Take(1000)
            .Select(s => new { s.Id, s.Name, s.Kind, Committee = s.Committee!.Name, s.CountyCode, s.TownshipCode, s.TownshipName, Sector = s.Sector != null ? s.Sector.Name : "", s.Address, s.Schedule })
            .ToListAsync(ct);
        var counties = await CountyNamesAsync(db, rows.Select(r => r.CountyCode), ct);
        return rows.Select(r => new PublicStudioItem(r.Id, r.Name, StudioRules.KindName(r.Kind), r.Committee, r.CountyCode, counties.GetValueOrDefault(r.CountyCode, r.CountyCode),
            r.TownshipCode, r.TownshipName, r.Sector, r.Address, r.Schedule)).ToList();
    }

    /// <summary>The public page of studio <paramref name="id"/>, or null when it does not exist or is not published.</summary>
    public static async Task<PublicStudio?> PublicAsync(AppDbContext db, int id, TimeProvider clock, CancellationToken ct)
    {
        var s = await db.Studios.AsNoTracking().Where(x => x.Id == id && x.IsPublished)
            .Select(x => new { x.Id, x.Name, x.Kind, Committee = x.Committee!.Name, x.CountyCode, x.TownshipCode, x.TownshipName, Sector = x.Sector != null ? x.Sector.Name : "", x.Address, x.Schedule, x.Directions, x.ContactPhone })
            .FirstOrDefaultAsync(ct);
        if (s is null) return null;
        var counties = await CountyNamesAsync(db, [s.CountyCode], ct);
        var onDuty = await db.StudioMembers.AsNoTracking().Where(m => m.StudioId == id && m.OnDuty && m.Member!.IsActive)
            .Select(m => new { m.Member!.Name, m.Member.StrokeKey }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var upcoming = await db.StudioActivities.AsNoTracking()
            .Where(a => a.StudioId == id && a.Activity!.EndsAt >= now && (a.Activity.Status == ActivityStatus.Published || a.Activity.Status == ActivityStatus.Postponed))
            .OrderBy(a => a.Activity!.StartsAt).Take(10)
            .Select(a => new { a.Kind, a.Activity!.Title, a.Activity.StartsAt, a.Activity.EndsAt, a.Activity.Place }).ToListAsync(ct);
        return new PublicStudio(
            new PublicStudioItem(s.Id, s.Name, StudioRules.KindName(s.Kind), s.Committee, s.CountyCode, counties.GetValueOrDefault(s.CountyCode, s.CountyCode), s.TownshipCode, s.TownshipName, s.Sector, s.Address, s.Schedule),
            s.Directions, s.ContactPhone, onDuty.OrderBy(m => m.StrokeKey, StringComparer.Ordinal).Select(m => m.Name).ToList(),
            upcoming.Select(a => new PublicStudioActivity(a.Title, StudioRules.ActivityKinds.First(k => k.Kind == a.Kind).Name, a.StartsAt, a.EndsAt, a.Place)).ToList());
    }

    /// <summary>What the citizen sees for <paramref name="code"/> (already normalised), or null when no message has it.</summary>
    public static async Task<StudioTracking?> TrackAsync(AppDbContext db, string code, CancellationToken ct)
    {
        var m = await db.StudioMessages.AsNoTracking().Where(x => x.TrackingCode == code)
            .Select(x => new { x.TrackingCode, Studio = x.Studio!.Name, x.Status, x.CreatedAt, x.AnsweredAt, x.Answer, x.ConvertedProposalId, x.ConvertedOpinionId })
            .FirstOrDefaultAsync(ct);
        if (m is null) return null;
        var note = m.Status switch
        {
            StudioMessageStatus.Converted when m.ConvertedProposalId is not null => "已转为委员提案，正在办理",
            StudioMessageStatus.Converted => "已转为社情民意，正在办理",
            StudioMessageStatus.Closed => "留言已关闭",
            StudioMessageStatus.New => "工作室已收到您的留言，值班委员将尽快答复",
            _ => "",
        };
        return new StudioTracking(m.TrackingCode, m.Studio, StudioRules.StatusCode(m.Status), StudioRules.StatusName(m.Status), m.CreatedAt, m.AnsweredAt, m.Answer, note);
    }

    /// <summary>
    /// The studios <paramref name="user"/> may see (optionally those of the committee at <paramref name="committeePath"/> and
    /// the committees below it, as the research, outcome and opinion lists filter), by committee and name, with response statistics.
    /// </summary>
    public static async Task<List<StudioDto>> ListAsync(AppDbContext db, CurrentUser user, string? committeePath, TimeProvider clock, CancellationToken ct)
    {
        var q = db.Studios.AsNoTracking().VisibleTo(db, user);
        if (committeePath is { } path) q = q.Where(s => s.CommitteePath.StartsWith(path));
        var ids = await q.OrderBy(s => s.CommitteePath).ThenBy(s => s.Name).Select(s => s.Id).Take(500).ToListAsync(ct);
        return await DtosAsync(db, user, ids, clock, ct);
    }

    /// <summary>The office view of the studios <paramref name="ids"/> (in that order).</summary>
    public static async Task<List<StudioDto>> DtosAsync(AppDbContext db, CurrentUser user, List<int> ids, TimeProvider clock, CancellationToken ct)
    {
        var studios = await db.Studios.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { S = s, CommitteeCode = s.Committee!.Code, CommitteeName = s.Committee.Name, Sector = s.Sector != null ? s.Sector.Name : "" }).ToListAsync(ct);
        var members = await db.StudioMembers.AsNoTracking().Where(m => ids.Contains(m.StudioId))
            .Select(m => new { m.StudioId, m.MemberId, m.Member!.Name, m.Member.StrokeKey, Committee = m.Member.Committee!.Name, m.OnDuty, m.DutyNote }).ToListAsync(ct);
        var fresh = await db.StudioMessages.AsNoTracking().Where(m => ids.Contains(m.StudioId) && m.Status == StudioMessageStatus.New)
            .GroupBy(m => m.StudioId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var stats = await StudioRules.ResponseStatsAsync(db, ids, clock, ct);
        var list = new List<StudioDto>();
        foreach (var id in ids)
        {
            var x = studios.First(s => s.S.Id == id);
            var mine = members.Where(m => m.StudioId == id).OrderByDescending(m => m.OnDuty).ThenBy(m => m.StrokeKey, StringComparer.Ordinal).ToList();
            var canManage = StudioRules.CanManage(user, x.S.CommitteePath);
            var canHandle = canManage || (user.IsMember && mine.Any(m => m.MemberId == user.MemberId && m.OnDuty));
            list.Add(new StudioDto(id, x.S.Name, StudioRules.KindCode(x.S.Kind), StudioRules.KindName(x.S.Kind), x.CommitteeCode, x.CommitteeName, x.S.SectorId, x.Sector,
                x.S.TownshipCode, x.S.TownshipName, x.S.Address, x.S.Directions, x.S.Schedule, x.S.ContactPhone, x.S.IsPublished,
                mine.Select(m => new StudioMemberDto(m.MemberId, m.Name, m.Committee, m.OnDuty, m.DutyNote)).ToList(),
                canHandle ? fresh.GetValueOrDefault(id) : 0, canManage, canHandle, stats[id]));
        }
        return list;
    }

    /// <summary>The inbox of a studio (handlers only; the caller checks), newest first, optionally of one state; at most 500.</summary>
    public static async Task<List<StudioMessageDto>> MessagesAsync(AppDbContext db, int studioId, StudioMessageStatus? status, CancellationToken ct)
    {
        var q = db.StudioMessages.AsNoTracking().Where(m => m.StudioId == studioId);
        if (status is { } st) q = q.Where(m => m.Status == st);
        var rows = await q.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(500)
            .Select(m => new { m.Id, m.TrackingCode, m.Name, m.Phone, m.Content, HasPhoto = m.Photo != null, m.Status, m.CreatedAt, m.AnsweredAt, m.ConvertedAt, m.Answer, m.AnsweredByName, m.ConvertedProposalId, m.ConvertedOpinionId })
            .ToListAsync(ct);
        return rows.Select(m =>
        {
            var responded = new StudioMessage { AnsweredAt = m.AnsweredAt, ConvertedAt = m.ConvertedAt }.RespondedAt;
            return new StudioMessageDto(m.Id, m.TrackingCode, m.Name, m.Phone, m.Content, m.HasPhoto, StudioRules.StatusCode(m.Status), StudioRules.StatusName(m.Status),
                m.CreatedAt, m.AnsweredAt, m.Answer, m.AnsweredByName, m.ConvertedProposalId, m.ConvertedOpinionId, responded is { } r ? Math.Round((r - m.CreatedAt).TotalHours, 2) : null);
        }).ToList();
    }

    /// <summary>Names of county-level divisions (6-digit codes) from their committees, without the trailing 政协 (钟山区政协 → 钟山区).</summary>
    public static async Task<Dictionary<string, string>> CountyNamesAsync(AppDbContext db, IEnumerable<string> codes, CancellationToken ct)
    {
        var list = codes.Distinct().ToList();
        var rows = await db.Committees.AsNoTracking().Where(c => list.Contains(c.Code)).Select(c => new { c.Code, c.Name }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Code, r => r.Name.EndsWith("政协", StringComparison.Ordinal) ? r.Name[..^2] : r.Name);
    }
}
