using Xieshang.Web.Infrastructure;
using System.Globalization;
using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Duty;

/// <summary>What a member sends to report a duty (see <see cref="DutyClaims.SubmitAsync"/>); text values as typed.</summary>
public sealed record DutyClaimInput(string? RuleCode, string? Title, string? Description, string? OccurredOn, string? Quantity);

/// <summary>An evidence file as uploaded: the browser's file name and the bytes (size already checked against the limit).</summary>
public sealed record EvidenceUpload(string FileName, byte[] Content);

/// <summary>A claim as lists and the API show it.</summary>
public sealed record DutyClaimView(
    int Id, int MemberId, string MemberName, string CommitteeCode, string CommitteeName, string RuleCode, string RuleName, string Title,
    string Description, DateOnly OccurredOn, decimal Quantity, string Status, string EvidenceFileName, bool HasEvidence,
    DateTimeOffset CreatedAt, string ReviewedBy, DateTimeOffset? ReviewedAt, string ReviewNote, bool CanDecide);

/// <summary>How a decision on a claim ended.</summary>
public enum ClaimDecision
{
    /// <summary>Decided now.</summary>
    Done,
    /// <summary>No such claim.</summary>
    NotFound,
    /// <summary>The account may not decide on it (not staff managing the member's committee).</summary>
    Forbidden,
    /// <summary>Someone decided it already.</summary>
    AlreadyDecided,
    /// <summary>The note is missing (rejection) or too long.</summary>
    BadNote,
}

/// <summary>
/// Duties members report themselves (志愿服务, 表彰, 其他场合发言) with evidence, and staff decisions on them. An approved
/// claim becomes a duty record through <see cref="DutyLedger.ReplaceAsync"/> (source <c>claim</c>); each decision is
/// notified to the member (<c>duty.claim.decided</c>). Rules live here; the API and the pages call these methods.
/// </summary>
public static class DutyClaims
{
    /// <summary>Source code of records written for approved claims.</summary>
    public const string Source = "claim";
    /// <summary>Notification kind of a decision.</summary>
    public const string DecidedKind = "duty.claim.decided";

    /// <summary>The rule codes a member may claim.</summary>
    public static readonly IReadOnlyList<string> ClaimableCodes = ["claim.volunteer", "claim.honour", "claim.speech"];

    /// <summary>Accepted evidence types by extension: MIME type and a check of the file's first bytes.</summary>
    private static readonly Dictionary<string, (string ContentType, Func<byte[], bool> Looks)> EvidenceTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = ("application/pdf", b => StartsWith(b, "%PDF-"u8)),
        [".jpg"] = ("image/jpeg", b => StartsWith(b, [0xFF, 0xD8, 0xFF])),
        [".jpeg"] = ("image/jpeg", b => StartsWith(b, [0xFF, 0xD8, 0xFF])),
        [".png"] = ("image/png", b => StartsWith(b, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
        [".docx"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", IsDocx),
    };

    /// <summary>The accepted extensions, for the file picker's <c>accept</c> attribute.</summary>
    public const string AcceptAttribute = ".pdf,.jpg,.jpeg,.png,.docx";

    /// <summary>Largest quantity of one claim (times, hours).</summary>
    public const decimal MaxQuantity = 100;

    /// <summary>Wire name of a status: <c>pending</c>, <c>approved</c>, <c>rejected</c>.</summary>
    public static string StatusCode(DutyClaimStatus s) => s.ToString().ToLowerInvariant();

    /// <summary>Reads a status filter; null for an unknown word.</summary>
    public static DutyClaimStatus? ParseStatus(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "pending" => DutyClaimStatus.Pending,
        "approved" => DutyClaimStatus.Approved,
        "rejected" => DutyClaimStatus.Rejected,
        _ => null,
    };

    /// <summary>The size limit in the words of a refusal, e.g. <c>10 MB</c>.</summary>
    public static string SizeWords(long bytes) => (bytes / 1048576.0).ToString("0.#", CultureInfo.InvariantCulture) + " MB";

    /// <summary>
    /// Checks a claim by the signed-in member and stores it as pending. Refused with per-field Chinese messages and
    /// nothing stored: a rule code not claimable; a missing or overlong title (200) or description (2000); a date that is
    /// not <c>yyyy-MM-dd</c>, lies in the future or before last year; a quantity that is not a number above 0 and up to
    /// <see cref="MaxQuantity"/> with at most two decimals; an evidence file that is empty, larger than
    /// <see cref="DutyOptions.MaxEvidenceBytes"/>, or not a PDF, JPEG, PNG or Word (.docx) file by name and content.
    /// The caller checks that the user is a member (<see cref="CurrentUser.MemberId"/>).
    /// </summary>
    public static async Task<(DutyClaim? Claim, Dictionary<string, string[]> Errors)> SubmitAsync(AppDbContext db, int memberId, DutyClaimInput input,
        EvidenceUpload? evidence, DutyOptions options, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field, []), message];

        var code = input.RuleCode?.Trim() ?? "";
        if (!ClaimableCodes.Contains(code)) Error("ruleCode", "请选择申报类别：claim.volunteer（志愿服务）、claim.honour（获得表彰）或 claim.speech（其他场合履职发言）");
        var title = Normalize(input.Title);
        if (title.Length == 0) Error("title", "请填写履职事项名称");
        else if (title.Length > 200) Error("title", "事项名称不能超过 200 字");
        var description = Normalize(input.Description, multiline: true);
        if (description.Length > 2000) Error("description", "情况说明不能超过 2000 字");
        var today = ScoringRules.Today(clock);
        var on = ScoringRules.ParseDate(input.OccurredOn);
        if (string.IsNullOrWhiteSpace(input.OccurredOn)) Error("occurredOn", "请填写履职日期（yyyy-MM-dd）");
        else if (on is null) Error("occurredOn", "履职日期应写作 yyyy-MM-dd，如 " + today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        else if (on > today) Error("occurredOn", "履职日期不能晚于今天");
        else if (on.Value.Year < today.Year - 1) Error("occurredOn", $"只能申报 {today.Year - 1} 年和 {today.Year} 年的履职");
        decimal quantity = 1;
        if (!string.IsNullOrWhiteSpace(input.Quantity))
        {
            if (!decimal.TryParse(input.Quantity.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quantity) || quantity <= 0 || quantity > MaxQuantity)
                Error("quantity", $"数量应为大于 0、不超过 {MaxQuantity} 的数字（次数或小时数）");
            else if (decimal.Round(quantity, 2) != quantity) Error("quantity", "数量最多保留两位小数");
        }
        string fileName = "", contentType = "";
        if (evidence is not null)
        {
            fileName = DutyExport.Clean(Path.GetFileName(evidence.FileName.Replace('\\', '/'))).Trim();
            var ext = Path.GetExtension(fileName);
            if (evidence.Content.Length == 0) Error("evidence", "佐证材料是空文件，请重新选择");
            else if (evidence.Content.Length > options.MaxEvidenceBytes) Error("evidence", $"佐证材料不能超过 {SizeWords(options.MaxEvidenceBytes)}");
            else if (!EvidenceTypes.TryGetValue(ext, out var type)) Error("evidence", "佐证材料只接受 PDF、JPG、PNG 图片或 Word（.docx）文件");
            else if (!type.Looks(evidence.Content)) Error("evidence", $"文件内容不是{ext.TrimStart('.').ToUpperInvariant()}格式，请上传原始文件");
            else
            {
                contentType = type.ContentType;
                if (fileName.Length > 200) fileName = DutyLedger.Truncate(Path.GetFileNameWithoutExtension(fileName), 200 - ext.Length) + ext;
            }
        }
        if (errors.Count > 0) return (null, errors);

        var member = await db.Members.AsNoTracking().Where(m => m.Id == memberId).Select(m => new { m.Id, m.CommitteePath }).FirstAsync(ct);
        var claim = new DutyClaim
        {
            MemberId = member.Id, CommitteePath = member.CommitteePath, RuleCode = code, Title = title, Description = description,
            OccurredOn = on!.Value, Quantity = quantity, EvidenceFileName = fileName, EvidenceContentType = contentType,
            Status = DutyClaimStatus.Pending, CreatedAt = clock.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.DutyClaims.Add(claim);
        await db.SaveChangesAsync(ct);
        // The bytes go in by a separate statement in the same transaction, so the audit log records the claim and its
        // file name but not megabytes of file content.
        if (evidence is not null)
            await db.DutyClaims.Where(c => c.Id == claim.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.EvidenceContent, evidence.Content), ct);
        await tx.CommitAsync(ct);
        return (claim, errors);
    }

    /// <summary>The claims <paramref name="user"/> may see: administrators all; staff and leaders their scope; a member their own.</summary>
    public static IQueryable<DutyClaim> VisibleTo(this IQueryable<DutyClaim> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(c => c.CommitteePath.StartsWith(p));
        if (user.IsMember && user.MemberId is { } mid) return q.Where(c => c.MemberId == mid);
        return q.Where(c => false);
    }

    /// <summary>True when <paramref name="user"/> may see claim data of member <paramref name="memberId"/> in <paramref name="committeePath"/>.</summary>
    public static bool CanSee(CurrentUser user, int memberId, string committeePath) => DutyFile.CanRead(user, memberId, committeePath);

    /// <summary>True when <paramref name="user"/> may approve or reject claims of members in <paramref name="committeePath"/>: staff managing it.</summary>
    public static bool CanDecide(CurrentUser user, string committeePath) => Scope.CanManage(user, committeePath);

    /// <summary>
    /// The claims <paramref name="user"/> sees, optionally only those in the subtree <paramref name="scopePath"/> (already
    /// checked) and with <paramref name="status"/>; pending first, then newest first.
    /// </summary>
    public static async Task<(List<DutyClaimView> Items, int Total)> ListAsync(AppDbContext db, CurrentUser user, string? scopePath, DutyClaimStatus? status,
        int page, int pageSize, CancellationToken ct)
    {
        var q = db.DutyClaims.AsNoTracking().VisibleTo(user);
        if (scopePath is not null) q = q.Where(c => c.CommitteePath.StartsWith(scopePath));
        if (status is { } s) q = q.Where(c => c.Status == s);
        var total = await q.CountAsync(ct);
        var ids = await q.OrderBy(c => c.Status).ThenByDescending(c => c.Id).Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.Id).ToListAsync(ct);
        return (await ViewsAsync(db, user, ids, ct), total);
    }

    /// <summary>One claim as <paramref name="user"/> sees it, or null when it does not exist.</summary>
    public static async Task<DutyClaimView?> ViewAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct) =>
        (await ViewsAsync(db, user, [id], ct)).FirstOrDefault();

    private static async Task<List<DutyClaimView>> ViewsAsync(AppDbContext db, CurrentUser user, List<int> ids, CancellationToken ct)
    {
        var rows = await db.DutyClaims.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Join(db.Members, c => c.MemberId, m => m.Id, (c, m) => new
            {
                c.Id, c.MemberId, MemberName = m.Name, CommitteeCode = m.Committee!.Code, CommitteeName = m.Committee.Name, c.CommitteePath, c.RuleCode, c.Title,
                c.Description, c.OccurredOn, c.Quantity, c.Status, c.EvidenceFileName, c.CreatedAt, c.ReviewedBy, c.ReviewedAt, c.ReviewNote,
            })
            .ToListAsync(ct);
        var names = await DutyFile.RuleNamesAsync(db, rows.Select(r => r.RuleCode), ct);
        return rows.OrderBy(r => ids.IndexOf(r.Id)).Select(r => new DutyClaimView(r.Id, r.MemberId, r.MemberName, r.CommitteeCode, r.CommitteeName, r.RuleCode,
            names.GetValueOrDefault(r.RuleCode, r.RuleCode), r.Title, r.Description, r.OccurredOn, r.Quantity, StatusCode(r.Status), r.EvidenceFileName,
            r.EvidenceFileName.Length > 0, r.CreatedAt, r.ReviewedBy, r.ReviewedAt, r.ReviewNote,
            r.Status == DutyClaimStatus.Pending && CanDecide(user, r.CommitteePath))).ToList();
    }

    /// <summary>
    /// Approves or rejects a pending claim. Only staff managing the member's committee (and administrators) decide; a
    /// rejection needs a note (≤ 500 characters) the member will read. The status changes only if it is still pending
    /// (a conditional UPDATE, so two people deciding at once cannot both succeed); then, in the same transaction, an
    /// approval writes the duty record through <see cref="DutyLedger.ReplaceAsync"/> and the member is notified.
    /// </summary>
    public static async Task<ClaimDecision> DecideAsync(AppDbContext db, CurrentUser user, int id, bool approve, string? note, TimeProvider clock, CancellationToken ct)
    {
        var claim = await db.DutyClaims.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (claim is null) return ClaimDecision.NotFound;
        if (!CanDecide(user, claim.CommitteePath)) return ClaimDecision.Forbidden;
        if (claim.Status != DutyClaimStatus.Pending) return ClaimDecision.AlreadyDecided;
        var text = Normalize(note, multiline: true);
        if ((!approve && text.Length == 0) || text.Length > 500) return ClaimDecision.BadNote;

        var status = approve ? DutyClaimStatus.Approved : DutyClaimStatus.Rejected;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var won = await db.DutyClaims.Where(c => c.Id == id && c.Status == DutyClaimStatus.Pending).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status), ct);
        if (won == 0) return ClaimDecision.AlreadyDecided;
        // The tracked entity still holds the pending state, so the audit log records pending → decided with who and when.
        claim.Status = status;
        claim.ReviewedBy = DutyLedger.Truncate(user.UserName, 64);
        claim.ReviewedAt = clock.GetUtcNow();
        claim.ReviewNote = text;
        var occurredAt = ChinaTime.StartOf(claim.OccurredOn).AddHours(12);
        var evidence = claim.EvidenceFileName.Length > 0 ? $"/api/duty/claims/{claim.Id}/evidence" : claim.Description;
        DutyEvent[] events = approve ? [new DutyEvent(claim.MemberId, claim.RuleCode, Source, claim.Id, claim.Title, evidence, occurredAt, claim.Quantity)] : [];
        await DutyLedger.ReplaceAsync(db, Source, claim.Id, events, clock, ct);
        var points = db.DutyRecords.Local.Where(r => r.Source == Source && r.SourceId == claim.Id).Sum(r => r.Points);
        var day = claim.OccurredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var notice = approve
            ? new Notice(DecidedKind, "履职申报已通过", $"您申报的“{claim.Title}”（{day}）已通过审核，计入 {claim.OccurredOn.Year} 年度履职档案，{DutyExport.Points(points)} 分。"
                + (text.Length > 0 ? $"\n审核意见：{text}" : ""), "/duty/claims")
            : new Notice(DecidedKind, "履职申报未通过", $"您申报的“{claim.Title}”（{day}）未通过审核。\n审核意见：{text}", "/duty/claims");
        await Notifier.ToMembersAsync(db, [claim.MemberId], notice, clock, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ClaimDecision.Done;
    }

    /// <summary>The evidence file of a claim (name, MIME type, bytes), or null when it has none.</summary>
    public static async Task<(string FileName, string ContentType, byte[] Content)?> EvidenceAsync(AppDbContext db, int id, CancellationToken ct)
    {
        var e = await db.DutyClaims.AsNoTracking().Where(c => c.Id == id && c.EvidenceContent != null)
            .Select(c => new { c.EvidenceFileName, c.EvidenceContentType, c.EvidenceContent }).FirstOrDefaultAsync(ct);
        return e is null ? null : (e.EvidenceFileName, e.EvidenceContentType, e.EvidenceContent!);
    }

    /// <summary>Trims, drops characters documents cannot hold, and folds line breaks unless <paramref name="multiline"/>.</summary>
    private static string Normalize(string? text, bool multiline = false)
    {
        var s = DutyExport.Clean(text ?? "").Replace("\r\n", "\n").Trim();
        return multiline ? s : s.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
    }

    private static bool StartsWith(byte[] b, ReadOnlySpan<byte> prefix) => b.AsSpan().StartsWith(prefix);

    /// <summary>A .docx is a ZIP package with a Word main part.</summary>
    private static bool IsDocx(byte[] b)
    {
        if (!StartsWith(b, "PK\u0003\u0004"u8)) return false;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(b, writable: false), ZipArchiveMode.Read);
            return zip.GetEntry("word/document.xml") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
