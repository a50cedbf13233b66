using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Studios;

/// <summary>The app with high per-client message limits (the lifecycle and scope tests post many messages from one test client).</summary>
public sealed class StudioSqliteFactory : SqliteAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Studios:MessagesPerClientPer10Minutes", "1000");
        builder.UseSetting("Studios:RequestsPerClientPer10Minutes", "10000");
    }
}

/// <summary>PostgreSQL twin of <see cref="StudioSqliteFactory"/>.</summary>
public sealed class StudioPostgresFactory : PostgresAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Studios:MessagesPerClientPer10Minutes", "1000");
        builder.UseSetting("Studios:RequestsPerClientPer10Minutes", "10000");
    }
}

/// <summary>Shared steps of the studio tests: accounts, a studio, a challenge answered, a message posted.</summary>
public static partial class StudioSteps
{
    public static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    public static async Task<string> Detail(HttpResponseMessage res) => (await Json(res)).TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";

    /// <summary>The member id of a demo account.</summary>
    public static Task<int> MemberIdOfAsync(AppFactory app, string userName) =>
        app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId!.Value).FirstAsync());

    /// <summary>Active members of <paramref name="committee"/> without an account (for extra studio members).</summary>
    public static Task<List<int>> OtherMembersAsync(AppFactory app, string committee, int count) =>
        app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == committee && m.IsActive && !db.Users.Any(u => u.MemberId == m.Id))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(count).ToListAsync());

    /// <summary>An account (<paramref name="userName"/>, role member) for a member of 钟山区 who is on a studio but not on duty.</summary>
    public static async Task<(string User, int MemberId)> OffDutyMemberAsync(AppFactory app)
    {
        var id = (await OtherMembersAsync(app, "520201", 3))[2];
        await TestAccounts.EnsureAsync(app, "xs.offduty.520201", Roles.Member, "520201", id);
        return ("xs.offduty.520201", id);
    }

    /// <summary>Creates a 钟山区 studio in 黄土坡街道 (staff.520201) and returns its id.</summary>
    public static async Task<int> CreateStudioAsync(AppFactory app, IEnumerable<object> members, bool published = true, string name = "钟山区黄土坡委员工作室")
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var res = await staff.PostAsJsonAsync("/api/studios", new
        {
            name, committeeCode = "520201", sectorId = (int?)null, townshipCode = "520201011", address = "黄土坡街道社区服务中心二楼",
            memberIds = Array.Empty<int>(), members, kind = "township", directions = "乘 3 路公交车到黄土坡站，向北步行 200 米", schedule = "每月第一个周三上午",
            contact = "0858-8221234", published,
        });
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return (await Json(res)).GetProperty("id").GetInt32();
    }

    /// <summary>A fresh challenge from the API with its correct answer.</summary>
    public static async Task<(string Token, string Answer)> ChallengeAsync(HttpClient client)
    {
        var c = await client.GetFromJsonAsync<JsonElement>("/api/studios/challenge");
        return (c.GetProperty("token").GetString()!, Solve(c.GetProperty("question").GetString()!));
    }

    /// <summary>The answer of a question like 「7 加 5 等于几？」.</summary>
    public static string Solve(string question)
    {
        var m = Question().Match(question);
        Assert.True(m.Success, question);
        return (int.Parse(m.Groups[1].Value) + int.Parse(m.Groups[2].Value)).ToString();
    }

    [GeneratedRegex(@"(\d+) 加 (\d+)")]
    private static partial Regex Question();

    /// <summary>Posts a message as JSON with a fresh, correctly answered challenge.</summary>
    public static async Task<HttpResponseMessage> PostMessageAsync(HttpClient client, int studioId, string content, string name = "", string phone = "")
    {
        var (token, answer) = await ChallengeAsync(client);
        return await client.PostAsJsonAsync($"/api/studios/{studioId}/messages", new { name, phone, content, challengeToken = token, challengeAnswer = answer });
    }

    /// <summary>Posts a message and returns its tracking code and id.</summary>
    public static async Task<(string Code, int Id)> LeaveMessageAsync(AppFactory app, int studioId, string content, string phone = "13800001111")
    {
        var res = await PostMessageAsync(app.CreateClient(), studioId, content, "王女士", phone);
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        var code = (await Json(res)).GetProperty("trackingCode").GetString()!;
        var id = await app.WithDbAsync(db => db.StudioMessages.Where(m => m.TrackingCode == code).Select(m => m.Id).FirstAsync());
        return (code, id);
    }
}
