using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// One problem of a roster file. <paramref name="Row"/> is the Excel row number as the user sees it
/// (1-based, counting title and header rows), or 0 for a problem of the whole file; <paramref name="Column"/>
/// is the column's header as written in the file (spaces removed), or <c>""</c> for the whole file;
/// <paramref name="Message"/> is Simplified Chinese and says what to change.
/// </summary>
public sealed record RosterError(int Row, string Column, string Message);

/// <summary>
/// One data row of a roster file as the preview shows it. For a valid row the values are normalised and
/// written as rosters write them (姓名 without padding, 性别 男/女, 民族 汉族, 出生年月 1968.05, 党派 民盟,
/// 职务 委员, 届次 第九届, 手机号码 13812345678); for a row with errors they are the cells' text as read.
/// <paramref name="Updates"/> is true when the row matches an existing member (it updates rather than
/// creates); <paramref name="Errors"/> are this row's problems (empty for a row that is, or would be, stored).
/// </summary>
public sealed record RosterPreviewRow(int Row, string Name, string Gender, string EthnicGroup, string BirthMonth, string Party, string Sector,
    string Position, string Term, string WorkUnit, string Phone, string Email, bool Updates, IReadOnlyList<RosterError> Errors);

/// <summary>
/// Outcome of <see cref="RosterImport.RunAsync"/>: members created, and members updated, i.e. valid rows that match an
/// existing member, whether or not a value changed (for a dry run: that would be); every error in row order, one preview row per non-empty data row, and whether the whole file was refused
/// (<paramref name="FileRejected"/>: then <paramref name="Errors"/> holds exactly one error with row 0 and
/// column <c>""</c>, <paramref name="Rows"/> is empty and nothing was stored).
/// </summary>
public sealed record RosterImportResult(int Created, int Updated, IReadOnlyList<RosterError> Errors, IReadOnlyList<RosterPreviewRow> Rows, bool FileRejected)
{
    /// <summary>A refused file: one error at row 0, column <c>""</c>.</summary>
    public static RosterImportResult Rejected(string message) => new(0, 0, [new RosterError(0, "", message)], [], true);
}

/// <summary>
/// Roster import from Excel (.xlsx): finds the roster sheet and its header row, validates every row with
/// <see cref="MemberRules.Validate"/>, matches rows to existing members of the committee and stores all valid
/// rows in one <c>SaveChanges</c> (one transaction).
/// </summary>
/// <remarks>
/// <para>Layout: the first sheet (in workbook order) with a 姓名 header is read, so an instructions sheet in front
/// of the roster is skipped. The first row among the first <see cref="HeaderSearchRows"/> that has a 姓名 cell is the header
/// (so a title row such as “六盘水市政协第九届委员名单” above it is fine). Header cells are compared with spaces
/// (also full-width) and a leading or trailing <c>*</c> removed. Columns are found by their header, in any order:
/// <see cref="MemberRules.Headers"/>, or a common alias (联系电话, 出生日期, 政治面貌, 工作单位 …) when the
/// standard header is absent; 序号 and unknown columns are ignored. 姓名, 性别, 民族, 党派, 界别 and 届次 are
/// required columns. Rows whose cells are all empty are skipped.</para>
/// <para>Matching: a row updates the member of the same committee with the same normalised name and birth
/// month, or else the one with the same phone and the same name (a different birth month is then corrected);
/// otherwise it creates a member. A row whose phone belongs to a member with another name is refused rather than
/// overwriting that person. A matched member's active flag is left as it is. A row that repeats an earlier row of the file (same name and birth month, or same phone), whose
/// name and phone point to two different members, or that matches a member an earlier row already matched is
/// refused.</para>
/// <para>Cost: two queries for reference data, one for the committee's members, then one <c>SaveChanges</c>;
/// no per-row queries.</para>
/// </remarks>
public static class RosterImport
{
    /// <summary>How many rows from the top are searched for the header row.</summary>
    public const int HeaderSearchRows = 5;

    /// <summary>Columns a roster must have.</summary>
    public static readonly IReadOnlyList<MemberField> RequiredColumns =
        [MemberField.Name, MemberField.Gender, MemberField.EthnicGroup, MemberField.Party, MemberField.Sector, MemberField.Term];

    /// <summary>Other headers accepted for a field when its standard header (<see cref="MemberRules.Headers"/>) is absent.</summary>
    public static readonly IReadOnlyDictionary<string, MemberField> HeaderAliases = new Dictionary<string, MemberField>
    {
        ["出生日期"] = MemberField.BirthMonth, ["出生年月日"] = MemberField.BirthMonth,
        ["政治面貌"] = MemberField.Party, ["党派或政治面貌"] = MemberField.Party,
        ["政协职务"] = MemberField.Position, ["届别"] = MemberField.Term,
        ["工作单位"] = MemberField.WorkUnit, ["单位及职务"] = MemberField.WorkUnit, ["工作单位及职称"] = MemberField.WorkUnit,
        ["联系电话"] = MemberField.Phone, ["手机"] = MemberField.Phone, ["手机号"] = MemberField.Phone, ["电话"] = MemberField.Phone,
        ["邮箱"] = MemberField.Email, ["电子邮件"] = MemberField.Email, ["Email"] = MemberField.Email, ["E-mail"] = MemberField.Email,
    };

    private static readonly int FieldCount = Enum.GetValues<MemberField>().Length;

    /// <summary>
    /// Imports the roster in <paramref name="file"/> into <paramref name="committee"/>. The caller checks that the
    /// user may manage the committee.
    /// </summary>
    /// <param name="db">The context, e.g. the request's; its change tracker must not already hold members of the committee (changed members are attached to it).</param>
    /// <param name="committee">The committee the members belong to.</param>
    /// <param name="file">The uploaded bytes. Read from its current position; copied (up to the size limit) first when not seekable.</param>
    /// <param name="fileName">The uploaded file's name, if known; only <c>.xlsx</c> is accepted (<c>.xls</c>, <c>.csv</c>, <c>.txt</c> … are refused).</param>
    /// <param name="dryRun">When true nothing is stored; the counts say what would happen.</param>
    /// <param name="clock">Clock for “today” (future birth months) and the created/updated times.</param>
    /// <param name="options">Size and row limits.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>
    /// The counts, errors and preview rows. File-level problems (wrong type, unreadable or empty workbook, no 姓名
    /// column, a missing required column, larger than <see cref="RosterOptions.MaxFileBytes"/>, more than
    /// <see cref="RosterOptions.MaxRows"/> data rows) give <see cref="RosterImportResult.Rejected"/> and store nothing;
    /// row problems leave out the row only. Never throws for bad input.
    /// </returns>
    public static async Task<RosterImportResult> RunAsync(AppDbContext db, Committee committee, Stream file, string? fileName, bool dryRun,
        TimeProvider clock, RosterOptions options, CancellationToken ct)
    {
        if (FileNameProblem(fileName) is { } badName) return RosterImportResult.Rejected(badName);

        MemoryStream? copy = null;
        try
        {
            var stream = file;
            if (!file.CanSeek || file.Position != 0)
            {
                copy = new MemoryStream();
                await CopyAtMostAsync(file, copy, options.MaxFileBytes + 1, ct);
                copy.Position = 0;
                stream = copy;
            }
            if (stream.Length > options.MaxFileBytes) return RosterImportResult.Rejected(TooLargeMessage(stream.Length, options.MaxFileBytes));
            if (await ContentProblemAsync(stream, ct) is { } badContent) return RosterImportResult.Rejected(badContent);

            var (sheet, problem) = Sheet.Read(stream, options.MaxRows, ct);
            if (sheet is null) return RosterImportResult.Rejected(problem!);
            return await ApplyAsync(db, committee, sheet, dryRun, clock, ct);
        }
        finally
        {
            if (copy is not null) await copy.DisposeAsync();
        }
    }

    /// <summary>
    /// The message for a file over the limit: <c>文件大小 20 MB 超过上限 10 MB，…</c>; without
    /// <paramref name="size"/> (unknown length) the size is left out.
    /// </summary>
    public static string TooLargeMessage(long? size, long maxBytes) =>
        $"文件{(size is { } s ? $"大小 {Megabytes(s)} " : "")}超过上限 {Megabytes(maxBytes)}，请删除多余的工作表和图片后重试，或拆分成多个文件分批导入";

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.#", CultureInfo.InvariantCulture) + " MB";

    private static string? FileNameProblem(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName)) return null;
        var extension = Path.GetExtension(fileName.Trim()).ToLowerInvariant();
        return extension switch
        {
            ".xlsx" => null,
            ".xls" => $"不支持旧版 Excel 97-2003 文件“{fileName}”，请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入",
            ".csv" => $"不支持 CSV 文件“{fileName}”，请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入",
            _ => $"不支持的文件“{fileName}”，请上传 Excel 工作簿（.xlsx）",
        };
    }

    /// <summary>Checks the first bytes: an .xlsx is a zip archive (<c>PK\x03\x04</c>). Leaves the stream at 0.</summary>
    private static async Task<string?> ContentProblemAsync(Stream stream, CancellationToken ct)
    {
        if (stream.Length == 0) return "文件为空，请选择填写好的名单文件";
        var head = new byte[8];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        stream.Position = 0;
        if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return null;
        if (read == 8 && head.AsSpan().SequenceEqual((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
            return "该文件是旧版 Excel 97-2003（.xls）文件或设置了打开密码的文件，请取消密码并“另存为”Excel 工作簿（.xlsx）后再导入";
        return "文件内容不是 Excel 工作簿（.xlsx）（可能是改了扩展名的其他文件），请在 Excel 中“另存为”.xlsx 后再导入";
    }

    private static async Task CopyAtMostAsync(Stream from, Stream to, long limit, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while (total < limit && (n = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), ct)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), ct);
            total += n;
        }
    }

    /// <summary>Validation, matching and storing of the rows read from the sheet.</summary>
    private static async Task<RosterImportResult> ApplyAsync(AppDbContext db, Committee committee, Sheet sheet, bool dryRun, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var lookups = await MemberLookups.LoadAsync(db, committee.Id, ct);
        var words = await RosterWords.LoadAsync(db, lookups, ct);
        var existing = await db.Members.AsNoTracking().Where(m => m.CommitteeId == committee.Id).OrderBy(m => m.Id).ToListAsync(ct);
        var byNameBirth = new Dictionary<(string, DateOnly?), Member>();
        var byPhone = new Dictionary<string, Member>(StringComparer.Ordinal);
        foreach (var m in existing)
        {
            byNameBirth.TryAdd((m.Name, m.BirthMonth), m);
            if (m.Phone.Length > 0) byPhone.TryAdd(m.Phone, m);
        }

        var seenNameBirth = new Dictionary<(string, DateOnly?), int>();
        var seenPhone = new Dictionary<string, int>(StringComparer.Ordinal);
        var claimed = new Dictionary<int, int>();
        var accepted = new List<(MemberValues Values, Member? Match)>();
        var errors = new List<RosterError>();
        var preview = new List<RosterPreviewRow>(sheet.Rows.Count);
        foreach (var (row, cells) in sheet.Rows)
        {
            if (preview.Count % 1024 == 0) ct.ThrowIfCancellationRequested();
            var raw = new RawMember(Text(cells[(int)MemberField.Name]), Text(cells[(int)MemberField.Gender]), Text(cells[(int)MemberField.EthnicGroup]),
                cells[(int)MemberField.BirthMonth], Text(cells[(int)MemberField.Party]), Text(cells[(int)MemberField.Sector]),
                Text(cells[(int)MemberField.Position]), Text(cells[(int)MemberField.Term]), Text(cells[(int)MemberField.WorkUnit]),
                Text(cells[(int)MemberField.Phone]), Text(cells[(int)MemberField.Email]));
            var (values, problems) = MemberRules.Validate(lookups, raw, today);
            var rowErrors = problems.Select(p => new RosterError(row, sheet.HeaderOf(p.Field), p.Message)).ToList();
            Member? match = null;
            if (values is not null)
            {
                var nameBirth = (values.Name, values.BirthMonth);
                if (seenNameBirth.TryGetValue(nameBirth, out var earlier))
                    rowErrors.Add(new RosterError(row, sheet.HeaderOf(MemberField.Name), $"与第 {earlier} 行重复（姓名和出生年月相同），同一委员只能填写一行"));
                else if (values.Phone.Length > 0 && seenPhone.TryGetValue(values.Phone, out earlier))
                    rowErrors.Add(new RosterError(row, sheet.HeaderOf(MemberField.Phone), $"手机号码与第 {earlier} 行相同，同一号码只能属于一位委员"));
                else
                {
                    var sameName = byNameBirth.GetValueOrDefault(nameBirth);
                    var samePhone = values.Phone.Length > 0 ? byPhone.GetValueOrDefault(values.Phone) : null;
                    match = sameName ?? samePhone;
                    if (sameName is not null && samePhone is not null && sameName != samePhone)
                        rowErrors.Add(new RosterError(row, sheet.HeaderOf(MemberField.Phone),
                            $"手机号码 {values.Phone} 已属于本政协的另一位委员“{samePhone.Name}”，与按姓名和出生年月对应的委员“{sameName.Name}”不是同一人，请核对"));
                    else if (sameName is null && samePhone is not null && samePhone.Name != values.Name)
                        // Matching by phone alone would overwrite another person's record with this row's values.
                        rowErrors.Add(new RosterError(row, sheet.HeaderOf(MemberField.Phone),
                            $"手机号码 {values.Phone} 已属于本政协委员“{samePhone.Name}”，与本行姓名“{values.Name}”不符：如是同一人更名，请先在委员信息中修改姓名；否则请核对号码"));
                    else if (match is not null && claimed.TryGetValue(match.Id, out earlier))
                        rowErrors.Add(new RosterError(row, sheet.HeaderOf(MemberField.Name), $"与第 {earlier} 行对应同一位已有委员“{match.Name}”，请核对姓名、出生年月和手机号码"));
                }
            }

            if (values is not null && rowErrors.Count == 0)
            {
                seenNameBirth[(values.Name, values.BirthMonth)] = row;
                if (values.Phone.Length > 0) seenPhone[values.Phone] = row;
                if (match is not null) claimed[match.Id] = row;
                accepted.Add((values, match));
                var c = words.Cells(values);
                preview.Add(new RosterPreviewRow(row, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], match is not null, []));
            }
            else
            {
                errors.AddRange(rowErrors);
                preview.Add(new RosterPreviewRow(row, raw.Name?.Trim() ?? "", raw.Gender?.Trim() ?? "", raw.EthnicGroup?.Trim() ?? "",
                    Text(raw.BirthMonth)?.Trim() ?? "", raw.Party?.Trim() ?? "", raw.Sector?.Trim() ?? "", raw.Position?.Trim() ?? "",
                    raw.Term?.Trim() ?? "", raw.WorkUnit?.Trim() ?? "", raw.Phone?.Trim() ?? "", raw.Email?.Trim() ?? "", false, rowErrors));
            }
        }

        var updated = accepted.Count(a => a.Match is not null);
        var created = accepted.Count - updated;
        if (!dryRun && accepted.Count > 0) await StoreAsync(db, committee, accepted, now, ct);
        return new RosterImportResult(created, updated, errors, preview, false);
    }

    /// <summary>
    /// Adds the new members and attaches the matched ones whose values differ, applies the values, then saves once
    /// (one transaction, with the audit rows the interceptor adds). Automatic change detection is off meanwhile and
    /// run only on the changed entries, so the cost stays linear in the number of rows and unchanged members are
    /// neither tracked nor written.
    /// </summary>
    private static async Task StoreAsync(AppDbContext db, Committee committee, List<(MemberValues Values, Member? Match)> accepted, DateTimeOffset now, CancellationToken ct)
    {
        // New members first, built in parallel: SetName computes ICU sort keys and pinyin, the costliest step per row.
        var fresh = accepted.Where(a => a.Match is null).Select(a => a.Values).ToArray();
        var created = new Member[fresh.Length];
        Parallel.For(0, fresh.Length, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var m = new Member { CommitteeId = committee.Id, CommitteePath = committee.Path, CreatedAt = now };
            fresh[i].ApplyTo(m, now);
            created[i] = m;
        });

        var tracker = db.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            db.Members.AddRange(created);
            foreach (var (values, match) in accepted)
            {
                if (match is null || values == MemberValues.Of(match)) continue;
                var entry = db.Members.Attach(match);
                values.ApplyTo(match, now);
                entry.DetectChanges();
            }
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>A cell as text: strings as they are, numbers in invariant culture (13812345678, 9), dates as <c>1968-05-12</c>; null when empty.</summary>
    private static string? Text(object? cell) => cell switch
    {
        null or DBNull => null,
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString(dt.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString(),
    };

    private static bool IsBlank(object? cell) => cell is null or DBNull || (cell is string s && string.IsNullOrWhiteSpace(s));

    /// <summary>A header cell without spaces (also full-width and line breaks) and required-field stars.</summary>
    private static string HeaderText(object? cell) =>
        string.Concat(RosterValues.ToHalfWidth(Text(cell) ?? "").Where(c => !char.IsWhiteSpace(c))).Trim('*');

    /// <summary>The roster sheet of a workbook: its columns (field → column key and header) and its non-empty data rows.</summary>
    private sealed class Sheet
    {
        private readonly Dictionary<MemberField, (string Key, string Header)> _columns;

        private Sheet(Dictionary<MemberField, (string Key, string Header)> columns) => _columns = columns;

        /// <summary>Non-empty data rows: Excel row number and the raw cells indexed by <see cref="MemberField"/>.</summary>
        public List<(int Row, object?[] Cells)> Rows { get; } = [];

        /// <summary>The header of <paramref name="field"/>'s column as the file writes it (standard header when absent).</summary>
        public string HeaderOf(MemberField field) => _columns.TryGetValue(field, out var c) ? c.Header : MemberRules.Headers[field];

        /// <summary>
        /// Reads the workbook with MiniExcel (streaming): the first sheet, in workbook order, with a 姓名 header in its
        /// first <see cref="HeaderSearchRows"/> rows (so an instructions sheet in front is skipped). Returns the sheet, or
        /// null and a file-level message.
        /// </summary>
        public static (Sheet? Sheet, string? Problem) Read(Stream stream, int maxRows, CancellationToken ct)
        {
            try
            {
                var sawCell = false;
                foreach (var sheetName in MiniExcel.GetSheetNames(stream))
                {
                    stream.Position = 0;
                    var (sheet, problem, cells) = ReadSheet(stream, sheetName, maxRows, ct);
                    if (sheet is not null || problem is not null) return (sheet, problem);
                    sawCell |= cells;
                    stream.Position = 0;
                }
                return (null, sawCell
                    ? $"未找到“姓名”列：前 {HeaderSearchRows} 行中应有一行表头，包含 姓名、性别、民族、出生年月、党派、界别、职务、届次 等列"
                    : "工作表为空，请在工作表中填写表头和委员名单");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // MiniExcel (System.IO.Compression, XmlReader) throws many types for damaged or foreign files.
                return (null, "无法读取该文件，文件可能已损坏或不是 Excel 工作簿（.xlsx），请用 Excel 打开后“另存为”.xlsx 再导入");
            }
        }

        /// <summary>One sheet: the sheet, or a problem, or neither when it has no header (then whether it had any non-empty cell).</summary>
        private static (Sheet? Sheet, string? Problem, bool SawCell) ReadSheet(Stream stream, string sheetName, int maxRows, CancellationToken ct)
        {
            Sheet? sheet = null;
            var rowNumber = 0;
            var sawCell = false;
            foreach (IDictionary<string, object?> cells in MiniExcel.Query(stream, useHeaderRow: false, sheetName: sheetName, excelType: ExcelType.XLSX))
            {
                rowNumber++;
                if ((rowNumber & 1023) == 0) ct.ThrowIfCancellationRequested();
                if (sheet is null)
                {
                    sawCell |= cells.Values.Any(v => !IsBlank(v));
                    if (rowNumber <= HeaderSearchRows) sheet = TryHeader(cells);
                    if (sheet is not null && sheet.MissingColumns() is { } missing) return (null, missing, true);
                    if (sheet is null && rowNumber >= HeaderSearchRows && sawCell) break;
                    continue;
                }

                var values = new object?[FieldCount];
                var any = false;
                foreach (var (field, (key, _)) in sheet._columns)
                {
                    var v = cells.TryGetValue(key, out var cell) ? cell : null;
                    if (IsBlank(v)) continue;
                    values[(int)field] = v;
                    any = true;
                }
                if (!any) continue;
                if (sheet.Rows.Count == maxRows)
                    return (null, $"文件中的数据超过 {maxRows} 行，单次最多导入 {maxRows} 行，请拆分成多个文件分批导入", true);
                sheet.Rows.Add((rowNumber, values));
            }
            return (sheet, null, sawCell);
        }

        /// <summary>The header row, if <paramref name="cells"/> has a 姓名 cell: standard headers first, then aliases for fields still missing.</summary>
        private static Sheet? TryHeader(IDictionary<string, object?> cells)
        {
            var texts = cells.Select(c => (c.Key, Header: HeaderText(c.Value))).Where(c => c.Header.Length > 0).ToList();
            if (!texts.Any(c => c.Header == MemberRules.Headers[MemberField.Name])) return null;
            var columns = new Dictionary<MemberField, (string, string)>();
            foreach (var (field, header) in MemberRules.Headers)
                if (texts.FirstOrDefault(c => c.Header == header) is { Key: not null } hit) columns[field] = (hit.Key, hit.Header);
            foreach (var (key, header) in texts)
                if (HeaderAliases.TryGetValue(header, out var field)) columns.TryAdd(field, (key, header));
            return new Sheet(columns);
        }

        private string? MissingColumns()
        {
            var missing = RequiredColumns.Where(f => !_columns.ContainsKey(f)).Select(f => MemberRules.Headers[f]).ToList();
            return missing.Count == 0 ? null : $"表头缺少必填列：{string.Join("、", missing)}。表头应包含 姓名、性别、民族、党派、界别、届次，可选 出生年月、职务、工作单位及职务、手机号码、电子邮箱";
        }
    }
}
