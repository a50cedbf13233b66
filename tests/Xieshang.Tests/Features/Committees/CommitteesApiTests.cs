using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Committees;

/// <summary>Committees and sectors API, run on both providers through the subclasses below.</summary>
public abstract class CommitteesApiTests(AppFactory app)
{
    [Fact]
    public async Task Admin_sees_the_whole_tree_with_real_codes_and_levels()
    {
        var client = await app.ClientAsAsync("admin");
        var page = await client.GetFromJsonAsync<JsonElement>("/api/committees?pageSize=1");
        Assert.InRange(page.GetProperty("total").GetInt32(), 3300, 3400);

        var lps = await client.GetFromJsonAsync<JsonElement>("/api/committees/520200");
        Assert.Equal("六盘水市政协", lps.GetProperty("name").GetString());
        Assert.Equal("City", lps.GetProperty("level").GetString());
        Assert.Equal("520000", lps.GetProperty("parentCode").GetString());

        var zs = await client.GetFromJsonAsync<JsonElement>("/api/committees/520201");
        Assert.Equal("钟山区政协", zs.GetProperty("name").GetString());
        Assert.Equal("520200", zs.GetProperty("parentCode").GetString());

        // Municipalities have no city level: Beijing's districts hang under the province-level committee.
        var dongcheng = await client.GetFromJsonAsync<JsonElement>("/api/committees/110101");
        Assert.Equal("110000", dongcheng.GetProperty("parentCode").GetString());
        var national = await client.GetFromJsonAsync<JsonElement>("/api/committees/CN");
        Assert.Equal("National", national.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Children_and_name_search()
    {
        var client = await app.ClientAsAsync("staff.520200");
        var children = await client.GetFromJsonAsync<JsonElement>("/api/committees?parent=520200");
        var codes = children.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Equal(["520201", "520203", "520204", "520281"], codes);

        var search = await client.GetFromJsonAsync<JsonElement>("/api/committees?q=" + Uri.EscapeDataString("钟山"));
        Assert.Equal("520201", Assert.Single(search.GetProperty("items").EnumerateArray()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Staff_only_see_their_subtree()
    {
        var client = await app.ClientAsAsync("staff.520201");
        var all = await client.GetFromJsonAsync<JsonElement>("/api/committees");
        Assert.Equal(1, all.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/committees/520203")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/sectors?committee=520203")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/committees/999999")).StatusCode);
    }

    [Fact]
    public async Task Sectors_of_a_demo_committee_and_of_the_national_committee()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var sectors = await staff.GetFromJsonAsync<JsonElement>("/api/sectors?committee=520201");
        var names = sectors.EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        foreach (var n in new[] { "中国共产党", "中国民主同盟", "中国民主建国会", "九三学社", "无党派人士", "经济界", "教育界", "医药卫生界", "农业界", "科学技术界", "文化艺术界", "少数民族界", "社会科学界" })
            Assert.Contains(n, names);
        Assert.True(sectors.EnumerateArray().Sum(s => s.GetProperty("members").GetInt32()) >= 60);

        var admin = await app.ClientAsAsync("admin");
        var national = await admin.GetFromJsonAsync<JsonElement>("/api/sectors?committee=CN");
        Assert.Equal(34, national.GetArrayLength());
    }

    [Fact]
    public async Task Anonymous_and_handling_units_are_refused()
    {
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/committees")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/sectors?committee=520200")).StatusCode);
        var member = await app.ClientAsAsync("member.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/committees/520200")).StatusCode);
    }
}

public sealed class CommitteesApiSqliteTests(SqliteAppFactory app) : CommitteesApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class CommitteesApiPostgresTests(PostgresAppFactory app) : CommitteesApiTests(app), IClassFixture<PostgresAppFactory>;
