using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Studios;
using static Xieshang.Tests.Features.Studios.StudioSteps;

namespace Xieshang.Tests.Features.Studios;

/// <summary>The app with the shipped per-client limit of 3 messages in 10 minutes (the request limiter set high, see <see cref="StudioRequestLimitTests"/>).</summary>
public sealed class StudioAbuseSqliteFactory : SqliteAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Studios:RequestsPerClientPer10Minutes", "10000");
    }
}

/// <summary>PostgreSQL twin of <see cref="StudioAbuseSqliteFactory"/>.</summary>
public sealed class StudioAbusePostgresFactory : PostgresAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Studios:RequestsPerClientPer10Minutes", "10000");
    }
}

/// <summary>
/// The public message endpoint under abuse: bad input, a honeypot, a wrong or expired or forged challenge, an oversize photo,
/// a non-image file with an image name and type, a burst from one client (3 stored, the rest 429 and not stored), the
/// per-studio daily cap; and a real photo stored without its EXIF data. Every refusal stores nothing.
/// </summary>
public abstract class StudioAbuseTests(AppFactory app)
{
    private Task<int> CountAsync() => app.WithDbAsync(db => db.StudioMessages.CountAsync());

    private async Task<int> StudioAsync(string name) => await CreateStudioAsync(app, [new { memberId = await MemberIdOfAsync(app, "member.520201"), onDuty = true }], true, name);

    private static MultipartFormDataContent Form(string token, string answer, byte[]? photo, string fileName = "photo.jpg", string type = "image/jpeg", string content = "路面塌陷，请尽快处理。")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(content), "content" }, { new StringContent("李先生"), "name" }, { new StringContent(""), "phone" },
            { new StringContent(token), "challengeToken" }, { new StringContent(answer), "challengeAnswer" },
        };
        if (photo is not null)
        {
            var file = new ByteArrayContent(photo);
            file.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(file, "photo", fileName);
        }
        return form;
    }

    private static byte[] Jpeg(int w = 40, int h = 30)
    {
        using var bmp = new SKBitmap(w, h);
        bmp.Erase(new SKColor(200, 40, 40));
        using var img = SKImage.FromBitmap(bmp);
        return img.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
    }

    /// <summary>A JPEG with an EXIF (APP1) segment carrying a recognisable GPS-like marker right after SOI.</summary>
    private static byte[] JpegWithExif()
    {
        var jpeg = Jpeg();
        var payload = "Exif\0\0"u8.ToArray().Concat(System.Text.Encoding.ASCII.GetBytes("MM\0*GPSLATITUDE-26.5938N-104.8304E")).ToArray();
        var len = payload.Length + 2;
        var app1 = new byte[] { 0xFF, 0xE1, (byte)(len >> 8), (byte)(len & 0xFF) }.Concat(payload).ToArray();
        return jpeg.Take(2).Concat(app1).Concat(jpeg.Skip(2)).ToArray();
    }

    [Fact]
    public async Task Bad_input_a_honeypot_and_wrong_expired_or_forged_challenges_are_refused_in_Chinese_and_store_nothing()
    {
        var studio = await StudioAsync("钟山区防刷测试工作室一");
        var client = app.CreateClient();
        var before = await CountAsync();
        async Task Refused(object body, string words, HttpStatusCode status = HttpStatusCode.BadRequest)
        {
            var res = await client.PostAsJsonAsync($"/api/studios/{studio}/messages", body);
            Assert.Equal(status, res.StatusCode);
            Assert.Contains(words, await Detail(res));
        }
        var dp = app.Services.GetRequiredService<IDataProtectionProvider>();
        // Each attempt uses its token up, so every refusal below gets a fresh one (issued here, not fetched: the challenge
        // endpoint is rate limited per client).
        (string Token, string Answer) Fresh() { var c = StudioGuard.Issue(dp, TimeProvider.System, 30); return (c.Token, Solve(c.Question)); }
        var (t1, a1) = Fresh();
        await Refused(new { content = "", challengeToken = t1, challengeAnswer = a1 }, "请填写留言内容");
        var (t2, a2) = Fresh();
        await Refused(new { content = new string('字', 1001), challengeToken = t2, challengeAnswer = a2 }, "不能超过 1000 个字");
        var (t3, a3) = Fresh();
        await Refused(new { content = "正常内容", phone = "abc", challengeToken = t3, challengeAnswer = a3 }, "电话号码格式不正确");
        var (t4, a4) = Fresh();
        await Refused(new { content = "正常内容", website = "http://spam.example", challengeToken = t4, challengeAnswer = a4 }, "提交未被接受");
        var (t5, a5) = Fresh();
        await Refused(new { content = "正常内容", challengeToken = t5, challengeAnswer = (int.Parse(a5) + 1).ToString() }, "答案不正确");
        await Refused(new { content = "正常内容", challengeAnswer = a5 }, "缺少验证题");
        await Refused(new { content = "正常内容", challengeToken = "forged-token", challengeAnswer = a5 }, "验证题无效");
        var old = StudioGuard.Issue(dp, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2)), 30);
        await Refused(new { content = "正常内容", challengeToken = old.Token, challengeAnswer = Solve(old.Question) }, "已过期");
        var unreadable = await client.PostAsync($"/api/studios/{studio}/messages", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Contains("请求格式不正确", await Detail(unreadable));
        Assert.Equal(before, await CountAsync());

        // The correct answer is accepted once; the same token again is refused (through the rules, from another address, so the
        // per-client count of the HTTP test client stays untouched for the burst test).
        var (token, answer) = Fresh();
        var reuse = await app.WithDbAsync(async db =>
        {
            var list = new List<int>();
            foreach (var content in new[] { "正常内容", "再来一条" })
            {
                var (_, e) = await StudioRules.SubmitMessageAsync(db, studio, new StudioMessageInput("", "", content, token, " " + answer + " "), null, "192.0.2.50", dp,
                    new StudioOptions(), "s", TimeProvider.System, default);
                list.Add(e?.Status ?? 201);
                if (e is not null) Assert.Contains("已使用过", e.Message);
            }
            return list;
        });
        Assert.Equal([201, 400], reuse);
        Assert.Equal(before + 1, await CountAsync());
    }

    [Fact]
    public async Task A_wrong_answer_uses_the_token_up_so_the_answer_cannot_be_guessed_with_one_token()
    {
        var studio = await StudioAsync("钟山区防刷测试工作室猜题");
        var client = app.CreateClient();
        var before = await CountAsync();
        var (token, answer) = await ChallengeAsync(client);
        var wrong = (int.Parse(answer) + 1).ToString();
        var first = await client.PostAsJsonAsync($"/api/studios/{studio}/messages", new { content = "正常内容", challengeToken = token, challengeAnswer = wrong });
        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Contains("答案不正确", await Detail(first));
        // The right answer with the same token: refused, the API says to fetch a new challenge, and the body is a validation problem.
        var second = await client.PostAsJsonAsync($"/api/studios/{studio}/messages", new { content = "正常内容", challengeToken = token, challengeAnswer = answer });
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        var body = await Json(second);
        Assert.Contains("已使用过", body.GetProperty("detail").GetString());
        Assert.Contains("/api/studios/challenge", body.GetProperty("detail").GetString());
        Assert.Equal("challengeAnswer", body.GetProperty("field").GetString());
        Assert.Contains("已使用过", body.GetProperty("errors").GetProperty("challengeAnswer")[0].GetString());
        Assert.Equal(before, await CountAsync());

        // A numeric answer in JSON is read like a string: here the content is missing, so the refusal is about the content
        // (errors:{content:[…]}), not 「请求格式不正确」.
        var dp = app.Services.GetRequiredService<IDataProtectionProvider>();
        var c = StudioGuard.Issue(dp, TimeProvider.System, 30);
        var numeric = await client.PostAsync($"/api/studios/{studio}/messages", new StringContent(
            $$"""{"content":"","challengeToken":"{{c.Token}}","challengeAnswer":{{Solve(c.Question)}}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, numeric.StatusCode);
        var nb = await Json(numeric);
        Assert.Contains("请填写留言内容", nb.GetProperty("errors").GetProperty("content")[0].GetString());

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task An_oversize_photo_is_413_a_non_image_with_an_image_name_is_400_and_a_real_photo_loses_its_exif()
    {
        var studio = await StudioAsync("钟山区防刷测试工作室二");
        var client = app.CreateClient();
        var before = await CountAsync();
        var (token, answer) = await ChallengeAsync(client);
        var huge = new byte[5 * 1024 * 1024 + 1];
        Jpeg().CopyTo(huge, 0);
        var big = await client.PostAsync($"/api/studios/{studio}/messages", Form(token, answer, huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Contains("5 MB", await Detail(big));
        var text = await client.PostAsync($"/api/studios/{studio}/messages", Form(token, answer, System.Text.Encoding.UTF8.GetBytes("<?php echo 'not an image'; ?>"), "photo.jpg", "image/jpeg"));
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Contains("JPEG、PNG 或 WebP", await Detail(text));
        var fakeJpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var broken = await client.PostAsync($"/api/studios/{studio}/messages", Form(token, answer, fakeJpeg, "x.png", "image/png"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(before, await CountAsync());

        // A real JPEG with EXIF location data: accepted through the rules (another client address), stored without it.
        var withExif = JpegWithExif();
        Assert.Contains("GPSLATITUDE", System.Text.Encoding.ASCII.GetString(withExif));
        var (stored, _) = await app.WithDbAsync(async db =>
        {
            var dp = app.Services.GetRequiredService<IDataProtectionProvider>();
            var c = StudioGuard.Issue(dp, TimeProvider.System, 30);
            return await StudioRules.SubmitMessageAsync(db, studio, new StudioMessageInput("", "", "附照片的留言", c.Token, Solve(c.Question)), withExif,
                "198.51.100.20", dp, new StudioOptions(), "test-secret", TimeProvider.System, default);
        });
        Assert.NotNull(stored);
        var photo = await app.WithDbAsync(db => db.StudioMessages.Where(m => m.Id == stored!.Id).Select(m => new { m.Photo, m.PhotoContentType }).FirstAsync());
        Assert.Equal("image/jpeg", photo.PhotoContentType);
        Assert.Equal("image/jpeg", StudioGuard.SniffImage(photo.Photo));
        var ascii = System.Text.Encoding.ASCII.GetString(photo.Photo!);
        Assert.DoesNotContain("GPSLATITUDE", ascii);
        Assert.DoesNotContain("Exif", ascii);
        using var decoded = SKBitmap.Decode(photo.Photo);
        Assert.Equal(40, decoded.Width);
        // The inbox serves it to the member on duty, not to another district.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/studio-messages/{stored!.Id}/photo")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520204")).GetAsync($"/api/studio-messages/{stored.Id}/photo")).StatusCode);
    }

    [Fact]
    public async Task A_burst_from_one_client_stores_three_and_refuses_the_rest_and_a_studio_has_a_daily_cap()
    {
        var studio = await StudioAsync("钟山区防刷测试工作室三");
        var client = app.CreateClient();
        var before = await CountAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await PostMessageAsync(client, studio, $"第 {i + 1} 条留言")).StatusCode);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var refused = await PostMessageAsync(client, studio, "第 7 条留言");
        Assert.Contains("10 分钟后再试", await Detail(refused));
        Assert.Equal(before + 3, await CountAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.StudioMessages.CountAsync(m => m.Content == "第 4 条留言" || m.Content == "第 7 条留言")));
        // The raw address is never stored: the key is a keyed hash.
        Assert.All(await app.WithDbAsync(db => db.StudioMessages.Select(m => m.ClientKey).ToListAsync()), k => Assert.Matches("^[0-9a-f]{64}$", k));

        // Per studio and day: with a cap of 2, a third message from yet another address is refused.
        var statuses2 = await app.WithDbAsync(async db =>
        {
            var dp = app.Services.GetRequiredService<IDataProtectionProvider>();
            var other = await StudioAsync("钟山区防刷测试工作室四");
            var list = new List<int>();
            foreach (var address in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3" })
            {
                var c = StudioGuard.Issue(dp, TimeProvider.System, 30);
                var (_, e) = await StudioRules.SubmitMessageAsync(db, other, new StudioMessageInput("", "", "每日上限测试", c.Token, Solve(c.Question)), null, address, dp,
                    new StudioOptions { MessagesPerStudioPerDay = 2 }, "s", TimeProvider.System, default);
                list.Add(e?.Status ?? 201);
            }
            return list;
        });
        Assert.Equal([201, 201, 429], statuses2);
    }
}

public sealed class StudioAbuseSqliteTests(StudioAbuseSqliteFactory app) : StudioAbuseTests(app), IClassFixture<StudioAbuseSqliteFactory>;
public sealed class StudioAbusePostgresTests(StudioAbusePostgresFactory app) : StudioAbuseTests(app), IClassFixture<StudioAbusePostgresFactory>;

/// <summary>The app with a request limit of 4 per client and 10 minutes on the public studio endpoints.</summary>
public sealed class StudioLimitSqliteFactory : SqliteAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Studios:RequestsPerClientPer10Minutes", "4");
    }
}

/// <summary>PostgreSQL twin of <see cref="StudioLimitSqliteFactory"/>.</summary>
public sealed class StudioLimitPostgresFactory : PostgresAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Studios:RequestsPerClientPer10Minutes", "4");
    }
}

/// <summary>The request limiter in front of the public message and challenge endpoints: valid or not, the fifth request in 10 minutes is 429.</summary>
public abstract class StudioRequestLimitTests(AppFactory app)
{
    [Fact]
    public async Task The_fifth_request_from_one_client_is_429_with_a_Chinese_message_and_stores_nothing()
    {
        var studio = await CreateStudioAsync(app, [], true, "钟山区限流测试工作室");
        var client = app.CreateClient();
        var (token, answer) = await ChallengeAsync(client);                                                 // 1
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/studios/{studio}/messages", new { content = "" })).StatusCode); // 2
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/studios/challenge")).StatusCode);      // 3
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/studios/challenge")).StatusCode);      // 4
        var res = await client.PostAsJsonAsync($"/api/studios/{studio}/messages", new { content = "第五次请求", challengeToken = token, challengeAnswer = answer });
        Assert.Equal(HttpStatusCode.TooManyRequests, res.StatusCode);
        Assert.Contains("请求过于频繁", await Detail(res));
        Assert.Equal(0, await app.WithDbAsync(db => db.StudioMessages.CountAsync(m => m.StudioId == studio)));
        // The public page and list are not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/public/studios/{studio}")).StatusCode);
    }
}

public sealed class StudioRequestLimitSqliteTests(StudioLimitSqliteFactory app) : StudioRequestLimitTests(app), IClassFixture<StudioLimitSqliteFactory>;
public sealed class StudioRequestLimitPostgresTests(StudioLimitPostgresFactory app) : StudioRequestLimitTests(app), IClassFixture<StudioLimitPostgresFactory>;
