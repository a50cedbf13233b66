using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Reading;

/// <summary>A new reading group: name (≤ 100), committee code, optional sector id, leader (领读人) and member ids, optional description (≤ 2,000).</summary>
public sealed record ReadingGroupInput(string? Name, string? CommitteeCode, int? SectorId, int? LeaderId, List<int>? MemberIds, string? Description = null);

/// <summary>A change to a group (staff): each field null keeps the current value; <c>MemberIds</c> is the whole new member list.</summary>
public sealed record ReadingGroupEdit(string? Name = null, string? Description = null, int? LeaderId = null, List<int>? MemberIds = null);

/// <summary>
/// A book for a group: title (《》 removed, ≤ 200), author (≤ 100), recommendation (plain text ≤ 500); <c>InPlan</c> true puts it
/// in the reading plan with its period <c>From</c>–<c>To</c> (China dates <c>yyyy-MM-dd</c>, from ≤ to; the leader or staff);
/// false suggests it to the shared book list (any group member).
/// </summary>
public sealed record ReadingBookInput(string? Title, string? Author = null, string? Recommendation = null, bool InPlan = false, string? From = null, string? To = null);

/// <summary>
/// A reading check-in: book (≤ 200, 《》 and surrounding spaces removed), progress (pages or chapter, ≤ 100), minutes (1–600),
/// note (rich text, sanitised, ≤ 20,000), finished, day (<c>yyyy-MM-dd</c>, China date; default today; not in the future, at most 7 days back).
/// </summary>
public sealed record ReadingCheckInInput(string? Book, string? Progress, int? Minutes, string? Note, bool? Finished = null, string? Day = null);

/// <summary>A comment on a check-in: plain text, 1–500 characters.</summary>
public sealed record ReadingCommentInput(string? Text);

/// <summary>A committee's reading-to-duty rule: check-ins (1–31) and minutes (0–10,000) a month, whether featured notes count.</summary>
public sealed record ReadingRuleInput(int? MonthlyMinCheckIns, int? MonthlyMinMinutes, bool? FeaturedNoteCounts);

/// <summary>Field errors of one request (API name → Chinese messages); empty when the input is good.</summary>
public sealed class ReadingErrors : Dictionary<string, string[]>
{
    /// <summary>Adds <paramref name="message"/> to <paramref name="field"/>.</summary>
    public void Add(string field, string message) => this[field] = TryGetValue(field, out var m) ? [.. m, message] : [message];
}

/// <summary>
/// The rules of the reading programme (书香政协, DOMAIN.md §4.9): groups (staff create and change them in their scope),
/// the plan and the shared book list, check-ins (group members, open groups only), comments, featured notes and the
/// reading duty rule. Every action checks <see cref="ReadingAccess"/> first, validates everything before it changes
/// anything (Chinese messages, field names as in the API), saves, and recomputes the duty records it can affect
/// (<see cref="ReadingDuty"/>) in the same transaction.
/// </summary>
public static partial class ReadingRules
{
    /// <summary>Check-ins may be dated at most this many days back.</summary>
    public const int MaxDaysBack = 7;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>A book title as stored: 《》〈〉 removed, spaces trimmed and runs of spaces made one.</summary>
    public static string CleanTitle(string? raw) =>
        Spaces().Replace((raw ?? "").Replace("《", "").Replace("》", "").Replace("〈", "").Replace("〉", ""), " ").Trim();

    /// <summary>The key two titles are matched by: no spaces, case-insensitive.</summary>
    public static string TitleKey(string title) => Spaces().Replace(CleanTitle(title), "").ToUpperInvariant();

    /// <summary>Today in China.</summary>
    public static DateOnly Today(TimeProvider clock) => ChinaTime.DayOf(clock.GetUtcNow());

    private static DateOnly? ParseDay(string? s) =>
        DateOnly.TryParseExact((s ?? "").Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>Active members of the committee (and sector) among <paramref name="ids"/>.</summary>
    private static async Task<HashSet<int>> EligibleAsync(AppDbContext db, int committeeId, int? sectorId, IEnumerable<int> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return (await db.Members.Where(m => list.Contains(m.Id) && m.IsActive && m.CommitteeId == committeeId && (sectorId == null || m.SectorId == sectorId))
            .Select(m => m.Id).ToListAsync(ct)).ToHashSet();
    }

    private static string Wrong(IEnumerable<int> ids) => string.Join("、", ids);

    /// <summary>Creates a group (staff managing the committee). 403 out of scope; field errors in <c>Errors</c>; nothing is saved unless all is well.</summary>
    public static async Task<(int Id, RuleError? Refused, ReadingErrors Errors)> CreateAsync(AppDbContext db, ReadingGroupInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ReadingErrors();
        if (!(user.IsStaff || user.IsAdmin)) return (0, RuleError.Forbidden("只有政协机关工作人员可以建立读书小组。"), errors);
        var name = (input.Name ?? "").Trim();
        if (name.Length == 0) errors.Add("name", "请填写读书小组名称。");
        else if (name.Length > 100) errors.Add("name", $"读书小组名称最多 100 个字，现有 {name.Length} 个字。");
        var description = (input.Description ?? "").Trim();
        if (description.Length > 2000) errors.Add("description", $"小组简介最多 2000 个字，现有 {description.Length} 个字。");
        var code = (input.CommitteeCode ?? "").Trim();
        var committee = code.Length == 0 ? null : await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
        if (code.Length == 0) errors.Add("committeeCode", "请选择读书小组所属的政协组织。");
        else if (committee is null) errors.Add("committeeCode", $"未找到代码为“{code}”的政协组织。");
        else if (!Scope.CanManage(user, committee.Path)) return (0, RuleError.Forbidden($"您无权为“{committee.Name}”建立读书小组。"), errors);
        if (committee is null)
        {
            if (input.LeaderId is null) errors.Add("leaderId", "请选择领读人。");
            return (0, null, errors);
        }
        if (input.SectorId is { } sid && !await db.Sectors.AnyAsync(s => s.Id == sid && s.CommitteeId == committee.Id, ct))
            errors.Add("sectorId", $"界别 {sid} 不是{committee.Name}的界别。");
        var sectorOk = !errors.ContainsKey("sectorId");
        var memberIds = input.MemberIds ?? [];
        var eligible = sectorOk ? await EligibleAsync(db, committee.Id, input.SectorId, memberIds.Append(input.LeaderId ?? 0), ct) : [];
        var scopeName = committee.Name + (input.SectorId is not null ? "该界别" : "");
        if (input.LeaderId is not { } leaderId) errors.Add("leaderId", "请选择领读人。");
        else if (sectorOk && !eligible.Contains(leaderId)) errors.Add("leaderId", $"领读人（委员 {leaderId}）不是{scopeName}的在职委员。");
        if (sectorOk && memberIds.Where(id => !eligible.Contains(id)).Distinct().ToList() is { Count: > 0 } wrong)
            errors.Add("memberIds", $"委员 {Wrong(wrong)} 不是{scopeName}的在职委员，不能加入读书小组。");
        if (errors.Count > 0) return (0, null, errors);
        var now = clock.GetUtcNow();
        var g = new ReadingGroup
        {
            Name = name, Description = description, CommitteeId = committee.Id, CommitteePath = committee.Path, SectorId = input.SectorId,
            LeaderId = input.LeaderId!.Value, CreatedBy = user.UserName, CreatedAt = now,
        };
        foreach (var id in memberIds.Append(g.LeaderId).Distinct()) g.Members.Add(new ReadingGroupMember { MemberId = id, JoinedAt = now });
        db.ReadingGroups.Add(g);
        await db.SaveChangesAsync(ct);
        return (g.Id, null, errors);
    }

    /// <summary>Changes name, description, leader or members (staff in scope). The leader stays a member: removing them needs another leader first.</summary>
    public static async Task<(RuleError? Refused, ReadingErrors Errors)> EditAsync(AppDbContext db, ReadingGroup g, ReadingGroupEdit input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ReadingErrors();
        if (!ReadingAccess.CanManage(user, g)) return (RuleError.Forbidden("只有管理该读书小组的政协机关工作人员可以修改小组。"), errors);
        var name = input.Name?.Trim();
        if (name is not null && name.Length == 0) errors.Add("name", "请填写读书小组名称。");
        else if (name is { Length: > 100 }) errors.Add("name", $"读书小组名称最多 100 个字，现有 {name.Length} 个字。");
        var description = input.Description?.Trim();
        if (description is { Length: > 2000 }) errors.Add("description", $"小组简介最多 2000 个字，现有 {description.Length} 个字。");
        var leaderId = input.LeaderId ?? g.LeaderId;
        var members = input.MemberIds ?? g.Members.Select(m => m.MemberId).ToList();
        var committeeName = await db.Committees.Where(c => c.Id == g.CommitteeId).Select(c => c.Name).FirstAsync(ct);
        var eligible = await EligibleAsync(db, g.CommitteeId, g.SectorId, members.Append(leaderId), ct);
        var current = g.Members.Select(m => m.MemberId).ToHashSet();
        var scopeName = committeeName + (g.SectorId is not null ? "该界别" : "");
        if (input.LeaderId is { } newLeader && !eligible.Contains(newLeader)) errors.Add("leaderId", $"领读人（委员 {newLeader}）不是{scopeName}的在职委员。");
        // Members already in the group stay even when no longer eligible (history); new ones must be.
        if (members.Where(id => !current.Contains(id) && !eligible.Contains(id)).Distinct().ToList() is { Count: > 0 } wrong)
            errors.Add("memberIds", $"委员 {Wrong(wrong)} 不是{scopeName}的在职委员，不能加入读书小组。");
        if (input.MemberIds is not null && input.LeaderId is null && !members.Contains(g.LeaderId))
            errors.Add("memberIds", "领读人不能移出小组；如需调整，请先指定新的领读人。");
        if (errors.Count > 0) return (null, errors);
        if (name is not null) g.Name = name;
        if (description is not null) g.Description = description;
        g.LeaderId = leaderId;
        var keep = members.Append(leaderId).ToHashSet();
        g.Members.RemoveAll(m => !keep.Contains(m.MemberId));
        var now = clock.GetUtcNow();
        foreach (var id in keep.Where(id => !current.Contains(id))) g.Members.Add(new ReadingGroupMember { GroupId = g.Id, MemberId = id, JoinedAt = now });
        await db.SaveChangesAsync(ct);
        return (null, errors);
    }

    /// <summary>
    /// The signed-in member leaves the group (their check-ins and duty records stay). The leader may not leave: 409 until
    /// staff name another leader.
    /// </summary>
    public static async Task<RuleError?> LeaveAsync(AppDbContext db, ReadingGroup g, CurrentUser user, CancellationToken ct)
    {
        if (!ReadingAccess.IsMember(user, g)) return RuleError.Forbidden("您不是这个读书小组的成员。");
        if (ReadingAccess.IsLeader(user, g)) return RuleError.Conflict("领读人不能退出小组；请先由政协机关工作人员指定新的领读人。");
        g.Members.RemoveAll(m => m.MemberId == user.MemberId);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Closes (or reopens) a group (staff in scope). A closed group keeps its history and takes no check-ins.</summary>
    public static async Task<RuleError?> SetClosedAsync(AppDbContext db, ReadingGroup g, bool closed, CurrentUser user, CancellationToken ct)
    {
        if (!ReadingAccess.CanManage(user, g)) return RuleError.Forbidden("只有管理该读书小组的政协机关工作人员可以结束或恢复小组。");
        g.IsClosed = closed;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Adds a book to the plan (leader or staff, with a period) or the shared list (any group member or staff). Returns its id.</summary>
    public static async Task<(int Id, RuleError? Refused, ReadingErrors Errors)> AddBookAsync(AppDbContext db, ReadingGroup g, ReadingBookInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ReadingErrors();
        if (input.InPlan && !ReadingAccess.CanLead(user, g)) return (0, RuleError.Forbidden("只有领读人或政协机关工作人员可以安排阅读计划。"), errors);
        if (!input.InPlan && !ReadingAccess.IsMember(user, g) && !ReadingAccess.CanManage(user, g)) return (0, RuleError.Forbidden("只有小组成员可以推荐书目。"), errors);
        if (g.IsClosed) return (0, RuleError.Conflict("读书小组已结束，不能再添加书目。"), errors);
        var title = CleanTitle(input.Title);
        if (title.Length == 0) errors.Add("title", "请填写书名。");
        else if (title.Length > 200) errors.Add("title", $"书名最多 200 个字，现有 {title.Length} 个字。");
        var author = (input.Author ?? "").Trim();
        if (author.Length > 100) errors.Add("author", $"作者最多 100 个字，现有 {author.Length} 个字。");
        var why = (input.Recommendation ?? "").Trim();
        if (why.Length > 500) errors.Add("recommendation", $"推荐理由最多 500 个字，现有 {why.Length} 个字。");
        DateOnly? from = null, to = null;
        if (input.InPlan)
        {
            from = ParseDay(input.From);
            to = ParseDay(input.To);
            if (from is null) errors.Add("from", (input.From ?? "").Trim().Length == 0 ? "请填写阅读计划的开始日期。" : $"开始日期“{input.From}”无效，应为 2026-05-01 这样的格式。");
            if (to is null) errors.Add("to", (input.To ?? "").Trim().Length == 0 ? "请填写阅读计划的结束日期。" : $"结束日期“{input.To}”无效，应为 2026-05-31 这样的格式。");
            if (from is { } f && to is { } t && f > t) errors.Add("to", "结束日期不能早于开始日期。");
        }
        if (errors.Count > 0) return (0, null, errors);
        var key = TitleKey(title);
        var same = (await db.ReadingBooks.Where(b => b.GroupId == g.Id && b.InPlan == input.InPlan).Select(b => b.Title).ToListAsync(ct)).Any(t => TitleKey(t) == key);
        if (same && !input.InPlan) return (0, RuleError.Conflict($"《{title}》已在小组书单中。", "title"), errors);
        var book = new ReadingBook
        {
            GroupId = g.Id, Title = title, Author = author, Recommendation = why, InPlan = input.InPlan, PlanFrom = from, PlanTo = to,
            AddedByMemberId = user.IsMember ? user.MemberId : null, AddedBy = user.UserName, AddedAt = clock.GetUtcNow(),
        };
        db.ReadingBooks.Add(book);
        await db.SaveChangesAsync(ct);
        return (book.Id, null, errors);
    }

    /// <summary>Removes a book (its adder, the leader or staff in scope). Check-ins keep their title.</summary>
    public static async Task<RuleError?> RemoveBookAsync(AppDbContext db, ReadingGroup g, int bookId, CurrentUser user, CancellationToken ct)
    {
        var book = await db.ReadingBooks.FirstOrDefaultAsync(b => b.Id == bookId && b.GroupId == g.Id, ct);
        if (book is null) return RuleError.NotFound("小组里没有这本书。");
        var adder = user.IsMember && user.MemberId is { } mid && book.AddedByMemberId == mid;
        if (!adder && !ReadingAccess.CanLead(user, g)) return RuleError.Forbidden("只有推荐人、领读人或政协机关工作人员可以移除这本书。");
        db.ReadingBooks.Remove(book);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Records a check-in of the signed-in member (group members only, open groups) and recomputes the month's duty record. Returns its id.</summary>
    public static async Task<(int Id, RuleError? Refused, ReadingErrors Errors)> CheckInAsync(AppDbContext db, ReadingGroup g, ReadingCheckInInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ReadingErrors();
        if (!ReadingAccess.IsMember(user, g)) return (0, RuleError.Forbidden("只有读书小组的成员可以读书打卡。"), errors);
        if (g.IsClosed) return (0, RuleError.Conflict("读书小组已结束，不能再打卡。"), errors);
        var book = CleanTitle(input.Book);
        if (book.Length == 0) errors.Add("book", "请填写所读的书名。");
        else if (book.Length > 200) errors.Add("book", $"书名最多 200 个字，现有 {book.Length} 个字。");
        var progress = (input.Progress ?? "").Trim();
        if (progress.Length > 100) errors.Add("progress", $"阅读进度最多 100 个字，现有 {progress.Length} 个字。");
        if (input.Minutes is not { } minutes) { errors.Add("minutes", "请填写阅读时长（分钟）。"); minutes = 0; }
        else if (minutes is < 1 or > 600) errors.Add("minutes", "阅读时长应在 1 到 600 分钟之间。");
        var note = RichText.Sanitize(input.Note);
        if (note.Length > 20000) errors.Add("note", $"读书笔记最多 20000 个字符，现有 {note.Length} 个。");
        var today = Today(clock);
        var day = today;
        if ((input.Day ?? "").Trim().Length > 0)
        {
            if (ParseDay(input.Day) is not { } d) errors.Add("day", $"日期“{input.Day}”无效，应为 2026-05-01 这样的格式。");
            else if (d > today) errors.Add("day", "不能为以后的日期打卡。");
            else if (d < today.AddDays(-MaxDaysBack)) errors.Add("day", $"只能补记最近 {MaxDaysBack} 天的阅读。");
            else day = d;
        }
        if (errors.Count > 0) return (0, null, errors);
        var key = TitleKey(book);
        var match = (await db.ReadingBooks.AsNoTracking().Where(b => b.GroupId == g.Id).Select(b => new { b.Id, b.Title, b.InPlan }).ToListAsync(ct))
            .Where(b => TitleKey(b.Title) == key).OrderByDescending(b => b.InPlan).ThenBy(b => b.Id).FirstOrDefault();
        var c = new ReadingCheckIn
        {
            GroupId = g.Id, MemberId = user.MemberId!.Value, CommitteePath = g.CommitteePath, BookId = match?.Id, Book = match?.Title ?? book,
            Progress = progress, Minutes = minutes, Finished = input.Finished == true, Note = note, Day = day, CreatedAt = clock.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ReadingCheckIns.Add(c);
        await db.SaveChangesAsync(ct);
        await DutyLedger.SaveRecomputedAsync(db, () => ReadingDuty.RecomputeMonthAsync(db, c.MemberId, day.Year, day.Month, clock, ct), ct);
        await tx.CommitAsync(ct);
        return (c.Id, null, errors);
    }

    /// <summary>The check-in <paramref name="id"/> of group <paramref name="g"/> (tracked), or 404.</summary>
    public static async Task<(ReadingCheckIn? CheckIn, RuleError? Refused)> CheckInOfAsync(AppDbContext db, ReadingGroup g, int id, CancellationToken ct)
    {
        var c = await db.ReadingCheckIns.FirstOrDefaultAsync(x => x.Id == id && x.GroupId == g.Id, ct);
        return c is null ? (null, RuleError.NotFound("小组里没有这条打卡记录。")) : (c, null);
    }

    /// <summary>Deletes the member's own check-in on the day it was made (China time); its duty records are recomputed.</summary>
    public static async Task<RuleError?> DeleteCheckInAsync(AppDbContext db, ReadingGroup g, ReadingCheckIn c, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!(user.IsMember && user.MemberId == c.MemberId)) return RuleError.Forbidden("只能删除自己的打卡记录。");
        if (ChinaTime.DayOf(c.CreatedAt) != Today(clock)) return RuleError.Conflict("打卡记录只能在当天删除。");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ReadingDuty.RecomputeNoteAsync(db, c, deleted: true, clock, ct);
        db.ReadingCheckIns.Remove(c);
        await db.SaveChangesAsync(ct);
        await DutyLedger.SaveRecomputedAsync(db, () => ReadingDuty.RecomputeMonthAsync(db, c.MemberId, c.Day.Year, c.Day.Month, clock, ct), ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Comments on a check-in (group members and staff in scope); plain text 1–500. Returns its id.</summary>
    public static async Task<(int Id, RuleError? Refused)> CommentAsync(AppDbContext db, ReadingGroup g, ReadingCheckIn c, ReadingCommentInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ReadingAccess.IsMember(user, g) && !ReadingAccess.CanManage(user, g)) return (0, RuleError.Forbidden("只有小组成员和政协机关工作人员可以评论。"));
        var text = (input.Text ?? "").Trim();
        if (text.Length == 0) return (0, RuleError.Bad("请填写评论内容。", "text"));
        if (text.Length > 500) return (0, RuleError.Bad($"评论最多 500 个字，现有 {text.Length} 个字。", "text"));
        var comment = new ReadingComment
        {
            CheckInId = c.Id, MemberId = user.IsMember ? user.MemberId : null, AuthorName = DutyName(user.DisplayName), AuthorUserId = user.UserId,
            Text = text, CreatedAt = clock.GetUtcNow(),
        };
        db.ReadingComments.Add(comment);
        await db.SaveChangesAsync(ct);
        return (comment.Id, null);
    }

    private static string DutyName(string name) => name.Length <= 50 ? name : name[..50];

    /// <summary>Features or unfeatures a check-in's note (the leader or staff in scope; only a check-in with a note) and recomputes its duty record.</summary>
    public static async Task<RuleError?> FeatureAsync(AppDbContext db, ReadingGroup g, ReadingCheckIn c, bool featured, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ReadingAccess.CanLead(user, g)) return RuleError.Forbidden("只有领读人或政协机关工作人员可以精选读书笔记。");
        if (featured && c.Note.Length == 0) return RuleError.Conflict("这条打卡没有读书笔记，不能精选。");
        if (featured == (c.FeaturedAt is not null)) return null;
        c.FeaturedAt = featured ? clock.GetUtcNow() : null;
        c.FeaturedBy = featured ? user.UserName : "";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await DutyLedger.SaveRecomputedAsync(db, () => ReadingDuty.RecomputeNoteAsync(db, c, deleted: false, clock, ct), ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>
    /// Sets the reading duty rule of a committee (staff managing it) and recomputes this year's reading records of the
    /// members in its subtree. Field errors in <c>Errors</c>.
    /// </summary>
    public static async Task<(RuleError? Refused, ReadingErrors Errors)> SetRuleAsync(AppDbContext db, string committeeCode, ReadingRuleInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ReadingErrors();
        var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == committeeCode, ct);
        if (committee is null) return (RuleError.NotFound($"未找到代码为“{committeeCode}”的政协组织。"), errors);
        if (!Scope.CanManage(user, committee.Path)) return (RuleError.Forbidden($"您无权修改“{committee.Name}”的读书履职规则。"), errors);
        if (input.MonthlyMinCheckIns is not { } n || n is < 1 or > 31) errors.Add("monthlyMinCheckIns", "每月打卡次数应为 1 到 31 之间的整数。");
        if (input.MonthlyMinMinutes is not { } m || m is < 0 or > 10000) errors.Add("monthlyMinMinutes", "每月阅读分钟数应为 0 到 10000 之间的整数。");
        if (errors.Count > 0) return (null, errors);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.ReadingDutyRules.FirstOrDefaultAsync(r => r.CommitteeId == committee.Id, ct);
        if (row is null) db.ReadingDutyRules.Add(row = new ReadingDutyRule { CommitteeId = committee.Id, CommitteePath = committee.Path });
        row.MonthlyMinCheckIns = input.MonthlyMinCheckIns!.Value;
        row.MonthlyMinMinutes = input.MonthlyMinMinutes!.Value;
        row.FeaturedNoteCounts = input.FeaturedNoteCounts ?? true;
        row.UpdatedBy = user.UserName;
        row.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await DutyLedger.SaveRecomputedAsync(db, () => ReadingDuty.RecomputeCommitteeYearAsync(db, committee.Path, Today(clock).Year, clock, ct), ct);
        await tx.CommitAsync(ct);
        return (null, errors);
    }
}
