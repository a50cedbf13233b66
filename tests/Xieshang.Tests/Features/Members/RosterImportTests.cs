using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Member = Xieshang.Web.Features.Members.Member;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Tests.Features.Members;

/// <summary>
/// Roster import and export over HTTP, on both providers. Imports go into the county committees
/// staff.520200 manages: 520201 and 520203 for the row and file cases (each test uses its own names and
/// phones, born 1950–1957, outside the demo's range), 520281 for the export round trip, 520204 for the
/// 10,000-row import. Every refusal checks that nothing was stored.
/// </summary>
public abstract class RosterImportTests(AppFactory app)
{
    private const string County = "520201";
    private const string OtherCounty = "520203";

    // ---- helpers ----

    private sealed record Answer(HttpStatusCode Status, int Created, int Updated, RosterError[] Errors, JsonElement Body);

    private async Task<Answer> ImportAsync(HttpContent content, string committee = County, bool dryRun = false, string user = "staff.520200")
    {
        var client = await app.ClientAsAsync(user);
        var res = await client.PostAsync($"/api/committees/{committee}/members/import?dryRun={(dryRun ? "true" : "false")}", content);
        var text = await res.Content.ReadAsStringAsync();
        if (text.Length == 0) return new Answer(res.StatusCode, 0, 0, [], default);
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        if (!body.TryGetProperty("created", out var created)) return new Answer(res.StatusCode, 0, 0, [], body);
        return new Answer(res.StatusCode, created.GetInt32(), body.GetProperty("updated").GetInt32(),
            body.GetProperty("errors").Deserialize<RosterError[]>(JsonSerializerOptions.Web)!, body);
    }

    private Task<Answer> ImportAsync(TestRoster roster, string committee = County, bool dryRun = false, string user = "staff.520200") =>
        ImportAsync(roster.ToContent(), committee, dryRun, user);

    /// <summary>Imports a one-member roster and returns the stored member, asserting it was created without errors.</summary>
    private async Task<Member> ImportOneAsync(TestRoster roster, string expectedName)
    {
        var answer = await ImportAsync(roster);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(answer.Errors);
        Assert.Equal(1, answer.Created);
        return Assert.Single(await StoredAsync(County, expectedName));
    }

    private Task<List<Member>> StoredAsync(string committee, params string[] names) =>
        app.WithDbAsync(db => db.Members.AsNoTracking().Where(m => m.Committee!.Code == committee && names.Contains(m.Name)).ToListAsync());

    private Task<List<Member>> WithPhoneAsync(string phone) =>
        app.WithDbAsync(db => db.Members.AsNoTracking().Where(m => m.Phone == phone).ToListAsync());

    private Task<int> CountAsync(string committee) =>
        app.WithDbAsync(db => db.Members.CountAsync(m => m.Committee!.Code == committee));

    /// <summary>Asserts a row-level refusal: 200, one error on that row and column, nothing created.</summary>
    private static RosterError AssertRefused(Answer answer, int row, string column, string fragment)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(0, answer.Created);
        Assert.Equal(0, answer.Updated);
        var error = Assert.Single(answer.Errors);
        Assert.Equal(row, error.Row);
        Assert.Equal(column, error.Column);
        Assert.Contains(fragment, error.Message);
        return error;
    }

    /// <summary>Imports a one-row roster and asserts the row is refused on <paramref name="column"/> and its member stored nowhere.</summary>
    private async Task AssertRowRefusedAsync(TestRoster roster, string column, string fragment)
    {
        var before = await CountAsync(County);
        AssertRefused(await ImportAsync(roster), 2, column, fragment);
        Assert.Equal(before, await CountAsync(County));
    }

    /// <summary>Asserts a file-level refusal: 400, exactly one error at row 0, column "", a Chinese message, no counts.</summary>
    private static string AssertFileRejected(Answer answer, string fragment)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(0, answer.Created);
        Assert.Equal(0, answer.Updated);
        var error = Assert.Single(answer.Errors);
        Assert.Equal(0, error.Row);
        Assert.Equal("", error.Column);
        Assert.Contains(fragment, error.Message);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", error.Message);
        return error.Message;
    }

    // ---- import, update, dry run ----

    [Fact]
    public async Task Imports_a_roster_with_a_title_row_spaced_headers_any_order_and_unknown_columns_then_reimport_updates()
    {
        var roster = new TestRoster()
            .WithTitle("钟山区政协第十届委员名单")
            .WithHeaders("姓　名", "备注", "性 别", "民族", "界别", "党派", "出生年月", "届次", "职务", "工作单位及职务", "手机号码", "电子邮箱")
            .Member("诸葛明远", "1951.04", "19900001001", workUnit: "区第一中学校长", position: "常委", email: "zgmy@example.cn")
            .Member("端木清和", "1952.11", "19900001002", gender: "女", ethnicGroup: "布依族", party: "民盟", sector: "中国民主同盟");
        var before = await CountAsync(County);

        var first = await ImportAsync(roster);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Empty(first.Errors);
        Assert.Equal((2, 0), (first.Created, first.Updated));
        Assert.Equal(before + 2, await CountAsync(County));
        var zg = Assert.Single(await StoredAsync(County, "诸葛明远"));
        Assert.Equal(Position.StandingMember, zg.Position);
        Assert.Equal(new DateOnly(1951, 4, 1), zg.BirthMonth);
        Assert.Equal(9, zg.Term); // 第九届, the builder's default
        Assert.Equal(("区第一中学校长", "19900001001", "zgmy@example.cn"), (zg.WorkUnit, zg.Phone, zg.Email));
        var dm = Assert.Single(await StoredAsync(County, "端木清和"));
        Assert.Equal((Gender.Female, "CDL", "09", "19900001002"), (dm.Gender, dm.PartyCode, dm.EthnicGroupCode, dm.Phone));
        Assert.True(dm.IsActive);
        Assert.NotEmpty(dm.StrokeKey);

        // The same people again with a new job: updated in place, nobody created.
        var again = new TestRoster()
            .Member("诸葛明远", "1951.04", "19900001001", workUnit: "区教育局局长", position: "常委", email: "zgmy@example.cn")
            .Member("端木清和", "1952.11", "19900001002", gender: "女", ethnicGroup: "布依族", party: "民盟", sector: "中国民主同盟");
        var second = await ImportAsync(again);
        Assert.Empty(second.Errors);
        Assert.Equal((0, 2), (second.Created, second.Updated));
        Assert.Equal(before + 2, await CountAsync(County));
        Assert.Equal("区教育局局长", Assert.Single(await StoredAsync(County, "诸葛明远")).WorkUnit);
    }

    [Fact]
    public async Task An_instructions_sheet_in_front_of_the_roster_is_skipped()
    {
        var roster = new TestRoster().WithSheetBefore("填写说明", "请按表头填写，出生年月写作 1968.05", "党派可填简称，如 民盟")
            .WithTitle("钟山区政协委员名单").Member("闾丘德明", "1954.10", "19900015001");
        var answer = await ImportAsync(roster);
        Assert.Empty(answer.Errors);
        Assert.Equal(1, answer.Created);
        Assert.Single(await StoredAsync(County, "闾丘德明"));
    }

    [Fact]
    public async Task A_row_whose_phone_belongs_to_a_member_with_another_name_is_refused_not_overwritten()
    {
        await ImportOneAsync(new TestRoster().Member("上官文静", "1950.06", "19900002001"), "上官文静");
        var other = await ImportAsync(new TestRoster().Member("上官文婧", "1951.07", "19900002001"));
        AssertRefused(other, 2, "手机号码", "上官文静");
        var kept = Assert.Single(await WithPhoneAsync("19900002001"));
        Assert.Equal(("上官文静", new DateOnly(1950, 6, 1)), (kept.Name, kept.BirthMonth));
    }

    [Fact]
    public async Task A_row_with_a_known_phone_and_the_same_name_corrects_the_birth_month()
    {
        await ImportOneAsync(new TestRoster().Member("上官文轩", "1950.06", "19900002002"), "上官文轩");
        var corrected = await ImportAsync(new TestRoster().Member("上官文轩", "1950.08", "19900002002"));
        Assert.Empty(corrected.Errors);
        Assert.Equal((0, 1), (corrected.Created, corrected.Updated));
        Assert.Equal(new DateOnly(1950, 8, 1), Assert.Single(await WithPhoneAsync("19900002002")).BirthMonth);
    }

    [Fact]
    public async Task Dry_run_stores_nothing_and_says_what_would_happen()
    {
        await ImportOneAsync(new TestRoster().Member("慕容青山", "1953.08", "19900003001"), "慕容青山");
        var roster = new TestRoster()
            .Member("慕容青山", "1953.08", "19900003001", workUnit: "改过的单位")
            .Member("慕容碧水", "1953.09", "19900003002")
            .Member("", "1953.10", "19900003003");
        var before = await CountAsync(County);

        var dry = await ImportAsync(roster, dryRun: true);
        Assert.Equal(HttpStatusCode.OK, dry.Status);
        Assert.Equal((1, 1), (dry.Created, dry.Updated));
        Assert.Equal(4, Assert.Single(dry.Errors).Row);
        Assert.Equal(before, await CountAsync(County));
        Assert.Empty(await StoredAsync(County, "慕容碧水"));
        Assert.Equal("市人民医院医生", Assert.Single(await StoredAsync(County, "慕容青山")).WorkUnit);

        var real = await ImportAsync(roster, dryRun: false);
        Assert.Equal((1, 1), (real.Created, real.Updated));
        Assert.Equal(before + 1, await CountAsync(County));
        Assert.Equal("改过的单位", Assert.Single(await StoredAsync(County, "慕容青山")).WorkUnit);
    }

    [Fact]
    public async Task Valid_rows_are_stored_and_invalid_rows_are_reported_with_excel_row_numbers()
    {
        var roster = new TestRoster().WithTitle("钟山区政协委员名单")
            .Member("皇甫一鸣", "1954.01", "19900004001")
            .Member("皇甫二鸣", "1954.02", "19900004002", gender: "未知")
            .Member("皇甫三鸣", "1954.03", "19900004003", email: "not-an-email");
        var answer = await ImportAsync(roster);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal((1, 0), (answer.Created, answer.Updated));
        Assert.Equal([(4, "性别"), (5, "电子邮箱")], answer.Errors.Select(e => (e.Row, e.Column)));
        Assert.Single(await StoredAsync(County, "皇甫一鸣"));
        Assert.Empty(await StoredAsync(County, "皇甫二鸣", "皇甫三鸣"));
    }

    [Fact]
    public async Task The_answer_has_exactly_created_updated_and_errors()
    {
        var answer = await ImportAsync(new TestRoster().Member("尉迟敬一", "1955.01", "19900005001").Member("尉迟敬二", "1955.02", "bad"), dryRun: true);
        Assert.Equal(["created", "updated", "errors"], answer.Body.EnumerateObject().Select(p => p.Name));
        var error = Assert.Single(answer.Body.GetProperty("errors").EnumerateArray());
        Assert.Equal(["row", "column", "message"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, error.GetProperty("row").GetInt32());
        Assert.Equal("手机号码", error.GetProperty("column").GetString());
    }

    // ---- row cases that must be accepted ----

    [Fact]
    public async Task Birth_month_as_an_excel_date_cell()
    {
        var m = await ImportOneAsync(new TestRoster().Member("公孙德厚", new DateTime(1956, 7, 15)), "公孙德厚");
        Assert.Equal(new DateOnly(1956, 7, 1), m.BirthMonth);
    }

    [Theory]
    [InlineData("1956.05", "令狐文甲")]
    [InlineData("1956.5", "令狐文乙")]
    [InlineData("1956年5月", "令狐文丙")]
    [InlineData("1956-05-12", "令狐文丁")]
    [InlineData("1956/5/12", "令狐文戊")]
    public async Task Birth_month_as_text(string cell, string name)
    {
        var m = await ImportOneAsync(new TestRoster().Member(name, cell), name);
        Assert.Equal(new DateOnly(1956, 5, 1), m.BirthMonth);
    }

    [Fact]
    public async Task Phone_with_full_width_digits()
    {
        var m = await ImportOneAsync(new TestRoster().Member("宇文成都", "1957.01", "１９９００００６００１"), "宇文成都");
        Assert.Equal("19900006001", m.Phone);
    }

    [Fact]
    public async Task Name_with_a_middle_dot_or_a_look_alike()
    {
        var m = await ImportOneAsync(new TestRoster().Member("买合木提•艾山", "1957.02"), "买合木提·艾山");
        Assert.Equal("买合木提·艾山", m.Name);
    }

    [Fact]
    public async Task Name_with_a_character_beyond_the_bmp()
    {
        var m = await ImportOneAsync(new TestRoster().Member("王𬌗", "1952.01"), "王𬌗");
        Assert.Equal("王𬌗", m.Name);
        Assert.NotEmpty(m.StrokeKey);
        Assert.StartsWith("wang", m.PinyinFull);
    }

    [Fact]
    public async Task Two_character_name_padded_with_a_full_width_space()
    {
        var m = await ImportOneAsync(new TestRoster().Member("李　娜", "1953.02"), "李娜");
        Assert.Equal("李娜", m.Name);
        // The unpadded spelling is the same person.
        var again = await ImportAsync(new TestRoster().Member("李娜", "1953.02"));
        Assert.Equal((0, 1), (again.Created, again.Updated));
        Assert.Single(await StoredAsync(County, "李娜", "李　娜"));
    }

    [Fact]
    public async Task Stray_spaces_everywhere()
    {
        var m = await ImportOneAsync(new TestRoster().Member(" 长孙 无极 ", " 1954.06 ", " 199 0000 7001 ", gender: " 女 ", ethnicGroup: " 苗族 ",
            party: " 中共 ", sector: " 中国共产党 ", position: " 委员 ", term: " 第九届 ", workUnit: "  区医院 护士长  ", email: " cs.wj@Example.CN "), "长孙无极");
        Assert.Equal((Gender.Female, "06", "CPC", new DateOnly(1954, 6, 1), "19900007001", "区医院 护士长", "cs.wj@example.cn"),
            (m.Gender, m.EthnicGroupCode, m.PartyCode, m.BirthMonth, m.Phone, m.WorkUnit, m.Email));
    }

    [Theory]
    [InlineData("民盟", "中国民主同盟", "CDL", "西门吹雪")]
    [InlineData("九三", "九三学社", "JS", "西门吹风")]
    [InlineData("农工党", "中国农工民主党", "CPWDP", "西门吹云")]
    [InlineData("无党派", "无党派人士", "NP", "西门吹月")]
    public async Task Short_party_names(string party, string sector, string code, string name)
    {
        var m = await ImportOneAsync(new TestRoster().Member(name, "1955.05", party: party, sector: sector), name);
        Assert.Equal(code, m.PartyCode);
    }

    // ---- row cases that must be refused ----

    [Fact]
    public async Task Refuses_a_row_without_a_name()
    {
        AssertRefused(await ImportAsync(new TestRoster().Member("  ", "1950.01", "19900008001")), 2, "姓名", "姓名不能为空");
        Assert.Empty(await WithPhoneAsync("19900008001"));
    }

    [Fact]
    public Task Refuses_an_unknown_gender() => AssertRowRefusedAsync(new TestRoster().Member("南宫一号", "1950.02", gender: "X"), "性别", "无法识别的性别");

    [Fact]
    public Task Refuses_an_unknown_ethnic_group() => AssertRowRefusedAsync(new TestRoster().Member("南宫二号", "1950.03", ethnicGroup: "火星族"), "民族", "无法识别的民族");

    [Fact]
    public Task Refuses_a_sector_the_committee_does_not_have() => AssertRowRefusedAsync(new TestRoster().Member("南宫三号", "1950.04", sector: "航天界"), "界别", "航天界");

    [Fact]
    public Task Refuses_an_unknown_party() => AssertRowRefusedAsync(new TestRoster().Member("南宫四号", "1950.05", party: "绿党"), "党派", "无法识别的党派");

    [Fact]
    public Task Refuses_a_malformed_phone() => AssertRowRefusedAsync(new TestRoster().Member("南宫五号", "1950.06", "1990000900"), "手机号码", "无法识别的电话号码");

    [Fact]
    public Task Refuses_a_malformed_email() => AssertRowRefusedAsync(new TestRoster().Member("南宫六号", "1950.07", email: "ngl@example"), "电子邮箱", "无法识别的电子邮箱");

    [Fact]
    public async Task Refuses_an_impossible_birth_date()
    {
        var answer = await ImportAsync(new TestRoster().Member("南宫七号", "1950.13").Member("南宫七号乙", "1950-02-30"));
        Assert.Equal(0, answer.Created);
        Assert.Equal([(2, "出生年月"), (3, "出生年月")], answer.Errors.Select(e => (e.Row, e.Column)));
        Assert.All(answer.Errors, e => Assert.Contains("无法识别的出生年月", e.Message));
        Assert.Empty(await StoredAsync(County, "南宫七号", "南宫七号乙"));
    }

    [Fact]
    public async Task Refuses_a_future_birth_date()
    {
        var next = $"{DateTime.UtcNow.Year + 1}.01";
        AssertRefused(await ImportAsync(new TestRoster().Member("南宫八号", next)), 2, "出生年月", "晚于当前月份");
        Assert.Empty(await StoredAsync(County, "南宫八号"));
    }

    [Fact]
    public async Task Refuses_an_ambiguous_numeric_birth_month_cell()
    {
        // 1950.10 typed into a numeric cell is stored as 1950.1: January or October cannot be told apart.
        AssertRefused(await ImportAsync(new TestRoster().Member("南宫九号", 1950.1)), 2, "出生年月", "无法区分 1 月和 10 月");
        Assert.Empty(await StoredAsync(County, "南宫九号"));
    }

    [Fact]
    public async Task Refuses_a_row_repeating_an_earlier_row_by_name_and_birth_month()
    {
        var answer = await ImportAsync(new TestRoster().WithTitle("名单")
            .Member("夏侯惇然", "1951.01", "19900010001").Member("夏侯敦厚", "1951.02").Member("夏侯 惇然", "1951.01", "19900010002"));
        Assert.Equal((2, 0), (answer.Created, answer.Updated));
        var error = Assert.Single(answer.Errors);
        Assert.Equal((5, "姓名"), (error.Row, error.Column));
        Assert.Contains("与第 3 行重复", error.Message);
        Assert.Single(await StoredAsync(County, "夏侯惇然"));
        Assert.Empty(await WithPhoneAsync("19900010002"));
    }

    [Fact]
    public async Task Refuses_a_row_repeating_an_earlier_rows_phone()
    {
        var answer = await ImportAsync(new TestRoster().Member("轩辕甲子", "1951.03", "19900011001").Member("轩辕乙丑", "1951.04", "199 0001 1001"));
        Assert.Equal((1, 0), (answer.Created, answer.Updated));
        var error = Assert.Single(answer.Errors);
        Assert.Equal((3, "手机号码"), (error.Row, error.Column));
        Assert.Contains("与第 2 行相同", error.Message);
        Assert.Equal("轩辕甲子", Assert.Single(await WithPhoneAsync("19900011001")).Name);
        Assert.Empty(await StoredAsync(County, "轩辕乙丑"));
    }

    [Fact]
    public async Task Refuses_a_row_whose_name_and_phone_belong_to_two_different_members()
    {
        await ImportAsync(new TestRoster().Member("申屠子甲", "1951.05", "19900012001").Member("申屠子乙", "1951.06", "19900012002"));
        var answer = await ImportAsync(new TestRoster().Member("申屠子甲", "1951.05", "19900012002"));
        AssertRefused(answer, 2, "手机号码", "申屠子乙");
        Assert.Equal("19900012001", Assert.Single(await StoredAsync(County, "申屠子甲")).Phone);
    }

    // ---- file-level refusals ----

    [Theory]
    [InlineData("名单.txt", "不支持的文件")]
    [InlineData("名单.csv", "CSV")]
    [InlineData("名单.xls", ".xls")]
    public async Task Refuses_other_file_types_by_name(string fileName, string fragment)
    {
        var before = await CountAsync(OtherCounty);
        var bytes = new TestRoster().Member("呼延灼一", "1952.01").ToBytes();
        AssertFileRejected(await ImportAsync(TestRoster.Upload(bytes, fileName), OtherCounty), fragment);
        Assert.Equal(before, await CountAsync(OtherCounty));
    }

    [Fact]
    public async Task Refuses_a_text_file_renamed_xlsx()
    {
        var before = await CountAsync(OtherCounty);
        var csv = "姓名,性别,民族,党派,界别,届次\n呼延灼二,男,汉族,中共,中国共产党,第九届\n"u8.ToArray();
        AssertFileRejected(await ImportAsync(TestRoster.Upload(csv, "名单.xlsx"), OtherCounty), "不是 Excel 工作簿");
        Assert.Equal(before, await CountAsync(OtherCounty));
    }

    [Fact]
    public async Task Refuses_an_old_xls_renamed_xlsx()
    {
        var ole = new byte[4096];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(ole, 0);
        AssertFileRejected(await ImportAsync(TestRoster.Upload(ole, "名单.xlsx"), OtherCounty), ".xls");
    }

    [Fact]
    public async Task Refuses_a_damaged_zip()
    {
        var bytes = new TestRoster().Member("呼延灼三", "1952.03").ToBytes();
        AssertFileRejected(await ImportAsync(TestRoster.Upload(bytes[..(bytes.Length / 2)], "名单.xlsx"), OtherCounty), "无法读取");
        AssertFileRejected(await ImportAsync(TestRoster.Upload([], "名单.xlsx"), OtherCounty), "文件为空");
    }

    [Fact]
    public async Task Refuses_an_empty_sheet()
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, new List<Dictionary<string, object>>());
        AssertFileRejected(await ImportAsync(TestRoster.Upload(stream.ToArray(), "空表.xlsx"), OtherCounty), "工作表为空");
    }

    [Fact]
    public async Task Refuses_a_sheet_without_a_name_column()
    {
        var roster = new TestRoster().WithHeaders("序号", "名字", "性别", "民族", "党派", "界别", "届次").Row(1, "呼延灼四", "男", "汉族", "中共", "中国共产党", "第九届");
        AssertFileRejected(await ImportAsync(roster, OtherCounty), "未找到“姓名”列");
        // A header further down than the first five rows is not looked for.
        var low = new TestRoster().WithHeaders().Row().Row().Row().Row().Row(TestRoster.StandardHeaders.Cast<object?>().ToArray())
            .Row(1, "呼延灼四", "男", "汉族", "1952.04", "中共", "中国共产党", "委员", "第九届");
        AssertFileRejected(await ImportAsync(low, OtherCounty), "未找到“姓名”列");
    }

    [Fact]
    public async Task Refuses_a_sheet_missing_a_required_column()
    {
        var roster = new TestRoster().WithHeaders("姓名", "性别", "民族", "党派", "届次").Row("呼延灼五", "男", "汉族", "中共", "第九届");
        AssertFileRejected(await ImportAsync(roster, OtherCounty), "界别");
        Assert.Empty(await StoredAsync(OtherCounty, "呼延灼五"));
    }

    [Fact]
    public async Task Refuses_a_file_over_the_size_limit_before_reading_it()
    {
        var before = await CountAsync(OtherCounty);
        var big = new byte[20 * 1024 * 1024];
        Random.Shared.NextBytes(big);
        "PK\u0003\u0004"u8.CopyTo(big);
        var message = AssertFileRejected(await ImportAsync(TestRoster.Upload(big, "大名单.xlsx"), OtherCounty), "超过上限 10 MB");
        Assert.Contains("20 MB", message);
        Assert.Equal(before, await CountAsync(OtherCounty));
    }

    [Fact]
    public async Task Refuses_a_file_with_more_rows_than_the_limit()
    {
        var before = await CountAsync(OtherCounty);
        var roster = new TestRoster().WithHeaders("姓名", "性别", "民族", "党派", "界别", "届次");
        for (var i = 0; i < 100_000; i++) roster.Row("行" + i, "男", "汉族", "中共", "中国共产党", 9);
        AssertFileRejected(await ImportAsync(roster, OtherCounty), "超过 20000 行");
        Assert.Equal(before, await CountAsync(OtherCounty));
    }

    [Fact]
    public async Task Refuses_a_request_that_is_not_a_file_upload()
    {
        var client = await app.ClientAsAsync("staff.520200");
        var res = await client.PostAsync($"/api/committees/{OtherCounty}/members/import?dryRun=false", new StringContent("姓名"));
        var answer = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Equal(0, Assert.Single(answer.GetProperty("errors").EnumerateArray()).GetProperty("row").GetInt32());

        var noFile = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        AssertFileRejected(await ImportAsync(noFile, OtherCounty), "file");
    }

    // ---- authorization ----

    [Fact]
    public async Task Import_is_refused_outside_the_staff_scope_and_for_other_roles()
    {
        var roster = new TestRoster().Member("澹台明月", "1953.01", "19900013001");
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportAsync(roster, OtherCounty, user: "staff.520201")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportAsync(roster, County, user: "leader.520200")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportAsync(roster, County, user: "member.520201")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ImportAsync(roster, "999999")).Status);
        var anonymous = await app.CreateClient().PostAsync($"/api/committees/{County}/members/import?dryRun=false", roster.ToContent());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(await WithPhoneAsync("19900013001"));

        // Staff of the county itself and the administrator may import.
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(roster, County, dryRun: true, user: "staff.520201")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(roster, OtherCounty, dryRun: true, user: "admin")).Status);
    }

    [Fact]
    public async Task Export_is_refused_outside_the_scope_and_for_members()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync($"/api/committees/{OtherCounty}/members/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/committees/{County}/members/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/committees/999999/members/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/committees/{County}/members/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("staff.520201")).GetAsync($"/api/committees/{County}/members/export")).StatusCode);
    }

    // ---- export ----

    private async Task<(HttpResponseMessage Response, List<IDictionary<string, object?>> Rows)> ExportAsync(string committee, string user = "staff.520200", string query = "")
    {
        var res = await (await app.ClientAsAsync(user)).GetAsync($"/api/committees/{committee}/members/export{query}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        using var stream = new MemoryStream(await res.Content.ReadAsByteArrayAsync());
        var rows = MiniExcel.Query(stream, useHeaderRow: false).Cast<IDictionary<string, object?>>().ToList();
        return (res, rows);
    }

    [Fact]
    public async Task Export_lists_the_committees_own_active_members_in_stroke_order()
    {
        var (res, rows) = await ExportAsync("520200");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Content.Headers.ContentType?.MediaType);
        Assert.Equal("六盘水市政协委员名单.xlsx", res.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(TestRoster.StandardHeaders, rows[0].Values.Select(v => v?.ToString()));

        var data = rows.Skip(1).ToList();
        var expected = await app.WithDbAsync(db => db.Members.AsNoTracking()
            .Where(m => m.Committee!.Code == "520200" && m.IsActive).OrderBy(m => m.StrokeKey).ThenBy(m => m.Id).Select(m => m.Name).ToListAsync());
        var names = data.Select(r => r["B"]!.ToString()!).ToList();
        Assert.Equal(expected, names);
        Assert.Equal(names.Order(ChineseText.StrokeComparer).ToList(), names);
        Assert.Equal(Enumerable.Range(1, data.Count).Select(i => (double)i), data.Select(r => Convert.ToDouble(r["A"])));
        Assert.All(data, r => Assert.Matches(@"^(19|20)\d\d\.(0[1-9]|1[0-2])$", r["E"]!.ToString()));
        Assert.All(data, r => Assert.Matches(@"^第.+届$", r["I"]!.ToString()));

        var all = (await ExportAsync("520200", query: "?includeInactive=true")).Rows.Count - 1;
        Assert.Equal(await app.WithDbAsync(db => db.Members.CountAsync(m => m.Committee!.Code == "520200")), all);
        Assert.True(all > data.Count);
    }

    [Fact]
    public async Task Export_for_a_leader_masks_contacts_and_birth_months()
    {
        var (_, rows) = await ExportAsync("520200", user: "leader.520200");
        var data = rows.Skip(1).ToList();
        Assert.NotEmpty(data);
        Assert.All(data, r => Assert.Contains("****", r["K"]!.ToString()));
        Assert.All(data, r => Assert.True(string.IsNullOrEmpty(r["E"]?.ToString())));
    }

    [Fact]
    public async Task Exported_roster_reimports_as_updates_only()
    {
        const string committee = "520281";
        var client = await app.ClientAsAsync("staff.520200");
        var bytes = await client.GetByteArrayAsync($"/api/committees/{committee}/members/export");
        var (_, rows) = await ExportAsync(committee);
        var exported = rows.Count - 1;
        var before = await CountAsync(committee);
        Task<int> AuditRowsAsync() => app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.CommitteePath!.EndsWith($"/{committee}/")));
        var auditBefore = await AuditRowsAsync();

        var answer = await ImportAsync(TestRoster.Upload(bytes, "盘州市政协委员名单.xlsx"), committee);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(answer.Errors);
        Assert.True(exported > 50);
        Assert.Equal((0, exported), (answer.Created, answer.Updated));
        Assert.Equal(before, await CountAsync(committee));
        // Every value came back unchanged, so no member was rewritten and the audit log has nothing new.
        Assert.Equal(auditBefore, await AuditRowsAsync());
        static string Flat(List<IDictionary<string, object?>> sheet) => string.Join("\n", sheet.Select(r => string.Join("|", r.Values)));
        Assert.Equal(Flat(rows), Flat((await ExportAsync(committee)).Rows));
    }

    // ---- RosterImport.RunAsync directly (the contract the preview page builds on) ----

    private Task<RosterImportResult> RunAsync(Stream file, string? fileName, bool dryRun, RosterOptions? options = null) =>
        app.WithDbAsync(async db =>
        {
            var committee = await db.Committees.AsNoTracking().FirstAsync(c => c.Code == OtherCounty);
            return await RosterImport.RunAsync(db, committee, file, fileName, dryRun, TimeProvider.System, options ?? new RosterOptions(), CancellationToken.None);
        });

    [Fact]
    public async Task Preview_rows_show_normalised_values_for_valid_rows_and_cells_as_read_for_invalid_ones()
    {
        await ImportAsync(new TestRoster().Member("钟离春风", "1956.09", "19900014001"), OtherCounty);
        var roster = new TestRoster().WithTitle("六枝特区政协委员名单")
            .Member("钟离 春风", new DateTime(1956, 9, 3), "199-0001-4001", gender: "女士", party: "民盟", sector: "中国民主同盟", term: "10", position: "常务委员")
            .Member("钟离秋月", "1956.13", "19900014002", ethnicGroup: "苗")
            .Member("钟离冬雪", "1956.11", "", ethnicGroup: "苗");
        var result = await RunAsync(new MemoryStream(roster.ToBytes()), "名单.xlsx", dryRun: true);

        Assert.False(result.FileRejected);
        Assert.Equal((1, 1), (result.Created, result.Updated));
        Assert.Equal([3, 4, 5], result.Rows.Select(r => r.Row));
        var updates = result.Rows[0];
        Assert.Equal(new RosterPreviewRow(3, "钟离春风", "女", "汉族", "1956.09", "民盟", "中国民主同盟", "常委", "第十届", "市人民医院医生", "19900014001", "", true, updates.Errors),
            updates);
        Assert.Empty(updates.Errors);
        var invalid = result.Rows[1];
        Assert.Equal(("钟离秋月", "苗", "1956.13", false), (invalid.Name, invalid.EthnicGroup, invalid.BirthMonth, invalid.Updates));
        Assert.Equal((4, "出生年月"), (Assert.Single(invalid.Errors).Row, invalid.Errors[0].Column));
        Assert.Equal(invalid.Errors, result.Errors);
        Assert.Equal(("苗族", false), (result.Rows[2].EthnicGroup, result.Rows[2].Updates));
        Assert.Empty(await StoredAsync(OtherCounty, "钟离冬雪"));
    }

    [Fact]
    public async Task Configured_limits_apply_and_unseekable_streams_are_read()
    {
        var roster = new TestRoster().Member("宗政一", "1957.03").Member("宗政二", "1957.04").Member("宗政三", "1957.05");
        var bytes = roster.ToBytes();

        var tooBig = await RunAsync(new MemoryStream(bytes), "名单.xlsx", dryRun: true, new RosterOptions { MaxFileBytes = bytes.Length - 1 });
        Assert.True(tooBig.FileRejected);
        Assert.Equal(new RosterError(0, "", tooBig.Errors[0].Message), Assert.Single(tooBig.Errors));
        Assert.Contains("超过上限", tooBig.Errors[0].Message);
        Assert.Empty(tooBig.Rows);

        var tooMany = await RunAsync(new MemoryStream(bytes), "名单.xlsx", dryRun: true, new RosterOptions { MaxRows = 2 });
        Assert.Contains("超过 2 行", Assert.Single(tooMany.Errors).Message);

        var unseekable = await RunAsync(new ForwardOnlyStream(bytes), null, dryRun: false, new RosterOptions { MaxRows = 3 });
        Assert.Equal((3, 0), (unseekable.Created, unseekable.Updated));
        Assert.Equal(3, (await StoredAsync(OtherCounty, "宗政一", "宗政二", "宗政三")).Count);
        var unseekableTooBig = await RunAsync(new ForwardOnlyStream(bytes), null, dryRun: true, new RosterOptions { MaxFileBytes = 100 });
        Assert.True(unseekableTooBig.FileRejected);
    }

    /// <summary>A stream that can only be read forwards, like a network body.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }

    // ---- scale ----

    [Fact]
    public async Task Imports_ten_thousand_rows_in_one_request()
    {
        const string committee = "520204";
        string[] surnames = ["闻", "诸葛", "东方", "司徒", "万俟", "太史", "仲孙", "钟离", "宗政", "濮阳"];
        var given = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜".Distinct().ToArray();
        var roster = new TestRoster().WithTitle("水城区政协委员名单");
        for (var i = 0; i < 10_000; i++)
        {
            var name = surnames[i % 10] + given[i / 10 % given.Length] + given[i / 10 / given.Length % given.Length];
            roster.Member(name, new DateTime(1950 + i % 40, 1 + i % 12, 1), $"1660000{i:D4}", gender: i % 3 == 0 ? "女" : "男",
                workUnit: "水城区某单位职员", email: $"r{i}@example.cn");
        }
        var content = roster.ToBytes();
        var before = await CountAsync(committee);
        await ImportAsync(new TestRoster().Member("闻预热", "1950.01"), committee, dryRun: true); // JIT warm-up, stores nothing

        // Wall-clock and this process's CPU time (all of SQLite's work; PostgreSQL's server work is outside it). Reported, not asserted.
        async Task<(Answer Answer, string Took)> TimedAsync(bool dryRun)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var answer = await ImportAsync(TestRoster.Upload(content, "万人名单.xlsx"), committee, dryRun);
            return (answer, $"{wall.ElapsedMilliseconds} ms (CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms)");
        }
        var (dry, dryTook) = await TimedAsync(dryRun: true);
        var (first, createTook) = await TimedAsync(dryRun: false);
        var (second, updateTook) = await TimedAsync(dryRun: false);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{app.Provider}, 10,000 rows ({content.Length / 1024} KB): dry run {dryTook}; import creating all {createTook}; re-import matching all, nothing changed {updateTook}");

        Assert.Equal((10_000, 0), (dry.Created, dry.Updated));
        Assert.Empty(first.Errors);
        Assert.Equal((10_000, 0), (first.Created, first.Updated));
        Assert.Equal((0, 10_000), (second.Created, second.Updated));
        Assert.Equal(before + 10_000, await CountAsync(committee));
        var audited = await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == "Member" && a.Action == "Added" && a.CommitteePath!.EndsWith("/520204/")));
        Assert.Equal(10_000, audited);
    }
}

public sealed class RosterImportSqliteTests(SqliteAppFactory app) : RosterImportTests(app), IClassFixture<SqliteAppFactory>;
public sealed class RosterImportPostgresTests(PostgresAppFactory app) : RosterImportTests(app), IClassFixture<PostgresAppFactory>;
