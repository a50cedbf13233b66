using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// A committee's plenary sessions (届次会议): the one place that checks and saves them, for
/// <c>PUT /api/committees/{code}/proposal-sessions</c> and the page <c>/proposals/sessions</c> alike.
/// </summary>
public static class ProposalSessions
{
    /// <summary>The sessions of committee <paramref name="committeeId"/>, by term and session.</summary>
    public static Task<List<ProposalSessionDto>> ListAsync(AppDbContext db, int committeeId, CancellationToken ct) =>
        db.ProposalSessions.AsNoTracking().Where(s => s.CommitteeId == committeeId).OrderBy(s => s.Term).ThenBy(s => s.Session)
            .Select(s => new ProposalSessionDto(s.Term, s.Session, s.Year, s.OpensOn, s.ClosesOn)).ToListAsync(ct);

    /// <summary>
    /// Replaces the sessions of committee <paramref name="code"/> with <paramref name="input"/> for <paramref name="user"/>:
    /// 404 unknown committee, 403 unless the user manages it (its staff or above, administrators), 400 a term outside 1–99, a
    /// session outside 1–20, a year that is not the opening day's, a closing day before the opening or more than 30 days
    /// after it, the same term and session twice; 409 removing a session that already has proposals. Nothing is saved on
    /// a refusal. Returns the saved list in order.
    /// </summary>
    public static async Task<(List<ProposalSessionDto>? Sessions, ProposalError? Error)> ReplaceAsync(AppDbContext db, CurrentUser user, string code,
        IReadOnlyList<ProposalSessionDto> input, CancellationToken ct)
    {
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
        if (c is null) return (null, new(404, $"未找到政协组织 {code}。"));
        if (!Scope.CanManage(user, c.Path)) return (null, new(403, "您无权设置该政协组织的届次会议。"));
        foreach (var s in input)
        {
            if (s.Term is < 1 or > 99 || s.Session is < 1 or > 20) return (null, new(400, "届次须在 1–99 之间，会议次数须在 1–20 之间。"));
            if (s.Year < 1949 || s.Year > 2100 || s.OpensOn.Year != s.Year) return (null, new(400, $"第{s.Term}届第{s.Session}次会议的年份与开幕日期不一致。"));
            if (s.ClosesOn < s.OpensOn || s.ClosesOn > s.OpensOn.AddDays(30)) return (null, new(400, $"第{s.Term}届第{s.Session}次会议的闭幕日期须在开幕后 30 天内。"));
        }
        if (input.GroupBy(s => (s.Term, s.Session)).Any(g => g.Count() > 1)) return (null, new(400, "届次会议有重复。"));
        var existing = await db.ProposalSessions.Where(s => s.CommitteeId == c.Id).ToListAsync(ct);
        var removed = existing.Where(e => !input.Any(s => s.Term == e.Term && s.Session == e.Session)).ToList();
        foreach (var r in removed)
            if (await db.Proposals.AnyAsync(p => p.CommitteeId == c.Id && p.Term == r.Term && p.Session == r.Session, ct))
                return (null, new(409, $"第{r.Term}届第{r.Session}次会议已有提案，不能删除。"));
        db.ProposalSessions.RemoveRange(removed);
        foreach (var s in input)
        {
            var e = existing.FirstOrDefault(x => x.Term == s.Term && x.Session == s.Session);
            if (e is null) db.ProposalSessions.Add(e = new ProposalSession { CommitteeId = c.Id, Term = s.Term, Session = s.Session });
            e.Year = s.Year; e.OpensOn = s.OpensOn; e.ClosesOn = s.ClosesOn;
        }
        await db.SaveChangesAsync(ct);
        return (input.OrderBy(s => s.Term).ThenBy(s => s.Session).ToList(), null);
    }
}
