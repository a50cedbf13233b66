using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Deliberations;
using static Xieshang.Tests.Features.Deliberations.DeliberationTestData;

namespace Xieshang.Tests.Features.Deliberations;

/// <summary>
/// The deliberation API: create, open/close, seeds, statements, moderation, votes (one per participant and statement, the
/// latest kept, also under parallel requests), next statement, map, scope and roles on every endpoint, anonymous access.
/// </summary>
public abstract class DeliberationsApiTests(AppFactory app)
{
    private static async Task<string> DetailAsync(HttpResponseMessage res) => await res.Content.ReadAsStringAsync();

    [Fact]
    public async Task Staff_create_seed_and_open_then_a_member_adds_votes_and_staff_moderate_rejected_statements_kept()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var consultation = await ConsultationAsync(app, "520200");
        var id = await CreateAsync(staff, consultation);
        var draft = await staff.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}");
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal(3, draft.GetProperty("statements").GetInt32());
        Assert.True(draft.GetProperty("canManage").GetBoolean());

        // A second deliberation for the same consultation is refused.
        var twice = await staff.PostAsJsonAsync("/api/deliberations", new { consultationId = consultation, question = "再来一次", visibility = "members" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("已有网络议政", await DetailAsync(twice));

        // Members cannot see a draft.
        var member = await app.ClientAsAsync("member.520200");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/deliberations/{id}/next")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/deliberations/{id}/open", null)).StatusCode);

        var next = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/next");
        Assert.Equal(0, next.GetProperty("voted").GetInt32());
        Assert.Equal(3, next.GetProperty("total").GetInt32());
        var first = next.GetProperty("statement").GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, first, 1));
        next = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/next");
        Assert.Equal(1, next.GetProperty("voted").GetInt32());
        Assert.NotEqual(first, next.GetProperty("statement").GetProperty("id").GetInt32());

        // A member's statement waits for moderation and cannot be voted on until accepted.
        var added = await member.PostAsJsonAsync($"/api/deliberations/{id}/statements", new { text = "建议在乡镇卫生院设立医养结合床位" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var sid = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(StatementStatus.Pending, await app.WithDbAsync(db => db.DeliberationStatements.Where(s => s.Id == sid).Select(s => s.Status).FirstAsync()));
        Assert.Equal(HttpStatusCode.Conflict, await VoteAsync(member, id, sid, 1));
        var pending = await staff.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/statements?status=pending");
        Assert.Equal([sid], pending.EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));

        // Reject without a reason: refused, nothing changed. With a reason: rejected, kept, not votable.
        var noReason = await staff.PostAsJsonAsync($"/api/deliberations/{id}/statements/{sid}/moderate", new { decision = "reject", reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("理由", await DetailAsync(noReason));
        Assert.Equal(StatementStatus.Pending, await app.WithDbAsync(db => db.DeliberationStatements.Where(s => s.Id == sid).Select(s => s.Status).FirstAsync()));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/deliberations/{id}/statements/{sid}/moderate", new { decision = "reject", reason = "与议题无关" })).StatusCode);
        var rejected = await staff.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/statements?status=rejected");
        var kept = Assert.Single(rejected.EnumerateArray());
        Assert.Equal("与议题无关", kept.GetProperty("rejectReason").GetString());
        Assert.Equal("staff.520200", kept.GetProperty("moderatedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, await VoteAsync(member, id, sid, 1));
        // The member's list shows accepted statements only, without moderation details.
        var visible = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/statements");
        Assert.DoesNotContain(sid, visible.EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));
        Assert.All(visible.EnumerateArray(), s => Assert.Equal("", s.GetProperty("moderatedBy").GetString()));

        // Accepting it after all makes it votable.
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/deliberations/{id}/statements/{sid}/moderate", new { decision = "accept" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, sid, -1));
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/deliberations/{id}/statements/{sid}/moderate", new { decision = "maybe" })).StatusCode);

        // Close: no more votes, statements or moderation.
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/deliberations/{id}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, await VoteAsync(member, id, first, -1));
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsJsonAsync($"/api/deliberations/{id}/statements", new { text = "结束后再提" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync($"/api/deliberations/{id}/statements/{sid}/moderate", new { decision = "reject", reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/deliberations/{id}/close", null)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationVotes.CountAsync(v => v.StatementId == first)));
    }

    [Fact]
    public async Task Statements_are_at_most_140_characters_counted_as_a_reader_counts_them()
    {
        Assert.Equal(2, DeliberationRules.Length("杨𬱖"));
        var id = await OpenAsync(app);
        var member = await app.ClientAsAsync("member.520200");
        var exactly = string.Concat(Enumerable.Repeat("杨𬱖", 70)); // 140 characters, 210 UTF-16 units
        Assert.Equal(210, exactly.Length);
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync($"/api/deliberations/{id}/statements", new { text = exactly })).StatusCode);
        var tooLong = await member.PostAsJsonAsync($"/api/deliberations/{id}/statements", new { text = exactly + "好" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("最多 140 个字，当前 141 个字", await DetailAsync(tooLong));
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsJsonAsync($"/api/deliberations/{id}/statements", new { text = "  " })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsJsonAsync($"/api/deliberations/{id}/statements", new { text = exactly })).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationStatements.CountAsync(s => s.DeliberationId == id && s.Status == StatementStatus.Pending)));
    }

    [Fact]
    public async Task Every_endpoint_refuses_the_wrong_role_and_the_wrong_committee()
    {
        var id = await OpenAsync(app);
        var statement = (await AcceptedAsync(app, id))[0];
        var otherStaff = await app.ClientAsAsync("staff.520201");   // 钟山区: below the city, may not manage the city's deliberation
        var leader = await app.ClientAsAsync("leader.520200");      // reads, never manages
        var member = await app.ClientAsAsync("member.520200");
        var otherMember = await app.ClientAsAsync("member.520201"); // another committee's member

        // Creating: members, leaders and staff of a lower committee are refused.
        var consultation = await ConsultationAsync(app, "520200");
        foreach (var c in new[] { member, leader, otherStaff })
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsJsonAsync("/api/deliberations", new { consultationId = consultation, question = "问", visibility = "members" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("staff.520200")).PostAsJsonAsync("/api/deliberations", new { consultationId = 999_999, question = "问" })).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Deliberations.AnyAsync(d => d.ConsultationId == consultation)));

        // Managing: only staff in scope.
        foreach (var c in new[] { member, leader, otherStaff, otherMember })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsync($"/api/deliberations/{id}/close", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsync($"/api/deliberations/{id}/open", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsJsonAsync($"/api/deliberations/{id}/seeds", new { texts = new[] { "越权种子" } })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsJsonAsync($"/api/deliberations/{id}/statements/{statement}/moderate", new { decision = "reject", reason = "越权" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PutAsJsonAsync($"/api/deliberations/{id}/invitees", new { userNames = new[] { "member.520200" } })).StatusCode);
        }
        Assert.Equal(StatementStatus.Accepted, await app.WithDbAsync(db => db.DeliberationStatements.Where(s => s.Id == statement).Select(s => s.Status).FirstAsync()));
        Assert.False(await app.WithDbAsync(db => db.DeliberationStatements.AnyAsync(s => s.Text == "越权种子")));

        // Taking part and reading: another committee's member is refused everywhere.
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMember.GetAsync($"/api/deliberations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMember.GetAsync($"/api/deliberations/{id}/statements")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMember.GetAsync($"/api/deliberations/{id}/next")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMember.GetAsync($"/api/deliberations/{id}/map")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMember.GetAsync($"/api/deliberations/{id}/my-group")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await VoteAsync(otherMember, id, statement, 1));
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMember.PostAsJsonAsync($"/api/deliberations/{id}/statements", new { text = "越权意见" })).StatusCode);
        // Without an account nothing of a members-only deliberation is reachable.
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/api/deliberations/{id}/map")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await VoteAsync(anonymous, id, statement, 1));
        Assert.Equal(0, await app.WithDbAsync(db => db.DeliberationVotes.CountAsync(v => v.DeliberationId == id)));
        // The leader in scope reads the map; the member of the committee votes.
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync($"/api/deliberations/{id}/map")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statement, 1));
        Assert.Equal(HttpStatusCode.BadRequest, await VoteAsync(member, id, statement, 2));
        Assert.Equal(HttpStatusCode.NotFound, await VoteAsync(member, id, 999_999, 1));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/api/deliberations/999999")).StatusCode);
    }

    [Fact]
    public async Task Invited_deliberations_admit_the_listed_accounts_only()
    {
        var id = await OpenAsync(app, visibility: "invited");
        var statement = (await AcceptedAsync(app, id))[0];
        var member = await app.ClientAsAsync("member.520200");
        Assert.Equal(HttpStatusCode.Forbidden, await VoteAsync(member, id, statement, 1));
        var staff = await app.ClientAsAsync("staff.520200");
        var bad = await staff.PutAsJsonAsync($"/api/deliberations/{id}/invitees", new { userNames = new[] { "member.520200", "nobody.x" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("nobody.x", await DetailAsync(bad));
        Assert.Equal(0, await app.WithDbAsync(db => db.DeliberationInvitees.CountAsync(i => i.DeliberationId == id)));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PutAsJsonAsync($"/api/deliberations/{id}/invitees", new { userNames = new[] { "member.520200" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statement, 1));
        // A member of another committee can be invited too.
        var other = await app.ClientAsAsync("member.520201");
        Assert.Equal(HttpStatusCode.Forbidden, await VoteAsync(other, id, statement, 1));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PutAsJsonAsync($"/api/deliberations/{id}/invitees", new { userNames = new[] { "member.520200", "member.520201" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(other, id, statement, -1));
    }

    [Theory]
    // visibility, account ("" = no account), with the public link's token, expected GET detail, expected vote
    [InlineData("members", "member.520200", false, 200, 204)]
    [InlineData("members", "leader.520200", false, 200, 204)]
    [InlineData("members", "staff.520200", false, 200, 204)]
    [InlineData("members", "member.520201", false, 403, 403)]
    [InlineData("members", "unit.520200.edu", false, 403, 403)]
    [InlineData("members", "", false, 403, 403)]
    [InlineData("invited", "member.520200", false, 403, 403)]
    [InlineData("invited", "leader.520200", false, 200, 403)]
    [InlineData("invited", "staff.520200", false, 200, 204)]
    [InlineData("invited", "member.520201", false, 403, 403)]
    [InlineData("invited", "unit.520200.edu", false, 403, 403)]
    [InlineData("invited", "", false, 403, 403)]
    [InlineData("public", "member.520200", false, 200, 204)]
    [InlineData("public", "leader.520200", false, 200, 204)]
    [InlineData("public", "staff.520200", false, 200, 204)]
    [InlineData("public", "member.520201", false, 403, 403)]
    [InlineData("public", "member.520201", true, 200, 204)]
    [InlineData("public", "unit.520200.edu", false, 403, 403)]
    [InlineData("public", "unit.520200.edu", true, 403, 403)]
    [InlineData("public", "", false, 403, 403)]
    [InlineData("public", "", true, 200, 204)]
    public async Task Who_sees_and_who_takes_part_by_visibility_and_role(string visibility, string account, bool withToken, int see, int vote)
    {
        if (account.StartsWith("unit.", StringComparison.Ordinal)) await ProposalScenario.EnsureUnitAsync(app, "520200", "520200.edu", "六盘水市教育局");
        var id = await OpenAsync(app, visibility: visibility, anonymous: true);
        var statement = (await AcceptedAsync(app, id))[0];
        var token = withToken ? await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == id).Select(d => d.InviteToken).FirstAsync()) : null;
        var client = account.Length == 0 ? app.CreateClient() : await app.ClientAsAsync(account);
        var q = token is null ? "" : "?token=" + token;
        var detail = await client.GetAsync($"/api/deliberations/{id}{q}");
        Assert.Equal((HttpStatusCode)see, detail.StatusCode);
        if (see == 403) Assert.Contains("您无权参与该网络议政", await DetailAsync(detail));
        Assert.Equal((HttpStatusCode)see, (await client.GetAsync($"/api/deliberations/{id}/map{q}")).StatusCode);
        Assert.Equal((HttpStatusCode)vote, await VoteAsync(client, id, statement, 1, token));
        Assert.Equal(vote == 204 ? 1 : 0, await app.WithDbAsync(db => db.DeliberationVotes.CountAsync(v => v.DeliberationId == id)));
        if (see == 200)
        {
            var body = await client.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}{q}");
            Assert.Equal(vote == 204, body.GetProperty("canParticipate").GetBoolean());
        }
    }

    [Fact]
    public async Task Invitees_are_people_of_the_committee_or_below_the_administrator_and_handling_units_are_refused()
    {
        await ProposalScenario.EnsureUnitAsync(app, "520200", "520200.edu", "六盘水市教育局");
        var id = await OpenAsync(app, visibility: "invited");
        var staff = await app.ClientAsAsync("staff.520200");
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PutAsJsonAsync($"/api/deliberations/{id}/invitees", new { userNames = new[] { "member.520200" } })).StatusCode);
        foreach (var outsider in new[] { "admin", "unit.520200.edu" })
        {
            var res = await staff.PutAsJsonAsync($"/api/deliberations/{id}/invitees", new { userNames = new[] { "member.520201", outsider } });
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var text = await DetailAsync(res);
            Assert.Contains("只能邀请本委员会及下级委员会的委员、工作人员或领导", text);
            Assert.Contains(outsider, text);
            Assert.DoesNotContain("member.520201", text);
        }
        // Nothing changed: the one invitee stays.
        var invited = await app.WithDbAsync(db => db.DeliberationInvitees.Where(i => i.DeliberationId == id)
            .Join(db.Users, i => i.UserId, u => u.Id, (i, u) => u.UserName!).ToListAsync());
        Assert.Equal(["member.520200"], invited);
        // A district's deliberation: the city's member is not of its subtree; the district's leader and a staff member are.
        var district = await OpenAsync(app, committeeCode: "520201", visibility: "invited");
        var districtStaff = await app.ClientAsAsync("staff.520201");
        var refused = await districtStaff.PutAsJsonAsync($"/api/deliberations/{district}/invitees", new { userNames = new[] { "member.520200" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("member.520200", await DetailAsync(refused));
        Assert.Equal(HttpStatusCode.NoContent, (await districtStaff.PutAsJsonAsync($"/api/deliberations/{district}/invitees",
            new { userNames = new[] { "member.520201", "leader.520201", "staff.520201" } })).StatusCode);
        Assert.Equal(3, await app.WithDbAsync(db => db.DeliberationInvitees.CountAsync(i => i.DeliberationId == district)));
    }

    [Fact]
    public async Task Staff_may_reopen_a_closed_deliberation_and_votes_are_kept()
    {
        var id = await OpenAsync(app);
        var statement = (await AcceptedAsync(app, id))[0];
        var member = await app.ClientAsAsync("member.520200");
        var staff = await app.ClientAsAsync("staff.520200");
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statement, 1));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/deliberations/{id}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, await VoteAsync(member, id, statement, -1));
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/deliberations/{id}/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/deliberations/{id}/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/deliberations/{id}/open", null)).StatusCode);
        var d = await app.WithDbAsync(db => db.Deliberations.AsNoTracking().FirstAsync(x => x.Id == id));
        Assert.Equal(DeliberationStatus.Open, d.Status);
        Assert.Null(d.ClosedAt);
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.StatementId == statement).Select(v => (int)v.Value).SingleAsync()));
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statement, -1));
    }

    [Fact]
    public async Task Public_link_admits_anonymous_citizens_only_when_allowed_and_only_with_the_token()
    {
        var closedToAnonymous = await OpenAsync(app, visibility: "public", anonymous: false);
        var open = await OpenAsync(app, visibility: "public", anonymous: true);
        var staff = await app.ClientAsAsync("staff.520200");
        var link = (await staff.GetFromJsonAsync<JsonElement>($"/api/deliberations/{open}")).GetProperty("inviteLink").GetString()!;
        var token = link["/d/".Length..];
        Assert.Equal(32, token.Length);
        var member = await app.ClientAsAsync("member.520200");
        Assert.Equal(JsonValueKind.Null, (await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{open}?token={token}")).GetProperty("inviteLink").ValueKind);
        var closedToken = await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == closedToAnonymous).Select(d => d.InviteToken).FirstAsync());

        var citizen = app.CreateClient();
        var s1 = (await AcceptedAsync(app, open))[0];
        Assert.Equal(HttpStatusCode.Forbidden, await VoteAsync(citizen, open, s1, 1));                 // no token
        Assert.Equal(HttpStatusCode.Forbidden, await VoteAsync(citizen, open, s1, 1, "wrong-token"));   // wrong token
        Assert.Equal(HttpStatusCode.Forbidden, await VoteAsync(citizen, closedToAnonymous, (await AcceptedAsync(app, closedToAnonymous))[0], 1, closedToken)); // anonymous off
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(citizen, open, s1, 1, token));
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(citizen, open, s1, -1, token));           // the same cookie: the same participant, vote changed
        var rows = await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.DeliberationId == open).Select(v => new { v.ParticipantId, v.Value }).ToListAsync());
        Assert.Equal(-1, Assert.Single(rows).Value);
        var p = await app.WithDbAsync(db => db.DeliberationParticipants.FirstAsync(x => x.DeliberationId == open));
        Assert.Null(p.UserId);
        Assert.NotNull(p.AnonymousKey);
        Assert.NotNull(p.AddressHash);
        var next = await citizen.GetFromJsonAsync<JsonElement>($"/api/deliberations/{open}/next?token={token}");
        Assert.Equal(1, next.GetProperty("voted").GetInt32());
        // A signed-in account with the link takes part under its account.
        var other = await app.ClientAsAsync("member.520201");
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(other, open, s1, 1, token));
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(other, closedToAnonymous, (await AcceptedAsync(app, closedToAnonymous))[0], 1, closedToken));
    }

    [Fact]
    public async Task Anonymous_participants_per_address_and_hour_are_capped()
    {
        var id = await OpenAsync(app, visibility: "public", anonymous: true);
        var options = new DeliberationOptions { AnonymousPerAddressPerHour = 2 };
        var outcomes = await app.WithDbAsync(async db =>
        {
            var d = await db.Deliberations.AsNoTracking().FirstAsync(x => x.Id == id);
            var list = new List<int>();
            foreach (var key in new[] { "a1", "a2", "a3" })
            {
                var (p, e) = await DeliberationRules.GetOrCreateParticipantAsync(db, d, Web.Infrastructure.Auth.CurrentUser.Anonymous, key, "203.0.113.7", options, TimeProvider.System, default);
                list.Add(e?.Status ?? (p is null ? 0 : 200));
            }
            // The same key again is the same participant, not a new one; another address is not affected.
            var (again, e2) = await DeliberationRules.GetOrCreateParticipantAsync(db, d, Web.Infrastructure.Auth.CurrentUser.Anonymous, "a1", "203.0.113.7", options, TimeProvider.System, default);
            list.Add(e2?.Status ?? (again is null ? 0 : 200));
            var (elsewhere, e3) = await DeliberationRules.GetOrCreateParticipantAsync(db, d, Web.Infrastructure.Auth.CurrentUser.Anonymous, "b1", "198.51.100.9", options, TimeProvider.System, default);
            list.Add(e3?.Status ?? (elsewhere is null ? 0 : 200));
            return list;
        });
        Assert.Equal([200, 200, 429, 200, 200], outcomes);
        Assert.Equal(3, await app.WithDbAsync(db => db.DeliberationParticipants.CountAsync(p => p.DeliberationId == id)));
    }

    [Fact]
    public async Task Twenty_parallel_votes_of_one_participant_on_one_statement_leave_one_row_then_a_change_keeps_the_latest()
    {
        var id = await OpenAsync(app);
        var statement = (await AcceptedAsync(app, id))[0];
        var member = await app.ClientAsAsync("member.520200");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => VoteAsync(member, id, statement, i % 2 == 0 ? 1 : -1)));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NoContent, s));
        var rows = await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.StatementId == statement).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Contains(row.Value, new short[] { 1, -1 });
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationParticipants.CountAsync(p => p.DeliberationId == id)));

        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statement, 0));
        var changed = await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.StatementId == statement).ToListAsync());
        Assert.Equal(row.Id, Assert.Single(changed).Id);
        Assert.Equal(0, changed[0].Value);
        Assert.True(changed[0].UpdatedAt >= row.UpdatedAt);
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statement, 1));
        Assert.Equal(1, await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.StatementId == statement).Select(v => v.Value).SingleAsync()));
    }

    [Fact]
    public async Task The_database_refuses_a_second_vote_row_for_the_same_participant_and_statement()
    {
        var id = await OpenAsync(app);
        var statement = (await AcceptedAsync(app, id))[0];
        var member = await app.ClientAsAsync("member.520200");
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statement, 1));
        var error = await app.WithDbAsync(async db =>
        {
            var v = await db.DeliberationVotes.AsNoTracking().FirstAsync(x => x.StatementId == statement);
            db.DeliberationVotes.Add(new DeliberationVote { DeliberationId = id, ParticipantId = v.ParticipantId, StatementId = statement, Value = -1, UpdatedAt = DateTimeOffset.UtcNow });
            try { await db.SaveChangesAsync(); return false; }
            catch (DbUpdateException e) { return Web.Infrastructure.Data.DbErrors.IsUniqueViolation(e); }
        });
        Assert.True(error);
    }
}

public sealed class DeliberationsApiSqliteTests(SqliteAppFactory app) : DeliberationsApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class DeliberationsApiPostgresTests(PostgresAppFactory app) : DeliberationsApiTests(app), IClassFixture<PostgresAppFactory>;
