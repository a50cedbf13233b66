using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Study;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Http;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Lectures;

/// <summary>
/// Body of <c>POST /api/lecture-series</c> and <c>PUT /api/lecture-series/{id}</c>: <c>hall</c> is <c>cppcc</c>,
/// <c>ethics</c>, <c>law</c> or <c>other</c>; <c>committeeCode</c> defaults to the caller's committee (ignored on edit);
/// <c>description</c> is plain text.
/// </summary>
public sealed record SeriesInput(string? Name, string? Hall, string? CommitteeCode, string? Description, bool? IsPublic);

/// <summary>
/// Body of <c>POST /api/lectures</c> and <c>PUT /api/lectures/{id}</c>. <c>speakerKind</c>: <c>expert</c>, <c>leader</c>,
/// <c>staff</c>, <c>member</c> (then <c>speakerMemberId</c> is required; it may also name a member who speaks in another
/// capacity; the member must belong to the series' committee or one below it); <c>speakerName</c> may be left out when a
/// member is named (the roster name is used). Times are ISO 8601 instants; <c>place</c> or <c>onlineLink</c> is required;
/// <c>summary</c> is HTML or plain text (sanitised); <c>invitees</c> are the activity's invitee rules (the member speaker is
/// always invited by name); <c>publish</c> publishes at once (create only). <c>seriesId</c> is ignored on edit.
/// </summary>
public sealed record LectureInput(int? SeriesId, string? Topic, string? SpeakerName, string? SpeakerTitle, string? SpeakerKind, int? SpeakerMemberId,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Place, string? OnlineLink, string? Summary, InviteesInput? Invitees, bool? Mandatory, bool? Publish);

/// <summary>
/// The rules of lecture halls (DOMAIN.md §4.9) in one place. A lecture's time, place, invitations, publishing,
/// postponing, cancelling, check-in and attendance are its <see cref="Activity"/>'s (type <see cref="ActivityType.Lecture"/>)
/// and go through <see cref="ActivityRules"/>. The member speaker is invited by name; when staff confirm attendance the
/// speaker confirmed present is recorded with the role <see cref="AttendanceRole.Speaker"/> by
/// <see cref="ActivityRules.ConfirmAttendanceAsync"/>, so <c>attend.study</c> and <c>speaker</c> come from the one
/// attendance ledger source (<c>activity</c>), once. Changing the speaker after that moves the role and rebuilds the
/// activity's duty records (<see cref="ActivityRules.RecordDutiesAsync"/>). Nothing here knows about HTTP; a refusal
/// changes nothing.
/// </summary>
public static class LectureRules
{
    /// <summary>Validates and applies a series (new: committee from <c>committeeCode</c> or the caller's). Errors are Chinese, keyed by field; nothing is saved on error.</summary>
    public static async Task<(LectureSeries? Series, RuleError? Error)> SaveSeriesAsync(AppDbContext db, LectureSeries? existing, SeriesInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var s = existing ?? new LectureSeries { CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        if (existing is null)
        {
            var code = input.CommitteeCode?.Trim() is { Length: > 0 } c ? c : user.CommitteeCode;
            if (code is null) return (null, RuleError.Bad("请指定所属政协组织。", "committeeCode"));
            var committee = await db.Committees.Where(x => x.Code == code).Select(x => new { x.Id, x.Path }).FirstOrDefaultAsync(ct);
            if (committee is null) return (null, RuleError.Bad($"未找到代码为“{code}”的政协组织。", "committeeCode"));
            if (!LectureAccess.CanManage(user, committee.Path)) return (null, RuleError.Forbidden("您无权为该政协组织设立讲堂系列。"));
            s.CommitteeId = committee.Id;
            s.CommitteePath = committee.Path;
        }
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0) return (null, RuleError.Bad("请填写系列名称。", "name"));
        if (name.Length > 100) return (null, RuleError.Bad("系列名称不能超过 100 个字。", "name"));
        if (LectureCodes.ParseHall(input.Hall) is not { } hall)
            return (null, RuleError.Bad(string.IsNullOrWhiteSpace(input.Hall) ? "请选择讲堂类别。" : $"讲堂类别“{input.Hall}”无效，应为 cppcc（政协讲堂）、ethics（道德讲堂）、law（法治讲堂）或 other。", "hall"));
        var description = input.Description?.Trim() ?? "";
        if (description.Length > 2000) return (null, RuleError.Bad("简介不能超过 2000 个字。", "description"));
        s.Name = name;
        s.Hall = hall;
        s.Description = description;
        s.IsPublic = input.IsPublic ?? s.IsPublic;
        if (existing is null) db.LectureSeries.Add(s);
        await db.SaveChangesAsync(ct);
        return (s, null);
    }

    /// <summary>The lecture form's field order: refusals list their field errors in it, and the top-level detail is the first.</summary>
    private static readonly string[] FieldOrder =
        ["seriesId", "topic", "speakerKind", "speakerMemberId", "speakerName", "speakerTitle", "startsAt", "endsAt", "place", "onlineLink", "summary"];

    /// <summary>
    /// Creates (<paramref name="existing"/> null) or changes a lecture and its activity. Create: the series must exist, be
    /// in sight (else 404) and be managed by the caller (else 403). Returns the lecture, or the refusal with field errors
    /// (keys <c>seriesId</c>, <c>topic</c>, <c>speakerName</c>, <c>speakerTitle</c>, <c>speakerKind</c>,
    /// <c>speakerMemberId</c>, <c>summary</c>, <c>startsAt</c>, <c>endsAt</c>, <c>place</c>, <c>onlineLink</c>,
    /// <c>invitees.*</c>); nothing is saved on refusal.
    /// </summary>
    public static async Task<(Lecture? Lecture, RuleError? Error, Dictionary<string, string[]> Errors)> SaveAsync(AppDbContext db, Lecture? existing, LectureInput input,
        CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        LectureSeries series;
        if (existing is null)
        {
            if (input.SeriesId is not { } sid) return Fail(RuleError.Bad("请选择讲堂系列。", "seriesId"));
            var (found, refusal) = await LectureAccess.FindSeriesAsync(db, user, sid, manage: true, ct);
            if (refusal is not null) return Fail(refusal);
            series = found!;
        }
        else series = existing.Series!;
        if (existing?.Activity is { Status: ActivityStatus.Cancelled }) return Fail(RuleError.Conflict("讲堂已取消，不能修改。"));

        void Bad(string field, string message) => errors[field] = [message];
        var topic = input.Topic?.Trim() ?? "";
        var kind = LectureCodes.ParseKind(input.SpeakerKind);
        if (kind is null)
            Bad("speakerKind", string.IsNullOrWhiteSpace(input.SpeakerKind) ? "请选择主讲人类型。" : $"主讲人类型“{input.SpeakerKind}”无效，应为 expert（专家学者授课）、leader（领导干部谈体会）、staff（机关干部交流经验）或 member（委员传递共识）。");
        string? memberName = null;
        if (input.SpeakerMemberId is { } smid)
        {
            var m = await db.Members.Where(x => x.Id == smid).Select(x => new { x.Name, x.CommitteePath, x.IsActive }).FirstOrDefaultAsync(ct);
            if (m is null || !m.CommitteePath.StartsWith(series.CommitteePath, StringComparison.Ordinal))
                Bad("speakerMemberId", $"委员 {smid} 不存在或不属于本系列所属政协组织。");
            else if (!m.IsActive) Bad("speakerMemberId", $"委员 {smid} 已不在任，不能担任主讲人。");
            else memberName = m.Name;
        }
        else if (kind == SpeakerKind.Member) Bad("speakerMemberId", "主讲人类型为“委员传递共识”时，须选择主讲委员。");
        var speakerName = input.SpeakerName?.Trim() is { Length: > 0 } n ? n : memberName ?? "";
        if (speakerName.Length == 0) Bad("speakerName", "请填写主讲人姓名。");
        else if (speakerName.Length > 50) Bad("speakerName", "主讲人姓名不能超过 50 个字。");
        var speakerTitle = input.SpeakerTitle?.Trim() ?? "";
        if (speakerTitle.Length > 100) Bad("speakerTitle", "主讲人职务或职称不能超过 100 个字。");
        var summary = RichText.Sanitize(input.Summary);
        if (summary.Length > 20000) Bad("summary", "内容摘要过长（不超过 20000 字符）。");

        var a = existing?.Activity ?? new Activity { Status = ActivityStatus.Draft, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        var committeeCode = await db.Committees.Where(c => c.Id == series.CommitteeId).Select(c => c.Code).FirstAsync(ct);
        var invitees = input.Invitees ?? new InviteesInput(null, null, null, null);
        // The member speaker is always invited by name, so attendance (and the speaker role) can be confirmed for them.
        var named = (invitees.Members ?? []).Where(id => existing?.SpeakerMemberId is not { } old || id != old || id == input.SpeakerMemberId).ToList();
        if (input.SpeakerMemberId is { } speaker && memberName is not null && !named.Contains(speaker)) named.Add(speaker);
        var agenda = speakerName.Length == 0 || kind is null ? ""
            : $"主讲人：{speakerName}{(speakerTitle.Length > 0 ? "（" + speakerTitle + "）" : "")}，{LectureCodes.KindName(kind.Value)}";
        var activityInput = new ActivityInput(topic.Length == 0 ? null : topic, "lecture", input.StartsAt, input.EndsAt,
            input.Place, input.OnlineLink, agenda, [committeeCode], invitees with { Members = [.. named] }, input.Mandatory ?? existing?.Activity?.Mandatory ?? false, null);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var activityErrors = await ActivityRules.SaveAsync(db, a, activityInput, user, clock, ct, errors);
        if (activityErrors.Count > 0)
        {
            // In form order (topic, speaker, time, place, …): the top-level detail is the first error the form shows.
            var mapped = activityErrors.Select(e => (Key: e.Key switch { "title" => "topic", "organizerCodes" => "seriesId", "agenda" => "speakerName", var k => k }, e.Value))
                .OrderBy(e => FormOrder(e.Key)).ToDictionary(e => e.Key, e => e.Value);
            var first = mapped.First();
            return (null, RuleError.Bad(first.Value[0].Replace("活动名称", "讲座题目"), first.Key), mapped.ToDictionary(e => e.Key, e => e.Value.Select(v => v.Replace("活动名称", "讲座题目")).ToArray()));
        }
        var now = clock.GetUtcNow();
        var l = existing ?? new Lecture { SeriesId = series.Id, CommitteePath = series.CommitteePath, ActivityId = a.Id, CreatedBy = user.UserName, CreatedAt = now };
        var oldSpeaker = existing?.SpeakerMemberId;
        l.Topic = topic;
        l.SpeakerName = speakerName;
        l.SpeakerTitle = speakerTitle;
        l.SpeakerKind = kind!.Value;
        l.SpeakerMemberId = input.SpeakerMemberId;
        l.Summary = summary;
        l.UpdatedAt = now;
        if (existing is null) db.Lectures.Add(l);
        await db.SaveChangesAsync(ct);
        if (existing is not null && oldSpeaker != l.SpeakerMemberId) await MoveSpeakerRoleAsync(db, a, oldSpeaker, l.SpeakerMemberId, clock, ct);
        if (existing is null && input.Publish == true && await ActivityRules.PublishAsync(db, a, clock, ct) is { } pe)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return Fail(new RuleError(pe.Status, pe.Message, pe.Field));
        }
        await tx.CommitAsync(ct);
        return (l, null, []);

        static int FormOrder(string field) => Array.IndexOf(FieldOrder, field) is var i and >= 0 ? i : FieldOrder.Length;

        static (Lecture?, RuleError?, Dictionary<string, string[]>) Fail(RuleError e) =>
            (null, e, e.Field.Length > 0 ? new() { [e.Field] = [e.Message] } : []);
    }

    /// <summary>
    /// After a speaker change on a lecture whose attendance is already confirmed: the former member speaker's
    /// <see cref="AttendanceRole.Speaker"/> becomes <see cref="AttendanceRole.Present"/>, the new member speaker (invited by
    /// name by the save) is recorded as the speaker, and the activity's duty records are rebuilt through
    /// <see cref="ActivityRules.RecordDutiesAsync"/> (replacing, never adding to, the <c>activity</c> source). Saves.
    /// </summary>
    private static async Task MoveSpeakerRoleAsync(AppDbContext db, Activity a, int? oldSpeaker, int? newSpeaker, TimeProvider clock, CancellationToken ct)
    {
        if (a.AttendanceConfirmedAt is null) return;
        var now = clock.GetUtcNow();
        var rows = await db.Invitations.Where(i => i.ActivityId == a.Id && (i.MemberId == oldSpeaker || i.MemberId == newSpeaker)).ToListAsync(ct);
        foreach (var inv in rows)
        {
            if (inv.MemberId == oldSpeaker && inv.Attendance == AttendanceRole.Speaker) { inv.Attendance = AttendanceRole.Present; inv.AttendanceAt = now; }
            if (inv.MemberId == newSpeaker) { inv.Attendance = AttendanceRole.Speaker; inv.AttendanceAt = now; }
        }
        await db.SaveChangesAsync(ct);
        await ActivityRules.RecordDutiesAsync(db, a, clock, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Publishes the lecture's activity (<see cref="ActivityRules.PublishAsync"/>: invitees notified).</summary>
    public static async Task<RuleError?> PublishAsync(AppDbContext db, Lecture l, TimeProvider clock, CancellationToken ct) =>
        From(await ActivityRules.PublishAsync(db, l.Activity!, clock, ct));

    /// <summary>Cancels the lecture's activity (<see cref="ActivityRules.CancelAsync"/>; a published one needs a reason).</summary>
    public static async Task<RuleError?> CancelAsync(AppDbContext db, Lecture l, string? reason, TimeProvider clock, CancellationToken ct) =>
        From(await ActivityRules.CancelAsync(db, l.Activity!, reason, clock, ct));

    /// <summary>Postpones the lecture's activity (<see cref="ActivityRules.PostponeAsync"/>: new times, reason, invitees notified).</summary>
    public static async Task<RuleError?> PostponeAsync(AppDbContext db, Lecture l, DateTimeOffset? startsAt, DateTimeOffset? endsAt, string? reason, TimeProvider clock, CancellationToken ct) =>
        From(await ActivityRules.PostponeAsync(db, l.Activity!, startsAt, endsAt, reason, clock, ct));

    /// <summary>
    /// Adds a material to a lecture through <see cref="StudyMaterials.AddAsync"/> (slides or notes as a document, a
    /// recording as a video, or a link) and saves. <paramref name="kind"/> is <c>document</c> (default), <c>video</c> or <c>link</c>.
    /// </summary>
    public static async Task<(StudyMaterial? Material, RuleError? Error)> AddMaterialAsync(AppDbContext db, FileStore files, Lecture l, string? kind, string? title,
        Stream? content, string? fileName, string? url, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (StudyMaterials.ParseKind(kind) is not { } k) return (null, RuleError.Bad($"材料类型“{kind}”无效，应为 document（文档）、video（视频）或 link（链接）。", "kind"));
        if (l.Activity is { Status: ActivityStatus.Cancelled }) return (null, RuleError.Conflict("讲堂已取消，不能再添加材料。"));
        var (m, error) = await StudyMaterials.AddAsync(db, files, new StudyMaterial { LectureId = l.Id, Kind = k, Title = title ?? "" }, content, fileName, url, user.UserName, clock, ct);
        if (error is not null) { db.ChangeTracker.Clear(); return (null, error); }
        await db.SaveChangesAsync(ct);
        return (m, null);
    }

    private static RuleError? From(ActivityError? e) => e is null ? null : new RuleError(e.Status, e.Message, e.Field);
}
