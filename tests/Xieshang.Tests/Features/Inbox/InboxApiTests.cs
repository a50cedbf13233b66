using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Infrastructure.Notifications;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Inbox;

/// <summary>The inbox API on SQLite and PostgreSQL: each account its own messages only, marking read, bad input.</summary>
public abstract class InboxApiTests(AppFactory app)
{
    private sealed record Item(long Id, string Kind, string Title, string Body, string Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);
    private sealed record Page(List<Item> Items, int Total, int Unread);
    private sealed record Count(int Unread);
    private sealed record MarkedBody(int Marked);

    [Fact]
    public async Task An_account_lists_the_messages_to_it_and_to_its_member_and_no_others()
    {
        var d = await InboxTestData.CreateAsync(app);
        var member = await app.ClientAsAsync("member.520201");
        var mine = await ListAsync(member, "?pageSize=100");
        var tagged = mine.Items.Where(i => i.Title.EndsWith(d.Tag)).ToList();
        Assert.Equal([d.ToMemberAccount, d.ToMember], tagged.Select(i => i.Id)); // newest first
        var item = tagged.Single(i => i.Id == d.ToMember);
        Assert.Equal(("activity.published", d.MemberTitle, "/activities/1"), (item.Kind, item.Title, item.Link));
        Assert.Contains("地点：区政协二楼", item.Body);
        Assert.Null(item.ReadAt);
        Assert.Equal(mine.Unread, (await member.GetFromJsonAsync<Count>("/api/inbox/unread-count"))!.Unread);

        var leader = await ListAsync(await app.ClientAsAsync("leader.520200"), "?pageSize=100");
        Assert.Equal([d.ToLeader], leader.Items.Where(i => i.Title.EndsWith(d.Tag)).Select(i => i.Id));
        // Staff of the member's own committee do not read the member's inbox; nor does the administrator.
        foreach (var other in new[] { "staff.520201", "staff.520200", "admin", "member.520203" })
        {
            var theirs = await ListAsync(await app.ClientAsAsync(other), "?pageSize=100");
            Assert.DoesNotContain(theirs.Items, i => i.Id == d.ToMember || i.Id == d.ToMemberAccount || i.Id == d.ToLeader);
        }
    }

    [Fact]
    public async Task Marking_read_one_or_all_changes_only_the_callers_messages()
    {
        var d = await InboxTestData.CreateAsync(app);
        var member = await app.ClientAsAsync("member.520201");
        var before = (await member.GetFromJsonAsync<Count>("/api/inbox/unread-count"))!.Unread;

        Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsync($"/api/inbox/{d.ToMember}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsync($"/api/inbox/{d.ToMember}/read", null)).StatusCode); // again: fine
        Assert.Equal(before - 1, (await member.GetFromJsonAsync<Count>("/api/inbox/unread-count"))!.Unread);
        var unread = await ListAsync(member, "?unread=true&pageSize=100");
        Assert.DoesNotContain(unread.Items, i => i.Id == d.ToMember);
        Assert.Contains(unread.Items, i => i.Id == d.ToMemberAccount);
        Assert.Equal(unread.Total, unread.Unread);
        Assert.NotNull((await ListAsync(member, "?pageSize=100")).Items.Single(i => i.Id == d.ToMember).ReadAt);

        var res = await member.PostAsync("/api/inbox/read-all", null);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(before - 1, (await res.Content.ReadFromJsonAsync<MarkedBody>())!.Marked);
        Assert.Equal(0, (await member.GetFromJsonAsync<Count>("/api/inbox/unread-count"))!.Unread);
        Assert.Empty((await ListAsync(member, "?unread=true")).Items);

        // The leader's and the other member's messages are still unread.
        Assert.Null(await ReadAtAsync(d.ToLeader));
        Assert.Null(await ReadAtAsync(d.ToOtherMember));
    }

    [Fact]
    public async Task Someone_elses_message_answers_404_and_stays_unread()
    {
        var d = await InboxTestData.CreateAsync(app);
        foreach (var (user, id) in new[]
                 {
                     ("member.520201", d.ToLeader),       // another role's message
                     ("member.520203", d.ToMember),       // another committee's member
                     ("staff.520201", d.ToMember),        // staff of the member's own committee
                     ("leader.520201", d.ToMemberAccount),
                     ("admin", d.ToMember),
                 })
        {
            var client = await app.ClientAsAsync(user);
            var res = await client.PostAsync($"/api/inbox/{id}/read", null);
            Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
            Assert.Contains("未找到该消息", await res.Content.ReadAsStringAsync());
        }
        foreach (var user in new[] { "staff.520201", "leader.520201", "admin" })
            Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync(user)).PostAsync("/api/inbox/read-all", null)).StatusCode); // their own only
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("member.520201")).PostAsync("/api/inbox/999999999/read", null)).StatusCode);
        foreach (var id in new[] { d.ToMember, d.ToMemberAccount, d.ToLeader, d.ToOtherMember }) Assert.Null(await ReadAtAsync(id));

        // Signed out: 401 everywhere.
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/inbox")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/inbox/unread-count")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/inbox/{d.ToMember}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/inbox/read-all", null)).StatusCode);

        // The page cookie alone, without the antiforgery token, changes nothing.
        var cookie = await app.SignedInPageClientAsync("member.520201");
        Assert.Equal(HttpStatusCode.BadRequest, (await cookie.PostAsync("/api/inbox/read-all", null)).StatusCode);
        Assert.Null(await ReadAtAsync(d.ToMember));
    }

    [Fact]
    public async Task Bad_paging_is_refused_with_a_Chinese_message()
    {
        var member = await app.ClientAsAsync("member.520201");
        foreach (var (query, field, words) in new[] { ("?page=0", "page", "页码"), ("?pageSize=101", "pageSize", "每页条数"), ("?pageSize=0", "pageSize", "每页条数") })
        {
            var res = await member.GetAsync("/api/inbox" + query);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(words, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        }
        var bad = await member.GetAsync("/api/inbox?unread=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("请求格式不正确", await bad.Content.ReadAsStringAsync());
    }

    private static async Task<Page> ListAsync(HttpClient client, string query)
    {
        var res = await client.GetAsync("/api/inbox" + query);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return (await res.Content.ReadFromJsonAsync<Page>())!;
    }

    private Task<DateTimeOffset?> ReadAtAsync(long id) =>
        app.WithDbAsync(db => db.Notifications.Where(n => n.Id == id).Select(n => n.ReadAt).SingleAsync());
}

public sealed class InboxApiSqliteTests(PickupSqliteAppFactory app) : InboxApiTests(app), IClassFixture<PickupSqliteAppFactory>;
public sealed class InboxApiPostgresTests(PickupPostgresAppFactory app) : InboxApiTests(app), IClassFixture<PickupPostgresAppFactory>;
