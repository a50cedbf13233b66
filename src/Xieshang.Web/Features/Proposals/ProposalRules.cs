using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;
using Xieshang.Web.Infrastructure.Text;
using S = Xieshang.Web.Features.Proposals.ProposalStatus;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// Body of <c>POST /api/proposals</c> and <c>PUT /api/proposals/{id}</c>: title (≤ 100 characters), body (HTML,
/// sanitised), kind <c>plenary</c> | <c>between-session</c>, co-signer member ids (same committee). Staff entering a
/// collective proposal add <see cref="ProposerType"/> (<c>party</c> | <c>organisation</c> | <c>special-committee</c> |
/// <c>sector-group</c>), <see cref="ProposerName"/> and the <see cref="Committee"/> code.
/// </summary>
public sealed record ProposalInput(string? Title, string? Body, string? Kind, int[]? CoSignerIds,
    string? ProposerType = null, string? ProposerName = null, string? Committee = null);

/// <summary>
/// Body of <c>POST /api/proposals/{id}/actions/{action}</c>: one record for every action; each reads its own fields.
/// <see cref="Version"/> (optional) is the version the client acted on: a stale one is refused with 409.
/// </summary>
public sealed record ProposalActionInput
{
    /// <summary>The proposal version the client saw; when given and stale, the action is refused (409).</summary>
    public int? Version { get; init; }
    /// <summary>Free comment recorded on the timeline (every action).</summary>
    public string? Comment { get; init; }
    /// <summary><c>reject</c>: ground code (<see cref="NotFiledGrounds"/>).</summary>
    public string? Ground { get; init; }
    /// <summary><c>reject</c>: explanation to the proposer (required).</summary>
    public string? Explanation { get; init; }
    /// <summary><c>reject</c>: <c>opinion</c> | <c>letter</c> | null.</summary>
    public string? ConvertTo { get; init; }
    /// <summary><c>merge</c>: id of the proposal this one is merged into.</summary>
    public int? IntoId { get; init; }
    /// <summary><c>return</c> and <c>return-assignment</c>: reason (required).</summary>
    public string? Reason { get; init; }
    /// <summary><c>assign</c>: <c>single</c> | <c>separate</c> | <c>lead</c>.</summary>
    public string? Mode { get; init; }
    /// <summary><c>assign</c>: unit codes, e.g. <c>520200.edu</c>.</summary>
    public string[]? Units { get; init; }
    /// <summary><c>assign</c> with mode <c>lead</c>: the lead unit's code (one of <see cref="Units"/>).</summary>
    public string? Lead { get; init; }
    /// <summary><c>contact</c>: <c>face-to-face</c> | <c>phone</c> | <c>letter</c> | <c>email</c> | <c>visit</c>.</summary>
    public string? Method { get; init; }
    /// <summary><c>contact</c> and <c>supervise</c>: China date (default today).</summary>
    public DateOnly? On { get; init; }
    /// <summary><c>contact</c>: who took part.</summary>
    public string? Persons { get; init; }
    /// <summary><c>contact</c>: what was discussed (required).</summary>
    public string? Summary { get; init; }
    /// <summary><c>reply</c>: <c>A</c> | <c>B</c> | <c>C</c>.</summary>
    public string? Class { get; init; }
    /// <summary><c>reply</c>, <c>send-views</c>, <c>supervise</c>: text (HTML for replies and views, sanitised).</summary>
    public string? Text { get; init; }
    /// <summary><c>reply</c>: whether the reply may be published.</summary>
    public bool? Public { get; init; }
    /// <summary><c>rate</c>: <c>satisfied</c> | <c>basically-satisfied</c> | <c>dissatisfied</c>.</summary>
    public string? Satisfaction { get; init; }
    /// <summary><c>rate</c> and <c>extend</c>: which unit's reply or assignment, when there are several.</summary>
    public string? Unit { get; init; }
    /// <summary><c>mark-key</c>: the supervising leader's account id or user name.</summary>
    public string? LeaderId { get; init; }
    /// <summary><c>mark-excellent</c>: award year (default this year).</summary>
    public int? Year { get; init; }
    /// <summary><c>extend</c>: the new reply deadline (China date, at most 6 months after assignment).</summary>
    public DateOnly? DueOn { get; init; }
}

/// <summary>The latest reply of one replying unit with its rating (null until rated), unit code and name.</summary>
public sealed record LatestReply(Reply Reply, Rating? Rating, string UnitCode, string UnitName);

/// <summary>A file sent with an action (name, MIME type, bytes).</summary>
public sealed record UploadedFile(string FileName, string ContentType, byte[] Content);

/// <summary>Why a proposal operation was refused: HTTP status, Chinese message, and the input field at fault (empty when none).</summary>
public sealed record ProposalError(int Status, string Message, string Field = "");

/// <summary>
/// The proposal rules (DOMAIN.md §4.3) in one place: writing and editing, every workflow action, numbering, deadlines,
/// the duty records a proposal earns and the notices it sends. Endpoints and pages call these; the graph
/// (<see cref="ProposalWorkflow"/>) decides which action may happen, this class decides what it does.
/// </summary>
public static class ProposalRules
{
    /// <summary>Longest title (characters).</summary>
    public const int MaxTitle = 100;
    /// <summary>Longest body as plain text (characters).</summary>
    public const int MaxBodyText = 20000;
    /// <summary>Duty-record source name of proposals.</summary>
    public const string DutySource = "proposal";

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] FileExtensions = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".txt", ".ofd", ".wps"];

    // ---------------------------------------------------------------- codes

    /// <summary>API code of a kind.</summary>
    public static string KindCode(ProposalKind k) => k == ProposalKind.Plenary ? "plenary" : "between-session";
    /// <summary>Chinese name of a kind.</summary>
    public static string KindName(ProposalKind k) => k == ProposalKind.Plenary ? "大会提案" : "平时提案";
    /// <summary>Parses a kind code; null when unknown.</summary>
    public static ProposalKind? ParseKind(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "plenary" => ProposalKind.Plenary,
        "between-session" => ProposalKind.BetweenSession,
        _ => null,
    };

    /// <summary>API code of a proposer type.</summary>
    public static string ProposerTypeCode(ProposerType t) => t switch
    {
        ProposerType.Member => "member",
        ProposerType.Party => "party",
        ProposerType.Organisation => "organisation",
        ProposerType.SpecialCommittee => "special-committee",
        _ => "sector-group",
    };
    /// <summary>Chinese name of a proposer type.</summary>
    public static string ProposerTypeName(ProposerType t) => t switch
    {
        ProposerType.Member => "委员",
        ProposerType.Party => "民主党派",
        ProposerType.Organisation => "人民团体",
        ProposerType.SpecialCommittee => "专门委员会",
        _ => "界别小组",
    };
    /// <summary>Parses a proposer type code; null when unknown.</summary>
    public static ProposerType? ParseProposerType(string? code) =>
        Enum.GetValues<ProposerType>().Where(t => ProposerTypeCode(t) == code?.Trim().ToLowerInvariant()).Select(t => (ProposerType?)t).FirstOrDefault();

    /// <summary>API code of an assignment mode.</summary>
    public static string ModeCode(AssignmentMode m) => m switch { AssignmentMode.Single => "single", AssignmentMode.Separate => "separate", _ => "lead" };
    /// <summary>Chinese name of an assignment mode.</summary>
    public static string ModeName(AssignmentMode m) => m switch { AssignmentMode.Single => "单办", AssignmentMode.Separate => "分办", _ => "主办会办" };
    /// <summary>Chinese name of an assignment role.</summary>
    public static string RoleName(AssignmentRole r) => r switch
    {
        AssignmentRole.Single => "单办", AssignmentRole.Separate => "分办", AssignmentRole.Lead => "主办", _ => "会办",
    };
    /// <summary>API code of an assignment role.</summary>
    public static string RoleCode(AssignmentRole r) => r switch
    {
        AssignmentRole.Single => "single", AssignmentRole.Separate => "separate", AssignmentRole.Lead => "lead", _ => "co-unit",
    };

    /// <summary>API code of a contact method.</summary>
    public static string MethodCode(ContactMethod m) => m switch
    {
        ContactMethod.FaceToFace => "face-to-face", ContactMethod.Phone => "phone", ContactMethod.Letter => "letter",
        ContactMethod.Email => "email", _ => "visit",
    };
    /// <summary>Chinese name of a contact method.</summary>
    public static string MethodName(ContactMethod m) => m switch
    {
        ContactMethod.FaceToFace => "当面", ContactMethod.Phone => "电话", ContactMethod.Letter => "信函",
        ContactMethod.Email => "电子邮件", _ => "走访",
    };
    /// <summary>Parses a contact method code; null when unknown.</summary>
    public static ContactMethod? ParseMethod(string? code) =>
        Enum.GetValues<ContactMethod>().Where(m => MethodCode(m) == code?.Trim().ToLowerInvariant()).Select(m => (ContactMethod?)m).FirstOrDefault();

    /// <summary>Chinese name of a reply class.</summary>
    public static string ClassName(ReplyClass c) => c switch
    {
        ReplyClass.A => "A类（已解决或采纳）", ReplyClass.B => "B类（正在解决或列入计划）", _ => "C类（因条件限制留作参考）",
    };
    /// <summary>Parses a reply class code (<c>A</c>, <c>B</c>, <c>C</c>, case-insensitive); null when unknown.</summary>
    public static ReplyClass? ParseClass(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "A" => ReplyClass.A, "B" => ReplyClass.B, "C" => ReplyClass.C, _ => null,
    };

    /// <summary>API code of a satisfaction.</summary>
    public static string SatisfactionCode(Satisfaction s) => s switch
    {
        Satisfaction.Satisfied => "satisfied", Satisfaction.BasicallySatisfied => "basically-satisfied", _ => "dissatisfied",
    };
    /// <summary>Chinese name of a satisfaction.</summary>
    public static string SatisfactionName(Satisfaction s) => s switch
    {
        Satisfaction.Satisfied => "满意", Satisfaction.BasicallySatisfied => "基本满意", _ => "不满意",
    };
    /// <summary>Parses a satisfaction code; null when unknown.</summary>
    public static Satisfaction? ParseSatisfaction(string? code) =>
        Enum.GetValues<Satisfaction>().Where(s => SatisfactionCode(s) == code?.Trim().ToLowerInvariant()).Select(s => (Satisfaction?)s).FirstOrDefault();

    /// <summary>Official number, e.g. <c>九届二次会议第0123号</c> (sequence padded to four digits).</summary>
    public static string FormatNumber(int term, int session, int sequence) =>
        $"{ChineseNumber(term)}届{ChineseNumber(session)}次会议第{sequence.ToString("D4", CultureInfo.InvariantCulture)}号";

    /// <summary>Chinese numerals for 1–99 as terms and sessions are written (九, 十二, 二十一).</summary>
    public static string ChineseNumber(int n)
    {
        const string digits = "零一二三四五六七八九";
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 99);
        if (n < 10) return digits[n].ToString();
        var tens = n / 10; var ones = n % 10;
        return (tens == 1 ? "" : digits[tens].ToString()) + "十" + (ones == 0 ? "" : digits[ones].ToString());
    }

    // ---------------------------------------------------------------- writing

    /// <summary>
    /// Validates <paramref name="input"/>'s content and applies it to a new or editable proposal: title (≤ 100), sanitised
    /// body (≤ 20,000 characters of text), kind and its session (term, session, year), co-signers (active members of the
    /// proposal's committee, not the proposer, no repeats, at most 50; fixed once submitted). Returns field errors
    /// (Chinese) and changes nothing when there are any. The caller records and saves.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> ApplyAsync(AppDbContext db, Proposal p, ProposalInput input, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Err(string f, string m) => errors[f] = [m];
        var title = Clean(input.Title);
        if (title.Length == 0) Err("title", "请填写提案标题。");
        else if (title.Length > MaxTitle) Err("title", $"提案标题不能超过 {MaxTitle} 个字。");
        var body = RichText.Sanitize(input.Body);
        var bodyText = RichText.ToPlainText(body);
        if (bodyText.Length == 0) Err("body", "请填写提案内容（现状、分析和具体建议）。");
        else if (bodyText.Length > MaxBodyText) Err("body", $"提案内容不能超过 {MaxBodyText} 字。");
        var kind = ParseKind(input.Kind);
        if (kind is null) Err("kind", "提案类别须为 plenary（大会提案）或 between-session（平时提案）。");
        else if (p.ProposerType == ProposerType.SectorGroup && kind != ProposalKind.Plenary) Err("kind", "界别小组只能在全体会议期间提出大会提案。");

        var coIds = (input.CoSignerIds ?? []).Distinct().ToList();
        var current = p.CoSigners.Where(c => !c.FromMerge).Select(c => c.MemberId).ToHashSet();
        if (coIds.Count > 0 && p.ProposerType != ProposerType.Member) Err("coSignerIds", "集体提案没有联名提案人。");
        else if (coIds.Count > 50) Err("coSignerIds", "联名提案人不能超过 50 人。");
        else if (p.Status != S.Draft && input.CoSignerIds is not null && !current.SetEquals(coIds)) Err("coSignerIds", "提交后不能再更改联名提案人。");
        else if (coIds.Count > 0 && p.Status == S.Draft)
        {
            if (p.ProposerMemberId is { } self && coIds.Contains(self)) Err("coSignerIds", "第一提案人不能同时是联名提案人。");
            var found = await db.Members.AsNoTracking().Where(m => coIds.Contains(m.Id) && m.CommitteeId == p.CommitteeId && m.IsActive).Select(m => m.Id).ToListAsync(ct);
            var missing = coIds.Except(found).ToList();
            if (missing.Count > 0) Err("coSignerIds", $"联名提案人须是本级政协的在职委员（无效的编号：{string.Join("、", missing)}）。");
        }
        if (errors.Count > 0) return errors;

        var now = clock.GetUtcNow();
        var session = await CurrentSessionAsync(db, p.CommitteeId, kind!.Value, ChinaTime.DayOf(now), ct);
        if (session is null)
        {
            Err("kind", kind == ProposalKind.Plenary
                ? "本会没有尚未闭幕的全体会议，不能提出大会提案；请改为平时提案，或请提案委员会办公室设置届次会议。"
                : "本会尚未设置届次会议，暂不能提出提案；请联系提案委员会办公室。");
            return errors;
        }
        p.Title = title;
        p.Body = body;
        p.Kind = kind.Value;
        p.Term = session.Term;
        p.Session = session.Session;
        p.Year = session.Year;
        p.UpdatedAt = now;
        if (p.Status == S.Draft && input.CoSignerIds is not null)
        {
            p.CoSigners.RemoveAll(c => !c.FromMerge && !coIds.Contains(c.MemberId));
            var order = 0;
            foreach (var id in coIds)
            {
                var co = p.CoSigners.FirstOrDefault(c => c.MemberId == id);
                if (co is null) p.CoSigners.Add(co = new ProposalCoSigner { MemberId = id, Status = CoSignStatus.Pending });
                co.SortOrder = order++;
            }
        }
        p.SearchText = ProposalSearch.BuildSearchText(p.Title, p.Body, []);
        return errors;
    }

    /// <summary>
    /// Who a new proposal is by and which committee it goes to: a member writes in their own name (their committee); staff
    /// enter a collective proposal (<see cref="ProposalInput.ProposerType"/> other than <c>member</c>) for a committee they
    /// manage (403 otherwise). Fills the new proposal's proposer and scope fields.
    /// </summary>
    private static async Task<ProposalError?> ResolveProposerAsync(AppDbContext db, Proposal p, ProposalInput input, CurrentUser user, CancellationToken ct)
    {
        var type = input.ProposerType is { Length: > 0 } ? ParseProposerType(input.ProposerType) : ProposerType.Member;
        if (type is null) return Bad("proposerType", "提案者类型须为 member、party、organisation、special-committee 或 sector-group。");
        p.ProposerType = type.Value;
        if (type == ProposerType.Member)
        {
            if (user.MemberId is not { } mid) return new(403, "只有委员本人可以以个人名义提出提案；录入集体提案请选择提案者类型。", "proposerType");
            var m = await db.Members.AsNoTracking().FirstOrDefaultAsync(x => x.Id == mid, ct);
            if (m is null || !m.IsActive) return new(403, "您的委员档案不可用，不能提出提案。");
            p.CommitteeId = m.CommitteeId;
            p.CommitteePath = m.CommitteePath;
            p.ProposerMemberId = m.Id;
            p.ProposerName = m.Name;
            p.SectorId = m.SectorId;
            return null;
        }
        var c = input.Committee is { Length: > 0 } code
            ? await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code.Trim(), ct)
            : user.CommitteeId is { } own ? await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Id == own, ct) : null;
        if (c is null) return Bad("committee", "请指定提案所属的政协组织（committee）。");
        if (!Scope.CanManage(user, c.Path)) return new(403, "只有本级政协机关工作人员可以录入集体提案。", "committee");
        var name = Clean(input.ProposerName);
        if (name.Length == 0) return Bad("proposerName", "请填写集体提案者名称（如民盟六盘水市委员会）。");
        if (name.Length > 100) return Bad("proposerName", "集体提案者名称不能超过 100 个字。");
        p.CommitteeId = c.Id;
        p.CommitteePath = c.Path;
        p.ProposerName = name;
        return null;
    }

    /// <summary>
    /// The session a proposal of <paramref name="kind"/> written on <paramref name="today"/> belongs to: for a plenary
    /// proposal the first session that has not closed yet; for a between-session one the latest that has opened
    /// (or, before the term's first plenary, the first one). Null when the committee has none.
    /// </summary>
    public static async Task<ProposalSession?> CurrentSessionAsync(AppDbContext db, int committeeId, ProposalKind kind, DateOnly today, CancellationToken ct)
    {
        var sessions = db.ProposalSessions.AsNoTracking().Where(s => s.CommitteeId == committeeId);
        if (kind == ProposalKind.Plenary)
            return await sessions.Where(s => s.ClosesOn >= today).OrderBy(s => s.OpensOn).FirstOrDefaultAsync(ct);
        return await sessions.Where(s => s.OpensOn <= today).OrderByDescending(s => s.OpensOn).FirstOrDefaultAsync(ct)
            ?? await sessions.OrderBy(s => s.OpensOn).FirstOrDefaultAsync(ct);
    }

    /// <summary>Creates a draft: resolves the proposer (403 for the wrong role or committee), validates, records the <c>create</c> step and saves.</summary>
    public static async Task<(Proposal? Proposal, ProposalError? Error, Dictionary<string, string[]> Errors)> CreateAsync(AppDbContext db, ProposalInput input,
        CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var p = new Proposal { Status = S.Draft, CreatedByUserId = user.UserId, CreatedAt = clock.GetUtcNow() };
        if (await ResolveProposerAsync(db, p, input, user, ct) is { } error) return (null, error, []);
        var errors = await ApplyAsync(db, p, input, clock, ct);
        if (errors.Count > 0) return (null, null, errors);
        db.Proposals.Add(p);
        db.ProposalEvents.Add(Event(p, "create", S.Draft, S.Draft, user, ProposalActors.Proposer, "", "", clock));
        await db.SaveChangesAsync(ct);
        return (p, null, errors);
    }

    /// <summary>Edits a draft or returned proposal (proposer only); records the <c>edit</c> step and saves. 409 on a stale version.</summary>
    public static async Task<(ProposalError? Error, Dictionary<string, string[]> Errors)> EditAsync(AppDbContext db, int id, ProposalInput input, int? version,
        CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var p = await db.Proposals.Include(x => x.CoSigners).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (p is null || !await ProposalAccess.CanSeeAsync(db, id, user, ct)) return (NotFound, []);
        var actors = await ProposalAccess.ActorsAsync(db, p, user, ct);
        if (!actors.Contains(ProposalActors.Proposer)) return (new(403, "只有提案人可以修改提案。"), []);
        if (!ProposalWorkflow.Editable(p.Status)) return (new(409, $"提案处于“{ProposalWorkflow.StateName(p.Status)}”状态，不能修改。"), []);
        if (version is { } v && v != p.Version) return (Stale, []);
        var errors = await ApplyAsync(db, p, input, clock, ct);
        if (errors.Count > 0) return (null, errors);
        p.Version++;
        db.ProposalEvents.Add(Event(p, "edit", p.Status, p.Status, user, ProposalActors.Proposer, "", "", clock));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return (Stale, []); }
        return (null, errors);
    }

    // ---------------------------------------------------------------- actions

    private static readonly ProposalError NotFound = new(404, "未找到该提案。");
    private static readonly ProposalError Stale = new(409, "该提案刚刚已被他人处理，您看到的不是最新状态。请刷新页面后再操作。");

    /// <summary>
    /// Takes <paramref name="action"/> on proposal <paramref name="id"/> for <paramref name="user"/>: resolves the edge
    /// in <see cref="ProposalWorkflow.Graph"/> (404 unknown action or proposal, 409 not allowed in this state, 403 not your
    /// role), validates the action's data (400 with the field), applies it with its follow-on steps, records the step
    /// with its files on the timeline, writes duty records and notices, and saves — all or nothing. Optimistic
    /// concurrency: when someone else changed the proposal meanwhile, 409 and nothing is saved. Filing retries on a
    /// numbering race, so numbers have neither gaps nor repeats.
    /// </summary>
    public static async Task<ProposalError?> ExecuteAsync(AppDbContext db, int id, string action, ProposalActionInput input, IReadOnlyList<UploadedFile> files,
        CurrentUser user, ProposalOptions options, TimeProvider clock, CancellationToken ct)
    {
        action = action.Trim().ToLowerInvariant();
        foreach (var f in files)
        {
            var ext = Path.GetExtension(f.FileName).ToLowerInvariant();
            if (!FileExtensions.Contains(ext)) return new(400, $"附件类型 {ext} 不受支持（可上传 {string.Join(" ", FileExtensions)}）。", "files");
            if (f.Content.LongLength > options.MaxFileBytes) return new(400, $"附件不能超过 {options.MaxFileBytes / 1024 / 1024} MB。", "files");
            if (f.Content.Length == 0) return new(400, "附件是空文件。", "files");
        }
        for (var attempt = 0; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var p = await db.Proposals.Include(x => x.CoSigners).Include(x => x.Assignments).ThenInclude(a => a.HandlingUnit)
                .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (p is null || !await ProposalAccess.CanSeeAsync(db, id, user, ct)) return NotFound;
            if (input.Version is { } v && v != p.Version) return Stale;
            var actors = await ProposalAccess.ActorsAsync(db, p, user, ct);
            var (edge, refusal) = ProposalWorkflow.Graph.Resolve(p.Status, action, actors);
            if (refusal is not null) return new(refusal.Status, refusal.Message);
            var ctx = new ActionContext(db, p, edge!.Actor, input, user, options, clock, ct) { From = p.Status };
            p.Status = edge.To;
            var error = await ApplyAsync(ctx, action);
            if (error is not null) { db.ChangeTracker.Clear(); return error; }
            p.Version++;
            p.UpdatedAt = clock.GetUtcNow();
            var ev = Event(p, action, ctx.From, p.Status, user, edge.Actor, Comment(input, ctx), JsonSerializer.Serialize(input with { Version = null }, DataJson), clock);
            ev.HandlingUnitId = ctx.UnitId;
            db.ProposalEvents.Add(ev);
            foreach (var f in files)
                db.ProposalFiles.Add(new ProposalFile
                {
                    ProposalId = p.Id, Event = ev, Reply = ctx.NewReply, FileName = Path.GetFileName(f.FileName), ContentType = f.ContentType,
                    Content = f.Content, Size = f.Content.LongLength, UploadedByUserId = user.UserId, UploadedAt = clock.GetUtcNow(),
                });
            await RecordDutiesAsync(db, p, clock, ct);
            foreach (var other in ctx.AlsoRecord) await RecordDutiesAsync(db, other, clock, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                if (ctx.AfterSave is { } after) { await after(); await db.SaveChangesAsync(ct); }
                return null;
            }
            catch (DbUpdateConcurrencyException) { db.ChangeTracker.Clear(); return Stale; }
            catch (DbUpdateException e) when (action == "file" && DbErrors.IsUniqueViolation(e) && attempt < 20) { /* another filing took the number: retry */ }
        }
    }

    private sealed class ActionContext(AppDbContext db, Proposal p, string actor, ProposalActionInput input, CurrentUser user, ProposalOptions options,
        TimeProvider clock, CancellationToken ct)
    {
        public AppDbContext Db { get; } = db;
        public Proposal P { get; } = p;
        public string Actor { get; } = actor;
        public ProposalActionInput Input { get; } = input;
        public CurrentUser User { get; } = user;
        public ProposalOptions Options { get; } = options;
        public TimeProvider Clock { get; } = clock;
        public CancellationToken Ct { get; } = ct;
        public S From { get; init; }
        public DateTimeOffset Now => Clock.GetUtcNow();
        public DateOnly Today => ChinaTime.DayOf(Now);
        /// <summary>Unit whose step this is (hidden from other units).</summary>
        public int? UnitId { get; set; }
        public Reply? NewReply { get; set; }
        public string? Summary { get; set; }
        public List<Proposal> AlsoRecord { get; } = [];
        public Func<Task>? AfterSave { get; set; }

        /// <summary>Takes a follow-on system edge (it must be on the graph).</summary>
        public void Follow(string followAction)
        {
            var (edge, refusal) = ProposalWorkflow.Graph.Resolve(P.Status, followAction, new HashSet<string> { ProposalActors.System });
            if (edge is null) throw new InvalidOperationException($"Follow-on {followAction} from {P.Status} is not on the graph: {refusal?.Message}");
            P.Status = edge.To;
        }

        /// <summary>The active assignments of the acting unit with a role of the given kind.</summary>
        public Assignment? MyAssignment(bool coUnit) => User.HandlingUnitId is { } u
            ? P.Assignments.FirstOrDefault(a => a.HandlingUnitId == u && a.Status == AssignmentStatus.Active && (a.Role == AssignmentRole.CoUnit) == coUnit)
            : null;
    }

    private static string Comment(ProposalActionInput input, ActionContext ctx) =>
        Notifier.Cut(Clean(ctx.Summary ?? input.Comment), 4000);

    private static Task<ProposalError?> ApplyAsync(ActionContext c, string action) => action switch
    {
        "submit" => SubmitAsync(c),
        "sign" or "decline" => SignAsync(c, action == "sign"),
        "withdraw" or "review" => Done(c),
        "file" => FileAsync(c),
        "reject" => RejectAsync(c),
        "merge" => MergeAsync(c),
        "return" => ReturnAsync(c),
        "assign" => AssignAsync(c),
        "return-assignment" => ReturnAssignmentAsync(c),
        "contact" => ContactAsync(c),
        "send-views" => SendViewsAsync(c),
        "reply" => ReplyAsync(c),
        "extend" => ExtendAsync(c),
        "rate" => RateAsync(c),
        "close" => CloseAsync(c),
        "mark-key" => MarkKeyAsync(c),
        "supervise" => SuperviseAsync(c),
        "mark-excellent" => MarkExcellentAsync(c),
        _ => throw new InvalidOperationException($"Action {action} is on the graph but has no rule."),
    };

    private static Task<ProposalError?> Done(ActionContext c) => Task.FromResult<ProposalError?>(null);

    private static ProposalError Bad(string field, string message) => new(400, message, field);

    private static async Task<ProposalError?> SubmitAsync(ActionContext c)
    {
        var p = c.P;
        // Re-validate the content as it stands (a draft may have been saved long ago) and refresh its session.
        var errors = await ApplyAsync(c.Db, p, new ProposalInput(p.Title, p.Body, KindCode(p.Kind), null), c.Clock, c.Ct);
        if (errors.Count > 0) return Bad(errors.First().Key, errors.First().Value[0]);
        if (c.From == S.Draft)
        {
            p.CoSignDeadline = c.Now.AddDays(c.Options.CoSignDays);
            foreach (var co in p.CoSigners.Where(x => !x.FromMerge)) { co.Status = CoSignStatus.Pending; co.AnsweredAt = null; }
            if (p.CoSigners.All(x => x.Status != CoSignStatus.Pending)) c.Follow(ProposalWorkflow.CoSigningDone);
            else
                await Notifier.ToMembersAsync(c.Db, p.CoSigners.Where(x => x.Status == CoSignStatus.Pending).Select(x => x.MemberId).ToList(),
                    new("proposal.co-sign", $"联名邀请：{p.Title}", $"{p.ProposerName}委员邀请您联名提出提案《{p.Title}》，请于 {ChinaTime.InChina(p.CoSignDeadline.Value):yyyy-MM-dd HH:mm} 前签署或拒绝。",
                        Link(p)), c.Clock, c.Ct);
        }
        if (p.Status == S.Submitted)
        {
            p.SubmittedAt = c.Now;
            await NotifyOfficeAsync(c, "proposal.submitted", $"新提案待审查：{p.Title}", $"{p.ProposerName}提交了提案《{p.Title}》。");
        }
        return null;
    }

    private static async Task<ProposalError?> SignAsync(ActionContext c, bool sign)
    {
        var p = c.P;
        if (p.CoSignDeadline is { } d && c.Now > d) return new(409, "联名期限已过，不能再签署或拒绝。");
        var mine = p.CoSigners.First(x => x.MemberId == c.User.MemberId && x.Status == CoSignStatus.Pending);
        mine.Status = sign ? CoSignStatus.Signed : CoSignStatus.Declined;
        mine.AnsweredAt = c.Now;
        if (p.CoSigners.All(x => x.Status != CoSignStatus.Pending)) await CompleteCoSigningAsync(c.Db, p, c.Clock, c.Ct, c.Follow);
        return null;
    }

    private static async Task CompleteCoSigningAsync(AppDbContext db, Proposal p, TimeProvider clock, CancellationToken ct, Action<string> follow)
    {
        follow(ProposalWorkflow.CoSigningDone);
        p.SubmittedAt = clock.GetUtcNow();
        var signed = p.CoSigners.Count(x => x.Status == CoSignStatus.Signed);
        if (p.ProposerMemberId is { } pm)
            await Notifier.ToMembersAsync(db, [pm], new("proposal.co-signed", $"联名结束：{p.Title}",
                $"您的提案《{p.Title}》联名结束，{signed} 位委员签署，已提交提案委员会办公室审查。", Link(p)), clock, ct);
        await Notifier.ToUsersAsync(db, await OfficeUserIdsAsync(db, p.CommitteeId, ct), new("proposal.submitted", $"新提案待审查：{p.Title}",
            $"{p.ProposerName}提交了提案《{p.Title}》（联名 {signed} 人）。", Link(p)), clock, ct);
    }

    /// <summary>
    /// Ends co-signing of every proposal whose deadline has passed: pending co-signers expire and the proposal goes on
    /// as submitted (system step <c>co-sign-expired</c>). Returns how many proposals moved. Run by the deadline job.
    /// </summary>
    public static async Task<int> ExpireCoSigningAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ids = await db.Proposals.Where(p => p.Status == S.CoSigning && p.CoSignDeadline < now).Select(p => p.Id).ToListAsync(ct);
        var moved = 0;
        foreach (var id in ids)
        {
            db.ChangeTracker.Clear();
            var p = await db.Proposals.Include(x => x.CoSigners).FirstAsync(x => x.Id == id, ct);
            if (p.Status != S.CoSigning) continue;
            foreach (var co in p.CoSigners.Where(x => x.Status == CoSignStatus.Pending)) { co.Status = CoSignStatus.Expired; co.AnsweredAt = now; }
            await CompleteCoSigningAsync(db, p, clock, ct, a =>
            {
                var (edge, _) = ProposalWorkflow.Graph.Resolve(p.Status, a, new HashSet<string> { ProposalActors.System });
                p.Status = edge!.To;
            });
            p.Version++;
            p.UpdatedAt = now;
            db.ProposalEvents.Add(new ProposalEvent
            {
                ProposalId = p.Id, Action = "co-sign-expired", FromStatus = S.CoSigning, ToStatus = p.Status, ActorName = "系统",
                Actor = ProposalActors.System, Comment = "联名期限已到，未答复的联名邀请已过期。", At = now,
            });
            try { await db.SaveChangesAsync(ct); moved++; }
            catch (DbUpdateConcurrencyException) { /* someone acted on it meanwhile; the next run sees it again */ }
        }
        db.ChangeTracker.Clear();
        return moved;
    }

    private static async Task<ProposalError?> FileAsync(ActionContext c)
    {
        var p = c.P;
        var max = await c.Db.Proposals.Where(x => x.CommitteeId == p.CommitteeId && x.Term == p.Term && x.Session == p.Session && x.Sequence != null)
            .MaxAsync(x => x.Sequence, c.Ct) ?? 0;
        p.Sequence = max + 1;
        p.Number = FormatNumber(p.Term, p.Session, p.Sequence.Value);
        p.FiledAt = c.Now;
        await NotifyProposersAsync(c, "proposal.filed", $"提案已立案：{p.Title}", $"您的提案《{p.Title}》已立案，编号 {p.Number}。");
        return null;
    }

    private static async Task<ProposalError?> RejectAsync(ActionContext c)
    {
        var p = c.P; var i = c.Input;
        var ground = NotFiledGrounds.Name(i.Ground?.Trim());
        if (ground is null) return Bad("ground", $"请选择不予立案的理由（{string.Join("、", NotFiledGrounds.All.Select(g => g.Code))}）。");
        var explanation = Clean(i.Explanation);
        if (explanation.Length == 0) return Bad("explanation", "请向提案人说明不予立案的理由。");
        if (explanation.Length > 2000) return Bad("explanation", "说明不能超过 2000 字。");
        var convert = i.ConvertTo?.Trim().ToLowerInvariant() switch
        {
            null or "" or "none" => ProposalConversion.None,
            "opinion" => ProposalConversion.OpinionItem,
            "letter" => ProposalConversion.Letter,
            _ => (ProposalConversion)(-1),
        };
        if (convert < 0) return Bad("convertTo", "转办方式须为 opinion（社情民意信息）或 letter（来信）。");
        p.NotFiledGround = i.Ground!.Trim();
        p.ReviewNote = explanation;
        p.ConvertedTo = convert;
        c.Summary = $"{ground}。{explanation}";
        if (convert == ProposalConversion.OpinionItem)
        {
            var item = Opinions.OpinionItem.CreateFromProposal(c.Db, p, c.User, c.Clock);
            c.AfterSave = () => { p.ConvertedOpinionId = item.Id; return Task.CompletedTask; };
        }
        var also = convert switch
        {
            ProposalConversion.OpinionItem => "，已转为社情民意信息",
            ProposalConversion.Letter => "，已转为来信办理",
            _ => "",
        };
        await NotifyProposersAsync(c, "proposal.not-filed", $"提案不予立案：{p.Title}", $"您的提案《{p.Title}》不予立案：{ground}。{explanation}{also}。");
        return null;
    }

    private static async Task<ProposalError?> MergeAsync(ActionContext c)
    {
        var p = c.P;
        if (c.Input.IntoId is not { } intoId) return Bad("intoId", "请指定并入的提案。");
        if (intoId == p.Id) return Bad("intoId", "提案不能并入自己。");
        var target = await c.Db.Proposals.Include(x => x.CoSigners).FirstOrDefaultAsync(x => x.Id == intoId, c.Ct);
        if (target is null || target.CommitteeId != p.CommitteeId || !await ProposalAccess.CanSeeAsync(c.Db, intoId, c.User, c.Ct))
            return Bad("intoId", "并入的提案不存在或不属于本级政协。");
        if (target.Status is not (S.Submitted or S.UnderReview or S.Filed or S.Assigned or S.Handling))
            return new(409, $"只能并入审查中或办理结束前的提案，目标提案处于“{ProposalWorkflow.StateName(target.Status)}”状态。", "intoId");
        p.MergedIntoId = target.Id;
        var joining = new List<int>();
        if (p.ProposerMemberId is { } pm) joining.Add(pm);
        joining.AddRange(p.CoSigners.Where(x => x.Status == CoSignStatus.Signed).Select(x => x.MemberId));
        var order = target.CoSigners.Count == 0 ? 0 : target.CoSigners.Max(x => x.SortOrder) + 1;
        foreach (var m in joining.Distinct())
        {
            if (m == target.ProposerMemberId) continue;
            var existing = target.CoSigners.FirstOrDefault(x => x.MemberId == m);
            if (existing is null) target.CoSigners.Add(new ProposalCoSigner { MemberId = m, Status = CoSignStatus.Signed, AnsweredAt = c.Now, FromMerge = true, SortOrder = order++ });
            else if (existing.Status != CoSignStatus.Signed) { existing.Status = CoSignStatus.Signed; existing.AnsweredAt = c.Now; existing.FromMerge = true; }
        }
        target.Version++;
        target.UpdatedAt = c.Now;
        c.Db.ProposalEvents.Add(Event(target, "merge", target.Status, target.Status, c.User, ProposalActors.Office,
            $"并入提案 #{p.Id}《{p.Title}》，其提案人成为本提案的联名提案人。", JsonSerializer.Serialize(new { fromId = p.Id }, DataJson), c.Clock));
        c.AlsoRecord.Add(target);
        c.Summary = $"并入提案 #{target.Id}《{target.Title}》。{c.Input.Comment}";
        await NotifyProposersAsync(c, "proposal.merged", $"提案已并案：{p.Title}", $"您的提案《{p.Title}》已并入提案《{target.Title}》，您成为该提案的联名提案人。");
        return null;
    }

    private static async Task<ProposalError?> ReturnAsync(ActionContext c)
    {
        var reason = Clean(c.Input.Reason);
        if (reason.Length == 0) return Bad("reason", "请说明退回修改的原因。");
        if (reason.Length > 2000) return Bad("reason", "原因不能超过 2000 字。");
        c.P.ReviewNote = reason;
        c.Summary = reason;
        await NotifyProposersAsync(c, "proposal.returned", $"提案退回修改：{c.P.Title}", $"您的提案《{c.P.Title}》被退回修改：{reason}");
        return null;
    }

    private static async Task<ProposalError?> AssignAsync(ActionContext c)
    {
        var p = c.P; var i = c.Input;
        AssignmentMode? mode = i.Mode?.Trim().ToLowerInvariant() switch
        {
            "single" => AssignmentMode.Single, "separate" => AssignmentMode.Separate, "lead" => AssignmentMode.Lead, _ => null,
        };
        if (mode is null) return Bad("mode", "交办方式须为 single（单办）、separate（分办）或 lead（主办会办）。");
        var codes = (i.Units ?? []).Select(u => u.Trim()).Where(u => u.Length > 0).Distinct().ToList();
        if (mode == AssignmentMode.Single && codes.Count != 1) return Bad("units", "单办须指定一个承办单位。");
        if (mode != AssignmentMode.Single && codes.Count < 2) return Bad("units", "分办或主办会办须指定至少两个承办单位。");
        var lead = i.Lead?.Trim();
        if (mode == AssignmentMode.Lead && (lead is null || !codes.Contains(lead))) return Bad("lead", "请在承办单位中指定一个主办单位。");
        var units = await c.Db.HandlingUnits.Where(u => codes.Contains(u.Code)).ToListAsync(c.Ct);
        var unknown = codes.Except(units.Where(u => u.IsActive && u.CommitteeId == p.CommitteeId).Select(u => u.Code)).ToList();
        if (unknown.Count > 0) return Bad("units", $"承办单位不存在、已停用或不属于本级：{string.Join("、", unknown)}。");

        var today = c.Today;
        var cal = await WorkCalendar.LoadAsync(c.Db, today, today.AddMonths(c.Options.MaxReplyMonths), c.Ct);
        var active = p.Assignments.Where(a => a.Status != AssignmentStatus.Returned).ToList();
        // Reassignment keeps units that stay; a unit that already started handling cannot be taken off.
        foreach (var a in active.Where(a => !codes.Contains(a.HandlingUnit!.Code)))
        {
            if (await c.Db.ContactLogs.AnyAsync(x => x.AssignmentId == a.Id, c.Ct) || a.Status == AssignmentStatus.Done)
                return new(409, $"{a.HandlingUnit!.Name}已开始办理，不能从交办中移除。", "units");
            p.Assignments.Remove(a);
        }
        var notify = new List<int>();
        foreach (var u in units)
        {
            var role = mode switch
            {
                AssignmentMode.Single => AssignmentRole.Single,
                AssignmentMode.Separate => AssignmentRole.Separate,
                _ => u.Code == lead ? AssignmentRole.Lead : AssignmentRole.CoUnit,
            };
            var a = p.Assignments.FirstOrDefault(x => x.HandlingUnitId == u.Id && x.Status != AssignmentStatus.Returned);
            if (a is not null) { a.Role = role; continue; }
            p.Assignments.Add(new Assignment
            {
                HandlingUnitId = u.Id, HandlingUnit = u, Role = role, Status = AssignmentStatus.Active, AssignedAt = c.Now,
                ReturnDueOn = cal.AddWorkingDays(today, c.Options.ReturnWorkingDays),
                DueOn = role == AssignmentRole.CoUnit ? cal.AddMonths(today, c.Options.CoUnitMonths) : cal.AddMonths(today, c.Options.ReplyMonths),
                LatestDueOn = cal.AddMonths(today, c.Options.MaxReplyMonths),
            });
            notify.Add(u.Id);
        }
        p.AssignmentMode = mode;
        c.Summary = $"{ModeName(mode.Value)}：" + string.Join("、", p.Assignments.Where(a => a.Status != AssignmentStatus.Returned)
            .OrderBy(a => a.Role).Select(a => $"{a.HandlingUnit!.Name}（{RoleName(a.Role)}）")) + (i.Comment is { Length: > 0 } cm ? $"。{cm}" : "");
        foreach (var uid in notify)
        {
            var a = p.Assignments.First(x => x.HandlingUnitId == uid && x.Status == AssignmentStatus.Active);
            await NotifyUnitAsync(c, uid, "proposal.assigned", $"交办提案：{p.Title}",
                $"提案 {p.Number}《{p.Title}》交由贵单位{RoleName(a.Role)}，{(a.Role == AssignmentRole.CoUnit ? "会办意见" : "答复")}期限 {a.DueOn:yyyy-MM-dd}；如非贵单位职责，请于 {a.ReturnDueOn:yyyy-MM-dd} 前退回并说明理由。");
        }
        await NotifyProposersAsync(c, "proposal.assigned", $"提案已交办：{p.Title}", $"您的提案《{p.Title}》已交办：{c.Summary}");
        return null;
    }

    private static async Task<ProposalError?> ReturnAssignmentAsync(ActionContext c)
    {
        var p = c.P;
        var a = c.MyAssignment(coUnit: c.Actor == ProposalActors.CoUnit)!;
        var reason = Clean(c.Input.Reason);
        if (reason.Length == 0) return Bad("reason", "请说明退回的理由（为何不属于本单位职责）。");
        if (reason.Length > 2000) return Bad("reason", "理由不能超过 2000 字。");
        if (c.Today > a.ReturnDueOn) return new(409, $"退回期限已过（{a.ReturnDueOn:yyyy-MM-dd}），请按交办办理或与提案委员会办公室联系。");
        if (await c.Db.ContactLogs.AnyAsync(x => x.AssignmentId == a.Id, c.Ct)) return new(409, "贵单位已开始办理（已记录沟通），不能再退回。");
        a.Status = AssignmentStatus.Returned;
        a.ReturnReason = reason;
        a.ReturnedAt = c.Now;
        c.UnitId = a.HandlingUnitId;
        c.Summary = $"{a.HandlingUnit!.Name}退回：{reason}";
        if (!p.Assignments.Any(x => x.Status == AssignmentStatus.Active && x.Role != AssignmentRole.CoUnit)
            && !p.Assignments.Any(x => x.Status == AssignmentStatus.Done && x.Role != AssignmentRole.CoUnit))
        {
            // No replying unit is left: the co-units' assignments lapse with it and the office reassigns.
            foreach (var co in p.Assignments.Where(x => x.Status == AssignmentStatus.Active))
            {
                co.Status = AssignmentStatus.Returned; co.ReturnReason = "主办单位退回，待重新交办。"; co.ReturnedAt = c.Now;
            }
            c.Follow(ProposalWorkflow.AllReturned);
        }
        await NotifyOfficeAsync(c, "proposal.assignment-returned", $"交办被退回：{p.Title}", c.Summary);
        return null;
    }

    private static async Task<ProposalError?> ContactAsync(ActionContext c)
    {
        var i = c.Input;
        var a = c.MyAssignment(coUnit: false)!;
        var method = ParseMethod(i.Method);
        if (method is null) return Bad("method", "沟通方式须为 face-to-face、phone、letter、email 或 visit。");
        var on = i.On ?? c.Today;
        if (on > c.Today) return Bad("on", "沟通日期不能晚于今天。");
        if (on < ChinaTime.DayOf(a.AssignedAt)) return Bad("on", "沟通日期不能早于交办日期。");
        var summary = Clean(i.Summary);
        if (summary.Length == 0) return Bad("summary", "请简要记录沟通内容。");
        if (summary.Length > 4000) return Bad("summary", "沟通内容不能超过 4000 字。");
        var persons = Clean(i.Persons);
        if (persons.Length > 200) return Bad("persons", "参加人员不能超过 200 字。");
        c.Db.ContactLogs.Add(new ContactLog
        {
            ProposalId = c.P.Id, AssignmentId = a.Id, HandlingUnitId = a.HandlingUnitId, Method = method.Value, ContactedOn = on,
            Persons = persons, Summary = summary, Round = a.Round, RecordedAt = c.Now,
        });
        c.UnitId = a.HandlingUnitId;
        c.Summary = $"{a.HandlingUnit!.Name}{MethodName(method.Value)}沟通（{on:yyyy-MM-dd}）：{summary}";
        return await Task.FromResult<ProposalError?>(null);
    }

    private static async Task<ProposalError?> SendViewsAsync(ActionContext c)
    {
        var a = c.MyAssignment(coUnit: true)!;
        var text = RichText.Sanitize(c.Input.Text);
        if (RichText.ToPlainText(text).Trim().Length == 0) return Bad("text", "请填写会办意见。");
        if (text.Length > 20000) return Bad("text", "会办意见过长。");
        a.Views = text;
        a.Status = AssignmentStatus.Done;
        a.DoneAt = c.Now;
        c.UnitId = a.HandlingUnitId;
        c.Summary = $"{a.HandlingUnit!.Name}提交会办意见。";
        var leadUnit = c.P.Assignments.FirstOrDefault(x => x.Role == AssignmentRole.Lead && x.Status != AssignmentStatus.Returned);
        if (leadUnit is not null)
            await NotifyUnitAsync(c, leadUnit.HandlingUnitId, "proposal.views", $"会办意见：{c.P.Title}", $"{a.HandlingUnit.Name}已提交提案《{c.P.Title}》的会办意见。");
        return null;
    }

    private static async Task<ProposalError?> ReplyAsync(ActionContext c)
    {
        var p = c.P; var i = c.Input;
        var a = c.MyAssignment(coUnit: false)!;
        var cls = ParseClass(i.Class);
        if (cls is null) return Bad("class", "答复类别须为 A、B 或 C。");
        var text = RichText.Sanitize(i.Text);
        if (RichText.ToPlainText(text).Trim().Length == 0) return Bad("text", "请填写答复内容。");
        if (text.Length > 40000) return Bad("text", "答复内容过长。");
        if (!await c.Db.ContactLogs.AnyAsync(x => x.AssignmentId == a.Id && x.Round == a.Round, c.Ct))
            return new(409, "答复前须先与提案人沟通（办前面商），请先记录沟通情况。");
        var reply = new Reply
        {
            ProposalId = p.Id, AssignmentId = a.Id, HandlingUnitId = a.HandlingUnitId, Class = cls.Value, Text = text,
            IsPublic = i.Public ?? false, Round = a.Round, RepliedAt = c.Now, OnTime = c.Today <= a.DueOn,
        };
        c.Db.Replies.Add(reply);
        c.NewReply = reply;
        a.Status = AssignmentStatus.Done;
        a.DoneAt = c.Now;
        c.UnitId = a.HandlingUnitId;
        c.Summary = $"{a.HandlingUnit!.Name}答复（{ClassName(cls.Value)}{(reply.IsPublic ? "，公开" : "，不公开")}）。";
        if (!p.Assignments.Any(x => x.Status == AssignmentStatus.Active && x.Role != AssignmentRole.CoUnit)) c.Follow(ProposalWorkflow.AllReplied);
        var replies = await c.Db.Replies.Where(r => r.ProposalId == p.Id).Select(r => r.Text).ToListAsync(c.Ct);
        p.SearchText = ProposalSearch.BuildSearchText(p.Title, p.Body, replies.Append(text));
        await NotifyProposersAsync(c, "proposal.replied", $"提案已答复：{p.Title}",
            $"{a.HandlingUnit.Name}已答复您的提案《{p.Title}》（{ClassName(cls.Value)}）。" + (p.Status == S.Replied ? "请对答复作出评价。" : ""));
        // An A or B reply is an outcome followed to implementation; a later C turns it to not adopted (OutcomeHooks).
        c.AfterSave = () => Outcomes.OutcomeHooks.SyncProposalReplyAsync(c.Db, p.Id, c.Clock, c.Ct);
        return null;
    }

    private static async Task<ProposalError?> ExtendAsync(ActionContext c)
    {
        var p = c.P; var i = c.Input;
        var candidates = p.Assignments.Where(a => a.Status == AssignmentStatus.Active && a.Role != AssignmentRole.CoUnit).ToList();
        var a = i.Unit is { Length: > 0 } code ? candidates.FirstOrDefault(x => x.HandlingUnit!.Code == code.Trim())
            : candidates.Count == 1 ? candidates[0] : null;
        if (a is null) return Bad("unit", candidates.Count == 0 ? "没有正在办理的承办单位。" : "请指定延期的承办单位。");
        if (i.DueOn is not { } due) return Bad("dueOn", "请填写新的答复期限。");
        if (due <= a.DueOn) return Bad("dueOn", $"新的期限须晚于原期限 {a.DueOn:yyyy-MM-dd}。");
        if (due > a.LatestDueOn) return Bad("dueOn", $"办理期限最长不超过交办之日起六个月（{a.LatestDueOn:yyyy-MM-dd}）。");
        c.Summary = $"{a.HandlingUnit!.Name}答复期限由 {a.DueOn:yyyy-MM-dd} 延长至 {due:yyyy-MM-dd}。{i.Comment}";
        c.UnitId = a.HandlingUnitId;
        a.DueOn = due;
        a.RemindersSent = "";
        await NotifyUnitAsync(c, a.HandlingUnitId, "proposal.extended", $"办理期限延长：{p.Title}", c.Summary);
        return null;
    }

    private static async Task<ProposalError?> RateAsync(ActionContext c)
    {
        var p = c.P; var i = c.Input;
        var sat = ParseSatisfaction(i.Satisfaction);
        if (sat is null) return Bad("satisfaction", "评价须为 satisfied（满意）、basically-satisfied（基本满意）或 dissatisfied（不满意）。");
        var comment = Clean(i.Comment);
        if (comment.Length > 2000) return Bad("comment", "评价意见不能超过 2000 字。");
        if (sat == Satisfaction.Dissatisfied && comment.Length == 0) return Bad("comment", "不满意时请说明理由，以便承办单位重新办理。");
        var latest = await LatestRepliesAsync(c.Db, p.Id, c.Ct);
        var unrated = latest.Where(r => r.Rating is null).ToList();
        var target = i.Unit is { Length: > 0 } code ? unrated.FirstOrDefault(r => r.UnitCode == code.Trim())
            : unrated.Count == 1 ? unrated[0] : null;
        if (target is null) return Bad("unit", unrated.Count == 0 ? "没有待评价的答复。" : "有多个单位的答复，请指定评价哪个单位的答复。");
        c.Db.Ratings.Add(new Rating
        {
            ProposalId = p.Id, ReplyId = target.Reply.Id, HandlingUnitId = target.Reply.HandlingUnitId, Satisfaction = sat.Value,
            Comment = comment, Round = target.Reply.Round, RatedAt = c.Now,
        });
        c.UnitId = target.Reply.HandlingUnitId; // the rating is shown to the proposers, the office and the rated unit only
        c.Summary = $"对{target.UnitName}的答复评价：{SatisfactionName(sat.Value)}。{comment}";
        if (sat == Satisfaction.Dissatisfied)
        {
            var a = p.Assignments.First(x => x.Id == target.Reply.AssignmentId);
            var today = c.Today;
            var cal = await WorkCalendar.LoadAsync(c.Db, today, today.AddMonths(c.Options.MaxReplyMonths), c.Ct);
            a.Round++;
            a.Status = AssignmentStatus.Active;
            a.DoneAt = null;
            a.DueOn = cal.AddMonths(today, c.Options.ReplyMonths);
            a.LatestDueOn = cal.AddMonths(today, c.Options.MaxReplyMonths);
            a.RemindersSent = "";
            c.Follow(ProposalWorkflow.Rehandle);
            await NotifyUnitAsync(c, a.HandlingUnitId, "proposal.rehandle", $"提案重新办理：{p.Title}",
                $"提案人对贵单位关于《{p.Title}》的答复不满意：{comment}。请重新办理，并于 {a.DueOn:yyyy-MM-dd} 前再次答复。");
            await NotifyOfficeAsync(c, "proposal.dissatisfied", $"答复不满意：{p.Title}", c.Summary);
        }
        else
        {
            if (unrated.Count == 1) c.Follow(ProposalWorkflow.AllRated);
            await NotifyUnitAsync(c, target.Reply.HandlingUnitId, "proposal.rated", $"答复已评价：{p.Title}", c.Summary);
        }
        return null;
    }

    /// <summary>The latest reply of each replying unit (by round) with its rating, if any.</summary>
    public static async Task<List<LatestReply>> LatestRepliesAsync(AppDbContext db, int proposalId, CancellationToken ct)
    {
        var rows = await db.Replies.AsNoTracking().Where(r => r.ProposalId == proposalId)
            .Select(r => new { Reply = r, Rating = db.Ratings.FirstOrDefault(x => x.ReplyId == r.Id), r.HandlingUnit!.Code, r.HandlingUnit.Name })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.Reply.AssignmentId).Select(g => g.OrderByDescending(x => x.Reply.Round).ThenByDescending(x => x.Reply.Id).First())
            .Select(x => new LatestReply(x.Reply, x.Rating, x.Code, x.Name)).ToList();
    }

    private static async Task<ProposalError?> CloseAsync(ActionContext c)
    {
        c.P.ClosedAt = c.Now;
        await NotifyProposersAsync(c, "proposal.closed", $"提案已办结：{c.P.Title}", $"您的提案《{c.P.Title}》已办结。");
        return null;
    }

    private static async Task<ProposalError?> MarkKeyAsync(ActionContext c)
    {
        var p = c.P;
        var who = c.Input.LeaderId?.Trim();
        if (string.IsNullOrEmpty(who)) return Bad("leaderId", "请指定督办领导。");
        var leader = await c.Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == who || u.UserName == who, c.Ct);
        var isLeader = leader is not null && await c.Db.UserRoles.AnyAsync(ur => ur.UserId == leader.Id
            && c.Db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Leader), c.Ct);
        var leaderPath = leader?.CommitteeId is { } lc ? await c.Db.Committees.Where(x => x.Id == lc).Select(x => x.Path).FirstOrDefaultAsync(c.Ct) : null;
        if (!isLeader || leaderPath is null || !p.CommitteePath.StartsWith(leaderPath, StringComparison.Ordinal))
            return Bad("leaderId", "督办领导须是本级（或上级）政协的领导账号。");
        p.IsKey = true;
        p.KeyLeaderUserId = leader!.Id;
        p.KeyLeaderName = leader.DisplayName.Length > 0 ? leader.DisplayName : leader.UserName ?? "";
        c.Summary = $"列为重点提案，由{p.KeyLeaderName}督办。{c.Input.Comment}";
        await Notifier.ToUsersAsync(c.Db, [leader.Id], new("proposal.key", $"重点提案督办：{p.Title}", $"提案《{p.Title}》列为重点提案，请您督办。", Link(p)), c.Clock, c.Ct);
        await NotifyProposersAsync(c, "proposal.key", $"列为重点提案：{p.Title}", $"您的提案《{p.Title}》列为重点提案，由{p.KeyLeaderName}督办。");
        return null;
    }

    private static Task<ProposalError?> SuperviseAsync(ActionContext c)
    {
        if (!c.P.IsKey) return Task.FromResult<ProposalError?>(new(409, "只有重点提案才有督办记录。"));
        var text = Clean(c.Input.Text);
        if (text.Length == 0) return Task.FromResult<ProposalError?>(Bad("text", "请填写督办情况。"));
        if (text.Length > 4000) return Task.FromResult<ProposalError?>(Bad("text", "督办情况不能超过 4000 字。"));
        var on = c.Input.On ?? c.Today;
        if (on > c.Today) return Task.FromResult<ProposalError?>(Bad("on", "督办日期不能晚于今天。"));
        c.Db.Supervisions.Add(new Supervision
        {
            ProposalId = c.P.Id, UserId = c.User.UserId, ActorName = c.User.DisplayName, On = on, Text = text, RecordedAt = c.Now,
        });
        c.Summary = $"督办（{on:yyyy-MM-dd}）：{text}";
        return Task.FromResult<ProposalError?>(null);
    }

    private static async Task<ProposalError?> MarkExcellentAsync(ActionContext c)
    {
        var year = c.Input.Year ?? ChinaTime.YearOf(c.Now);
        if (year < c.P.Year || year > ChinaTime.YearOf(c.Now) + 1) return Bad("year", $"评选年度须在 {c.P.Year} 至 {ChinaTime.YearOf(c.Now) + 1} 之间。");
        c.P.ExcellentYear = year;
        c.Summary = $"评为 {year} 年度优秀提案。{c.Input.Comment}";
        await NotifyProposersAsync(c, "proposal.excellent", $"优秀提案：{c.P.Title}", $"您的提案《{c.P.Title}》被评为 {year} 年度优秀提案。");
        return null;
    }

    // ---------------------------------------------------------------- duty records

    /// <summary>
    /// Rebuilds the duty records a proposal earns (DOMAIN.md §4.2, through <see cref="DutyLedger"/>): once filed, the first
    /// proposer <c>proposal.filed</c> and each signed co-signer (including proposers of merged proposals)
    /// <c>proposal.cosigned</c>; a key proposal <c>proposal.key</c> and an excellent one <c>proposal.excellent</c> (in the
    /// award year) for the first proposer; a class-A reply rated satisfied <c>proposal.satisfied</c>. Collective proposals
    /// earn no member points. Idempotent; the caller saves.
    /// </summary>
    public static async Task RecordDutiesAsync(AppDbContext db, Proposal p, TimeProvider clock, CancellationToken ct)
    {
        var events = new List<DutyEvent>();
        if (p.FiledAt is { } filed && ProposalWorkflow.IsFiled(p.Status))
        {
            var evidence = p.Number;
            if (p.ProposerMemberId is { } pm)
            {
                events.Add(new(pm, "proposal.filed", DutySource, p.Id, p.Title, evidence, filed));
                if (p.IsKey) events.Add(new(pm, "proposal.key", DutySource, p.Id, p.Title, $"{evidence} 重点提案", filed));
                if (p.ExcellentYear is { } y)
                    events.Add(new(pm, "proposal.excellent", DutySource, p.Id, p.Title, $"{evidence} {y}年度优秀提案", ChinaTime.StartOf(new DateOnly(y, 1, 1))));
                var satisfiedA = await db.Ratings.Where(r => r.ProposalId == p.Id && r.Satisfaction == Satisfaction.Satisfied
                        && db.Replies.Any(x => x.Id == r.ReplyId && x.Class == ReplyClass.A))
                    .OrderBy(r => r.RatedAt).Select(r => (DateTimeOffset?)r.RatedAt).FirstOrDefaultAsync(ct);
                var pendingA = db.ChangeTracker.Entries<Rating>().Select(e => e.Entity)
                    .Where(r => r.ProposalId == p.Id && r.Satisfaction == Satisfaction.Satisfied && r.Id == 0).ToList();
                if (satisfiedA is null && pendingA.Count > 0
                    && await db.Replies.AnyAsync(x => pendingA.Select(r => r.ReplyId).Contains(x.Id) && x.Class == ReplyClass.A, ct))
                    satisfiedA = pendingA[0].RatedAt;
                if (satisfiedA is { } at) events.Add(new(pm, "proposal.satisfied", DutySource, p.Id, p.Title, $"{evidence} A类答复满意", at));
            }
            foreach (var co in p.CoSigners.Where(x => x.Status == CoSignStatus.Signed))
                events.Add(new(co.MemberId, "proposal.cosigned", DutySource, p.Id, p.Title, evidence, filed));
        }
        await DutyLedger.ReplaceAsync(db, DutySource, p.Id, events, clock, ct);
    }

    // ---------------------------------------------------------------- timeline and notices

    /// <summary>Trimmed text, empty for null.</summary>
    private static string Clean(string? s) => s?.Trim() ?? "";

    private static ProposalEvent Event(Proposal p, string action, S from, S to, CurrentUser user, string actor, string comment, string data, TimeProvider clock) => new()
    {
        ProposalId = p.Id,
        Proposal = p,
        Action = action,
        FromStatus = from,
        ToStatus = to,
        UserId = user.UserId,
        ActorName = user.DisplayName.Length > 0 ? user.DisplayName : user.UserName,
        Actor = actor,
        Comment = comment,
        Data = data.Length > 8000 ? data[..8000] : data,
        At = clock.GetUtcNow(),
    };

    /// <summary>Relative link of a proposal's page.</summary>
    public static string Link(Proposal p) => $"/proposals/{p.Id}";

    private static async Task NotifyProposersAsync(ActionContext c, string kind, string title, string body)
    {
        var p = c.P;
        if (p.ProposerMemberId is { } pm)
        {
            var ids = p.CoSigners.Where(x => x.Status == CoSignStatus.Signed).Select(x => x.MemberId).Append(pm).Distinct().ToList();
            await Notifier.ToMembersAsync(c.Db, ids, new(kind, title, body, Link(p)), c.Clock, c.Ct);
        }
        else if (p.CreatedByUserId.Length > 0)
            await Notifier.ToUsersAsync(c.Db, [p.CreatedByUserId], new(kind, title, body, Link(p)), c.Clock, c.Ct);
    }

    private static async Task NotifyUnitAsync(ActionContext c, int unitId, string kind, string title, string body)
    {
        var users = await c.Db.Users.Where(u => u.HandlingUnitId == unitId).Select(u => u.Id).ToListAsync(c.Ct);
        await Notifier.ToUsersAsync(c.Db, users, new(kind, title, body, Link(c.P)), c.Clock, c.Ct);
    }

    private static async Task NotifyOfficeAsync(ActionContext c, string kind, string title, string body)
    {
        var users = await OfficeUserIdsAsync(c.Db, c.P.CommitteeId, c.Ct);
        await Notifier.ToUsersAsync(c.Db, users, new(kind, title, body, Link(c.P)), c.Clock, c.Ct);
    }

    /// <summary>Account ids of the staff of committee <paramref name="committeeId"/> (the proposals office's inbox).</summary>
    public static Task<List<string>> OfficeUserIdsAsync(AppDbContext db, int committeeId, CancellationToken ct) =>
        db.Users.Where(u => u.CommitteeId == committeeId
                && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Staff)))
            .Select(u => u.Id).ToListAsync(ct);
}
