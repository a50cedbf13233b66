using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Audit;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;
using Xieshang.Web.Infrastructure.Retention;

namespace Xieshang.Web.Features.Members;

/// <summary>What an erasure did.</summary>
/// <param name="MemberId">The member.</param>
/// <param name="ClearedFields">Member properties that were cleared (API names).</param>
/// <param name="AccountsDisabled">Sign-in accounts disabled and renamed.</param>
/// <param name="AuditRowsScrubbed">Audit rows whose old/new values of those fields were replaced by 「（已清除）」.</param>
/// <param name="MailsDeleted">Outgoing e-mails (sent or waiting) to the member's addresses, deleted.</param>
public sealed record ErasureResult(int MemberId, IReadOnlyList<string> ClearedFields, int AccountsDisabled, int AuditRowsScrubbed, int MailsDeleted);

/// <summary>
/// A member's personal data under 《中华人民共和国个人信息保护法》: the right of access and copy (第四十五条) —
/// <see cref="ExportAsync"/>, everything the platform holds about the member as one JSON document — and the right of
/// deletion (第四十七条) — <see cref="EraseAsync"/>, allowed once the member no longer serves (<see cref="Member.IsActive"/>
/// false: term ended or left), when keeping the contact data is no longer necessary for the purpose.
/// <para>
/// Erasure clears what the duty file (履职档案) does not need: phone, e-mail, birth month, work unit and title; it
/// disables the member's sign-in accounts (locked for good, password removed, renamed <c>erased-{id}-{random}</c>,
/// e-mail and phone removed, security stamp changed so open sessions end), deletes the member's calendar feed links and
/// the outgoing e-mails (sent or waiting) to the member's addresses,
/// and replaces the old values of those fields in the audit rows of the member and the accounts with 「（已清除）」
/// (<see cref="AuditRedaction"/>); audit rows written under the old login name are moved to the new one. It KEEPS the
/// name, gender, ethnic group, party, committee, sector, position, term and every record that refers to the member —
/// duty records, attendance, proposals and opinions authored or co-signed, study and reading, studio duties — so the
/// duty file and the committee's history stay whole. The erasure itself is audited (<see cref="ErasedAction"/>).
/// </para>
/// </summary>
public static class PersonalData
{
    /// <summary><see cref="AuditEntry.Action"/> of the entry an erasure writes.</summary>
    public const string ErasedAction = "PersonalDataErased";

    /// <summary>Member properties cleared by an erasure (and redacted in the member's audit rows).</summary>
    public static readonly IReadOnlySet<string> MemberFields = new HashSet<string>
        { nameof(Member.Phone), nameof(Member.Email), nameof(Member.BirthMonth), nameof(Member.WorkUnit) };

    /// <summary>Account properties cleared or replaced by an erasure (and redacted in the accounts' audit rows).</summary>
    public static readonly IReadOnlySet<string> AccountFields = new HashSet<string>
    {
        nameof(AppUser.UserName), nameof(AppUser.NormalizedUserName), nameof(AppUser.Email), nameof(AppUser.NormalizedEmail),
        nameof(AppUser.PhoneNumber),
    };

    /// <summary>Sign-in events of the audit log listed in an export (most recent first, at most <see cref="SignInsListed"/>).</summary>
    public static readonly string[] SignInActions = ["SignIn", "SignInFailed", "LockedOut"];
    /// <summary>Number of sign-in events listed in an export.</summary>
    public const int SignInsListed = 50;

    /// <summary>Properties never exported: secrets and derived search/sort columns.</summary>
    private static readonly HashSet<string> NotExported =
    [
        "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "TokenHash", "CheckInKey", "SearchText",
        nameof(Member.StrokeKey), nameof(Member.PinyinKey), nameof(Member.PinyinFull), nameof(Member.PinyinInitials),
    ];

    /// <summary>
    /// Who may export member <paramref name="m"/>'s data: the member themself, and staff (or administrators) whose scope
    /// holds the member's committee (<see cref="Scope.CanManage"/>). Colleagues, leaders, units and other committees may not.
    /// </summary>
    public static bool CanExport(CurrentUser user, Member m) => user.MemberId == m.Id || Scope.CanManage(user, m.CommitteePath);

    /// <summary>Who may erase: staff in scope or administrators, never the member themself.</summary>
    public static bool CanErase(CurrentUser user, Member m) => user.MemberId != m.Id && Scope.CanManage(user, m.CommitteePath);

    /// <summary>
    /// The export document of member <paramref name="memberId"/>, or a 404/403 refusal. Keys (camelCase): <c>generatedAt</c>,
    /// <c>legalBasis</c>, <c>member</c> (profile with committee, sector, party and ethnic group names), <c>accounts</c>
    /// (login name, display name, e-mail, phone, roles, lockout, <c>recentSignIns</c> from the audit log), then one list per
    /// kind of record: <c>dutyRecords</c>, <c>dutyClaims</c> (evidence files by size), <c>invitations</c>, <c>checkIns</c>,
    /// <c>specialCommittees</c>, <c>proposalsAuthored</c>, <c>proposalsCoSigned</c>, <c>opinionsAuthored</c>,
    /// <c>opinionsCoAuthored</c>, <c>studyEnrolments</c>, <c>quizAttempts</c>, <c>readingGroups</c>, <c>readingCheckIns</c>,
    /// <c>readingComments</c>, <c>studioDuties</c>, <c>studioAnswers</c> (the member's answers, without the citizens' data),
    /// <c>researchTeams</c>, <c>researchOutputs</c>, <c>topicClaims</c>, <c>deliberations</c>, <c>calendarFeeds</c>,
    /// <c>notifications</c>, <c>mails</c> (e-mails sent or waiting to the member's addresses). Rows list every stored column except secrets and derived columns; binary content is given as
    /// its size in bytes; enums by name.
    /// </summary>
    public static async Task<(Dictionary<string, object?>? Document, RuleError? Error)> ExportAsync(
        AppDbContext db, CurrentUser user, int memberId, TimeProvider clock, CancellationToken ct)
    {
        var m = await db.Members.AsNoTracking().Include(x => x.Committee).Include(x => x.Sector).FirstOrDefaultAsync(x => x.Id == memberId, ct);
        if (m is null) return (null, RuleError.NotFound("没有这位委员。"));
        if (!CanExport(user, m)) return (null, RuleError.Forbidden("只有委员本人和所属政协的机关工作人员可以导出该委员的个人信息。"));

        var profile = Row(db, m);
        profile["committeeCode"] = m.Committee?.Code;
        profile["committeeName"] = m.Committee?.Name;
        profile["sectorName"] = m.Sector?.Name;
        profile["partyName"] = await db.Parties.Where(p => p.Code == m.PartyCode).Select(p => p.Name).FirstOrDefaultAsync(ct);
        profile["ethnicGroupName"] = await db.EthnicGroups.Where(e => e.Code == m.EthnicGroupCode).Select(e => e.Name).FirstOrDefaultAsync(ct);

        var accounts = new List<Dictionary<string, object?>>();
        var userIds = new List<string>();
        foreach (var u in await db.Users.AsNoTracking().Where(u => u.MemberId == memberId).OrderBy(u => u.UserName).ToListAsync(ct))
        {
            userIds.Add(u.Id);
            var roles = await db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToListAsync(ct);
            var signIns = await db.AuditEntries.AsNoTracking()
                .Where(a => a.UserName == u.UserName && SignInActions.Contains(a.Action))
                .OrderByDescending(a => a.At).Take(SignInsListed)
                .Select(a => new { a.At, a.Action, a.Changes }).ToListAsync(ct);
            accounts.Add(new Dictionary<string, object?>
            {
                ["userName"] = u.UserName, ["displayName"] = u.DisplayName, ["email"] = u.Email, ["phoneNumber"] = u.PhoneNumber,
                ["roles"] = roles, ["lockoutEnd"] = u.LockoutEnd,
                ["recentSignIns"] = signIns.Select(s => new Dictionary<string, object?>
                {
                    ["at"] = s.At, ["action"] = s.Action, ["details"] = ParseJson(s.Changes),
                }).ToList(),
            });
        }

        var emails = await EmailsAsync(db, memberId, ct);
        var doc = new Dictionary<string, object?>
        {
            ["generatedAt"] = clock.GetUtcNow(),
            ["legalBasis"] = "《中华人民共和国个人信息保护法》第四十五条：个人有权向个人信息处理者查阅、复制其个人信息。",
            ["member"] = profile,
            ["accounts"] = accounts,
            ["dutyRecords"] = await RowsAsync(db, db.DutyRecords.Where(x => x.MemberId == memberId).OrderBy(x => x.OccurredAt).ThenBy(x => x.Id), ct),
            ["dutyClaims"] = await RowsAsync(db, db.DutyClaims.Where(x => x.MemberId == memberId).OrderBy(x => x.Id), ct),
            ["invitations"] = await RowsAsync(db, db.Invitations.Where(x => x.MemberId == memberId), ct),
            ["checkIns"] = await RowsAsync(db, db.CheckIns.Where(x => x.MemberId == memberId), ct),
            ["specialCommittees"] = await RowsAsync(db, db.SpecialCommitteeMembers.Where(x => x.MemberId == memberId), ct),
            ["proposalsAuthored"] = await RowsAsync(db, db.Proposals.Where(x => x.ProposerMemberId == memberId).OrderBy(x => x.Id), ct),
            ["proposalsCoSigned"] = await RowsAsync(db, db.ProposalCoSigners.Where(x => x.MemberId == memberId), ct),
            ["opinionsAuthored"] = await RowsAsync(db, db.OpinionItems.Where(x => x.AuthorMemberId == memberId).OrderBy(x => x.Id), ct),
            ["opinionsCoAuthored"] = await RowsAsync(db, db.OpinionCoAuthors.Where(x => x.MemberId == memberId), ct),
            ["studyEnrolments"] = await RowsAsync(db, db.CourseEnrolments.Where(x => x.MemberId == memberId), ct),
            ["quizAttempts"] = await RowsAsync(db, db.QuizAttempts.Where(x => x.MemberId == memberId), ct),
            ["readingGroups"] = await RowsAsync(db, db.ReadingGroupMembers.Where(x => x.MemberId == memberId), ct),
            ["readingCheckIns"] = await RowsAsync(db, db.ReadingCheckIns.Where(x => x.MemberId == memberId), ct),
            ["readingComments"] = await RowsAsync(db, db.ReadingComments.Where(x => x.MemberId == memberId), ct),
            ["studioDuties"] = await RowsAsync(db, db.StudioMembers.Where(x => x.MemberId == memberId), ct),
            ["studioAnswers"] = await db.StudioMessages.AsNoTracking().Where(x => x.AnsweredByMemberId == memberId).OrderBy(x => x.Id)
                .Select(x => new { x.Id, x.StudioId, x.Status, x.AnsweredAt, x.Answer }).ToListAsync(ct),
            ["researchTeams"] = await RowsAsync(db, db.ResearchTeamMembers.Where(x => x.MemberId == memberId), ct),
            ["researchOutputs"] = await RowsAsync(db, db.ResearchOutputs.Where(x => x.MemberId == memberId), ct),
            ["topicClaims"] = await RowsAsync(db, db.TopicClaims.Where(x => x.MemberId == memberId), ct),
            ["deliberations"] = await RowsAsync(db, db.DeliberationParticipants.Where(x => x.MemberId == memberId), ct),
            ["calendarFeeds"] = await RowsAsync(db, db.CalendarFeeds.Where(x => x.MemberId == memberId), ct),
            ["notifications"] = await RowsAsync(db, db.Notifications.Where(x => x.MemberId == memberId || (x.UserId != null && userIds.Contains(x.UserId))).OrderBy(x => x.Id), ct),
            ["mails"] = await RowsAsync(db, db.OutboxMails.Where(x => emails.Contains(x.To)).OrderBy(x => x.Id), ct),
        };
        return (doc, null);
    }

    /// <summary>
    /// Erases member <paramref name="memberId"/>'s personal data (see the class summary) in one transaction, or refuses:
    /// 404 unknown member, 403 not staff in scope (or the member themself), 409 while the member still serves. Nothing
    /// changes on a refusal.
    /// </summary>
    public static async Task<(ErasureResult? Result, RuleError? Error)> EraseAsync(
        AppDbContext db, CurrentUser user, int memberId, TimeProvider clock, CancellationToken ct)
    {
        var m = await db.Members.FirstOrDefaultAsync(x => x.Id == memberId, ct);
        if (m is null) return (null, RuleError.NotFound("没有这位委员。"));
        if (!CanErase(user, m)) return (null, RuleError.Forbidden("只有该委员所属政协的机关工作人员或管理员可以删除其个人信息。"));
        if (m.IsActive)
            return (null, RuleError.Conflict(
                "该委员仍在任，不能删除个人信息：在任委员的联系方式是履职所必需的。请在其届满或离任、资料中标为“不在任”后再办理。"));

        var now = clock.GetUtcNow();
        var emails = await EmailsAsync(db, memberId, ct);
        var cleared = new List<string>();
        if (m.Phone.Length > 0) { m.Phone = ""; cleared.Add("phone"); }
        if (m.Email.Length > 0) { m.Email = ""; cleared.Add("email"); }
        if (m.BirthMonth is not null) { m.BirthMonth = null; cleared.Add("birthMonth"); }
        if (m.WorkUnit.Length > 0) { m.WorkUnit = ""; cleared.Add("workUnit"); }
        m.UpdatedAt = now;

        var accounts = await db.Users.Where(u => u.MemberId == memberId).ToListAsync(ct);
        var renames = new List<(string Old, string New)>();
        foreach (var u in accounts)
        {
            var newName = $"erased-{memberId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
            renames.Add((u.UserName ?? "", newName));
            u.UserName = newName;
            u.NormalizedUserName = newName.ToUpperInvariant();
            u.Email = null;
            u.NormalizedEmail = null;
            u.EmailConfirmed = false;
            u.PhoneNumber = null;
            u.PhoneNumberConfirmed = false;
            u.PasswordHash = null;
            u.LockoutEnabled = true;
            u.LockoutEnd = DateTimeOffset.MaxValue;
            u.SecurityStamp = Guid.NewGuid().ToString("N");
        }
        db.CalendarFeeds.RemoveRange(await db.CalendarFeeds.Where(f => f.MemberId == memberId).ToListAsync(ct));

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        var scrubbed = await AuditRedaction.RedactAsync(db, nameof(Member), [memberId.ToString(CultureInfo.InvariantCulture)], MemberFields, ct);
        scrubbed += await AuditRedaction.RedactAsync(db, nameof(AppUser), accounts.Select(u => u.Id).ToList(), AccountFields, ct);
        var mails = emails.Count == 0 ? 0 : await db.OutboxMails.Where(x => emails.Contains(x.To)).ExecuteDeleteAsync(ct);
        foreach (var (oldName, newName) in renames.Where(r => r.Old.Length > 0))
            await db.AuditEntries.Where(a => a.UserName == oldName).ExecuteUpdateAsync(s => s.SetProperty(a => a.UserName, newName), ct);
        db.AuditEntries.Add(new AuditEntry
        {
            At = now, UserName = user.UserName.Length > 0 ? user.UserName : "system",
            Action = ErasedAction, EntityType = nameof(Member), EntityId = memberId.ToString(CultureInfo.InvariantCulture), CommitteePath = m.CommitteePath,
            Changes = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["ClearedFields"] = new { @new = cleared },
                ["AccountsDisabled"] = new { @new = accounts.Count },
                ["AuditRowsScrubbed"] = new { @new = scrubbed },
                ["MailsDeleted"] = new { @new = mails },
            }, AuditInterceptor.Json),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (new ErasureResult(memberId, cleared, accounts.Count, scrubbed, mails), null);
    }

    /// <summary>The member's e-mail addresses: the profile's and the accounts' (non-empty, distinct).</summary>
    private static async Task<List<string>> EmailsAsync(AppDbContext db, int memberId, CancellationToken ct)
    {
        var emails = await db.Users.AsNoTracking().Where(u => u.MemberId == memberId && u.Email != null && u.Email != "").Select(u => u.Email!).ToListAsync(ct);
        emails.AddRange(await db.Members.AsNoTracking().Where(m => m.Id == memberId && m.Email != "").Select(m => m.Email).ToListAsync(ct));
        return emails.Distinct().ToList();
    }

    private static async Task<List<Dictionary<string, object?>>> RowsAsync<T>(AppDbContext db, IQueryable<T> query, CancellationToken ct) where T : class
    {
        var rows = await query.AsNoTracking().ToListAsync(ct);
        return rows.Select(r => Row(db, r)).ToList();
    }

    /// <summary>Every mapped, non-secret scalar property of an entity, camelCase keys, enums by name, binaries by size.</summary>
    private static Dictionary<string, object?> Row<T>(AppDbContext db, T entity) where T : class
    {
        var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var d = new Dictionary<string, object?>();
        foreach (var p in type.GetProperties())
        {
            if (p.PropertyInfo is null || NotExported.Contains(p.Name)) continue;
            var v = p.PropertyInfo.GetValue(entity);
            d[char.ToLowerInvariant(p.Name[0]) + p.Name[1..]] = v switch
            {
                byte[] b => $"{b.Length} 字节",
                Enum e => e.ToString(),
                _ => v,
            };
        }
        return d;
    }

    private static JsonElement? ParseJson(string json)
    {
        try { return JsonDocument.Parse(json).RootElement.Clone(); }
        catch (JsonException) { return null; }
    }
}
