using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Support;

/// <summary>
/// The people around one city (520200) proposal, by account name: the proposer (<c>member.520200</c>), two co-signers
/// (the first is "the pending co-signer"), a member of the committee who is not involved, the office (<c>staff.520200</c>),
/// staff of another committee (<c>staff.520201</c>), a leader (<c>leader.520200</c>), the supervising leader of key
/// proposals, the lead unit (<c>unit.520200.edu</c>), a co-unit (<c>unit.520200.health</c>) and an unassigned unit
/// (<c>unit.520200.transport</c>).
/// </summary>
public sealed record ProposalCast(string Proposer, int ProposerMemberId, string CoSigner, int CoSignerMemberId, string CoSigner2, int CoSigner2MemberId,
    string Bystander, int BystanderMemberId, string Office, string OtherStaff, string Leader, string Supervisor, string Unit, string CoUnit, string OtherUnit)
{
    /// <summary>Every role of the matrix with its account.</summary>
    public IReadOnlyList<(string Role, string User)> Roles =>
    [
        ("proposer", Proposer), ("co-signer", CoSigner), ("office", Office), ("other-staff", OtherStaff), ("leader", Leader),
        ("supervisor", Supervisor), ("unit", Unit), ("co-unit", CoUnit), ("other-unit", OtherUnit), ("bystander", Bystander),
    ];
}

/// <summary>
/// Builds proposals through the real API (never around it): ensures what the workflow needs exists in the app under
/// test — the five demo handling units of 六盘水市 with one account each, a plenary/between-session session for
/// the demo committees, member accounts for co-signers and a bystander, a second leader who supervises key proposals —
/// and drives a proposal to any state of <see cref="ProposalWorkflow"/> by the actions of the people who may take them.
/// Every step asserts it succeeded, so a broken step fails where it broke.
/// </summary>
public sealed class ProposalScenario
{
    /// <summary>The five demo handling units of 六盘水市 (issue 4 §2).</summary>
    public static readonly (string Code, string Name)[] CityUnits =
    [
        ("520200.edu", "六盘水市教育局"), ("520200.health", "六盘水市卫生健康局"), ("520200.transport", "六盘水市交通运输局"),
        ("520200.agri", "六盘水市农业农村局"), ("520200.env", "六盘水市生态环境局"),
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, string>? _tokens;

    private ProposalScenario(AppFactory app, ProposalCast cast, bool freshLogins)
    {
        App = app;
        Cast = cast;
        _tokens = freshLogins ? [] : null;
    }

    /// <summary>The app under test.</summary>
    public AppFactory App { get; }

    /// <summary>The people.</summary>
    public ProposalCast Cast { get; }

    /// <summary>
    /// Ensures units, sessions and accounts exist (idempotent) and returns the scenario. With <paramref name="freshLogins"/>
    /// the scenario signs in on its own and <see cref="ForgetLogins"/> drops its tokens (for tests that move the app's clock,
    /// where tokens cached by the factory would expire).
    /// </summary>
    public static async Task<ProposalScenario> CreateAsync(AppFactory app, bool freshLogins = false)
    {
        foreach (var (code, name) in CityUnits) await EnsureUnitAsync(app, "520200", code, name);
        foreach (var committee in new[] { "520200", "520201", "520203", "520204", "520281" }) await EnsureSessionAsync(app, committee);
        var proposer = await MemberIdOfAsync(app, "member.520200");
        var others = await app.WithDbAsync(db => db.Members.AsNoTracking()
            .Where(m => m.Committee!.Code == "520200" && m.IsActive && m.Id != proposer && !db.Users.Any(u => u.MemberId == m.Id && !u.UserName!.StartsWith("xs.")))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(3).ToListAsync());
        await TestAccounts.EnsureAsync(app, "xs.co1.520200", Roles.Member, "520200", others[0]);
        await TestAccounts.EnsureAsync(app, "xs.co2.520200", Roles.Member, "520200", others[1]);
        await TestAccounts.EnsureAsync(app, "xs.by.520200", Roles.Member, "520200", others[2]);
        await TestAccounts.EnsureAsync(app, "xs.sup.520200", Roles.Leader, "520200");
        return new ProposalScenario(app, freshLogins: freshLogins, cast: new ProposalCast("member.520200", proposer, "xs.co1.520200", await MemberIdOfAsync(app, "xs.co1.520200"),
            "xs.co2.520200", await MemberIdOfAsync(app, "xs.co2.520200"), "xs.by.520200", await MemberIdOfAsync(app, "xs.by.520200"),
            "staff.520200", "staff.520201", "leader.520200", "xs.sup.520200", "unit.520200.edu", "unit.520200.health", "unit.520200.transport"));
    }

    /// <summary>
    /// Creates handling unit <paramref name="code"/> of committee <paramref name="committeeCode"/> with its account
    /// <c>unit.</c> + code (role <c>unit</c>, password <see cref="AppFactory.DemoPassword"/>, an e-mail address) unless they
    /// exist — the demo seeds the five city units the same way.
    /// </summary>
    public static async Task EnsureUnitAsync(AppFactory app, string committeeCode, string code, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Xieshang.Web.Infrastructure.Data.AppDbContext>();
        var unit = await db.HandlingUnits.FirstOrDefaultAsync(u => u.Code == code);
        if (unit is null)
        {
            var committee = await db.Committees.Where(c => c.Code == committeeCode).Select(c => new { c.Id, c.Path }).FirstAsync();
            db.HandlingUnits.Add(unit = new HandlingUnit { Code = code, Name = name, CommitteeId = committee.Id, CommitteePath = committee.Path });
            await db.SaveChangesAsync();
        }
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        if (await users.FindByNameAsync("unit." + code) is not null) return;
        var user = new AppUser { UserName = "unit." + code, DisplayName = unit.Name, HandlingUnitId = unit.Id, Email = $"unit.{code}@example.gov.cn" };
        var r = await users.CreateAsync(user, AppFactory.DemoPassword);
        if (!r.Succeeded) throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, Roles.HandlingUnit);
    }

    /// <summary>The member id of a member account.</summary>
    public static Task<int> MemberIdOfAsync(AppFactory app, string userName) =>
        app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId!.Value).FirstAsync());

    /// <summary>An account's id.</summary>
    public static Task<string> UserIdOfAsync(AppFactory app, string userName) =>
        app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).FirstAsync());

    /// <summary>
    /// Gives committee <paramref name="code"/> a session when it has none (九届二次会议 of the current China year, opening in
    /// January), so that between-session proposals can be written on any day. Sessions the demo seeds are kept as they are.
    /// </summary>
    public static async Task EnsureSessionAsync(AppFactory app, string code)
    {
        await app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == code);
            if (await db.ProposalSessions.AnyAsync(s => s.CommitteeId == c.Id)) return 0;
            var year = ChinaTime.YearOf(DateTimeOffset.UtcNow);
            db.ProposalSessions.Add(new ProposalSession { CommitteeId = c.Id, Term = 9, Session = 2, Year = year, OpensOn = new DateOnly(year, 1, 10), ClosesOn = new DateOnly(year, 1, 14) });
            try { await db.SaveChangesAsync(); } catch (DbUpdateException) { /* a parallel test added it */ }
            return 1;
        });
    }

    // ---------------------------------------------------------------- HTTP

    /// <summary>A signed-in client.</summary>
    public async Task<HttpClient> As(string user)
    {
        if (_tokens is null) return await App.ClientAsAsync(user);
        if (!_tokens.TryGetValue(user, out var token))
        {
            var res = await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = user, password = user == "admin" ? AppFactory.AdminPassword : AppFactory.DemoPassword });
            res.EnsureSuccessStatusCode();
            token = _tokens[user] = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        }
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Drops the scenario's own tokens (after the app's clock moved).</summary>
    public void ForgetLogins() => _tokens?.Clear();

    /// <summary>Creates a draft as <paramref name="user"/>; returns the id (asserts 201).</summary>
    public async Task<int> CreateAsync(string? user = null, string title = "关于推进城乡义务教育优质均衡发展的建议", string? body = null, int[]? coSigners = null,
        string kind = "between-session")
    {
        var client = await As(user ?? Cast.Proposer);
        var res = await client.PostAsJsonAsync("/api/proposals", new
        {
            title, kind, body = body ?? "<p>现状：部分乡村学校师资不足。</p><p>建议：<strong>一、</strong>完善教师轮岗交流机制；二、加大乡村学校投入。</p>",
            coSignerIds = coSigners ?? (user is null ? [Cast.CoSignerMemberId, Cast.CoSigner2MemberId] : []),
        });
        var text = await res.Content.ReadAsStringAsync();
        if (res.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"create as {user}: {(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt32();
    }

    /// <summary>Takes <paramref name="action"/> as <paramref name="user"/>: the status and the answer (detail or problem).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TryAsync(string user, int id, string action, object? data = null)
    {
        var client = await As(user);
        var res = await client.PostAsJsonAsync($"/api/proposals/{id}/actions/{action}", data ?? new { });
        var text = await res.Content.ReadAsStringAsync();
        return (res.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Takes <paramref name="action"/> and asserts it succeeded (200); returns the answer.</summary>
    public async Task<JsonElement> ActAsync(string user, int id, string action, object? data = null)
    {
        var (status, body) = await TryAsync(user, id, action, data);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"{action} on #{id} as {user}: {(int)status} {body}");
        return body;
    }

    /// <summary>The detail as <paramref name="user"/> sees it (asserts 200).</summary>
    public async Task<JsonElement> DetailAsync(string user, int id)
    {
        var client = await As(user);
        var res = await client.GetAsync($"/api/proposals/{id}");
        var text = await res.Content.ReadAsStringAsync();
        if (res.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"detail #{id} as {user}: {(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The status code of a GET as <paramref name="user"/>.</summary>
    public async Task<HttpStatusCode> GetStatusAsync(string user, string url) => (await (await As(user)).GetAsync(url)).StatusCode;

    /// <summary>The proposal's status code and version straight from the database.</summary>
    public Task<(ProposalStatus Status, int Version)> StateAsync(int id) =>
        App.WithDbAsync(async db => await db.Proposals.AsNoTracking().Where(p => p.Id == id).Select(p => new ValueTuple<ProposalStatus, int>(p.Status, p.Version)).FirstAsync());

    // ---------------------------------------------------------------- canned action data

    /// <summary>Valid data for each action code (the test's choice: lead unit edu with co-unit health).</summary>
    public object DataFor(string action, int id = 0, int? intoId = null, DateOnly? dueOn = null) => action switch
    {
        "reject" => new { ground = "no-suggestion", explanation = "提案没有提出具体可行的建议。" },
        "merge" => new { intoId },
        "return" => new { reason = "请补充现状数据和具体建议。" },
        "assign" => new { mode = "lead", units = new[] { "520200.edu", "520200.health" }, lead = "520200.edu" },
        "return-assignment" => new { reason = "该事项不属于本单位职责。" },
        "contact" => new { method = "phone", summary = "与提案人电话沟通办理思路。", persons = "张科长" },
        "send-views" => new { text = "<p>会办意见：同意主办单位意见。</p>" },
        "reply" => new { @class = "A", text = "<p>答复：已列入明年工作计划并落实经费。</p>", @public = true },
        "extend" => new { dueOn },
        "rate" => new { satisfaction = "satisfied", comment = "答复具体。" },
        "mark-key" => new { leaderId = Cast.Supervisor },
        "supervise" => new { text = "召开督办座谈会，听取办理进展。" },
        "mark-excellent" => new { },
        _ => new { comment = "测试" },
    };

    // ---------------------------------------------------------------- states

    /// <summary>
    /// A new proposal of the proposer with both co-signers, driven to <paramref name="target"/> through the API:
    /// draft → (submit) co-signing → (both sign) submitted → review / return / reject / merge / file; filed proposals are
    /// marked key with the supervising leader; assigned = lead unit edu + co-unit health; handling = edu contacted the
    /// proposer; replied = edu replied (class A, public); rated = rated satisfied; closed; re-handling = rated dissatisfied
    /// and edu contacted the proposer again (round 2). Withdrawn is withdrawn as a draft.
    /// </summary>
    public async Task<int> InStateAsync(ProposalStatus target, string title = "关于推进城乡义务教育优质均衡发展的建议")
    {
        var c = Cast;
        var id = await CreateAsync(title: title);
        if (target == ProposalStatus.Draft) return id;
        if (target == ProposalStatus.Withdrawn) { await ActAsync(c.Proposer, id, "withdraw"); return id; }
        await ActAsync(c.Proposer, id, "submit");
        if (target == ProposalStatus.CoSigning) return id;
        await ActAsync(c.CoSigner, id, "sign");
        await ActAsync(c.CoSigner2, id, "sign");
        switch (target)
        {
            case ProposalStatus.Submitted: return id;
            case ProposalStatus.UnderReview: await ActAsync(c.Office, id, "review"); return id;
            case ProposalStatus.Returned: await ActAsync(c.Office, id, "return", DataFor("return")); return id;
            case ProposalStatus.NotFiled: await ActAsync(c.Office, id, "reject", DataFor("reject")); return id;
            case ProposalStatus.Merged:
                var into = await SubmittedAsync("关于合并办理的目标提案");
                await ActAsync(c.Office, id, "merge", new { intoId = into });
                return id;
        }
        await ActAsync(c.Office, id, "file");
        await ActAsync(c.Office, id, "mark-key", DataFor("mark-key"));
        if (target == ProposalStatus.Filed) return id;
        await ActAsync(c.Office, id, "assign", DataFor("assign"));
        if (target == ProposalStatus.Assigned) return id;
        await ActAsync(c.Unit, id, "contact", DataFor("contact"));
        if (target == ProposalStatus.Handling) return id;
        await ActAsync(c.Unit, id, "reply", DataFor("reply"));
        if (target == ProposalStatus.Replied) return id;
        if (target == ProposalStatus.Rehandling)
        {
            await ActAsync(c.Proposer, id, "rate", new { satisfaction = "dissatisfied", comment = "答复没有回应具体建议。" });
            await ActAsync(c.Unit, id, "contact", new { method = "face-to-face", summary = "重新办理前再次当面沟通。" });
            return id;
        }
        await ActAsync(c.Proposer, id, "rate", DataFor("rate"));
        if (target == ProposalStatus.Rated) return id;
        await ActAsync(c.Office, id, "close");
        if (target == ProposalStatus.Closed) return id;
        throw new ArgumentOutOfRangeException(nameof(target), target, null);
    }

    /// <summary>A submitted proposal by the proposer without co-signers (straight to 已提交).</summary>
    public async Task<int> SubmittedAsync(string title, string? user = null, int[]? coSigners = null)
    {
        var id = await CreateAsync(user ?? Cast.Proposer, title, coSigners: coSigners ?? []);
        await ActAsync(user ?? Cast.Proposer, id, "submit");
        return id;
    }

    /// <summary>The code of a state as the API writes it.</summary>
    public static string Code(ProposalStatus s) => ProposalWorkflow.StateCode(s);

    /// <summary>Parses a JSON answer's <c>status</c>.</summary>
    public static string StatusOf(JsonElement detail) => detail.GetProperty("status").GetString()!;

    /// <summary>Serialises for messages.</summary>
    public static string Show(object o) => JsonSerializer.Serialize(o, Json);
}

/// <summary>The system clock moved by <see cref="Offset"/>; <see cref="SetToday"/> puts the app on a China day (time keeps running).</summary>
public sealed class MovableClock : TimeProvider
{
    /// <summary>How far from real time the app lives.</summary>
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    /// <summary>Moves the clock to 10:00 China time on <paramref name="day"/>.</summary>
    public void SetToday(DateOnly day) => Offset = ChinaTime.StartOf(day).AddHours(10) - base.GetUtcNow();

    /// <summary>Back to real time.</summary>
    public void Reset() => Offset = TimeSpan.Zero;
}

/// <summary>The SQLite app with a <see cref="MovableClock"/> as its <see cref="TimeProvider"/>.</summary>
public sealed class ClockedSqliteAppFactory : SqliteAppFactory
{
    /// <summary>The app's clock.</summary>
    public MovableClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>The PostgreSQL app with a <see cref="MovableClock"/> as its <see cref="TimeProvider"/>.</summary>
public sealed class ClockedPostgresAppFactory : PostgresAppFactory
{
    /// <summary>The app's clock.</summary>
    public MovableClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
