using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Retention;

namespace Xieshang.Tests.Features.Members;

/// <summary>
/// Personal data (<see cref="PersonalData"/>): the export for the member and staff in scope, refused to everyone else;
/// erasure refused while the member serves and to the wrong roles and committees, and once allowed it clears the personal
/// fields, disables the account, scrubs the audit values, and leaves the duty file exactly as it was.
/// </summary>
public abstract class PersonalDataTests(AppFactory app)
{
    private async Task<int> MemberIdOfAsync(string userName) =>
        await app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId!.Value).SingleAsync());

    [Fact]
    public async Task The_member_downloads_everything_the_platform_holds_about_them()
    {
        var id = await MemberIdOfAsync("member.520201");
        var own = await app.ClientAsAsync("member.520201");
        var res = await own.GetAsync($"/api/members/{id}/personal-data");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var doc = await res.Content.ReadFromJsonAsync<JsonElement>();

        var (phone, name, records, checkIns) = await app.WithDbAsync(async db =>
        {
            var m = await db.Members.SingleAsync(x => x.Id == id);
            return (m.Phone, m.Name, await db.DutyRecords.CountAsync(r => r.MemberId == id), await db.CheckIns.CountAsync(c => c.MemberId == id));
        });
        var member = doc.GetProperty("member");
        Assert.Equal(name, member.GetProperty("name").GetString());
        Assert.Equal(phone, member.GetProperty("phone").GetString()); // unmasked for the member
        Assert.Equal("520201", member.GetProperty("committeeCode").GetString());
        Assert.False(member.TryGetProperty("strokeKey", out _));
        var account = Assert.Single(doc.GetProperty("accounts").EnumerateArray());
        Assert.Equal("member.520201", account.GetProperty("userName").GetString());
        Assert.Contains("member", account.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(account.GetProperty("recentSignIns").EnumerateArray(), s => s.GetProperty("action").GetString() == "SignIn");
        Assert.DoesNotContain("passwordHash", doc.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(records, doc.GetProperty("dutyRecords").GetArrayLength());
        Assert.Equal(checkIns, doc.GetProperty("checkIns").GetArrayLength());
        foreach (var section in new[] { "invitations", "proposalsAuthored", "proposalsCoSigned", "opinionsAuthored", "studyEnrolments", "readingCheckIns", "studioDuties", "notifications" })
            Assert.Equal(JsonValueKind.Array, doc.GetProperty(section).ValueKind);
        Assert.Contains("第四十五条", doc.GetProperty("legalBasis").GetString());

        var download = await (await app.SignedInPageClientAsync("member.520201")).GetAsync($"/api/members/{id}/personal-data?download=true"); // the page's button: cookie
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".json", download.Content.Headers.ContentDisposition?.FileNameStar);

        var page = await (await app.SignedInPageClientAsync("member.520201")).GetHtmlAsync($"/members/{id}");
        Assert.Contains($"/api/members/{id}/personal-data?download=true", page);
        Assert.DoesNotContain($"action=\"/members/{id}/erase\"", page); // no erase form for the member
    }

    [Fact]
    public async Task Staff_in_scope_may_export_and_other_members_leaders_and_committees_may_not()
    {
        var id = await MemberIdOfAsync("member.520201");
        foreach (var user in new[] { "staff.520201", "staff.520200", "admin" })
            Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync(user)).GetAsync($"/api/members/{id}/personal-data")).StatusCode);
        foreach (var user in new[] { "member.520204", "staff.520204", "leader.520201", "leader.520200" })
        {
            var res = await (await app.ClientAsAsync(user)).GetAsync($"/api/members/{id}/personal-data");
            Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
            Assert.Contains("委员本人", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        // A colleague in the same committee, with their own member account.
        var colleague = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.Id != id).Select(m => m.Id).FirstAsync());
        await TestAccounts.EnsureAsync(app, "colleague.520201", "member", "520201", colleague);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("colleague.520201")).GetAsync($"/api/members/{id}/personal-data")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("staff.520201")).GetAsync("/api/members/99999999/personal-data")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/members/{id}/personal-data")).StatusCode);
    }

    [Fact]
    public async Task Erasure_is_refused_while_serving_and_to_the_wrong_people_then_clears_personal_data_and_keeps_the_duty_file()
    {
        // A member of 520201 with an account of their own, contact data changed once (so the audit log holds old and new values), and duty records.
        var login = $"erase{Guid.NewGuid():N}"[..16];
        var id = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.IsActive && !db.Users.Any(u => u.MemberId == m.Id))
            .OrderBy(m => m.Id).Select(m => m.Id).FirstAsync());
        await TestAccounts.EnsureAsync(app, login, "member", "520201", id);
        await app.WithDbAsync(async db =>
        {
            var m = await db.Members.SingleAsync(x => x.Id == id);
            m.Phone = "13912345678";
            m.Email = "erase-me@example.cn";
            m.WorkUnit = "钟山区某某公司总经理";
            m.BirthMonth = new DateOnly(1970, 5, 1);
            var u = await db.Users.SingleAsync(x => x.UserName == login);
            u.Email = "erase-me@example.cn";
            u.NormalizedEmail = "ERASE-ME@EXAMPLE.CN";
            u.PhoneNumber = "13912345678";
            db.OutboxMails.Add(new Xieshang.Web.Infrastructure.Notifications.OutboxMail
            {
                To = "erase-me@example.cn", ToName = m.Name, Subject = "会议通知", Body = "请按时参加。", CreatedAt = DateTimeOffset.UtcNow, NextAttemptAt = DateTimeOffset.UtcNow,
            });
            for (var i = 0; i < 3; i++)
                db.DutyRecords.Add(new DutyRecord
                {
                    MemberId = id, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId, Year = 2024,
                    Category = DutyCategory.Attendance, RuleCode = "attend.plenary", Points = 2, Source = "test-erase", SourceId = 900000 + i,
                    Title = $"全体会议第{i + 1}次", Evidence = $"/activities/{900000 + i}", OccurredAt = new DateTimeOffset(2024, 3, 1 + i, 2, 0, 0, TimeSpan.Zero),
                    RecordedAt = new DateTimeOffset(2024, 3, 1 + i, 2, 0, 0, TimeSpan.Zero),
                });
            return await db.SaveChangesAsync();
        });
        var self = await app.ClientAsAsync(login);
        var staff = await app.ClientAsAsync("staff.520201");
        var export = await self.GetFromJsonAsync<JsonElement>($"/api/members/{id}/personal-data");
        Assert.Contains(export.GetProperty("mails").EnumerateArray(), x => x.GetProperty("subject").GetString() == "会议通知");
        var name = await app.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.Name).SingleAsync());

        // Still serving: 409 with the reason, nothing changed.
        var serving = await staff.PostAsync($"/api/members/{id}/erase", null);
        Assert.Equal(HttpStatusCode.Conflict, serving.StatusCode);
        Assert.Contains("仍在任", (await serving.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var pages = await app.SignedInPageClientAsync("staff.520201");
        var token = await pages.TokenOfAsync($"/members/{id}");
        var pagePost = await pages.PostAsync($"/members/{id}/erase", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Contains("erased=refused-409", pagePost.Target());
        Assert.Contains("仍在任", await pages.GetHtmlAsync(pagePost.Target()));
        Assert.Equal("13912345678", await app.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.Phone).SingleAsync()));

        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/members/{id}/deactivate", null)).StatusCode);
        var dutyBefore = await staff.GetStringAsync($"/api/members/{id}/duty?year=2024");
        var xlsxBefore = Sheet(await staff.GetByteArrayAsync($"/api/members/{id}/duty/records.xlsx?year=2024"));
        Assert.Equal(3, xlsxBefore.Count);
        var noToken = await pages.PostAsync($"/members/{id}/erase", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Contains("erased=refused-400", noToken.Target());
        foreach (var (client, who) in new[] { (self, login), (await app.ClientAsAsync("staff.520204"), "staff.520204"), (await app.ClientAsAsync("leader.520201"), "leader.520201"), (await app.ClientAsAsync("member.520201"), "member.520201") })
            Assert.True(HttpStatusCode.Forbidden == (await client.PostAsync($"/api/members/{id}/erase", null)).StatusCode, who);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync("/api/members/99999999/erase", null)).StatusCode);
        Assert.Equal("13912345678", await app.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.Phone).SingleAsync()));

        Assert.Contains($"action=\"/members/{id}/erase\"", await pages.GetHtmlAsync($"/members/{id}"));

        var erased = await staff.PostAsync($"/api/members/{id}/erase", null);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var result = await erased.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, result.GetProperty("accountsDisabled").GetInt32());
        Assert.Equal(1, result.GetProperty("mailsDeleted").GetInt32());
        Assert.False(await app.WithDbAsync(db => db.OutboxMails.AnyAsync(x => x.To == "erase-me@example.cn")));
        Assert.Equal(["phone", "email", "birthMonth", "workUnit"], result.GetProperty("clearedFields").EnumerateArray().Select(f => f.GetString()!).ToArray());

        var after = await app.WithDbAsync(async db =>
        {
            var m = await db.Members.AsNoTracking().SingleAsync(x => x.Id == id);
            var u = await db.Users.AsNoTracking().SingleAsync(x => x.MemberId == id);
            var audit = await db.AuditEntries.AsNoTracking()
                .Where(a => (a.EntityType == "Member" && a.EntityId == id.ToString()) || (a.EntityType == "AppUser" && a.EntityId == u.Id) || a.UserName == login)
                .ToListAsync();
            return (m, u, audit);
        });
        Assert.Equal(("", "", "", null), (after.m.Phone, after.m.Email, after.m.WorkUnit, after.m.BirthMonth));
        Assert.Equal(name, after.m.Name);
        Assert.StartsWith($"erased-{id}-", after.u.UserName);
        Assert.Null(after.u.Email);
        Assert.Null(after.u.PhoneNumber);
        Assert.Null(after.u.PasswordHash);
        Assert.True(after.u.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100));
        Assert.DoesNotContain(after.audit, a => a.UserName == login);
        foreach (var secret in new[] { "13912345678", "erase-me@example.cn", "ERASE-ME@EXAMPLE.CN", "某某公司", "1970-05" })
            Assert.DoesNotContain(after.audit, a => a.Changes.Contains(secret, StringComparison.Ordinal));
        Assert.Contains(after.audit, a => a.Changes.Contains(AuditRedaction.Marker, StringComparison.Ordinal));
        Assert.Contains(after.audit, a => a.Action == PersonalData.ErasedAction && a.UserName == "staff.520201");

        var relogin = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = login, password = AppFactory.DemoPassword });
        Assert.False(relogin.IsSuccessStatusCode);

        // The duty file is unchanged: the same records in the API and in the Excel export.
        Assert.Equal(dutyBefore, await staff.GetStringAsync($"/api/members/{id}/duty?year=2024"));
        Assert.Equal(xlsxBefore, Sheet(await staff.GetByteArrayAsync($"/api/members/{id}/duty/records.xlsx?year=2024")));
    }

    /// <summary>The records sheet of a duty .xlsx, one string per row.</summary>
    private static List<string> Sheet(byte[] xlsx) =>
        MiniExcelLibs.MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true, sheetName: DutyExport.RecordsSheet)
            .Cast<IDictionary<string, object?>>()
            .Select(r => string.Join("|", r.Select(kv => $"{kv.Key}={kv.Value}")))
            .ToList();
}

public sealed class PersonalDataSqliteTests(SqliteAppFactory app) : PersonalDataTests(app), IClassFixture<SqliteAppFactory>;
public sealed class PersonalDataPostgresTests(PostgresAppFactory app) : PersonalDataTests(app), IClassFixture<PostgresAppFactory>;
