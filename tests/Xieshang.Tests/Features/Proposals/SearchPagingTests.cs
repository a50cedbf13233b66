using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// Counting and paging of searches (<see cref="ProposalQueries.PageAsync"/>): a search counts up to
/// <see cref="ProposalQueries.SearchCountCap"/>; inside a scope the page comes from the same id list as the count, past the
/// cap (and for the administrator's whole-country search) from the two-statement path: both give the same newest-first order.
/// </summary>
public abstract class SearchPagingTests(AppFactory app)
{
    private const string Word = "xqzpaging";

    /// <summary>Inserts <paramref name="count"/> submitted proposals of 水城区 (520204) carrying <see cref="Word"/>, once per class fixture.</summary>
    private async Task<int[]> SeedAsync(int count)
    {
        return await app.WithDbAsync(async db =>
        {
            var existing = await db.Proposals.Where(p => p.Title.StartsWith("关于" + Word)).OrderByDescending(p => p.Id).Select(p => p.Id).ToArrayAsync();
            if (existing.Length > 0) return existing;
            var committee = await db.Committees.FirstAsync(c => c.Code == "520204");
            var now = DateTimeOffset.UtcNow;
            var rows = Enumerable.Range(1, count).Select(i =>
            {
                var title = $"关于{Word}第{i}号测试的建议";
                return new Proposal
                {
                    CommitteeId = committee.Id, CommitteePath = committee.Path, Status = ProposalStatus.Submitted, Kind = ProposalKind.Plenary,
                    ProposerType = ProposerType.Party, ProposerName = "民盟水城区委员会", Title = title, Body = "<p>分页测试。</p>",
                    SearchText = ProposalSearch.BuildSearchText(title, "<p>分页测试。</p>", []),
                    Term = 9, Session = 2, Year = 2026, CreatedAt = now, SubmittedAt = now, UpdatedAt = now,
                };
            }).ToList();
            db.Proposals.AddRange(rows);
            await db.SaveChangesAsync();
            return rows.Select(r => r.Id).OrderDescending().ToArray();
        });
    }

    private static int[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToArray();

    [Fact]
    public async Task A_search_counts_to_1000_and_pages_newest_first_on_both_sides_of_the_cap()
    {
        var ids = await SeedAsync(ProposalQueries.SearchCountCap + 5);
        var staff = await app.ClientAsAsync("staff.520204");

        var first = await staff.GetFromJsonAsync<JsonElement>($"/api/proposals?q={Word}");
        Assert.Equal(1000, first.GetProperty("total").GetInt32());
        Assert.True(first.GetProperty("totalCapped").GetBoolean());
        Assert.Equal(ids[..20], Ids(first));

        // Page 50 is the last inside the cap (hits 981–1000), page 51 the first past it (two-statement path): no gap, no overlap.
        Assert.Equal(ids[980..1000], Ids(await staff.GetFromJsonAsync<JsonElement>($"/api/proposals?q={Word}&page=50")));
        var past = await staff.GetFromJsonAsync<JsonElement>($"/api/proposals?q={Word}&page=51");
        Assert.Equal(ids[1000..], Ids(past));
        Assert.True(past.GetProperty("totalCapped").GetBoolean());
        Assert.Equal(ids[90..100], Ids(await staff.GetFromJsonAsync<JsonElement>($"/api/proposals?q={Word}&page=10&pageSize=10")));

        // The administrator's whole-country search takes the two-statement path: same count, same page.
        var admin = await (await app.ClientAsAsync("admin")).GetFromJsonAsync<JsonElement>($"/api/proposals?q={Word}");
        Assert.Equal(1000, admin.GetProperty("total").GetInt32());
        Assert.True(admin.GetProperty("totalCapped").GetBoolean());
        Assert.Equal(ids[..20], Ids(admin));

        // A narrower search below the cap is exact; a list without a query counts up to 10,000.
        var one = await staff.GetFromJsonAsync<JsonElement>($"/api/proposals?q={Uri.EscapeDataString($"{Word} 第7号")}");
        Assert.False(one.GetProperty("totalCapped").GetBoolean());
        Assert.Equal(one.GetProperty("items").GetArrayLength(), one.GetProperty("total").GetInt32());
        var list = await staff.GetFromJsonAsync<JsonElement>("/api/proposals?committee=520204");
        Assert.False(list.GetProperty("totalCapped").GetBoolean());
        Assert.True(list.GetProperty("total").GetInt32() >= ids.Length);

        // Another district's staff find none of them (scope through VisibleTo only).
        var other = await (await app.ClientAsAsync("staff.520201")).GetFromJsonAsync<JsonElement>($"/api/proposals?q={Word}");
        Assert.Equal(0, other.GetProperty("total").GetInt32());
        Assert.Empty(Ids(other));

        // The list page shows the search's own cap.
        var html = await (await app.SignedInPageClientAsync("staff.520204")).GetHtmlAsync($"/proposals?tab=all&q={Word}");
        Assert.Contains("共 1000+ 件", html);
        Assert.DoesNotContain("10000+", html);
    }
}

public sealed class SearchPagingSqliteTests(SqliteAppFactory app) : SearchPagingTests(app), IClassFixture<SqliteAppFactory>;
public sealed class SearchPagingPostgresTests(PostgresAppFactory app) : SearchPagingTests(app), IClassFixture<PostgresAppFactory>;
