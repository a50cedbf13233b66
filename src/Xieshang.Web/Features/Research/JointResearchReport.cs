using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// The combined report of a same-topic research (同题调研综合报告, .docx with OpenXml): title, the parent's background, a
/// section per committee in committee-code order with the findings and suggestions of its approved or sent sub-report, the
/// committees that have not reported (joined, report not yet approved), and a summary table of every committee invited or
/// added (answer, stage, report state, approval and sending dates). Only approved and sent sub-reports are quoted.
/// Body 仿宋 16 pt, headings 黑体, like the consultation report.
/// </summary>
public static class JointResearchReport
{
    /// <summary>MIME type of the report.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const string Body = "仿宋_GB2312", Head = "黑体", TitleFont = "方正小标宋简体";

    /// <summary>One committee's line in the report.</summary>
    private sealed record Row(string Code, string Name, string Answer, ResearchProject? Sub);

    /// <summary>Builds the combined report of <paramref name="parent"/> (the caller checked that the viewer sees it from above).</summary>
    public static async Task<byte[]> BuildAsync(AppDbContext db, ResearchProject parent, TimeProvider clock, CancellationToken ct)
    {
        var subs = await db.ResearchProjects.AsNoTracking().Where(p => p.ParentId == parent.Id).Include(p => p.Committee).ToListAsync(ct);
        var invitations = await db.JointResearchInvitations.AsNoTracking().Where(i => i.ParentId == parent.Id).Include(i => i.Committee).ToListAsync(ct);
        var lead = await db.Committees.Where(c => c.Id == parent.CommitteeId).Select(c => c.Name).FirstAsync(ct);
        var rows = invitations.Select(i => new Row(i.Committee!.Code, i.Committee.Name, JointResearchQueries.StatusName(i.Status), subs.FirstOrDefault(s => s.CommitteeId == i.CommitteeId)))
            .Concat(subs.Where(s => invitations.All(i => i.CommitteeId != s.CommitteeId)).Select(s => new Row(s.Committee!.Code, s.Committee.Name, JointResearchQueries.StatusName(JointInvitationStatus.Joined), s)))
            .OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
        return Write(parent, lead, rows, clock.GetUtcNow());
    }

    private static bool Reported(ResearchProject? s) => s is { ReportStatus: ReportStatus.Approved or ReportStatus.Sent };

    /// <summary>
    /// The combined report's title from the topic: 关于{topic}的同题调研综合报告, the topic first stripped of a leading 关于 and a
    /// trailing 的同题调研 / 同题调研 / 的调研 / 调研 (and surrounding quotes), so a topic written as a title does not double them
    /// (「关于城乡养老服务体系建设的同题调研」 → 「关于城乡养老服务体系建设的同题调研综合报告」). The topic as it is when nothing is left.
    /// </summary>
    public static string CombinedTitle(string topic)
    {
        var core = topic.Trim().Trim('“', '”', '"', '「', '」');
        if (core.StartsWith("关于", StringComparison.Ordinal)) core = core[2..].TrimStart();
        foreach (var tail in new[] { "的同题调研", "同题调研", "的调研", "调研" })
            if (core.EndsWith(tail, StringComparison.Ordinal)) { core = core[..^tail.Length].TrimEnd(); break; }
        core = core.Trim('“', '”', '"', '「', '」');
        return $"关于{(core.Length > 0 ? core : topic.Trim())}的同题调研综合报告";
    }

    private static byte[] Write(ResearchProject parent, string lead, List<Row> rows, DateTimeOffset now)
    {
        var body = new Body();
        void P(string text, string font = Body, int size = 32, bool bold = false, bool center = false) => body.Append(ResearchReport.Line(text, font, size, bold, center));
        void Lines(string label, string text)
        {
            P(label, bold: true);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) P(line);
        }

        P(CombinedTitle(parent.Title), TitleFont, 44, center: true);
        P($"{lead} · 同题调研", Body, 28, center: true);
        P("");

        P("一、调研背景", Head);
        P(parent.Background.Length > 0 ? parent.Background : "（未填写。）");
        var reported = rows.Where(r => Reported(r.Sub)).ToList();
        P($"共邀请或组织 {rows.Count} 个政协组织参加，{rows.Count(r => r.Sub is not null)} 个设立了子课题，{reported.Count} 个已形成经审定的调研报告。");

        P("二、各单位调研发现和建议", Head);
        if (reported.Count == 0) P("（尚无经审定的子课题调研报告。）");
        var n = 0;
        foreach (var r in reported)
        {
            var s = r.Sub!;
            P($"（{ChineseNumber(++n)}）{r.Name}", bold: true);
            if (s.ReportTitle.Length > 0 && s.ReportTitle != s.Title) P($"报告题目：{s.ReportTitle}");
            Lines("主要问题和发现：", s.Findings.Length > 0 ? s.Findings : "（未填写。）");
            Lines("意见建议：", s.Suggestions.Length > 0 ? s.Suggestions : "（未填写。）");
        }
        var missing = rows.Where(r => r.Sub is not null && !Reported(r.Sub)).Select(r => r.Name).ToList();
        P("尚未报送调研报告的单位：" + (missing.Count > 0 ? string.Join("、", missing) : "无") + "。");
        var unanswered = rows.Where(r => r.Sub is null && r.Answer == JointResearchQueries.StatusName(JointInvitationStatus.Invited)).Select(r => r.Name).ToList();
        if (unanswered.Count > 0) P("尚未答复邀请的单位：" + string.Join("、", unanswered) + "。");
        var declined = rows.Where(r => r.Answer == JointResearchQueries.StatusName(JointInvitationStatus.Declined)).Select(r => r.Name).ToList();
        if (declined.Count > 0) P("不参加的单位：" + string.Join("、", declined) + "。");

        P("三、参加情况一览", Head);
        var table = new List<string[]> { new[] { "单位", "参加情况", "调研阶段", "报告状态", "审定日期", "报送日期" } };
        table.AddRange(rows.Select(r => new[]
        {
            r.Name, r.Answer, r.Sub is { } s ? ResearchWorkflow.StatusName(s.Status) : "—", r.Sub is { } s2 ? ResearchWorkflow.ReportStatusName(s2.ReportStatus) : "—",
            Day(r.Sub?.ReportApprovedAt), Day(r.Sub?.ReportSentAt),
        }));
        body.Append(Table([2200, 1400, 1400, 1400, 1350, 1350], table));
        P("");
        P($"{lead}　{now.ToOffset(ChinaTime.Offset).ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}");
        return ResearchReport.Package(body);
    }

    private static Table Table(int[] widths, List<string[]> rows)
    {
        static T B<T>() where T : BorderType, new() => new() { Val = BorderValues.Single, Size = 4U, Space = 0U, Color = "000000" };
        var table = new Table(new TableProperties(
            new TableWidth { Width = widths.Sum().ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
            new TableBorders(B<TopBorder>(), B<LeftBorder>(), B<BottomBorder>(), B<RightBorder>(), B<InsideHorizontalBorder>(), B<InsideVerticalBorder>()),
            new TableLayout { Type = TableLayoutValues.Fixed }));
        table.Append(new TableGrid(widths.Select(w => new GridColumn { Width = w.ToString(CultureInfo.InvariantCulture) })));
        for (var i = 0; i < rows.Count; i++)
        {
            var tr = new TableRow();
            for (var c = 0; c < widths.Length; c++)
            {
                var p = new Paragraph(new ParagraphProperties(new Justification { Val = JustificationValues.Center }));
                if (rows[i][c].Length > 0) p.Append(ResearchReport.Text(rows[i][c], i == 0 ? Head : Body, 24, false));
                tr.Append(new TableCell(new TableCellProperties(new TableCellWidth { Width = widths[c].ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa }), p));
            }
            table.Append(tr);
        }
        return table;
    }

    private static string Day(DateTimeOffset? at) => at is { } a ? ChinaTime.DayOf(a).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    private static string ChineseNumber(int n) => n is >= 1 and <= 10 ? "一二三四五六七八九十"[n - 1].ToString() : n.ToString(CultureInfo.InvariantCulture);
}
