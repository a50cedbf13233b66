using Xieshang.Web.Features.Outcomes;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Features.Deliberations;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Consultations;

namespace Xieshang.Tests.Features.Consultations;

/// <summary>
/// The deliberation's result flows into the consultation: its page links the deliberation and lists the statements shared
/// across groups; staff turn one into a recommendation (once); the report carries them; other roles cannot.
/// </summary>
public abstract class ConsultationDeliberationTests(AppFactory app)
{
    private static FormUrlEncodedContent Form(string token, params (string, string)[] fields) =>
        new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)))
            { ["__RequestVerificationToken"] = token, ["_handler"] = "from-statement" });

    [Fact]
    public async Task Staff_turn_a_statement_shared_across_groups_into_a_recommendation_once()
    {
        var consultation = await DeliberationTestData.ConsultationAsync(app, "520200", "关于城乡养老服务体系建设的网络议政");
        await app.WithDbAsync(db => db.Consultations.Where(c => c.Id == consultation).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConsultationStatus.Minutes)));
        var (deliberation, statements) = await DeliberationTestData.TwoCampsAsync(app, consultation);
        Assert.True(await DeliberationTestData.RecomputeAsync(app, deliberation));
        var shared = statements[8]; // everyone agrees with seed 8 (应建立全市统一的养老服务信息平台)

        var url = $"/consultations/{consultation}";
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var page = await staff.GetHtmlAsync(url);
        Assert.Contains($"/deliberations/{deliberation}/map", page);
        Assert.Contains("应建立全市统一的养老服务信息平台", page);
        Assert.Contains($"value=\"{shared}\"", page);
        // A camp statement is not shared across groups, so it is not offered.
        Assert.DoesNotContain($"value=\"{statements[0]}\"", page);

        var res = await staff.PostAsync(url, Form(PageClient.Token(page), ("statement", shared.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        var rec = await app.WithDbAsync(db => ConsultationQueries.Recommendations(db, consultation).SingleAsync());
        Assert.Equal("应建立全市统一的养老服务信息平台", rec.Title);
        Assert.Contains("网络议政", rec.Text);

        // A second post of the same statement (another tab, a double click) is refused and adds nothing.
        var again = await staff.PostAsync(url, Form(PageClient.Token(await staff.GetHtmlAsync(url)), ("statement", shared.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var againHtml = await again.HtmlAsync();
        Assert.True(againHtml.Contains("这条观点已转为协商建议"), $"second post: {(int)again.StatusCode} {again.Headers.Location} {againHtml[..Math.Min(300, againHtml.Length)]}");
        Assert.Equal(1, await app.WithDbAsync(db => ConsultationQueries.Recommendations(db, consultation).CountAsync()));

        // Offered once: the page now marks it, and the report lists the shared statements.
        var after = await staff.GetHtmlAsync(url);
        Assert.Contains("已转为建议", after);
        Assert.DoesNotContain($"value=\"{shared}\"", after);
        var docx = await (await app.ClientAsAsync("staff.520200")).GetByteArrayAsync($"/api/consultations/{consultation}/report.docx");
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(docx));
        using var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
        var xml = await reader.ReadToEndAsync();
        Assert.Contains("跨组共识度最高的观点", xml);
        Assert.Contains("应建立全市统一的养老服务信息平台", xml);

        // A member sees the deliberation but no form; a member's post and another district's staff change nothing.
        var member = await app.SignedInPageClientAsync("member.520200");
        var memberPage = await member.GetAsync(url);
        if (memberPage.StatusCode == HttpStatusCode.OK)
        {
            var html = await memberPage.HtmlAsync();
            Assert.DoesNotContain("转为协商建议", html);
            var posted = await member.PostAsync(url, Form(PageClient.Token(html), ("statement", statements[9].ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.NotEqual(HttpStatusCode.Redirect, posted.StatusCode);
        }
        else Assert.Equal(HttpStatusCode.Forbidden, memberPage.StatusCode);
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(url)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => ConsultationQueries.Recommendations(db, consultation).CountAsync()));
    }

    [Fact]
    public async Task A_statement_that_is_not_offered_is_refused_and_nothing_is_saved()
    {
        var consultation = await DeliberationTestData.ConsultationAsync(app, "520200");
        await app.WithDbAsync(db => db.Consultations.Where(c => c.Id == consultation).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConsultationStatus.Minutes)));
        var (deliberation, statements) = await DeliberationTestData.TwoCampsAsync(app, consultation);
        Assert.True(await DeliberationTestData.RecomputeAsync(app, deliberation));
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var url = $"/consultations/{consultation}";
        var page = await staff.GetHtmlAsync(url);

        var res = await staff.PostAsync(url, Form(PageClient.Token(page), ("statement", statements[0].ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Contains("没有这条网络议政观点", await res.HtmlAsync());
        Assert.Equal(0, await app.WithDbAsync(db => ConsultationQueries.Recommendations(db, consultation).CountAsync()));
    }
}

public sealed class ConsultationDeliberationSqliteTests(SqliteAppFactory f) : ConsultationDeliberationTests(f), IClassFixture<SqliteAppFactory>;
public sealed class ConsultationDeliberationPostgresTests(PostgresAppFactory f) : ConsultationDeliberationTests(f), IClassFixture<PostgresAppFactory>;
