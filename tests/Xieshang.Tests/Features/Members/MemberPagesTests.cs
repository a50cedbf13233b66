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
        foreach (var url in new[] { "/committees", "/members/import", "/admin/audit", "/members/new?committee=520201" })
        {
            var res = await member.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
            Assert.Equal("/account/denied", res.Target().Split('?')[0]);
        }
        var denied = await member.GetAsync("/account/denied");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var text = await denied.HtmlAsync();
        Assert.Contains("无权访问", text);
        Assert.Contains("委员账号可以在首页查看本人信息", text); // and what a member has instead
        Assert.Contains("href=\"/members\">委员名录", text);

        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Equal("/account/denied", (await staff.GetAsync("/admin/audit")).Target().Split('?')[0]);
        Assert.DoesNotContain("委员账号可以", await (await staff.GetAsync("/account/denied")).HtmlAsync());
        var leader = await app.SignedInPageClientAsync("leader.520200");
        Assert.Equal("/account/denied", (await leader.GetAsync("/members/import")).Target().Split('?')[0]);
    }

    [Fact]
    public async Task A_member_reads_their_own_committees_directory_with_masked_contacts_and_no_office_actions()
    {
        var member = await app.SignedInPageClientAsync("member.520201");
        var own = await app.WithDbAsync(db => db.Users.Where(u => u.UserName == "member.520201").Select(u => u.MemberId).FirstAsync());
        var other = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.Id != own && m.Phone.Length == 11)
            .OrderBy(m => m.Id).Select(m => new { m.Id, m.Name, m.Phone, m.PinyinFull }).FirstAsync());

        var home = await member.GetHtmlAsync("/");
        Assert.Contains(">委员名录</a>", home); // the menu link

        var list = await member.GetHtmlAsync($"/members?q={other.PinyinFull}");
        Assert.Contains("<h1>委员名录 · 钟山区政协</h1>", list);
        Assert.Contains("手机号码和电子邮箱已部分隐藏", list);
        Assert.Contains($">{other.Name}</a>", list);
        Assert.DoesNotContain(other.Phone, list);
        Assert.Contains(other.Phone[..3] + "****" + other.Phone[7..], list);
        foreach (var office in new[] { "/members/new", "/members/export", "id=\"committee\"", "name=\"below\"" }) Assert.DoesNotContain(office, list);

        // Only their own committee: not a county next door, not the city above.
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/members?committee=520203")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/members?committee=520200")).StatusCode);
        var everyone = await member.GetHtmlAsync("/members");
        var outsiders = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code != "520201").Select(m => m.Id).ToListAsync());
        Assert.DoesNotContain(outsiders, id => everyone.Contains($"href=\"/members/{id}\""));

        // A colleague's record: masked, no edit, and a way back to the directory.
        var detail = await member.GetHtmlAsync($"/members/{other.Id}");
        Assert.DoesNotContain(other.Phone, detail);
        Assert.DoesNotContain($"/members/{other.Id}/edit", detail);
        Assert.Contains("返回委员名录", detail);
    }

    [Fact]
    public async Task Bad_query_values_are_ignored_rather_than_failing_the_page()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        foreach (var url in new[]
        {
            "/members?page=abc", "/members?term=abc", "/members?sector=x", "/members?active=maybe", "/members?below=perhaps",
            "/members?page=-3", "/members?page=99999999999", "/members?term=1e3", "/committees?page=x", "/committees?page=2147483647",
            "/members/import?created=x", "/members/import?created=1&updated=y&skipped=", "/members/1?saved=",
        })
        {
            var res = await staff.GetAsync(url);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)res.StatusCode}");
        }
        var list = await staff.GetHtmlAsync("/members?committee=520201&page=abc&term=abc&sector=x&active=maybe");
        Assert.Contains("<h1>委员 · 钟山区政协</h1>", list);
        Assert.Contains("<input id=\"term\" name=\"term\" type=\"number\" min=\"1\" max=\"99\" class=\"form-control\" />", list); // no value
        Assert.DoesNotContain("selected>已离任", list);
        Assert.DoesNotContain("导入完成", await staff.GetHtmlAsync("/members/import?created=x"));
        Assert.Contains("新增 2 人，更新 0 人，0 行因有问题未导入", await staff.GetHtmlAsync("/members/import?created=2&updated=y"));

        var admin = await app.SignedInPageClientAsync("admin");
        Assert.Contains("审计日志", await admin.GetHtmlAsync("/admin/audit?page=x"));
    }

    [Fact]
    public async Task The_member_list_says_whether_lower_committees_are_included_and_can_leave_them_out()
    {
        var (own, subtree, ownActive) = await app.WithDbAsync(async db => (
            await db.Members.CountAsync(m => m.Committee!.Code == "520200"),
            await db.Members.CountAsync(m => m.CommitteePath.StartsWith("/CN/520000/520200/")),
            await db.Members.CountAsync(m => m.Committee!.Code == "520200" && m.IsActive)));
        Assert.True(subtree > own);
        var leader = await app.SignedInPageClientAsync("leader.520200");

        var all = await leader.GetHtmlAsync("/members");
        Assert.Contains("<h1>委员 · 六盘水市政协</h1>", all);
        Assert.Contains("本级及下级政协的委员", all);
        Assert.Contains($"共 {subtree} 条", all);
        Assert.Contains("<input class=\"form-check-input\" type=\"checkbox\" role=\"switch\" id=\"below\" name=\"below\" value=\"true\" checked />", all);
        Assert.Contains("<th scope=\"col\" class=\"d-phone-none\">政协组织</th>", all); // whose member each row is

        // The form sends below=false alone when the box is unticked, below=false&below=true when it is ticked.
        var ownOnly = await leader.GetHtmlAsync("/members?committee=520200&below=false");
        Assert.Contains("仅本级委员，不含下级政协", ownOnly);
        Assert.Contains($"共 {own} 条", ownOnly);
        Assert.Contains("id=\"below\" name=\"below\" value=\"true\" />", ownOnly); // unticked
        Assert.Matches("href=\"[^\"]*below=false[^\"]*page=2\"", ownOnly); // paging keeps the choice
        Assert.Contains($"共 {subtree} 条", await leader.GetHtmlAsync("/members?committee=520200&below=false&below=true"));

        // A county without lower committees: no box, no committee column.
        var county = await leader.GetHtmlAsync("/members?committee=520201");
        Assert.DoesNotContain("name=\"below\"", county);
        Assert.Contains("本级委员", county);
        Assert.DoesNotContain("<th scope=\"col\" class=\"d-phone-none\">政协组织</th>", county);

        // The export holds the committee's own active members only, and the page says so next to the link.
        Assert.Contains("仅导出本级在任委员", all);
        Assert.Contains("title=\"导出六盘水市政协本级的在任委员，不含下级政协和已离任的委员\"", all);

        // The dashboard's own-committee figures link to the list of exactly those members.
        var home = await leader.GetHtmlAsync("/");
        Assert.Contains("href=\"/members?committee=520200&below=false&active=true\"", home);
        Assert.Contains($"共 {ownActive} 条", await leader.GetHtmlAsync("/members?committee=520200&below=false&active=true"));

        var en = await leader.GetHtmlAsync("/members?culture=en");
        Assert.Contains("Members of this committee and of the committees below it", en);
        Assert.Contains("Include lower committees", en);
        Assert.Contains("Exports this committee's active members only", en);
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
    public async Task Posting_a_form_the_page_does_not_show_gets_a_friendly_answer_not_a_bare_400()
    {
        var county = await app.SignedInPageClientAsync("staff.520201");
        var id = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.IsActive).OrderByDescending(m => m.Id).Select(m => m.Id).FirstAsync());
        var token = PageClient.Token(await county.GetHtmlAsync($"/members/{id}"));
        FormUrlEncodedContent Form(string handler, params (string Key, string Value)[] fields) =>
            new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))) { ["__RequestVerificationToken"] = token, ["_handler"] = handler });

        // Deactivating twice (a second tab, the back button): the second post lands on the same notice.
        foreach (var _ in new[] { 1, 2 })
        {
            var res = await county.PostAsync($"/members/{id}", Form("deactivate"));
            Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
            Assert.Equal($"/members/{id}?saved=deactivated", res.Target());
        }
        Assert.Contains("已设为离任", await county.GetHtmlAsync($"/members/{id}?saved=deactivated"));

        // Another county's member: deactivate and edit are refused with the Forbidden page, and nothing changes.
        var other = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520203" && m.IsActive).Select(m => new { m.Id, m.Name }).FirstAsync());
        var deactivate = await county.PostAsync($"/members/{other.Id}", Form("deactivate"));
        Assert.Equal(HttpStatusCode.Forbidden, deactivate.StatusCode);
        Assert.Contains("无权访问", await deactivate.HtmlAsync());
        var edit = await county.PostAsync($"/members/{other.Id}/edit", Form("member", ("Form.Name", "改名")));
        Assert.Equal(HttpStatusCode.Redirect, edit.StatusCode);
        Assert.Equal($"/members/{other.Id}/edit", edit.Target());
        var refused = await county.GetAsync(edit.Target());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("无权访问", await refused.HtmlAsync());
        Assert.Equal(new { other.Name, IsActive = true }, await app.WithDbAsync(db => db.Members.Where(m => m.Id == other.Id).Select(m => new { m.Name, m.IsActive }).FirstAsync()));

        // A leader may read but not deactivate.
        var leader = await app.SignedInPageClientAsync("leader.520200");
        var leaderToken = PageClient.Token(await leader.GetHtmlAsync("/"));
        var byLeader = await leader.PostAsync($"/members/{other.Id}", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = leaderToken, ["_handler"] = "deactivate" }));
        Assert.Equal(HttpStatusCode.Forbidden, byLeader.StatusCode);
        Assert.Contains("无权访问", await byLeader.HtmlAsync());

        // Unknown members: the post is redirected, and the page's GET says it does not exist.
        foreach (var (url, handler) in new[] { ("/members/999999", "deactivate"), ("/members/999999/edit", "member"), ("/members/new?committee=nowhere", "member") })
        {
            var res = await county.PostAsync(url, Form(handler, ("Form.Name", "某")));
            Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
            Assert.Equal(url, res.Target());
            var page = await county.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Contains("页面不存在", await page.HtmlAsync());
        }

        // The import preview for a committee out of scope: the Forbidden page, not a bare 400.
        var preview = await county.PostAsync("/members/import", new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("preview"), "_handler" },
            { new StringContent("520203"), "committee" },
            { new ByteArrayContent([1, 2, 3]), "file", "名册.xlsx" },
        });
        Assert.Equal(HttpStatusCode.Forbidden, preview.StatusCode);
        Assert.Contains("无权访问", await preview.HtmlAsync());
    }

    [Fact]
    public async Task Unknown_addresses_get_the_friendly_not_found_page()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        foreach (var url in new[] { "/nonexistent", "/members/abc", "/members/999999", "/login" })
        {
            var res = await staff.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
            var html = await res.HtmlAsync();
            Assert.Contains("<h1 class=\"h4\">页面不存在</h1>", html);
            Assert.Contains("返回首页", html);
        }
        await staff.GetAsync("/culture?c=en&returnUrl=/");
        var en = await staff.GetAsync("/nonexistent");
        Assert.Equal(HttpStatusCode.NotFound, en.StatusCode);
        Assert.Contains("Page not found", await en.HtmlAsync());
        var anonymous = await app.CreatePageClient().GetAsync("/nonexistent");
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        Assert.Contains("页面不存在", await anonymous.HtmlAsync());
    }

    [Fact]
    public async Task English_pages_have_no_Chinese_punctuation_or_doubled_words_around_the_data()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var id = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201").OrderBy(m => m.Id).Select(m => new { m.Id, m.Term }).FirstAsync());
        var detail = await staff.GetHtmlAsync($"/members/{id.Id}?culture=en");
        Assert.Contains($"<dt>Term</dt><dd>{id.Term}</dd>", detail);
        Assert.DoesNotContain("Term Term", detail);
        Assert.Contains($"<dt>届次</dt><dd>第 {id.Term} 届</dd>", await staff.GetHtmlAsync($"/members/{id.Id}?culture=zh-CN"));

        var import = await staff.GetHtmlAsync("/members/import?culture=en");
        Assert.Contains("Required columns: 姓名, 性别", import);
        Assert.Contains("Optional columns: 出生年月", import);
        Assert.DoesNotContain("：", import);
        Assert.DoesNotContain("、", import);
        Assert.Contains("必填列：姓名、性别", await staff.GetHtmlAsync("/members/import?culture=zh-CN"));

        // Page chrome in English; only data (names, committees, sectors, parties) may be Chinese.
        foreach (var url in new[] { "/", "/members", $"/members/{id.Id}", $"/members/{id.Id}/edit", "/members/import", "/committees" })
        {
            var html = await staff.GetHtmlAsync(url + (url.Contains('?') ? "&" : "?") + "culture=en");
            var chrome = System.Text.RegularExpressions.Regex.Replace(html, "(?s)<tbody.*?</tbody>|<option[^>]*>[^<]*</option>|<td[^>]*>[^<]*</td>|<dd>[^<]*</dd>|<a[^>]*>[^<]*</a>|<title>[^<]*</title>|<h1>[^<]*</h1>|<footer.*?</footer>|lang=\"zh-CN\">中文", "");
            foreach (var mark in new[] { "：", "，", "。", "、", "（", "）", "；" }) Assert.DoesNotContain(mark, chrome);
            Assert.DoesNotMatch(@"\b([A-Za-z]+)\s+\1\b", System.Text.RegularExpressions.Regex.Replace(chrome, "<[^>]+>", " "));
        }
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
        Assert.Contains("提案、社情民意等模块上线后", home);
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
