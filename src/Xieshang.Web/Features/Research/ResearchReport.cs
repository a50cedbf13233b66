using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// The research or inspection report as .docx (OpenXml): title, organisers and team, schedule and field work, the report
/// body (its HTML as paragraphs of plain text), findings and suggestions, where it was sent. Body 仿宋 16 pt, headings 黑体,
/// like the consultation report. Built from <see cref="ResearchDetail"/> as the reader sees it (its report must be readable).
/// </summary>
public static class ResearchReport
{
    /// <summary>MIME type of the report.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const string BodyFont = "仿宋_GB2312", Head = "黑体", TitleFont = "方正小标宋简体", Latin = "Times New Roman";

    /// <summary>Writes the document of <paramref name="d"/> (whose <see cref="ResearchDetail.Report"/> is set); pure.</summary>
    public static byte[] Write(ResearchDetail d, DateTimeOffset now)
    {
        var r = d.Report ?? throw new ArgumentException("The report is not readable.", nameof(d));
        var body = new Body();
        void P(string text, string font = BodyFont, int size = 32, bool bold = false, bool center = false) => body.Append(Line(text, font, size, bold, center));
        var lead = d.Organizers.FirstOrDefault()?.Name ?? "";

        P(r.Title.Length > 0 ? r.Title : $"关于“{d.Title}”的{d.KindName}报告", TitleFont, 44, center: true);
        P($"{string.Join("、", d.Organizers.Select(o => o.Name))} · {d.KindName}", BodyFont, 28, center: true);
        P("");
        P("一、基本情况", Head);
        P($"{d.KindName}课题：{d.Title}");
        P($"组织单位：{string.Join("、", d.Organizers.Select(o => o.Name + (o.Lead ? "（牵头）" : "")))}");
        foreach (var g in d.Team.GroupBy(t => t.RoleName)) P($"{g.Key}：{string.Join("、", g.Select(t => t.Name))}");
        if (d.StartsOn is { } s) P($"时间安排：{Day(s)}{(d.EndsOn is { } e ? $" 至 {Day(e)}" : "")}");
        foreach (var f in d.FieldWork)
            P($"{f.KindName}：{f.Title}，{Day(ChinaTime.DayOf(f.StartsAt))}，{f.Place}（{(f.ActivityStatus == "已取消" ? "已取消" : f.StartsAt > now ? "尚未举行" : $"出席 {f.Present} 人")}）", size: 28);
        P("二、报告正文", Head);
        var text = RichText.ToPlainText(r.Body);
        if (text.Length == 0) P("（尚未撰写。）");
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) P(line);
        if (r.Findings.Length > 0)
        {
            P("三、主要问题", Head);
            foreach (var line in r.Findings.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) P(line);
        }
        if (r.Suggestions.Length > 0)
        {
            P(r.Findings.Length > 0 ? "四、意见建议" : "三、意见建议", Head);
            foreach (var line in r.Suggestions.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) P(line);
        }
        P("");
        P($"报告状态：{r.StatusName}{(r.SentTo.Length > 0 ? $"，报送：{r.SentTo}" : "")}{(r.SentAt is { } at ? $"（{Day(ChinaTime.DayOf(at))}）" : "")}", size: 28);
        P($"{lead}　{Day(ChinaTime.DayOf(now))}");
        return Package(body);
    }

    /// <summary>The .docx bytes of <paramref name="body"/> on an A4 page with the official document margins (公文版心). Shared by the research reports.</summary>
    public static byte[] Package(Body body)
    {
        body.Append(new SectionProperties(new PageSize { Width = 11906U, Height = 16838U },
            new PageMargin { Top = 2098, Bottom = 1984, Left = 1588U, Right = 1474U, Header = 851U, Footer = 992U }));
        using var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new Document(body);
            main.Document.Save();
        }
        return ms.ToArray();
    }

    /// <summary>One paragraph in the house style: East Asian font <paramref name="font"/>, size in half-points, centred or first-line indented by two characters, exact line spacing. Shared by the research reports (.docx).</summary>
    public static Paragraph Line(string text, string font, int halfPoints, bool bold, bool center)
    {
        var props = new ParagraphProperties(new SpacingBetweenLines { Line = halfPoints > 32 ? "700" : "560", LineRule = LineSpacingRuleValues.Exact, After = "0" });
        props.Append(center ? new Justification { Val = JustificationValues.Center } : new Indentation { FirstLineChars = 200 });
        var paragraph = new Paragraph(props);
        if (text.Length > 0) paragraph.Append(Text(text, font, halfPoints, bold));
        return paragraph;
    }

    /// <summary>A run of <paramref name="text"/> in East Asian font <paramref name="font"/> (Times New Roman for Latin), size in half-points. Shared by the research reports (.docx).</summary>
    public static Run Text(string text, string font, int halfPoints, bool bold)
    {
        var run = new RunProperties(new RunFonts { Ascii = Latin, HighAnsi = Latin, EastAsia = font, ComplexScript = Latin, Hint = FontTypeHintValues.EastAsia },
            new FontSize { Val = halfPoints.ToString(CultureInfo.InvariantCulture) });
        if (bold) run.Append(new Bold());
        return new Run(run, new Text(DutyExport.Clean(text)) { Space = SpaceProcessingModeValues.Preserve });
    }

    private static string Day(DateOnly d) => d.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
}
