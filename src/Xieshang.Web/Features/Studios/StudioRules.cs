using System.Text.Json;
using System.Text.Json.Serialization;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Studios;

/// <summary>A rule refusal: HTTP status (400, 403, 404, 409, 413, 429) and a Chinese message; <see cref="Field"/> names the input at fault.</summary>
public sealed record StudioError(int Status, string Message, string Field = "");

/// <summary>One member of a studio as staff set it: the member's id, whether on duty (default true), a duty note.</summary>
public sealed record StudioMemberInput(int MemberId, bool? OnDuty = null, string? Note = null);

/// <summary>
/// Body of <c>POST /api/studios</c> and <c>PUT /api/studios/{id}</c>. <c>kind</c>: <c>sector</c> | <c>township</c> |
/// <c>community</c> | <c>park</c> | <c>enterprise</c> (default <c>sector</c> with a sector, else <c>township</c>);
/// <c>townshipCode</c>: 9 digits; <c>memberIds</c> (all on duty) or <c>members</c> (with on-duty flag and note);
/// <c>contact</c>: the studio's public phone; <c>published</c>: shown to the public.
/// </summary>
public sealed record StudioInput(string? Name, string? CommitteeCode, int? SectorId, string? TownshipCode, string? Address, int[]? MemberIds,
    string? Kind = null, string? Directions = null, string? Schedule = null, string? Contact = null, bool? Published = null,
    StudioMemberInput[]? Members = null);

/// <summary>A citizen's message as submitted: name and phone optional, the matter, the challenge token and answer, the honeypot field.</summary>
public sealed record StudioMessageInput(string? Name, string? Phone, string? Content, string? ChallengeToken = null,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? ChallengeAnswer = null, string? Website = null);

/// <summary>Reads a JSON string or number (<c>"12"</c> or <c>12</c>) as a string, as typed; writes a string.</summary>
public sealed class StringOrNumberConverter : JsonConverter<string?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        _ => throw new JsonException("Expected a string or a number."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue(); else writer.WriteStringValue(value);
    }
}

/// <summary>Body of <c>POST /api/studios/{id}/activities</c>: kind <c>reception</c> | <c>courtyard</c> | <c>service</c>, title, times, publish at once.</summary>
public sealed record StudioActivityInput(string? Kind, string? Title, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool? Publish = null);

/// <summary>
/// The rules of members' studios (DOMAIN.md §4.7): staff create and edit studios of their committee (township inside its
/// area, sector of its own, members of its scope); citizens leave messages (challenge, limits, photo check); members on
/// duty and staff in scope answer, close, or convert a message into a proposal draft (<see cref="ProposalRules.CreateAsync"/>)
/// or a public-opinion draft (<see cref="OpinionRules.CreateAsync"/>) linked by a <see cref="WorkLink"/>; studio activities
/// go through <see cref="ActivityRules"/>. A refusal changes nothing.
/// </summary>
public static partial class StudioRules
{
    /// <summary>Most characters (code points) of a message.</summary>
    public const int MaxContent = 1000;
    /// <summary>Most characters of an answer.</summary>
    public const int MaxAnswer = 2000;
    /// <summary>Most members of one studio.</summary>
    public const int MaxMembers = 50;

    /// <summary>API codes and names of the kinds.</summary>
    public static readonly (StudioKind Kind, string Code, string Name)[] Kinds =
    [
        (StudioKind.Sector, "sector", "界别委员工作室"), (StudioKind.Township, "township", "乡镇（街道）委员工作室"),
        (StudioKind.Community, "community", "社区委员工作室"), (StudioKind.Park, "park", "园区委员工作室"), (StudioKind.Enterprise, "enterprise", "企业委员工作室"),
    ];

    /// <summary>API codes and names of the activity kinds, with the activity type each becomes.</summary>
    public static readonly (StudioActivityKind Kind, string Code, string Name, ActivityType Type)[] ActivityKinds =
    [
        (StudioActivityKind.Reception, "reception", "接待日", ActivityType.Service),
        (StudioActivityKind.Courtyard, "courtyard", "院坝协商", ActivityType.Consultation),
        (StudioActivityKind.Service, "service", "服务活动", ActivityType.Volunteer),
    ];

    /// <summary>Code of a kind.</summary>
    public static string KindCode(StudioKind k) => Kinds.First(x => x.Kind == k).Code;
    /// <summary>Chinese name of a kind.</summary>
    public static string KindName(StudioKind k) => Kinds.First(x => x.Kind == k).Name;
    /// <summary>Code of a message state.</summary>
    public static string StatusCode(StudioMessageStatus s) => s.ToString().ToLowerInvariant();
    /// <summary>Chinese name of a message state.</summary>
    public static string StatusName(StudioMessageStatus s) => s switch
    {
        StudioMessageStatus.New => "待回复", StudioMessageStatus.Answered => "已答复", StudioMessageStatus.Converted => "已转办", _ => "已关闭",
    };
    /// <summary>The state of <paramref name="code"/>, or null.</summary>
    public static StudioMessageStatus? ParseStatus(string? code) =>
        Enum.GetValues<StudioMessageStatus>().Cast<StudioMessageStatus?>().FirstOrDefault(s => StatusCode(s!.Value) == code?.Trim().ToLowerInvariant());

    [GeneratedRegex(@"^[0-9+\- ]{5,20}$")]
    private static partial Regex PhonePattern();

    // ───────────────────────── who ─────────────────────────

    /// <summary>Staff in scope (and the administrator) manage a studio of <paramref name="committeePath"/>.</summary>
    public static bool CanManage(CurrentUser user, string committeePath) => Scope.CanManage(user, committeePath);

    /// <summary>True when <paramref name="user"/> is a member on duty of studio <paramref name="studioId"/>.</summary>
    public static Task<bool> IsOnDutyAsync(AppDbContext db, CurrentUser user, int studioId, CancellationToken ct) =>
        user.MemberId is { } mid && user.IsMember
            ? db.StudioMembers.AnyAsync(m => m.StudioId == studioId && m.MemberId == mid && m.OnDuty, ct)
            : Task.FromResult(false);

    /// <summary>Who handles a studio's messages (inbox, answer, convert, phone numbers): staff in scope and its members on duty.</summary>
    public static async Task<bool> CanHandleAsync(AppDbContext db, CurrentUser user, Studio s, CancellationToken ct) =>
        CanManage(user, s.CommitteePath) || await IsOnDutyAsync(db, user, s.Id, ct);

    /// <summary>The studios <paramref name="user"/> may list: staff and leaders their scope, members their committee's and their own.</summary>
    public static IQueryable<Studio> VisibleTo(this IQueryable<Studio> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(s => s.CommitteePath.StartsWith(p));
        if (user.IsMember && user.CommitteePath is { } own)
        {
            var mid = user.MemberId ?? -1;
            return q.Where(s => s.CommitteePath == own || db.StudioMembers.Any(m => m.StudioId == s.Id && m.MemberId == mid));
        }
        return q.Where(s => false);
    }

    // ───────────────────────── studios ─────────────────────────

    /// <summary>
    /// Creates (<paramref name="s"/> new) or edits a studio: staff who manage its committee; name (≤ 100); kind; sector of the
    /// committee (required for a sector studio); a Guizhou township inside the committee's area; address (≤ 200); directions,
    /// schedule, contact; active members of the committee or below it, at most <see cref="MaxMembers"/>. Errors by field
    /// (403 ones start with 您无权); nothing saved on errors.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> SaveAsync(AppDbContext db, Townships townships, Studio s, StudioInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors.TryAdd(field, [message]);
        Committee? committee;
        if (s.Id == 0)
        {
            committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == (input.CommitteeCode ?? "").Trim(), ct);
            if (committee is null) { Fail("committeeCode", string.IsNullOrWhiteSpace(input.CommitteeCode) ? "请选择政协组织（committeeCode）。" : $"未找到代码为“{input.CommitteeCode}”的政协组织。"); return errors; }
        }
        else committee = await db.Committees.AsNoTracking().FirstAsync(x => x.Id == s.CommitteeId, ct);
        if (!CanManage(user, committee.Path)) { Fail("committeeCode", $"您无权管理“{committee.Name}”的委员工作室。"); return errors; }

        var name = (input.Name ?? "").Trim();
        if (name.Length == 0) Fail("name", "请填写工作室名称。");
        else if (name.Length > 100) Fail("name", "工作室名称不能超过 100 个字。");
        Sector? sector = null;
        if (input.SectorId is { } sid)
        {
            sector = await db.Sectors.AsNoTracking().FirstOrDefaultAsync(x => x.Id == sid, ct);
            if (sector is null || sector.CommitteeId != committee.Id) Fail("sectorId", $"界别须是{committee.Name}的界别。");
        }
        var kind = input.Kind is { Length: > 0 } k ? Kinds.Where(x => x.Code == k.Trim().ToLowerInvariant()).Select(x => (StudioKind?)x.Kind).FirstOrDefault()
            : input.SectorId is null ? StudioKind.Township : StudioKind.Sector;
        if (kind is null) Fail("kind", $"工作室类型“{input.Kind}”无效，应为：{string.Join("、", Kinds.Select(x => x.Code))}。");
        else if (kind == StudioKind.Sector && input.SectorId is null) Fail("sectorId", "界别委员工作室须选择界别。");
        var township = townships.Find(input.TownshipCode);
        if (township is null) Fail("townshipCode", string.IsNullOrWhiteSpace(input.TownshipCode) ? "请选择所在乡镇（街道）。" : $"乡镇（街道）代码“{input.TownshipCode}”不存在（目前收录贵州省的乡镇、街道）。");
        else if (!Townships.InArea(township, committee.Level, committee.Code)) Fail("townshipCode", $"{township.Name}不在{committee.Name}的行政区域内。");
        var address = (input.Address ?? "").Trim();
        if (address.Length == 0) Fail("address", "请填写详细地址。");
        else if (address.Length > 200) Fail("address", "地址不能超过 200 个字。");
        var directions = OpinionText.Clean(input.Directions);
        if (directions.Length > 1000) Fail("directions", "到达方式不能超过 1000 个字。");
        var schedule = (input.Schedule ?? "").Trim();
        if (schedule.Length > 200) Fail("schedule", "接待时间不能超过 200 个字。");
        var contact = (input.Contact ?? "").Trim();
        if (contact.Length > 0 && !PhonePattern().IsMatch(contact)) Fail("contact", "联系电话格式不正确（5–20 位数字，可含 - 和 +）。");

        var wanted = input.Members is { } ms ? ms.ToList() : (input.MemberIds ?? []).Select(id => new StudioMemberInput(id)).ToList();
        wanted = wanted.GroupBy(m => m.MemberId).Select(g => g.First()).ToList();
        if (wanted.Count > MaxMembers) Fail("memberIds", $"一个工作室最多 {MaxMembers} 名委员。");
        var ids = wanted.Select(m => m.MemberId).ToList();
        var found = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).Select(m => new { m.Id, m.Name, m.CommitteePath, m.IsActive }).ToListAsync(ct);
        foreach (var m in wanted)
        {
            var f = found.FirstOrDefault(x => x.Id == m.MemberId);
            if (f is null || !f.CommitteePath.StartsWith(committee.Path, StringComparison.Ordinal) || !Scope.CanManage(user, f.CommitteePath))
            { Fail("memberIds", $"委员 {m.MemberId} 不存在或不属于{committee.Name}及其下级政协。"); break; }
            if (!f.IsActive) { Fail("memberIds", $"{f.Name}委员已不在任。"); break; }
            if ((m.Note ?? "").Trim().Length > 200) { Fail("memberIds", "值班说明不能超过 200 个字。"); break; }
        }
        if (errors.Count > 0) return errors;

        var now = clock.GetUtcNow();
        if (s.Id == 0)
        {
            s.CommitteeId = committee.Id;
            s.CommitteePath = committee.Path;
            s.CreatedAt = now;
            s.CreatedBy = user.UserName;
            db.Studios.Add(s);
        }
        s.Name = name;
        s.Kind = kind!.Value;
        s.SectorId = input.SectorId;
        s.TownshipCode = township!.Code;
        s.TownshipName = township.Name;
        s.CountyCode = township.AreaCode;
        s.Address = address;
        s.Directions = directions;
        s.Schedule = schedule;
        s.ContactPhone = contact;
        s.IsPublished = input.Published ?? s.IsPublished;
        s.UpdatedAt = now;
        if (s.Id != 0) await db.Entry(s).Collection(x => x.Members).LoadAsync(ct);
        s.Members.RemoveAll(m => !ids.Contains(m.MemberId));
        foreach (var m in wanted)
        {
            var row = s.Members.FirstOrDefault(x => x.MemberId == m.MemberId);
            if (row is null) s.Members.Add(row = new StudioMember { MemberId = m.MemberId });
            row.OnDuty = m.OnDuty ?? true;
            row.DutyNote = (m.Note ?? "").Trim();
        }
        await db.SaveChangesAsync(ct);
        return errors;
    }

    /// <summary>
    /// A studio activity (reception day, courtyard consultation, service) as an activity organised by the studio's committee at
    /// the studio's address, invitees the studio's members, through <see cref="ActivityRules.SaveAsync"/> (and published
    /// through <see cref="ActivityRules.PublishAsync"/> when asked), so attendance and duty records are the activities'.
    /// </summary>
    public static async Task<(int? ActivityId, Dictionary<string, string[]> Errors)> AddActivityAsync(AppDbContext db, Studio s, StudioActivityInput input,
        CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!CanManage(user, s.CommitteePath)) return (null, new() { [""] = ["您无权为这个工作室安排活动。"] });
        var kind = ActivityKinds.Where(x => x.Code == (input.Kind ?? "").Trim().ToLowerInvariant()).Select(x => (x.Kind, x.Name, x.Type)).FirstOrDefault();
        if (kind.Name is null) return (null, new() { ["kind"] = [$"活动类型应为：{string.Join("、", ActivityKinds.Select(x => x.Code))}。"] });
        var memberIds = await db.StudioMembers.Where(m => m.StudioId == s.Id).Select(m => m.MemberId).ToArrayAsync(ct);
        if (memberIds.Length == 0) return (null, new() { ["kind"] = ["工作室还没有委员，不能安排活动。"] });
        var code = await db.Committees.Where(c => c.Id == s.CommitteeId).Select(c => c.Code).FirstAsync(ct);
        var title = string.IsNullOrWhiteSpace(input.Title) ? $"{s.Name}{kind.Name}" : input.Title.Trim();
        var studioId = s.Id;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var activity = new Activity { Status = ActivityStatus.Draft, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        var errors = await ActivityRules.SaveAsync(db, activity, new ActivityInput(title, ActivityTypes.Code(kind.Type), input.StartsAt, input.EndsAt,
            PlaceOf(s.TownshipName, s.Address), null, WebUtility.HtmlEncode(s.Schedule), [code], new InviteesInput(null, null, null, memberIds), false, null), user, clock, ct);
        if (errors.Count > 0) return (null, errors);
        if (input.Publish == true && await ActivityRules.PublishAsync(db, activity, clock, ct) is { } e)
            return (null, new() { [e.Field.Length > 0 ? e.Field : "publish"] = [e.Message] });
        db.StudioActivities.Add(new StudioActivity { StudioId = studioId, ActivityId = activity.Id, Kind = kind.Kind });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (activity.Id, errors);
    }

    // ───────────────────────── messages ─────────────────────────

    /// <summary>
    /// Where a studio's activity takes place: its address, after its township unless the address already names it
    /// (「钟山区荷泉街道人民路88号」 stays as typed, not 「荷泉街道钟山区荷泉街道人民路88号」).
    /// </summary>
    public static string PlaceOf(string township, string address) =>
        address.Contains(township, StringComparison.Ordinal) ? address : township + address;

    /// <summary>The refusal of a challenge token used before (each token allows one attempt).</summary>
    private const string UsedChallenge = "这道验证题已使用过，请换一道新题（页面会显示新题；接口请重新获取 GET /api/studios/challenge）。";

    /// <summary>
    /// A citizen's message to a published studio: the honeypot must be empty, the challenge answered correctly before its
    /// token expires (each token allows one attempt, right or wrong: see <see cref="StudioGuard.BurnAsync"/>), content 1–1,000 characters, name ≤ 50, phone digits; a photo (already read, at most
    /// <see cref="StudioOptions.MaxPhotoBytes"/>: 413 beyond) must be a JPEG, PNG or WebP by its bytes and is stored
    /// re-encoded without metadata. At most <see cref="StudioOptions.MessagesPerClientPer10Minutes"/> messages per client
    /// (keyed address hash) in 10 minutes and <see cref="StudioOptions.MessagesPerStudioPerDay"/> per studio and China day
    /// (429). The studio's members on duty are notified. Nothing but the used-up challenge is stored on a refusal.
    /// </summary>
    public static async Task<(StudioMessage? Message, StudioError? Error)> SubmitMessageAsync(AppDbContext db, int studioId, StudioMessageInput input, byte[]? photo,
        string? clientAddress, IDataProtectionProvider dp, StudioOptions options, string clientSecret, TimeProvider clock, CancellationToken ct)
    {
        var studio = await db.Studios.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studioId && s.IsPublished, ct);
        if (studio is null) return (null, new(404, "没有这个委员工作室。"));
        if (!string.IsNullOrEmpty(input.Website)) return (null, new(400, "提交未被接受，请刷新页面后重新填写。", "website"));
        var (nonce, expiresAt, correct, challengeError) = StudioGuard.Verify(dp, clock, input.ChallengeToken, input.ChallengeAnswer);
        if (challengeError is not null) return (null, new(400, challengeError, "challengeAnswer"));
        // One attempt per token, right or wrong: a wrong answer uses the question up too.
        if (!await StudioGuard.BurnAsync(db, nonce!, expiresAt, clock, ct)) return (null, new(400, UsedChallenge, "challengeAnswer"));
        if (!correct) return (null, new(400, "验证题答案不正确，这道题已作废，请换一道新题重新计算。", "challengeAnswer"));
        var name = OpinionText.Clean(input.Name).Replace('\n', ' ');
        if (OpinionText.Length(name) > 50) return (null, new(400, "称呼不能超过 50 个字。", "name"));
        var phone = (input.Phone ?? "").Trim();
        if (phone.Length > 0 && !PhonePattern().IsMatch(phone)) return (null, new(400, "电话号码格式不正确（5–20 位数字，可含 - 和 +），也可以不填。", "phone"));
        var content = OpinionText.Clean(input.Content);
        if (content.Length == 0) return (null, new(400, "请填写留言内容。", "content"));
        if (OpinionText.Length(content) is var n && n > MaxContent) return (null, new(400, $"留言内容不能超过 {MaxContent} 个字（现有 {n} 个字）。", "content"));
        byte[]? cleaned = null;
        var photoType = "";
        if (photo is { Length: > 0 })
        {
            if (photo.Length > options.MaxPhotoBytes) return (null, new(413, $"照片不能超过 {options.MaxPhotoBytes / 1024 / 1024} MB。", "photo"));
            (cleaned, photoType, var photoError) = StudioGuard.CleanPhoto(photo);
            if (photoError is not null) return (null, new(400, photoError, "photo"));
        }
        var now = clock.GetUtcNow();
        var clientKey = StudioGuard.ClientKey(clientSecret, clientAddress);
        var since = now.AddMinutes(-10);
        if (await db.StudioMessages.CountAsync(m => m.ClientKey == clientKey && m.CreatedAt >= since, ct) >= options.MessagesPerClientPer10Minutes)
            return (null, new(429, "您留言过于频繁，请 10 分钟后再试。"));
        var dayStart = ChinaTime.StartOf(ChinaTime.DayOf(now));
        if (await db.StudioMessages.CountAsync(m => m.StudioId == studioId && m.CreatedAt >= dayStart, ct) >= options.MessagesPerStudioPerDay)
            return (null, new(429, "这个工作室今天收到的留言已达上限，请明天再试，或拨打工作室电话。"));
        if (await db.StudioMessages.AnyAsync(m => m.ChallengeNonce == nonce, ct)) return (null, new(400, UsedChallenge, "challengeAnswer"));

        var message = new StudioMessage
        {
            StudioId = studioId, CommitteePath = studio.CommitteePath, Name = name, Phone = phone, Content = content,
            Photo = cleaned, PhotoContentType = photoType, Status = StudioMessageStatus.New, CreatedAt = now, ClientKey = clientKey, ChallengeNonce = nonce!,
        };
        var onDuty = await db.StudioMembers.Where(m => m.StudioId == studioId && m.OnDuty).Select(m => m.MemberId).ToListAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            message.TrackingCode = StudioGuard.NewTrackingCode();
            db.StudioMessages.Add(message);
            await Notifier.ToMembersAsync(db, onDuty, new Notice("studio.message", $"{studio.Name}收到新留言",
                $"{studio.Name}收到一条群众留言：{OpinionText.Cut(content, 80)}", $"/studios/{studioId}/messages"), clock, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                return (message, null);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
                // The same token used twice at once: the unique index kept one.
                if (await db.StudioMessages.AnyAsync(m => m.ChallengeNonce == nonce, ct)) return (null, new(400, UsedChallenge, "challengeAnswer"));
                message.Id = 0; // a tracking code collision (31^10 codes): draw again
            }
        }
    }

    /// <summary>A message with its studio, and whether <paramref name="user"/> handles it (404 none, 403 neither staff in scope nor on duty).</summary>
    public static async Task<(StudioMessage? Message, StudioError? Error)> FindForHandlingAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct)
    {
        var m = await db.StudioMessages.Include(x => x.Studio).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (m is null) return (null, new(404, "没有这条留言。"));
        if (!await CanHandleAsync(db, user, m.Studio!, ct)) return (null, new(403, "只有这个工作室的值班委员和本级政协机关工作人员可以处理留言。"));
        return (m, null);
    }

    /// <summary>Answers (or re-words the answer of) a message that is not closed; the first answer's time counts for the response time.</summary>
    public static async Task<StudioError?> AnswerAsync(AppDbContext db, int id, string? text, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (m, error) = await FindForHandlingAsync(db, id, user, ct);
        if (error is not null) return error;
        if (m!.Status == StudioMessageStatus.Closed) return new(409, "留言已关闭，不能答复。");
        var answer = OpinionText.Clean(text);
        if (answer.Length == 0) return new(400, "请填写答复内容。", "text");
        if (OpinionText.Length(answer) > MaxAnswer) return new(400, $"答复不能超过 {MaxAnswer} 个字。", "text");
        var now = clock.GetUtcNow();
        m.Answer = answer;
        m.AnsweredAt ??= now;
        m.AnsweredByMemberId = user.MemberId;
        m.AnsweredByName = Notifier.Cut(user.DisplayName, 64);
        if (m.Status == StudioMessageStatus.New) m.Status = StudioMessageStatus.Answered;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Closes a message without an answer (advertising, a duplicate); not once converted.</summary>
    public static async Task<StudioError?> CloseAsync(AppDbContext db, int id, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (m, error) = await FindForHandlingAsync(db, id, user, ct);
        if (error is not null) return error;
        if (m!.Status is StudioMessageStatus.Converted or StudioMessageStatus.Closed) return new(409, m.Status == StudioMessageStatus.Closed ? "留言已关闭。" : "留言已转办，不能关闭。");
        m.Status = StudioMessageStatus.Closed;
        m.ClosedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Turns a message into a proposal draft (<c>proposal</c>: the converting account must be a member, the proposer;
    /// <see cref="ProposalRules.CreateAsync"/>) or a public-opinion draft (<c>opinion</c>: a member writes it in their own
    /// name; staff name the author, a member of the studio, with <paramref name="authorMemberId"/>; <see cref="OpinionRules.CreateAsync"/>),
    /// title and text from the message's matter as <see cref="CitizenMatter"/> leaves it (no name, phone, long digit runs or
    /// leading self-introduction). Links both ways: a <see cref="WorkLink"/>
    /// StudioMessage → Proposal/OpinionItem and the id on the message. Once per message (409 after). All or nothing.
    /// </summary>
    public static async Task<(string? Link, int? Id, StudioError? Error)> ConvertAsync(AppDbContext db, int id, string? to, int? authorMemberId, CurrentUser user,
        TimeProvider clock, CancellationToken ct)
    {
        var (m, error) = await FindForHandlingAsync(db, id, user, ct);
        if (error is not null) return (null, null, error);
        var target = (to ?? "").Trim().ToLowerInvariant();
        if (target is not ("proposal" or "opinion")) return (null, null, new(400, "请选择转为 proposal（委员提案）或 opinion（社情民意信息）。", "to"));
        if (m!.Status is StudioMessageStatus.Converted || m.ConvertedProposalId is not null || m.ConvertedOpinionId is not null) return (null, null, new(409, "这条留言已转办。"));
        if (m.Status == StudioMessageStatus.Closed) return (null, null, new(409, "留言已关闭，不能转办。"));
        var studio = m.Studio!;
        var day = ChinaTime.DayOf(m.CreatedAt).ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
        var matter = CitizenMatter(m.Content, m.Name, m.Phone);
        var excerpt = TitleExcerpt(matter, 30);
        var source = $"（来源：{studio.Name}（{studio.TownshipName}）{day}收到的群众留言。）";
        var messageId = m.Id;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int newId;
        string link;
        WorkItemType type;
        if (target == "proposal")
        {
            if (user.MemberId is null || !user.IsMember) return (null, null, new(403, "转为提案须由值班委员本人操作（提案人为转办的委员）。"));
            var title = OpinionText.Cut($"关于{excerpt}问题的建议", ProposalRules.MaxTitle);
            var body = $"<p>{WebUtility.HtmlEncode(source)}</p>" + string.Concat(matter.Split('\n').Select(l => $"<p>{WebUtility.HtmlEncode(l)}</p>"))
                + "<p>（请补充情况分析和具体建议。）</p>";
            var (p, pe, errors) = await ProposalRules.CreateAsync(db, new ProposalInput(title, body, "between-session", null), user, clock, ct);
            if (pe is not null) return (null, null, new(pe.Status, pe.Message));
            if (errors.Count > 0) return (null, null, new(errors.ContainsKey("kind") ? 409 : 400, errors.Values.First()[0]));
            (newId, link, type) = (p!.Id, $"/proposals/{p.Id}", WorkItemType.Proposal);
        }
        else
        {
            int? author = null;
            if (!user.IsMember || user.MemberId is null)
            {
                author = authorMemberId ?? await db.StudioMembers.Where(x => x.StudioId == studio.Id && x.OnDuty).OrderBy(x => x.Id).Select(x => (int?)x.MemberId).FirstOrDefaultAsync(ct);
                if (author is null || !await db.StudioMembers.AnyAsync(x => x.StudioId == studio.Id && x.MemberId == author, ct))
                    return (null, null, new(400, "请选择撰稿委员（须是这个工作室的委员）。", "memberId"));
            }
            var title = OpinionText.Cut($"关于{excerpt}的情况反映", OpinionText.MaxTitleLength);
            var body = OpinionText.Cut(matter + "\n\n" + source, OpinionText.MaxBodyLength);
            var (item, oe, errors) = await OpinionRules.CreateAsync(db, new OpinionInput(title, body, AuthorMemberId: author), user, clock, ct);
            if (oe is not null) return (null, null, new(oe.Status, oe.Message));
            if (errors.Count > 0) return (null, null, new(400, errors.Values.First()[0]));
            (newId, link, type) = (item!.Id, $"/opinions/{item.Id}", WorkItemType.OpinionItem);
        }
        var tracked = await db.StudioMessages.FirstAsync(x => x.Id == messageId, ct);
        tracked.Status = StudioMessageStatus.Converted;
        tracked.ConvertedAt = now;
        if (type == WorkItemType.Proposal) tracked.ConvertedProposalId = newId; else tracked.ConvertedOpinionId = newId;
        db.WorkLinks.Add(new WorkLink
        {
            FromType = WorkItemType.StudioMessage, FromId = messageId, ToType = type, ToId = newId,
            CommitteePath = tracked.CommitteePath, CreatedBy = user.UserName, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (link, newId, null);
    }

    /// <summary>
    /// The part of a message a draft's title quotes: its first clause (up to the first ，。！？；： or their ASCII forms) when
    /// that has at least 4 characters, else the first line; at most <paramref name="max"/> characters (code points), without
    /// trailing punctuation. E.g. 「路灯坏了三个月，晚上一片漆黑」 → 「路灯坏了三个月」, so the title reads 关于路灯坏了三个月问题的建议
    /// rather than stopping in the middle of the second clause.
    /// </summary>
    public static string TitleExcerpt(string content, int max)
    {
        var text = content.Trim();
        if (text.Length == 0) return "群众反映";
        var line = text.Split('\n')[0].Trim();
        var stop = line.IndexOfAny(['，', '。', '！', '？', '；', '：', ',', '.', '!', '?', ';', ':']);
        var clause = stop >= 0 ? line[..stop].Trim() : line;
        var pick = OpinionText.Length(clause) >= 4 ? clause : line;
        return OpinionText.Cut(pick, max).TrimEnd('，', '。', '！', '？', '；', '：', '、', ',', '.', '!', '?', ';', ':', ' ');
    }

    /// <summary>
    /// The citizen's matter as it may leave the studio (a draft's title and body, an outcome-chain node): the message
    /// <paramref name="content"/> cleaned (<see cref="OpinionText.Clean"/>, line breaks kept) with the citizen's
    /// <paramref name="phone"/> field replaced by 「***」, the <paramref name="name"/> field (two or more characters) by
    /// 「某某」, every run of 7 or more digits (ASCII or full-width, spaces and hyphens inside) masked as 「***」, and leading
    /// self-introduction clauses dropped (「我是李秀英，家住荷城街道 3 栋，路灯坏了」 → 「路灯坏了」): clauses up to the first
    /// ，。！？；：or line break that start with 我是 / 我叫 / 我姓 / 本人是 / 俺是 / 鄙人…, 本人 or 鄙人 with a short name, or
    /// 家住 / 我家住 / 住在. Empty when the message is nothing but an introduction. The one function for all of these.
    /// </summary>
    public static string CitizenMatter(string content, string? name, string? phone)
    {
        var text = OpinionText.Clean(content);
        if ((phone ?? "").Trim() is { Length: > 0 } ph) text = text.Replace(ph, "***", StringComparison.Ordinal);
        if ((name ?? "").Trim() is { Length: > 1 } nm) text = text.Replace(nm, "某某", StringComparison.Ordinal);
        text = LongDigits().Replace(text, "***");
        for (var m = SelfIntroduction().Match(text); m.Success; m = SelfIntroduction().Match(text)) text = text[m.Length..];
        return text.Trim();
    }

    [GeneratedRegex(@"[0-9０-９][0-9０-９\- ]{5,}[0-9０-９]")]
    private static partial Regex LongDigits();

    [GeneratedRegex(@"^\s*(?:(?:我|俺|本人|鄙人)(?:是|叫|名叫|姓)|(?:本人|鄙人)(?=[^，。！？；：,.!?;:\n]{1,4}(?:[，。！？；：,.!?;:\n]|$))|我家住|家住|我住|住在)[^，。！？；：,.!?;:\n]*(?:[，。！？；：,.!?;:\n]|$)\s*")]
    private static partial Regex SelfIntroduction();

    // ───────────────────────── response time ─────────────────────────

    /// <summary>
    /// Response time of one studio's messages: <c>Total</c> messages, <c>Responded</c> (answered or converted),
    /// <c>MedianHours</c> from arrival to the first answer or conversion (null when none), and <c>WithinThreeWorkingDays</c>,
    /// the share (0–1) of all messages responded to within 3 working days of the China day they arrived (working days from
    /// <see cref="WorkCalendar"/>); messages still open count as not within once 3 working days have passed, and are left out before.
    /// </summary>
    public sealed record ResponseStats(int Total, int Responded, double? MedianHours, double? WithinThreeWorkingDays);

    /// <summary>The response statistics of each studio in <paramref name="studioIds"/> (closed messages not counted).</summary>
    public static async Task<Dictionary<int, ResponseStats>> ResponseStatsAsync(AppDbContext db, IReadOnlyCollection<int> studioIds, TimeProvider clock, CancellationToken ct)
    {
        var rows = await db.StudioMessages.AsNoTracking().Where(m => studioIds.Contains(m.StudioId) && m.Status != StudioMessageStatus.Closed)
            .Select(m => new { m.StudioId, m.CreatedAt, m.AnsweredAt, m.ConvertedAt }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var first = rows.Count == 0 ? today : ChinaTime.DayOf(rows.Min(r => r.CreatedAt));
        var calendar = await WorkCalendar.LoadAsync(db, first, today, ct);
        var result = new Dictionary<int, ResponseStats>();
        foreach (var id in studioIds)
        {
            var mine = rows.Where(r => r.StudioId == id).Select(r => (r.CreatedAt, Responded: new StudioMessage { AnsweredAt = r.AnsweredAt, ConvertedAt = r.ConvertedAt }.RespondedAt)).ToList();
            var hours = mine.Where(r => r.Responded is not null).Select(r => (r.Responded!.Value - r.CreatedAt).TotalHours).Order().ToList();
            double? median = hours.Count == 0 ? null : hours.Count % 2 == 1 ? hours[hours.Count / 2] : (hours[hours.Count / 2 - 1] + hours[hours.Count / 2]) / 2;
            var judged = 0;
            var within = 0;
            foreach (var (created, responded) in mine)
            {
                var start = ChinaTime.DayOf(created);
                if (responded is { } r)
                {
                    judged++;
                    if (calendar.WorkingDaysBetween(start, ChinaTime.DayOf(r)) <= 3) within++;
                }
                else if (calendar.WorkingDaysBetween(start, today) > 3) judged++;
            }
            result[id] = new ResponseStats(mine.Count, hours.Count, median, judged == 0 ? null : (double)within / judged);
        }
        return result;
    }
}
