using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Consultations;

/// <summary>The consultation pages: list and detail for staff, a member refused before the notice and another district refused, and the no-login registration page (form post, bad input, unknown token).</summary>
public abstract class ConsultationPagesTests(AppFactory app)
{
    [Fact]
    public async Task Staff_see_list_and_detail_others_are_refused_and_non_members_register_on_the_link_page()
    {
        var api = await app.ClientAsAsync("staff.520200");
        var created = await api.PostAsJsonAsync("/api/consultations", new { committee = "520200", title = "院坝协商：饮水安全", type = "courtyard" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var link = JsonDocument.Parse(await (await api.PostAsJsonAsync($"/api/consultations/{id}/links", new { label = "海坪村" })).Content.ReadAsStringAsync()).RootElement;
        var url = link.GetProperty("url").GetString()!;

        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Contains("院坝协商：饮水安全", await staff.GetHtmlAsync("/consultations?type=courtyard"));
        var detail = await staff.GetHtmlAsync($"/consultations/{id}");
        Assert.Contains("院坝协商", detail);
        Assert.Contains(url, detail);
        Assert.Contains("确定议题", detail);
        Assert.Contains("/consultations/plan/", await staff.GetHtmlAsync("/consultations"));

        var member = await app.SignedInPageClientAsync("member.520200");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/consultations/{id}")).StatusCode);
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/consultations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/consultations/{id}/edit")).StatusCode);

        var anon = app.CreatePageClient();
        var page = await anon.GetHtmlAsync(url);
        Assert.Contains("院坝协商：饮水安全", page);
        var token = PageClient.Token(page);
        var bad = await anon.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "register", ["name"] = "杨𬱖", ["organization"] = "海坪村", ["category"] = "villager", ["phone"] = "123",
        }));
        Assert.Contains("手机号码格式不正确", await bad.HtmlAsync());
        var ok = await anon.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "register", ["name"] = "杨𬱖", ["organization"] = "海坪村", ["role"] = "村民", ["category"] = "villager", ["phone"] = "13800000000",
        }));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains("报名成功", await anon.GetHtmlAsync(ok.Target()));
        Assert.Equal("杨𬱖", await app.WithDbAsync(db => db.ConsultationParticipants.Where(p => p.ConsultationId == id).Select(p => p.Name).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync("/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).StatusCode);
    }
}

public sealed class ConsultationPagesSqliteTests(SqliteAppFactory app) : ConsultationPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ConsultationPagesPostgresTests(PostgresAppFactory app) : ConsultationPagesTests(app), IClassFixture<PostgresAppFactory>;
