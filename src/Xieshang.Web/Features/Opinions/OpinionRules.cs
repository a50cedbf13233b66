using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Opinions;

/// <summary>A refusal of an item rule: HTTP status, Chinese message, and the input field it concerns (empty when none).</summary>
public sealed record OpinionError(int Status, string Message, string Field = "");

/// <summary>
/// Body of <c>POST /api/opinions</c> and <c>PUT /api/opinions/{id}</c>: title and plain-text body; optional co-author
/// member ids; for staff entering an item for a member, the author's member id and optionally the committee code
/// (default: the author's committee); <see cref="Version"/> (PUT) refuses an edit of a changed item.
/// </summary>
public sealed record OpinionInput(string? Title, string? Body, int[]? CoAuthorIds = null, int? AuthorMemberId = null, string? Committee = null, int? Version = null);

/// <summary>Body of <c>POST /api/opinions/{id}/actions/{action}</c>: the reason (required for <c>reject</c> and <c>return</c>) and optionally the version seen.</summary>
public sealed record OpinionActionInput(string? Reason = null, int? Version = null);

/// <summary>Body of <c>POST /api/opinions/bulletins</c> and <c>PUT …/bulletins/{id}</c>: committee code (create only), title, recipients, upward sending, items to start with.</summary>
public sealed record BulletinInput(string? Committee, string? Title = null, string[]? Recipients = null, bool SendToParent = false, int[]? ItemIds = null);

/// <summary>Body of <c>POST /api/opinions/{id}/adoptions</c>: the adopting committee's code and the China date (<c>2026-05-01</c>).</summary>
public sealed record AdoptionInput(string? Committee, string? On, string? Note = null);

/// <summary>Body of <c>POST /api/opinions/{id}/instructions</c>: the leader, the level (<c>county|city|province|national</c>), the text and the China date.</summary>
public sealed record InstructionInput(string? LeaderName, string? Level, string? Text, string? On);

/// <summary>
/// The rules of public-opinion items (DOMAIN.md §4.4) in one place: writing and editing (one matter, plain text of at
/// most 1,500 characters), the workflow's actions on <see cref="OpinionWorkflow.Graph"/>, bulletin issues (composed
/// from accepted items, numbered per committee and year without gaps), and outcomes (adoption, instructions) with the
/// duty records they earn through <see cref="DutyLedger"/>. Endpoints and pages only translate the results; each method
/// validates fully before changing anything and saves once.
/// </summary>
public static class OpinionRules
{
    /// <summary>Duty-record source of items.</summary>
    public const string DutySource = "opinion";
    /// <summary>Most co-authors of one item.</summary>
    public const int MaxCoAuthors = 10;
    /// <summary>Most recipients of a bulletin.</summary>
    public const int MaxRecipients = 30;

    private static readonly OpinionError Changed = new(409, "该信息已被他人修改，请刷新后重试。");

    // ---------------------------------------------------------------- writing

    /// <summary>
    /// Creates a draft. A member writes for themselves in their own committee; staff (and the administrator) enter an
    /// item for a member of a committee they manage (<see cref="OpinionInput.AuthorMemberId"/>). Leaders and units may not.
    /// </summary>
    public static async Task<(OpinionItem? Item, OpinionError? Error, Dictionary<string, string[]> Errors)> CreateAsync(
        AppDbContext db, OpinionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        int authorId;
        if (user.IsStaff || user.IsAdmin)
        {
            if (input.AuthorMemberId is not { } a)
            {
                if (user.MemberId is { } own) authorId = own;
                else return (null, null, Field(errors, "authorMemberId", "请选择撰稿委员（工作人员代委员录入）。"));
            }
            else authorId = a;
        }
        else if (user.IsMember && user.MemberId is { } mid)
        {
            if (input.AuthorMemberId is { } other && other != mid) return (null, new(403, "委员只能以本人名义撰写社情民意信息。", "authorMemberId"), errors);
            authorId = mid;
        }
        else return (null, new(403, "您的账号不能撰写社情民意信息。"), errors);

        var author = await db.Members.AsNoTracking().Where(m => m.Id == authorId).Select(m => new { m.Id, m.Name, m.CommitteeId, m.CommitteePath, m.IsActive }).FirstOrDefaultAsync(ct);
        if (author is null) return (null, null, Field(errors, "authorMemberId", "撰稿委员不存在。"));
        if (!author.IsActive) return (null, null, Field(errors, "authorMemberId", $"{author.Name}委员已不在任，不能撰写。"));
        if ((user.IsStaff || user.IsAdmin) && user.MemberId != author.Id && !Scope.CanManage(user, author.CommitteePath))
            return (null, new(403, "您无权为其他政协的委员录入社情民意信息。", "authorMemberId"), errors);

        var committee = await db.Committees.AsNoTracking().FirstAsync(c => c.Id == author.CommitteeId, ct);
        if (!string.IsNullOrWhiteSpace(input.Committee) && input.Committee.Trim() != committee.Code)
        {
            var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == input.Committee.Trim(), ct);
            if (c is null) return (null, null, Field(errors, "committee", $"政协代码“{input.Committee}”不存在。"));
            // A member writes to their own committee; staff may address the author's committee or one above it that they manage.
            if (!(user.IsStaff || user.IsAdmin) || !author.CommitteePath.StartsWith(c.Path, StringComparison.Ordinal) || !Scope.CanManage(user, c.Path))
                return (null, new(403, $"您不能向“{c.Name}”报送此信息。", "committee"), errors);
            committee = c;
        }
        var (title, body) = Validate(input, errors);
        var coAuthors = await CoAuthorsAsync(db, input.CoAuthorIds, author.Id, committee.Path, errors, ct);
        if (errors.Count > 0) return (null, null, errors);

        var now = clock.GetUtcNow();
        var item = new OpinionItem
        {
            CommitteeId = committee.Id, CommitteePath = committee.Path, Status = OpinionStatus.Draft,
            AuthorMemberId = author.Id, AuthorName = author.Name, CreatedByUserId = user.UserId,
            Title = title, Body = body, CreatedAt = now, UpdatedAt = now,
            CoAuthors = coAuthors.Select((id, i) => new OpinionCoAuthor { MemberId = id, SortOrder = i }).ToList(),
        };
        item.Events.Add(Event(item, "create", OpinionStatus.Draft, user, OpinionActors.Author, "", now));
        db.OpinionItems.Add(item);
        await db.SaveChangesAsync(ct);
        return (item, null, errors);
    }

    /// <summary>The author edits a draft or a returned item (title, body, co-authors).</summary>
    public static async Task<(OpinionError? Error, Dictionary<string, string[]> Errors)> UpdateAsync(
        AppDbContext db, OpinionItem item, OpinionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!OpinionAccess.IsAuthor(user, item)) return (new(403, "只有撰稿人可以修改此信息。"), errors);
        if (!OpinionWorkflow.Editable(item.Status))
            return (new(409, $"当前状态“{OpinionWorkflow.StateName(item.Status)}”下不能修改，只有草稿或退回的信息可以修改。"), errors);
        if (input.Version is { } v && v != item.Version) return (Changed, errors);
        var (title, body) = Validate(input, errors);
        var coAuthors = await CoAuthorsAsync(db, input.CoAuthorIds, item.AuthorMemberId, item.CommitteePath, errors, ct);
        if (errors.Count > 0) return (null, errors);
        var now = clock.GetUtcNow();
        item.Title = title;
        item.Body = body;
        if (input.CoAuthorIds is not null)
        {
            var current = await db.OpinionCoAuthors.Where(c => c.OpinionItemId == item.Id).ToListAsync(ct);
            db.OpinionCoAuthors.RemoveRange(current.Where(c => !coAuthors.Contains(c.MemberId)));
            for (var i = 0; i < coAuthors.Count; i++)
            {
                var row = current.FirstOrDefault(c => c.MemberId == coAuthors[i]);
                if (row is null) db.OpinionCoAuthors.Add(new OpinionCoAuthor { OpinionItemId = item.Id, MemberId = coAuthors[i], SortOrder = i });
                else row.SortOrder = i;
            }
        }
        item.UpdatedAt = now;
        item.Version++;
        db.OpinionEvents.Add(Event(item, "edit", item.Status, user, OpinionActors.Author, "", now));
        return (await SaveAsync(db, ct), errors);
    }

    /// <summary>Cleans and checks title and body: both required, title ≤ 100, body ≤ 1,500 characters (code points).</summary>
    private static (string Title, string Body) Validate(OpinionInput input, Dictionary<string, string[]> errors)
    {
        var title = OpinionText.Clean(input.Title).Replace('\n', ' ').Replace('\t', ' ');
        var body = OpinionText.Clean(input.Body);
        if (title.Length == 0) errors["title"] = ["请填写标题。"];
        else if (OpinionText.Length(title) > OpinionText.MaxTitleLength)
            errors["title"] = [$"标题不能超过 {OpinionText.MaxTitleLength} 个字（现有 {OpinionText.Length(title)} 个字）。"];
        if (body.Length == 0) errors["body"] = ["请填写正文。"];
        else if (OpinionText.Length(body) is var n && n > OpinionText.MaxBodyLength)
            errors["body"] = [$"正文不能超过 {OpinionText.MaxBodyLength:N0} 个字（现有 {n:N0} 个字，请删减 {n - OpinionText.MaxBodyLength:N0} 个字）。社情民意信息一事一报、简明扼要。"];
        return (title, body);
    }

    /// <summary>Checks co-author ids: distinct, not the author, active members of the item's committee or below, at most <see cref="MaxCoAuthors"/>.</summary>
    private static async Task<List<int>> CoAuthorsAsync(AppDbContext db, int[]? ids, int? authorId, string committeePath, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (ids is null || ids.Length == 0) return [];
        var list = ids.Distinct().ToList();
        if (authorId is { } a && list.Contains(a)) { errors["coAuthorIds"] = ["撰稿人本人不必列为联合撰稿人。"]; return []; }
        if (list.Count > MaxCoAuthors) { errors["coAuthorIds"] = [$"联合撰稿人最多 {MaxCoAuthors} 名。"]; return []; }
        var found = await db.Members.AsNoTracking().Where(m => list.Contains(m.Id))
            .Select(m => new { m.Id, m.Name, m.CommitteePath, m.IsActive }).ToListAsync(ct);
        var missing = list.Where(id => found.All(m => m.Id != id)).ToList();
        if (missing.Count > 0) { errors["coAuthorIds"] = [$"委员编号 {string.Join("、", missing)} 不存在。"]; return []; }
        var outside = found.Where(m => !m.CommitteePath.StartsWith(committeePath, StringComparison.Ordinal) || !m.IsActive).Select(m => m.Name).ToList();
        if (outside.Count > 0) { errors["coAuthorIds"] = [$"{string.Join("、", outside)} 不是本级或下级政协的在任委员，不能列为联合撰稿人。"]; return []; }
        return list;
    }

    private static Dictionary<string, string[]> Field(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return errors;
    }

    // ---------------------------------------------------------------- workflow

    /// <summary>
    /// Takes <paramref name="action"/> on <paramref name="item"/> for <paramref name="user"/>: resolved on the graph
    /// (404 unknown action, 409 not in this state, 403 not your role); <c>reject</c> and <c>return</c> need a reason.
    /// Records the step, notifies the author of the office's decisions, saves (409 when someone changed the item meanwhile).
    /// </summary>
    public static async Task<OpinionError?> ActAsync(AppDbContext db, OpinionItem item, string action, OpinionActionInput? input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var actors = OpinionAccess.Actors(item, user);
        var (edge, refusal) = OpinionWorkflow.Graph.Resolve(item.Status, action, actors);
        if (refusal is not null) return new(refusal.Status, refusal.Message);
        if (input?.Version is { } v && v != item.Version) return Changed;
        var reason = OpinionText.Clean(input?.Reason);
        if (OpinionWorkflow.NeedReason.Contains(action) && reason.Length == 0)
            return new(400, action == "reject" ? "不采用须说明理由。" : "退回须说明理由和修改意见。", "reason");
        if (OpinionText.Length(reason) > 2000) return new(400, "理由不能超过 2,000 个字。", "reason");

        var now = clock.GetUtcNow();
        var from = item.Status;
        item.Status = edge!.To;
        item.UpdatedAt = now;
        item.Version++;
        if (action == "submit") item.SubmittedAt = now;
        if (edge.Actor == OpinionActors.Office && action != "review")
        {
            item.DecidedAt = now;
            item.ReviewNote = reason;
        }
        db.OpinionEvents.Add(new OpinionEvent
        {
            OpinionItemId = item.Id, Action = action, FromStatus = from, ToStatus = item.Status, UserId = user.UserId,
            ActorName = OpinionText.Cut(user.DisplayName, 100), Actor = edge.Actor, Comment = reason, At = now,
        });
        if (edge.Actor == OpinionActors.Office && item.AuthorMemberId is { } author)
        {
            var text = $"您的社情民意信息《{item.Title}》：{OpinionWorkflow.StateName(item.Status)}。" + (reason.Length > 0 ? $"意见：{reason}" : "");
            await Notifier.ToMembersAsync(db, [author], new Notice("opinion." + action, $"社情民意信息{OpinionWorkflow.ActionName(action)}：{item.Title}", text, $"/opinions/{item.Id}"), clock, ct);
        }
        return await SaveAsync(db, ct);
    }

    private static async Task<OpinionError?> SaveAsync(AppDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Changed;
        }
    }

    private static OpinionEvent Event(OpinionItem item, string action, OpinionStatus status, CurrentUser user, string actor, string comment, DateTimeOffset at) => new()
    {
        OpinionItemId = item.Id, Action = action, FromStatus = status, ToStatus = status, UserId = user.UserId,
        ActorName = OpinionText.Cut(user.DisplayName, 100), Actor = actor, Comment = OpinionText.Cut(comment, 2000), At = at,
    };

    // ---------------------------------------------------------------- outcomes

    /// <summary>Parses a China date <c>2026-05-01</c>: not before 2000, not after today.</summary>
    private static (DateOnly Day, OpinionError? Error) ParseDay(string? text, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(text)) return (default, new(400, "请填写日期。", "on"));
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return (default, new(400, $"日期“{text}”无效，应为 2026-05-01 这样的格式。", "on"));
        if (day.Year < 2000 || day > ChinaTime.DayOf(clock.GetUtcNow())) return (default, new(400, "日期不能早于 2000 年，也不能晚于今天。", "on"));
        return (day, null);
    }

    private static OpinionError? CanRecord(OpinionItem item, CurrentUser user)
    {
        if (!OpinionAccess.IsOffice(user, item)) return new(403, "只有本级或上级政协机关工作人员可以记录采用和批示情况。");
        if (item.Status != OpinionStatus.Accepted) return new(409, $"只有录用的信息才能记录采用和批示情况（当前状态“{OpinionWorkflow.StateName(item.Status)}”）。");
        return null;
    }

    /// <summary>Level of an adopting committee.</summary>
    public static OpinionLevel LevelOf(CommitteeLevel level) => level switch
    {
        CommitteeLevel.National => OpinionLevel.National,
        CommitteeLevel.Province => OpinionLevel.Province,
        CommitteeLevel.City => OpinionLevel.City,
        _ => OpinionLevel.County,
    };

    /// <summary>Records an adoption (采用) of an accepted item by its own committee or one above it; rewrites the item's duty records.</summary>
    public static async Task<(OpinionOutcome? Outcome, OpinionError? Error)> AddAdoptionAsync(AppDbContext db, OpinionItem item, AdoptionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (CanRecord(item, user) is { } refused) return (null, refused);
        var code = input.Committee?.Trim();
        if (string.IsNullOrEmpty(code)) return (null, new(400, "请填写采用单位（政协代码）。", "committee"));
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
        if (c is null) return (null, new(400, $"政协代码“{code}”不存在。", "committee"));
        if (!item.CommitteePath.StartsWith(c.Path, StringComparison.Ordinal))
            return (null, new(400, $"“{c.Name}”不是本信息所属政协或其上级政协，不能记录为采用单位。", "committee"));
        var (day, error) = ParseDay(input.On, clock);
        if (error is not null) return (null, error);
        var note = OpinionText.Clean(input.Note);
        if (OpinionText.Length(note) > 2000) return (null, new(400, "说明不能超过 2,000 个字。", "note"));
        if (await db.OpinionOutcomes.AnyAsync(o => o.OpinionItemId == item.Id && o.Kind == OpinionOutcomeKind.Adoption && o.CommitteeId == c.Id, ct))
            return (null, new(409, $"已记录过“{c.Name}”的采用。"));
        var outcome = new OpinionOutcome
        {
            OpinionItemId = item.Id, Kind = OpinionOutcomeKind.Adoption, Level = LevelOf(c.Level), CommitteeId = c.Id, Text = note, On = day,
            RecordedByUserId = user.UserId, RecordedAt = clock.GetUtcNow(),
        };
        db.OpinionOutcomes.Add(outcome);
        await Outcomes.OutcomeHooks.AddOpinionAdoption(db, item, c, day, clock, ct); // one outcome for the item, tracked to implementation
        await RecordAsync(db, item, "adoption", $"{c.Name}采用（{day:yyyy-MM-dd}）", user, clock, ct);
        return (outcome, await SaveAsync(db, ct));
    }

    /// <summary>Records a leader's instruction (批示) on an accepted item; rewrites the item's duty records.</summary>
    public static async Task<(OpinionOutcome? Outcome, OpinionError? Error)> AddInstructionAsync(AppDbContext db, OpinionItem item, InstructionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (CanRecord(item, user) is { } refused) return (null, refused);
        var leader = OpinionText.Clean(input.LeaderName).Replace('\n', ' ');
        if (leader.Length == 0) return (null, new(400, "请填写批示领导的姓名和职务。", "leaderName"));
        if (OpinionText.Length(leader) > 64) return (null, new(400, "批示领导不能超过 64 个字。", "leaderName"));
        if (OpinionWorkflow.ParseLevel(input.Level) is not { } level)
            return (null, new(400, $"领导级别“{input.Level}”无效，应为 county（县级）、city（市级）、province（省级）或 national（国家级）。", "level"));
        var text = OpinionText.Clean(input.Text);
        if (text.Length == 0) return (null, new(400, "请填写批示内容。", "text"));
        if (OpinionText.Length(text) > 2000) return (null, new(400, "批示内容不能超过 2,000 个字。", "text"));
        var (day, error) = ParseDay(input.On, clock);
        if (error is not null) return (null, error);
        var outcome = new OpinionOutcome
        {
            OpinionItemId = item.Id, Kind = OpinionOutcomeKind.Instruction, Level = level, LeaderName = leader, Text = text, On = day,
            RecordedByUserId = user.UserId, RecordedAt = clock.GetUtcNow(),
        };
        db.OpinionOutcomes.Add(outcome);
        await RecordAsync(db, item, "instruction", $"{OpinionWorkflow.LevelName(level)}领导{leader}批示（{day:yyyy-MM-dd}）：{text}", user, clock, ct);
        return (outcome, await SaveAsync(db, ct));
    }

    /// <summary>Deletes a recorded outcome (entered by mistake); the item's duty records are rewritten without it.</summary>
    public static async Task<OpinionError?> DeleteOutcomeAsync(AppDbContext db, OpinionItem item, int outcomeId, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!OpinionAccess.IsOffice(user, item)) return new(403, "只有本级或上级政协机关工作人员可以删除采用和批示记录。");
        var o = await db.OpinionOutcomes.FirstOrDefaultAsync(x => x.Id == outcomeId && x.OpinionItemId == item.Id, ct);
        if (o is null) return new(404, "没有这条采用或批示记录。");
        db.OpinionOutcomes.Remove(o);
        var what = o.Kind == OpinionOutcomeKind.Adoption ? $"采用（{o.On:yyyy-MM-dd}）" : $"{o.LeaderName}批示（{o.On:yyyy-MM-dd}）";
        await RecordAsync(db, item, "outcome-deleted", what, user, clock, ct);
        return await SaveAsync(db, ct);
    }

    /// <summary>Adds the timeline step, bumps the version and rewrites the duty records from the outcomes as they will be after saving.</summary>
    private static async Task RecordAsync(AppDbContext db, OpinionItem item, string action, string comment, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        item.UpdatedAt = now;
        item.Version++;
        db.OpinionEvents.Add(Event(item, action, item.Status, user, OpinionActors.Office, comment, now));
        await WriteDutyAsync(db, item, clock, ct);
    }

    /// <summary>
    /// The duty records of one item (source <c>opinion</c>, the item's id) from its outcomes, for the author and each
    /// co-author: <c>opinion.adopted</c> (adopted by the item's own committee), <c>opinion.adopted.upper</c> (by a
    /// committee above it), <c>instruction</c> (county or city leader), <c>instruction.upper</c> (province level or above).
    /// Several outcomes of one rule make one record with that quantity, dated by the first of them. Reads the tracked
    /// outcomes (added and removed ones included), so it reflects the change about to be saved.
    /// </summary>
    public static async Task WriteDutyAsync(AppDbContext db, OpinionItem item, TimeProvider clock, CancellationToken ct)
    {
        var tracked = db.ChangeTracker.Entries<OpinionOutcome>().Where(e => e.Entity.OpinionItemId == item.Id).ToList();
        var removed = tracked.Where(e => e.State == EntityState.Deleted).Select(e => e.Entity.Id).ToHashSet();
        var outcomes = (await db.OpinionOutcomes.AsNoTracking().Where(o => o.OpinionItemId == item.Id).ToListAsync(ct))
            .Where(o => !removed.Contains(o.Id)).Concat(tracked.Where(e => e.State == EntityState.Added).Select(e => e.Entity)).ToList();

        var authors = new List<int>();
        if (item.AuthorMemberId is { } a) authors.Add(a);
        authors.AddRange(await db.OpinionCoAuthors.Where(c => c.OpinionItemId == item.Id).OrderBy(c => c.SortOrder).Select(c => c.MemberId).ToListAsync(ct));
        var committeeIds = outcomes.Where(o => o.CommitteeId is not null).Select(o => o.CommitteeId!.Value).Distinct().ToList();
        var committeeNames = await db.Committees.AsNoTracking().Where(c => committeeIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);

        var events = new List<DutyEvent>();
        foreach (var group in outcomes.GroupBy(o => RuleCode(item, o)))
        {
            var first = group.OrderBy(o => o.On).First();
            var what = string.Join("；", group.OrderBy(o => o.On).Select(o => o.Kind == OpinionOutcomeKind.Adoption
                ? $"{committeeNames.GetValueOrDefault(o.CommitteeId ?? 0, "")}采用 {o.On:yyyy-MM-dd}"
                : $"{o.LeaderName}批示 {o.On:yyyy-MM-dd}"));
            var title = group.Key.StartsWith("opinion.", StringComparison.Ordinal) ? $"社情民意信息《{item.Title}》被采用" : $"社情民意信息《{item.Title}》获领导批示";
            foreach (var m in authors.Distinct())
                events.Add(new DutyEvent(m, group.Key, DutySource, item.Id, title, what, ChinaTime.StartOf(first.On), group.Count()));
        }
        await DutyLedger.ReplaceAsync(db, DutySource, item.Id, events, clock, ct);
    }

    /// <summary>The scoring rule an outcome earns (see <see cref="WriteDutyAsync"/>).</summary>
    public static string RuleCode(OpinionItem item, OpinionOutcome o) => o.Kind == OpinionOutcomeKind.Adoption
        ? (o.CommitteeId == item.CommitteeId ? "opinion.adopted" : "opinion.adopted.upper")
        : (o.Level is OpinionLevel.Province or OpinionLevel.National ? "instruction.upper" : "instruction");

    // ---------------------------------------------------------------- bulletins

    /// <summary>Creates a draft issue of a committee the user manages, optionally with accepted items.</summary>
    public static async Task<(OpinionBulletin? Bulletin, OpinionError? Error)> CreateBulletinAsync(AppDbContext db, BulletinInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!(user.IsStaff || user.IsAdmin)) return (null, new(403, "只有政协机关工作人员可以编辑《社情民意》。"));
        var code = string.IsNullOrWhiteSpace(input.Committee) ? user.CommitteeCode : input.Committee.Trim();
        if (code is null) return (null, new(400, "请选择编发的政协。", "committee"));
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
        if (c is null) return (null, new(400, $"政协代码“{code}”不存在。", "committee"));
        if (!Scope.CanManage(user, c.Path)) return (null, new(403, $"您无权为“{c.Name}”编发《社情民意》。", "committee"));
        var b = new OpinionBulletin { CommitteeId = c.Id, CommitteePath = c.Path, Status = BulletinStatus.Draft, CreatedByUserId = user.UserId, CreatedAt = clock.GetUtcNow() };
        if (ApplyFields(b, input, c) is { } bad) return (null, bad);
        if (input.ItemIds is { Length: > 0 } ids && await CheckItemsAsync(db, b, ids, user, ct) is { } itemError) return (null, itemError);
        var order = 0;
        foreach (var id in input.ItemIds?.Distinct() ?? []) b.Items.Add(new OpinionBulletinItem { OpinionItemId = id, SortOrder = order++ });
        db.OpinionBulletins.Add(b);
        await db.SaveChangesAsync(ct);
        return (b, null);
    }

    /// <summary>Changes title, recipients and upward sending of a draft issue.</summary>
    public static async Task<OpinionError?> UpdateBulletinAsync(AppDbContext db, OpinionBulletin b, BulletinInput input, CurrentUser user, CancellationToken ct)
    {
        if (ManageBulletin(b, user) is { } refused) return refused;
        var c = await db.Committees.AsNoTracking().FirstAsync(x => x.Id == b.CommitteeId, ct);
        if (ApplyFields(b, input, c) is { } bad) return bad;
        b.Version++;
        return await SaveAsync(db, ct);
    }

    private static OpinionError? ApplyFields(OpinionBulletin b, BulletinInput input, Committee c)
    {
        var title = OpinionText.Clean(input.Title).Replace('\n', ' ');
        if (OpinionText.Length(title) > 100) return new(400, "本期标题不能超过 100 个字。", "title");
        var recipients = (input.Recipients ?? []).SelectMany(r => OpinionText.Clean(r).Split('\n')).Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToList();
        if (recipients.Count > MaxRecipients) return new(400, $"报送单位最多 {MaxRecipients} 个。", "recipients");
        if (recipients.Any(r => OpinionText.Length(r) > 60)) return new(400, "每个报送单位不能超过 60 个字。", "recipients");
        if (input.SendToParent && c.ParentId is null) return new(400, $"“{c.Name}”没有上级政协，不能报送上级。", "sendToParent");
        b.Title = title;
        b.Recipients = string.Join('\n', recipients);
        b.SendToParent = input.SendToParent;
        return null;
    }

    private static OpinionError? ManageBulletin(OpinionBulletin b, CurrentUser user)
    {
        if (!Scope.CanManage(user, b.CommitteePath)) return new(403, "您无权编辑这一期《社情民意》。");
        if (b.Status != BulletinStatus.Draft) return new(409, $"《社情民意》{b.Number}已印发，不能再修改。");
        return null;
    }

    /// <summary>Checks that items exist, are accepted, and belong to the issue's committee or below (403 otherwise).</summary>
    private static async Task<OpinionError?> CheckItemsAsync(AppDbContext db, OpinionBulletin b, int[] ids, CurrentUser user, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        if (list.Count > 200) return new(400, "一期最多编入 200 条信息。", "itemIds");
        var items = await db.OpinionItems.AsNoTracking().Where(x => list.Contains(x.Id)).Select(x => new { x.Id, x.Title, x.Status, x.CommitteePath }).ToListAsync(ct);
        if (list.FirstOrDefault(id => items.All(x => x.Id != id)) is var missing and > 0) return new(400, $"信息编号 {missing} 不存在。", "itemIds");
        if (items.FirstOrDefault(x => !x.CommitteePath.StartsWith(b.CommitteePath, StringComparison.Ordinal) || !Scope.CanManage(user, x.CommitteePath)) is { } foreign)
            return new(403, $"信息“{foreign.Title}”不属于本级或下级政协，不能编入。", "itemIds");
        if (items.FirstOrDefault(x => x.Status != OpinionStatus.Accepted) is { } notAccepted)
            return new(409, $"信息“{notAccepted.Title}”状态为“{OpinionWorkflow.StateName(notAccepted.Status)}”，只有录用的信息才能编入《社情民意》。", "itemIds");
        return null;
    }

    /// <summary>Adds accepted items to a draft issue (already present ones stay where they are).</summary>
    public static async Task<OpinionError?> AddItemsAsync(AppDbContext db, OpinionBulletin b, int[]? ids, CurrentUser user, CancellationToken ct)
    {
        if (ManageBulletin(b, user) is { } refused) return refused;
        if (ids is not { Length: > 0 }) return new(400, "请选择要编入的信息。", "itemIds");
        if (await CheckItemsAsync(db, b, ids, user, ct) is { } error) return error;
        var present = b.Items.Select(i => i.OpinionItemId).ToHashSet();
        var order = b.Items.Count == 0 ? 0 : b.Items.Max(i => i.SortOrder) + 1;
        foreach (var id in ids.Distinct().Where(id => !present.Contains(id))) b.Items.Add(new OpinionBulletinItem { OpinionItemId = id, SortOrder = order++ });
        b.Version++;
        return await SaveAsync(db, ct);
    }

    /// <summary>Removes an item from a draft issue.</summary>
    public static async Task<OpinionError?> RemoveItemAsync(AppDbContext db, OpinionBulletin b, int itemId, CurrentUser user, CancellationToken ct)
    {
        if (ManageBulletin(b, user) is { } refused) return refused;
        var row = b.Items.FirstOrDefault(i => i.OpinionItemId == itemId);
        if (row is null) return new(404, "本期没有这条信息。");
        b.Items.Remove(row);
        db.OpinionBulletinItems.Remove(row);
        b.Version++;
        return await SaveAsync(db, ct);
    }

    /// <summary>Deletes a draft issue.</summary>
    public static async Task<OpinionError?> DeleteBulletinAsync(AppDbContext db, OpinionBulletin b, CurrentUser user, CancellationToken ct)
    {
        if (ManageBulletin(b, user) is { } refused) return refused;
        db.OpinionBulletins.Remove(b);
        return await SaveAsync(db, ct);
    }

    /// <summary>
    /// Issues a draft with the title, recipients and upward sending posted along (the page's 印发 button): everything is
    /// checked first, and a refused issue (no items, an item no longer accepted, bad fields, a clash) leaves the issue
    /// exactly as it was — the fields are saved only together with the issue.
    /// </summary>
    public static async Task<OpinionError?> IssueWithFieldsAsync(AppDbContext db, OpinionBulletin b, BulletinInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (ManageBulletin(b, user) is { } refused) return refused;
        if (b.Items.Count == 0) return NoItemsToIssue;
        var c = await db.Committees.AsNoTracking().FirstAsync(x => x.Id == b.CommitteeId, ct);
        var (title, recipients, toParent) = (b.Title, b.Recipients, b.SendToParent);
        var error = ApplyFields(b, input, c) ?? await IssueAsync(db, b, user, clock, ct);
        if (error is not null && db.Entry(b).State != EntityState.Detached)
            (b.Title, b.Recipients, b.SendToParent) = (title, recipients, toParent); // nothing was written: undo in memory too
        return error;
    }

    private static OpinionError NoItemsToIssue => new(400, "本期还没有编入信息，不能印发。");

    /// <summary>
    /// Issues a draft: it takes the next number of its committee in the China year (<c>2026年第12期</c>) — the largest
    /// issued number plus one, so numbers have no gaps; two issues at once clash on the unique index
    /// (committee, year, sequence) and the loser takes the next number (retried inside one transaction, whose savepoints
    /// keep it usable on PostgreSQL). Each item's timeline records the issue and its authors are notified. 409 when
    /// the issue was issued or changed meanwhile.
    /// </summary>
    public static async Task<OpinionError?> IssueAsync(AppDbContext db, OpinionBulletin b, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (ManageBulletin(b, user) is { } refused) return refused;
        if (b.Items.Count == 0) return NoItemsToIssue;
        var ids = b.Items.Select(i => i.OpinionItemId).ToList();
        var items = await db.OpinionItems.Where(x => ids.Contains(x.Id)).ToListAsync(ct);
        if (items.FirstOrDefault(x => x.Status != OpinionStatus.Accepted) is { } notAccepted)
            return new(409, $"信息“{notAccepted.Title}”已不是录用状态，请先移出本期。");
        var committee = await db.Committees.AsNoTracking().FirstAsync(c => c.Id == b.CommitteeId, ct);
        var now = clock.GetUtcNow();
        var year = ChinaTime.YearOf(now);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var last = await db.OpinionBulletins.Where(x => x.CommitteeId == b.CommitteeId && x.Year == year).MaxAsync(x => x.Sequence, ct) ?? 0;
            b.Year = year;
            b.Sequence = last + 1;
            b.Number = $"{year}年第{b.Sequence}期";
            b.Status = BulletinStatus.Issued;
            b.IssuedAt = now;
            b.ParentCommitteeId = b.SendToParent ? committee.ParentId : null;
            b.ParentCommitteePath = b.SendToParent ? committee.Path[..(committee.Path.TrimEnd('/').LastIndexOf('/') + 1)] : "";
            b.Version++;
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateConcurrencyException)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return Changed;
            }
            catch (DbUpdateException e) when (IsUniqueViolation(e) && attempt < 50)
            {
                b.Version--; // the next attempt bumps it again from the stored value
            }
        }
        foreach (var item in items)
        {
            db.OpinionEvents.Add(Event(item, "bulletin", item.Status, user, OpinionActors.Office, $"编入《社情民意》{b.Number}", now));
            item.UpdatedAt = now;
            item.Version++;
        }
        foreach (var item in items.Where(x => x.AuthorMemberId is not null))
            await Notifier.ToMembersAsync(db, [item.AuthorMemberId!.Value],
                new Notice("opinion.bulletin", $"社情民意信息编入《社情民意》{b.Number}", $"您的社情民意信息《{item.Title}》已编入{committee.Name}《社情民意》{b.Number}。", $"/opinions/{item.Id}"), clock, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return Changed;
        }
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>True when a unique index refused the write (SQLite: constraint unique/primary key; PostgreSQL: 23505).</summary>
    private static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException p => p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
