using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Members;

/// <summary>Sort orders of the member list.</summary>
public enum MemberOrder
{
    /// <summary>Official roster order: surname stroke count (按姓氏笔画), the default.</summary>
    Stroke,
    /// <summary>Pinyin order.</summary>
    Pinyin,
}

/// <summary>
/// Filters of the member list, bound from the query string by the API and the page alike.
/// <c>Committee</c> includes the committees below it unless <c>IncludeBelow=false</c>; <c>Q</c> matches the name, its full pinyin
/// (<c>zhangsan</c>) or pinyin initials (<c>zs</c>), by prefix.
/// </summary>
public sealed record MemberFilter(
    string? Committee = null, int? Sector = null, string? Party = null, Position? Position = null, int? Term = null,
    bool? Active = null, string? Q = null, string? Order = null, int Page = 1, int PageSize = 50, bool? IncludeBelow = null)
{
    /// <summary>Largest page number served (deeper pages are empty anyway; keeps the offset arithmetic in range).</summary>
    public const int MaxPage = 100_000;

    /// <summary>The sort order: <c>order=pinyin</c> (any case) selects pinyin order, anything else the official stroke order.</summary>
    public MemberOrder SortOrder => string.Equals(Order, nameof(MemberOrder.Pinyin), StringComparison.OrdinalIgnoreCase) ? MemberOrder.Pinyin : MemberOrder.Stroke;

    /// <summary>Largest page the API serves.</summary>
    public const int MaxPageSize = 200;
}

/// <summary>One row of the member list. <c>Phone</c> and <c>Email</c> are masked unless the viewer manages the member.</summary>
public sealed record MemberListItem(
    int Id, string Name, string Gender, string CommitteeCode, string CommitteeName, int SectorId, string SectorName,
    string PartyCode, string PartyShortName, string Position, int Term, string WorkUnit, string Phone, string Email, bool IsActive);

/// <summary>A page of results: <c>{items, total}</c>.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Total);

/// <summary>Member list and search: the one query behind <c>GET /api/members</c>, the page and the export.</summary>
public static class MemberQueries
{
    /// <summary>Applies scope (<see cref="Scope.VisibleTo(IQueryable{Member}, CurrentUser)"/>) and the filters, without ordering or paging.</summary>
    /// <remarks><c>committeePath</c>: the path of <c>f.Committee</c> when the caller has already read it (saves a query).</remarks>
    public static async Task<IQueryable<Member>?> FilteredAsync(AppDbContext db, CurrentUser user, MemberFilter f, CancellationToken ct = default, string? committeePath = null)
    {
        var q = db.Members.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(f.Committee))
        {
            var path = committeePath ?? await db.Committees.Where(c => c.Code == f.Committee).Select(c => c.Path).FirstOrDefaultAsync(ct);
            if (path is null) return null;
            q = f.IncludeBelow == false ? q.Where(m => m.CommitteePath == path) : q.Where(m => m.CommitteePath.StartsWith(path));
            // When the committee lies inside the user's scope, its path prefix already implies the scope filter; a second,
            // redundant LIKE only misleads PostgreSQL's row estimate. Anyone else (members, other committees) keeps it.
            var implied = user.IsAdmin || ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } scope && path.StartsWith(scope, StringComparison.Ordinal));
            if (!implied) q = q.VisibleTo(user);
        }
        else q = q.VisibleTo(user);
        if (f.Sector is { } s) q = q.Where(m => m.SectorId == s);
        if (!string.IsNullOrWhiteSpace(f.Party)) q = q.Where(m => m.PartyCode == f.Party);
        if (f.Position is { } p) q = q.Where(m => m.Position == p);
        if (f.Term is { } t) q = q.Where(m => m.Term == t);
        if (f.Active is { } a) q = q.Where(m => m.IsActive == a);
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var text = ChineseText.NormalizeName(f.Q);
            var latin = new string(text.Where(char.IsAsciiLetter).ToArray()).ToLowerInvariant();
            if (latin.Length == text.Length && latin.Length > 0)
                q = q.Where(m => m.PinyinInitials.StartsWith(latin) || m.PinyinFull.StartsWith(latin));
            else
                q = q.Where(m => m.Name.Contains(text));
        }
        return q;
    }

    /// <summary>Orders (stroke or pinyin, then id for stability) and pages the filtered list; null when the committee code is unknown.</summary>
    public static async Task<Paged<MemberListItem>?> ListAsync(AppDbContext db, CurrentUser user, MemberFilter f, CancellationToken ct = default, string? committeePath = null)
    {
        var q = await FilteredAsync(db, user, f, ct, committeePath);
        if (q is null) return null;
        var size = Math.Clamp(f.PageSize, 1, MemberFilter.MaxPageSize);
        var page = Math.Clamp(f.Page, 1, MemberFilter.MaxPage);
        var total = await q.CountAsync(ct);
        // A search orders its few matches by an expression no index serves, so PostgreSQL finds them through the pinyin
        // indexes and sorts them, instead of walking the whole sort-key index and filtering (slow for common surnames).
        var search = !string.IsNullOrWhiteSpace(f.Q);
        var ordered = f.SortOrder == MemberOrder.Pinyin
            ? (search ? q.OrderBy(m => m.PinyinKey + "") : q.OrderBy(m => m.PinyinKey)).ThenBy(m => m.Id)
            : (search ? q.OrderBy(m => m.StrokeKey + "") : q.OrderBy(m => m.StrokeKey)).ThenBy(m => m.Id);
        var rows = await ordered.Skip((page - 1) * size).Take(size)
            .Select(m => new
            {
                m.Id, m.Name, m.Gender, m.CommitteePath, CommitteeCode = m.Committee!.Code, CommitteeName = m.Committee.Name,
                m.SectorId, SectorName = m.Sector!.Name, m.PartyCode, m.Position, m.Term, m.WorkUnit, m.Phone, m.Email, m.IsActive,
            })
            .ToListAsync(ct);
        var parties = PartyShortNames;
        var items = rows.Select(m =>
        {
            var open = Scope.CanManage(user, m.CommitteePath) || user.MemberId == m.Id;
            return new MemberListItem(m.Id, m.Name, m.Gender.ToString(), m.CommitteeCode, m.CommitteeName, m.SectorId, m.SectorName,
                m.PartyCode, parties.GetValueOrDefault(m.PartyCode, m.PartyCode), m.Position.ToString(), m.Term, m.WorkUnit,
                open ? m.Phone : MaskPhone(m.Phone), open ? m.Email : MaskEmail(m.Email), m.IsActive);
        }).ToList();
        return new Paged<MemberListItem>(items, total);
    }

    // The party list is national reference data (GB rosters' short forms); no query per request.
    private static readonly Dictionary<string, string> PartyShortNames = ReferenceData.Parties.ToDictionary(p => p.Code, p => p.Short);

    /// <summary>Party code → roster short form (<c>CDL</c> → <c>民盟</c>).</summary>
    public static async Task<Dictionary<string, string>> PartyNamesAsync(AppDbContext db, CancellationToken ct = default) =>
        await db.Parties.AsNoTracking().ToDictionaryAsync(p => p.Code, p => p.ShortName, ct);

    /// <summary><c>13812345678</c> → <c>138****5678</c>; landlines keep the area code; empty stays empty.</summary>
    public static string MaskPhone(string phone) => phone.Length switch
    {
        0 => "",
        11 when phone[0] == '1' => phone[..3] + "****" + phone[7..],
        _ when phone.IndexOf('-') is > 0 and var dash => phone[..(dash + 1)] + new string('*', phone.Length - dash - 1),
        _ => new string('*', phone.Length),
    };

    /// <summary><c>zhang@example.cn</c> → <c>z***@example.cn</c>.</summary>
    public static string MaskEmail(string email) => email.IndexOf('@') is > 0 and var at ? email[0] + "***" + email[at..] : email.Length == 0 ? "" : "***";
}
