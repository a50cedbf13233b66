using Xieshang.Web.Infrastructure;
using System.Data;
using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using Xieshang.Web.Features.Members;

namespace Xieshang.Web.Features.Duty;

/// <summary>
/// The printed forms of a <see cref="DutyFile"/>: the yearly duty report (委员年度履职报告, .docx, A4, Chinese fonts,
/// laid out after the official-document standard GB/T 9704: 3.7/3.5/2.8/2.6 cm margins, title in 方正小标宋简体,
/// headings in 黑体, text in 仿宋_GB2312) and the record list (.xlsx, Chinese headers).
/// </summary>
public static class DutyExport
{
    /// <summary>MIME type of .docx documents.</summary>
    public const string DocxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    /// <summary>MIME type of .xlsx workbooks.</summary>
    public const string XlsxContentType = RosterExport.ContentType;

    /// <summary>Title font; Word falls back to its <c>altName</c> 黑体 where it is not installed.</summary>
    public const string TitleFont = "方正小标宋简体";
    /// <summary>Heading and table-header font.</summary>
    public const string HeadingFont = "黑体";
    /// <summary>Body font (falls back to 仿宋).</summary>
    public const string BodyFont = "仿宋_GB2312";
    /// <summary>Latin and digits.</summary>
    public const string LatinFont = "Times New Roman";

    /// <summary>A4 in twips (210 × 297 mm).</summary>
    public const uint A4Width = 11906, A4Height = 16838;

    /// <summary>Sheet of the records in the .xlsx.</summary>
    public const string RecordsSheet = "履职记录";
    /// <summary>Sheet of the category totals in the .xlsx.</summary>
    public const string TotalsSheet = "积分汇总";

    /// <summary>Column headers of <see cref="RecordsSheet"/>, in order.</summary>
    public static readonly IReadOnlyList<string> RecordHeaders = ["序号", "日期", "事项", "积分项目", "类别", "数量", "积分", "来源", "佐证"];

    private static readonly TimeSpan China = ChinaTime.Offset;

    /// <summary>Download name of the report, e.g. <c>张三2026年度履职报告.docx</c>.</summary>
    public static string DocxName(DutyFile f) => $"{f.Name}{f.Year}年度履职报告.docx";

    /// <summary>Download name of the record list, e.g. <c>张三2026年度履职记录.xlsx</c>.</summary>
    public static string XlsxName(DutyFile f) => $"{f.Name}{f.Year}年度履职记录.xlsx";

    /// <summary>Points as printed: <c>8</c>, <c>2.5</c>, <c>-20</c>.</summary>
    public static string Points(decimal p) => p.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A record's day in China Standard Time, <c>2026-03-14</c>.</summary>
    public static string Day(DateTimeOffset at) => at.ToOffset(China).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Chinese name of a record's source kind.</summary>
    public static string SourceName(string source) => source switch
    {
        "activity" => "履职活动",
        "claim" => "委员申报",
        "proposal" => "提案",
        "opinion" => "社情民意",
        "research" => "调研视察",
        "study" => "学习培训",
        _ => source,
    };

    /// <summary>The yearly duty report of <paramref name="f"/> as a .docx, dated <paramref name="now"/> (China Standard Time).</summary>
    public static byte[] Docx(DutyFile f, DutyOptions options, DateTimeOffset now)
    {
        using var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();
            main.AddNewPart<FontTablePart>().Fonts = FontTable();
            var footer = main.AddNewPart<FooterPart>();
            footer.Footer = new Footer(PageNumber());
            var today = now.ToOffset(China);

            var body = new Body();
            body.Append(Para(Clean(f.CommitteeName) + "委员年度履职报告", TitleFont, 44, JustificationValues.Center, before: 0, after: 0, exact: 700));
            body.Append(Para($"（{f.Year}年度）", BodyFont, 32, JustificationValues.Center, before: 0, after: 240));

            body.Append(Table([1500, 2900, 1500, 2900],
            [
                ["姓　　名", Clean(f.Name), "所属政协", Clean(f.CommitteeName)],
                ["界　　别", Clean(f.Sector), "职　　务", MemberRules.PositionWord(f.Position)],
                ["年　　度", $"{f.Year}年", "评定等次", DutyGrades.Name(f.Grade)],
            ], header: false, labelColumns: [0, 2], leftColumns: [1, 3]));

            body.Append(Heading("一、履职积分汇总"));
            var totals = f.ByCategory.Select(c => new[] { DutyCategories.Name(c.Category), c.Count.ToString(CultureInfo.InvariantCulture), Points(c.Points) }).ToList();
            totals.Add(["合计", f.Records.Count.ToString(CultureInfo.InvariantCulture), Points(f.Total)]);
            body.Append(Table([4000, 2400, 2400], [["类别", "记录数", "积分"], .. totals], header: true, boldLastRow: true));

            body.Append(Heading("二、履职记录明细"));
            if (f.Records.Count == 0)
                body.Append(Para("本年度暂无履职记录。", BodyFont, 32, JustificationValues.Both, firstLineChars: 200));
            else
                body.Append(Table([800, 1500, 3700, 2000, 800],
                [
                    ["序号", "日期", "事项", "积分项目", "积分"],
                    .. f.Records.Select((r, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), Day(r.OccurredAt), Clean(r.Title), Clean(r.RuleName), Points(r.Points) }),
                ], header: true, leftColumns: [2, 3]));

            body.Append(Heading("三、学习培训情况"));
            if (f.Study.Count == 0)
                body.Append(Para("本年度没有参加的学习培训课程。", BodyFont, 32, JustificationValues.Both, firstLineChars: 200));
            else
                body.Append(Table([3400, 1500, 2500, 1400], [["课程", "出勤", "测验成绩", "结业"], .. f.Study.Select(StudyRow)], header: true, leftColumns: [0, 2]));

            body.Append(Heading("四、年度评定"));
            var g = options.Grades;
            body.Append(Para($"本年度累计履职积分 {Points(f.Total)} 分，评定等次为“{DutyGrades.Name(f.Grade)}”。", BodyFont, 32, JustificationValues.Both, firstLineChars: 200));
            body.Append(Para($"评定标准：{Points(g.Excellent)} 分及以上为优秀，{Points(g.Competent)} 分（含）至 {Points(g.Excellent)} 分为称职，{Points(g.Competent)} 分以下为约谈。",
                BodyFont, 32, JustificationValues.Both, firstLineChars: 200));
            if (f.Year == today.Year)
                body.Append(Para($"本年度尚未结束，以上为截至 {today.Year}年{today.Month}月{today.Day}日 的统计。", BodyFont, 32, JustificationValues.Both, firstLineChars: 200));

            body.Append(Para("", BodyFont, 32, JustificationValues.Left));
            body.Append(Para(Clean(f.CommitteeName), BodyFont, 32, JustificationValues.Right, rightChars: 400));
            body.Append(Para($"{today.Year}年{today.Month}月{today.Day}日", BodyFont, 32, JustificationValues.Right, rightChars: 400));

            body.Append(new SectionProperties(
                new FooterReference { Type = HeaderFooterValues.Default, Id = main.GetIdOfPart(footer) },
                new PageSize { Width = A4Width, Height = A4Height },
                // GB/T 9704: top 37 mm, bottom 35 mm, left (binding side) 28 mm, right 26 mm.
                new PageMargin { Top = 2098, Bottom = 1984, Left = 1588U, Right = 1474U, Header = 851U, Footer = 992U, Gutter = 0U },
                new DocGrid { Type = DocGridValues.Lines, LinePitch = 579 }));
            main.Document = new Document(body);
        }
        return ms.ToArray();
    }

    /// <summary>Sheet of the study courses in the .xlsx.</summary>
    public const string StudySheet = "学习培训";

    /// <summary>One study course as a row of the exports: title, sessions attended/total, quiz results (第N讲 best score, 通过), completion and its day.</summary>
    public static string[] StudyRow(Xieshang.Web.Features.Study.StudyCourseRow c) =>
    [
        Clean(c.Title),
        $"{c.SessionsAttended}/{c.SessionsTotal}",
        c.Quizzes.Count == 0 ? "—" : string.Join("；", c.Quizzes.Select(q => $"第{q.SortOrder}讲 {(q.BestScore is { } b ? b + "分" : "未答")}{(q.Passed ? "（通过）" : "")}")),
        c.CompletedAt is { } at ? "已结业 " + Day(at) : "未结业",
    ];

    /// <summary>The records of <paramref name="f"/> (sheet 履职记录), the category totals (sheet 积分汇总) and the year's study courses (sheet 学习培训: 课程, 出勤, 测验成绩, 结业) as an .xlsx.</summary>
    public static byte[] Xlsx(DutyFile f)
    {
        var records = new DataTable(RecordsSheet);
        foreach (var h in RecordHeaders) records.Columns.Add(h, h is "序号" ? typeof(int) : h is "数量" or "积分" ? typeof(decimal) : typeof(string));
        var serial = 0;
        foreach (var r in f.Records)
            records.Rows.Add(++serial, Day(r.OccurredAt), Clean(r.Title), Clean(r.RuleName), DutyCategories.Name(r.Category), r.Quantity, r.Points, SourceName(r.Source), Clean(r.Evidence));

        var totals = new DataTable(TotalsSheet);
        totals.Columns.Add("类别", typeof(string));
        totals.Columns.Add("记录数", typeof(int));
        totals.Columns.Add("积分", typeof(decimal));
        foreach (var c in f.ByCategory) totals.Rows.Add(DutyCategories.Name(c.Category), c.Count, c.Points);
        totals.Rows.Add("合计", f.Records.Count, f.Total);
        totals.Rows.Add($"评定等次：{DutyGrades.Name(f.Grade)}", DBNull.Value, DBNull.Value);

        var config = new OpenXmlConfiguration
        {
            DynamicColumns =
            [
                new DynamicExcelColumn("日期") { Width = 12 },
                new DynamicExcelColumn("事项") { Width = 40 },
                new DynamicExcelColumn("积分项目") { Width = 24 },
                new DynamicExcelColumn("佐证") { Width = 30 },
                new DynamicExcelColumn("类别") { Width = 14 },
            ],
        };
        using var ms = new MemoryStream();
        var study = new DataTable(StudySheet);
        foreach (var h in new[] { "课程", "出勤", "测验成绩", "结业" }) study.Columns.Add(h, typeof(string));
        foreach (var c in f.Study) study.Rows.Add(StudyRow(c));
        ms.SaveAs(new Dictionary<string, object> { [RecordsSheet] = records, [TotalsSheet] = totals, [StudySheet] = study }, excelType: ExcelType.XLSX, configuration: config);
        return ms.ToArray();
    }

    /// <summary>Text without the characters XML 1.0 cannot hold (control characters, lone surrogates), which Word refuses.</summary>
    public static string Clean(string text)
    {
        if (text.All(XmlConvertOk)) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { sb.Append(c).Append(text[++i]); continue; }
            if (char.IsSurrogate(c)) continue;
            if (XmlConvertOk(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool XmlConvertOk(char c) => c is '\t' or '\n' or '\r' || (c >= ' ' && c != '\uFFFE' && c != '\uFFFF');

    private static Styles Styles() => new(
        new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(
                new RunFonts { Ascii = LatinFont, HighAnsi = LatinFont, EastAsia = BodyFont, ComplexScript = LatinFont, Hint = FontTypeHintValues.EastAsia },
                new FontSize { Val = "32" }, new FontSizeComplexScript { Val = "32" },
                new Languages { Val = "en-US", EastAsia = "zh-CN" })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "0", Line = "560", LineRule = LineSpacingRuleValues.Exact }))),
        new Style(new StyleName { Val = "Normal" }, new PrimaryStyle()) { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true });

    /// <summary>Fonts used, with the substitutes Word takes where a font is missing (altName).</summary>
    private static Fonts FontTable() => new(
        Font(TitleFont, "黑体"), Font(HeadingFont, "SimHei"), Font(BodyFont, "仿宋"), Font("仿宋", "FangSong"),
        new Font(new FontCharSet { Val = "00" }, new FontFamily { Val = FontFamilyValues.Roman }, new Pitch { Val = FontPitchValues.Variable }) { Name = LatinFont });

    private static Font Font(string name, string alt) =>
        new(new AltName { Val = alt }, new FontCharSet { Val = "86" }, new FontFamily { Val = FontFamilyValues.Auto }, new Pitch { Val = FontPitchValues.Variable }) { Name = name };

    private static RunProperties RunProps(string eastAsiaFont, int halfPoints, bool bold = false)
    {
        var rp = new RunProperties(new RunFonts { Ascii = LatinFont, HighAnsi = LatinFont, EastAsia = eastAsiaFont, ComplexScript = LatinFont, Hint = FontTypeHintValues.EastAsia });
        if (bold) rp.Append(new Bold());
        rp.Append(new FontSize { Val = halfPoints.ToString(CultureInfo.InvariantCulture) }, new FontSizeComplexScript { Val = halfPoints.ToString(CultureInfo.InvariantCulture) },
            new Languages { Val = "en-US", EastAsia = "zh-CN" });
        return rp;
    }

    private static Paragraph Para(string text, string font, int halfPoints, JustificationValues align, int before = 0, int after = 0, int exact = 560,
        int firstLineChars = 0, int rightChars = 0, bool bold = false)
    {
        var pp = new ParagraphProperties(new SpacingBetweenLines
        {
            Before = before.ToString(CultureInfo.InvariantCulture), After = after.ToString(CultureInfo.InvariantCulture),
            Line = exact.ToString(CultureInfo.InvariantCulture), LineRule = LineSpacingRuleValues.Exact,
        });
        if (firstLineChars > 0 || rightChars > 0)
        {
            var ind = new Indentation();
            if (firstLineChars > 0) ind.FirstLineChars = firstLineChars;
            if (rightChars > 0) ind.RightChars = rightChars;
            pp.Append(ind);
        }
        pp.Append(new Justification { Val = align });
        var p = new Paragraph(pp);
        if (text.Length > 0) p.Append(new Run(RunProps(font, halfPoints, bold), new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return p;
    }

    private static Paragraph Heading(string text) => Para(text, HeadingFont, 32, JustificationValues.Left, before: 240, after: 120, firstLineChars: 200);

    private static Table Table(int[] widths, IEnumerable<string[]> rows, bool header, bool boldLastRow = false, int[]? labelColumns = null, int[]? leftColumns = null)
    {
        static BorderType B<T>() where T : BorderType, new() => new T { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "000000" };
        var table = new Table(new TableProperties(
            new TableWidth { Width = widths.Sum().ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
            new TableJustification { Val = TableRowAlignmentValues.Center },
            new TableBorders(B<TopBorder>(), B<LeftBorder>(), B<BottomBorder>(), B<RightBorder>(), B<InsideHorizontalBorder>(), B<InsideVerticalBorder>()),
            new TableLayout { Type = TableLayoutValues.Fixed },
            new TableCellMarginDefault(new TopMargin { Width = "40", Type = TableWidthUnitValues.Dxa }, new TableCellLeftMargin { Width = 80, Type = TableWidthValues.Dxa },
                new BottomMargin { Width = "40", Type = TableWidthUnitValues.Dxa }, new TableCellRightMargin { Width = 80, Type = TableWidthValues.Dxa })));
        table.Append(new TableGrid(widths.Select(w => new GridColumn { Width = w.ToString(CultureInfo.InvariantCulture) })));
        var all = rows.ToList();
        for (var i = 0; i < all.Count; i++)
        {
            var isHeader = header && i == 0;
            var bold = isHeader || (boldLastRow && i == all.Count - 1);
            var tr = new TableRow(isHeader ? new TableRowProperties(new CantSplit(), new TableHeader()) : new TableRowProperties(new CantSplit()));
            for (var c = 0; c < widths.Length; c++)
            {
                var text = c < all[i].Length ? all[i][c] : "";
                var label = labelColumns?.Contains(c) == true;
                var font = isHeader || label ? HeadingFont : BodyFont;
                var align = !isHeader && leftColumns?.Contains(c) == true ? JustificationValues.Left : JustificationValues.Center;
                var p = new Paragraph(new ParagraphProperties(
                    new SpacingBetweenLines { Before = "0", After = "0", Line = "360", LineRule = LineSpacingRuleValues.Auto },
                    new Justification { Val = align }));
                if (text.Length > 0) p.Append(new Run(RunProps(font, 24, bold && !label), new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
                tr.Append(new TableCell(new TableCellProperties(
                    new TableCellWidth { Width = widths[c].ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
                    new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center }), p));
            }
            table.Append(tr);
        }
        return table;
    }

    /// <summary>Centred page number in the footer, <c>— 1 —</c> as official documents print it.</summary>
    private static Paragraph PageNumber() => new(
        new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
        new Run(RunProps(LatinFont, 28), new Text("— ") { Space = SpaceProcessingModeValues.Preserve }),
        new SimpleField(new Run(RunProps(LatinFont, 28), new Text("1"))) { Instruction = " PAGE " },
        new Run(RunProps(LatinFont, 28), new Text(" —") { Space = SpaceProcessingModeValues.Preserve }));
}
