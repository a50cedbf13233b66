using System.Data;
using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// The proposal documents: the statistics as an .xlsx workbook (<see cref="StatsXlsxAsync"/>), the compilation of filed
/// proposals (提案汇编, <see cref="CompilationAsync"/>) and the reply compilation (答复汇编, <see cref="RepliesAsync"/>) as
/// .docx. The Word documents have a cover, a real table of contents (a <c>TOC</c> field over the <c>Heading1</c> style, with
/// the entries already written so it reads before Word updates it; Word is asked to update fields on opening, which
/// fills in the page numbers) and one heading per proposal starting a new page. Fonts and margins follow DutyExport
/// (GB/T 9704). Both compilations hold the committee's own filed proposals (not the committees below it, whose numbers
/// run separately), selected by year or term and session, in number order, through <see cref="ProposalAccess.VisibleTo"/>.
/// </summary>
public static class ProposalExport
{
    /// <summary>MIME type of .xlsx workbooks.</summary>
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    /// <summary>MIME type of .docx documents.</summary>
    public const string DocxContentType = DutyExport.DocxContentType;
    /// <summary>Style id of the per-proposal heading (the TOC collects it).</summary>
    public const string HeadingStyle = "Heading1";
    /// <summary>Style id of the reply headings inside a proposal (level 2, not in the TOC).</summary>
    public const string SubheadingStyle = "Heading2";
    /// <summary>Instruction of the table-of-contents field.</summary>
    public const string TocInstruction = " TOC \\o \"1-1\" \\h \\z \\u ";

    /// <summary>Sheet names of the statistics workbook, in order.</summary>
    public static readonly IReadOnlyList<string> Sheets = ["总体", "按承办单位", "按界别", "按组织"];

    /// <summary>What the selection is called in titles and file names: <c>2026年</c>, <c>九届二次会议</c>, <c>九届</c>.</summary>
    public static string Period(int? year, int? term, int? session) =>
        term is { } t ? session is { } s ? $"{ProposalRules.ChineseNumber(t)}届{ProposalRules.ChineseNumber(s)}次会议" : $"{ProposalRules.ChineseNumber(t)}届"
        : year is { } y ? $"{y}年" : "";

    /// <summary>Download name of the statistics workbook, e.g. <c>六盘水市政协2026年提案统计.xlsx</c>.</summary>
    public static string StatsFileName(ProposalStatsResult s) => $"{s.Committee.Name}{Period(s.Year, s.Term, s.Session)}提案统计.xlsx";

    // ---------------------------------------------------------------- statistics workbook

    /// <summary>Writes <paramref name="s"/> as an .xlsx: totals (measure, value), then one sheet per breakdown. Rates are percentages with one decimal.</summary>
    public static async Task StatsXlsxAsync(ProposalStatsResult s, Stream output, CancellationToken ct = default)
    {
        var set = new DataSet();
        var totals = new DataTable(Sheets[0]);
        totals.Columns.Add("指标", typeof(string));
        totals.Columns.Add("数值", typeof(double));
        totals.Columns.Add("说明", typeof(string));
        var t = s.Totals;
        void Row(string name, object? value, string note) => totals.Rows.Add(name, value ?? DBNull.Value, note);
        Row("收到提案（件）", t.Received, "提交到提案委员会办公室的提案（不含草稿、联名中及提交前撤回的）");
        Row("待审查（件）", t.PendingReview, "已提交、审查中、退回修改");
        Row("立案（件）", t.Filed, "已立案及其后各状态（不含并案）");
        Row("不予立案（件）", t.NotFiled, "");
        Row("并案（件）", t.Merged, "");
        Row("撤案（件）", t.Withdrawn, "提交后撤回");
        Row("立案率（%）", Pct(t.FilingRate), "立案 ÷ 收到");
        Row("交办（件）", t.Assigned, "有承办单位（单办、分办、主办）的立案提案");
        Row("已答复（件）", t.Replied, "每个答复单位均已答复");
        Row("按时答复（件）", t.RepliedOnTime, "答复均未超过办理期限");
        Row("按时答复率（%）", Pct(t.OnTimeRate), "按时答复 ÷ 已答复");
        Row("逾期未答复（件）", t.Overdue, "");
        Row("A类答复（件）", t.ClassA, "各答复单位的最新答复");
        Row("B类答复（件）", t.ClassB, "");
        Row("C类答复（件）", t.ClassC, "");
        Row("A类占比（%）", Pct(t.ClassAShare), "A ÷ (A+B+C)");
        Row("B类占比（%）", Pct(t.ClassBShare), "B ÷ (A+B+C)");
        Row("C类占比（%）", Pct(t.ClassCShare), "C ÷ (A+B+C)");
        Row("满意（个）", t.Satisfied, "各答复单位的最新评价");
        Row("基本满意（个）", t.BasicallySatisfied, "");
        Row("不满意（个）", t.Dissatisfied, "");
        Row("满意率（%）", Pct(t.SatisfactionRate), "(满意 + 基本满意) ÷ 已评价");
        set.Tables.Add(totals);

        var units = new DataTable(Sheets[1]);
        foreach (var (name, type) in new (string, Type)[] { ("承办单位", typeof(string)), ("单位代码", typeof(string)), ("交办", typeof(int)), ("会办", typeof(int)),
                     ("已答复", typeof(int)), ("按时答复", typeof(int)), ("按时答复率（%）", typeof(double)), ("逾期", typeof(int)), ("A类", typeof(int)), ("B类", typeof(int)),
                     ("C类", typeof(int)), ("满意", typeof(int)), ("基本满意", typeof(int)), ("不满意", typeof(int)), ("满意率（%）", typeof(double)) })
            units.Columns.Add(name, type);
        foreach (var u in s.ByUnit)
            units.Rows.Add(u.Name, u.Code, u.Assigned, u.CoUnit, u.Replied, u.RepliedOnTime, Db(Pct(u.OnTimeRate)), u.Overdue, u.ClassA, u.ClassB, u.ClassC,
                u.Satisfied, u.BasicallySatisfied, u.Dissatisfied, Db(Pct(u.SatisfactionRate)));
        set.Tables.Add(units);

        var sectors = new DataTable(Sheets[2]);
        sectors.Columns.Add("界别", typeof(string));
        AddMeasureColumns(sectors);
        foreach (var r in s.BySector) sectors.Rows.Add([r.Name, .. MeasureCells(r.Measures)]);
        set.Tables.Add(sectors);

        var committees = new DataTable(Sheets[3]);
        committees.Columns.Add("政协组织", typeof(string));
        committees.Columns.Add("范围", typeof(string));
        AddMeasureColumns(committees);
        foreach (var r in s.ByCommittee) committees.Rows.Add([r.Name, r.IncludesBelow ? "含下级" : "本级", .. MeasureCells(r.Measures)]);
        committees.Rows.Add(["合计", "全部", .. MeasureCells(s.Totals)]);
        set.Tables.Add(committees);

        var config = new OpenXmlConfiguration
        {
            DynamicColumns = [new DynamicExcelColumn("指标") { Width = 18 }, new DynamicExcelColumn("说明") { Width = 44 }, new DynamicExcelColumn("承办单位") { Width = 24 },
                new DynamicExcelColumn("界别") { Width = 24 }, new DynamicExcelColumn("政协组织") { Width = 22 }],
        };
        await MiniExcel.SaveAsAsync(output, set, excelType: ExcelType.XLSX, configuration: config, cancellationToken: ct);
    }

    private static void AddMeasureColumns(DataTable t)
    {
        foreach (var name in new[] { "收到", "立案" }) t.Columns.Add(name, typeof(int));
        t.Columns.Add("立案率（%）", typeof(double));
        foreach (var name in new[] { "交办", "已答复", "按时答复" }) t.Columns.Add(name, typeof(int));
        t.Columns.Add("按时答复率（%）", typeof(double));
        foreach (var name in new[] { "A类", "B类", "C类", "满意", "基本满意", "不满意" }) t.Columns.Add(name, typeof(int));
        t.Columns.Add("满意率（%）", typeof(double));
    }

    private static object[] MeasureCells(ProposalMeasures m) =>
        [m.Received, m.Filed, Db(Pct(m.FilingRate)), m.Assigned, m.Replied, m.RepliedOnTime, Db(Pct(m.OnTimeRate)), m.ClassA, m.ClassB, m.ClassC,
            m.Satisfied, m.BasicallySatisfied, m.Dissatisfied, Db(Pct(m.SatisfactionRate))];

    private static double? Pct(double? rate) => rate is { } r ? Math.Round(r * 100, 1) : null;
    private static object Db(double? v) => v is { } x ? x : DBNull.Value;

    // ---------------------------------------------------------------- compilations

    /// <summary>A proposal as the compilations print it.</summary>
    public sealed record Entry(int Id, string Number, string Title, string Body, string ProposerName, IReadOnlyList<string> CoSigners, string Kind,
        int Term, int Session, IReadOnlyList<EntryReply> Replies);

    /// <summary>A reply as the reply compilation prints it.</summary>
    public sealed record EntryReply(string UnitName, ReplyClass Class, string Text, bool Public, int Round, DateTimeOffset RepliedAt);

    /// <summary>
    /// The filed proposals of <paramref name="committee"/> itself that <paramref name="user"/> may see, in the selection of
    /// <paramref name="query"/> (year, or term and session), in number order — with their replies when <paramref name="withReplies"/>
    /// (only proposals that have a reply are then listed).
    /// </summary>
    public static async Task<List<Entry>> EntriesAsync(AppDbContext db, CurrentUser user, Committee committee, ProposalStatsQuery query, bool withReplies,
        CancellationToken ct)
    {
        var q = db.Proposals.AsNoTracking().VisibleTo(db, user).Where(p => p.CommitteeId == committee.Id && ProposalAccess.FiledStates.Contains(p.Status));
        if (query.Year is { } year) q = q.Where(p => p.Year == year);
        if (query.Term is { } term) q = q.Where(p => p.Term == term);
        if (query.Session is { } session) q = q.Where(p => p.Session == session);
        if (withReplies) q = q.Where(p => db.Replies.Any(r => r.ProposalId == p.Id));
        var rows = await q.OrderBy(p => p.Term).ThenBy(p => p.Session).ThenBy(p => p.Sequence).ThenBy(p => p.Id)
            .Select(p => new { p.Id, p.Number, p.Title, p.Body, p.ProposerName, p.Kind, p.Term, p.Session }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var cosigners = await db.ProposalCoSigners.AsNoTracking().Where(c => ids.Contains(c.ProposalId) && c.Status == CoSignStatus.Signed)
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Id).Select(c => new { c.ProposalId, c.Member!.Name }).ToListAsync(ct);
        var replies = withReplies
            ? await db.Replies.AsNoTracking().Where(r => ids.Contains(r.ProposalId)).OrderBy(r => r.Round).ThenBy(r => r.Id)
                .Select(r => new { r.ProposalId, r.HandlingUnit!.Name, r.Class, r.Text, r.IsPublic, r.Round, r.RepliedAt }).ToListAsync(ct)
            : [];
        return rows.Select(r => new Entry(r.Id, r.Number, r.Title, r.Body, r.ProposerName,
            cosigners.Where(c => c.ProposalId == r.Id).Select(c => c.Name).ToList(), ProposalRules.KindName(r.Kind), r.Term, r.Session,
            replies.Where(x => x.ProposalId == r.Id).Select(x => new EntryReply(x.Name, x.Class, x.Text, x.IsPublic, x.Round, x.RepliedAt)).ToList())).ToList();
    }

    /// <summary>Download name of the compilation, e.g. <c>六盘水市政协2026年提案汇编.docx</c>.</summary>
    public static string CompilationFileName(Committee c, ProposalStatsQuery q) => $"{c.Name}{Period(q.Year, q.Term, q.Session)}提案汇编.docx";

    /// <summary>Download name of the reply compilation, e.g. <c>六盘水市政协2026年提案答复汇编.docx</c>.</summary>
    public static string RepliesFileName(Committee c, ProposalStatsQuery q) => $"{c.Name}{Period(q.Year, q.Term, q.Session)}提案答复汇编.docx";

    /// <summary>The compilation of filed proposals (提案汇编) as a .docx.</summary>
    public static async Task<byte[]> CompilationAsync(AppDbContext db, CurrentUser user, Committee committee, ProposalStatsQuery query, TimeProvider clock,
        CancellationToken ct)
    {
        var entries = await EntriesAsync(db, user, committee, query, withReplies: false, ct);
        return Build($"{committee.Name}{Period(query.Year, query.Term, query.Session)}提案汇编", entries, clock.GetUtcNow(), (body, e) =>
        {
            foreach (var line in Meta(e)) body.Append(Para(line, DutyExport.HeadingFont, 28, JustificationValues.Left));
            body.Append(Para("", DutyExport.BodyFont, 32, JustificationValues.Left));
            foreach (var p in Paragraphs(e.Body)) body.Append(Para(p, DutyExport.BodyFont, 32, JustificationValues.Both, firstLineChars: 200));
        });
    }

    /// <summary>The reply compilation (答复汇编) as a .docx: each replied proposal with its replies (unit, class, date, text).</summary>
    public static async Task<byte[]> RepliesAsync(AppDbContext db, CurrentUser user, Committee committee, ProposalStatsQuery query, TimeProvider clock,
        CancellationToken ct)
    {
        var entries = await EntriesAsync(db, user, committee, query, withReplies: true, ct);
        return Build($"{committee.Name}{Period(query.Year, query.Term, query.Session)}提案答复汇编", entries, clock.GetUtcNow(), (body, e) =>
        {
            foreach (var line in Meta(e)) body.Append(Para(line, DutyExport.HeadingFont, 28, JustificationValues.Left));
            foreach (var r in e.Replies)
            {
                var heading = $"{r.UnitName}的答复" + (r.Round > 1 ? "（重新办理）" : "");
                body.Append(StyledPara(heading, SubheadingStyle));
                body.Append(Para($"答复类别：{ProposalRules.ClassName(r.Class)}　答复日期：{ChinaTime.DayOf(r.RepliedAt):yyyy-MM-dd}　{(r.Public ? "公开" : "不公开")}",
                    DutyExport.HeadingFont, 28, JustificationValues.Left));
                foreach (var p in Paragraphs(r.Text)) body.Append(Para(p, DutyExport.BodyFont, 32, JustificationValues.Both, firstLineChars: 200));
            }
        });
    }

    /// <summary>Heading text of a proposal: number and title.</summary>
    public static string HeadingText(Entry e) => DutyExport.Clean($"{e.Number}　{e.Title}");

    private static IEnumerable<string> Meta(Entry e)
    {
        yield return DutyExport.Clean($"提案人：{e.ProposerName}");
        if (e.CoSigners.Count > 0) yield return DutyExport.Clean($"联名提案人：{string.Join("、", e.CoSigners)}");
        yield return $"类别：{e.Kind}";
    }

    /// <summary>The non-empty lines of sanitised HTML as plain-text paragraphs.</summary>
    public static IEnumerable<string> Paragraphs(string html) =>
        RichText.ToPlainText(html).Split('\n').Select(l => DutyExport.Clean(l.Trim())).Where(l => l.Length > 0);

    private static byte[] Build(string title, List<Entry> entries, DateTimeOffset now, Action<Body, Entry> content)
    {
        using var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();
            main.AddNewPart<DocumentSettingsPart>().Settings = new Settings(new UpdateFieldsOnOpen { Val = true });
            var footer = main.AddNewPart<FooterPart>();
            footer.Footer = new Footer(PageNumber());
            var today = ChinaTime.DayOf(now);
            var body = new Body();

            // Cover.
            for (var i = 0; i < 5; i++) body.Append(Para("", DutyExport.BodyFont, 32, JustificationValues.Center));
            body.Append(Para(DutyExport.Clean(title), DutyExport.TitleFont, 52, JustificationValues.Center, exact: 900));
            body.Append(Para($"（共 {entries.Count} 件）", DutyExport.BodyFont, 32, JustificationValues.Center, before: 240));
            for (var i = 0; i < 8; i++) body.Append(Para("", DutyExport.BodyFont, 32, JustificationValues.Center));
            body.Append(Para($"{today.Year}年{today.Month}月{today.Day}日", DutyExport.BodyFont, 32, JustificationValues.Center));

            // Table of contents: a TOC field whose result is already written (entries without page numbers until Word updates it).
            var tocTitle = Para("目　　录", DutyExport.HeadingFont, 36, JustificationValues.Center, after: 240);
            tocTitle.ParagraphProperties!.PrependChild(new PageBreakBefore());
            body.Append(tocTitle);
            Paragraph TocLine(string text) => new(new ParagraphProperties(new ParagraphStyleId { Val = "TOC1" }),
                new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            var lines = entries.Count == 0 ? [TocLine("（无）")] : entries.Select(e => TocLine(HeadingText(e))).ToList();
            lines[0].InsertAfter(new Run(new FieldChar { FieldCharType = FieldCharValues.Begin, Dirty = true }), lines[0].ParagraphProperties);
            var begin = lines[0].Elements<Run>().First();
            var code = begin.InsertAfterSelf(new Run(new FieldCode(TocInstruction) { Space = SpaceProcessingModeValues.Preserve }));
            code.InsertAfterSelf(new Run(new FieldChar { FieldCharType = FieldCharValues.Separate }));
            foreach (var l in lines) body.Append(l);
            body.Append(new Paragraph(new Run(new FieldChar { FieldCharType = FieldCharValues.End })));

            if (entries.Count == 0)
            {
                var none = Para("所选范围内暂无立案提案。", DutyExport.BodyFont, 32, JustificationValues.Center);
                none.ParagraphProperties!.PrependChild(new PageBreakBefore());
                body.Append(none);
            }
            foreach (var e in entries)
            {
                body.Append(StyledPara(HeadingText(e), HeadingStyle));
                content(body, e);
            }

            body.Append(new SectionProperties(
                new FooterReference { Type = HeaderFooterValues.Default, Id = main.GetIdOfPart(footer) },
                new PageSize { Width = DutyExport.A4Width, Height = DutyExport.A4Height },
                new PageMargin { Top = 2098, Bottom = 1984, Left = 1588U, Right = 1474U, Header = 851U, Footer = 992U, Gutter = 0U }));
            main.Document = new Document(body);
        }
        return ms.ToArray();
    }

    private static Styles Styles()
    {
        const string L = DutyExport.LatinFont;
        RunFonts Fonts(string eastAsia) => new() { Ascii = L, HighAnsi = L, EastAsia = eastAsia, ComplexScript = L, Hint = FontTypeHintValues.EastAsia };
        return new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(Fonts(DutyExport.BodyFont), new FontSize { Val = "32" }, new FontSizeComplexScript { Val = "32" },
                    new Languages { Val = "en-US", EastAsia = "zh-CN" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "0", Line = "560", LineRule = LineSpacingRuleValues.Exact }))),
            new Style(new StyleName { Val = "Normal" }, new PrimaryStyle()) { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true },
            new Style(new StyleName { Val = "heading 1" }, new BasedOn { Val = "Normal" }, new NextParagraphStyle { Val = "Normal" }, new PrimaryStyle(),
                new StyleParagraphProperties(new KeepNext(), new PageBreakBefore(), new SpacingBetweenLines { Before = "0", After = "360", Line = "700", LineRule = LineSpacingRuleValues.Exact },
                    new Justification { Val = JustificationValues.Center }, new OutlineLevel { Val = 0 }),
                new StyleRunProperties(Fonts(DutyExport.TitleFont), new FontSize { Val = "40" }, new FontSizeComplexScript { Val = "40" }))
            { Type = StyleValues.Paragraph, StyleId = HeadingStyle },
            new Style(new StyleName { Val = "heading 2" }, new BasedOn { Val = "Normal" }, new NextParagraphStyle { Val = "Normal" }, new PrimaryStyle(),
                new StyleParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "360", After = "120" }, new OutlineLevel { Val = 1 }),
                new StyleRunProperties(Fonts(DutyExport.HeadingFont), new FontSize { Val = "32" }, new FontSizeComplexScript { Val = "32" }))
            { Type = StyleValues.Paragraph, StyleId = SubheadingStyle },
            new Style(new StyleName { Val = "toc 1" }, new BasedOn { Val = "Normal" }, new NextParagraphStyle { Val = "Normal" },
                new StyleParagraphProperties(new Tabs(new TabStop { Val = TabStopValues.Right, Leader = TabStopLeaderCharValues.Dot, Position = 8834 }),
                    new SpacingBetweenLines { Before = "0", After = "0", Line = "480", LineRule = LineSpacingRuleValues.Exact }),
                new StyleRunProperties(new FontSize { Val = "28" }, new FontSizeComplexScript { Val = "28" }))
            { Type = StyleValues.Paragraph, StyleId = "TOC1" });
    }

    private static RunProperties RunProps(string eastAsiaFont, int halfPoints)
    {
        var size = halfPoints.ToString(CultureInfo.InvariantCulture);
        return new RunProperties(
            new RunFonts { Ascii = DutyExport.LatinFont, HighAnsi = DutyExport.LatinFont, EastAsia = eastAsiaFont, ComplexScript = DutyExport.LatinFont, Hint = FontTypeHintValues.EastAsia },
            new FontSize { Val = size }, new FontSizeComplexScript { Val = size });
    }

    private static Paragraph StyledPara(string text, string style) => new(new ParagraphProperties(new ParagraphStyleId { Val = style }),
        new Run(new Text(DutyExport.Clean(text)) { Space = SpaceProcessingModeValues.Preserve }));

    private static Paragraph Para(string text, string font, int halfPoints, JustificationValues align, int before = 0, int after = 0, int exact = 560, int firstLineChars = 0)
    {
        var pp = new ParagraphProperties(new SpacingBetweenLines
        {
            Before = before.ToString(CultureInfo.InvariantCulture), After = after.ToString(CultureInfo.InvariantCulture),
            Line = exact.ToString(CultureInfo.InvariantCulture), LineRule = LineSpacingRuleValues.Exact,
        });
        if (firstLineChars > 0) pp.Append(new Indentation { FirstLineChars = firstLineChars });
        pp.Append(new Justification { Val = align });
        var p = new Paragraph(pp);
        if (text.Length > 0) p.Append(new Run(RunProps(font, halfPoints), new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return p;
    }

    private static Paragraph PageNumber() => new(
        new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
        new Run(RunProps(DutyExport.LatinFont, 28), new Text("— ") { Space = SpaceProcessingModeValues.Preserve }),
        new SimpleField(new Run(RunProps(DutyExport.LatinFont, 28), new Text("1"))) { Instruction = " PAGE " },
        new Run(RunProps(DutyExport.LatinFont, 28), new Text(" —") { Space = SpaceProcessingModeValues.Preserve }));
}
