using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Duty;

/// <summary>Members' own duty claims through the API: submit, review, refusals, evidence; on both providers.</summary>
public abstract class DutyClaimsApiTests(AppFactory app)
{
    /// <summary>A tiny valid PNG (1×1).</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static DateOnly Today => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd");

    /// <summary>A multipart claim; <paramref name="file"/> goes in the field <c>evidence</c>.</summary>
    public static MultipartFormDataContent Form(string ruleCode, string title, string occurredOn, string? quantity = null, (string Name, byte[] Bytes)? file = null, string description = "")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(ruleCode), "ruleCode" }, { new StringContent(title), "title" }, { new StringContent(description), "description" },
            { new StringContent(occurredOn), "occurredOn" },
        };
        if (quantity is not null) form.Add(new StringContent(quantity), "quantity");
        if (file is { } f)
        {
            var content = new ByteArrayContent(f.Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "evidence", f.Name);
        }
        return form;
    }

    private static object Json(string ruleCode = "claim.speech", string title = "在市工商联座谈会上发言", string? occurredOn = null, decimal? quantity = null) =>
        new { ruleCode, title, description = "围绕民营企业融资发言", occurredOn = occurredOn ?? D(Today), quantity };

    [Fact]
    public async Task A_member_claims_with_evidence_staff_in_scope_approve_and_the_record_and_notice_follow()
    {
        var member = await app.ClientAsAsync("member.520201");
        var own = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var created = await member.PostAsync("/api/duty/claims", Form("claim.volunteer", "社区防疫志愿服务", D(Today.AddDays(-1)), "3", ("志愿服务证明.png", Png), "连续三个周末在社区值守"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var claim = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = claim.GetProperty("id").GetInt32();
        Assert.Equal(("pending", true, "志愿服务证明.png", 3m), (claim.GetProperty("status").GetString(), claim.GetProperty("hasEvidence").GetBoolean(),
            claim.GetProperty("evidenceFileName").GetString(), claim.GetProperty("quantity").GetDecimal()));
        Assert.Equal(("志愿服务（每次）", "520201"), (claim.GetProperty("ruleName").GetString(), claim.GetProperty("committeeCode").GetString()));

        // Who sees it.
        Assert.Contains(id, Ids(await member.GetFromJsonAsync<JsonElement>("/api/duty/claims")));
        var staff = await app.ClientAsAsync("staff.520201");
        var queue = await staff.GetFromJsonAsync<JsonElement>("/api/duty/claims?committee=520201&status=pending");
        Assert.True(Item(queue, id).GetProperty("canDecide").GetBoolean());
        Assert.False(Item(await (await app.ClientAsAsync("leader.520201")).GetFromJsonAsync<JsonElement>("/api/duty/claims"), id).GetProperty("canDecide").GetBoolean());
        var other = await app.ClientAsAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/duty/claims?committee=520201")).StatusCode);
        Assert.DoesNotContain(id, Ids(await other.GetFromJsonAsync<JsonElement>("/api/duty/claims")));
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/duty/claims/{id}")).StatusCode);
        Assert.DoesNotContain(id, Ids(await (await app.ClientAsAsync("member.520204")).GetFromJsonAsync<JsonElement>("/api/duty/claims")));
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/api/duty/claims?status=done")).StatusCode);

        // The evidence: the member and office accounts in scope.
        var file = await member.GetAsync($"/api/duty/claims/{id}/evidence");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/duty/claims/{id}/evidence")).StatusCode);
        var colleague = await OtherMemberAccountAsync("520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.GetAsync($"/api/duty/claims/{id}/evidence")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/duty/claims/{id}/evidence")).StatusCode);

        // Wrong role or wrong committee cannot decide.
        await TestAccounts.EnsureAsync(app, "unit.520201.claims", Roles.HandlingUnit, "520201");
        foreach (var user in new[] { "member.520201", "leader.520201", "leader.520200", "staff.520204", "unit.520201.claims" })
        {
            var res = await (await app.ClientAsAsync(user)).PostAsJsonAsync($"/api/duty/claims/{id}/approve", new { note = "同意" });
            Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{user}: {(int)res.StatusCode}");
        }
        Assert.Empty(await RecordsAsync(id));

        // The city's staff manage the district below them.
        var approved = await (await app.ClientAsAsync("staff.520200")).PostAsJsonAsync($"/api/duty/claims/{id}/approve", new { note = "情况属实" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decided = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("approved", "staff.520200", "情况属实"), (decided.GetProperty("status").GetString(), decided.GetProperty("reviewedBy").GetString(), decided.GetProperty("reviewNote").GetString()));
        var record = Assert.Single(await RecordsAsync(id));
        Assert.Equal((own, "claim.volunteer", 6m, DutyCategory.Volunteer, 3m), (record.MemberId, record.RuleCode, record.Points, record.Category, record.Quantity));
        Assert.Equal(($"/api/duty/claims/{id}/evidence", "社区防疫志愿服务", Today.AddDays(-1).Year), (record.Evidence, record.Title, record.Year));
        var notice = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.MemberId == own && n.Kind == DutyClaims.DecidedKind).OrderBy(n => n.Id).LastAsync());
        Assert.Equal("履职申报已通过", notice.Title);
        Assert.Contains("“社区防疫志愿服务”", notice.Body);
        Assert.Contains("6 分", notice.Body);

        // The member's duty file has it.
        var duty = await member.GetFromJsonAsync<JsonElement>($"/api/members/{own}/duty?year={record.Year}");
        Assert.Contains(duty.GetProperty("records").EnumerateArray(), r => r.GetProperty("source").GetString() == "claim" && r.GetProperty("sourceId").GetInt32() == id);

        // Decided once: never again.
        foreach (var action in new[] { "approve", "reject" })
        {
            var again = await staff.PostAsJsonAsync($"/api/duty/claims/{id}/{action}", new { note = "再次审核" });
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("该申报已由 staff.520200 审核（已通过），不能再次审核", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        Assert.Single(await RecordsAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsJsonAsync("/api/duty/claims/999999/approve", new { note = "" })).StatusCode);
    }

    [Fact]
    public async Task A_rejection_needs_a_note_writes_no_record_and_tells_the_member_why()
    {
        var member = await app.ClientAsAsync("member.520204");
        var own = await TestActivities.MemberIdOfAsync(app, "member.520204");
        var created = await member.PostAsJsonAsync("/api/duty/claims", Json("claim.honour", "获评全市优秀政协委员"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/duty/claims/{id}/evidence")).StatusCode);

        var staff = await app.ClientAsAsync("staff.520204");
        foreach (var body in new object?[] { null, new { note = "" }, new { note = "  " }, new { note = new string('因', 501) } })
        {
            var res = body is null ? await staff.PostAsync($"/api/duty/claims/{id}/reject", null) : await staff.PostAsJsonAsync($"/api/duty/claims/{id}/reject", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains("审核意见", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("note")[0].GetString());
        }
        Assert.Equal("pending", (await staff.GetFromJsonAsync<JsonElement>($"/api/duty/claims/{id}")).GetProperty("status").GetString());

        var rejected = await staff.PostAsJsonAsync($"/api/duty/claims/{id}/reject", new { note = "请补充表彰文件" });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("rejected", (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Empty(await RecordsAsync(id));
        var notice = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.MemberId == own && n.Kind == DutyClaims.DecidedKind).OrderBy(n => n.Id).LastAsync());
        Assert.Equal("履职申报未通过", notice.Title);
        Assert.Contains("请补充表彰文件", notice.Body);
        var again = await staff.PostAsJsonAsync($"/api/duty/claims/{id}/approve", new { note = "" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("（未通过）", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        // Approval with an empty body is fine (the note is optional there).
        var second = (await (await member.PostAsJsonAsync("/api/duty/claims", Json(quantity: 2))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/duty/claims/{second}/approve", null)).StatusCode);
        Assert.Equal(6m, Assert.Single(await RecordsAsync(second)).Points); // claim.speech 3 × 2
    }

    [Fact]
    public async Task Bad_claims_and_files_are_refused_in_Chinese_and_nothing_is_stored()
    {
        var member = await app.ClientAsAsync("member.520203");
        var before = await app.WithDbAsync(db => db.DutyClaims.CountAsync());
        var today = D(Today);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF");
        var cases = new (HttpContent Body, string Field, string Message)[]
        {
            (JsonContent.Create(Json(ruleCode: "attend.plenary")), "ruleCode", "请选择申报类别"),
            (JsonContent.Create(Json(title: " ")), "title", "请填写履职事项名称"),
            (JsonContent.Create(Json(title: new string('长', 201))), "title", "不能超过 200 字"),
            (JsonContent.Create(Json(occurredOn: D(Today.AddDays(1)))), "occurredOn", "不能晚于今天"),
            (JsonContent.Create(Json(occurredOn: "2026/1/1")), "occurredOn", "应写作 yyyy-MM-dd"),
            (JsonContent.Create(Json(occurredOn: D(new DateOnly(Today.Year - 2, 12, 31)))), "occurredOn", "只能申报"),
            (JsonContent.Create(Json(quantity: 0)), "quantity", "大于 0"),
            (JsonContent.Create(Json(quantity: 101)), "quantity", "不超过 100"),
            (Form("claim.volunteer", "志愿服务", today, "两次"), "quantity", "大于 0"),
            (Form("claim.volunteer", "志愿服务", today, "1.555"), "quantity", "两位小数"),
            (Form("claim.volunteer", "志愿服务", today, file: ("setup.exe", [0x4D, 0x5A, 0x90, 0x00])), "evidence", "只接受 PDF、JPG、PNG 图片或 Word（.docx）文件"),
            (Form("claim.volunteer", "志愿服务", today, file: ("证明.png", pdf)), "evidence", "文件内容不是PNG格式"),
            (Form("claim.volunteer", "志愿服务", today, file: ("证明.docx", MakeZip("other.xml"))), "evidence", "文件内容不是DOCX格式"),
            (Form("claim.volunteer", "志愿服务", today, file: ("空.pdf", [])), "evidence", "空文件"),
            (Form("claim.volunteer", "志愿服务", today, file: ("大.pdf", [.. pdf, .. new byte[10 * 1024 * 1024]])), "evidence", "不能超过 10 MB"),
            (Form("claim.volunteer", "志愿服务", today, file: ("很大.pdf", [.. pdf, .. new byte[10 * 1024 * 1024 + 100_000]])), "evidence", "不能超过 10 MB"),
            (new StringContent("ruleCode=claim.speech", Encoding.UTF8, "text/plain"), "", "请以 JSON 或 multipart/form-data"),
            (new StringContent("{\"ruleCode\":", Encoding.UTF8, "application/json"), "", "不是有效的 JSON"),
        };
        foreach (var (body, field, message) in cases)
        {
            var res = await member.PostAsync("/api/duty/claims", body);
            Assert.True(res.StatusCode == HttpStatusCode.BadRequest, $"{field} {message}: {(int)res.StatusCode}");
            var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
            Assert.Contains(message, problem.GetProperty("detail").GetString());
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.DutyClaims.CountAsync()));

        // The accepted kinds pass: a real .docx, a JPEG, a PDF.
        var docx = await member.PostAsync("/api/duty/claims", Form("claim.speech", "发言稿", today, file: ("发言稿.docx", MakeZip("word/document.xml"))));
        Assert.Equal(HttpStatusCode.Created, docx.StatusCode);
        var jpeg = await member.PostAsync("/api/duty/claims", Form("claim.honour", "表彰", today, file: ("证书.JPG", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10])));
        Assert.Equal(HttpStatusCode.Created, jpeg.StatusCode);
        var stored = await app.WithDbAsync(db => db.DutyClaims.AsNoTracking().OrderByDescending(c => c.Id).Select(c => new { c.EvidenceFileName, c.EvidenceContentType }).FirstAsync());
        Assert.Equal(("证书.JPG", "image/jpeg"), (stored.EvidenceFileName, stored.EvidenceContentType));
        // The audit log names the file but does not copy its bytes.
        var big = await member.PostAsync("/api/duty/claims", Form("claim.speech", "发言材料", today, file: ("发言材料.pdf", [.. pdf, .. new byte[60_000]])));
        Assert.Equal(HttpStatusCode.Created, big.StatusCode);
        var bigId = (await big.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32().ToString();
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "DutyClaim" && a.EntityId == bigId).Select(a => a.Changes).SingleAsync());
        Assert.Contains("发言材料.pdf", audit);
        Assert.True(audit.Length < 4000, $"audit row of {audit.Length} characters");
    }

    [Fact]
    public async Task Only_members_submit_claims()
    {
        await TestAccounts.EnsureAsync(app, "unit.520201.submit", Roles.HandlingUnit, "520201");
        var before = await app.WithDbAsync(db => db.DutyClaims.CountAsync());
        foreach (var user in new[] { "staff.520201", "leader.520201", "admin", "unit.520201.submit" })
        {
            var res = await (await app.ClientAsAsync(user)).PostAsJsonAsync("/api/duty/claims", Json());
            Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{user}: {(int)res.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/duty/claims", Json())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("unit.520201.submit")).GetAsync("/api/duty/claims")).StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.DutyClaims.CountAsync()));
    }

    [Fact]
    public async Task Two_staff_deciding_at_once_one_wins_and_one_record_is_written()
    {
        var member = await app.ClientAsAsync("member.520201");
        var id = (await (await member.PostAsJsonAsync("/api/duty/claims", Json(title: "同时审核"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var (city, district) = (await app.ClientAsAsync("staff.520200"), await app.ClientAsAsync("staff.520201"));
        var answers = await Task.WhenAll(city.PostAsJsonAsync($"/api/duty/claims/{id}/approve", new { note = "市" }), district.PostAsJsonAsync($"/api/duty/claims/{id}/reject", new { note = "区" }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var status = await app.WithDbAsync(db => db.DutyClaims.Where(c => c.Id == id).Select(c => c.Status).FirstAsync());
        Assert.Equal(status == DutyClaimStatus.Approved ? 1 : 0, (await RecordsAsync(id)).Count);
        Assert.Equal(1, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == DutyClaims.DecidedKind && n.Body.Contains("同时审核"))));
    }

    private Task<List<DutyRecord>> RecordsAsync(int claimId) =>
        app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.Source == DutyClaims.Source && r.SourceId == claimId).ToListAsync());

    /// <summary>A member account for another member of the committee than the demo account's.</summary>
    private async Task<HttpClient> OtherMemberAccountAsync(string committee)
    {
        var other = (await DutyTestData.MembersAsync(app, committee, 1))[0];
        await TestAccounts.EnsureAsync(app, $"member.{committee}.other", Roles.Member, committee, other);
        return await app.ClientAsAsync($"member.{committee}.other");
    }

    private static IEnumerable<int> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32());
    private static JsonElement Item(JsonElement page, int id) => page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetInt32() == id);

    /// <summary>A ZIP package holding one empty entry.</summary>
    private static byte[] MakeZip(string entry)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true)) zip.CreateEntry(entry);
        return ms.ToArray();
    }
}

public sealed class DutyClaimsApiSqliteTests(SqliteAppFactory app) : DutyClaimsApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class DutyClaimsApiPostgresTests(PostgresAppFactory app) : DutyClaimsApiTests(app), IClassFixture<PostgresAppFactory>;
