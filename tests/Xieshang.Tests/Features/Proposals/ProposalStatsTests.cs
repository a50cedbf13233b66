using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// A small hand-built set of proposals for the statistics, documents and public-view tests, inserted as rows in one
/// year (each test its own year, so tests sharing a database do not count each other's rows). City 六盘水 (520200):
/// <list type="bullet">
/// <item>P1 draft, P2 co-signing, P3 withdrawn from draft — not received;</item>
/// <item>P4 withdrawn after submission, P5 submitted, P6 not filed, P7 merged — received, not filed;</item>
/// <item>P8 filed, not yet assigned;</item>
/// <item>P9 rated: U1 single, reply A on time (public), rated satisfied;</item>
/// <item>P10 replied: U1 and U2 separately; U1 reply B late (rated basically satisfied), U2 reply C on time (not public, unrated);</item>
/// <item>P11 handling: U2 lead (overdue, no reply), U1 co-unit;</item>
/// <item>P12 re-handling: U1 single, reply C on time rated dissatisfied, in hand again (round 2).</item>
/// </list>
/// District 钟山区 (520201): P13 closed (D1 single, reply A on time, public, satisfied), P14 submitted.
/// </summary>
public sealed record StatsData(int Year, TestUnit U1, TestUnit U2, TestUnit D1, IReadOnlyDictionary<string, int> Ids)
{
    /// <summary>Title of proposal <paramref name="key"/> (P1…P14) in year <paramref name="year"/>.</summary>
    public static string TitleOf(string key, int year) => key switch
    {
        "P9" => $"关于加强城市地下综合管廊建设的建议（{year}）",
        "P10" => $"关于发展乡村光伏发电产业的建议（{year}）",
        _ => $"关于{key}号测试事项的建议（{year}）",
    };

    /// <summary>Text of P10's non-public reply by U2 (a word only there: 无人机).</summary>
    public const string SecretReply = "<p>拟在全市推广无人机巡检，相关经费尚在协调。</p>";
    /// <summary>Text of P9's public reply by U1.</summary>
    public const string PublicReplyText = "<p>我局已将综合管廊建设纳入年度计划，首批示范段年内开工。</p>";
    /// <summary>An internal timeline comment on P9 that must never be shown publicly.</summary>
    public const string InternalComment = "内部审查意见：此件需与住建部门会商";

    public static async Task<StatsData> SeedAsync(AppFactory app, int year)
    {
        var u1 = await TestProposals.UnitAsync(app, "520200");
        var u2 = await TestProposals.UnitAsync(app, "520200");
        var d1 = await TestProposals.UnitAsync(app, "520201");
        var ids = await app.WithDbAsync(async db =>
        {
            var city = await db.Committees.AsNoTracking().FirstAsync(c => c.Code == "520200");
            var district = await db.Committees.AsNoTracking().FirstAsync(c => c.Code == "520201");
            var cityMembers = await db.Members.AsNoTracking().Where(m => m.CommitteeId == city.Id && m.IsActive).OrderBy(m => m.Id).Take(3).ToListAsync();
            var districtMember = await db.Members.AsNoTracking().Where(m => m.CommitteeId == district.Id && m.IsActive).OrderBy(m => m.Id).FirstAsync();
            var term = 40 + year % 50;
            var seq = 0;
            var at = new DateTimeOffset(year, 3, 10, 2, 0, 0, TimeSpan.Zero);
            var result = new Dictionary<string, int>();

            Proposal Add(string key, ProposalStatus status, bool inDistrict = false, int proposer = 0)
            {
                var c = inDistrict ? district : city;
                var m = inDistrict ? districtMember : cityMembers[proposer];
                var filed = ProposalWorkflow.IsFiled(status);
                var body = $"<p>{key}现状：问题较多。</p><p>{key}建议：一是加强统筹；二是加大投入。</p>";
                var title = TitleOf(key, year);
                var p = new Proposal
                {
                    CommitteeId = c.Id, CommitteePath = c.Path, Status = status, Kind = ProposalKind.Plenary, ProposerType = ProposerType.Member,
                    ProposerMemberId = m.Id, ProposerName = m.Name, SectorId = m.SectorId, Title = title, Body = body,
                    Term = term, Session = 1, Year = year, CreatedAt = at, UpdatedAt = at,
                    SubmittedAt = status is ProposalStatus.Draft or ProposalStatus.CoSigning ? null : at, FiledAt = filed ? at.AddDays(3) : null,
                    Sequence = filed ? ++seq : null, Number = filed ? ProposalRules.FormatNumber(term, 1, seq) : "",
                    SearchText = ProposalSearch.BuildSearchText(title, body, []),
                };
                db.Proposals.Add(p);
                return p;
            }

            var all = new Dictionary<string, Proposal>
            {
                ["P1"] = Add("P1", ProposalStatus.Draft), ["P2"] = Add("P2", ProposalStatus.CoSigning), ["P3"] = Add("P3", ProposalStatus.Withdrawn),
                ["P4"] = Add("P4", ProposalStatus.Withdrawn), ["P5"] = Add("P5", ProposalStatus.Submitted), ["P6"] = Add("P6", ProposalStatus.NotFiled),
                ["P7"] = Add("P7", ProposalStatus.Merged), ["P8"] = Add("P8", ProposalStatus.Filed), ["P9"] = Add("P9", ProposalStatus.Rated, proposer: 1),
                ["P10"] = Add("P10", ProposalStatus.Replied, proposer: 2), ["P11"] = Add("P11", ProposalStatus.Handling), ["P12"] = Add("P12", ProposalStatus.Rehandling),
                ["P13"] = Add("P13", ProposalStatus.Closed, inDistrict: true), ["P14"] = Add("P14", ProposalStatus.Submitted, inDistrict: true),
            };
            await db.SaveChangesAsync();
            foreach (var (k, p) in all) result[k] = p.Id;

            db.ProposalEvents.Add(new ProposalEvent { ProposalId = all["P3"].Id, Action = "withdraw", FromStatus = ProposalStatus.Draft, ToStatus = ProposalStatus.Withdrawn, At = at });
            db.ProposalEvents.Add(new ProposalEvent { ProposalId = all["P4"].Id, Action = "submit", FromStatus = ProposalStatus.Draft, ToStatus = ProposalStatus.Submitted, At = at });
            db.ProposalEvents.Add(new ProposalEvent { ProposalId = all["P4"].Id, Action = "withdraw", FromStatus = ProposalStatus.Submitted, ToStatus = ProposalStatus.Withdrawn, At = at });
            db.ProposalEvents.Add(new ProposalEvent { ProposalId = all["P9"].Id, Action = "review", FromStatus = ProposalStatus.Submitted, ToStatus = ProposalStatus.UnderReview, At = at, Comment = InternalComment });
            // A signed co-signer on P9 (shown by name in the compilation, never with a status in public).
            db.ProposalCoSigners.Add(new ProposalCoSigner { ProposalId = all["P9"].Id, MemberId = cityMembers[2].Id, Status = CoSignStatus.Signed, AnsweredAt = at });

            var due = new DateOnly(year, 7, 1);
            Assignment Assign(string key, TestUnit u, AssignmentRole role, AssignmentStatus status, DateOnly dueOn, int round = 1)
            {
                var a = new Assignment
                {
                    ProposalId = all[key].Id, HandlingUnitId = u.Id, Role = role, Status = status, Round = round, AssignedAt = at.AddDays(5),
                    ReturnDueOn = new DateOnly(year, 3, 31), DueOn = dueOn, LatestDueOn = dueOn.AddMonths(3),
                };
                db.Assignments.Add(a);
                return a;
            }
            var a9 = Assign("P9", u1, AssignmentRole.Single, AssignmentStatus.Done, due);
            var a10a = Assign("P10", u1, AssignmentRole.Separate, AssignmentStatus.Done, due);
            var a10b = Assign("P10", u2, AssignmentRole.Separate, AssignmentStatus.Done, due);
            Assign("P11", u2, AssignmentRole.Lead, AssignmentStatus.Active, new DateOnly(2001, 1, 1)); // long overdue
            Assign("P11", u1, AssignmentRole.CoUnit, AssignmentStatus.Active, new DateOnly(2001, 1, 1));
            var a12 = Assign("P12", u1, AssignmentRole.Single, AssignmentStatus.Active, new DateOnly(2099, 1, 1), round: 2);
            var a13 = Assign("P13", d1, AssignmentRole.Single, AssignmentStatus.Done, due);
            // A returned assignment never counts.
            Assign("P8", u2, AssignmentRole.Single, AssignmentStatus.Returned, due);
            await db.SaveChangesAsync();

            Reply Answer(Assignment a, TestUnit u, ReplyClass cls, bool onTime, bool isPublic, string text)
            {
                var r = new Reply
                {
                    ProposalId = a.ProposalId, AssignmentId = a.Id, HandlingUnitId = u.Id, Class = cls, Text = text, IsPublic = isPublic,
                    Round = 1, RepliedAt = at.AddDays(60), OnTime = onTime,
                };
                db.Replies.Add(r);
                return r;
            }
            var r9 = Answer(a9, u1, ReplyClass.A, true, true, PublicReplyText);
            var r10a = Answer(a10a, u1, ReplyClass.B, false, true, "<p>光伏产业扶持政策正在研究制定。</p>");
            Answer(a10b, u2, ReplyClass.C, true, false, SecretReply);
            var r12 = Answer(a12, u1, ReplyClass.C, true, false, "<p>因财力所限，留作参考。</p>");
            var r13 = Answer(a13, d1, ReplyClass.A, true, true, "<p>区里已完成整改。</p>");
            await db.SaveChangesAsync();

            void Rate(Reply r, TestUnit u, Satisfaction s) => db.Ratings.Add(new Rating
            {
                ProposalId = r.ProposalId, ReplyId = r.Id, HandlingUnitId = u.Id, Satisfaction = s, Comment = s == Satisfaction.Dissatisfied ? "未解决" : "", RatedAt = at.AddDays(70),
            });
            Rate(r9, u1, Satisfaction.Satisfied);
            Rate(r10a, u1, Satisfaction.BasicallySatisfied);
            Rate(r12, u1, Satisfaction.Dissatisfied);
            Rate(r13, d1, Satisfaction.Satisfied);
            // Search text with the replies, as the rules keep it.
            foreach (var key in new[] { "P9", "P10", "P12", "P13" })
            {
                var p = all[key];
                var texts = await db.Replies.Where(r => r.ProposalId == p.Id).Select(r => r.Text).ToListAsync();
                p.SearchText = ProposalSearch.BuildSearchText(p.Title, p.Body, texts);
            }
            await db.SaveChangesAsync();
            return result;
        });
        return new StatsData(year, u1, u2, d1, ids);
    }
}

/// <summary><c>GET /api/proposals/stats</c> and its .xlsx: numbers on a hand-built set, scope for districts and units, refusals.</summary>
public abstract class ProposalStatsTests(AppFactory app)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<ProposalStatsResult> StatsAsync(string user, string query)
    {
        var res = await (await app.ClientAsAsync(user)).GetAsync("/api/proposals/stats?" + query);
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{user} {query}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return (await res.Content.ReadFromJsonAsync<ProposalStatsResult>(Json))!;
    }

    [Fact]
    public async Task City_staff_get_the_right_numbers_in_total_by_committee_by_unit_and_by_sector()
    {
        var d = await StatsData.SeedAsync(app, 2011);
        var s = await StatsAsync("staff.520200", "committee=520200&year=2011");
        var t = s.Totals;
        Assert.Equal("520200", s.Committee.Code);
        Assert.Equal(2011, s.Year);
        Assert.False(s.UnitOnly);
        Assert.Equal(11, t.Received);            // P4–P14 (not the draft, the co-signing one, nor the one withdrawn from draft)
        Assert.Equal(2, t.PendingReview);        // P5, P14
        Assert.Equal(6, t.Filed);                // P8–P13
        Assert.Equal(1, t.NotFiled);
        Assert.Equal(1, t.Merged);
        Assert.Equal(1, t.Withdrawn);
        Assert.Equal(0.545455, t.FilingRate);      // 6 / 11
        Assert.Equal(5, t.Assigned);             // P9–P13 (P8's only assignment was returned)
        Assert.Equal(4, t.Replied);              // P9, P10, P12, P13
        Assert.Equal(3, t.RepliedOnTime);        // P10 had a late reply
        Assert.Equal(0.75, t.OnTimeRate);
        Assert.Equal(1, t.Overdue);              // P11
        Assert.Equal((2, 1, 2), (t.ClassA, t.ClassB, t.ClassC));
        Assert.Equal((0.4, 0.2, 0.4), (t.ClassAShare!.Value, t.ClassBShare!.Value, t.ClassCShare!.Value));
        Assert.Equal((2, 1, 1), (t.Satisfied, t.BasicallySatisfied, t.Dissatisfied));
        Assert.Equal(0.75, t.SatisfactionRate);

        // By committee: the city's own row first, then each district with its subtree; the rows add up to the totals.
        Assert.Equal("520200", s.ByCommittee[0].Code);
        Assert.False(s.ByCommittee[0].IncludesBelow);
        Assert.Equal(9, s.ByCommittee[0].Measures.Received);
        var zhongshan = s.ByCommittee.Single(r => r.Code == "520201");
        Assert.True(zhongshan.IncludesBelow);
        Assert.Equal((2, 1, 1, 1), (zhongshan.Measures.Received, zhongshan.Measures.Filed, zhongshan.Measures.Replied, zhongshan.Measures.RepliedOnTime));
        Assert.Contains(s.ByCommittee, r => r.Code == "520204" && r.Measures.Received == 0);
        Assert.Equal(t.Received, s.ByCommittee.Sum(r => r.Measures.Received));
        Assert.Equal(t.Filed, s.ByCommittee.Sum(r => r.Measures.Filed));

        // By unit: per assignment.
        var u1 = s.ByUnit.Single(u => u.Code == d.U1.Code);
        Assert.Equal((3, 1, 3, 2, 0), (u1.Assigned, u1.CoUnit, u1.Replied, u1.RepliedOnTime, u1.Overdue));
        Assert.Equal((1, 1, 1), (u1.ClassA, u1.ClassB, u1.ClassC));
        Assert.Equal((1, 1, 1), (u1.Satisfied, u1.BasicallySatisfied, u1.Dissatisfied));
        Assert.Equal(0.666667, u1.SatisfactionRate);
        var u2 = s.ByUnit.Single(u => u.Code == d.U2.Code);
        Assert.Equal((2, 0, 1, 1, 1), (u2.Assigned, u2.CoUnit, u2.Replied, u2.RepliedOnTime, u2.Overdue));
        Assert.Equal((0, 0, 1), (u2.ClassA, u2.ClassB, u2.ClassC));
        Assert.Null(u2.SatisfactionRate);
        Assert.Contains(s.ByUnit, u => u.Code == d.D1.Code && u.Replied == 1);

        // By sector: every received proposal sits in exactly one sector row.
        Assert.NotEmpty(s.BySector);
        Assert.Equal(t.Received, s.BySector.Sum(r => r.Measures.Received));
        Assert.Equal(t.Filed, s.BySector.Sum(r => r.Measures.Filed));

        // The same numbers by term and session (the set's term), and another year is empty.
        var byTerm = await StatsAsync("staff.520200", $"committee=520200&term={40 + 2011 % 50}&session=1");
        Assert.Equal(t, byTerm.Totals);
        Assert.Equal(0, (await StatsAsync("staff.520200", "committee=520200&year=2010")).Totals.Received);
    }

    [Fact]
    public async Task A_district_sees_only_its_own_numbers_and_a_unit_only_its_assignments_and_its_own_replies()
    {
        var d = await StatsData.SeedAsync(app, 2012);
        var district = await StatsAsync("staff.520201", "year=2012");
        Assert.Equal("520201", district.Committee.Code);
        Assert.Equal((2, 1, 1), (district.Totals.Received, district.Totals.Filed, district.Totals.Replied));
        Assert.Equal([d.D1.Code], district.ByUnit.Select(u => u.Code));
        Assert.Equal(0, (await StatsAsync("staff.520204", "year=2012")).Totals.Received);
        // A leader reads like staff.
        Assert.Equal(11, (await StatsAsync("leader.520200", "committee=520200&year=2012")).Totals.Received);

        // Unit U1: the four proposals assigned to it; only its own replies and ratings (not U2's class C on P10).
        var unit = await StatsAsync(d.U1.UserName, "year=2012");
        Assert.True(unit.UnitOnly);
        Assert.Equal("520200", unit.Committee.Code);
        var t = unit.Totals;
        Assert.Equal((4, 4, 3, 3, 2), (t.Received, t.Filed, t.Assigned, t.Replied, t.RepliedOnTime));
        Assert.Equal((1, 1, 1), (t.ClassA, t.ClassB, t.ClassC));
        Assert.Equal((1, 1, 1), (t.Satisfied, t.BasicallySatisfied, t.Dissatisfied));
        Assert.Equal([d.U1.Code], unit.ByUnit.Select(u => u.Code));
        Assert.Equal(4, unit.ByCommittee.Sum(r => r.Measures.Received));
        // Unit U2 sees P10 and P11 only, and on P10 its own class C.
        var u2 = await StatsAsync(d.U2.UserName, "year=2012");
        Assert.Equal((2, 2, 1, 0, 0, 1), (u2.Totals.Received, u2.Totals.Assigned, u2.Totals.Replied, u2.Totals.ClassA, u2.Totals.ClassB, u2.Totals.ClassC));
        Assert.Equal(1, u2.Totals.Overdue);
    }

    [Fact]
    public async Task Wrong_role_wrong_committee_and_bad_input_are_refused_with_a_chinese_message()
    {
        await StatsData.SeedAsync(app, 2013);
        async Task Refused(string user, string query, HttpStatusCode status, string words)
        {
            foreach (var path in new[] { "/api/proposals/stats?", "/api/proposals/stats.xlsx?" })
            {
                var res = await (await app.ClientAsAsync(user)).GetAsync(path + query);
                Assert.True(res.StatusCode == status, $"{user} {path}{query}: {(int)res.StatusCode}");
                Assert.Contains(words, (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            }
        }
        await Refused("member.520200", "year=2013", HttpStatusCode.Forbidden, "只有政协机关");
        await Refused("staff.520201", "committee=520200&year=2013", HttpStatusCode.Forbidden, "无权查看");
        await Refused("staff.520201", "committee=520204&year=2013", HttpStatusCode.Forbidden, "无权查看");
        await Refused("leader.520201", "committee=520200&year=2013", HttpStatusCode.Forbidden, "无权查看");
        var unit = await TestProposals.UnitAsync(app, "520200");
        await Refused(unit.UserName, "committee=520201&year=2013", HttpStatusCode.Forbidden, "承办单位只能");
        await Refused("staff.520200", "committee=999999&year=2013", HttpStatusCode.NotFound, "未找到政协组织");
        await Refused("staff.520200", "year=abc", HttpStatusCode.BadRequest, "年份");
        await Refused("staff.520200", "year=1990", HttpStatusCode.BadRequest, "年份");
        await Refused("staff.520200", "session=2", HttpStatusCode.BadRequest, "届次");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/proposals/stats?year=2013")).StatusCode);
    }

    [Fact]
    public async Task The_xlsx_holds_the_same_numbers_on_four_sheets()
    {
        var d = await StatsData.SeedAsync(app, 2014);
        var res = await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/proposals/stats.xlsx?committee=520200&year=2014");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(ProposalExport.XlsxContentType, res.Content.Headers.ContentType?.MediaType);
        Assert.Contains("2014", res.Content.Headers.ContentDisposition?.FileNameStar ?? res.Content.Headers.ContentDisposition?.FileName);
        using var stream = new MemoryStream(await res.Content.ReadAsByteArrayAsync());
        Assert.Equal(ProposalExport.Sheets, MiniExcel.GetSheetNames(stream));
        var totals = MiniExcel.Query(stream, useHeaderRow: true, sheetName: "总体").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(11d, Convert.ToDouble(totals.Single(r => (string)r["指标"] == "收到提案（件）")["数值"]));
        Assert.Equal(75d, Convert.ToDouble(totals.Single(r => (string)r["指标"] == "满意率（%）")["数值"]));
        var units = MiniExcel.Query(stream, useHeaderRow: true, sheetName: "按承办单位").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(3d, Convert.ToDouble(units.Single(r => (string)r["单位代码"] == d.U1.Code)["交办"]));
        // A unit's workbook has its own row only.
        var own = await (await app.ClientAsAsync(d.U2.UserName)).GetByteArrayAsync("/api/proposals/stats.xlsx?year=2014");
        using var ownStream = new MemoryStream(own);
        var ownUnits = MiniExcel.Query(ownStream, useHeaderRow: true, sheetName: "按承办单位").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal([d.U2.Code], ownUnits.Select(r => (string)r["单位代码"]));
    }
}

public sealed class ProposalStatsSqliteTests(SqliteAppFactory app) : ProposalStatsTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalStatsPostgresTests(PostgresAppFactory app) : ProposalStatsTests(app), IClassFixture<PostgresAppFactory>;
