using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;

namespace Xieshang.Tests.Features.Activities;

/// <summary>
/// The activity pages (list, new/edit, detail with answers and staff actions, invitees with leave decisions,
/// attendance) through HTTP with the login cookie, on both providers.
/// </summary>
public abstract class ActivityPagesTests(AppFactory app)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>A Blazor form post: the page's antiforgery token, the form's name, and the fields (a key may repeat).</summary>
    private static FormUrlEncodedContent Form(string html, string handler, params (string Key, string Value)[] fields) =>
        new([KeyValuePair.Create("__RequestVerificationToken", PageClient.Token(html)), KeyValuePair.Create("_handler", handler),
            .. fields.Select(f => KeyValuePair.Create(f.Key, f.Value))]);

    private static string Local(DateTimeOffset at) => at.ToOffset(China).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A published activity of 钟山区 (520201) inviting <paramref name="account"/>'s member and three colleagues.</summary>
    private async Task<(int Id, int MemberId, int[] Invited)> ZhongshanActivityAsync(string account = "member.520201", TimeSpan? startIn = null,
        ActivityStatus status = ActivityStatus.Published, string title = "钟山区政协专题协商会")
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, account);
        var others = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.IsActive && m.Id != memberId)
            .OrderBy(m => m.Id).Take(3).Select(m => m.Id).ToArrayAsync());
        int[] invited = [memberId, .. others];
        var (id, _) = await TestActivities.CreateAsync(app, ActivityType.Consultation, DateTimeOffset.UtcNow + (startIn ?? TimeSpan.FromDays(10)),
            organizers: ["520201"], memberIds: invited, status: status, title: title);
        return (id, memberId, invited);
    }

    [Fact]
    public async Task Staff_create_a_draft_on_the_form_after_a_validation_error_then_publish_and_edit_it()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var memberId = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var sector = await app.WithDbAsync(db => db.Sectors.Where(s => s.Committee!.Code == "520201").OrderBy(s => s.SortOrder).Select(s => s.Id).FirstAsync());
        var list = await staff.GetHtmlAsync("/activities");
        Assert.Contains("href=\"/activities/new\"", list);
        Assert.Contains("href=\"/calendar\"", list);

        var form = await staff.GetHtmlAsync("/activities/new");
        Assert.Contains("<option value=\"520201\" selected>钟山区政协</option>", form);
        Assert.Contains($"name=\"invSector\" value=\"{sector}\"", form);
        Assert.DoesNotContain("value=\"520204\"", form); // another district is not offered

        // Finding a member by pinyin initials inside the form keeps what was typed and offers the match.
        var initials = await app.WithDbAsync(db => db.Members.Where(m => m.Id == memberId).Select(m => m.PinyinInitials).FirstAsync());
        var find = await staff.PostAsync("/activities/new", Form(form, "activity", ("title", "查找时不丢内容"), ("memberQuery", initials), ("op", "find"), ("lead", "520201")));
        Assert.Equal(HttpStatusCode.OK, find.StatusCode);
        var found = await find.HtmlAsync();
        Assert.Contains("value=\"查找时不丢内容\"", found);
        Assert.Contains($"name=\"invMember\" value=\"{memberId}\"", found);

        var day = DateTimeOffset.UtcNow.AddDays(20).ToOffset(China).Date;
        var start = new DateTimeOffset(day.AddHours(9), China);
        (string, string)[] Fields(DateTimeOffset end) =>
        [
            ("title", "十二月专题协商会"), ("type", "consultation"), ("startsAt", Local(start)), ("endsAt", Local(end)), ("place", "区政协三楼会议室"),
            ("agenda", "一、通报情况\n二、协商发言"), ("mandatory", "true"), ("reminderDays", ""), ("lead", "520201"),
            ("invSector", sector.ToString()), ("invMember", memberId.ToString()), ("op", "save"),
        ];
        var bad = await staff.PostAsync("/activities/new", Form(form, "activity", Fields(start.AddHours(-1))));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("请修改下面标出的内容后再保存", badHtml);
        Assert.Contains("结束时间须晚于开始时间", badHtml);
        Assert.Contains("value=\"十二月专题协商会\"", badHtml); // input kept
        Assert.Contains($"name=\"invMember\" value=\"{memberId}\" checked", badHtml);
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Title == "十二月专题协商会")));

        var bad2 = await staff.PostAsync("/activities/new", Form(form, "activity", [.. Fields(start.AddHours(3)).Where(f => f.Item1 != "startsAt"), ("startsAt", "明天上午")]));
        Assert.Contains("时间格式不正确", await bad2.HtmlAsync());
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Title == "十二月专题协商会")));

        var good = await staff.PostAsync("/activities/new", Form(form, "activity", Fields(start.AddHours(3))));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var match = Regex.Match(good.Target(), @"^/activities/(\d+)\?done=saved$");
        Assert.True(match.Success, good.Target());
        var id = int.Parse(match.Groups[1].Value);
        var saved = await app.WithDbAsync(db => db.Activities.Include(a => a.Organizers).Include(a => a.InviteeRules).AsNoTracking().FirstAsync(a => a.Id == id));
        Assert.Equal((ActivityStatus.Draft, ActivityType.Consultation, true), (saved.Status, saved.Type, saved.Mandatory));
        Assert.Equal(start.ToUniversalTime(), saved.StartsAt.ToUniversalTime()); // 09:00 in China is 01:00 UTC
        Assert.Equal(start.AddHours(3).ToUniversalTime(), saved.EndsAt.ToUniversalTime());
        Assert.Equal("一、通报情况<br>二、协商发言", saved.Agenda);
        Assert.Single(saved.Organizers);
        Assert.Equal(2, saved.InviteeRules.Count);

        // The detail page: publishing with the notice of where mail goes.
        var detail = await staff.GetHtmlAsync(good.Target());
        Assert.Contains("已保存", detail);
        Assert.Contains("草稿", detail);
        Assert.Contains("发布并通知", detail);
        Assert.Contains("区政协三楼会议室", detail);
        var published = await staff.PostAsync($"/activities/{id}", Form(detail, "publish"));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Equal($"/activities/{id}?done=published", published.Target());
        Assert.Equal(ActivityStatus.Published, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.Status).FirstAsync()));
        Assert.True(await app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.ActivityId == id && i.MemberId == memberId)));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == memberId && n.Link == $"/activities/{id}")));
        var after = await staff.GetHtmlAsync(published.Target());
        Assert.DoesNotContain("发布并通知", after);
        Assert.Contains($"href=\"/activities/{id}/checkin/screen\"", after);
        Assert.Contains($"href=\"/activities/{id}/attendance\"", after);

        // Publishing again (a second tab) is not offered; the post goes back to the page and changes nothing.
        var again = await staff.PostAsync($"/activities/{id}", Form(detail, "publish"));
        Assert.Equal($"/activities/{id}", again.Target());

        // Editing a published activity: the times are read-only and are not changed by the form.
        var edit = await staff.GetHtmlAsync($"/activities/{id}/edit");
        Assert.Matches($"name=\"startsAt\" type=\"datetime-local\"[^>]*value=\"{Local(start)}\" readonly", edit);
        Assert.Contains("一、通报情况\n二、协商发言</textarea>", edit);
        var edited = await staff.PostAsync($"/activities/{id}/edit", Form(edit, "activity",
            [.. Fields(start.AddHours(5)).Where(f => f.Item1 is not ("title" or "endsAt")), ("title", "十二月专题协商会（调整议程）"), ("endsAt", Local(start.AddHours(9)))]));
        Assert.Equal($"/activities/{id}?done=saved", edited.Target());
        var now = await app.WithDbAsync(db => db.Activities.AsNoTracking().FirstAsync(a => a.Id == id));
        Assert.Equal(("十二月专题协商会（调整议程）", start.AddHours(3).ToUniversalTime()), (now.Title, now.EndsAt.ToUniversalTime()));

        // The member sees it in their list, with their answer.
        var member = await app.SignedInPageClientAsync("member.520201");
        var mine = await member.GetHtmlAsync("/activities");
        Assert.Contains($"href=\"/activities/{id}\"", mine);
        Assert.Contains("未回复", mine);
    }

    [Fact]
    public async Task A_member_asks_for_leave_on_the_form_and_a_leader_grants_it()
    {
        var (id, memberId, _) = await ZhongshanActivityAsync(title: "请假测试协商会");
        var member = await app.SignedInPageClientAsync("member.520201");
        var page = await member.GetHtmlAsync($"/activities/{id}");
        Assert.Contains("我的报名", page);
        Assert.Contains("未回复", page);
        Assert.Contains("请假请在", page); // the deadline is shown
        Assert.Contains("id=\"r-decline\" value=\"decline\" disabled", page); // mandatory: decline is not offered

        var noReason = await member.PostAsync($"/activities/{id}", Form(page, "respond", ("response", "leave"), ("reason", " ")));
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        Assert.Contains("请假须填写事由", await noReason.HtmlAsync());
        Assert.Equal(InvitationResponse.None, await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id && i.MemberId == memberId).Select(i => i.Response).FirstAsync()));

        var asked = await member.PostAsync($"/activities/{id}", Form(page, "respond", ("response", "leave"), ("reason", "赴省外出差")));
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.StartsWith($"/activities/{id}?done=answered", asked.Target());
        var inv = await app.WithDbAsync(db => db.Invitations.AsNoTracking().FirstAsync(i => i.ActivityId == id && i.MemberId == memberId));
        Assert.Equal((InvitationResponse.Leave, LeaveDecision.Pending, false, "赴省外出差"), (inv.Response, inv.LeaveDecision, inv.LeaveLate, inv.LeaveReason));
        var answered = await member.GetHtmlAsync($"/activities/{id}?done=answered");
        Assert.Contains("已提交您的答复", answered);
        Assert.Contains("请假待批", answered);

        // Staff see the request but do not decide; a decision posted by staff is refused and changes nothing.
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var staffList = await staff.GetHtmlAsync($"/activities/{id}/invitees");
        Assert.Contains("赴省外出差", staffList);
        Assert.Contains("待领导审批", staffList);
        Assert.DoesNotContain("name=\"decide\"", staffList);
        var byStaff = await staff.PostAsync($"/activities/{id}/invitees", Form(staffList, "leave", ("decide", $"grant-{memberId}")));
        Assert.Equal(HttpStatusCode.Forbidden, byStaff.StatusCode);
        Assert.Equal(LeaveDecision.Pending, await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id && i.MemberId == memberId).Select(i => i.LeaveDecision).FirstAsync()));

        // The leader of the organising committee grants it with a note.
        var leader = await app.SignedInPageClientAsync("leader.520201");
        var detail = await leader.GetHtmlAsync($"/activities/{id}");
        Assert.Contains("审批请假（1）", detail);
        var pending = await leader.GetHtmlAsync($"/activities/{id}/invitees?state=leave-requested");
        Assert.Contains("赴省外出差", pending);
        Assert.Contains($"name=\"decide\" value=\"grant-{memberId}\"", pending);
        var granted = await leader.PostAsync($"/activities/{id}/invitees?state=leave-requested", Form(pending, "leave", ("decide", $"grant-{memberId}"), ($"note-{memberId}", "同意，请会后阅读材料")));
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        Assert.Equal($"/activities/{id}/invitees?done=granted&state=leave-requested", granted.Target());
        inv = await app.WithDbAsync(db => db.Invitations.AsNoTracking().FirstAsync(i => i.ActivityId == id && i.MemberId == memberId));
        Assert.Equal((LeaveDecision.Granted, "leader.520201", "同意，请会后阅读材料"), (inv.LeaveDecision, inv.LeaveDecidedBy, inv.LeaveDecisionNote));
        Assert.Contains("已批准请假", await leader.GetHtmlAsync(granted.Target()));

        // Deciding again (a stale page) is not offered any more: back to the list, nothing changes.
        var twice = await leader.PostAsync($"/activities/{id}/invitees?state=leave-requested", Form(pending, "leave", ("decide", $"refuse-{memberId}")));
        Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
        Assert.Equal(LeaveDecision.Granted, await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id && i.MemberId == memberId).Select(i => i.LeaveDecision).FirstAsync()));

        var seen = await member.GetHtmlAsync($"/activities/{id}");
        Assert.Contains("请假已批准", seen);
        Assert.Contains("审批意见：同意，请会后阅读材料", seen);
        Assert.Contains("My answer", await member.GetHtmlAsync($"/activities/{id}?culture=en"));
    }

    [Fact]
    public async Task Staff_confirm_attendance_on_the_form_after_the_start_pre_filled_from_check_ins_and_leave()
    {
        var (id, _, invited) = await ZhongshanActivityAsync(startIn: TimeSpan.FromHours(-1), title: "出席确认测试会");
        await app.WithDbAsync(async db =>
        {
            db.CheckIns.Add(new CheckIn { ActivityId = id, MemberId = invited[0], At = DateTimeOffset.UtcNow.AddMinutes(-50), Method = CheckInMethod.Desk, By = "staff.520201" });
            var leave = await db.Invitations.FirstAsync(i => i.ActivityId == id && i.MemberId == invited[1]);
            (leave.Response, leave.LeaveReason, leave.LeaveDecision) = (InvitationResponse.Leave, "住院", LeaveDecision.Granted);
            return await db.SaveChangesAsync();
        });
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var page = await staff.GetHtmlAsync($"/activities/{id}/attendance");
        string Selected(string html, int memberId) =>
            Regex.Match(html, $"name=\"role-{memberId}\"(?s:.*?)<option value=\"(\\w+)\" selected").Groups[1].Value;
        Assert.Equal("present", Selected(page, invited[0]));
        Assert.Equal("excused", Selected(page, invited[1]));
        Assert.Equal("absent", Selected(page, invited[2]));
        Assert.Contains("全部设为出席", page);

        // A bad role: the rule's message, nothing stored.
        var bad = await staff.PostAsync($"/activities/{id}/attendance", Form(page, "attendance",
            ($"role-{invited[0]}", "present"), ($"role-{invited[1]}", "flying"), ("op", "confirm")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("出席情况“flying”无效", await bad.HtmlAsync());
        Assert.False(await app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.ActivityId == id && i.Attendance != null)));

        // Without script, 全部设为出席 comes back with every select set, and stores nothing.
        var all = await staff.PostAsync($"/activities/{id}/attendance", Form(page, "attendance", ("op", "all-present")));
        var allHtml = await all.HtmlAsync();
        Assert.All(invited, m => Assert.Equal("present", Selected(allHtml, m)));
        Assert.False(await app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.ActivityId == id && i.Attendance != null)));

        var roles = new[] { "present", "excused", "speaker", "absent" };
        var ok = await staff.PostAsync($"/activities/{id}/attendance", Form(page, "attendance",
            [.. invited.Select((m, i) => ($"role-{m}", roles[i])), ("op", "confirm")]));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal($"/activities/{id}/attendance?confirmed=4", ok.Target());
        Assert.Contains("已确认 4 人，履职积分已记入档案", await staff.GetHtmlAsync(ok.Target()));
        var stored = await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id).ToDictionaryAsync(i => i.MemberId, i => i.Attendance));
        Assert.Equal([AttendanceRole.Present, AttendanceRole.Excused, AttendanceRole.Speaker, AttendanceRole.Absent], invited.Select(m => stored[m]!.Value));
        Assert.True(await app.WithDbAsync(db => db.DutyRecords.AnyAsync(r => r.Source == "activity" && r.SourceId == id && r.MemberId == invited[0] && r.Points > 0)));
        Assert.True(await app.WithDbAsync(db => db.DutyRecords.AnyAsync(r => r.Source == "activity" && r.SourceId == id && r.MemberId == invited[2] && r.RuleCode == "speaker")));

        // Before the start the page says when it opens and offers no form.
        var (future, _, _) = await ZhongshanActivityAsync(startIn: TimeSpan.FromDays(3), title: "尚未开始的会议");
        var early = await staff.GetHtmlAsync($"/activities/{future}/attendance");
        Assert.Contains("活动开始后", early);
        Assert.DoesNotContain("name=\"role-", early);
        var earlyPost = await staff.PostAsync($"/activities/{future}/attendance", Form(early, "attendance", ($"role-{invited[0]}", "present")));
        Assert.Equal($"/activities/{future}/attendance", earlyPost.Target());
        Assert.False(await app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.ActivityId == future && i.Attendance != null)));
    }

    [Fact]
    public async Task Staff_upload_materials_postpone_and_cancel_on_the_detail_page_and_bad_input_changes_nothing()
    {
        var (id, _, _) = await ZhongshanActivityAsync(title: "材料与延期测试会");
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var page = await staff.GetHtmlAsync($"/activities/{id}");
        MultipartFormDataContent Upload(string fileName, byte[] content) => new()
        {
            { new StringContent(PageClient.Token(page)), "__RequestVerificationToken" },
            { new StringContent("materials"), "_handler" },
            { new StringContent("upload"), "op" },
            { new ByteArrayContent(content), "file", fileName },
        };

        var bad = await staff.PostAsync($"/activities/{id}", Upload("病毒.exe", [1, 2, 3]));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("不支持的文件类型“.exe”", await bad.HtmlAsync());
        Assert.False(await app.WithDbAsync(db => db.ActivityMaterials.AnyAsync(m => m.ActivityId == id)));

        var ok = await staff.PostAsync($"/activities/{id}", Upload("会议议程.txt", "一、开幕"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal($"/activities/{id}?done=uploaded", ok.Target());
        Assert.EndsWith("#materials", ok.Headers.Location!.OriginalString); // lands on the materials card
        var materialId = await app.WithDbAsync(db => db.ActivityMaterials.Where(m => m.ActivityId == id).Select(m => m.Id).SingleAsync());

        // The invited member downloads it with the sign-in cookie; a member of another district may not.
        var member = await app.SignedInPageClientAsync("member.520201");
        var detail = await member.GetHtmlAsync($"/activities/{id}");
        Assert.Contains($"href=\"/api/activities/{id}/materials/{materialId}\"", detail);
        Assert.DoesNotContain("name=\"delete\"", detail);
        Assert.Equal("一、开幕", await member.GetStringAsync($"/api/activities/{id}/materials/{materialId}"));
        var outsider = await app.SignedInPageClientAsync("member.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/activities/{id}/materials/{materialId}")).StatusCode);

        page = await staff.GetHtmlAsync($"/activities/{id}?done=uploaded");
        Assert.Contains("材料已上传", page);
        var delete = await staff.PostAsync($"/activities/{id}", Form(page, "materials", ("delete", materialId.ToString())));
        Assert.Equal($"/activities/{id}?done=deleted", delete.Target());
        Assert.False(await app.WithDbAsync(db => db.ActivityMaterials.AnyAsync(m => m.ActivityId == id)));

        // Postpone: a bad time and an end before the start are refused; then a good one keeps the original start.
        var before = await app.WithDbAsync(db => db.Activities.AsNoTracking().FirstAsync(a => a.Id == id));
        var newStart = new DateTimeOffset(before.StartsAt.AddDays(7).ToOffset(China).Date.AddHours(15), China); // 15:00 China time a week later
        var garbled = await staff.PostAsync($"/activities/{id}", Form(page, "postpone", ("startsAt", "下周"), ("endsAt", Local(newStart)), ("reason", "")));
        Assert.Contains("时间格式不正确", await garbled.HtmlAsync());
        var backwards = await staff.PostAsync($"/activities/{id}", Form(page, "postpone", ("startsAt", Local(newStart)), ("endsAt", Local(newStart.AddHours(-1))), ("reason", "")));
        Assert.Contains("结束时间须晚于开始时间", await backwards.HtmlAsync());
        Assert.Equal(ActivityStatus.Published, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.Status).FirstAsync()));
        var postponed = await staff.PostAsync($"/activities/{id}", Form(page, "postpone", ("startsAt", Local(newStart)), ("endsAt", Local(newStart.AddHours(2))), ("reason", "与全会时间冲突")));
        Assert.Equal($"/activities/{id}?done=postponed", postponed.Target());
        var moved = await app.WithDbAsync(db => db.Activities.AsNoTracking().FirstAsync(a => a.Id == id));
        Assert.Equal((ActivityStatus.Postponed, before.StartsAt.ToUniversalTime(), newStart.ToUniversalTime()), (moved.Status, moved.OriginalStartsAt!.Value.ToUniversalTime(), moved.StartsAt.ToUniversalTime()));
        var seen = await member.GetHtmlAsync($"/activities/{id}");
        Assert.Contains("已延期", seen);
        Assert.Contains("原定开始时间：" + before.StartsAt.ToOffset(China).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), seen);

        // Cancel with a reason: the member sees it clearly marked.
        var cancelled = await staff.PostAsync($"/activities/{id}", Form(page, "cancel", ("reason", "因疫情防控需要")));
        Assert.Equal($"/activities/{id}?done=cancelled", cancelled.Target());
        Assert.Equal(ActivityStatus.Cancelled, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.Status).FirstAsync()));
        seen = await member.GetHtmlAsync($"/activities/{id}");
        Assert.Contains("本活动已取消", seen);
        Assert.Contains("原因：因疫情防控需要", seen);
        Assert.DoesNotContain("name=\"response\"", seen);
        Assert.Contains("活动已取消，不能修改", await staff.GetHtmlAsync($"/activities/{id}/edit"));
        Assert.Contains("已取消", await member.GetHtmlAsync("/activities"));
    }

    [Fact]
    public async Task Another_districts_member_and_staff_are_refused_on_every_page_and_form()
    {
        var (id, memberId, _) = await ZhongshanActivityAsync(startIn: TimeSpan.FromHours(-1), title: "钟山区内部会议");
        var (draft, _, _) = await ZhongshanActivityAsync(status: ActivityStatus.Draft, title: "钟山区草稿活动");

        var outsider = await app.SignedInPageClientAsync("member.520204");
        var res = await outsider.GetAsync($"/activities/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        var body = await res.HtmlAsync();
        Assert.Contains("无权访问", body);
        Assert.DoesNotContain("钟山区内部会议", body);
        foreach (var url in new[] { $"/activities/{id}/invitees", $"/activities/{id}/attendance", $"/activities/{id}/edit", "/activities/new" })
            Assert.Equal("/account/denied", (await outsider.GetAsync(url)).Target().Split('?')[0]); // office pages: the wrong role
        Assert.DoesNotContain($"href=\"/activities/{id}\"", await outsider.GetHtmlAsync("/activities?when=all"));
        var token = PageClient.Token(await outsider.GetHtmlAsync("/activities"));
        var answer = await outsider.PostAsync($"/activities/{id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "respond", ["response"] = "attend",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);

        var staff = await app.SignedInPageClientAsync("staff.520204");
        foreach (var url in new[] { $"/activities/{id}", $"/activities/{id}/invitees", $"/activities/{id}/attendance", $"/activities/{id}/edit", $"/activities/{draft}", $"/activities/{draft}/edit" })
        {
            var r = await staff.GetAsync(url);
            Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"GET {url}: {(int)r.StatusCode}");
            Assert.DoesNotContain("钟山区", await r.HtmlAsync());
        }
        var staffList = await staff.GetHtmlAsync("/activities?when=all");
        Assert.DoesNotContain($"href=\"/activities/{id}\"", staffList);
        Assert.DoesNotContain($"href=\"/activities/{draft}\"", staffList);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/activities?committee=520201")).StatusCode);

        var staffToken = PageClient.Token(staffList);
        FormUrlEncodedContent Post(string handler, params (string, string)[] fields) =>
            new([KeyValuePair.Create("__RequestVerificationToken", staffToken), KeyValuePair.Create("_handler", handler), .. fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2))]);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/activities/{draft}", Post("publish"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/activities/{id}", Post("cancel", ("reason", "不办了")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/activities/{id}/attendance", Post("attendance", ($"role-{memberId}", "present")))).StatusCode);
        var editPost = await staff.PostAsync($"/activities/{draft}/edit", Post("activity", ("title", "改名"), ("op", "save")));
        Assert.Equal(HttpStatusCode.Redirect, editPost.StatusCode); // the stand-in sends it to the page, whose GET refuses
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync(editPost.Target())).StatusCode);
        var states = await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id || a.Id == draft).ToDictionaryAsync(a => a.Id, a => (a.Status, a.Title)));
        Assert.Equal((ActivityStatus.Published, "钟山区内部会议"), states[id]);
        Assert.Equal((ActivityStatus.Draft, "钟山区草稿活动"), states[draft]);
        Assert.False(await app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.ActivityId == id && i.Attendance != null)));

        // A leader reads but does not manage: no staff actions, and their posts are refused.
        var leader = await app.SignedInPageClientAsync("leader.520201");
        var leaderPage = await leader.GetHtmlAsync($"/activities/{id}");
        Assert.DoesNotContain("活动管理", leaderPage);
        Assert.Equal("/account/denied", (await leader.GetAsync($"/activities/{id}/attendance")).Target().Split('?')[0]);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PostAsync($"/activities/{id}", Form(leaderPage, "cancel", ("reason", "x")))).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/activities/999999")).StatusCode);
    }

    [Fact]
    public async Task A_member_lists_only_the_activities_they_are_invited_to_and_bad_filters_are_ignored()
    {
        var (invited, _, _) = await ZhongshanActivityAsync(title: "邀请了我的活动");
        var colleagues = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.IsActive && !db.Users.Any(u => u.MemberId == m.Id))
            .OrderByDescending(m => m.Id).Take(2).Select(m => m.Id).ToArrayAsync());
        var (notInvited, _) = await TestActivities.CreateAsync(app, ActivityType.Research, DateTimeOffset.UtcNow.AddDays(12), organizers: ["520201"],
            memberIds: colleagues, title: "没有邀请我的调研");
        var (draft, _) = await TestActivities.CreateAsync(app, ActivityType.Research, DateTimeOffset.UtcNow.AddDays(12), organizers: ["520201"],
            status: ActivityStatus.Draft, title: "草稿调研");

        var member = await app.SignedInPageClientAsync("member.520201");
        var list = await member.GetHtmlAsync("/activities");
        Assert.Contains("<h1>我的活动</h1>", list);
        Assert.Contains($"href=\"/activities/{invited}\"", list);
        Assert.DoesNotContain($"href=\"/activities/{notInvited}\"", list);
        Assert.DoesNotContain($"href=\"/activities/{draft}\"", list);
        Assert.DoesNotContain("/activities/new", list);
        Assert.DoesNotContain("name=\"committee\"", list);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/activities/{notInvited}")).StatusCode);

        var staff = await app.SignedInPageClientAsync("staff.520201");
        var all = await staff.GetHtmlAsync("/activities");
        foreach (var id in new[] { invited, notInvited, draft }) Assert.Contains($"href=\"/activities/{id}\"", all);
        var research = await staff.GetHtmlAsync("/activities?type=research&status=draft");
        Assert.Contains($"href=\"/activities/{draft}\"", research);
        Assert.DoesNotContain($"href=\"/activities/{invited}\"", research);
        Assert.DoesNotContain($"href=\"/activities/{invited}\"", await staff.GetHtmlAsync("/activities?when=past"));
        var month = DateTimeOffset.UtcNow.AddDays(10).ToOffset(China).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        Assert.Contains($"href=\"/activities/{invited}\"", await staff.GetHtmlAsync($"/activities?month={month}"));

        foreach (var url in new[] { "/activities?type=x", "/activities?status=maybe", "/activities?month=2026-13", "/activities?page=abc", "/activities?when=soon", "/activities?committee=nowhere" })
            Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync(url)).StatusCode);
        Assert.Contains("未找到代码为“nowhere”的政协组织", await staff.GetHtmlAsync("/activities?committee=nowhere"));
        Assert.Contains("Upcoming", await staff.GetHtmlAsync("/activities?culture=en"));
    }
}

public sealed class ActivityPagesSqliteTests(SqliteAppFactory app) : ActivityPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ActivityPagesPostgresTests(PostgresAppFactory app) : ActivityPagesTests(app), IClassFixture<PostgresAppFactory>;
