using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using S = Xieshang.Web.Features.Proposals.ProposalStatus;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// Rich text in proposal bodies, replies and co-unit views is sanitised on the server (what is stored and what the API
/// returns): no scripts, event handlers, styles, frames or script/data URLs — while ordinary formatting, Chinese text,
/// characters beyond the BMP (𠀀) and names with a middle dot survive. SQLite and PostgreSQL.
/// </summary>
public abstract class ProposalXssTests(AppFactory app)
{
    /// <summary>XSS payloads, each wrapped in ordinary text.</summary>
    public static readonly string[] Payloads =
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)><circle r=10></circle></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<a href=\"javascript:alert(1)\">点我</a>",
        "<a href=\"  JaVaScRiPt:alert(1)\">点我</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">编码</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">实体</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">数据</a>",
        "<a href=\"vbscript:msgbox(1)\">vb</a>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<p style=\"background:url(javascript:alert(1))\">样式</p>",
        "<div style=\"width: expression(alert(1))\">表达式</div>",
        "<style>@import 'javascript:alert(1)';</style>",
        "<body onload=alert(1)>",
        "<details open ontoggle=alert(1)>展开</details>",
        "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>提交</button></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<math><mi xlink:href=\"javascript:alert(1)\">数学</mi></math>",
        "<<script>script>alert(1)<</script>/script>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<table background=\"javascript:alert(1)\"><tr><td onclick=alert(1)>格</td></tr></table>",
        "<span onmouseover=\"alert(1)\">悬停</span>",
        "<base href=\"javascript:alert(1)//\">",
        "<link rel=stylesheet href=\"javascript:alert(1)\">",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ];

    private static readonly HashSet<string> AllowedTags = new(StringComparer.OrdinalIgnoreCase)
        { "html", "head", "body", "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "span" };

    /// <summary>Ordinary formatting and text that must survive.</summary>
    private const string Formatting = "<p><strong>一、现状</strong>：<em>阿依古丽·买买提</em>委员反映𠀀𠀁字库问题。</p><ul><li>建议甲</li><li>建议乙</li></ul><p><a href=\"https://www.gov.cn/\">政策原文</a></p>";

    /// <summary>Asserts <paramref name="html"/> is safe to put into a page as it is.</summary>
    public static void AssertSafe(string html, string context)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        var doc = new HtmlParser().ParseDocument("<!doctype html><html><body>" + html + "</body></html>");
        foreach (var e in doc.All)
        {
            Assert.True(AllowedTags.Contains(e.LocalName), $"{context}: element <{e.LocalName}> in {html}");
            foreach (var a in e.Attributes)
            {
                Assert.False(a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{context}: handler {a.Name} in {html}");
                Assert.True(a.Name is "href" or "title" or "colspan" or "rowspan", $"{context}: attribute {a.Name} in {html}");
                if (a.Name == "href")
                {
                    var url = new string(a.Value.Where(ch => !char.IsWhiteSpace(ch) && !char.IsControl(ch)).ToArray()).ToLowerInvariant();
                    var colon = url.IndexOf(':');
                    var slash = url.IndexOf('/');
                    var scheme = colon >= 0 && (slash < 0 || colon < slash) ? url[..colon] : "";
                    Assert.True(scheme is "" or "http" or "https" or "mailto", $"{context}: URL {a.Value} in {html}");
                }
            }
        }
    }

    private static void AssertFormattingKept(string html)
    {
        Assert.Contains("<strong>一、现状</strong>", html);
        Assert.Contains("<em>阿依古丽·买买提</em>", html);
        Assert.Contains("𠀀𠀁", html);
        Assert.Contains("<li>建议甲</li>", html);
        Assert.Contains("<a href=\"https://www.gov.cn/\">政策原文</a>", html);
    }

    [Fact]
    public async Task Bodies_with_XSS_payloads_are_stored_and_returned_clean_and_formatting_survives()
    {
        var s = await ProposalScenario.CreateAsync(app);
        Assert.True(Payloads.Length >= 15);
        for (var i = 0; i < Payloads.Length; i++)
        {
            var id = await s.CreateAsync(title: $"关于第{i}项安全测试的建议", body: Formatting + "<p>正文" + Payloads[i] + "结束</p>", coSigners: []);
            var stored = await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Body).FirstAsync());
            AssertSafe(stored, $"stored body #{i}");
            AssertFormattingKept(stored);
            var returned = (await s.DetailAsync(s.Cast.Proposer, id)).GetProperty("body").GetString()!;
            AssertSafe(returned, $"returned body #{i}");
            Assert.Equal(stored, returned);
        }

        // Editing goes through the same sanitiser.
        var edited = await s.CreateAsync(title: "关于编辑的建议", coSigners: []);
        var member = await s.As(s.Cast.Proposer);
        var put = await member.PutAsync($"/api/proposals/{edited}", System.Net.Http.Json.JsonContent.Create(new
        {
            title = "关于编辑的建议", kind = "between-session", body = Formatting + string.Concat(Payloads),
        }));
        Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);
        var after = (await s.DetailAsync(s.Cast.Proposer, edited)).GetProperty("body").GetString()!;
        AssertSafe(after, "edited body");
        AssertFormattingKept(after);
    }

    [Fact]
    public async Task Replies_and_co_unit_views_with_XSS_payloads_are_clean_for_every_reader()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var c = s.Cast;
        var all = Formatting + string.Concat(Payloads.Select(p => "<p>意见" + p + "</p>"));
        var id = await s.InStateAsync(S.Assigned, "关于答复安全测试的建议");
        await s.ActAsync(c.CoUnit, id, "send-views", new { text = all });
        await s.ActAsync(c.Unit, id, "contact", s.DataFor("contact"));
        await s.ActAsync(c.Unit, id, "reply", new { @class = "B", text = all, @public = true });

        var (views, reply) = await app.WithDbAsync(async db => (
            await db.Assignments.Where(a => a.ProposalId == id && a.Role == Xieshang.Web.Features.Proposals.AssignmentRole.CoUnit).Select(a => a.Views).FirstAsync(),
            await db.Replies.Where(r => r.ProposalId == id).Select(r => r.Text).FirstAsync()));
        AssertSafe(views, "stored views");
        AssertFormattingKept(views);
        AssertSafe(reply, "stored reply");
        AssertFormattingKept(reply);

        foreach (var reader in new[] { c.Proposer, c.Office, c.Unit, c.Bystander })
        {
            var d = await s.DetailAsync(reader, id);
            foreach (var r in d.GetProperty("replies").EnumerateArray()) AssertSafe(r.GetProperty("text").GetString()!, $"reply as {reader}");
            foreach (var a in d.GetProperty("assignments").EnumerateArray()) AssertSafe(a.GetProperty("views").GetString()!, $"views as {reader}");
        }
        var lead = await s.DetailAsync(c.Unit, id);
        Assert.Contains("阿依古丽·买买提", lead.GetProperty("assignments").EnumerateArray().First(a => a.GetProperty("role").GetString() == "co-unit").GetProperty("views").GetString());
    }
}

public sealed class ProposalXssSqliteTests(SqliteAppFactory app) : ProposalXssTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalXssPostgresTests(PostgresAppFactory app) : ProposalXssTests(app), IClassFixture<PostgresAppFactory>;
