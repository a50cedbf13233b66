using System.Net;
using System.Text.RegularExpressions;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Layout;

/// <summary>
/// The header (Components/Layout/MainLayout.razor) offers each role only pages it may open: every demo account signs in,
/// reads the links of the header on its home page and fetches each one, which must answer 200.
/// </summary>
public abstract partial class NavLinksTests(AppFactory app)
{
    /// <summary>The local links of the page's header (the language switch excepted: it redirects back).</summary>
    private static List<string> HeaderLinks(string html)
    {
        var start = html.IndexOf("<header", StringComparison.Ordinal);
        var end = html.IndexOf("</header>", start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "no header on the page");
        return HrefRegex().Matches(html[start..end]).Select(m => m.Groups[1].Value)
            .Where(h => h.StartsWith('/') && !h.StartsWith("/culture", StringComparison.Ordinal)).Distinct().ToList();
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("staff.520200")]
    [InlineData("leader.520200")]
    [InlineData("member.520200")]
    [InlineData("unit.520200.edu")]
    public async Task Every_header_link_opens_for_the_account(string userName)
    {
        await ProposalScenario.EnsureUnitAsync(app, "520200", "520200.edu", "六盘水市教育局");
        var client = await app.SignedInPageClientAsync(userName);
        var links = HeaderLinks(await client.GetHtmlAsync("/"));
        Assert.Contains("/proposals", links);
        Assert.Contains("/inbox", links);
        foreach (var link in links)
        {
            var res = await client.GetAsync(link);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{userName}: GET {link} answered {(int)res.StatusCode} {res.Headers.Location}");
        }

        if (userName.StartsWith("unit.", StringComparison.Ordinal))
        {
            // A handling unit: no activities or calendar (both 403 for it), its statistics in the bar.
            Assert.DoesNotContain("/activities", links);
            Assert.DoesNotContain("/calendar", links);
            Assert.Contains("/proposals/stats", links);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/activities")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/calendar")).StatusCode);
        }
        else
        {
            Assert.Contains("/activities", links);
            Assert.Contains("/calendar", links);
        }
        if (userName.StartsWith("member.", StringComparison.Ordinal)) Assert.DoesNotContain("/proposals/stats", links);
        else Assert.Contains("/proposals/stats", links);
    }

    [GeneratedRegex("href=\"([^\"#]*)\"")]
    private static partial Regex HrefRegex();
}

public sealed class NavLinksSqliteTests(SqliteAppFactory f) : NavLinksTests(f), IClassFixture<SqliteAppFactory>;
public sealed class NavLinksPostgresTests(PostgresAppFactory f) : NavLinksTests(f), IClassFixture<PostgresAppFactory>;
