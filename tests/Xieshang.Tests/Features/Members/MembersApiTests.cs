using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Tests.Features.Members;

/// <summary>The member list, detail, create, edit and deactivate endpoints, with scope and role refusals.</summary>
public abstract class MembersApiTests(AppFactory app)
{
    private static IEnumerable<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray();

    private async Task<int> SectorIdAsync(string committee, string name)
    {
        var sectors = await (await app.ClientAsAsync("admin")).GetFromJsonAsync<JsonElement>($"/api/sectors?committee={committee}");
        return sectors.EnumerateArray().First(s => s.GetProperty("name").GetString() == name).GetProperty("id").GetInt32();
    }

    private object NewMember(string committee, int sectorId, string name, string phone) => new
    {
        committeeCode = committee, name, gender = "女", ethnicGroup = "苗族", birthMonth = "1975.03", party = "民盟",
        sectorId, position = "委员", term = "十届", workUnit = "钟山区第三中学教师", phone, email = "teacher@example.cn",
    };

    [Fact]
    public async Task City_staff_list_their_subtree_in_stroke_order_with_paging()
    {
        var client = await app.ClientAsAsync("staff.520200");
        var page = await client.GetFromJsonAsync<JsonElement>("/api/members?committee=520200&pageSize=200");
        Assert.True(page.GetProperty("total").GetInt32() >= 600); // the city and its four county committees
        var codes = Items(page).Select(m => m.GetProperty("committeeCode").GetString()).Distinct().ToList();
        Assert.True(codes.Count > 1);
        var names = Items(page).Select(m => m.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.Order(ChineseText.StrokeComparer).ToList(), names);

        var second = await client.GetFromJsonAsync<JsonElement>("/api/members?committee=520200&pageSize=200&page=2");
        Assert.Empty(Items(page).Select(m => m.GetProperty("id").GetInt32()).Intersect(Items(second).Select(m => m.GetProperty("id").GetInt32())));

        var pinyin = await client.GetFromJsonAsync<JsonElement>("/api/members?committee=520201&pageSize=200&order=pinyin");
        var pinyinNames = Items(pinyin).Select(m => m.GetProperty("name").GetString()!).ToList();
        Assert.Equal(pinyinNames.Order(ChineseText.PinyinComparer).ToList(), pinyinNames);
    }

    [Fact]
    public async Task Filters_by_sector_party_position_and_active()
    {
        var client = await app.ClientAsAsync("staff.520200");
        var sector = await SectorIdAsync("520201", "教育界");
        var bySector = await client.GetFromJsonAsync<JsonElement>($"/api/members?committee=520201&sector={sector}&pageSize=200");
        Assert.NotEmpty(Items(bySector));
        Assert.All(Items(bySector), m => Assert.Equal("教育界", m.GetProperty("sectorName").GetString()));

        var cdl = await client.GetFromJsonAsync<JsonElement>("/api/members?committee=520200&party=CDL&pageSize=200");
        Assert.All(Items(cdl), m => Assert.Equal("民盟", m.GetProperty("partyShortName").GetString()));

        var chair = await client.GetFromJsonAsync<JsonElement>("/api/members?committee=520201&position=Chairperson");
        Assert.Equal(1, chair.GetProperty("total").GetInt32());

        var inactive = await client.GetFromJsonAsync<JsonElement>("/api/members?committee=520200&active=false&pageSize=200");
        Assert.All(Items(inactive), m => Assert.False(m.GetProperty("isActive").GetBoolean()));
    }

    [Fact]
    public async Task Search_matches_name_pinyin_initials_and_full_pinyin()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var created = await staff.PostAsJsonAsync("/api/members", NewMember("520201", await SectorIdAsync("520201", "教育界"), "欧阳晓燕", "13908581234"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        foreach (var q in new[] { "欧阳晓", "oyxy", "ouyangxiaoyan", "OYX" })
        {
            var hits = await staff.GetFromJsonAsync<JsonElement>($"/api/members?q={Uri.EscapeDataString(q)}");
            Assert.Contains(Items(hits), m => m.GetProperty("name").GetString() == "欧阳晓燕");
        }
        var none = await staff.GetFromJsonAsync<JsonElement>($"/api/members?q={Uri.EscapeDataString("不存在的人")}");
        Assert.Equal(0, none.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Staff_of_one_county_cannot_read_another_county()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/members?committee=520203")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/members?committee=520200")).StatusCode);
        var own = await staff.GetFromJsonAsync<JsonElement>("/api/members?pageSize=200");
        Assert.All(Items(own), m => Assert.Equal("520201", m.GetProperty("committeeCode").GetString()));

        var otherId = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520203").Select(m => m.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/members/{otherId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/members")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/members?committee=000000")).StatusCode);
    }

    [Fact]
    public async Task Phones_are_masked_for_viewers_who_do_not_manage_the_member()
    {
        var staff = await (await app.ClientAsAsync("staff.520200")).GetFromJsonAsync<JsonElement>("/api/members?committee=520201&pageSize=5");
        Assert.All(Items(staff), m => Assert.DoesNotContain("*", m.GetProperty("phone").GetString()));

        var leader = await (await app.ClientAsAsync("leader.520200")).GetFromJsonAsync<JsonElement>("/api/members?committee=520201&pageSize=5");
        Assert.All(Items(leader), m => Assert.Matches(@"^1\d\d\*\*\*\*\d{4}$", m.GetProperty("phone").GetString()));

        var member = await app.ClientAsAsync("member.520201");
        var me = await member.GetFromJsonAsync<JsonElement>("/api/me");
        var roster = await member.GetFromJsonAsync<JsonElement>("/api/members?pageSize=200");
        var myId = me.GetProperty("memberId").GetInt32();
        Assert.All(Items(roster), m => Assert.Equal("520201", m.GetProperty("committeeCode").GetString()));
        Assert.All(Items(roster).Where(m => m.GetProperty("id").GetInt32() != myId), m => Assert.Contains("****", m.GetProperty("phone").GetString()));
        var mine = await member.GetFromJsonAsync<JsonElement>($"/api/members/{myId}");
        Assert.DoesNotContain("*", mine.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task Staff_create_edit_and_deactivate_a_member_and_every_change_is_audited()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var sector = await SectorIdAsync("520204", "医药卫生界");
        var res = await staff.PostAsJsonAsync("/api/members", NewMember("520204", sector, "阿依古丽·买买提", "１３９０８５８５６７８"));
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var created = await res.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt32();
        Assert.Equal("13908585678", created.GetProperty("phone").GetString());
        Assert.Equal("CDL", created.GetProperty("partyCode").GetString());
        Assert.Equal("06", created.GetProperty("ethnicGroupCode").GetString());
        Assert.Equal("1975-03", created.GetProperty("birthMonth").GetString());
        Assert.Equal(10, created.GetProperty("term").GetInt32());

        var edit = await staff.PutAsJsonAsync($"/api/members/{id}", NewMember("520204", sector, "阿依古丽·买买提", "13908585679"));
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/members/{id}/deactivate", null)).StatusCode);
        var after = await staff.GetFromJsonAsync<JsonElement>($"/api/members/{id}");
        Assert.False(after.GetProperty("isActive").GetBoolean());
        Assert.Equal("13908585679", after.GetProperty("phone").GetString());

        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "Member" && a.UserName == "staff.520200" && a.CommitteePath!.Contains("520204")).ToListAsync());
        Assert.Contains(audit, a => a.Action == "Added" && a.EntityId == id.ToString() && a.Changes.Contains("阿依古丽·买买提") && a.Changes.Contains("\"Female\""));
        Assert.Contains(audit, a => a.Action == "Modified" && a.Changes.Contains("13908585678") && a.Changes.Contains("13908585679"));
        Assert.Contains(audit, a => a.Action == "Modified" && a.Changes.Contains("IsActive"));
    }

    [Fact]
    public async Task Bad_input_gets_field_messages_in_Chinese_and_stores_nothing()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var before = await app.WithDbAsync(db => db.Members.CountAsync());
        var res = await staff.PostAsJsonAsync("/api/members", new
        {
            committeeCode = "520201", name = "　", gender = "未知", ethnicGroup = "火星族", birthMonth = "2999.01", party = "某党",
            sectorId = 999999, term = "x", phone = "12345", email = "not-an-email",
        });
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        var errors = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "name", "gender", "ethnicGroup", "birthMonth", "party", "sectorId", "term", "phone", "email" })
            Assert.True(errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0, field);
        Assert.Contains("姓名", errors.GetProperty("name")[0].GetString());
        Assert.Equal(before, await app.WithDbAsync(db => db.Members.CountAsync()));
    }

    [Fact]
    public async Task The_same_person_cannot_be_entered_twice_in_one_committee()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var sector = await SectorIdAsync("520201", "经济界");
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync("/api/members", NewMember("520201", sector, "司马相如", "13908580001"))).StatusCode);

        var sameNameAndBirth = await staff.PostAsJsonAsync("/api/members", NewMember("520201", sector, "司马相如", "13908580002"));
        Assert.Equal(HttpStatusCode.BadRequest, sameNameAndBirth.StatusCode);
        Assert.Contains("司马相如", (await sameNameAndBirth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("name")[0].GetString());

        var samePhone = await staff.PostAsJsonAsync("/api/members", NewMember("520201", sector, "卓文君", "13908580001"));
        Assert.Equal(HttpStatusCode.BadRequest, samePhone.StatusCode);
        Assert.Contains("13908580001", (await samePhone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("phone")[0].GetString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Members.CountAsync(m => m.Name == "司马相如" || m.Name == "卓文君")));
    }

    [Fact]
    public async Task Missing_committee_and_child_birth_months_are_field_errors()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var noCommittee = await staff.PostAsJsonAsync("/api/members", new { name = "张无界" });
        Assert.Equal(HttpStatusCode.BadRequest, noCommittee.StatusCode);
        Assert.True((await noCommittee.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("committeeCode", out _));

        var child = NewMember("520201", await SectorIdAsync("520201", "经济界"), "张少年", "13908580003");
        var body = JsonSerializer.SerializeToElement(child).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        body["birthMonth"] = DateTime.UtcNow.AddYears(-10).ToString("yyyy.MM");
        body["sectorId"] = 0;
        var res = await staff.PostAsJsonAsync("/api/members", body);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        var errors = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("18", errors.GetProperty("birthMonth")[0].GetString());
        Assert.True(errors.TryGetProperty("sectorId", out _));
    }

    [Fact]
    public async Task The_committee_filter_can_exclude_lower_committees()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var own = await staff.GetFromJsonAsync<JsonElement>("/api/members?committee=520200&includeBelow=false&pageSize=200");
        Assert.All(Items(own), m => Assert.Equal("520200", m.GetProperty("committeeCode").GetString()));
        var all = await staff.GetFromJsonAsync<JsonElement>("/api/members?committee=520200&pageSize=1");
        Assert.True(all.GetProperty("total").GetInt32() > own.GetProperty("total").GetInt32());
        var deep = await staff.GetFromJsonAsync<JsonElement>($"/api/members?committee=520200&page={int.MaxValue}");
        Assert.Empty(Items(deep));
    }

    [Fact]
    public async Task Leaders_members_and_other_committees_cannot_change_members()
    {
        var sector = await SectorIdAsync("520203", "农业界");
        var target = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520203").Select(m => m.Id).FirstAsync());
        foreach (var user in new[] { "leader.520200", "member.520203", "staff.520201" })
        {
            var client = await app.ClientAsAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/members", NewMember("520203", sector, "张测试", "13900000001"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/members/{target}", NewMember("520203", sector, "张测试", "13900000001"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/members/{target}/deactivate", null)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/members", NewMember("520203", sector, "张测试", "13900000001"))).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Members.AnyAsync(m => m.Name == "张测试")));
    }
}

public sealed class MembersApiSqliteTests(SqliteAppFactory app) : MembersApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class MembersApiPostgresTests(PostgresAppFactory app) : MembersApiTests(app), IClassFixture<PostgresAppFactory>;
