using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Deliberations;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Consultations;

/// <summary>
/// The consultation report (协商报告, .docx with OpenXml): topic, type, committee, dates; the process (steps with dates,
/// participants — members by attendance, non-members by category); consensus found and divergences (typed by staff
/// from the meeting, and the online deliberation's opinion map through <see cref="DeliberationSummary"/>); and the
/// recommendations with adoption, instructions and implementation. Body 仿宋 16 pt, headings 黑体, like the duty report.
/// </summary>
public static class ConsultationReport
{
    /// <summary>MIME type of the report.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const string Body = "仿宋_GB2312", Head = "黑体", Title = "方正小标宋简体", Latin = "Times New Roman";

    /// <summary>Builds the report of <paramref name="c"/> as <paramref name="user"/> sees it.</summary>
    public static async Task<byte[]> BuildAsync(AppDbContext db, Consultation c, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var d = await ConsultationQueries.DetailAsync(db, c, user, clock, ct);
        var deliberation = await DeliberationSummary.ForConsultationAsync(db, c.Id, ct);
        return Write(d, deliberation, clock.GetUtcNow());
    }

    /// <summary>Writes the document (pure: the detail and the deliberation summary in, bytes out).</summary>
    public static byte[] Write(ConsultationDetail d, DeliberationSummary? deliberation, DateTimeOffset now)
    {
        var body = new Body();
        void P(string text, string font = Body, int size = 32, bool bold = false, bool center = false, bool indent = true) =>
            body.Append(Line(text, font, size, bold, center, indent));
        void H(string text) => P(text, Head, 32, indent: true);

        P($"关于“{d.Title}”的协商报告", Title, 44, center: true, indent: false);
        P($"{d.CommitteeName} · {d.TypeName}", Body, 28, center: true, indent: false);
        P("");

        H("一、基本情况");
        P($"协商议题：{d.Title}");
        P($"协商形式：{d.TypeName}{(d.Grassroots ? "（基层协商）" : "")}");
        P($"组织单位：{d.CommitteeName}");
        if (d.UnitName is { } unit) P($"对口部门：{unit}");
        if (d.PlanTopicTitle is { } topic) P($"计划议题：{topic}");
        if (d.MeetingAt is { } at) P($"会议时间：{Day(at)}{(d.Place.Length > 0 ? $"，地点：{d.Place}" : "")}");
        P($"当前环节：{d.StatusName}");
        if (d.Summary.Length > 0) P($"背景和目的：{d.Summary}");

        H("二、协商过程");
        foreach (var e in d.History) P($"{Day(e.At)}　{e.ActionName}{(e.Note.Length > 0 ? $"：{e.Note}" : "")}");
        foreach (var dl in d.Deadlines)
            P($"{dl.Name}：应于 {ConsultationRules.Day(dl.Due)} 前完成（{dl.Code switch { "notice" => $"会前 {d.NoticeDays} 个工作日", "materials" => $"会前 {d.MaterialsDays} 个工作日", _ => $"会后 {d.MinutesDays} 个工作日内" }}），{dl.State switch { "done" => "按时完成", "late" => "逾期完成", "overdue" => "已逾期", _ => "尚未完成" }}。");
        var a = d.Attendance;
        P($"参加委员：邀请 {a.MembersInvited} 人，出席 {a.MembersPresent} 人，请假 {a.MembersExcused} 人，缺席 {a.MembersAbsent} 人。");
        if (a.NonMembers > 0)
            P($"特邀参加人员 {a.NonMembers} 人（出席 {a.NonMembersPresent} 人）：{string.Join("，", a.ByCategory.Select(x => $"{x.Name} {x.Count} 人"))}。");
        foreach (var p in d.Participants) P($"{p.Name}　{p.Organization}{(p.Role.Length > 0 ? " " + p.Role : "")}（{p.CategoryName}）", size: 28);

        H("三、达成的共识和存在的分歧");
        var plainMinutes = RichText.ToPlainText(d.Minutes);
        if (d.Consensus.Length > 0) P($"达成的共识：{d.Consensus}");
        if (d.Divergences.Length > 0) P($"存在的分歧：{d.Divergences}");
        if (deliberation is not null) DeliberationSection(deliberation, P);
        if (d.Consensus.Length == 0 && d.Divergences.Length == 0 && deliberation is null) P("（尚未填写。）");
        if (plainMinutes.Length > 0)
        {
            P("会议纪要：", bold: true);
            foreach (var line in plainMinutes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) P(line);
        }

        H("四、协商建议及采纳落实情况");
        if (d.Recommendations.Count == 0) P("（尚无协商建议。）");
        var n = 0;
        foreach (var r in d.Recommendations)
        {
            P($"（{ChineseNumber(++n)}）{r.Title}", bold: true);
            if (r.Text.Length > 0) P(r.Text);
            if (r.MemberNames.Count > 0) P($"提出委员：{string.Join("、", r.MemberNames)}");
            P($"采纳情况：{r.AdoptionName}{(r.AdoptingBody.Length > 0 ? $"，采纳单位：{r.AdoptingBody}" : "")}{(r.AdoptedOn is { } on ? $"（{ConsultationRules.Day(on)}）" : "")}{(r.AdoptionNote.Length > 0 ? $"。{r.AdoptionNote}" : "")}");
            foreach (var i in r.Instructions) P($"领导批示：{i.LevelName}领导{i.LeaderName}（{ConsultationRules.Day(i.On)}）：{i.Text}");
            if (r.Adoption is "adopted" or "partly")
            {
                P($"落实进度：{r.Percent}%{(r.ImplementedOn is { } done ? $"，{ConsultationRules.Day(done)}落实完毕" : "")}");
                foreach (var m in r.Milestones)
                    P($"· {m.Title}{(m.DueOn is { } due ? $"，计划 {ConsultationRules.Day(due)}" : "")}{(m.DoneOn is { } dn ? $"，{ConsultationRules.Day(dn)}完成" : m.Overdue ? "，已逾期" : "，未完成")}", size: 28);
                if (r.Evidence.Length > 0) P($"落实情况：{r.Evidence}");
            }
            if (r.Feedback.Length > 0) P($"反馈：{r.Feedback}");
        }
        if (d.Feedback.Length > 0)
        {
            H("五、反馈");
            P(d.Feedback);
        }
        P("");
        P($"{d.CommitteeName}　{now.ToOffset(ChinaTime.Offset).ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}", center: false, indent: false);
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

    /// <summary>“Consensus found / divergences” of the online deliberation (网络议政): counts, groups, consensus and divisive statements.</summary>
    private static void DeliberationSection(DeliberationSummary s, Action<string, string, int, bool, bool, bool> p)
    {
        p($"网络议政：“{s.Question}”，{s.Participants} 人参与，{s.Statements} 条观点，{s.Votes} 次表态。", Body, 32, false, false, true);
        foreach (var (name, size, distinct) in s.Groups)
            p($"{name}（{size} 人）：{(distinct.Count > 0 ? string.Join("；", distinct) : "无显著区别的观点")}", Body, 28, false, false, true);
        if (s.ConsensusAgree.Count > 0) p($"各组共同赞同：{string.Join("；", s.ConsensusAgree)}", Body, 32, false, false, true);
        if (s.ConsensusDisagree.Count > 0) p($"各组共同反对：{string.Join("；", s.ConsensusDisagree)}", Body, 32, false, false, true);
        if (s.Divisive.Count > 0) p($"分歧较大的观点：{string.Join("；", s.Divisive)}", Body, 32, false, false, true);
        if (s.Bridging.Count > 0)
            p($"跨组共识度最高的观点：{string.Join("；", s.Bridging.Select(b => $"{b.Text}（共识度 {b.Score.ToString("0.00", CultureInfo.InvariantCulture)}，同意 {b.AgreePercent}%）"))}", Body, 32, false, false, true);
    }

    private static Paragraph Line(string text, string font, int halfPoints, bool bold, bool center, bool indent)
    {
        var props = new ParagraphProperties(new SpacingBetweenLines { Line = halfPoints > 32 ? "700" : "560", LineRule = LineSpacingRuleValues.Exact, After = "0" });
        if (center) props.Append(new Justification { Val = JustificationValues.Center });
        else if (indent) props.Append(new Indentation { FirstLineChars = 200 });
        var paragraph = new Paragraph(props);
        if (text.Length == 0) return paragraph;
        var run = new RunProperties(new RunFonts { Ascii = Latin, HighAnsi = Latin, EastAsia = font, ComplexScript = Latin, Hint = FontTypeHintValues.EastAsia },
            new FontSize { Val = halfPoints.ToString(CultureInfo.InvariantCulture) });
        if (bold) run.Append(new Bold());
        paragraph.Append(new Run(run, new Text(DutyExport.Clean(text)) { Space = SpaceProcessingModeValues.Preserve }));
        return paragraph;
    }

    private static string Day(DateTimeOffset at) => ConsultationRules.Day(ChinaTime.DayOf(at));

    private static string ChineseNumber(int n) => n is >= 1 and <= 10 ? "一二三四五六七八九十"[n - 1].ToString() : n.ToString(CultureInfo.InvariantCulture);
}
