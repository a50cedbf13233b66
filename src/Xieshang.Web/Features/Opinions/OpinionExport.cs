using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;

namespace Xieshang.Web.Features.Opinions;

/// <summary>
/// One issue of 《社情民意》 as a Word document (A4, margins of GB/T 9704): the red masthead 《社情民意》, the number
/// (<c>2026年第12期</c>) or 未印发 for a draft, the issuing committee and the date above a red rule; then each item with
/// its title, authors and text; at the end the recipients (报送). Text goes through <see cref="DutyExport.Clean"/>
/// (Word refuses control characters), so what a member typed, markup included, is printed as typed.
/// </summary>
public static class OpinionExport
{
    private const string TitleFont = "方正小标宋简体";
    private const string HeadingFont = "黑体";
    private const string BodyFont = "仿宋_GB2312";
    private const string LatinFont = "Times New Roman";
    private const string Red = "E60000";

    /// <summary>File name of an issue's document, e.g. <c>六盘水市政协社情民意2026年第12期.docx</c>.</summary>
    public static string FileName(BulletinDetail b) =>
        $"{b.CommitteeName}社情民意{(b.Number.Length > 0 ? b.Number : "（草稿）")}.docx";

    /// <summary>The issue as .docx bytes.</summary>
    public static byte[] Docx(BulletinDetail b)
    {
        using var ms = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(ms, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            var body = new Body();
            body.Append(Para("社情民意", TitleFont, 80, JustificationValues.Center, color: Red, exact: 1400, bold: false));
            body.Append(Para(b.Number.Length > 0 ? $"{b.Number}" : "（未印发）", BodyFont, 32, JustificationValues.Center, after: 120));
            var day = b.IssuedAt is { } at ? ChinaTime.DayOf(at) : (DateOnly?)null;
            var dateText = day is { } d ? $"{d.Year}年{d.Month}月{d.Day}日" : "";
            body.Append(TwoSided(DutyExport.Clean(b.CommitteeName) + "办公室编", dateText));
            if (b.Title.Length > 0) body.Append(Para(DutyExport.Clean(b.Title), HeadingFont, 32, JustificationValues.Center, before: 240, after: 120));

            var n = 0;
            foreach (var item in b.Items)
            {
                n++;
                body.Append(Para(DutyExport.Clean(item.Title), TitleFont, 36, JustificationValues.Center, before: 360, after: 120, exact: 640));
                var authors = string.Join("　", new[] { item.AuthorName }.Concat(item.CoAuthors).Where(a => a.Length > 0));
                var by = item.CommitteeName.Length > 0 ? $"{item.CommitteeName}　{authors}" : authors;
                body.Append(Para($"（{DutyExport.Clean(by)}）", BodyFont, 28, JustificationValues.Center, after: 120));
                foreach (var line in item.Body.Split('\n'))
                    body.Append(Para(DutyExport.Clean(line.Trim()), BodyFont, 32, JustificationValues.Both, firstLineChars: line.Trim().Length > 0 ? 200 : 0));
            }
            if (n == 0) body.Append(Para("本期尚未编入信息。", BodyFont, 32, JustificationValues.Center, before: 240));

            body.Append(Para("", BodyFont, 32, JustificationValues.Left, after: 240));
            var to = new List<string>(b.Recipients);
            if (b.ParentCommitteeName.Length > 0) to.Insert(0, b.ParentCommitteeName);
            body.Append(Rule(top: true));
            body.Append(Para(to.Count > 0 ? $"报送：{DutyExport.Clean(string.Join("，", to))}。" : "报送：", BodyFont, 28, JustificationValues.Left));
            body.Append(Rule(top: false));

            body.Append(new SectionProperties(
                new PageSize { Width = 11906U, Height = 16838U },
                new PageMargin { Top = 2098, Bottom = 1984, Left = 1588U, Right = 1474U, Header = 851U, Footer = 992U, Gutter = 0U }));
            main.Document = new Document(body);
        }
        return ms.ToArray();
    }

    private static RunProperties RunProps(string font, int halfPoints, bool bold, string? color)
    {
        var rp = new RunProperties(new RunFonts { Ascii = LatinFont, HighAnsi = LatinFont, EastAsia = font, ComplexScript = LatinFont, Hint = FontTypeHintValues.EastAsia });
        if (bold) rp.Append(new Bold());
        if (color is not null) rp.Append(new Color { Val = color });
        var size = halfPoints.ToString(CultureInfo.InvariantCulture);
        rp.Append(new FontSize { Val = size }, new FontSizeComplexScript { Val = size }, new Languages { Val = "en-US", EastAsia = "zh-CN" });
        return rp;
    }

    private static ParagraphProperties Props(JustificationValues align, int before, int after, int exact, int firstLineChars)
    {
        var pp = new ParagraphProperties(new SpacingBetweenLines
        {
            Before = before.ToString(CultureInfo.InvariantCulture), After = after.ToString(CultureInfo.InvariantCulture),
            Line = exact.ToString(CultureInfo.InvariantCulture), LineRule = LineSpacingRuleValues.Exact,
        });
        if (firstLineChars > 0) pp.Append(new Indentation { FirstLineChars = firstLineChars });
        pp.Append(new Justification { Val = align });
        return pp;
    }

    private static Paragraph Para(string text, string font, int halfPoints, JustificationValues align, int before = 0, int after = 0, int exact = 560,
        int firstLineChars = 0, bool bold = false, string? color = null)
    {
        var p = new Paragraph(Props(align, before, after, exact, firstLineChars));
        if (text.Length > 0) p.Append(new Run(RunProps(font, halfPoints, bold, color), new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return p;
    }

    /// <summary>The line under the masthead: issuer on the left, date on the right (a right tab), above a red rule.</summary>
    private static Paragraph TwoSided(string left, string right)
    {
        var pp = Props(JustificationValues.Left, 0, 240, 560, 0);
        pp.PrependChild(new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 18U, Space = 4U, Color = Red }));
        pp.PrependChild(new Tabs(new TabStop { Val = TabStopValues.Right, Position = 8844 }));
        return new Paragraph(pp,
            new Run(RunProps(BodyFont, 28, false, null), new Text(left) { Space = SpaceProcessingModeValues.Preserve }),
            new Run(RunProps(BodyFont, 28, false, null), new TabChar(), new Text(right)));
    }

    private static Paragraph Rule(bool top)
    {
        var pp = Props(JustificationValues.Left, 0, 0, 120, 0);
        var border = top
            ? (OpenXmlElement)new BottomBorder { Val = BorderValues.Single, Size = 6U, Space = 1U, Color = "000000" }
            : new TopBorder { Val = BorderValues.Single, Size = 6U, Space = 1U, Color = "000000" };
        pp.PrependChild(new ParagraphBorders(border));
        return new Paragraph(pp);
    }
}
