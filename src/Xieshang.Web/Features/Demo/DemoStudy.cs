using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Lectures;
using Xieshang.Web.Features.Reading;
using Xieshang.Web.Features.Study;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Http;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// The demo's study work (issue 7): a training course, lecture halls and the reading programme of 六盘水 (520200) and
/// 钟山区 (520201), written through the slices' own rules (<see cref="CourseRules"/>, <see cref="StudyMaterials"/>,
/// <see cref="LectureRules"/>, <see cref="ReadingRules"/>, <see cref="ActivityRules"/> and the desk check-in of
/// <see cref="CheckInService"/>) on a <see cref="SimulatedClock"/>, so no date is after the first start:
/// <list type="bullet">
/// <item>课程 「新任委员履职能力培训」 (city, published three weeks ago; audience: the city's 教育界 and 经济界 sectors and every demo
/// member account): three sessions — two weeks ago, held, attendance confirmed, quiz attempts (some failed, then passed); earlier
/// this week, desk check-ins (not yet confirmed) and attempts; next week — each with a 3–4-question quiz on CPPCC basics; a PDF
/// handout (generated here, stored through <see cref="StudyMaterials"/> and <see cref="FileStore"/>) and a link; completion at two
/// of three sessions attended (quizzes for self-checking), so the members present at both held sessions have completed
/// (<c>study.completed</c>);</item>
/// <item>政协讲堂 「六盘水政协讲堂」 (public): three held lectures (an expert, a leader, a member whose confirmed attendance
/// makes them the speaker) with summaries, and one coming; 法治讲堂 「钟山区政协法治讲堂」 (not public) with one held lecture;</item>
/// <item>读书小组 「书香政协·市政协读书会」 (city, 12 members with the city's member accounts, a leader, a plan of three books
/// with periods and a shared list of four) and a sector group of 钟山区 (the sector of <c>member.520201</c>); check-ins over the
/// last eight weeks with progress, minutes, notes, comments and featured notes, so the group statistics have a shape and the
/// regular readers earn <c>reading.monthly</c>.</item>
/// </list>
/// Notices of the simulated past are removed. Does nothing when the city already has a course.
/// </summary>
public static class DemoStudy
{
    /// <summary>Seeds the study work described on the class.</summary>
    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var city = await db.Committees.AsNoTracking().FirstAsync(c => c.Code == "520200", ct);
        if (await db.Courses.AnyAsync(c => c.CommitteePath.StartsWith(city.Path), ct)) return;
        var real = clock.GetUtcNow();
        var time = new SimulatedClock(real);
        var (firstNotice, firstMail) = await DemoAccounts.MarksAsync(db, ct);
        var files = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<FileStore>();

        var staff = await DemoAccounts.AsAsync(db, "staff.520200", Roles.Staff, "520200", "六盘水市政协办公室", ct);
        var zsStaff = await DemoAccounts.AsAsync(db, "staff.520201", Roles.Staff, "520201", "钟山区政协办公室", ct);
        var accounts = await db.Users.AsNoTracking().Where(u => u.UserName!.StartsWith("member.") && u.MemberId != null)
            .OrderBy(u => u.UserName).Select(u => new { u.UserName, MemberId = u.MemberId!.Value }).ToListAsync(ct);
        var pool = await db.Members.AsNoTracking().Where(m => m.IsActive && m.Position == Members.Position.Member && m.CommitteePath.StartsWith(city.Path))
            .OrderBy(m => m.Id).Select(m => new { m.Id, m.CommitteeId, m.SectorId }).ToListAsync(ct);

        await CourseAsync(db, files, staff, accounts.Select(a => a.MemberId).ToArray(), time, real, ct);
        await LecturesAsync(db, staff, zsStaff, pool.Where(m => m.CommitteeId == city.Id).Skip(50).Select(m => m.Id).First(), time, real, ct);

        // Reading: the city's group with its member accounts; 钟山区's group of member.520201's sector.
        var cityAccounts = accounts.Where(a => a.UserName!.StartsWith("member.520200", StringComparison.Ordinal)).Select(a => a.MemberId).ToList();
        var cityReaders = pool.Where(m => m.CommitteeId == city.Id && !cityAccounts.Contains(m.Id)).Skip(60).Take(12 - cityAccounts.Count).Select(m => m.Id).ToList();
        // The leader first, then member.520200 (a regular reader), the others, the other city accounts.
        List<int> cityMembers = [.. cityAccounts.Take(1), .. cityReaders.Skip(1), .. cityAccounts.Skip(1)];
        var zs = await db.Committees.AsNoTracking().Where(c => c.Code == "520201").Select(c => c.Id).FirstAsync(ct);
        var zsAccount = accounts.FirstOrDefault(a => a.UserName == "member.520201")?.MemberId ?? pool.First(m => m.CommitteeId == zs).Id;
        var zsSector = pool.First(m => m.Id == zsAccount).SectorId;
        var zsReaders = pool.Where(m => m.CommitteeId == zs && m.SectorId == zsSector && m.Id != zsAccount).Take(5).Select(m => m.Id).ToList();
        if (zsReaders.Count < 3) zsReaders.AddRange(pool.Where(m => m.CommitteeId == zs && m.Id != zsAccount && !zsReaders.Contains(m.Id)).Take(3).Select(m => m.Id));
        await ReadingAsync(db, staff, zsStaff, city.Code, cityReaders[0], cityMembers, zsSector, zsReaders, zsAccount, time, real, ct);

        await DemoAccounts.ForgetPastNoticesAsync(db, firstNotice, firstMail, real, ct);
        db.ChangeTracker.Clear();
    }

    // ------------------------------------------------------------------ course

    private static readonly (string Topic, string Place, QuizQuestionInput[] Quiz)[] Sessions =
    [
        ("人民政协的性质、地位和作用", "市政协三楼会议室",
        [
            new("人民政协的主要职能是什么？", ["政治协商、民主监督、参政议政", "立法、执法、司法", "审议、表决、任免", "选举、罢免、质询"], [0]),
            new("中国人民政治协商会议第一届全体会议于哪一年召开？", ["1949 年", "1954 年", "1978 年", "1921 年"], [0]),
            new("人民政协是社会主义协商民主的重要渠道和什么机构？", ["专门协商机构", "国家权力机关", "国家行政机关", "群众自治组织"], [0]),
            new("政协委员是怎样产生的？", ["由参加单位和各方面协商推荐产生", "由选民直接选举产生", "由考试选拔产生", "由个人报名即可"], [0]),
        ]),
        ("提案工作与社情民意信息", "市政协三楼会议室",
        [
            new("委员提案应当遵循的基本要求是？", ["一事一案", "一案多事", "越长越好", "只提问题不提建议"], [0]),
            new("提案经审查立案后交由谁办理？", ["有关承办单位", "提案人本人", "政协办公室全部自办", "新闻媒体"], [0]),
            new("下列哪些是撰写提案的好做法？（多选）", ["深入调查研究", "建议具体可行", "照搬网络文章", "问题与对策对应"], [0, 1, 3]),
        ]),
        ("协商议政与调查研究", "市政协三楼会议室",
        [
            new("政协协商的形式包括哪些？（多选）", ["全体会议协商", "专题议政性常委会议协商", "双周协商座谈会", "人大常委会审议"], [0, 1, 2]),
            new("人民政协民主监督的性质是？", ["协商式监督", "法律监督", "行政监察", "审计监督"], [0]),
            new("调研报告的核心部分应当是？", ["发现的问题和可行的对策建议", "调研行程安排", "参加人员名单", "调研地点介绍"], [0]),
            new("委员履职的基本要求可以概括为“懂政协、会协商、善议政”以及？", ["守纪律、讲规矩、重品行", "多出差、多开会", "只参加会议", "只提交提案"], [0]),
        ]),
    ];

    private static async Task CourseAsync(AppDbContext db, FileStore? files, CurrentUser staff, int[] accountMembers, SimulatedClock time, DateTimeOffset real, CancellationToken ct)
    {
        var today = ChinaTime.DayOf(real);
        DateTimeOffset At(DateOnly day, double hour) => ChinaTime.StartOf(day).AddHours(hour);
        var cityId = staff.CommitteeId!.Value;
        var sectors = await db.Sectors.AsNoTracking().Where(s => s.CommitteeId == cityId && (s.Name == "教育界" || s.Name == "经济界")).Select(s => s.Id).ToArrayAsync(ct);

        // The sessions: two weeks ago, earlier this week (today's morning on a Monday evening; else the week's first days), next week.
        var held = today.AddDays(-14);
        var sinceMonday = ((int)today.DayOfWeek + 6) % 7;
        var thisWeek = today.AddDays(-Math.Min(sinceMonday, 2));
        if (At(thisWeek, 11.5) > real) thisWeek = today.AddDays(-2);
        var starts = new[] { At(held, 14.5), At(thisWeek, 9), At(today.AddDays(7), 14.5) };

        time.Now = At(today.AddDays(-21), 10);
        var (course, error) = await CourseRules.CreateAsync(db, new CourseInput("新任委员履职能力培训",
            "<p>面向新任委员和教育界、经济界委员，系统学习人民政协理论、提案和社情民意信息写作、协商议政与调查研究方法。</p>" +
            "<p>共三讲，每讲后有小测验（可答 3 次，60 分及格）。参加其中两讲即可结业，结业记入履职档案。</p>",
            ["520200"], new CourseAudienceInput(null, sectors, null, accountMembers, null), 60, false), staff, time, ct);
        Check("course", error);
        var courseId = course!.Id;
        var sessionIds = new List<(int Id, int ActivityId)>();
        for (var i = 0; i < Sessions.Length; i++)
        {
            var (topic, place, quiz) = Sessions[i];
            var c = await LoadCourseAsync(db, courseId, ct);
            var (s, e) = await CourseRules.AddSessionAsync(db, c, new SessionInput(topic, starts[i], starts[i].AddHours(i == 1 ? 2.5 : 3), place, null,
                "一、专题辅导<br>二、交流研讨<br>三、随堂测验", false), staff, time, ct);
            Check("course session", e);
            sessionIds.Add((s!.Id, s.ActivityId));
            Check("quiz", await CourseRules.SaveQuizAsync(db, await LoadCourseAsync(db, courseId, ct), s.Id, new QuizInput(60, 3, quiz), time, ct));
        }
        if (files is not null)
        {
            await using var pdf = new MemoryStream(Handout());
            var (_, me) = await StudyMaterials.AddAsync(db, files, new StudyMaterial { CourseId = courseId, SessionId = sessionIds[0].Id, Kind = MaterialKind.Document, Title = "第一讲讲义：人民政协的性质、地位和作用" },
                pdf, "第一讲讲义.pdf", null, staff.UserName, time, ct);
            Check("material", me);
        }
        var (_, le) = await StudyMaterials.AddAsync(db, files!, new StudyMaterial { CourseId = courseId, Kind = MaterialKind.Link, Title = "中国人民政治协商会议章程（全国政协网）" },
            null, null, "http://www.cppcc.gov.cn/", staff.UserName, time, ct);
        Check("link", le);
        await db.SaveChangesAsync(ct);
        Check("publish", await CourseRules.PublishAsync(db, await LoadCourseAsync(db, courseId, ct), time, ct));

        var questions = await db.QuizQuestions.AsNoTracking().Where(q => sessionIds.Select(s => s.Id).Contains(q.SessionId)).OrderBy(q => q.SortOrder).ToListAsync(ct);
        async Task Attempt(int session, int member, bool pass, DateTimeOffset at)
        {
            time.Now = at;
            var answers = questions.Where(q => q.SessionId == session).Select((q, n) => (q, n))
                .ToDictionary(x => x.q.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    x => pass || x.n % 2 == 1 ? x.q.Correct.ToArray() : [(x.q.Correct[0] + 1) % x.q.Options.Count]);
            var (_, e) = await CourseRules.AttemptAsync(db, await LoadCourseAsync(db, courseId, ct), session, member, new AttemptInput(answers), time, ct);
            Check("attempt", e);
            db.ChangeTracker.Clear(); // every save scans what is tracked: keep it small
        }

        // Session 1: attendance confirmed that evening (two excused, one absent); most present take the quiz, a few fail once first.
        db.ChangeTracker.Clear();
        var invited = await db.Invitations.AsNoTracking().Where(i => i.ActivityId == sessionIds[0].ActivityId).OrderBy(i => i.MemberId).Select(i => i.MemberId).ToListAsync(ct);
        string Role(int n) => n switch { 3 or 11 => "excused", 7 => "absent", 0 => "speaker", _ => "present" };
        time.Now = starts[0].AddHours(4);
        var first = await db.Activities.FirstAsync(a => a.Id == sessionIds[0].ActivityId, ct);
        if (await ActivityRules.ConfirmAttendanceAsync(db, first, invited.Select((m, n) => (m, (string?)Role(n))).ToList(), time, ct) is { } ae)
            throw new InvalidOperationException($"Demo course: {ae.Message}");
        var present = invited.Where((m, n) => Role(n) is "present" or "speaker").ToList();
        for (var n = 0; n < present.Count; n++)
        {
            if (n % 5 == 4) continue; // not everyone takes the quiz
            var at = starts[0].AddHours(3).AddMinutes(7 * n);
            if (n % 4 == 1) await Attempt(sessionIds[0].Id, present[n], false, at);
            await Attempt(sessionIds[0].Id, present[n], true, at.AddMinutes(n % 4 == 1 ? 15 : 0).AddHours(n % 3 * 20));
        }

        // Session 2: desk check-ins at the door (not yet confirmed); those present at both sessions have completed. Some quiz attempts.
        var desk = new CheckInService(db, time, Options.Create(new ActivityOptions()), Options.Create(new CheckInOptions()), Options.Create(new PublicUrlOptions()));
        var second = invited.Where((m, n) => n % 3 != 2).ToList();
        for (var n = 0; n < second.Count; n++)
        {
            time.Now = starts[1].AddMinutes(-25 + n % 30);
            var r = await desk.DeskAsync(sessionIds[1].ActivityId, staff, second[n], ct);
            if (r.Error is { } ce) throw new InvalidOperationException($"Demo course check-in: {ce.Message}");
            db.ChangeTracker.Clear();
        }
        for (var n = 0; n < second.Count; n += 3)
            await Attempt(sessionIds[1].Id, second[n], n % 9 != 6, Min(starts[1].AddHours(2.5).AddMinutes(4 * n), real.AddMinutes(-5)));
        db.ChangeTracker.Clear();
    }

    private static Task<Course> LoadCourseAsync(AppDbContext db, int id, CancellationToken ct) =>
        db.Courses.Include(x => x.Organizers).Include(x => x.Audience).Include(x => x.Sessions).ThenInclude(s => s.Activity).AsSplitQuery().FirstAsync(x => x.Id == id, ct);

    /// <summary>A small valid one-page PDF (A4, Helvetica) — the handout of the course's first session.</summary>
    internal static byte[] Handout()
    {
        const string text = "BT /F1 20 Tf 72 770 Td (CPPCC member training - Session 1) Tj ET\n" +
                            "BT /F1 12 Tf 72 740 Td (The nature, status and role of the CPPCC.) Tj ET\n" +
                            "BT /F1 12 Tf 72 722 Td (Functions: political consultation, democratic oversight, participation in state affairs.) Tj ET\n" +
                            "BT /F1 12 Tf 72 704 Td (Liupanshui CPPCC Committee) Tj ET\n";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            $"<< /Length {Encoding.ASCII.GetByteCount(text)} >>\nstream\n{text}endstream",
        };
        var sb = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(sb.ToString()));
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.ASCII.GetByteCount(sb.ToString());
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    // ------------------------------------------------------------------ lectures

    private static async Task LecturesAsync(AppDbContext db, CurrentUser staff, CurrentUser zsStaff, int memberSpeaker, SimulatedClock time, DateTimeOffset real, CancellationToken ct)
    {
        var today = ChinaTime.DayOf(real);
        DateTimeOffset At(int days, double hour) => ChinaTime.StartOf(today.AddDays(days)).AddHours(hour);
        time.Now = At(-120, 10);
        var (series, se) = await LectureRules.SaveSeriesAsync(db, null, new SeriesInput("六盘水政协讲堂", "cppcc", "520200",
            "市政协每月举办一期，邀请专家学者授课、领导干部谈体会、委员传递共识，面向全体委员，讲稿和摘要向社会公开。", true), staff, time, ct);
        Check("series", se);
        time.Now = At(-60, 10);
        var (law, le) = await LectureRules.SaveSeriesAsync(db, null, new SeriesInput("钟山区政协法治讲堂", "law", "520201",
            "围绕民法典、行政复议法等与群众生活密切相关的法律举办专题讲座，提高委员依法履职能力。", false), zsStaff, time, ct);
        Check("series", le);

        async Task Lecture(int seriesId, CurrentUser by, string code, int day, string topic, string speaker, string title, string kind, int? memberId, string summary)
        {
            var starts = At(day, 15);
            time.Now = day < 0 ? starts.AddDays(-10) : real;
            var (l, e, _) = await LectureRules.SaveAsync(db, null, new LectureInput(seriesId, topic, speaker, title, kind, memberId, starts, starts.AddHours(2),
                code == "520200" ? "市政协机关二楼报告厅" : "钟山区政协会议中心", null, summary, new InviteesInput([code], null, null, null), false, true), by, time, ct);
            Check("lecture", e);
            if (day >= 0) return;
            time.Now = starts.AddHours(3);
            var a = await db.Activities.FirstAsync(x => x.Id == l!.ActivityId, ct);
            var invited = await db.Invitations.AsNoTracking().Where(i => i.ActivityId == a.Id).OrderBy(i => i.MemberId).Select(i => i.MemberId).ToListAsync(ct);
            var rows = invited.Select((m, n) => (m, (string?)(m == memberId || n % 3 != 2 ? "present" : n % 9 == 2 ? "excused" : "absent"))).ToList();
            if (await ActivityRules.ConfirmAttendanceAsync(db, a, rows, time, ct) is { } ae) throw new InvalidOperationException($"Demo lecture: {ae.Message}");
            db.ChangeTracker.Clear();
        }
        var name = await db.Members.AsNoTracking().Where(m => m.Id == memberSpeaker).Select(m => m.Name).FirstAsync(ct);
        await Lecture(series!.Id, staff, "520200", -70, "深入学习贯彻人民政协理论，提高协商议政能力", "王建华", "贵州大学马克思主义学院教授", "expert", null,
            "<p>王建华教授从人民政协的历史由来讲起，阐述了人民政协作为专门协商机构的性质定位，结合近年全国政协协商议政的实例，讲解了委员如何在调查研究的基础上提出有价值的意见建议。</p>" +
            "<p>讲座强调：协商要“协”在真处、“商”在实处，建言要聚焦党委政府中心工作和群众关切。</p>");
        await Lecture(series.Id, staff, "520200", -42, "从“有事好商量”看基层协商民主", "刘晓梅", "六盘水市政协副主席", "leader", null,
            "<p>刘晓梅副主席结合在钟山区、水城区开展“有事好商量”协商议事活动的体会，讲了老旧小区加装电梯、农贸市场改造等协商事例，介绍了议题征集、协商议事、成果转化和跟踪问效的做法。</p>");
        await Lecture(series.Id, staff, "520200", -17, "把猕猴桃产业的委员调研成果转化为提案", name, "六盘水市政协委员", "member", memberSpeaker,
            $"<p>{name}委员分享了参加农业产业调研、撰写提案并跟踪办理的经历：调研中如何找准问题，提案如何做到一事一案、建议可操作，办理中如何与承办单位沟通。</p>");
        await Lecture(series.Id, staff, "520200", 10, "数字经济与六盘水产业转型", "陈立新", "贵州省社会科学院研究员", "expert", null, "");
        await Lecture(law!.Id, zsStaff, "520201", -20, "民法典与百姓生活", "赵敏", "贵州黔峰律师事务所律师", "expert", null,
            "<p>赵敏律师围绕婚姻家庭、继承、物业服务、相邻关系等群众最关心的问题，用案例讲解了民法典的有关规定，并回答了委员提问。</p>");
    }

    // ------------------------------------------------------------------ reading

    private sealed record Book(string Title, string Author, string[] Notes, Func<int, string> Progress);

    private static readonly Book Xiangtu = new("乡土中国", "费孝通",
    [
        "“差序格局”这一章读了两遍。费孝通先生用石子投入水中的波纹来比喻中国传统社会的人际关系，很形象。对照今天的基层治理，熟人社会的影子仍在，做群众工作要懂得这一点。",
        "读到“礼治秩序”，书里说乡土社会是“无讼”的，靠的是长期教化形成的礼。我想到现在推动的“有事好商量”，其实也是把道理讲在前面，让矛盾在基层化解。",
        "“文字下乡”一章提醒我：不能简单地说农民“愚”，而是乡土社会本来不太需要文字。推进乡村振兴，培训和宣传要讲群众听得懂的话。",
        "今天读完“血缘和地缘”。书中讲商业在血缘之外的“街集”里发展，联想到我们村的赶场天，农产品销售渠道仍然要靠这样的集市和合作社。",
        "读完全书。这本书篇幅不长，但每一章都值得反复思考。作为政协委员，了解社会的底色，提出的建议才能接地气。",
    ], n => $"第{n % 14 + 1}章");

    private static readonly Book Hundred = new("中国共产党的一百年", "中共中央党史和文献研究院",
    [
        "读了新民主主义革命时期的部分，人民政协第一届全体会议代行全国人大职权、制定《共同纲领》的历史，让我对人民政协的由来有了更具体的认识。",
        "改革开放部分的史料很翔实。从家庭联产承包责任制到市场经济体制的确立，每一步都是在实践中探索出来的，这对我们今天调研提建议很有启发。",
        "今天读的是新时代部分，脱贫攻坚一章提到乌蒙山区，六盘水的“三变”改革也在其中，读来很亲切。",
        "本周读得比较慢，边读边做笔记。党的百年历史，是一部践行初心使命的历史，也是一部统一战线不断发展壮大的历史。",
    ], n => $"{45 + n % 5 * 35}–{80 + n % 5 * 35}页");

    private static readonly string[] Comments =
    [
        "写得好！我也对差序格局这一章印象很深。", "受教了，下次读书交流会上请你多讲讲。", "很有共鸣，基层工作确实离不开这些道理。",
        "这段联系实际很到位。", "我也准备重读这一部分。", "赞同，建议可以写成一篇社情民意信息。",
    ];

    private static async Task ReadingAsync(AppDbContext db, CurrentUser staff, CurrentUser zsStaff, string cityCode, int leaderId, List<int> members,
        int zsSector, List<int> zsMembers, int zsAccount, SimulatedClock time, DateTimeOffset real, CancellationToken ct)
    {
        var today = ChinaTime.DayOf(real);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        time.Now = ChinaTime.StartOf(today.AddDays(-60)).AddHours(10);
        var (cityGroup, r1, e1) = await ReadingRules.CreateAsync(db, new ReadingGroupInput("书香政协·市政协读书会", cityCode, null, leaderId, members,
            "市政协委员读书会，每月共读一本书，每季度举办一次线下读书交流会。欢迎委员在书单中推荐好书。"), staff, time, ct);
        Check("reading group", r1, e1);
        var sectorName = await db.Sectors.AsNoTracking().Where(s => s.Id == zsSector).Select(s => s.Name).FirstAsync(ct);
        var zsLeader = zsMembers[0];
        var (zsGroup, r2, e2) = await ReadingRules.CreateAsync(db, new ReadingGroupInput($"钟山区政协{sectorName}委员读书小组", "520201", zsSector, zsLeader,
            [.. zsMembers.Skip(1), zsAccount], "界别委员共读，结合界别特色开展读书交流。"), zsStaff, time, ct);
        Check("reading group", r2, e2);

        async Task<ReadingGroup> Group(int id) => await db.ReadingGroups.Include(g => g.Members).FirstAsync(g => g.Id == id, ct);
        async Task AddBook(int groupId, CurrentUser by, ReadingBookInput input)
        {
            var (_, refused, errors) = await ReadingRules.AddBookAsync(db, await Group(groupId), input, by, time, ct);
            Check("book", refused, errors);
        }
        await AddBook(cityGroup, staff, new("乡土中国", "费孝通", "理解中国基层社会的经典。", true, Day(-56), Day(-29)));
        await AddBook(cityGroup, staff, new("中国共产党的一百年", "中共中央党史和文献研究院", "学习党史，增强履职的政治定力。", true, Day(-28), Day(3)));
        await AddBook(cityGroup, staff, new("人民政协理论与实践", "", "系统学习人民政协理论。", true, Day(4), Day(34)));
        await AddBook(zsGroup, zsStaff, new("乡土中国", "费孝通", "", true, Day(-56), Day(0)));
        var suggestions = new (string Title, string Author, string Why)[]
        {
            ("置身事内：中国政府与经济发展", "兰小欢", "讲地方政府如何推动经济发展，对调研产业和财政问题很有帮助。"),
            ("平凡的世界", "路遥", "写的是西北农村，但和我们山区的变迁很像，值得一读。"),
            ("苏东坡传", "林语堂", "工作之余读一读，读东坡的豁达。"),
            ("大国大城", "陆铭", "关于城镇化和人口流动，和六盘水的城市发展相关。"),
        };
        for (var i = 0; i < suggestions.Length; i++)
        {
            time.Now = ChinaTime.StartOf(today.AddDays(-50 + i * 9)).AddHours(20);
            await AddBook(cityGroup, await DemoAccounts.MemberAsync(db, members[i * 2], ct), new(suggestions[i].Title, suggestions[i].Author, suggestions[i].Why));
        }

        // Check-ins over the last eight weeks: regular readers one or two a week (they reach the monthly minimum), others now and
        // then; a note every third check-in or so, some commented on.
        double[] rates = [1.6, 1.7, 1.0, 0.5, 1.6, 0.25, 1.0, 0.5, 1.5, 0.25, 0.8, 0.4];
        var featured = new List<(int Group, int CheckIn, CurrentUser Leader)>();
        var commented = 0;
        async Task Readers(int groupId, List<int> readers, int leader, bool city)
        {
            var leaderUser = await DemoAccounts.MemberAsync(db, leader, ct);
            var group = await db.ReadingGroups.Include(g => g.Members).FirstAsync(g => g.Id == groupId, ct);
            var random = new Random(groupId * 7919 + readers.Count);
            var n = 0;
            for (var r = 0; r < readers.Count; r++)
            {
                var who = await DemoAccounts.MemberAsync(db, readers[r], ct);
                var perWeek = rates[r % rates.Length] * (city ? 1 : 0.6);
                for (var days = -55; days <= 0; days++)
                {
                    if (random.NextDouble() > perWeek / 7) continue;
                    var day = today.AddDays(days);
                    var book = !city || days < -28 ? Xiangtu : Hundred;
                    var at = ChinaTime.StartOf(day).AddHours(20 + random.Next(0, 3)).AddMinutes(random.Next(0, 60));
                    time.Now = at > real ? real : at;
                    var note = n % 3 == 1 ? book.Notes[n / 3 % book.Notes.Length] : null;
                    var finished = book == Xiangtu && days is > -32 and < -26 && r % 2 == 0;
                    var (id, refused, errors) = await ReadingRules.CheckInAsync(db, group,
                        new ReadingCheckInInput(book.Title, finished ? "全书读完" : book.Progress(n), 20 + random.Next(0, 15) * 5, note, finished), who, time, ct);
                    Check("check-in", refused, errors);
                    if (note is not null && commented < 8 && random.NextDouble() < 0.5)
                    {
                        var other = readers[(r + 1 + n % (readers.Count - 1)) % readers.Count];
                        time.Now = Min(time.Now.AddHours(1 + random.Next(0, 14)), real);
                        var c = await db.ReadingCheckIns.FirstAsync(x => x.Id == id, ct);
                        var (_, ce) = await ReadingRules.CommentAsync(db, group, c, new ReadingCommentInput(Comments[commented++ % Comments.Length]),
                            await DemoAccounts.MemberAsync(db, other, ct), time, ct);
                        Check("comment", ce);
                    }
                    if (note is not null && featured.Count(f => f.Group == groupId) < (city ? 3 : 1) && days < -3 && readers[r] != leader && n % 2 == 0)
                        featured.Add((groupId, id, leaderUser));
                    n++;
                    db.ChangeTracker.Clear(); // the group stays as loaded (the rules only read it)
                }
            }
        }
        await Readers(cityGroup, [leaderId, .. members], leaderId, true);
        await Readers(zsGroup, [zsLeader, zsAccount, .. zsMembers.Skip(1)], zsLeader, false);
        foreach (var (groupId, checkInId, leader) in featured)
        {
            var c = await db.ReadingCheckIns.FirstAsync(x => x.Id == checkInId, ct);
            time.Now = Min(c.CreatedAt.AddDays(1), real);
            Check("feature", await ReadingRules.FeatureAsync(db, await Group(groupId), c, true, leader, time, ct));
        }
        db.ChangeTracker.Clear();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static void Check(string what, RuleError? error, Dictionary<string, string[]>? errors = null)
    {
        if (error is not null) throw new InvalidOperationException($"Demo study {what}: {error.Message}");
        if (errors is { Count: > 0 }) throw new InvalidOperationException($"Demo study {what}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
    }
}
