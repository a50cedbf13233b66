using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Study;

/// <summary>Marker for the study pages' texts: <c>IStringLocalizer&lt;StudyText&gt;</c> reads <c>Resources/Features/Study/StudyText*.resx</c>.</summary>
public sealed class StudyText;

/// <summary>How the study pages show what the rules decide: who may open them, badge colours, times. Presentation only.</summary>
public static class StudyDisplay
{
    /// <summary>Members and office accounts (handling units are refused).</summary>
    public static bool MayUse(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember;

    /// <summary>Office accounts (staff, leaders, the administrator).</summary>
    public static bool IsOffice(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader;

    /// <summary>Bootstrap badge classes of a course status code.</summary>
    public static string StatusClass(string code) => code switch
    {
        "draft" => "text-bg-light border",
        "published" => "text-bg-success",
        "closed" => "text-bg-secondary",
        _ => "text-bg-danger",
    };

    /// <summary>
    /// <c>12月3日 周四 09:00–12:00</c> in China time; in a non-Chinese UI culture <c>Thu 3 Dec 09:00–12:00</c> (names from
    /// <see cref="System.Globalization.CultureInfo.CurrentUICulture"/>).
    /// </summary>
    public static string When(DateTimeOffset start, DateTimeOffset end)
    {
        var s = ChinaTime.InChina(start);
        var e = ChinaTime.InChina(end);
        var ui = System.Globalization.CultureInfo.CurrentUICulture;
        if (ui.TwoLetterISOLanguageName != "zh")
            return $"{s.ToString("ddd d MMM HH:mm", ui)}–{e.ToString(s.Date == e.Date ? "HH:mm" : "ddd d MMM HH:mm", ui)}";
        var week = "日一二三四五六"[(int)s.DayOfWeek];
        return $"{s.Month}月{s.Day}日 周{week} {s:HH:mm}–{(s.Date == e.Date ? e.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) : $"{e.Month}月{e.Day}日 {e:HH:mm}")}";
    }

    /// <summary>A size in bytes as <c>1.2 MB</c> / <c>35 KB</c>.</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024d / 1024d:0.#} MB" : $"{Math.Max(1, bytes / 1024)} KB";

    /// <summary>
    /// Parses the quiz editor's text: questions separated by a blank line; the first line is the question, each further line an
    /// option, an option starting with <c>*</c> (or <c>＊</c>) is right. Returns the questions as the API takes them.
    /// </summary>
    public static QuizQuestionInput[] ParseQuiz(string? text)
    {
        var blocks = (text ?? "").Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var list = new List<QuizQuestionInput>();
        foreach (var block in blocks)
        {
            var lines = block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0) continue;
            var options = new List<string>();
            var correct = new List<int>();
            foreach (var line in lines.Skip(1))
            {
                var right = line.StartsWith('*') || line.StartsWith('＊');
                if (right) correct.Add(options.Count);
                options.Add(right ? line[1..].Trim() : line);
            }
            list.Add(new QuizQuestionInput(lines[0], [.. options], [.. correct]));
        }
        return [.. list];
    }

    /// <summary>The quiz editor's text of stored questions (the inverse of <see cref="ParseQuiz"/>).</summary>
    public static string QuizText(IEnumerable<QuizQuestionView> questions) => string.Join("\n\n", questions.Select(q =>
        q.Text + "\n" + string.Join("\n", q.Options.Select((o, i) => (q.Correct?.Contains(i) == true ? "*" : "") + o))));
}
