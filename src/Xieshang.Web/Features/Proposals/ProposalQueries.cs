using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Proposals;

/// <summary>One row of a proposal list. <c>Status</c> is the API code (<see cref="ProposalWorkflow.StateCode"/>); <c>Units</c> the names of the units in hand (visible ones).</summary>
public sealed record ProposalListItem(int Id, string Number, string Title, string Status, string StatusName, string Kind, string ProposerName,
    string CommitteeCode, int Term, int Session, int Year, DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset? FiledAt,
    bool IsKey, int? ExcellentYear, IReadOnlyList<string> Units, DateOnly? DueOn, bool Overdue);

/// <summary>A page of proposals: <c>Total</c> is exact up to <see cref="ProposalQueries.CountCap"/> (a search: <see cref="ProposalQueries.SearchCountCap"/>); beyond it <c>TotalCapped</c> is true and <c>Total</c> is the cap.</summary>
public sealed record ProposalPage(IReadOnlyList<ProposalListItem> Items, int Total, bool TotalCapped, int Page, int PageSize);

/// <summary>A co-signer: status code <c>pending</c> | <c>signed</c> | <c>declined</c> | <c>expired</c>; no contact data, ever.</summary>
public sealed record CoSignerDto(int MemberId, string Name, string Status, string StatusName, bool FromMerge, DateTimeOffset? AnsweredAt);

/// <summary>A unit's assignment: role code (<c>single</c>, <c>separate</c>, <c>lead</c>, <c>co-unit</c>), status (<c>active</c>, <c>returned</c>, <c>done</c>), China-date deadlines.</summary>
public sealed record AssignmentDto(int Id, string Unit, string UnitName, string Role, string RoleName, string Status, int Round, DateTimeOffset AssignedAt,
    DateOnly ReturnDueOn, DateOnly DueOn, DateOnly LatestDueOn, bool Overdue, string ReturnReason, string Views);

/// <summary>A logged contact with the proposer (method code <c>face-to-face</c>…).</summary>
public sealed record ContactDto(int Id, string Unit, string UnitName, string Method, string MethodName, DateOnly On, string Persons, string Summary, int Round);

/// <summary>A reply (class <c>A</c> | <c>B</c> | <c>C</c>; <c>Text</c> sanitised HTML) with its files and rating.</summary>
public sealed record ReplyDto(int Id, string Unit, string UnitName, string Class, string ClassName, string Text, bool Public, int Round,
    DateTimeOffset RepliedAt, bool OnTime, IReadOnlyList<FileDto> Files, RatingDto? Rating);

/// <summary>A rating (satisfaction code <c>satisfied</c> | <c>basically-satisfied</c> | <c>dissatisfied</c>).</summary>
public sealed record RatingDto(int Id, int ReplyId, string Unit, string Satisfaction, string SatisfactionName, string Comment, int Round, DateTimeOffset RatedAt);

/// <summary>A supervision record of a key proposal.</summary>
public sealed record SupervisionDto(DateOnly On, string ActorName, string Text);

/// <summary>An attachment (size in bytes); download at <c>/api/proposals/{proposalId}/files/{id}</c>.</summary>
public sealed record FileDto(int Id, string FileName, long Size);

/// <summary>One step of the timeline: action code and name, states, who, when, comment, files.</summary>
public sealed record HistoryDto(long Id, string Action, string ActionName, string From, string To, string ActorName, string Actor, DateTimeOffset At,
    string Comment, IReadOnlyList<FileDto> Files);

/// <summary>A linked proposal (merge links).</summary>
public sealed record ProposalLink(int Id, string Number, string Title, string Status);

/// <summary>Proposer's contact for the office and the assigned units (for 办前面商); null for anyone else.</summary>
public sealed record ProposerContact(string Phone, string Email, string WorkUnit);

/// <summary>
/// A proposal as its viewer may see it (<see cref="ProposalQueries.DetailAsync"/>): units see only their own assignment,
/// contacts, replies and steps (a lead unit also its co-units' views); other members and the public see public replies
/// only. <c>Actions</c> are the action codes the viewer may take now; <c>Version</c> goes with them.
/// </summary>
public sealed record ProposalDetail(int Id, string Status, string StatusName, string Number, string Title, string Body, string Kind, string KindName,
    string ProposerType, string ProposerName, int? ProposerMemberId, string CommitteeCode, string CommitteeName, string? Sector, int Term, int Session, int Year,
    DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset? FiledAt, DateTimeOffset? ClosedAt, DateTimeOffset? CoSignDeadline,
    IReadOnlyList<CoSignerDto> CoSigners, string NotFiledGround, string NotFiledGroundName, string ReviewNote, string ConvertedTo,
    ProposalLink? MergedInto, IReadOnlyList<ProposalLink> MergedFrom, string? AssignmentMode, IReadOnlyList<AssignmentDto> Assignments,
    IReadOnlyList<ContactDto> Contacts, IReadOnlyList<ReplyDto> Replies, IReadOnlyList<RatingDto> Ratings, bool IsKey, string KeyLeaderName,
    IReadOnlyList<SupervisionDto> Supervisions, int? ExcellentYear, IReadOnlyList<FileDto> Files, IReadOnlyList<HistoryDto> History,
    IReadOnlyList<string> Actions, int Version, ProposerContact? Contact);

/// <summary>List filters (all optional). Codes as in the API: status, kind, unit code, class A/B/C, satisfaction code.</summary>
public sealed record ProposalFilter(string? Committee = null, string? Status = null, string? Q = null, int? Term = null, int? Session = null, int? Year = null,
    int? Sector = null, string? Unit = null, string? Class = null, string? Satisfaction = null, string? Kind = null, bool? Key = null, bool? Mine = null,
    bool? Overdue = null, int Page = 1, int PageSize = 20);

/// <summary>Proposal lists and the detail view, one projection each, used by the API and the pages alike.</summary>
public static class ProposalQueries
{
    /// <summary>Counts of lists stop here (a whole-country list need not count a million rows per request).</summary>
    public const int CountCap = 10_000;

    /// <summary>
    /// Counts of full-text searches stop here: every counted hit is a heap row read after the GIN lookup, so a search
    /// counts at most 1,000 (shown as 1000+), a list without a query up to <see cref="CountCap"/> (an index-only count).
    /// </summary>
    public const int SearchCountCap = 1_000;

    /// <summary>Tag (SQL comment) of a full-text search over everyone's proposals (administrator, no committee): hits may be dense.</summary>
    private const string WideSearchTag = "proposal search";

    /// <summary>Tag of a full-text search inside a scope (a committee subtree, a member's or a unit's proposals): hits are sparse.</summary>
    private const string ScopedSearchTag = "proposal search in scope";

    /// <summary>
    /// Applies <paramref name="f"/> to the proposals <paramref name="user"/> may see (<see cref="ProposalAccess.VisibleTo"/>).
    /// Returns null and a Chinese message (with 400/403/404) for a bad filter.
    /// </summary>
    public static async Task<(IQueryable<Proposal>? Query, int Status, string Message)> FilterAsync(AppDbContext db, CurrentUser user, ProposalFilter f,
        TimeProvider clock, CancellationToken ct)
    {
        var q = db.Proposals.AsNoTracking().VisibleTo(db, user);
        if (f.Committee is { Length: > 0 } code)
        {
            var c = await db.Committees.AsNoTracking().Where(x => x.Code == code.Trim()).Select(x => new { x.Path }).FirstOrDefaultAsync(ct);
            if (c is null) return (null, 404, $"未找到政协组织 {code}。");
            if (!Scope.CanRead(user, c.Path)) return (null, 403, "您无权查看该政协组织的提案。");
            q = q.Where(p => p.CommitteePath.StartsWith(c.Path));
        }
        if (f.Status is { Length: > 0 } s)
        {
            if (ProposalWorkflow.ParseState(s) is not { } st) return (null, 400, $"未知的提案状态：{s}。");
            q = q.Where(p => p.Status == st);
        }
        if (f.Kind is { Length: > 0 } k)
        {
            if (ProposalRules.ParseKind(k) is not { } kind) return (null, 400, $"未知的提案类别：{k}。");
            q = q.Where(p => p.Kind == kind);
        }
        if (f.Term is { } term) q = q.Where(p => p.Term == term);
        if (f.Session is { } session) q = q.Where(p => p.Session == session);
        if (f.Year is { } year) q = q.Where(p => p.Year == year);
        if (f.Sector is { } sector) q = q.Where(p => p.SectorId == sector);
        if (f.Key == true) q = q.Where(p => p.IsKey);
        if (f.Unit is { Length: > 0 } unit)
        {
            var uid = await db.HandlingUnits.Where(u => u.Code == unit.Trim()).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct);
            if (uid is null) return (null, 400, $"未知的承办单位：{unit}。");
            q = q.Where(p => db.Assignments.Any(a => a.ProposalId == p.Id && a.HandlingUnitId == uid && a.Status != AssignmentStatus.Returned));
        }
        if (f.Class is { Length: > 0 } cls)
        {
            if (ProposalRules.ParseClass(cls) is not { } rc) return (null, 400, $"未知的答复类别：{cls}。");
            q = q.Where(p => db.Replies.Any(r => r.ProposalId == p.Id && r.Class == rc));
        }
        if (f.Satisfaction is { Length: > 0 } sat)
        {
            if (ProposalRules.ParseSatisfaction(sat) is not { } sv) return (null, 400, $"未知的满意度：{sat}。");
            q = q.Where(p => db.Ratings.Any(r => r.ProposalId == p.Id && r.Satisfaction == sv));
        }
        if (f.Mine == true)
        {
            if (user.MemberId is { } mid)
                q = q.Where(p => p.ProposerMemberId == mid || db.ProposalCoSigners.Any(c => c.ProposalId == p.Id && c.MemberId == mid));
            else if (user.HandlingUnitId is null)
            {
                var uid = user.UserId;
                q = q.Where(p => p.CreatedByUserId == uid);
            }
        }
        if (f.Overdue == true)
        {
            var today = ChinaTime.DayOf(clock.GetUtcNow());
            var unitId = user.HandlingUnitId;
            q = q.Where(p => (p.Status == ProposalStatus.Assigned || p.Status == ProposalStatus.Handling || p.Status == ProposalStatus.Rehandling)
                && db.Assignments.Any(a => a.ProposalId == p.Id && a.Status == AssignmentStatus.Active && a.DueOn < today
                    && (unitId == null || a.HandlingUnitId == unitId)));
        }
        if (f.Q is { Length: > 0 } text)
        {
            if (text.Length > 200) return (null, 400, "搜索词不能超过 200 个字。");
            // The tag names the statements in pg_stat_statements; PageAsync pages searches by the same kind (see there).
            q = q.Matching(text).TagWith(SearchTagOf(user, f)!);
        }
        return (q, 200, "");
    }

    /// <summary>
    /// One page of <paramref name="q"/>, newest first, with the units in hand (a unit sees only itself) and the nearest deadline.
    /// <c>Total</c> is exact up to <see cref="CountCap"/> (a list) or <see cref="SearchCountCap"/> (a search, from <see cref="FilterAsync"/>).
    /// A search inside a scope reads its hits once: one statement takes the newest cap + 1 hit ids (PostgreSQL ANDs the GIN
    /// bitmap with the scope index's and reads the hits' heap rows), which gives both the count and the page's ids; the
    /// page's rows then come by primary key. Two statements (capped count, then the page) would build the bitmaps twice.
    /// A search over all proposals and a list keep the two statements: the count stops after cap + 1 hits; then a
    /// search with at most cap hits takes them all by the bitmap (see below), otherwise the page is a backward
    /// primary-key scan that stops after a page (dense hits).
    /// </summary>
    public static async Task<ProposalPage> PageAsync(AppDbContext db, IQueryable<Proposal> q, CurrentUser user, ProposalFilter f, TimeProvider clock, CancellationToken ct)
    {
        var page = Math.Max(1, f.Page);
        var pageSize = Math.Clamp(f.PageSize, 1, 100);
        var tag = SearchTagOf(user, f);
        var cap = tag is null ? CountCap : SearchCountCap;
        var skip = (page - 1) * pageSize;
        int total;
        List<ListRow> rows;
        // A search's bitmaps (GIN hits, scope) outgrow PostgreSQL's default 4 MB work_mem for common words (some 100,000 hits
        // in a million): the bitmap turns lossy and every row of a lossy page is rechecked against its tsvector (257 ms
        // instead of 38 ms for 养老 服务 in the city). 32 MB for these statements only, inside their own transaction.
        await using var tx = tag is not null && db.Database.IsNpgsql() && db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        if (tx is not null) await db.Database.ExecuteSqlRawAsync("SET LOCAL work_mem = '32MB'", ct);
        if (tag == ScopedSearchTag && skip < cap)
        {
            // Sparse hits: one statement gives the count and the page's ids.
            var hits = await q.OrderByDescending(p => p.Id).Select(p => p.Id).Take(cap + 1).ToListAsync(ct);
            total = hits.Count;
            rows = await RowsAsync(q, hits.Skip(skip).Take(pageSize).ToList(), ct);
        }
        else
        {
            total = await q.Take(cap + 1).CountAsync(ct);
            // An exact count at or below the skip: the page is empty, and asking for it would let PostgreSQL walk the whole
            // primary key backward looking for rows that are not there (4–5 s for two words that never meet).
            if (total <= cap && skip >= total) rows = [];
            else if (tag == WideSearchTag && total <= cap)
            {
                // A whole-country search with few hits: all of them (at most the cap) by the GIN bitmap, sorted. With a LIMIT
                // PostgreSQL may walk the primary key backward hoping to meet 20 hits soon, and with few hits reads the
                // whole table (4 s for two rare words); without one it has no such plan to choose.
                var hits = await q.OrderByDescending(p => p.Id).Select(p => p.Id).ToListAsync(ct);
                total = Math.Min(hits.Count, cap + 1);
                rows = await RowsAsync(q, hits.Skip(skip).Take(pageSize).ToList(), ct);
            }
            else rows = await q.OrderByDescending(p => p.Id).Skip(skip).Take(pageSize).Select(ListRowOf).ToListAsync(ct);
        }
        if (tx is not null) await tx.CommitAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var unitId = user.HandlingUnitId;
        var assignments = await db.Assignments.AsNoTracking()
            .Where(a => ids.Contains(a.ProposalId) && a.Status != AssignmentStatus.Returned && (unitId == null || a.HandlingUnitId == unitId))
            .Select(a => new { a.ProposalId, a.HandlingUnit!.Name, a.Status, a.DueOn, a.Role }).ToListAsync(ct);
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        var items = rows.Select(r =>
        {
            var mine = assignments.Where(a => a.ProposalId == r.Id).ToList();
            // The nearest open deadline: the replying units' (a unit viewer: its own, co-unit views included).
            var due = mine.Where(a => a.Status == AssignmentStatus.Active && (unitId != null || a.Role != AssignmentRole.CoUnit)).Select(a => (DateOnly?)a.DueOn).Min();
            return new ProposalListItem(r.Id, r.Number, r.Title, ProposalWorkflow.StateCode(r.Status), ProposalWorkflow.StateName(r.Status),
                ProposalRules.KindCode(r.Kind), r.ProposerName, r.CommitteeCode, r.Term, r.Session, r.Year, r.CreatedAt, r.SubmittedAt, r.FiledAt,
                r.IsKey, r.ExcellentYear, mine.Select(a => a.Name).Distinct().ToList(), due, due is { } d && d < today);
        }).ToList();
        return new ProposalPage(items, Math.Min(total, cap), total > cap, page, pageSize);
    }

    /// <summary>The list rows of <paramref name="ids"/> (hits of <paramref name="q"/>), newest first, by primary key.</summary>
    private static async Task<List<ListRow>> RowsAsync(IQueryable<Proposal> q, List<int> ids, CancellationToken ct) =>
        ids.Count == 0 ? [] : await q.Where(p => ids.Contains(p.Id)).OrderByDescending(p => p.Id).Select(ListRowOf).ToListAsync(ct);

    /// <summary>The columns of a list row (the committee's code by join).</summary>
    private sealed record ListRow(int Id, string Number, string Title, ProposalStatus Status, ProposalKind Kind, string ProposerName, string CommitteeCode,
        int Term, int Session, int Year, DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset? FiledAt, bool IsKey, int? ExcellentYear);

    private static readonly System.Linq.Expressions.Expression<Func<Proposal, ListRow>> ListRowOf = p => new ListRow(p.Id, p.Number, p.Title, p.Status, p.Kind,
        p.ProposerName, p.Committee!.Code, p.Term, p.Session, p.Year, p.CreatedAt, p.SubmittedAt, p.FiledAt, p.IsKey, p.ExcellentYear);

    /// <summary>What kind of query <paramref name="f"/> makes for <paramref name="user"/>: a search over everyone's proposals (the
    /// administrator without a committee), a search inside a scope, or (null) a list without a text query.</summary>
    private static string? SearchTagOf(CurrentUser user, ProposalFilter f) =>
        f.Q is not { Length: > 0 } ? null : user.IsAdmin && f.Committee is not { Length: > 0 } ? WideSearchTag : ScopedSearchTag;

    /// <summary>
    /// The detail of proposal <paramref name="id"/> as <paramref name="user"/> may see it, or null when they may not see it
    /// at all (anonymous viewers: filed proposals only, as the public view).
    /// </summary>
    public static async Task<ProposalDetail?> DetailAsync(AppDbContext db, int id, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var visible = user.IsAuthenticated ? db.Proposals.VisibleTo(db, user) : db.Proposals.Public();
        var p = await visible.AsNoTracking().Include(x => x.CoSigners).ThenInclude(c => c.Member)
            .Include(x => x.Assignments).ThenInclude(a => a.HandlingUnit).Include(x => x.Committee)
            .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (p is null) return null;
        var actors = await ProposalAccess.ActorsAsync(db, p, user, ct);
        var office = user.IsAdmin || ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } path && p.CommitteePath.StartsWith(path, StringComparison.Ordinal));
        var proposerSide = actors.Contains(ProposalActors.Proposer)
            || (user.MemberId is { } mid && p.CoSigners.Any(c => c.MemberId == mid && c.Status == CoSignStatus.Signed)); // co-proposers, not those who declined
        var unitId = user.IsHandlingUnit ? user.HandlingUnitId : null;
        var full = office || proposerSide;
        var leadOf = unitId is { } u && p.Assignments.Any(a => a.HandlingUnitId == u && a.Role == AssignmentRole.Lead && a.Status != AssignmentStatus.Returned);
        bool SeesUnit(int unit) => full || unit == unitId || (leadOf && p.Assignments.Any(a => a.HandlingUnitId == unit && a.Role == AssignmentRole.CoUnit));

        var today = ChinaTime.DayOf(clock.GetUtcNow());
        var assignments = p.Assignments.Where(a => SeesUnit(a.HandlingUnitId) && (full || a.Status != AssignmentStatus.Returned || a.HandlingUnitId == unitId))
            .OrderBy(a => a.Role).ThenBy(a => a.Id)
            .Select(a => new AssignmentDto(a.Id, a.HandlingUnit!.Code, a.HandlingUnit.Name, ProposalRules.RoleCode(a.Role), ProposalRules.RoleName(a.Role),
                a.Status.ToString().ToLowerInvariant(), a.Round, a.AssignedAt, a.ReturnDueOn, a.DueOn, a.LatestDueOn,
                a.Status == AssignmentStatus.Active && a.DueOn < today, a.ReturnReason, a.Views)).ToList();

        var contacts = full || unitId is not null
            ? (await db.ContactLogs.AsNoTracking().Where(x => x.ProposalId == id).OrderBy(x => x.Id).ToListAsync(ct))
                .Where(x => full || x.HandlingUnitId == unitId)
                .Select(x => new ContactDto(x.Id, UnitCode(p, x.HandlingUnitId), UnitName(p, x.HandlingUnitId), ProposalRules.MethodCode(x.Method),
                    ProposalRules.MethodName(x.Method), x.ContactedOn, x.Persons, x.Summary, x.Round)).ToList()
            : [];

        var files = await db.ProposalFiles.AsNoTracking().Where(f => f.ProposalId == id)
            .Select(f => new { f.Id, f.FileName, f.Size, f.EventId, f.ReplyId }).ToListAsync(ct);
        var ratings = await db.Ratings.AsNoTracking().Where(r => r.ProposalId == id).OrderBy(r => r.Id).ToListAsync(ct);
        var replyRows = await db.Replies.AsNoTracking().Where(r => r.ProposalId == id).OrderBy(r => r.Id).ToListAsync(ct);
        var replies = replyRows.Where(r => SeesUnit(r.HandlingUnitId) || r.IsPublic).Select(r =>
        {
            var rating = ratings.FirstOrDefault(x => x.ReplyId == r.Id) is { } x && (full || r.HandlingUnitId == unitId) ? ToDto(p, x) : null;
            return new ReplyDto(r.Id, UnitCode(p, r.HandlingUnitId), UnitName(p, r.HandlingUnitId), r.Class.ToString(), ProposalRules.ClassName(r.Class), r.Text,
                r.IsPublic, r.Round, r.RepliedAt, r.OnTime, files.Where(f => f.ReplyId == r.Id).Select(f => new FileDto(f.Id, f.FileName, f.Size)).ToList(), rating);
        }).ToList();
        var visibleRatings = ratings.Where(r => full || r.HandlingUnitId == unitId).Select(r => ToDto(p, r)).ToList();

        var events = await db.ProposalEvents.AsNoTracking().Where(e => e.ProposalId == id).OrderBy(e => e.Id).ToListAsync(ct);
        var history = events.Where(e => full || (e.HandlingUnitId is null ? unitId is not null || e.Action is not ("reject" or "return" or "supervise") : e.HandlingUnitId == unitId))
            .Select(e => new HistoryDto(e.Id, e.Action, ProposalWorkflow.ActionName(e.Action), ProposalWorkflow.StateCode(e.FromStatus),
                ProposalWorkflow.StateCode(e.ToStatus), e.ActorName, e.Actor, e.At,
                // Comments are working notes: the office, the proposers and the units in hand read them; other members and the public see the steps only.
                full || unitId is not null ? e.Comment : "",
                files.Where(f => f.EventId == e.Id && f.ReplyId is null).Select(f => new FileDto(f.Id, f.FileName, f.Size)).ToList())).ToList();

        var supervisions = full || unitId is not null
            ? await db.Supervisions.AsNoTracking().Where(s => s.ProposalId == id).OrderBy(s => s.On)
                .Select(s => new SupervisionDto(s.On, s.ActorName, s.Text)).ToListAsync(ct)
            : [];
        var mergedInto = p.MergedIntoId is { } mi
            ? await db.Proposals.AsNoTracking().Where(x => x.Id == mi).Select(x => new { x.Id, x.Number, x.Title, x.Status }).FirstOrDefaultAsync(ct) : null;
        var mergedFrom = full
            ? (await db.Proposals.AsNoTracking().Where(x => x.MergedIntoId == id).Select(x => new { x.Id, x.Number, x.Title, x.Status }).ToListAsync(ct))
                .Select(x => new ProposalLink(x.Id, x.Number, x.Title, ProposalWorkflow.StateCode(x.Status))).ToList()
            : [];
        var sector = p.SectorId is { } sid ? await db.Sectors.Where(s => s.Id == sid).Select(s => s.Name).FirstOrDefaultAsync(ct) : null;
        ProposerContact? contact = null;
        if ((office || unitId is not null) && p.ProposerMemberId is { } pm)
            contact = await db.Members.AsNoTracking().Where(m => m.Id == pm).Select(m => new ProposerContact(m.Phone, m.Email, m.WorkUnit)).FirstOrDefaultAsync(ct);

        return new ProposalDetail(p.Id, ProposalWorkflow.StateCode(p.Status), ProposalWorkflow.StateName(p.Status), p.Number, p.Title, p.Body,
            ProposalRules.KindCode(p.Kind), ProposalRules.KindName(p.Kind), ProposalRules.ProposerTypeCode(p.ProposerType), p.ProposerName, p.ProposerMemberId,
            p.Committee!.Code, p.Committee.Name, sector, p.Term, p.Session, p.Year, p.CreatedAt, p.SubmittedAt, p.FiledAt, p.ClosedAt, p.CoSignDeadline,
            p.CoSigners.OrderBy(c => c.SortOrder).Select(c => new CoSignerDto(c.MemberId, c.Member?.Name ?? "", c.Status.ToString().ToLowerInvariant(),
                CoSignName(c.Status), c.FromMerge, c.AnsweredAt)).ToList(),
            full ? p.NotFiledGround : "", full ? NotFiledGrounds.Name(p.NotFiledGround) ?? "" : "", full ? p.ReviewNote : "",
            p.ConvertedTo switch { ProposalConversion.OpinionItem => "opinion", ProposalConversion.Letter => "letter", _ => "" },
            mergedInto is null ? null : new ProposalLink(mergedInto.Id, mergedInto.Number, mergedInto.Title, ProposalWorkflow.StateCode(mergedInto.Status)), mergedFrom,
            p.AssignmentMode is { } mode ? ProposalRules.ModeCode(mode) : null, assignments, contacts, replies, visibleRatings, p.IsKey, p.KeyLeaderName,
            supervisions, p.ExcellentYear, files.Where(f => f.EventId is null && f.ReplyId is null).Select(f => new FileDto(f.Id, f.FileName, f.Size)).ToList(),
            history, await AvailableActionsAsync(db, p, actors, unitId, today, ct), p.Version, contact);
    }

    /// <summary>
    /// The actions the graph allows <paramref name="actors"/> now, less those the rules would refuse whatever is sent:
    /// supervising a proposal that is not key, returning an assignment the unit has already started handling or whose
    /// 10 working days have passed.
    /// </summary>
    private static async Task<IReadOnlyList<string>> AvailableActionsAsync(AppDbContext db, Proposal p, HashSet<string> actors, int? unitId, DateOnly today,
        CancellationToken ct)
    {
        var actions = ProposalWorkflow.Graph.ActionsFor(p.Status, actors).ToList();
        if (!p.IsKey) actions.Remove("supervise");
        var mine = p.Assignments.Where(a => a.HandlingUnitId == unitId && a.Status == AssignmentStatus.Active).ToList();
        var mineIds = mine.Select(a => a.Id).ToList();
        if (actions.Contains("return-assignment")
            && (mine.All(a => today > a.ReturnDueOn) || await db.ContactLogs.AnyAsync(c => mineIds.Contains(c.AssignmentId), ct)))
            actions.Remove("return-assignment");
        return actions;
    }

    private static RatingDto ToDto(Proposal p, Rating r) => new(r.Id, r.ReplyId, UnitCode(p, r.HandlingUnitId), ProposalRules.SatisfactionCode(r.Satisfaction),
        ProposalRules.SatisfactionName(r.Satisfaction), r.Comment, r.Round, r.RatedAt);

    private static string UnitCode(Proposal p, int unitId) => p.Assignments.FirstOrDefault(a => a.HandlingUnitId == unitId)?.HandlingUnit?.Code ?? "";
    private static string UnitName(Proposal p, int unitId) => p.Assignments.FirstOrDefault(a => a.HandlingUnitId == unitId)?.HandlingUnit?.Name ?? "";

    /// <summary>Chinese name of a co-signer status.</summary>
    public static string CoSignName(CoSignStatus s) => s switch
    {
        CoSignStatus.Pending => "待签署", CoSignStatus.Signed => "已签署", CoSignStatus.Declined => "已拒绝", _ => "已过期",
    };

    /// <summary>Plain-text excerpt of HTML, at most <paramref name="max"/> characters.</summary>
    public static string Excerpt(string html, int max)
    {
        var text = RichText.ToPlainText(html).ReplaceLineEndings(" ");
        return text.Length <= max ? text : text[..max] + "…";
    }
}
