using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Balance;

/// <summary>
/// The balance dashboard (<c>GET /api/committees/{code}/duty/summary</c>, its .xlsx and the /balance page) on a known
/// year (2015) of the demo city 六盘水 (520200) and its districts: exact numbers, scope refusals, page and workbook.
/// </summary>
public abstract class BalanceTests(AppFactory app)
{
    private const int Year = 2015;
    private static readonly SemaphoreSlim Seeding = new(1, 1);

    private static DateTimeOffset Cst(int y, int mo, int d, int h = 9, int mi = 0) => new DateTimeOffset(y, mo, d, h, mi, 0, TimeSpan.FromHours(8)).ToUniversalTime();

    /// <summary>The year's data, created once per app (tests of a class share it), and the members it uses.</summary>
    private sealed record Data(int[] City, int[] Zhongshan, int[] Shuicheng, int Inactive, Dictionary<int, int> SectorOf, List<(int Member, AttendanceRole? Role)> CityAttendance);

    private static readonly Dictionary<AppFactory, Data> Seeded = [];

    private async Task<Data> SeedAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (Seeded.TryGetValue(app, out var done)) return done;
            async Task<int[]> Active(string code, int take) => await app.WithDbAsync(db =>
                db.Members.Where(m => m.Committee!.Code == code && m.IsActive).OrderBy(m => m.Id).Select(m => m.Id).Take(take).ToArrayAsync());
            var m = await Active("520200", 7);
            var z = await Active("520201", 3);
            var w = await Active("520204", 1);
            var inactive = m[6];

            async Task<int> Act(ActivityType type, DateTimeOffset at, string[] organizers, int[] invitees, (int Member, AttendanceRole? Role)[] attendance,
                ActivityStatus status = ActivityStatus.Published)
            {
                var (id, _) = await TestActivities.CreateAsync(app, type, at, organizers: organizers, memberIds: invitees, status: status, title: "均衡测试");
                foreach (var (member, role) in attendance)
                    await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id && i.MemberId == member)
                        .ExecuteUpdateAsync(s => s.SetProperty(i => i.Attendance, role)));
                return id;
            }
            string[] city = ["520200"], zs = ["520201"], sc = ["520204"];
            var P = AttendanceRole.Present; var S = AttendanceRole.Speaker; var NV = AttendanceRole.NonVoting; var AU = AttendanceRole.Author;
            var EX = AttendanceRole.Excused; var AB = AttendanceRole.Absent;

            // Counted (live, started in 2015 China time).
            (int, AttendanceRole?)[] a1 = [(m[0], P), (m[1], S), (m[2], AB), (m[3], EX), (m[4], null)];
            await Act(ActivityType.Plenary, Cst(Year, 3, 1), city, [m[0], m[1], m[2], m[3], m[4]], a1);
            await Act(ActivityType.Consultation, Cst(Year, 6, 10), ["520200", "520201"], [m[0], m[5], z[0], z[1]], [(m[0], NV), (m[5], null), (z[0], AU), (z[1], AB)]);
            await Act(ActivityType.Research, Cst(Year, 6, 30, 23, 30), zs, [z[0], z[1], z[2]], [(z[0], P), (z[1], P), (z[2], AB)]); // June in China, June in UTC
            await Act(ActivityType.Research, Cst(Year, 7, 1, 0, 30), zs, [z[0]], [(z[0], EX)]);                                   // July in China, June in UTC
            await Act(ActivityType.Lecture, Cst(Year, 1, 1, 0, 10), zs, [z[0]], [(z[0], P)]);                                     // 2015 in China, 2014 in UTC
            await Act(ActivityType.Plenary, Cst(Year, 2, 20), zs, [z[1], z[2]], [(z[1], AB), (z[2], P)]);
            await Act(ActivityType.Plenary, Cst(Year, 2, 21), zs, [z[1]], [(z[1], AB)]);
            await Act(ActivityType.Training, Cst(Year, 12, 31, 23, 0), sc, [w[0]], [(w[0], P)]);
            await Act(ActivityType.Standing, Cst(Year, 9, 1), city, [m[3]], [(m[3], AB)]);
            await Act(ActivityType.Plenary, Cst(Year, 11, 1), city, [m[3], m[6]], [(m[3], AB), (m[6], AB)], ActivityStatus.Postponed);
            // Not counted: cancelled, draft, other years.
            await Act(ActivityType.Consultation, Cst(Year, 5, 5), zs, [z[0], z[1]], [(z[0], P), (z[1], P)], ActivityStatus.Cancelled);
            await Act(ActivityType.Plenary, Cst(Year, 4, 1), city, [m[4]], [(m[4], AB)], ActivityStatus.Cancelled);
            await Act(ActivityType.Standing, Cst(Year, 5, 6), city, [], [], ActivityStatus.Draft);
            await Act(ActivityType.Research, Cst(Year + 1, 1, 1, 0, 0), zs, [z[0]], [(z[0], P)]);                                 // 2016 in China, 2015 in UTC
            // Plenary sessions of the years before: 2014 is in the resignation window, 2013 is not.
            await Act(ActivityType.Plenary, Cst(Year - 1, 3, 1), city, [m[1], m[2], m[3], m[4], m[6]], [(m[1], EX), (m[2], AB), (m[3], AB), (m[4], AB), (m[6], AB)]);
            await Act(ActivityType.Plenary, Cst(Year - 2, 3, 1), city, [m[3]], [(m[3], AB)]);

            // Points: m0 70 (two records), m1 exactly 60 (not below), m2 59.99, m3 −20, z0 85.5, w0 10; a 2014 record and an inactive member's do not count.
            var source = 900_000;
            (int Member, decimal Points, int Year)[] records =
                [(m[0], 50, Year), (m[0], 20, Year), (m[1], 30.5m, Year), (m[1], 29.5m, Year), (m[2], 59.99m, Year), (m[3], -20, Year), (z[0], 85.5m, Year), (w[0], 10, Year), (m[0], 100, Year - 1), (inactive, 90, Year)];
            await app.WithDbAsync(async db =>
            {
                var members = await db.Members.Where(x => records.Select(r => r.Member).Contains(x.Id)).ToDictionaryAsync(x => x.Id);
                foreach (var (member, points, year) in records)
                {
                    var x = members[member];
                    db.DutyRecords.Add(new DutyRecord
                    {
                        MemberId = member, CommitteeId = x.CommitteeId, CommitteePath = x.CommitteePath, SectorId = x.SectorId, Year = year,
                        Category = DutyCategory.Other, RuleCode = "test", Points = points, Source = "balance-test", SourceId = source++, Title = "测试",
                        OccurredAt = Cst(year, 6, 1), RecordedAt = DateTimeOffset.UtcNow,
                    });
                }
                members[inactive].IsActive = false;
                return await db.SaveChangesAsync();
            });

            var sectors = await app.WithDbAsync(db => db.Members.Where(x => m.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.SectorId));
            List<(int, AttendanceRole?)> cityAttendance = [.. a1, (m[0], NV), (m[5], null), (m[3], AB), (m[3], AB), (m[6], AB)];
            return Seeded[app] = new Data(m, z, w, inactive, sectors, cityAttendance);
        }
        finally
        {
            Seeding.Release();
        }
    }

    private Task<int> ActiveAsync(string path, bool exact) => app.WithDbAsync(db =>
        db.Members.CountAsync(x => x.IsActive && (exact ? x.CommitteePath == path : x.CommitteePath.StartsWith(path))));

    private static Dictionary<string, int> Types(JsonElement e) => e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
    private static int[] Months(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
    private static Dictionary<string, int> Expect(params (string Code, int N)[] nonZero) =>
        ActivityTypes.All.ToDictionary(t => t.Code, t => nonZero.Where(x => x.Code == t.Code).Sum(x => x.N));
    private static int[] MonthsOf(params (int Month, int N)[] nonZero) => Enumerable.Range(1, 12).Select(mo => nonZero.Where(x => x.Month == mo).Sum(x => x.N)).ToArray();
    private static decimal? Avg(decimal sum, int members) => members == 0 ? null : Math.Round(sum / members, 2, MidpointRounding.AwayFromZero);

    [Fact]
    public async Task The_city_and_its_districts_side_by_side_with_exact_numbers()
    {
        var d = await SeedAsync();
        var s = await (await app.ClientAsAsync("staff.520200")).GetFromJsonAsync<JsonElement>($"/api/committees/520200/duty/summary?year={Year}");

        Assert.Equal("520200", s.GetProperty("committee").GetProperty("code").GetString());
        Assert.Equal("六盘水市政协", s.GetProperty("committee").GetProperty("name").GetString());
        Assert.Equal(Year, s.GetProperty("year").GetInt32());
        Assert.Equal(60m, s.GetProperty("rules").GetProperty("talkBelow").GetDecimal());
        Assert.Equal(2, s.GetProperty("rules").GetProperty("resignationAbsences").GetInt32());
        Assert.Equal([Year - 1, Year], s.GetProperty("rules").GetProperty("resignationYears").EnumerateArray().Select(x => x.GetInt32()));

        var rows = s.GetProperty("committees").EnumerateArray().ToList();
        Assert.Equal(["520200", "520201", "520203", "520204", "520281"], rows.Select(r => r.GetProperty("code").GetString()));
        Assert.False(rows[0].GetProperty("includesBelow").GetBoolean());
        Assert.All(rows.Skip(1), r => Assert.True(r.GetProperty("includesBelow").GetBoolean()));
        var row = rows.ToDictionary(r => r.GetProperty("code").GetString()!);

        // Activities: the joint consultation counts for the city and for 钟山区, once in the total; months in China time.
        Assert.Equal(4, row["520200"].GetProperty("activities").GetInt32());
        Assert.Equal(Expect(("plenary", 2), ("consultation", 1), ("standing", 1)), Types(row["520200"].GetProperty("activitiesByType")));
        Assert.Equal(MonthsOf((3, 1), (6, 1), (9, 1), (11, 1)), Months(row["520200"].GetProperty("activitiesByMonth")));
        Assert.Equal(6, row["520201"].GetProperty("activities").GetInt32());
        Assert.Equal(Expect(("consultation", 1), ("research", 2), ("lecture", 1), ("plenary", 2)), Types(row["520201"].GetProperty("activitiesByType")));
        Assert.Equal(MonthsOf((1, 1), (2, 2), (6, 2), (7, 1)), Months(row["520201"].GetProperty("activitiesByMonth")));
        Assert.Equal(1, row["520204"].GetProperty("activities").GetInt32());
        Assert.Equal(MonthsOf((12, 1)), Months(row["520204"].GetProperty("activitiesByMonth")));
        Assert.Equal(0, row["520203"].GetProperty("activities").GetInt32());
        var totals = s.GetProperty("totals");
        Assert.Equal(10, totals.GetProperty("activities").GetInt32());
        Assert.Equal(Expect(("plenary", 4), ("consultation", 1), ("standing", 1), ("research", 2), ("lecture", 1), ("training", 1)), Types(totals.GetProperty("activitiesByType")));
        Assert.Equal(MonthsOf((1, 1), (2, 2), (3, 1), (6, 2), (7, 1), (9, 1), (11, 1), (12, 1)), Months(totals.GetProperty("activitiesByMonth")));
        var byTypeAndMonth = totals.GetProperty("activitiesByTypeAndMonth");
        Assert.Equal(MonthsOf((2, 2), (3, 1), (11, 1)), Months(byTypeAndMonth.GetProperty("plenary")));
        Assert.Equal(MonthsOf((6, 1), (7, 1)), Months(byTypeAndMonth.GetProperty("research")));

        // Attendance: attended / confirmed; unconfirmed, cancelled and other years left out; the inactive member's absence counts.
        void Rate(JsonElement r, int attended, int confirmed)
        {
            Assert.Equal(attended, r.GetProperty("attended").GetInt32());
            Assert.Equal(confirmed, r.GetProperty("confirmed").GetInt32());
            Assert.Equal(Math.Round((double)attended / confirmed, 4), r.GetProperty("attendanceRate").GetDouble());
        }
        Rate(row["520200"], 3, 8);
        Rate(row["520201"], 5, 10);
        Rate(row["520204"], 1, 1);
        Assert.Equal(JsonValueKind.Null, row["520203"].GetProperty("attendanceRate").ValueKind);
        Rate(totals, 9, 19);

        // Members and points: active members only; no records = 0; exactly 60 is not below the talk threshold.
        var city = await ActiveAsync("/CN/520000/520200/", exact: true);
        var zhongshan = await ActiveAsync("/CN/520000/520200/520201/", exact: false);
        var shuicheng = await ActiveAsync("/CN/520000/520200/520204/", exact: false);
        var liuzhi = await ActiveAsync("/CN/520000/520200/520203/", exact: false);
        var all = await ActiveAsync("/CN/520000/520200/", exact: false);
        Assert.Equal(city, row["520200"].GetProperty("members").GetInt32());
        Assert.Equal(zhongshan, row["520201"].GetProperty("members").GetInt32());
        Assert.Equal(all, totals.GetProperty("members").GetInt32());
        Assert.Equal(Avg(169.99m, city), row["520200"].GetProperty("averagePoints").GetDecimal());
        Assert.Equal(Avg(85.5m, zhongshan), row["520201"].GetProperty("averagePoints").GetDecimal());
        Assert.Equal(Avg(10m, shuicheng), row["520204"].GetProperty("averagePoints").GetDecimal());
        Assert.Equal(0m, row["520203"].GetProperty("averagePoints").GetDecimal());
        Assert.Equal(Avg(265.49m, all), totals.GetProperty("averagePoints").GetDecimal());
        Assert.Equal(city - 2, row["520200"].GetProperty("talkCount").GetInt32());
        Assert.Equal(zhongshan - 1, row["520201"].GetProperty("talkCount").GetInt32());
        Assert.Equal(shuicheng, row["520204"].GetProperty("talkCount").GetInt32());
        Assert.Equal(liuzhi, row["520203"].GetProperty("talkCount").GetInt32());
        Assert.Equal(all - 3, totals.GetProperty("talkCount").GetInt32());

        // Talk list: lowest first, at most 200 named, the total counts all.
        var talk = s.GetProperty("talk");
        Assert.Equal(all - 3, talk.GetProperty("total").GetInt32());
        var named = talk.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(Math.Min(200, all - 3), named.Count);
        Assert.Equal(d.City[3], named[0].GetProperty("id").GetInt32());
        Assert.Equal(-20m, named[0].GetProperty("points").GetDecimal());
        Assert.Equal("520200", named[0].GetProperty("committeeCode").GetString());
        var points = named.Select(x => x.GetProperty("points").GetDecimal()).ToList();
        Assert.Equal(points.Order().ToList(), points);
        var ids = named.Select(x => x.GetProperty("id").GetInt32()).ToList();
        Assert.DoesNotContain(d.City[0], ids);
        Assert.DoesNotContain(d.City[1], ids);
        Assert.DoesNotContain(d.Zhongshan[0], ids);
        Assert.DoesNotContain(d.Inactive, ids);

        // Resignation: two unexcused plenary absences in 2014–2015; cancelled sessions, 2013, non-plenary and inactive members do not count.
        Assert.Equal(2, row["520200"].GetProperty("resignCount").GetInt32());
        Assert.Equal(1, row["520201"].GetProperty("resignCount").GetInt32());
        Assert.Equal(3, totals.GetProperty("resignCount").GetInt32());
        var resign = s.GetProperty("resign");
        Assert.Equal(3, resign.GetProperty("total").GetInt32());
        var candidates = resign.GetProperty("members").EnumerateArray().ToDictionary(x => x.GetProperty("id").GetInt32());
        Assert.Equal(new[] { d.City[2], d.City[3], d.Zhongshan[1] }.Order(), candidates.Keys.Order());
        Assert.All(candidates.Values, x => Assert.Equal(2, x.GetProperty("absences").GetInt32()));
        Assert.Equal("520201", candidates[d.Zhongshan[1]].GetProperty("committeeCode").GetString());
        Assert.Equal("钟山区政协", candidates[d.Zhongshan[1]].GetProperty("committeeName").GetString());

        // Sectors of the city itself: its own members, their invitations and points.
        var sectors = s.GetProperty("sectors").EnumerateArray().ToList();
        Assert.Equal(city, sectors.Sum(x => x.GetProperty("members").GetInt32()));
        Assert.Equal(8, sectors.Sum(x => x.GetProperty("confirmed").GetInt32()));
        Assert.Equal(3, sectors.Sum(x => x.GetProperty("attended").GetInt32()));
        Assert.Equal(city - 2, sectors.Sum(x => x.GetProperty("talkCount").GetInt32()));
        Assert.Equal(2, sectors.Sum(x => x.GetProperty("resignCount").GetInt32()));
        var bySector = sectors.ToDictionary(x => x.GetProperty("id").GetInt32());
        foreach (var g in d.CityAttendance.Where(x => x.Role is not null).GroupBy(x => d.SectorOf[x.Member]))
        {
            var attended = g.Count(x => x.Role is AttendanceRole.Present or AttendanceRole.NonVoting or AttendanceRole.Speaker or AttendanceRole.Author);
            Assert.Equal(g.Count(), bySector[g.Key].GetProperty("confirmed").GetInt32());
            Assert.Equal(attended, bySector[g.Key].GetProperty("attended").GetInt32());
        }
        var sectorOfM0 = d.SectorOf[d.City[0]];
        var inSector = await app.WithDbAsync(db => db.Members.CountAsync(x => x.IsActive && x.CommitteeId == db.Committees.First(c => c.Code == "520200").Id && x.SectorId == sectorOfM0));
        var sectorPoints = new[] { (d.City[0], 70m), (d.City[1], 60m), (d.City[2], 59.99m), (d.City[3], -20m) }.Where(x => d.SectorOf[x.Item1] == sectorOfM0).Sum(x => x.Item2);
        Assert.Equal(Avg(sectorPoints, inSector), bySector[sectorOfM0].GetProperty("averagePoints").GetDecimal());
    }

    [Fact]
    public async Task A_district_sees_only_itself_and_a_county_without_data_answers_zeros()
    {
        await SeedAsync();
        var s = await (await app.ClientAsAsync("leader.520201")).GetFromJsonAsync<JsonElement>($"/api/committees/520201/duty/summary?year={Year}");
        var rows = s.GetProperty("committees").EnumerateArray().ToList();
        Assert.Equal("520201", Assert.Single(rows).GetProperty("code").GetString());
        Assert.Equal(6, s.GetProperty("totals").GetProperty("activities").GetInt32()); // the joint activity counts for 钟山区 too
        Assert.Equal(1, s.GetProperty("resign").GetProperty("total").GetInt32());

        var empty = await (await app.ClientAsAsync("staff.520200")).GetFromJsonAsync<JsonElement>("/api/committees/520203/duty/summary?year=2003");
        var t = empty.GetProperty("totals");
        Assert.Equal(0, t.GetProperty("activities").GetInt32());
        Assert.Equal(JsonValueKind.Null, t.GetProperty("attendanceRate").ValueKind);
        Assert.Equal(0m, t.GetProperty("averagePoints").GetDecimal());
        Assert.Equal(0, t.GetProperty("resignCount").GetInt32());
        Assert.Equal(new int[12], Months(t.GetProperty("activitiesByMonth")));
        Assert.Equal(t.GetProperty("members").GetInt32(), t.GetProperty("talkCount").GetInt32()); // nobody has points

        // No year: the current one (China time).
        var current = await (await app.ClientAsAsync("staff.520200")).GetFromJsonAsync<JsonElement>("/api/committees/520203/duty/summary");
        Assert.Equal(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year, current.GetProperty("year").GetInt32());
    }

    [Fact]
    public async Task Wrong_roles_other_districts_unknown_codes_and_bad_years_are_refused_on_both_endpoints()
    {
        await TestAccounts.EnsureAsync(app, "unit.balance", Roles.HandlingUnit, "520200");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // An account with no role at all (bound to the city committee).
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            if (await users.FindByNameAsync("norole.balance") is null)
            {
                var city = await app.WithDbAsync(db => db.Committees.Where(c => c.Code == "520200").Select(c => c.Id).FirstAsync());
                Assert.True((await users.CreateAsync(new AppUser { UserName = "norole.balance", DisplayName = "无角色", CommitteeId = city }, AppFactory.DemoPassword)).Succeeded);
            }
        }
        foreach (var suffix in new[] { "summary", "summary.xlsx" })
        {
            async Task<HttpStatusCode> Status(string user, string code, string query = "") =>
                (await (await app.ClientAsAsync(user)).GetAsync($"/api/committees/{code}/duty/{suffix}{query}")).StatusCode;

            Assert.Equal(HttpStatusCode.Forbidden, await Status("member.520201", "520201"));
            Assert.Equal(HttpStatusCode.Forbidden, await Status("member.520200", "520200"));
            Assert.Equal(HttpStatusCode.Forbidden, await Status("unit.balance", "520200"));
            Assert.Equal(HttpStatusCode.Forbidden, await Status("norole.balance", "520200"));
            Assert.Equal(HttpStatusCode.Forbidden, await Status("staff.520201", "520204"));
            Assert.Equal(HttpStatusCode.Forbidden, await Status("staff.520201", "520200")); // the city above
            Assert.Equal(HttpStatusCode.Forbidden, await Status("staff.520204", "520201"));
            Assert.Equal(HttpStatusCode.Forbidden, await Status("leader.520201", "520203"));
            Assert.Equal(HttpStatusCode.OK, await Status("staff.520201", "520201"));
            Assert.Equal(HttpStatusCode.OK, await Status("leader.520200", "520204"));
            Assert.Equal(HttpStatusCode.OK, await Status("admin", "520000"));
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/committees/520200/duty/{suffix}")).StatusCode);

            var staff = await app.ClientAsAsync("staff.520200");
            var unknown = await staff.GetAsync($"/api/committees/999999/duty/{suffix}");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("999999", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            foreach (var bad in new[] { "abc", "1999", "3000", "2015.5", "-2015", "２０１５" })
            {
                var res = await staff.GetAsync($"/api/committees/520200/duty/{suffix}?year={Uri.EscapeDataString(bad)}");
                Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
                var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Contains("年份", problem.GetProperty("detail").GetString());
                Assert.Contains("年份", problem.GetProperty("errors").GetProperty("year")[0].GetString());
            }
        }
    }

    [Fact]
    public async Task The_workbook_holds_the_same_tables()
    {
        var d = await SeedAsync();
        var client = await app.ClientAsAsync("staff.520200");
        var res = await client.GetAsync($"/api/committees/520200/duty/summary.xlsx?year={Year}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Content.Headers.ContentType?.MediaType);
        Assert.Contains("六盘水市政协2015年履职统计.xlsx", res.Content.Headers.ContentDisposition?.FileNameStar ?? "");
        using var book = new MemoryStream(await res.Content.ReadAsByteArrayAsync());

        Assert.Equal(["按组织", "按界别", "约谈名单", "劝辞名单", "活动按月"], MiniExcel.GetSheetNames(book));
        List<IDictionary<string, object?>> Sheet(string name) =>
            MiniExcel.Query(book, useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>().ToList();

        var committees = Sheet("按组织");
        Assert.Equal(["六盘水市政协", "钟山区政协", "六枝特区政协", "水城区政协", "盘州市政协", "合计"], committees.Select(r => r["组织"]?.ToString()));
        Assert.Equal(["本级", "含下级", "含下级", "含下级", "含下级", "全部"], committees.Select(r => r["范围"]?.ToString()));
        Assert.Equal([4d, 6, 0, 1, 0, 10], committees.Select(r => Convert.ToDouble(r["活动数"])));
        Assert.Equal([2d, 2, 0, 0, 0, 4], committees.Select(r => Convert.ToDouble(r["全体会议"])));
        Assert.Equal(37.5, Convert.ToDouble(committees[0]["出勤率（%）"]));
        Assert.Equal(50d, Convert.ToDouble(committees[1]["出勤率（%）"]));
        Assert.Null(committees[2]["出勤率（%）"]);
        Assert.Equal([2d, 1, 0, 0, 0, 3], committees.Select(r => Convert.ToDouble(r["劝辞人数"])));

        var months = Sheet("活动按月");
        Assert.Equal(14, months.Count); // 13 types and 合计
        var plenary = months.Single(r => (string?)r["活动类型"] == "全体会议");
        Assert.Equal([0d, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0], Enumerable.Range(1, 12).Select(mo => Convert.ToDouble(plenary[$"{mo}月"])));
        Assert.Equal(4d, Convert.ToDouble(plenary["合计"]));
        Assert.Equal(10d, Convert.ToDouble(months[^1]["合计"]));

        var all = await ActiveAsync("/CN/520000/520200/", exact: false);
        var talk = Sheet("约谈名单");
        Assert.Equal(all - 3, talk.Count); // every name, not only the API's first 200
        Assert.Equal(-20d, Convert.ToDouble(talk[0]["年度积分"]));
        Assert.Equal("六盘水市政协", talk[0]["所属政协"]?.ToString());
        var m2 = await app.WithDbAsync(db => db.Members.Where(x => x.Id == d.City[2]).Select(x => x.Name).FirstAsync());
        Assert.Equal(59.99, Convert.ToDouble(talk[^1]["年度积分"]));
        Assert.Equal(m2, talk[^1]["姓名"]?.ToString());

        var resign = Sheet("劝辞名单");
        Assert.Equal(3, resign.Count);
        Assert.All(resign, r => Assert.Equal(2d, Convert.ToDouble(r["2014—2015年无故缺席全会次数"])));

        var sectors = Sheet("按界别");
        Assert.Equal(await ActiveAsync("/CN/520000/520200/", exact: true), sectors.Sum(r => Convert.ToDouble(r["委员数"])));
    }

    [Fact]
    public async Task The_page_shows_stat_cards_charts_and_the_same_numbers_as_tables()
    {
        await SeedAsync();
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync($"/balance?committee=520200&year={Year}");
        Assert.Contains("<h1>履职统计 · 六盘水市政协</h1>", html);
        Assert.Contains("id=\"balance-data\"", html);
        Assert.Contains("<page-script src=\"", html);
        Assert.Contains("lib/echarts/echarts", html);
        foreach (var chart in new[] { "months", "committee-rate", "committee-points", "sector-rate", "sector-points" })
            Assert.Contains($"data-chart=\"{chart}\"", html);
        foreach (var table in new[] { "committee-table", "sector-table", "talk-table", "resign-table" }) Assert.Contains($"id=\"{table}\"", html);
        Assert.Contains($"href=\"/api/committees/520200/duty/summary.xlsx?year={Year}\"", html);
        Assert.Contains($"href=\"/balance?committee=520201&year={Year}\">钟山区政协</a>", html);
        // The committee table: 钟山区 has 6 activities and 50.0% attendance.
        var zhongshan = html[html.IndexOf($"href=\"/balance?committee=520201&year={Year}\"", StringComparison.Ordinal)..];
        zhongshan = zhongshan[..zhongshan.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("<td class=\"text-end\">6</td>", zhongshan);
        Assert.Contains("<td class=\"text-end\">50.0%</td>", zhongshan);
        Assert.Contains("2014—2015 年无故缺席全体会议 2 次及以上", html);

        // The JSON island is valid JSON and holds the charts' series.
        var start = html.IndexOf("id=\"balance-data\">", StringComparison.Ordinal) + "id=\"balance-data\">".Length;
        var json = JsonDocument.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)]).RootElement;
        Assert.Equal(12, json.GetProperty("months").GetArrayLength());
        Assert.Equal(6, json.GetProperty("types").GetArrayLength());
        Assert.Equal(5, json.GetProperty("committees").GetProperty("names").GetArrayLength());
        Assert.Equal(37.5, json.GetProperty("committees").GetProperty("rates")[0].GetDouble());

        // Lenient query values; scope; members are sent to the denied page.
        Assert.Contains("<h1>履职统计 · 六盘水市政协</h1>", await staff.GetHtmlAsync("/balance?year=abc"));
        Assert.Contains("未找到", await staff.GetHtmlAsync("/balance?committee=999999"));
        var district = await app.SignedInPageClientAsync("staff.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await district.GetAsync("/balance?committee=520204")).StatusCode);
        Assert.Contains("<h1>履职统计 · 钟山区政协</h1>", await district.GetHtmlAsync("/balance"));
        var member = await app.SignedInPageClientAsync("member.520201");
        var denied = await member.GetAsync("/balance");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Equal("/account/denied", denied.Target().Split('?')[0]);
    }
}

public sealed class BalanceSqliteTests(SqliteAppFactory app) : BalanceTests(app), IClassFixture<SqliteAppFactory>;
public sealed class BalancePostgresTests(PostgresAppFactory app) : BalanceTests(app), IClassFixture<PostgresAppFactory>;
