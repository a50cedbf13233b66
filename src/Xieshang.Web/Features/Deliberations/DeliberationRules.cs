using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// Deliberation settings, section <c>Deliberations</c>: the anonymous repeat-voting limit and the map job's timing.
/// </summary>
public sealed class DeliberationOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Deliberations";

    /// <summary>
    /// New anonymous participants one client address may create per deliberation within an hour (default 20). A person who
    /// clears their cookies becomes a new participant; this caps how often that works from one address.
    /// </summary>
    [Range(1, 100_000)]
    public int AnonymousPerAddressPerHour { get; set; } = 20;

    /// <summary>Whether the background map job runs (default true).</summary>
    public bool MapJob { get; set; } = true;

    /// <summary>How often the map job looks for new votes, in milliseconds (default 250).</summary>
    [Range(20, 60_000)]
    public int MapPollMilliseconds { get; set; } = 250;

    /// <summary>Recompute after this many milliseconds without a new vote (debounce, default 400).</summary>
    [Range(0, 60_000)]
    public int MapQuietMilliseconds { get; set; } = 400;

    /// <summary>…or at the latest this many milliseconds after the first vote not in the map (default 1200), however busy.</summary>
    [Range(0, 60_000)]
    public int MapMaxDelayMilliseconds { get; set; } = 1200;
}

/// <summary>A refused operation: HTTP status and a Chinese message for the person.</summary>
public sealed record DeliberationError(int Status, string Message)
{
    public static DeliberationError Bad(string message) => new(400, message);
    public static DeliberationError Conflict(string message) => new(409, message);
    public static readonly DeliberationError NotFound = new(404, "找不到该网络议政或意见。");
    public static readonly DeliberationError Forbidden = new(403, "您无权参与该网络议政。");
}

/// <summary>Codes of the enums as the API writes and reads them.</summary>
public static class DeliberationCodes
{
    public static string Status(DeliberationStatus s) => s switch { DeliberationStatus.Open => "open", DeliberationStatus.Closed => "closed", _ => "draft" };
    public static string StatusName(DeliberationStatus s) => s switch { DeliberationStatus.Open => "进行中", DeliberationStatus.Closed => "已结束", _ => "准备中" };
    public static string Visibility(DeliberationVisibility v) => v switch { DeliberationVisibility.Invited => "invited", DeliberationVisibility.PublicLink => "public", _ => "members" };
    public static DeliberationVisibility? ParseVisibility(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        null or "" or "members" => DeliberationVisibility.Members,
        "invited" => DeliberationVisibility.Invited,
        "public" or "public-link" => DeliberationVisibility.PublicLink,
        _ => null,
    };
    public static string Statement(StatementStatus s) => s switch { StatementStatus.Accepted => "accepted", StatementStatus.Rejected => "rejected", _ => "pending" };
}

/// <summary>
/// The rules of online deliberation in one place, used by the API and the pages alike: who may take part
/// (<see cref="CanParticipateAsync"/>), participants, statements, moderation, votes (an upsert: one row per participant
/// and statement, the latest kept) and the choice of the next statement (Polis comment-priority routing).
/// </summary>
public static class DeliberationRules
{
    /// <summary>Longest statement, counted in text elements (what a reader sees as characters: 杨𬱖 is 2, not 3).</summary>
    public const int MaxStatementLength = 140;
    /// <summary>Longest question.</summary>
    public const int MaxQuestionLength = 500;
    /// <summary>Longest rejection reason.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>Characters of <paramref name="text"/> as a reader counts them (text elements).</summary>
    public static int Length(string text) => new StringInfo(text).LengthInTextElements;

    /// <summary>Staff (or the administrator) who manage the deliberation's committee.</summary>
    public static bool CanManage(CurrentUser user, Deliberation d) => Scope.CanManage(user, d.CommitteePath);

    /// <summary>Office accounts in scope: they see the map and every statement (leaders read only).</summary>
    public static bool CanOversee(CurrentUser user, Deliberation d) =>
        (user.IsAdmin || user.IsStaff || user.IsLeader) && Scope.CanRead(user, d.CommitteePath);

    /// <summary>
    /// Whether the caller may take part (vote, add statements). A draft is for its managers only; handling units never take
    /// part. Members: the committee's members, staff and leaders in scope. Invited: the listed accounts (and managers;
    /// leaders in scope oversee, see <see cref="CanSeeAsync"/>). Public link: the same people as Members without the
    /// token, and whoever presents <paramref name="token"/> (the link is for people outside the committee); without an
    /// account only when anonymous participation is allowed.
    /// </summary>
    public static async Task<bool> CanParticipateAsync(AppDbContext db, CurrentUser user, Deliberation d, string? token, CancellationToken ct)
    {
        if (CanManage(user, d)) return true;
        if (d.Status == DeliberationStatus.Draft || user.IsHandlingUnit) return false;
        return d.Visibility switch
        {
            DeliberationVisibility.Members => IsInCommittee(user, d),
            DeliberationVisibility.Invited => user.IsAuthenticated && await db.DeliberationInvitees.AnyAsync(i => i.DeliberationId == d.Id && i.UserId == user.UserId, ct),
            DeliberationVisibility.PublicLink => IsInCommittee(user, d) || (TokenMatches(d, token) && (user.IsAuthenticated || d.AllowAnonymous)),
            _ => false,
        };
    }

    /// <summary>The committee's own people: its members, and staff, leaders (and the administrator) whose scope covers it.</summary>
    private static bool IsInCommittee(CurrentUser user, Deliberation d) => user.IsAuthenticated && Scope.CanRead(user, d.CommitteePath);

    /// <summary>
    /// Whether the caller may see the deliberation (participation page, detail, statements, map): participants, and office
    /// accounts in scope (<see cref="CanOversee"/>) whatever the visibility — those who may not take part read only.
    /// </summary>
    public static async Task<bool> CanSeeAsync(AppDbContext db, CurrentUser user, Deliberation d, string? token, CancellationToken ct) =>
        CanOversee(user, d) || await CanParticipateAsync(db, user, d, token, ct);

    /// <summary>Constant-time comparison of a presented token with the deliberation's.</summary>
    public static bool TokenMatches(Deliberation d, string? token) =>
        token is { Length: > 0 } && d.InviteToken.Length > 0
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(d.InviteToken));

    /// <summary>A new unguessable public-link token (24 random bytes, url-safe base64: 32 characters).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Creates a deliberation for consultation <paramref name="consultationId"/> (one per consultation).</summary>
    public static async Task<(Deliberation? Deliberation, DeliberationError? Error)> CreateAsync(AppDbContext db, CurrentUser user, int consultationId,
        string? question, string? visibility, bool allowAnonymous, IReadOnlyList<string>? seeds, TimeProvider clock, CancellationToken ct)
    {
        var c = await db.Consultations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == consultationId, ct);
        if (c is null) return (null, new DeliberationError(404, $"找不到协商 {consultationId}。"));
        if (!Scope.CanManage(user, c.CommitteePath)) return (null, new DeliberationError(403, "您无权为该协商开设网络议政。"));
        var q = question?.Trim() ?? "";
        if (q.Length == 0) return (null, DeliberationError.Bad("请填写议政问题。"));
        if (Length(q) > MaxQuestionLength) return (null, DeliberationError.Bad($"议政问题最多 {MaxQuestionLength} 个字。"));
        if (DeliberationCodes.ParseVisibility(visibility) is not { } vis) return (null, DeliberationError.Bad($"参与范围“{visibility}”无效，应为 members、invited 或 public。"));
        if (seeds is not null && ValidateTexts(seeds) is { } bad) return (null, bad);
        if (await db.Deliberations.AnyAsync(x => x.ConsultationId == consultationId, ct))
            return (null, DeliberationError.Conflict("该协商已有网络议政。"));
        var now = clock.GetUtcNow();
        var d = new Deliberation
        {
            ConsultationId = c.Id, CommitteeId = c.CommitteeId, CommitteePath = c.CommitteePath, Question = q, Status = DeliberationStatus.Draft,
            Visibility = vis, AllowAnonymous = vis == DeliberationVisibility.PublicLink && allowAnonymous, InviteToken = NewToken(),
            CreatedBy = user.UserName, CreatedAt = now, UpdatedAt = now,
        };
        db.Deliberations.Add(d);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return (null, DeliberationError.Conflict("该协商已有网络议政。"));
        }
        if (seeds is { Count: > 0 }) await SeedAsync(db, user, d, seeds, clock, ct);
        return (d, null);
    }

    /// <summary>Opens a draft, or re-opens a closed deliberation (staff may close and open again; votes and statements are kept).</summary>
    public static async Task<DeliberationError?> OpenAsync(AppDbContext db, Deliberation d, TimeProvider clock, CancellationToken ct)
    {
        if (d.Status == DeliberationStatus.Open) return DeliberationError.Conflict("网络议政已在进行中。");
        if (!await db.DeliberationStatements.AnyAsync(s => s.DeliberationId == d.Id && s.Status == StatementStatus.Accepted, ct))
            return DeliberationError.Conflict("请先添加至少一条种子意见，再开放议政。");
        d.Status = DeliberationStatus.Open;
        d.OpenedAt ??= clock.GetUtcNow();
        d.ClosedAt = null;
        d.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Closes an open deliberation: no more votes, statements or moderation.</summary>
    public static async Task<DeliberationError?> CloseAsync(AppDbContext db, Deliberation d, TimeProvider clock, CancellationToken ct)
    {
        if (d.Status != DeliberationStatus.Open) return DeliberationError.Conflict("只有进行中的网络议政可以结束。");
        d.Status = DeliberationStatus.Closed;
        d.ClosedAt = d.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Replaces the invited accounts (by user name) of an invited-only deliberation. Invitees are members, staff or leaders
    /// of the deliberation's committee or a committee below it; other accounts (the administrator, handling units, other
    /// committees) are refused and nothing changes.
    /// </summary>
    public static async Task<DeliberationError?> SetInviteesAsync(AppDbContext db, Deliberation d, IReadOnlyList<string> userNames, CancellationToken ct)
    {
        var names = userNames.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct().ToList();
        var users = await db.Users.Where(u => names.Contains(u.UserName!)).Select(u => new { u.Id, u.UserName, u.CommitteeId }).ToListAsync(ct);
        var missing = names.Except(users.Select(u => u.UserName!)).ToList();
        if (missing.Count > 0) return DeliberationError.Bad($"找不到账号：{string.Join("、", missing)}。");
        var ids = users.Select(u => u.Id).ToList();
        string[] eligibleRoles = [Roles.Member, Roles.Staff, Roles.Leader];
        var eligible = await db.UserRoles.Where(ur => ids.Contains(ur.UserId))
            .Join(db.Roles.Where(r => eligibleRoles.Contains(r.Name!)), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Distinct().ToListAsync(ct);
        var committeeIds = users.Where(u => u.CommitteeId is not null).Select(u => u.CommitteeId!.Value).Distinct().ToList();
        var paths = await db.Committees.Where(c => committeeIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Path, ct);
        var outside = users.Where(u => !eligible.Contains(u.Id) || u.CommitteeId is not { } cid
                || !paths.TryGetValue(cid, out var path) || !path.StartsWith(d.CommitteePath, StringComparison.Ordinal))
            .Select(u => u.UserName!).Order(StringComparer.Ordinal).ToList();
        if (outside.Count > 0)
            return DeliberationError.Bad($"只能邀请本委员会及下级委员会的委员、工作人员或领导，以下账号不能邀请：{string.Join("、", outside)}。");
        await db.DeliberationInvitees.Where(i => i.DeliberationId == d.Id).ExecuteDeleteAsync(ct);
        db.DeliberationInvitees.AddRange(users.Select(u => new DeliberationInvitee { DeliberationId = d.Id, UserId = u.Id }));
        await db.SaveChangesAsync(ct);
        return null;
    }

    private static DeliberationError? ValidateText(string? text, out string clean)
    {
        clean = (text ?? "").Trim();
        if (clean.Length == 0) return DeliberationError.Bad("请填写意见内容。");
        var n = Length(clean);
        if (n > MaxStatementLength) return DeliberationError.Bad($"意见最多 {MaxStatementLength} 个字，当前 {n} 个字。");
        return null;
    }

    private static DeliberationError? ValidateTexts(IReadOnlyList<string> texts)
    {
        foreach (var t in texts)
            if (ValidateText(t, out _) is { } e) return e;
        return null;
    }

    /// <summary>Adds seed statements (staff), accepted at once. Blank lines are skipped; duplicates of existing statements too.</summary>
    public static async Task<(int Added, DeliberationError? Error)> SeedAsync(AppDbContext db, CurrentUser user, Deliberation d, IReadOnlyList<string> texts, TimeProvider clock, CancellationToken ct)
    {
        if (d.Status == DeliberationStatus.Closed) return (0, DeliberationError.Conflict("网络议政已结束，不能添加意见。"));
        var lines = texts.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList();
        if (lines.Count == 0) return (0, DeliberationError.Bad("请填写至少一条种子意见。"));
        if (ValidateTexts(lines) is { } bad) return (0, bad);
        var existing = await db.DeliberationStatements.Where(s => s.DeliberationId == d.Id && lines.Contains(s.Text)).Select(s => s.Text).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var added = 0;
        foreach (var t in lines.Except(existing))
        {
            db.DeliberationStatements.Add(new DeliberationStatement
            {
                DeliberationId = d.Id, Text = t, CreatedBy = user.UserName, IsSeed = true, Status = StatementStatus.Accepted,
                ModeratedBy = user.UserName, ModeratedAt = now, CreatedAt = now,
            });
            added++;
        }
        await db.SaveChangesAsync(ct);
        return (added, null);
    }

    /// <summary>A participant's statement: goes to the moderation queue.</summary>
    public static async Task<(DeliberationStatement? Statement, DeliberationError? Error)> AddStatementAsync(AppDbContext db, Deliberation d,
        DeliberationParticipant p, string userName, string? text, TimeProvider clock, CancellationToken ct)
    {
        if (d.Status != DeliberationStatus.Open) return (null, DeliberationError.Conflict("网络议政未在进行中，不能提交意见。"));
        if (ValidateText(text, out var clean) is { } bad) return (null, bad);
        if (await db.DeliberationStatements.AnyAsync(s => s.DeliberationId == d.Id && s.Text == clean, ct))
            return (null, DeliberationError.Conflict("已有内容相同的意见。"));
        var now = clock.GetUtcNow();
        var s = new DeliberationStatement
        {
            DeliberationId = d.Id, Text = clean, AuthorParticipantId = p.Id, CreatedBy = userName, Status = StatementStatus.Pending, CreatedAt = now,
        };
        db.DeliberationStatements.Add(s);
        await db.SaveChangesAsync(ct);
        return (s, null);
    }

    /// <summary>
    /// Accepts or rejects a statement (a reason is required to reject). Rejected statements are kept; a statement may be
    /// moderated again (an accepted one rejected later becomes moderated out in the maths).
    /// </summary>
    public static async Task<DeliberationError?> ModerateAsync(AppDbContext db, CurrentUser user, Deliberation d, int statementId, bool accept, string? reason,
        TimeProvider clock, CancellationToken ct)
    {
        if (d.Status == DeliberationStatus.Closed) return DeliberationError.Conflict("网络议政已结束，不能再审核意见。");
        var s = await db.DeliberationStatements.FirstOrDefaultAsync(x => x.Id == statementId && x.DeliberationId == d.Id, ct);
        if (s is null) return DeliberationError.NotFound;
        var r = reason?.Trim() ?? "";
        if (!accept && r.Length == 0) return DeliberationError.Bad("不采纳意见时请填写理由。");
        if (r.Length > MaxReasonLength) return DeliberationError.Bad($"理由最多 {MaxReasonLength} 个字。");
        s.Status = accept ? StatementStatus.Accepted : StatementStatus.Rejected;
        s.RejectReason = accept ? "" : r;
        s.ModeratedBy = user.UserName;
        s.ModeratedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The caller's participant row, or null when they have none yet.</summary>
    public static Task<DeliberationParticipant?> FindParticipantAsync(AppDbContext db, Deliberation d, CurrentUser user, string? anonymousKey, CancellationToken ct)
    {
        if (user.IsAuthenticated) return db.DeliberationParticipants.FirstOrDefaultAsync(p => p.DeliberationId == d.Id && p.UserId == user.UserId, ct);
        if (anonymousKey is { Length: > 0 }) return db.DeliberationParticipants.FirstOrDefaultAsync(p => p.DeliberationId == d.Id && p.AnonymousKey == anonymousKey, ct);
        return Task.FromResult<DeliberationParticipant?>(null);
    }

    /// <summary>
    /// The caller's participant row, created on first use. Anonymous callers need a key (their cookie) and are subject to
    /// <see cref="DeliberationOptions.AnonymousPerAddressPerHour"/> new participants per client address and hour.
    /// Parallel first requests of one caller end with one row (the unique index decides; the loser reads the winner's).
    /// </summary>
    public static async Task<(DeliberationParticipant? Participant, DeliberationError? Error)> GetOrCreateParticipantAsync(AppDbContext db, Deliberation d,
        CurrentUser user, string? anonymousKey, string? clientAddress, DeliberationOptions options, TimeProvider clock, CancellationToken ct)
    {
        if (await FindParticipantAsync(db, d, user, anonymousKey, ct) is { } found) return (found, null);
        if (!user.IsAuthenticated && anonymousKey is not { Length: > 0 }) return (null, DeliberationError.Forbidden);
        var now = clock.GetUtcNow();
        string? addressHash = null;
        if (!user.IsAuthenticated)
        {
            addressHash = AddressHash(d.Id, clientAddress);
            var since = now.AddHours(-1);
            var recent = await db.DeliberationParticipants.CountAsync(p => p.DeliberationId == d.Id && p.AddressHash == addressHash && p.CreatedAt >= since, ct);
            if (recent >= options.AnonymousPerAddressPerHour)
                return (null, new DeliberationError(429, "您所在的网络一小时内新加入的匿名参与者已达上限，请稍后再试，或登录后参与。"));
        }
        var p = new DeliberationParticipant
        {
            DeliberationId = d.Id, UserId = user.IsAuthenticated ? user.UserId : null, AnonymousKey = user.IsAuthenticated ? null : anonymousKey,
            MemberId = user.MemberId, DisplayName = user.IsAuthenticated ? Truncate(user.DisplayName, 64) : null, AddressHash = addressHash, CreatedAt = now,
        };
        db.DeliberationParticipants.Add(p);
        try
        {
            await db.SaveChangesAsync(ct);
            return (p, null);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.Entry(p).State = EntityState.Detached;
            return (await FindParticipantAsync(db, d, user, anonymousKey, ct), null);
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>Hash of a client address within one deliberation (the address itself is not stored).</summary>
    public static string AddressHash(int deliberationId, string? address) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{deliberationId}|{address ?? "unknown"}")))[..32];

    /// <summary>
    /// Records <paramref name="p"/>'s vote on statement <paramref name="statementId"/>: one statement
    /// (<c>INSERT … ON CONFLICT (participant, statement) DO UPDATE</c>, the same SQL on SQLite and PostgreSQL), so any number
    /// of parallel votes of one participant on one statement end in one row holding the latest value.
    /// </summary>
    public static async Task<DeliberationError?> VoteAsync(AppDbContext db, Deliberation d, DeliberationParticipant p, int statementId, int? value,
        TimeProvider clock, CancellationToken ct)
    {
        if (d.Status != DeliberationStatus.Open) return DeliberationError.Conflict("网络议政未在进行中，不能表决。");
        if (value is not (-1 or 0 or 1)) return DeliberationError.Bad("表决值应为 1（同意）、-1（不同意）或 0（跳过）。");
        var status = await db.DeliberationStatements.Where(s => s.Id == statementId && s.DeliberationId == d.Id).Select(s => (StatementStatus?)s.Status).FirstOrDefaultAsync(ct);
        if (status is null) return DeliberationError.NotFound;
        if (status != StatementStatus.Accepted) return DeliberationError.Conflict("该意见未通过审核，不能表决。");
        var now = clock.GetUtcNow();
        var v = (short)value.Value;
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "DeliberationVotes" ("DeliberationId", "ParticipantId", "StatementId", "Value", "UpdatedAt") VALUES ({d.Id}, {p.Id}, {statementId}, {v}, {now})
                ON CONFLICT ("ParticipantId", "StatementId") DO UPDATE SET "Value" = excluded."Value", "UpdatedAt" = excluded."UpdatedAt"
                """, ct);
        else
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "DeliberationVotes" ("DeliberationId", "ParticipantId", "StatementId", "Value", "UpdatedAt") VALUES ({d.Id}, {p.Id}, {statementId}, {v}, {now.UtcTicks})
                ON CONFLICT ("ParticipantId", "StatementId") DO UPDATE SET "Value" = excluded."Value", "UpdatedAt" = excluded."UpdatedAt"
                """, ct);
        return null;
    }

    /// <summary>The participant's progress: accepted statements voted on and in all.</summary>
    public static async Task<(int Voted, int Total)> ProgressAsync(AppDbContext db, int deliberationId, int? participantId, CancellationToken ct)
    {
        var total = await db.DeliberationStatements.CountAsync(s => s.DeliberationId == deliberationId && s.Status == StatementStatus.Accepted, ct);
        if (participantId is not { } pid) return (0, total);
        var voted = await db.DeliberationVotes.CountAsync(v => v.ParticipantId == pid
            && db.DeliberationStatements.Any(s => s.Id == v.StatementId && s.Status == StatementStatus.Accepted), ct);
        return (voted, total);
    }

    /// <summary>
    /// The next statement for a participant, by Polis's comment-priority routing: a weighted random choice among the accepted
    /// statements they have not voted on, weighted by the latest map's comment priority; statements the map does not know
    /// yet (newer than it) get the highest priority so they are seen; without a map the choice is uniform. Null when
    /// nothing is left.
    /// </summary>
    public static async Task<DeliberationStatement?> NextAsync(AppDbContext db, int deliberationId, int? participantId, Random random, CancellationToken ct)
    {
        var candidates = await db.DeliberationStatements.AsNoTracking()
            .Where(s => s.DeliberationId == deliberationId && s.Status == StatementStatus.Accepted
                && (participantId == null || !db.DeliberationVotes.Any(v => v.ParticipantId == participantId && v.StatementId == s.Id)))
            .OrderBy(s => s.Id).ToListAsync(ct);
        if (candidates.Count == 0) return null;
        var json = await db.DeliberationMaps.Where(m => m.DeliberationId == deliberationId).Select(m => m.Priorities).FirstOrDefaultAsync(ct);
        var priorities = string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<Dictionary<int, double>>(json, DeliberationMapData.Json);
        return candidates[Choose(candidates.Select(s => s.Id).ToList(), priorities, random)];
    }

    /// <summary>
    /// Index of the chosen statement among <paramref name="ids"/>: weighted by <paramref name="priorities"/> (unknown ids get
    /// the largest known priority; non-finite or negative priorities count as 0), uniform when there are none.
    /// </summary>
    public static int Choose(IReadOnlyList<int> ids, IReadOnlyDictionary<int, double>? priorities, Random random)
    {
        if (priorities is null || priorities.Count == 0) return random.Next(ids.Count);
        var known = priorities.Values.Where(v => double.IsFinite(v) && v > 0).DefaultIfEmpty(1).Max();
        var weights = ids.Select(id => priorities.TryGetValue(id, out var w) ? (double.IsFinite(w) && w > 0 ? w : 0) : known).ToArray();
        var sum = weights.Sum();
        if (!(sum > 0)) return random.Next(ids.Count);
        var x = random.NextDouble() * sum;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.Length - 1;
    }
}
