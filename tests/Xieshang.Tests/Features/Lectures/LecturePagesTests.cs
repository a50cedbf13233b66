using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Auth;
using static Xieshang.Tests.Features.Lectures.LectureTestKit;

namespace Xieshang.Tests.Features.Lectures;

/// <summary>
/// The lecture pages and the public archive: the archive (page and JSON, no sign-in) shows only held lectures of public
/// series with only the public fields, filters by hall and series and pages by 20; staff set up a series and a lecture on
/// the forms (Chinese messages by field, typed values kept, nothing saved on refusal); the detail page links the activity,
/// takes slides and a recording (played in &lt;video controls&gt;) and refuses a text file named .pdf; the wrong role and
/// the wrong committee are refused on every page and form with nothing changed.
/// </summary>
public abstract class LecturePagesTests(AppFactory app, MovableClock clock)
{
    private static FormUrlEncodedContent Form(string token, string handler, params (string Key, string Value)[] fields) =>
        new(new[] { new KeyValuePair<string, string>("__RequestVerificationToken", token), new KeyValuePair<string, string>("_handler", handler) }
            .Concat(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));

    [Fact]
    public async Task The_public_archive_shows_only_held_lectures_of_public_series_with_the_public_fields()
    {
        var speaker = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var phone = await app.WithDbAsync(db => db.Members.Where(m => m.Id == speaker).Select(m => m.Phone).FirstAsync());
        var pub = await SeriesAsync(app, isPublic: true, hall: "law", name: "钟山区法治讲堂（档案测试）");
        var priv = await SeriesAsync(app, isPublic: false, hall: "law", name: "钟山区内部讲堂（档案测试）");
        var now = clock.GetUtcNow();
        var soon = TimeSpan.FromMinutes(10);
        await LectureAsync(app, Body(pub, now, soon, kind: "member", speakerMemberId: speaker, speakerName: null, topic: "已举办的公开讲座",
            summary: "<p>民法典<b>婚姻家庭编</b>要点<script>alert(1)</script></p>"));
        await LectureAsync(app, Body(pub, now, TimeSpan.FromDays(3), topic: "尚未举行的公开讲座"));
        await LectureAsync(app, Body(pub, now, soon, publish: false, topic: "未发布的公开讲座"));
        var cancelled = await LectureAsync(app, Body(pub, now, soon, topic: "已取消的公开讲座"));
        Assert.Equal(HttpStatusCode.NoContent, (await (await app.ClientAsAsync("staff.520201")).PostAsJsonAsync($"/api/lectures/{cancelled}/cancel", new { reason = "场地调整" })).StatusCode);
        await LectureAsync(app, Body(priv, now, soon, topic: "内部系列已举办讲座"));
        var ethics = await SeriesAsync(app, isPublic: true, hall: "ethics", name: "钟山区道德讲堂（档案测试）");
        await LectureAsync(app, Body(ethics, now, soon, topic: "道德讲堂已举办讲座", speakerName: "陈老师"));
        try
        {
            clock.Offset = TimeSpan.FromHours(1);
            var anonymous = app.CreatePageClient();
            var html = await anonymous.GetHtmlAsync($"/lectures/archive?series={pub}");
            Assert.Contains("已举办的公开讲座", html);
            Assert.Contains(await app.WithDbAsync(db => db.Members.Where(m => m.Id == speaker).Select(m => m.Name).FirstAsync()), html);
            Assert.Contains("贵州大学经济学院教授", html);
            Assert.Contains("委员传递共识", html);
            Assert.Contains("<b>婚姻家庭编</b>", html);
            Assert.DoesNotContain("alert(1)", html);
            Assert.Contains(LectureDay(now + soon), html);
            foreach (var hidden in new[] { "尚未举行的公开讲座", "未发布的公开讲座", "已取消的公开讲座", "内部系列已举办讲座", "内部讲堂（档案测试）", "区政协四楼报告厅", "/activities/" })
                Assert.DoesNotContain(hidden, html);
            if (phone.Length > 0) Assert.DoesNotContain(phone, html);
            // Filters: the hall narrows; an unknown hall says so.
            var law = await anonymous.GetHtmlAsync("/lectures/archive?hall=law");
            Assert.Contains("已举办的公开讲座", law);
            Assert.DoesNotContain("道德讲堂已举办讲座", law);
            Assert.Contains("道德讲堂已举办讲座", await anonymous.GetHtmlAsync("/lectures/archive?hall=ethics"));
            Assert.Contains("讲堂类别无效", await anonymous.GetHtmlAsync("/lectures/archive?hall=music"));

            // The JSON: the same lectures, exactly the public fields.
            var json = await Json(await anonymous.GetAsync($"/api/public/lectures?series={pub}"));
            var item = Assert.Single(json.GetProperty("items").EnumerateArray());
            Assert.Equal(["date", "hall", "hallName", "seriesName", "speakerKind", "speakerKindName", "speakerName", "speakerTitle", "summary", "topic"],
                item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
            Assert.Equal("已举办的公开讲座", item.GetProperty("topic").GetString());
            Assert.Equal(1, json.GetProperty("total").GetInt32());
            Assert.DoesNotContain(json.GetProperty("series").EnumerateArray(), s => s.GetProperty("id").GetInt32() == priv);
            var raw = await (await anonymous.GetAsync("/api/public/lectures?hall=law")).Content.ReadAsStringAsync();
            Assert.DoesNotContain("内部系列已举办讲座", raw);
            Assert.DoesNotContain("memberId", raw, StringComparison.OrdinalIgnoreCase);
            var bad = await anonymous.GetAsync("/api/public/lectures?hall=music");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("hall", (await Json(bad)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }
        finally { clock.Reset(); }
    }

    private static string LectureDay(DateTimeOffset at) => Xieshang.Web.Features.Lectures.LectureCodes.Day(at);

    [Fact]
    public async Task The_archive_pages_by_twenty()
    {
        var pub = await SeriesAsync(app, isPublic: true, hall: "cppcc", name: "分页测试讲堂");
        var now = clock.GetUtcNow();
        for (var n = 1; n <= 21; n++) await LectureAsync(app, Body(pub, now, TimeSpan.FromMinutes(10 + n), topic: $"分页讲座第{n:00}讲"));
        try
        {
            clock.Offset = TimeSpan.FromHours(2);
            var anonymous = app.CreatePageClient();
            var first = await anonymous.GetHtmlAsync($"/lectures/archive?series={pub}");
            Assert.Contains("分页讲座第21讲", first); // newest first
            Assert.DoesNotContain("分页讲座第01讲", first);
            Assert.Contains($"/lectures/archive?series={pub}&page=2", first.Replace("&amp;", "&"));
            var second = await anonymous.GetHtmlAsync($"/lectures/archive?series={pub}&page=2");
            Assert.Contains("分页讲座第01讲", second);
            Assert.DoesNotContain("分页讲座第21讲", second);
            var json = await Json(await anonymous.GetAsync($"/api/public/lectures?series={pub}&page=2"));
            Assert.Equal(21, json.GetProperty("total").GetInt32());
            Assert.Single(json.GetProperty("items").EnumerateArray());
            // A page beyond the last: no 暂无 message, a link back to the first page.
            var beyond = (await anonymous.GetHtmlAsync($"/lectures/archive?series={pub}&page=99")).Replace("&amp;", "&");
            Assert.Contains("id=\"archive-past-end\"", beyond);
            Assert.DoesNotContain("id=\"archive-none\"", beyond);
            Assert.Contains($"href=\"/lectures/archive?series={pub}&page=1\" id=\"archive-first-page\"", beyond);
            // English UI: hall and speaker-kind names come from the resource.
            var en = await anonymous.GetHtmlAsync($"/lectures/archive?series={pub}&culture=en");
            Assert.Contains(">CPPCC lecture hall</option>", en);
            Assert.Contains(">Expert lecture</span>", en);
            Assert.DoesNotContain("政协讲堂</option>", en);
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task A_lecture_still_running_shows_in_progress_and_once_over_held()
    {
        var sid = await SeriesAsync(app);
        var now = clock.GetUtcNow();
        var id = await LectureAsync(app, Body(sid, now, TimeSpan.FromMinutes(10), topic: "进行中状态讲座")); // 2 hours long
        var staff = await app.SignedInPageClientAsync("staff.520201");
        string Badge(string html) => Regex.Match(html, $"href=\"/lectures/{id}\">进行中状态讲座</a>\\s*<span class=\"badge[^\"]*\"[^>]*>([^<]*)</span>").Groups[1].Value;
        try
        {
            clock.Offset = TimeSpan.FromHours(1);
            // The series page lists every lecture of this test's own series (the /lectures page shows the 20 nearest of each
            // kind among all of the class's lectures, so which ones it shows depends on the other tests).
            Assert.Equal("进行中", Badge(await staff.GetHtmlAsync($"/lectures/series/{sid}")));
            Assert.Matches("id=\"status\">进行中<", await staff.GetHtmlAsync($"/lectures/{id}"));
            clock.Offset = TimeSpan.FromHours(3);
            Assert.Equal("已举办", Badge(await staff.GetHtmlAsync($"/lectures/series/{sid}")));
            Assert.Matches("id=\"status\">已举办<", await staff.GetHtmlAsync($"/lectures/{id}"));
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task Staff_set_up_a_series_and_a_lecture_on_the_forms_and_refusals_keep_what_was_typed()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var page = await staff.GetHtmlAsync("/lectures");
        Assert.Contains("设立讲堂系列", page);
        var token = PageClient.Token(page);
        var before = await SnapshotAsync(app);
        var bad = await staff.PostAsync("/lectures", Form(token, "series", ("name", ""), ("hall", "law"), ("committeeCode", "520201"), ("description", "每季度一讲")));
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("请填写系列名称", badHtml);
        Assert.Contains("每季度一讲", badHtml);
        Assert.Equal(before, await SnapshotAsync(app));
        var ok = await staff.PostAsync("/lectures", Form(token, "series", ("name", "钟山区法治讲堂（页面）"), ("hall", "law"), ("committeeCode", "520201"), ("isPublic", "true")));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Matches(@"^/lectures/series/\d+\?done=created$", ok.Target());
        var sid = int.Parse(ok.Target().Split('/')[3].Split('?')[0]);
        var seriesPage = await staff.GetHtmlAsync(ok.Target());
        Assert.Contains("钟山区法治讲堂（页面）", seriesPage);
        Assert.Contains("法治讲堂", seriesPage);

        var form = await staff.GetHtmlAsync($"/lectures/new?series={sid}");
        Assert.Contains("data-filter-selects=\"speaker members\"", form);
        Assert.Matches("<page-script src=\"/?js/member-filter[^\"]*\\.js\"", form);
        token = PageClient.Token(form);
        var start = Xieshang.Web.Features.Lectures.LectureCodes.Local(DateTimeOffset.UtcNow.AddDays(5));
        var end = Xieshang.Web.Features.Lectures.LectureCodes.Local(DateTimeOffset.UtcNow.AddDays(5).AddHours(2));
        before = await SnapshotAsync(app);
        var refused = await staff.PostAsync($"/lectures/new?series={sid}", Form(token, "lecture", ("seriesId", sid.ToString()), ("topic", "民法典与基层治理"),
            ("speakerKind", "member"), ("speakerName", ""), ("startsAt", start), ("endsAt", end), ("place", "区政协报告厅"), ("committees", "520201")));
        var html = await refused.HtmlAsync();
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("须选择主讲委员", html);
        Assert.DoesNotContain("（speakerMemberId）", html); // page messages name no API field
        Assert.Contains("id=\"error-speakerMemberId\"", html);
        Assert.Contains("value=\"民法典与基层治理\"", html);
        Assert.Equal(before, await SnapshotAsync(app));
        var badTime = await (await staff.PostAsync($"/lectures/new?series={sid}", Form(token, "lecture", ("seriesId", sid.ToString()), ("topic", "民法典与基层治理"),
            ("speakerKind", "expert"), ("speakerName", "赵律师"), ("startsAt", "明天上午"), ("endsAt", end), ("place", "区政协报告厅"), ("committees", "520201")))).HtmlAsync();
        Assert.Contains("时间“明天上午”无效", badTime);
        Assert.Equal(before, await SnapshotAsync(app));

        var speaker = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var created = await staff.PostAsync($"/lectures/new?series={sid}", Form(token, "lecture", ("seriesId", sid.ToString()), ("topic", "民法典与基层治理"),
            ("speakerKind", "member"), ("speakerMemberId", speaker.ToString()), ("speakerTitle", "区律师协会会长"), ("startsAt", start), ("endsAt", end),
            ("place", "区政协报告厅"), ("committees", "520201"), ("summary", "讲座要点：\n一、调解\n二、普法"), ("publish", "true")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Matches(@"^/lectures/\d+\?done=saved$", created.Target());
        var id = int.Parse(created.Target().Split('/')[2].Split('?')[0]);
        var detail = await staff.GetHtmlAsync(created.Target());
        Assert.Contains("民法典与基层治理", detail);
        Assert.Contains("区律师协会会长", detail);
        Assert.Contains("一、调解<br>二、普法", detail);
        Assert.Contains($"href=\"/activities/{await ActivityOf(app, id)}\"", detail);
        Assert.Contains("即将举行", detail);
        var edit = await staff.GetHtmlAsync($"/lectures/{id}/edit");
        Assert.Contains("value=\"民法典与基层治理\"", edit);
        Assert.Contains("readonly", edit); // published: times by 延期
        // The invited member finds it on the series page and on /lectures (the coming lectures of the last test lectures may crowd the first 20).
        var member = await app.SignedInPageClientAsync("member.520201");
        Assert.Contains("民法典与基层治理", await member.GetHtmlAsync($"/lectures/series/{sid}"));
        Assert.Contains("/lectures/series/" + sid, await member.GetHtmlAsync("/lectures"));
    }

    [Fact]
    public async Task The_detail_page_takes_slides_and_a_recording_and_refuses_a_text_file_named_pdf()
    {
        var sid = await SeriesAsync(app);
        var id = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow));
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var page = await staff.GetHtmlAsync($"/lectures/{id}");
        var token = PageClient.Token(page);

        MultipartFormDataContent Upload(string kind, string title, byte[] bytes, string fileName)
        {
            var content = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { new StringContent(kind), "kind" }, { new StringContent(title), "title" },
            };
            content.Add(new ByteArrayContent(bytes), "file", fileName);
            return content;
        }
        // The form posts to the upload endpoint (not to the page, whose request limit is Kestrel's default).
        Assert.Contains($"action=\"/lectures/{id}/materials\" enctype=\"multipart/form-data\"", page);
        var before = await SnapshotAsync(app);
        var fakePost = await staff.PostAsync($"/lectures/{id}/materials", Upload("document", "伪装的课件", "这不是 PDF"u8.ToArray(), "课件.pdf"));
        Assert.Equal(HttpStatusCode.Redirect, fakePost.StatusCode);
        Assert.StartsWith($"/lectures/{id}?error=", fakePost.Target());
        var fake = await staff.GetHtmlAsync(fakePost.Target().Split('#')[0]);
        Assert.Contains("文件格式不支持", fake);
        Assert.Contains("id=\"error-material\"", fake);
        Assert.Equal(before, await SnapshotAsync(app));
        // A refusal on a page that still carries ?done=saved shows the error without the earlier 已保存。 banner.
        var both = await staff.GetHtmlAsync($"/lectures/{id}?done=saved&error={Uri.EscapeDataString("文件格式不支持")}");
        Assert.Contains("id=\"error-material\"", both);
        Assert.DoesNotContain("id=\"done\"", both);
        Assert.DoesNotContain("已保存。", both);
        Assert.Contains("id=\"done\"", await staff.GetHtmlAsync($"/lectures/{id}?done=saved"));
        // Without the antiforgery token: refused, nothing stored.
        var noToken = new MultipartFormDataContent { { new StringContent("document"), "kind" }, { new ByteArrayContent(LectureFiles.Pdf()), "file", "课件.pdf" } };
        Assert.StartsWith($"/lectures/{id}?error=", (await staff.PostAsync($"/lectures/{id}/materials", noToken)).Target());
        Assert.Equal(before, await SnapshotAsync(app));

        var pdf = await staff.PostAsync($"/lectures/{id}/materials", Upload("document", "讲座课件", LectureFiles.Pdf(), "课件.pdf"));
        Assert.Equal(HttpStatusCode.Redirect, pdf.StatusCode);
        Assert.Equal($"/lectures/{id}?done=material#materials", pdf.Target());
        var video = await staff.PostAsync($"/lectures/{id}/materials", Upload("video", "讲座录像", LectureFiles.Mp4(64 * 1024), "录像.mp4"));
        Assert.Equal(HttpStatusCode.Redirect, video.StatusCode);
        var html = await staff.GetHtmlAsync($"/lectures/{id}");
        Assert.Contains("讲座课件", html);
        Assert.Matches("<video controls[^>]*src=\"/api/lectures/" + id + "/materials/\\d+\"", html);
        // The member invited downloads the slides through the lecture's access rule; another district's member cannot.
        var materials = await Json(await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/lectures/{id}/materials"));
        var slides = materials.EnumerateArray().First(m => m.GetProperty("title").GetString() == "讲座课件").GetProperty("url").GetString()!;
        var bytes = await (await app.ClientAsAsync("member.520201")).GetByteArrayAsync(slides);
        Assert.Equal(LectureFiles.Pdf(), bytes);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("member.520204")).GetAsync(slides)).StatusCode);

        // Removing a material from the page.
        var mid = materials.EnumerateArray().First(m => m.GetProperty("title").GetString() == "讲座课件").GetProperty("id").GetInt32();
        var removed = await staff.PostAsync($"/lectures/{id}", Form(PageClient.Token(html), "material-delete", ("material", mid.ToString())));
        Assert.Equal($"/lectures/{id}?done=material-delete", removed.Target());
        Assert.False(await app.WithDbAsync(db => db.StudyMaterials.AnyAsync(m => m.Id == mid)));
    }

    [Fact]
    public async Task The_sign_in_page_links_the_public_archive_and_the_archive_uses_two_columns_from_lg()
    {
        var anonymous = app.CreatePageClient();
        var login = await anonymous.GetHtmlAsync("/account/login");
        Assert.Contains("<a href=\"/lectures/archive\" id=\"public-archive-link\">讲堂公开档案（无需登录）</a>", login);
        Assert.Contains("id=\"public-studios-link\"", login);
        var archive = await anonymous.GetAsync("/lectures/archive");
        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        var html = await archive.HtmlAsync();
        Assert.Contains("<div class=\"lecture-archive\">", html);
        Assert.DoesNotContain("xs-narrow lecture-archive", html);
        Assert.Contains("class=\"list-unstyled lecture-cards row row-cols-1 row-cols-lg-2 g-2 mb-2\" id=\"archive-list\"", html);
    }

    [Fact]
    public async Task Staff_upload_a_recording_over_kestrels_default_limit_through_the_lecture_page_form_and_it_is_on_disk_and_served_with_ranges()
    {
        var sid = await SeriesAsync(app);
        var id = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow, topic: "大文件录像讲座"));
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var token = PageClient.Token(await staff.GetHtmlAsync($"/lectures/{id}"));
        var (path, size) = await Xieshang.Tests.Features.Study.StudyUploads.BigMp4Async();
        try
        {
            using var content = Xieshang.Tests.Features.Study.StudyUploads.Form(token, path, "讲座全程录像");
            var res = await staff.PostAsync($"/lectures/{id}/materials", content);
            Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
            Assert.Equal($"/lectures/{id}?done=material#materials", res.Target());
            var m = await app.WithDbAsync(db => db.StudyMaterials.Include(x => x.StoredFile).SingleAsync(x => x.LectureId == id && x.Title == "讲座全程录像"));
            Assert.Equal(size, m.StoredFile!.Size);
            await Xieshang.Tests.Features.Study.StudyUploads.AssertOnDiskAndServedAsync(app, await app.ClientAsAsync("member.520201"), $"/api/lectures/{id}/materials/{m.Id}", path, size);
            Assert.Matches("<video controls[^>]*src=\"/api/lectures/" + id + "/materials/" + m.Id + "\"", await staff.GetHtmlAsync($"/lectures/{id}"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Pages_and_forms_refuse_the_wrong_role_and_the_wrong_committee_and_change_nothing()
    {
        await TestAccounts.EnsureAsync(app, "unit.520201.lecturepages", Roles.HandlingUnit, "520201");
        var sid = await SeriesAsync(app);
        var id = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow, topic: "页面越权测试讲座"));
        var draft = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow, topic: "页面越权测试草稿", publish: false));
        var before = await SnapshotAsync(app);

        // Not signed in: the sign-in page; the archive needs none.
        var anonymous = app.CreatePageClient();
        foreach (var url in new[] { "/lectures", $"/lectures/{id}", $"/lectures/series/{sid}", "/lectures/new" })
            Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync(url)).StatusCode);

        // A handling unit: 403 on every page.
        var unit = await app.SignedInPageClientAsync("unit.520201.lecturepages");
        foreach (var url in new[] { "/lectures", $"/lectures/series/{sid}", "/lectures/new" })
            Assert.Equal(HttpStatusCode.Forbidden, (await unit.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await unit.GetAsync($"/lectures/{id}")).StatusCode);

        // 水城区 staff: another committee's lecture and series are not found; no series of theirs to schedule in.
        var shuicheng = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.NotFound, (await shuicheng.GetAsync($"/lectures/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shuicheng.GetAsync($"/lectures/{id}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shuicheng.GetAsync($"/lectures/series/{sid}")).StatusCode);
        Assert.DoesNotContain("页面越权测试讲座", await shuicheng.GetHtmlAsync("/lectures"));
        var theirToken = await shuicheng.TokenOfAsync("/lectures");
        var post = await shuicheng.PostAsync($"/lectures/{id}", Form(theirToken, "cancel", ("reason", "越权")));
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(before, await SnapshotAsync(app));

        // The invited member reads the lecture but has no forms; posting one anyway gets the 403 page and changes nothing.
        var member = await app.SignedInPageClientAsync("member.520201");
        var html = await member.GetHtmlAsync($"/lectures/{id}");
        Assert.DoesNotContain("name=\"reason\"", html);
        Assert.DoesNotContain($"/lectures/{id}/edit", html);
        var token = await member.TokenOfAsync("/lectures");
        foreach (var (form, fields) in new (string, (string, string)[])[] { ("cancel", [("reason", "越权")]), ("publish", []), ("postpone", [("reason", "越权")]), ("material-delete", [("material", "1")]) })
        {
            var res = await member.PostAsync($"/lectures/{id}", Form(token, form, fields));
            Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
            Assert.Equal(before, await SnapshotAsync(app));
        }
        var upload = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("link"), "kind" },
            { new StringContent("越权链接"), "title" }, { new StringContent("https://www.cppcc.gov.cn/"), "url" } };
        // The upload endpoint is staff-only: a member is sent to the access-denied page.
        var memberUpload = await member.PostAsync($"/lectures/{id}/materials", upload);
        Assert.Equal(HttpStatusCode.Redirect, memberUpload.StatusCode);
        Assert.StartsWith("/account/denied", memberUpload.Headers.Location!.OriginalString.Replace("http://localhost", ""));
        var theirUpload = new MultipartFormDataContent { { new StringContent(theirToken), "__RequestVerificationToken" }, { new StringContent("link"), "kind" },
            { new StringContent("越权链接"), "title" }, { new StringContent("https://www.cppcc.gov.cn/"), "url" } };
        var other = await shuicheng.PostAsync($"/lectures/{id}/materials", theirUpload);
        Assert.True(other.StatusCode == HttpStatusCode.NotFound || other.Headers.Location?.OriginalString.Contains("/status/404") == true, $"{other.StatusCode} {other.Headers.Location}");
        Assert.Equal(before, await SnapshotAsync(app));
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/lectures/new")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/lectures/new", Form(token, "lecture", ("seriesId", sid.ToString()), ("topic", "越权")))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/lectures/{draft}")).StatusCode);
        var series = await member.PostAsync($"/lectures/series/{sid}", Form(token, "edit-series", ("name", "越权"), ("hall", "law")));
        Assert.Equal(HttpStatusCode.Forbidden, series.StatusCode);
        // The leader reads, without forms.
        var leader = await app.SignedInPageClientAsync("leader.520201");
        Assert.DoesNotContain("name=\"reason\"", await leader.GetHtmlAsync($"/lectures/{draft}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PostAsync($"/lectures/{draft}", Form(await leader.TokenOfAsync("/lectures"), "publish"))).StatusCode);
        Assert.Equal(before, await SnapshotAsync(app));
    }
}

/// <summary>Small real files for the material tests.</summary>
internal static class LectureFiles
{
    /// <summary>A one-page PDF.</summary>
    public static byte[] Pdf() => System.Text.Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

    /// <summary>An MP4 of <paramref name="size"/> bytes: an ftyp box, then zero padding in an mdat box.</summary>
    public static byte[] Mp4(int size)
    {
        var b = new byte[size];
        byte[] ftyp = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0, (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1'];
        ftyp.CopyTo(b, 0);
        var mdat = size - ftyp.Length;
        b[24] = (byte)(mdat >> 24); b[25] = (byte)(mdat >> 16); b[26] = (byte)(mdat >> 8); b[27] = (byte)mdat;
        "mdat"u8.CopyTo(b.AsSpan(28));
        return b;
    }

    /// <summary>A PowerPoint file: an OPC zip with the presentation content type and one slide part.</summary>
    public static byte[] Pptx()
    {
        using var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string text) { using var w = new StreamWriter(zip.CreateEntry(name).Open()); w.Write(text); }
            Add("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/ppt/presentation.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml\"/></Types>");
            Add("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"ppt/presentation.xml\"/></Relationships>");
            Add("ppt/presentation.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"/>");
        }
        return ms.ToArray();
    }
}

public sealed class LecturePagesSqliteTests(ClockedSqliteAppFactory app) : LecturePagesTests(app, app.Clock), IClassFixture<ClockedSqliteAppFactory>;
public sealed class LecturePagesPostgresTests(ClockedPostgresAppFactory app) : LecturePagesTests(app, app.Clock), IClassFixture<ClockedPostgresAppFactory>;
