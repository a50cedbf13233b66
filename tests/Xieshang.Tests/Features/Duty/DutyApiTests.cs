using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;
using static Xieshang.Tests.Features.Duty.DutyTestData;

namespace Xieshang.Tests.Features.Duty;

/// <summary><c>GET /api/members/{id}/duty</c> and its .docx/.xlsx exports: content, grade, scope; on both providers.</summary>
public abstract class DutyApiTests(AppFactory app)
{
    [Fact]
    public async Task A_member_reads_their_own_duty_file_with_totals_by_category_and_the_grade()
    {
        var own = await TestActivities.MemberIdOfAsync(app, "member.520201");
        await RecordAsync(app, "api-test", 1, Event(own, "attend.plenary", "api-test", 1, Day(2023, 3, 1), "第九届二次全体会议"), Event(own, "speaker", "api-test", 1, Day(2023, 3, 1), "第九届二次全体会议"));
        await RecordAsync(app, "api-test", 2, Event(own, "absent.standing", "api-test", 2, Day(2023, 6, 1), "常委会第五次会议"));
        await RecordAsync(app, "api-test", 3, Event(own, "claim.volunteer", "api-test", 3, Day(2023, 2, 1), "社区志愿服务", quantity: 3));
        var member = await app.ClientAsAsync("member.520201");

        var file = await member.GetFromJsonAsync<JsonElement>($"/api/members/{own}/duty?year=2023");
        Assert.Equal(own, file.GetProperty("memberId").GetInt32());
        Assert.Equal("520201", file.GetProperty("committeeCode").GetString());
        Assert.Equal(2023, file.GetProperty("year").GetInt32());
        Assert.Equal(12m, file.GetProperty("total").GetDecimal()); // 8 + 8 − 10 + 3 × 2
        Assert.Equal(("talk", "约谈"), (file.GetProperty("grade").GetString(), file.GetProperty("gradeName").GetString()));
        var byCategory = file.GetProperty("byCategory").EnumerateArray().Select(c => (c.GetProperty("category").GetString(), c.GetProperty("name").GetString(), c.GetProperty("points").GetDecimal(), c.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([("attendance", "会议活动", 8m, 1), ("speech", "发言与执笔", 8m, 1), ("volunteer", "志愿服务", 6m, 1), ("discipline", "纪律", -10m, 1)], byCategory);
        var records = file.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(["claim.volunteer", "attend.plenary", "speaker", "absent.standing"], records.Select(r => r.GetProperty("ruleCode").GetString())); // by date
        var plenary = records[1];
        Assert.Equal("第九届二次全体会议", plenary.GetProperty("title").GetString());
        Assert.Equal("出席全体会议", plenary.GetProperty("ruleName").GetString());
        Assert.Equal(("/test/1", "api-test", 1), (plenary.GetProperty("evidence").GetString(), plenary.GetProperty("source").GetString(), plenary.GetProperty("sourceId").GetInt32()));
        Assert.Equal(Day(2023, 3, 1), plenary.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(3m, records[0].GetProperty("quantity").GetDecimal());

        // No year: the current year in China. A year with nothing: empty, graded talk.
        var current = await member.GetFromJsonAsync<JsonElement>($"/api/members/{own}/duty");
        Assert.Equal(DateTimeOffset.UtcNow.ToOffset(China).Year, current.GetProperty("year").GetInt32());
        var empty = await member.GetFromJsonAsync<JsonElement>($"/api/members/{own}/duty?year=2005");
        Assert.Equal((0m, 0), (empty.GetProperty("total").GetDecimal(), empty.GetProperty("records").GetArrayLength()));

        foreach (var bad in new[] { "abc", "1999", "20245", "-1", (DateTimeOffset.UtcNow.Year + 2).ToString() })
        {
            var res = await member.GetAsync($"/api/members/{own}/duty?year={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
            Assert.StartsWith("年度应为 2000 至", problem.GetProperty("detail").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty("year", out _));
        }
    }

    [Theory]
    [InlineData("42.5", "excellent")] // 85
    [InlineData("42.49", "competent")] // 84.98
    [InlineData("30", "competent")] // 60
    [InlineData("29.99", "talk")] // 59.98
    public async Task The_grade_follows_the_thresholds(string quantity, string grade)
    {
        var m = (await MembersAsync(app, "520203", 1, skip: 2))[0];
        // claim.volunteer earns 2 points per unit; one source object, replaced per case.
        await RecordAsync(app, "grade-test", 1, Event(m, "claim.volunteer", "grade-test", 1, Day(2022, 5, 1), quantity: decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture)));
        var staff = await app.ClientAsAsync("staff.520200");
        var file = await staff.GetFromJsonAsync<JsonElement>($"/api/members/{m}/duty?year=2022");
        Assert.Equal(grade, file.GetProperty("grade").GetString());
    }

    [Fact]
    public async Task The_duty_file_is_the_members_own_or_in_the_office_accounts_scope()
    {
        var own = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var colleague = (await MembersAsync(app, "520201", 1))[0];
        var shuicheng = (await MembersAsync(app, "520204", 1))[0];
        await TestAccounts.EnsureAsync(app, "unit.520201.duty", Roles.HandlingUnit, "520201");
        await TestAccounts.EnsureAsync(app, "norole.duty", Roles.Member); // a member role without a member record
        var cases = new (string User, int Member, HttpStatusCode Expected)[]
        {
            ("member.520201", own, HttpStatusCode.OK),
            ("member.520201", colleague, HttpStatusCode.Forbidden),   // reads the directory, not colleagues' files
            ("member.520201", shuicheng, HttpStatusCode.Forbidden),
            ("staff.520201", colleague, HttpStatusCode.OK),
            ("staff.520201", shuicheng, HttpStatusCode.Forbidden),
            ("staff.520204", colleague, HttpStatusCode.Forbidden),    // another district
            ("staff.520204", shuicheng, HttpStatusCode.OK),
            ("staff.520200", shuicheng, HttpStatusCode.OK),           // the city sees its districts
            ("leader.520200", colleague, HttpStatusCode.OK),          // leaders read
            ("leader.520201", shuicheng, HttpStatusCode.Forbidden),
            ("admin", shuicheng, HttpStatusCode.OK),
            ("unit.520201.duty", colleague, HttpStatusCode.Forbidden),
            ("norole.duty", colleague, HttpStatusCode.Forbidden),
        };
        foreach (var (user, member, expected) in cases)
        {
            var client = await app.ClientAsAsync(user);
            foreach (var url in new[] { $"/api/members/{member}/duty?year=2024", $"/api/members/{member}/duty/report.docx?year=2024", $"/api/members/{member}/duty/records.xlsx?year=2024" })
            {
                var res = await client.GetAsync(url);
                Assert.True(expected == res.StatusCode, $"{user} GET {url}: {(int)res.StatusCode}, expected {(int)expected}");
                if (expected == HttpStatusCode.Forbidden) Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/members/{own}/duty")).StatusCode);
        var missing = await (await app.ClientAsAsync("admin")).GetAsync("/api/members/999999/duty");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("没有编号为 999999 的委员", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_report_is_an_A4_word_document_in_Chinese_fonts_and_the_list_reads_back()
    {
        var id = await CreateMemberAsync(app, "520201", "买买提·𠮷利");
        var name = await app.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.Name).FirstAsync());
        Assert.Contains("𠮷", name);
        await RecordAsync(app, "export-test", 1, Event(id, "attend.plenary", "export-test", 1, Day(2024, 1, 10), "第九届三次全体会议"));
        await RecordAsync(app, "export-test", 2, Event(id, "author", "export-test", 2, Day(2024, 4, 2), "关于乡村振兴的调研报告"));
        await RecordAsync(app, "export-test", 3, Event(id, "absent.other", "export-test", 3, Day(2024, 8, 20), "“书香政协”读书活动\u0001"));
        var staff = await app.ClientAsAsync("staff.520201");

        var docx = await staff.GetAsync($"/api/members/{id}/duty/report.docx?year=2024");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        Assert.Equal(DutyExport.DocxContentType, docx.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{name}2024年度履职报告.docx", docx.Content.Headers.ContentDisposition?.FileNameStar);
        using (var doc = WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false))
        {
            var body = doc.MainDocumentPart!.Document!.Body!;
            var text = body.InnerText;
            Assert.Contains("钟山区政协委员年度履职报告", text);
            Assert.Contains("（2024年度）", text);
            Assert.Contains(name, text);
            Assert.Contains("关于乡村振兴的调研报告", text);
            Assert.Contains("“书香政协”读书活动", text); // the control character is dropped, not fatal
            Assert.Contains("本年度累计履职积分 13 分，评定等次为“约谈”", text); // 8 + 10 − 5
            var section = body.Elements<SectionProperties>().Single();
            var size = section.GetFirstChild<PageSize>()!;
            Assert.Equal((11906u, 16838u), (size.Width!.Value, size.Height!.Value));
            Assert.Equal(2098, section.GetFirstChild<PageMargin>()!.Top!.Value);
            var nameRun = body.Descendants<Run>().First(r => r.InnerText == name);
            Assert.Equal(DutyExport.BodyFont, nameRun.RunProperties!.RunFonts!.EastAsia!.Value);
            var titleRun = body.Descendants<Run>().First(r => r.InnerText.EndsWith("委员年度履职报告", StringComparison.Ordinal));
            Assert.Equal("方正小标宋简体", titleRun.RunProperties!.RunFonts!.EastAsia!.Value);
            var fonts = doc.MainDocumentPart.FontTablePart!.Fonts!.Elements<Font>().ToDictionary(f => f.Name!.Value!, f => f.GetFirstChild<AltName>()?.Val?.Value);
            Assert.Equal("黑体", fonts["方正小标宋简体"]);
            Assert.Empty(new OpenXmlValidator().Validate(doc).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        }

        var xlsx = await staff.GetAsync($"/api/members/{id}/duty/records.xlsx?year=2024");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal($"{name}2024年度履职记录.xlsx", xlsx.Content.Headers.ContentDisposition?.FileNameStar);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        var rows = new MemoryStream(bytes).Query(useHeaderRow: true, sheetName: DutyExport.RecordsSheet).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(DutyExport.RecordHeaders, rows[0].Keys);
        Assert.Equal(["第九届三次全体会议", "关于乡村振兴的调研报告", "“书香政协”读书活动"], rows.Select(r => r["事项"]?.ToString()));
        Assert.Equal([8m, 10m, -5m], rows.Select(r => Convert.ToDecimal(r["积分"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["2024-01-10", "2024-04-02", "2024-08-20"], rows.Select(r => r["日期"]?.ToString()));
        Assert.Equal(["出席全体会议", "执笔调研报告、发言材料", "无故缺席必须参加的活动"], rows.Select(r => r["积分项目"]?.ToString()));
        var totals = new MemoryStream(bytes).Query(useHeaderRow: true, sheetName: DutyExport.TotalsSheet).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(13m, Convert.ToDecimal(totals.Single(r => r["类别"]?.ToString() == "合计")["积分"], System.Globalization.CultureInfo.InvariantCulture));

        // The member downloads their own files too; a year without records still gives a report.
        var empty = await staff.GetAsync($"/api/members/{id}/duty/report.docx?year=2010");
        using var emptyDoc = WordprocessingDocument.Open(new MemoryStream(await empty.Content.ReadAsByteArrayAsync()), false);
        Assert.Contains("本年度暂无履职记录", emptyDoc.MainDocumentPart!.Document!.Body!.InnerText);
    }
}

public sealed class DutyApiSqliteTests(SqliteAppFactory app) : DutyApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class DutyApiPostgresTests(PostgresAppFactory app) : DutyApiTests(app), IClassFixture<PostgresAppFactory>;
