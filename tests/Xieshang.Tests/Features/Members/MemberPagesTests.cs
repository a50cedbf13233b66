using System.Net;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Members;

/// <summary>The member, committee, home and audit pages through HTTP with the login cookie, on both providers.</summary>
public abstract class MemberPagesTests(AppFactory app)
{
    [Fact]
    public async Task Office_pages_refuse_members_and_the_audit_log_refuses_staff()
    {
        var member = await app.SignedInPageClientAsync("member.520201");
        foreach (var url in new[] { "/members", "/committees", "/members/import", "/admin/audit", "/members/new?committee=520201" })
        {
            var res = await member.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
            Assert.Equal("/account/denied", res.Target().Split('?')[0]);
        }
        var denied = await member.GetAsync("/account/denied");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("无权访问", await denied.HtmlAsync());

        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Equal("/account/denied", (await staff.GetAsync("/admin/audit")).Target().Split('?')[0]);
        var leader = await app.SignedInPageClientAsync("leader.520200");
        Assert.Equal("/account/denied", (await leader.GetAsync("/members/import")).Target().Split('?')[0]);
    }

    [Fact]
    public async Task County_staff_cannot_list_another_county()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var other = await staff.GetAsync("/members?committee=520203");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var html = await other.HtmlAsync();
        Assert.DoesNotContain("六枝特区政协", html);
        Assert.DoesNotMatch(@"href=""/members/\d", html);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/?committee=520203")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/committees?parent=520200")).StatusCode);

        // The committee dropdown offers only what the account sees.
        var own = await staff.GetHtmlAsync("/members");
        Assert.Contains("<option value=\"520201\" selected", own);
        Assert.DoesNotContain("value=\"520203\"", own);
        var outsider = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520203").Select(m => m.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/members/{outsider}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/members/{outsider}/edit")).StatusCode);
    }

    [Fact]
    public async Task Member_list_filters_searches_by_pinyin_and_masks_phones_for_leaders()
    {
        var target = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.Phone.Length == 11 && m.IsActive)
            .OrderBy(m => m.Id).Select(m => new { m.Id, m.Name, m.Phone, m.PinyinInitials, m.PinyinFull }).FirstAsync());

        var staff = await app.SignedInPageClientAsync("staff.520200");
        var list = await staff.GetHtmlAsync($"/members?committee=520201&q={target.PinyinFull}&order=pinyin");
        Assert.Contains($"href=\"/members/{target.Id}\"", list);
        Assert.Contains(target.Phone, list);
        Assert.Contains("/api/committees/520201/members/export", list);

        var leader = await app.SignedInPageClientAsync("leader.520200");
        var masked = await leader.GetHtmlAsync($"/members?committee=520201&q={target.PinyinFull}");
        Assert.Contains($">{target.Name}</a>", masked);
        Assert.DoesNotContain(target.Phone, masked);
        Assert.Contains(target.Phone[..3] + "****" + target.Phone[7..], masked);
        Assert.DoesNotContain("/members/new", masked);
    }

    [Fact]
    public async Task Invalid_edits_show_field_messages_and_change_nothing_valid_ones_save()
    {
        var id = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201").OrderBy(m => m.Id).Select(m => m.Id).FirstAsync());
        var before = await app.WithDbAsync(db => db.Members.AsNoTracking().FirstAsync(m => m.Id == id));
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var form = await staff.GetHtmlAsync($"/members/{id}/edit");
        Assert.Contains($"value=\"{before.Name}\"", form);

        Dictionary<string, string> Fields(string name, string phone, string term) => new()
        {
            ["__RequestVerificationToken"] = PageClient.Token(form), ["_handler"] = "member",
            ["Form.Name"] = name, ["Form.Gender"] = "女", ["Form.EthnicGroup"] = before.EthnicGroupCode, ["Form.Party"] = "民盟",
            ["Form.Sector"] = before.SectorId.ToString(), ["Form.Position"] = "StandingMember", ["Form.Term"] = term,
            ["Form.BirthMonth"] = "1970.05", ["Form.WorkUnit"] = "钟山区某单位", ["Form.Phone"] = phone, ["Form.Email"] = "", ["Form.IsActive"] = "true",
        };
        var bad = await staff.PostAsync($"/members/{id}/edit", new FormUrlEncodedContent(Fields("", "12345", "第九届")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var html = await bad.HtmlAsync();
        Assert.Contains("请修改下面标出的内容后再保存", html);
        Assert.Contains("姓名不能为空", html);
        Assert.Contains("无法识别的电话号码“12345”", html);
        var unchanged = await app.WithDbAsync(db => db.Members.AsNoTracking().FirstAsync(m => m.Id == id));
        Assert.Equal(before.Name, unchanged.Name);
        Assert.Equal(before.Phone, unchanged.Phone);

        var good = await staff.PostAsync($"/members/{id}/edit", new FormUrlEncodedContent(Fields("欧阳　兰", "139 0000 1234", "第九届")));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal($"/members/{id}?saved=1", good.Target());
        var saved = await app.WithDbAsync(db => db.Members.AsNoTracking().FirstAsync(m => m.Id == id));
        Assert.Equal(("欧阳兰", "13900001234", 9), (saved.Name, saved.Phone, saved.Term));
        Assert.Contains("已保存", await staff.GetHtmlAsync($"/members/{id}?saved=1"));
    }

    [Fact]
    public async Task Staff_create_and_deactivate_members_on_the_pages()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var form = await staff.GetHtmlAsync("/members/new?committee=520204");
        Assert.Contains("水城区政协", form);
        var sector = await app.WithDbAsync(db => db.Sectors.Where(s => s.Committee!.Code == "520204").OrderBy(s => s.SortOrder).Select(s => s.Id).FirstAsync());
        var created = await staff.PostAsync("/members/new?committee=520204", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(form), ["_handler"] = "member",
            ["Form.Name"] = "诸葛　明", ["Form.Gender"] = "男", ["Form.EthnicGroup"] = "01", ["Form.Party"] = "中共",
            ["Form.Sector"] = sector.ToString(), ["Form.Position"] = "Member", ["Form.Term"] = "10",
        }));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var detailUrl = created.Target().Split('?')[0];
        var detail = await staff.GetHtmlAsync(detailUrl);
        Assert.Contains("诸葛明", detail);
        Assert.Contains("水城区政协", detail);

        var deactivate = await staff.PostAsync(detailUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(detail), ["_handler"] = "deactivate",
        }));
        Assert.Equal(HttpStatusCode.Redirect, deactivate.StatusCode);
        var id = int.Parse(detailUrl.Split('/').Last());
        Assert.False(await app.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.IsActive).FirstAsync()));

        // The change shows on the committee's home dashboard.
        var home = await staff.GetHtmlAsync("/?committee=520204");
        Assert.Contains("最近变动", home);
        Assert.Contains("诸葛明", home);
    }

    [Fact]
    public async Task A_member_sees_their_own_profile_and_honest_to_dos_but_not_other_committees()
    {
        var member = await app.SignedInPageClientAsync("member.520201");
        var home = await member.GetHtmlAsync("/");
        var own = await app.WithDbAsync(db => db.Users.Where(u => u.UserName == "member.520201").Select(u => u.MemberId).FirstAsync());
        var name = await app.WithDbAsync(db => db.Members.Where(m => m.Id == own).Select(m => m.Name).FirstAsync());
        Assert.Contains("我的信息", home);
        Assert.Contains(name, home);
        Assert.Contains("履职活动、提案等模块上线后", home);
        Assert.DoesNotContain("按界别", home);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/members/{own}")).StatusCode);
        var elsewhere = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520203").Select(m => m.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/members/{elsewhere}")).StatusCode);
    }

    [Fact]
    public async Task Dashboard_and_committee_pages_count_active_members_in_scope()
    {
        var leader = await app.SignedInPageClientAsync("leader.520200");
        var home = await leader.GetHtmlAsync("/");
        Assert.Contains("<h1>六盘水市政协</h1>", home);
        foreach (var text in new[] { "按界别", "按职务", "按党派", "下级政协", "钟山区政协", "盘州市政协" }) Assert.Contains(text, home);

        var committees = await leader.GetHtmlAsync("/committees");
        Assert.Contains("href=\"/members?committee=520281\"", committees);
        var search = await leader.GetHtmlAsync("/committees?q=" + Uri.EscapeDataString("水城"));
        Assert.Contains("水城区政协", search);
        Assert.DoesNotContain("钟山区政协", search);

        var en = await leader.GetHtmlAsync("/?culture=en");
        Assert.Contains("By sector", en);
        Assert.Contains("Lower committees", en);
    }

    [Fact]
    public async Task Import_page_previews_every_row_with_its_problems_then_confirm_stores_the_valid_ones()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var page = await staff.GetHtmlAsync("/members/import?committee=520281");
        Assert.Contains("<option value=\"520281\" selected", page);
        Assert.DoesNotContain("value=\"CN\"", page);

        var xlsx = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(xlsx, new[]
        {
            new Dictionary<string, object> { ["姓名"] = "端木　青", ["性别"] = "女", ["民族"] = "汉族", ["党派"] = "民进", ["界别"] = "教育界", ["届次"] = "第十届", ["手机号码"] = "13900002001" },
            new Dictionary<string, object> { ["姓名"] = "端木白", ["性别"] = "男", ["民族"] = "汉族", ["党派"] = "不存在党", ["界别"] = "教育界", ["届次"] = "第十届", ["手机号码"] = "" },
        });
        var form = new MultipartFormDataContent
        {
            { new StringContent(PageClient.Token(page)), "__RequestVerificationToken" },
            { new StringContent("preview"), "_handler" },
            { new StringContent("520281"), "committee" },
            { new ByteArrayContent(xlsx.ToArray()), "file", "名册.xlsx" },
        };
        var preview = await staff.PostAsync("/members/import", form);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var html = await preview.HtmlAsync();
        Assert.Contains("端木青", html);
        Assert.Contains("无法识别的党派“不存在党”", html);
        Assert.Contains("第 3 行“党派”", html);
        Assert.Equal(0, await app.WithDbAsync(db => db.Members.CountAsync(m => m.Name.StartsWith("端木"))));

        var data = System.Text.RegularExpressions.Regex.Match(html, "name=\"data\" value=\"([^\"]+)\"").Groups[1].Value;
        var confirm = await staff.PostAsync("/members/import/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(html), ["committee"] = "520281", ["fileName"] = "名册.xlsx", ["data"] = data,
        }));
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        Assert.Equal("/members/import?committee=520281&created=1&updated=0&skipped=1", confirm.Target());
        Assert.Equal(["端木青"], await app.WithDbAsync(db => db.Members.Where(m => m.Name.StartsWith("端木")).Select(m => m.Name).ToListAsync()));
        Assert.Contains("新增 1 人，更新 0 人，1 行因有问题未导入", await staff.GetHtmlAsync(confirm.Target()));

        // Staff of another committee may not confirm into it, whatever the form says.
        var county = await app.SignedInPageClientAsync("staff.520201");
        var token = await county.TokenOfAsync("/members/import");
        var refused = await county.PostAsync("/members/import/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["committee"] = "520281", ["fileName"] = "名册.xlsx", ["data"] = data,
        }));
        Assert.Equal("/account/denied", refused.Target().Split('?')[0]);
        Assert.Equal(1, await app.WithDbAsync(db => db.Members.CountAsync(m => m.Name.StartsWith("端木"))));
    }

    [Fact]
    public async Task Admin_reads_the_audit_log_filtered_by_user_and_action()
    {
        await app.SignedInPageClientAsync("staff.520201"); // writes a SignIn entry
        var admin = await app.SignedInPageClientAsync("admin");
        var page = await admin.GetHtmlAsync("/admin/audit?user=staff.520201&action=SignIn");
        Assert.Contains("<td>staff.520201</td>", page);
        Assert.DoesNotContain("<td>admin</td>", page);
        Assert.Contains("审计日志", page);
    }
}

public sealed class MemberPagesSqliteTests(SqliteAppFactory app) : MemberPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class MemberPagesPostgresTests(PostgresAppFactory app) : MemberPagesTests(app), IClassFixture<PostgresAppFactory>;
