using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Auth;
using S = Xieshang.Web.Features.Proposals.ProposalStatus;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// Proposal scope (DOMAIN.md §3) through the API on SQLite and PostgreSQL: units see only their assignments (list,
/// detail, files); districts never see each other's unfiled proposals; members see their committee's filed proposals
/// but not others' non-public replies; co-signer names without contact data; anonymous callers get 401; a proposal's
/// notices go only to its proposers, units, office and supervising leader; withdrawn drafts stay with the proposer.
/// </summary>
public abstract class ProposalScopeTests(AppFactory app)
{
    /// <summary>Every string value of an answer, joined (raw JSON escapes Chinese).</summary>
    public static string AllText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()! + "\n",
        JsonValueKind.Object => string.Concat(e.EnumerateObject().Select(p => AllText(p.Value))),
        JsonValueKind.Array => string.Concat(e.EnumerateArray().Select(AllText)),
        _ => e.GetRawText() + "\n",
    };

    private async Task<List<int>> ListAsync(ProposalScenario s, string user, string query = "")
    {
        var page = await (await s.As(user)).GetFromJsonAsync<JsonElement>($"/api/proposals?pageSize=100{query}");
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
    }

    [Fact]
    public async Task Handling_units_see_only_the_proposals_assigned_to_them_and_their_files()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var c = s.Cast;
        var edu = await s.InStateAsync(S.Assigned, "关于教育的提案");
        var agri = await s.InStateAsync(S.Filed, "关于农业的提案");
        await s.ActAsync(c.Office, agri, "assign", new { mode = "single", units = new[] { "520200.agri" } });
        var unassigned = await s.InStateAsync(S.Filed, "尚未交办的提案");

        var eduList = await ListAsync(s, c.Unit);
        Assert.Contains(edu, eduList);
        Assert.DoesNotContain(agri, eduList);
        Assert.DoesNotContain(unassigned, eduList);
        var assignedToEdu = await app.WithDbAsync(db => db.Assignments.Where(a => a.HandlingUnit!.Code == "520200.edu" && a.Status != Xieshang.Web.Features.Proposals.AssignmentStatus.Returned)
            .Select(a => a.ProposalId).Distinct().ToListAsync());
        Assert.All(eduList, id => Assert.Contains(id, assignedToEdu));
        Assert.Empty(await ListAsync(s, c.OtherUnit));
        foreach (var id in new[] { agri, unassigned }) Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(c.Unit, $"/api/proposals/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(c.OtherUnit, $"/api/proposals/{edu}"));
        // A unit filter or committee filter does not widen it.
        Assert.Empty(await ListAsync(s, c.OtherUnit, "&unit=520200.edu"));
        // Search and similar proposals stay within the assignments too.
        Assert.All(await ListAsync(s, c.Unit, "&q=" + Uri.EscapeDataString("提案")), id => Assert.Contains(id, assignedToEdu));
        Assert.Empty(await ListAsync(s, c.OtherUnit, "&q=" + Uri.EscapeDataString("教育")));
        var similar = await (await s.As(c.Unit)).GetFromJsonAsync<JsonElement>("/api/proposals/similar?top=50&text=" + Uri.EscapeDataString("关于农业的提案 教育 推进城乡义务教育优质均衡发展"));
        Assert.All(similar.EnumerateArray(), x => Assert.Contains(x.GetProperty("id").GetInt32(), assignedToEdu));
        Assert.Empty((await (await s.As(c.OtherUnit)).GetFromJsonAsync<JsonElement>("/api/proposals/similar?top=50&text=" + Uri.EscapeDataString("关于教育的提案"))).EnumerateArray());

        // A reply file, not public: the replying unit and the proposer get it; other units, anonymous and other members do not.
        await s.ActAsync("unit.520200.agri", agri, "contact", s.DataFor("contact"));
        var form = new MultipartFormDataContent
        {
            { new StringContent(JsonSerializer.Serialize(new { @class = "B", text = "<p>答复见附件。</p>", @public = false })), "data" },
        };
        var file = new ByteArrayContent("答复函正文"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "files", "答复函.txt");
        var res = await (await s.As("unit.520200.agri")).PostAsync($"/api/proposals/{agri}/actions/reply", form);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var fileId = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replies")[0].GetProperty("files")[0].GetProperty("id").GetInt32();
        var url = $"/api/proposals/{agri}/files/{fileId}";
        Assert.Equal(HttpStatusCode.OK, await s.GetStatusAsync("unit.520200.agri", url));
        Assert.Equal(HttpStatusCode.OK, await s.GetStatusAsync(c.Proposer, url));
        Assert.Equal(HttpStatusCode.OK, await s.GetStatusAsync(c.Office, url));
        foreach (var who in new[] { c.Unit, c.OtherUnit, c.Bystander, c.OtherStaff }) Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(who, url));
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync(url)).StatusCode);
        // The same file id under another proposal's URL is not served.
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(c.Unit, $"/api/proposals/{edu}/files/{fileId}"));
    }

    [Fact]
    public async Task Districts_never_see_each_others_unfiled_proposals()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var zhongshan = await s.SubmittedAsync("关于钟山区老旧小区改造的建议", "member.520201");
        var shuicheng = await s.SubmittedAsync("关于水城区农村供水的建议", "member.520204");
        var draft = await s.CreateAsync("member.520204", "水城区委员的草稿");

        Assert.Contains(zhongshan, await ListAsync(s, "staff.520201"));
        Assert.DoesNotContain(shuicheng, await ListAsync(s, "staff.520201"));
        Assert.Contains(shuicheng, await ListAsync(s, "staff.520204"));
        Assert.DoesNotContain(zhongshan, await ListAsync(s, "staff.520204"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync("staff.520204", $"/api/proposals/{zhongshan}"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync("staff.520201", $"/api/proposals/{shuicheng}"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync("leader.520201", $"/api/proposals/{shuicheng}"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync("member.520201", $"/api/proposals/{shuicheng}"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync("member.520204", $"/api/proposals/{zhongshan}"));
        Assert.DoesNotContain(shuicheng, await ListAsync(s, "member.520201"));
        // The other district's staff cannot act on it either, nor list it by naming the committee.
        Assert.Equal(HttpStatusCode.NotFound, (await s.TryAsync("staff.520201", shuicheng, "file")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await s.As("staff.520201")).GetAsync("/api/proposals?committee=520204")).StatusCode);
        // The city office (above both) sees both once submitted, but no district's draft.
        var city = await ListAsync(s, "staff.520200");
        Assert.Contains(zhongshan, city);
        Assert.Contains(shuicheng, city);
        Assert.DoesNotContain(draft, city);
        Assert.DoesNotContain(draft, await ListAsync(s, "staff.520204"));

        // Filed: members of 水城区 see it, members of 钟山区 still do not.
        await s.ActAsync("staff.520204", shuicheng, "file");
        Assert.Equal(HttpStatusCode.OK, await s.GetStatusAsync("member.520204", $"/api/proposals/{shuicheng}"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync("member.520201", $"/api/proposals/{shuicheng}"));
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync("staff.520201", $"/api/proposals/{shuicheng}"));
    }

    [Fact]
    public async Task Members_see_filed_proposals_of_their_committee_but_not_others_non_public_replies_nor_contact_data()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var c = s.Cast;
        var submitted = await s.InStateAsync(S.UnderReview, "审查中的提案");
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(c.Bystander, $"/api/proposals/{submitted}"));
        var id = await s.InStateAsync(S.Handling, "关于非公开答复的提案");
        await s.ActAsync(c.Unit, id, "reply", new { @class = "C", text = "<p>内部答复：涉及预算安排。</p>", @public = false });

        await s.ActAsync(c.Supervisor, id, "supervise", new { text = "督办要求：下月底前落实资金。" });
        await s.ActAsync(c.Proposer, id, "rate", new { satisfaction = "dissatisfied", comment = "评价意见：没有落实。" });
        var bystander = await s.DetailAsync(c.Bystander, id);
        Assert.DoesNotContain("评价意见", AllText(bystander)); // the rating is the proposer's and the unit's business
        Assert.DoesNotContain("督办要求", AllText(bystander)); // supervision records are for the office and the units
        Assert.Empty(bystander.GetProperty("supervisions").EnumerateArray());
        Assert.Equal("rehandling", bystander.GetProperty("status").GetString());
        Assert.Empty(bystander.GetProperty("replies").EnumerateArray());
        Assert.Empty(bystander.GetProperty("ratings").EnumerateArray());
        Assert.Empty(bystander.GetProperty("contacts").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, bystander.GetProperty("contact").ValueKind);
        Assert.DoesNotContain("内部答复", AllText(bystander));
        Assert.Contains(id, await ListAsync(s, c.Bystander));
        var proposer = await s.DetailAsync(c.Proposer, id);
        Assert.Contains("内部答复", proposer.GetProperty("replies")[0].GetProperty("text").GetString());
        var coSigner = await s.DetailAsync(c.CoSigner, id);
        Assert.Single(coSigner.GetProperty("replies").EnumerateArray());
        Assert.Contains("评价意见", AllText(coSigner));

        // A member who declined to co-sign is no co-proposer: the filed proposal as any member sees it, no more.
        var declined = await s.CreateAsync(title: "关于拒绝联名后可见范围的提案");
        await s.ActAsync(c.Proposer, declined, "submit");
        await s.ActAsync(c.CoSigner, declined, "sign");
        await s.ActAsync(c.CoSigner2, declined, "decline");
        await s.ActAsync(c.Office, declined, "file");
        await s.ActAsync(c.Office, declined, "assign", new { mode = "single", units = new[] { "520200.edu" } });
        await s.ActAsync(c.Unit, declined, "contact", s.DataFor("contact"));
        await s.ActAsync(c.Unit, declined, "reply", new { @class = "C", text = "<p>不公开的答复内容。</p>", @public = false });
        var decliner = await s.DetailAsync(c.CoSigner2, declined);
        Assert.Empty(decliner.GetProperty("replies").EnumerateArray());
        Assert.DoesNotContain("不公开的答复内容", AllText(decliner));
        Assert.Single((await s.DetailAsync(c.CoSigner, declined)).GetProperty("replies").EnumerateArray());

        // Units see co-signers' names, never their contact data.
        var phones = await app.WithDbAsync(db => db.Members.Where(m => m.Id == c.CoSignerMemberId || m.Id == c.CoSigner2MemberId)
            .Select(m => new { m.Name, m.Phone, m.Email }).ToListAsync());
        foreach (var viewer in new[] { c.Unit, c.CoUnit })
        {
            var d = await s.DetailAsync(viewer, id);
            var names = d.GetProperty("coSigners").EnumerateArray().Select(x => x.GetProperty("name").GetString()).ToList();
            foreach (var m in phones)
            {
                Assert.Contains(m.Name, names);
                if (m.Phone.Length > 0) Assert.DoesNotContain(m.Phone, AllText(d));
                if (m.Email.Length > 0) Assert.DoesNotContain(m.Email, AllText(d));
            }
            Assert.All(d.GetProperty("coSigners").EnumerateArray(), x =>
                Assert.Equal(["answeredAt", "fromMerge", "memberId", "name", "status", "statusName"], x.EnumerateObject().Select(p => p.Name).Order().ToArray()));
        }
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_withdrawn_drafts_stay_with_the_proposer()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var c = s.Cast;
        var id = await s.InStateAsync(S.Filed, "公开立案的提案");
        var anon = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/api/proposals")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync($"/api/proposals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/api/proposals/workflow")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/proposals", new { title = "匿名", body = "x", kind = "plenary" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync($"/api/proposals/{id}/actions/assign", s.DataFor("assign"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PutAsJsonAsync($"/api/proposals/{id}", new { title = "匿名" })).StatusCode);
        Assert.Equal(S.Filed, (await s.StateAsync(id)).Status);

        // A draft withdrawn before submission, and one withdrawn while co-signing, never reach the office.
        var draft = await s.InStateAsync(S.Withdrawn, "撤回的草稿");
        var cosigning = await s.InStateAsync(S.CoSigning, "联名中撤回的提案");
        await s.ActAsync(c.Proposer, cosigning, "withdraw");
        var inReview = await s.InStateAsync(S.UnderReview, "审查中撤回的提案");
        await s.ActAsync(c.Proposer, inReview, "withdraw");
        foreach (var staff in new[] { c.Office, c.Leader })
        {
            Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(staff, $"/api/proposals/{draft}"));
            Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(staff, $"/api/proposals/{cosigning}"));
            Assert.Equal(HttpStatusCode.OK, await s.GetStatusAsync(staff, $"/api/proposals/{inReview}"));
            var list = await ListAsync(s, staff, "&status=withdrawn");
            Assert.DoesNotContain(draft, list);
            Assert.DoesNotContain(cosigning, list);
            Assert.Contains(inReview, list);
        }
        Assert.Equal(HttpStatusCode.NotFound, await s.GetStatusAsync(c.CoSigner, $"/api/proposals/{draft}"));
        Assert.Equal(HttpStatusCode.OK, await s.GetStatusAsync(c.CoSigner, $"/api/proposals/{cosigning}"));
        Assert.Equal(HttpStatusCode.OK, await s.GetStatusAsync(c.Proposer, $"/api/proposals/{draft}"));
    }

    [Fact]
    public async Task Notices_about_a_proposal_go_only_to_its_proposers_units_office_and_supervising_leader()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var c = s.Cast;
        var id = await s.InStateAsync(S.Assigned, "关于通知范围的提案");
        await s.ActAsync(c.CoUnit, id, "send-views", s.DataFor("send-views"));
        await s.ActAsync(c.Unit, id, "contact", s.DataFor("contact"));
        await s.ActAsync(c.Unit, id, "reply", s.DataFor("reply"));
        await s.ActAsync(c.Proposer, id, "rate", new { satisfaction = "dissatisfied", comment = "不满意。" });
        await s.ActAsync(c.Office, id, "extend", new { dueOn = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(4) });
        await s.ActAsync(c.Unit, id, "contact", s.DataFor("contact"));
        await s.ActAsync(c.Unit, id, "reply", s.DataFor("reply"));
        await s.ActAsync(c.Proposer, id, "rate", s.DataFor("rate"));
        await s.ActAsync(c.Office, id, "mark-excellent", new { });
        await s.ActAsync(c.Office, id, "close");

        var allowedMembers = new HashSet<int> { c.ProposerMemberId, c.CoSignerMemberId, c.CoSigner2MemberId };
        var allowedUsers = (await app.WithDbAsync(db => db.Users.Where(u =>
                u.UserName == c.Unit || u.UserName == c.CoUnit || u.UserName == c.Supervisor
                || (u.CommitteeId == db.Committees.Where(x => x.Code == "520200").Select(x => x.Id).First()
                    && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Staff))))
            .Select(u => u.Id).ToListAsync())).ToHashSet();
        var notices = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.Link == $"/proposals/{id}").ToListAsync());
        Assert.NotEmpty(notices);
        Assert.All(notices, n => Assert.True(
            (n.MemberId is { } m && allowedMembers.Contains(m)) || (n.UserId is { } u && allowedUsers.Contains(u)),
            $"notice {n.Kind} to member {n.MemberId} / user {n.UserId}"));
        foreach (var kind in new[] { "proposal.assigned", "proposal.views", "proposal.replied", "proposal.rehandle", "proposal.closed", "proposal.excellent" })
            Assert.Contains(notices, n => n.Kind == kind);
        var transport = await ProposalScenario.UserIdOfAsync(app, c.OtherUnit);
        var otherStaff = await ProposalScenario.UserIdOfAsync(app, c.OtherStaff);
        Assert.DoesNotContain(notices, n => n.UserId == transport || n.UserId == otherStaff || n.MemberId == c.BystanderMemberId);
    }
}

public sealed class ProposalScopeSqliteTests(SqliteAppFactory app) : ProposalScopeTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalScopePostgresTests(PostgresAppFactory app) : ProposalScopeTests(app), IClassFixture<PostgresAppFactory>;
