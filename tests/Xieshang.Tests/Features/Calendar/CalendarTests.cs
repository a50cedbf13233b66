using Xieshang.Web.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Calendar;

namespace Xieshang.Tests.Features.Calendar;

/// <summary>The calendar page (month, week, list) and its scope, on both providers.</summary>
public abstract class CalendarPageTests(AppFactory app)
{
    private static string Unique(string title) => $"{title}{Guid.NewGuid():N}"[..(title.Length + 8)];

    /// <summary>The HTML of the first element marked <c>data-day="<paramref name="day"/>"</c>, up to the next day.</summary>
    private static string Cell(string html, string day)
    {
        var start = html.IndexOf($"data-day=\"{day}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no day {day} on the page");
        var end = html.IndexOf("data-day=\"", start + 10, StringComparison.Ordinal);
        return end < 0 ? html[start..] : html[start..end];
    }

    private Task<int[]> MembersOfAsync(string committee, int count) =>
        app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == committee && m.IsActive).OrderBy(m => m.Id).Take(count).Select(m => m.Id).ToArrayAsync());

    private static string Month(DateTimeOffset at) => $"view=month&date={ChinaTime.DayOf(at):yyyy-MM-dd}";

    [Fact]
    public async Task A_joint_activity_shows_in_every_organisers_calendar_and_not_in_others()
    {
        var at = new DateTimeOffset(2027, 3, 10, 1, 0, 0, TimeSpan.Zero);
        var title = Unique("钟山水城联合调研");
        var (id, _) = await TestActivities.CreateAsync(app, ActivityType.Research, at, organizers: ["520201", "520204"], title: title);

        foreach (var user in new[] { "staff.520201", "staff.520204", "leader.520201" })
        {
            var html = await (await app.SignedInPageClientAsync(user)).GetHtmlAsync($"/calendar?{Month(at)}");
            Assert.Contains(title, Cell(html, "2027-03-10"));
            Assert.Contains($"href=\"/activities/{id}\"", html);
        }
        // The city's own calendar holds what the city organises or its members are invited to: not this one, until
        // the committees below are included; and the city picks either district's calendar.
        var city = await app.SignedInPageClientAsync("staff.520200");
        Assert.DoesNotContain(title, await city.GetHtmlAsync($"/calendar?{Month(at)}"));
        Assert.Contains(title, await city.GetHtmlAsync($"/calendar?{Month(at)}&below=false&below=true"));
        Assert.Contains(title, await city.GetHtmlAsync($"/calendar?{Month(at)}&committee=520204"));
        var week = await city.GetHtmlAsync($"/calendar?view=week&date=2027-03-10&committee=520201");
        Assert.Contains("联合主办：钟山区政协、水城区政协", Cell(week, "2027-03-10"));
        Assert.Contains("调研", Cell(week, "2027-03-10"));
    }

    [Fact]
    public async Task A_districts_staff_see_another_districts_activity_only_when_organising_or_invited()
    {
        var at = new DateTimeOffset(2027, 4, 6, 2, 0, 0, TimeSpan.Zero);
        var own = Unique("钟山区自办视察");
        await TestActivities.CreateAsync(app, ActivityType.Inspection, at, organizers: ["520201"], title: own);
        var withGuests = Unique("钟山区邀请水城委员");
        var guests = await MembersOfAsync("520204", 2);
        await TestActivities.CreateAsync(app, ActivityType.Consultation, at.AddHours(3), organizers: ["520201"], memberIds: guests, title: withGuests);
        var cityInvites = Unique("市政协邀请水城委员");
        await TestActivities.CreateAsync(app, ActivityType.Standing, at.AddDays(1), organizers: ["520200"], memberIds: guests, title: cityInvites);

        var shuicheng = await app.SignedInPageClientAsync("staff.520204");
        var html = await shuicheng.GetHtmlAsync($"/calendar?{Month(at)}");
        Assert.Contains("活动日历 · 水城区政协", html);
        Assert.DoesNotContain(own, html);
        Assert.Contains(withGuests, html);
        Assert.Contains(cityInvites, html);
        foreach (var view in new[] { "week", "list" })
            Assert.DoesNotContain(own, await shuicheng.GetHtmlAsync($"/calendar?view={view}&date=2027-04-06"));

        // Another district's calendar, or the city's, is outside 水城区's scope.
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.GetAsync($"/calendar?{Month(at)}&committee=520201")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.GetAsync($"/calendar?{Month(at)}&committee=520200")).StatusCode);
        // Committee calendars are for office accounts; an unknown committee says so.
        var member = await app.SignedInPageClientAsync("member.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/calendar?{Month(at)}&committee=520201")).StatusCode);
        Assert.Contains("未找到代码为“999999”的政协组织", await shuicheng.GetHtmlAsync("/calendar?committee=999999"));
    }

    [Fact]
    public async Task Drafts_are_shown_to_their_organisers_only()
    {
        var at = new DateTimeOffset(2027, 5, 12, 1, 0, 0, TimeSpan.Zero);
        var title = Unique("市政协草稿活动");
        var (id, _) = await TestActivities.CreateAsync(app, ActivityType.Lecture, at, organizers: ["520200"], status: ActivityStatus.Draft, title: title);
        // Even with an invitation row for a district member (as if the list were being amended), a draft stays hidden outside its organisers.
        var member = await TestActivities.MemberIdOfAsync(app, "member.520201");
        await app.WithDbAsync(async db =>
        {
            var m = await db.Members.FirstAsync(x => x.Id == member);
            db.Invitations.Add(new Invitation { ActivityId = id, MemberId = m.Id, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId });
            return await db.SaveChangesAsync();
        });

        var city = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync($"/calendar?{Month(at)}");
        Assert.Contains(title, city);
        Assert.Contains("草稿", await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync("/calendar?view=list&date=2027-05-12"));
        Assert.DoesNotContain(title, await (await app.SignedInPageClientAsync("staff.520201")).GetHtmlAsync($"/calendar?{Month(at)}"));
        Assert.DoesNotContain(title, await (await app.SignedInPageClientAsync("member.520201")).GetHtmlAsync($"/calendar?{Month(at)}"));
    }

    [Fact]
    public async Task A_member_sees_only_the_activities_they_are_invited_to_with_their_answer()
    {
        var at = new DateTimeOffset(2027, 6, 8, 1, 0, 0, TimeSpan.Zero);
        var me = await TestActivities.MemberIdOfAsync(app, "member.520203");
        var colleague = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520203" && m.Id != me && m.IsActive).Select(m => m.Id).FirstAsync());
        var (attend, _) = await TestActivities.CreateAsync(app, ActivityType.Training, at, organizers: ["520203"], memberIds: [me], title: Unique("报名的培训"));
        var (leave, _) = await TestActivities.CreateAsync(app, ActivityType.Reading, at.AddDays(1), organizers: ["520203"], memberIds: [me], title: Unique("请假的读书"));
        var (open, _) = await TestActivities.CreateAsync(app, ActivityType.Culture, at.AddDays(2), organizers: ["520203"], memberIds: [me], title: Unique("未回复文体"));
        var notMine = Unique("同事的活动");
        await TestActivities.CreateAsync(app, ActivityType.Culture, at.AddDays(2), organizers: ["520203"], memberIds: [colleague], title: notMine);
        await app.WithDbAsync(async db =>
        {
            var rows = await db.Invitations.Where(i => i.MemberId == me && (i.ActivityId == attend || i.ActivityId == leave)).ToListAsync();
            rows.Single(i => i.ActivityId == attend).Response = InvitationResponse.Attend;
            var l = rows.Single(i => i.ActivityId == leave);
            l.Response = InvitationResponse.Leave;
            l.LeaveDecision = LeaveDecision.Pending;
            return await db.SaveChangesAsync();
        });

        var client = await app.SignedInPageClientAsync("member.520203");
        var list = await client.GetHtmlAsync("/calendar?view=list&date=2027-06-01");
        Assert.Contains("<h1>我的活动日历</h1>", list);
        Assert.DoesNotContain(notMine, list);
        Assert.DoesNotContain("id=\"committee\"", list); // no committee picker for a member
        Assert.Contains("已报名", Cell(list, "2027-06-08"));
        Assert.Contains("已请假", Cell(list, "2027-06-09"));
        Assert.Contains("未回复", Cell(list, "2027-06-10"));
        foreach (var id in new[] { attend, leave, open }) Assert.Contains($"href=\"/activities/{id}\"", list);
        Assert.DoesNotContain(notMine, await client.GetHtmlAsync($"/calendar?{Month(at)}"));
        Assert.DoesNotContain(notMine, await client.GetHtmlAsync("/calendar?view=week&date=2027-06-10"));
    }

    [Fact]
    public async Task Month_week_and_list_place_an_activity_on_its_china_day_with_chinese_labels()
    {
        // 17:00 UTC on 1 December is 01:00 on 2 December in China. A week far from today (1 December 2037 is a Tuesday, as in
        // 2026): other tests' activities, placed relative to now, never land in it, so its empty days stay empty.
        var at = new DateTimeOffset(2037, 12, 1, 17, 0, 0, TimeSpan.Zero);
        var title = Unique("跨零点常委会");
        var (id, _) = await TestActivities.CreateAsync(app, ActivityType.Standing, at, organizers: ["520201"], title: title);
        var cancelled = Unique("取消的协商会");
        await TestActivities.CreateAsync(app, ActivityType.Consultation, at.AddDays(1), organizers: ["520201"], status: ActivityStatus.Cancelled, title: cancelled);
        var postponed = Unique("延期的视察");
        var (pid, _) = await TestActivities.CreateAsync(app, ActivityType.Inspection, at.AddDays(2), organizers: ["520201"], status: ActivityStatus.Postponed, title: postponed);
        await app.WithDbAsync(async db =>
        {
            (await db.Activities.FirstAsync(a => a.Id == pid)).OriginalStartsAt = new DateTimeOffset(2037, 11, 20, 1, 0, 0, TimeSpan.Zero);
            return await db.SaveChangesAsync();
        });
        var staff = await app.SignedInPageClientAsync("staff.520201");

        var month = await staff.GetHtmlAsync("/calendar?view=month&date=2037-12-01");
        Assert.Contains("<h1>活动日历 · 钟山区政协</h1>", month);
        Assert.Contains("2037年12月", month);
        Assert.Contains(">周一</div>", month); // Monday first
        Assert.True(month.IndexOf(">周一</div>", StringComparison.Ordinal) < month.IndexOf(">周日</div>", StringComparison.Ordinal));
        Assert.Contains(title, Cell(month, "2037-12-02"));
        Assert.DoesNotContain(title, Cell(month, "2037-12-01"));
        Assert.Contains("01:00", Cell(month, "2037-12-02"));
        Assert.Contains("data-day=\"2037-11-30\"", month); // the grid starts on the Monday before 1 December
        Assert.Contains("xs-cal-cancelled", Cell(month, "2037-12-03"));
        Assert.Contains(">月</a>", month);

        var week = await staff.GetHtmlAsync("/calendar?view=week&date=2037-12-01");
        Assert.Contains(title, Cell(week, "2037-12-02"));
        Assert.DoesNotContain(title, Cell(week, "2037-12-01"));
        Assert.Contains("01:00–04:00", Cell(week, "2037-12-02"));
        Assert.Contains("常委会议", Cell(week, "2037-12-02"));
        Assert.Contains("市政协三楼会议室", Cell(week, "2037-12-02"));
        Assert.Contains("已取消", Cell(week, "2037-12-03"));
        Assert.Contains("已延期", Cell(week, "2037-12-04"));
        Assert.Contains("原定 2037-11-20 09:00", Cell(week, "2037-12-04"));
        Assert.Contains("无活动", Cell(week, "2037-12-06"));

        var list = await staff.GetHtmlAsync("/calendar?view=list&date=2037-12-01");
        Assert.Contains("12月2日 周三", Cell(list, "2037-12-02"));
        Assert.Contains($"href=\"/activities/{id}\"", Cell(list, "2037-12-02"));
        Assert.Contains("2037年12月1日星期二 起", list);

        var english = await staff.GetHtmlAsync("/calendar?view=week&date=2037-12-01&culture=en");
        Assert.Contains("Activity calendar", english);
        Assert.Contains("Cancelled", Cell(english, "2037-12-03"));
    }

    [Fact]
    public async Task Bad_query_values_fall_back_to_this_month()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        foreach (var url in new[] { "/calendar?view=year", "/calendar?date=abc", "/calendar?date=2026-13-40", "/calendar?date=0001-01-01&view=week",
                     "/calendar?date=9999-12-31&view=list", "/calendar?below=perhaps", "/calendar?committee=" })
        {
            var res = await staff.GetAsync(url);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)res.StatusCode}");
        }
        // Staff without a member link have no calendar of their own, and no feed button.
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/calendar?committee=mine")).StatusCode);
        Assert.DoesNotContain("订阅到手机日历", await staff.GetHtmlAsync("/calendar"));
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreatePageClient().GetAsync("/calendar")).StatusCode);
    }
}

/// <summary>The member's iCalendar feed: made on the page or through the API, served anonymously by its secret token, revoked.</summary>
public abstract class CalendarFeedTests(AppFactory app)
{
    private static string Unique(string title) => $"{title}{Guid.NewGuid():N}"[..(title.Length + 8)];

    private async Task<string> CreateFeedAsync(string user)
    {
        var res = await (await app.ClientAsAsync(user)).PostAsync("/api/me/calendar-feed", null);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var url = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        Assert.Matches(@"^http://localhost/calendar/[A-Za-z0-9_-]{43}\.ics$", url);
        return new Uri(url).PathAndQuery;
    }

    [Fact]
    public async Task The_feed_parses_with_ical_net_and_holds_the_members_invited_activities()
    {
        var me = await TestActivities.MemberIdOfAsync(app, "member.520204");
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, 1, 30, 0, TimeSpan.Zero).AddDays(12);
        var (published, _) = await TestActivities.CreateAsync(app, ActivityType.Plenary, start, TimeSpan.FromHours(4), ["520204", "520200"], memberIds: [me], title: Unique("全体会议"));
        var (cancelled, _) = await TestActivities.CreateAsync(app, ActivityType.Consultation, start.AddDays(2), memberIds: [me], organizers: ["520204"], status: ActivityStatus.Cancelled, title: Unique("取消的协商"));
        var (recent, _) = await TestActivities.CreateAsync(app, ActivityType.Lecture, now.AddDays(-30), memberIds: [me], organizers: ["520204"], title: Unique("上月讲堂"));
        var (old, _) = await TestActivities.CreateAsync(app, ActivityType.Lecture, now.AddDays(-120), memberIds: [me], organizers: ["520204"], title: Unique("很早的讲堂"));
        var (far, _) = await TestActivities.CreateAsync(app, ActivityType.Lecture, now.AddDays(400), memberIds: [me], organizers: ["520204"], title: Unique("明年以后"));
        var (other, _) = await TestActivities.CreateAsync(app, ActivityType.Research, start, organizers: ["520204"], memberIds: [await OtherMemberAsync("520204", me)], title: Unique("别人的调研"));
        var (draft, _) = await TestActivities.CreateAsync(app, ActivityType.Research, start, organizers: ["520204"], status: ActivityStatus.Draft, title: Unique("草稿调研"));
        await app.WithDbAsync(async db =>
        {
            var m = await db.Members.FirstAsync(x => x.Id == me);
            db.Invitations.Add(new Invitation { ActivityId = draft, MemberId = me, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId });
            await db.Activities.Where(a => a.Id == published).ExecuteUpdateAsync(s => s.SetProperty(a => a.OnlineLink, "https://meeting.example/room/1"));
            return await db.SaveChangesAsync();
        });

        var path = await CreateFeedAsync("member.520204");
        var res = await app.CreateClient().GetAsync(path); // anonymous: the token is the credential
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/calendar", res.Content.Headers.ContentType!.MediaType);
        var text = await res.Content.ReadAsStringAsync();
        var cal = Ical.Net.Calendar.Load(text)!;
        Assert.Contains("X-WR-CALNAME", text);
        Assert.Contains("的政协活动", cal.Properties.Get<string>("X-WR-CALNAME"));

        var uids = cal.Events.Select(e => e.Uid).ToHashSet();
        Assert.Contains($"activity-{published}@xieshang", uids);
        Assert.Contains($"activity-{cancelled}@xieshang", uids);
        Assert.Contains($"activity-{recent}@xieshang", uids);
        foreach (var id in new[] { old, far, other, draft }) Assert.DoesNotContain($"activity-{id}@xieshang", uids);

        var plenary = cal.Events.Single(e => e.Uid == $"activity-{published}@xieshang");
        Assert.True(plenary.Start!.IsUtc);
        Assert.Equal(start.UtcDateTime, plenary.Start.AsUtc);
        Assert.Equal(start.AddHours(4).UtcDateTime, plenary.End!.AsUtc);
        Assert.Contains("全体会议", plenary.Summary);
        Assert.Equal("市政协三楼会议室", plenary.Location);
        Assert.Contains("类型：全体会议", plenary.Description);
        Assert.Contains("主办：水城区政协、六盘水市政协", plenary.Description);
        Assert.Contains("线上：https://meeting.example/room/1", plenary.Description);
        Assert.Contains("我的回复：未回复", plenary.Description);
        Assert.Equal("CONFIRMED", plenary.Status);
        Assert.Contains($"DTSTART:{start.UtcDateTime:yyyyMMdd'T'HHmmss}Z", text);
        var off = cal.Events.Single(e => e.Uid == $"activity-{cancelled}@xieshang");
        Assert.Equal("CANCELLED", off.Status);
        Assert.StartsWith("【已取消】", off.Summary);

        // The UID stays the same when the activity moves: the phone's calendar updates the event instead of adding one.
        var before = cal.Events.Single(e => e.Uid == $"activity-{published}@xieshang").Sequence;
        await app.WithDbAsync(db => db.Activities.Where(a => a.Id == published).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, ActivityStatus.Postponed).SetProperty(a => a.StartsAt, start.AddDays(1)).SetProperty(a => a.EndsAt, start.AddDays(1).AddHours(4))
            .SetProperty(a => a.UpdatedAt, DateTimeOffset.UtcNow.AddHours(1))));
        var again = Ical.Net.Calendar.Load(await app.CreateClient().GetStringAsync(path))!;
        var moved = again.Events.Single(e => e.Uid == $"activity-{published}@xieshang");
        Assert.Equal(start.AddDays(1).UtcDateTime, moved.Start!.AsUtc);
        Assert.True(moved.Sequence > before, $"SEQUENCE {moved.Sequence} after the change, {before} before"); // calendars apply the revision
    }

    private Task<int> OtherMemberAsync(string committee, int not) =>
        app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == committee && m.Id != not && m.IsActive).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync());

    [Fact]
    public async Task Revoked_and_unknown_tokens_get_the_same_404()
    {
        var path = await CreateFeedAsync("member.520281");
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);

        var delete = await (await app.ClientAsAsync("member.520281")).DeleteAsync("/api/me/calendar-feed");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var revoked = await anonymous.GetAsync(path);
        var unknown = await anonymous.GetAsync($"/calendar/{CalendarFeeds.NewToken()}.ics");
        var malformed = await anonymous.GetAsync("/calendar/abc.ics");
        foreach (var r in new[] { revoked, unknown, malformed }) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var body = await revoked.Content.ReadAsStringAsync();
        Assert.Equal(body, await unknown.Content.ReadAsStringAsync());
        Assert.Equal(body, await malformed.Content.ReadAsStringAsync());
        Assert.Contains("未找到该日历订阅", body);
        Assert.Equal(revoked.Content.Headers.ContentType?.ToString(), unknown.Content.Headers.ContentType?.ToString());

        // Only the hash is stored.
        var token = path["/calendar/".Length..^".ics".Length];
        var stored = await app.WithDbAsync(db => db.CalendarFeeds.Where(f => f.TokenHash == CalendarFeeds.Hash(token)).SingleAsync());
        Assert.NotNull(stored.RevokedAt);
        Assert.False(await app.WithDbAsync(db => db.CalendarFeeds.AnyAsync(f => f.TokenHash == token)));
        Assert.Equal(64, stored.TokenHash.Length);
    }

    [Fact]
    public async Task A_new_token_replaces_the_old_one()
    {
        var first = await CreateFeedAsync("member.520200");
        var second = await CreateFeedAsync("member.520200");
        Assert.NotEqual(first, second);
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(second)).StatusCode);
        var me = await TestActivities.MemberIdOfAsync(app, "member.520200");
        Assert.Equal(1, await app.WithDbAsync(db => db.CalendarFeeds.CountAsync(f => f.MemberId == me && f.RevokedAt == null)));

        // A feed row left working by a race (two clicks at once) still loses to the newer one.
        var stale = CalendarFeeds.NewToken();
        await app.WithDbAsync(async db =>
        {
            db.CalendarFeeds.Add(new CalendarFeed { MemberId = me, TokenHash = CalendarFeeds.Hash(stale), CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/calendar/{stale}.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(second)).StatusCode);
    }

    [Fact]
    public async Task One_member_cannot_revoke_anothers_feed_and_accounts_without_a_member_are_refused()
    {
        var mine = await CreateFeedAsync("member.520203");
        // Another member's DELETE revokes only their own (here: nothing).
        Assert.Equal(HttpStatusCode.NoContent, (await (await app.ClientAsAsync("member.520201")).DeleteAsync("/api/me/calendar-feed")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(mine)).StatusCode);

        // The same through the page: member.520201's revoke form posts for member.520201 only.
        var other = await app.SignedInPageClientAsync("member.520201");
        var page = await other.GetHtmlAsync("/calendar");
        var post = await other.PostAsync("/calendar", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(page), ["_handler"] = "feed-revoke",
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(mine)).StatusCode);

        // Staff, leaders and the administrator have no member link: 400 with a Chinese message, nothing stored.
        var before = await app.WithDbAsync(db => db.CalendarFeeds.CountAsync());
        foreach (var user in new[] { "staff.520200", "leader.520201", "admin" })
        {
            var client = await app.ClientAsAsync(user);
            foreach (var res in new[] { await client.PostAsync("/api/me/calendar-feed", null), await client.DeleteAsync("/api/me/calendar-feed") })
            {
                Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
                Assert.Contains("没有关联委员档案", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            }
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.CalendarFeeds.CountAsync()));
        // Anonymous callers are refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync("/api/me/calendar-feed", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().DeleteAsync("/api/me/calendar-feed")).StatusCode);
        // A staff page post of the feed form (not offered to them) makes nothing.
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var staffPage = await staff.GetHtmlAsync("/calendar");
        var staffPost = await staff.PostAsync("/calendar", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(staffPage), ["_handler"] = "feed-create",
        }));
        Assert.Equal(HttpStatusCode.Redirect, staffPost.StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.CalendarFeeds.CountAsync()));
    }

    [Fact]
    public async Task The_page_shows_a_new_feed_url_once_and_revokes_it()
    {
        var client = await app.SignedInPageClientAsync("member.520201");
        var page = await client.GetHtmlAsync("/calendar");
        Assert.Contains("订阅到手机日历", page);
        var create = await client.PostAsync("/calendar?view=list", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(page), ["_handler"] = "feed-create",
        }));
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        Assert.StartsWith("/calendar?view=list", create.Target());

        var shown = await client.GetHtmlAsync(create.Target());
        var url = System.Text.RegularExpressions.Regex.Match(shown, @"http://localhost/calendar/([A-Za-z0-9_-]{43})\.ics");
        Assert.True(url.Success, "the new URL is on the page");
        Assert.Contains("这个地址只显示这一次", shown);
        Assert.Contains("webcal://localhost/calendar/", shown);
        var path = new Uri(url.Value).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(path)).StatusCode);

        // Shown once: the next visit says a feed is on, without the address.
        var later = await client.GetHtmlAsync("/calendar");
        Assert.DoesNotContain(url.Groups[1].Value, later);
        Assert.Contains("已开启日历订阅", later);

        var revoke = await client.PostAsync("/calendar", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(later), ["_handler"] = "feed-revoke",
        }));
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Contains("日历订阅已撤销", await client.GetHtmlAsync(revoke.Target()));
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync(path)).StatusCode);
        Assert.DoesNotContain("已开启日历订阅", await client.GetHtmlAsync("/calendar"));
    }
}

public sealed class CalendarPageSqliteTests(SqliteAppFactory app) : CalendarPageTests(app), IClassFixture<SqliteAppFactory>;
public sealed class CalendarPagePostgresTests(PostgresAppFactory app) : CalendarPageTests(app), IClassFixture<PostgresAppFactory>;
public sealed class CalendarFeedSqliteTests(SqliteAppFactory app) : CalendarFeedTests(app), IClassFixture<SqliteAppFactory>;
public sealed class CalendarFeedPostgresTests(PostgresAppFactory app) : CalendarFeedTests(app), IClassFixture<PostgresAppFactory>;
