using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Xieshang.Consensus;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// The <c>consensus</c> verbs of the web app (README "Consensus CLI"):
/// <c>dotnet run --project src/Xieshang.Web -- consensus analyze &lt;folder&gt; [--json &lt;out.json&gt;] [--fresh-in-conv] [--replay] [--replay-every N]</c>
/// reads a Polis export (<see cref="PolisExport.Load"/>), computes the opinion map, prints a summary and writes the issue's JSON;
/// <c>consensus import &lt;folder&gt; --consultation &lt;id&gt;</c> loads the export into the platform as the consultation's deliberation.
/// Exit codes: 0 done, 1 the input or the database refused it (message on standard error), 2 bad command line.
/// </summary>
public static class ConsensusCli
{
    /// <summary>Usage text (English and Chinese).</summary>
    public const string Usage =
        """
        usage / 用法:
          consensus analyze <folder> [--json <out.json>] [--fresh-in-conv] [--replay] [--replay-every <votes>]
              分析 Polis 导出目录（participants-votes.csv，或 votes.csv + comments.csv，或 votes.json + comments.json）
              --json             write the opinion map as JSON / 将意见地图写为 JSON
              --fresh-in-conv    compute the in-conv set from the votes instead of Polis's clustered participants (group-id)
              --replay           replay votes.csv in time order with warm updates and the k smoother; compare with Polis
              --replay-every N   votes between recomputations in the replay (default max(20, votes/300))
          consensus import <folder> --consultation <id>
              导入 Polis 导出为该协商的网络议政（议政须尚不存在）
        """;

    /// <summary>
    /// Runs a verb. <paramref name="args"/> is the program's command line (a leading <c>consensus</c> is skipped).
    /// <paramref name="services"/> is only needed by <c>import</c> (the app's database).
    /// </summary>
    public static async Task<int> RunAsync(IServiceProvider? services, string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var a = args is ["consensus", ..] ? args[1..] : args;
        if (a.Length == 0 || a[0] is "-h" or "--help" or "help")
        {
            (a.Length == 0 ? error : output).WriteLine(Usage);
            return a.Length == 0 ? 2 : 0;
        }
        try
        {
            switch (a[0])
            {
                case "analyze":
                {
                    var o = AnalyzeOptions.Parse(a[1..]);
                    return Analyze(o, output, error);
                }
                case "import":
                {
                    var (folder, consultation) = ParseImport(a[1..]);
                    if (services is null) throw new InvalidOperationException("consensus import needs the app's services.");
                    return await ConsensusImport.RunAsync(services, folder, consultation, output, error, ct);
                }
                default:
                    throw new UsageException($"unknown verb \"{a[0]}\" / 未知命令 \"{a[0]}\"");
            }
        }
        catch (UsageException e)
        {
            error.WriteLine($"consensus: {e.Message}");
            error.WriteLine(Usage);
            return 2;
        }
        catch (InputException e)
        {
            error.WriteLine($"consensus: {e.Message}");
            return 1;
        }
    }

    /// <summary>Options of <c>consensus analyze</c>.</summary>
    public sealed record AnalyzeOptions(string Folder, string? Json, bool FreshInConv, bool Replay, int? ReplayEvery)
    {
        /// <summary>Parses the arguments after <c>analyze</c>.</summary>
        public static AnalyzeOptions Parse(string[] a)
        {
            string? folder = null, json = null;
            bool fresh = false, replay = false;
            int? every = null;
            for (var i = 0; i < a.Length; i++)
            {
                switch (a[i])
                {
                    case "--json":
                        json = Value(a, ref i);
                        break;
                    case "--fresh-in-conv":
                        fresh = true;
                        break;
                    case "--replay":
                        replay = true;
                        break;
                    case "--replay-every":
                        every = int.TryParse(Value(a, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                            ? n : throw new UsageException("--replay-every needs a positive number of votes / --replay-every 须为正整数");
                        break;
                    default:
                        if (a[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unknown option {a[i]} / 未知选项 {a[i]}");
                        if (folder is not null) throw new UsageException($"one folder only, got \"{folder}\" and \"{a[i]}\" / 只能指定一个目录");
                        folder = a[i];
                        break;
                }
            }
            return new AnalyzeOptions(folder ?? throw new UsageException("analyze needs a folder / 请指定 Polis 导出目录"), json, fresh, replay, every);
        }
    }

    private static (string Folder, int Consultation) ParseImport(string[] a)
    {
        string? folder = null;
        int? consultation = null;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == "--consultation")
                consultation = int.TryParse(Value(a, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                    ? id : throw new UsageException("--consultation needs a consultation id / --consultation 须为协商编号");
            else if (a[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unknown option {a[i]} / 未知选项 {a[i]}");
            else if (folder is not null) throw new UsageException($"one folder only, got \"{folder}\" and \"{a[i]}\" / 只能指定一个目录");
            else folder = a[i];
        }
        return (folder ?? throw new UsageException("import needs a folder / 请指定 Polis 导出目录"),
            consultation ?? throw new UsageException("import needs --consultation <id> / 请用 --consultation 指定协商编号"));
    }

    private static string Value(string[] a, ref int i) =>
        i + 1 < a.Length && !a[i + 1].StartsWith("--", StringComparison.Ordinal) ? a[++i] : throw new UsageException($"{a[i]} needs a value / {a[i]} 缺少取值");

    /// <summary>Checks that <paramref name="folder"/> holds a Polis export and loads it; a clear <see cref="InputException"/> otherwise.</summary>
    public static PolisConversation Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException($"folder not found: {Path.GetFullPath(folder)} / 找不到目录：{Path.GetFullPath(folder)}" +
                                     " (dotnet run runs in src/Xieshang.Web: give an absolute path / 请使用绝对路径)");
        string[] voteFiles = ["participants-votes.csv", "votes.csv", "votes.json"];
        if (!voteFiles.Any(f => File.Exists(Path.Combine(folder, f))))
            throw new InputException($"no votes file in {folder}: expected participants-votes.csv, votes.csv (with comments.csv) or votes.json (with comments.json) / " +
                                     $"目录 {folder} 中没有投票文件（participants-votes.csv、votes.csv 或 votes.json）");
        try
        {
            return PolisExport.Load(folder);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidDataException or ArgumentException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read the export in {folder}: {e.Message} / 无法读取导出目录 {folder}：{e.Message}");
        }
    }

    /// <summary><c>consensus analyze</c>: load, compute cold, print the summary, write the JSON; optionally replay the history.</summary>
    public static int Analyze(AnalyzeOptions o, TextWriter output, TextWriter error)
    {
        var conv = Load(o.Folder);
        if (o.Replay && conv.History.Count == 0)
            throw new InputException($"--replay needs timestamped votes (votes.csv or votes.json) in {o.Folder} / --replay 需要带时间戳的投票记录（votes.csv 或 votes.json）");
        var polisInConv = !o.FreshInConv && conv.PolisGroups.Count > 0;
        var options = new ConsensusOptions { InConv = polisInConv ? conv.PolisGroups.Keys.ToArray() : null, MetaStatements = conv.MetaStatements };
        var sw = Stopwatch.StartNew();
        var map = ConsensusEngine.Compute(conv.Matrix, null, options);
        var seconds = sw.Elapsed.TotalSeconds;

        PrintSummary(conv, map, o.Folder, polisInConv, seconds, output);

        if (o.Replay) Replay(conv, map, o.ReplayEvery, output);

        if (o.Json is { } path)
        {
            try
            {
                var dir = Path.GetDirectoryName(Path.GetFullPath(path));
                if (dir is not null) Directory.CreateDirectory(dir);
                using var stream = File.Create(path);
                OpinionMapJson.Write(map, conv, stream);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"cannot write {path}: {e.Message} / 无法写入 {path}：{e.Message}");
            }
            output.WriteLine($"JSON written to {Path.GetFullPath(path)}");
        }
        return 0;
    }

    private static void PrintSummary(PolisConversation conv, OpinionMap map, string folder, bool polisInConv, double seconds, TextWriter w)
    {
        var m = conv.Matrix;
        w.WriteLine($"Conversation 议题: {folder}");
        w.WriteLine($"  participants 参与者: {N(map.ParticipantIds.Length)}, statements 观点: {N(map.StatementIds.Length)}" +
                    (m.ModeratedOutCount > 0 ? $" ({N(m.ModeratedOutCount)} moderated out 已屏蔽)" : "") + $", votes 投票: {N(map.VoteCount)}");
        w.WriteLine($"  in-conv 参与聚类: {N(map.InConv.Length)} " +
                    (polisInConv ? "(the participants Polis clustered, from group-id; --fresh-in-conv computes it afresh)" : "(computed from the votes)"));
        w.WriteLine($"  computed in 计算用时: {seconds.ToString("0.000", CultureInfo.InvariantCulture)} s (cold start)");
        w.WriteLine();
        w.WriteLine($"Groups 意见群组: {map.Groups.Count}");
        foreach (var g in map.Groups)
        {
            w.WriteLine($"  Group 群组 {GroupName(g.Id)} (id {g.Id}): {N(g.Members.Length)} participants 人");
            if (!map.Repness.TryGetValue(g.Id, out var reps) || reps.Count == 0)
            {
                w.WriteLine("    (no representative statements 无代表性观点)");
                continue;
            }
            foreach (var r in reps.Take(5))
            {
                var col = map.StatementColumn(r.StatementId);
                var inside = map.GroupVotes[g.Id][col];
                var outside = Outside(map, g.Id, col);
                var word = r.Agree ? "agree 赞同" : "disagree 反对";
                w.WriteLine($"    {(r.Agree ? "+" : "-")} [{r.StatementId}] {Text(conv, r.StatementId)}");
                w.WriteLine($"        {Pct(r.Agree ? inside.Agree : inside.Disagree, inside.Seen)} {word} in group 组内 " +
                            $"({N(inside.Seen)} votes) vs {Pct(r.Agree ? outside.Agree : outside.Disagree, outside.Seen)} outside 组外");
            }
        }
        w.WriteLine();
        foreach (var (label, list, agree) in new[] { ("Consensus, agree 共识（赞同）", map.ConsensusAgree, true), ("Consensus, disagree 共识（反对）", map.ConsensusDisagree, false) })
        {
            w.WriteLine($"{label}: {list.Count}");
            foreach (var c in list)
                w.WriteLine($"  [{c.StatementId}] {Text(conv, c.StatementId)} — {Pct(c.NSuccess, c.NTrials)} {(agree ? "agree" : "disagree")} of {N(c.NTrials)} votes");
        }
        if (conv.PolisGroups.Count > 0)
        {
            var (ari, common) = AriVsPolis(map, conv.PolisGroups);
            w.WriteLine();
            w.WriteLine($"Polis: {conv.PolisGroups.Values.Distinct().Count()} groups 群组; adjusted Rand index vs Polis 与 Polis 分组的调整兰德指数: " +
                        $"{F3(ari)} over {N(common)} participants both clustered");
        }
    }

    private static void Replay(PolisConversation conv, OpinionMap cold, int? every, TextWriter w)
    {
        var history = conv.History;
        var step = every ?? ConsensusReplay.DefaultBatch(history.Count);
        var steps = (history.Count + step - 1) / step;
        var moderated = Enumerable.Range(0, conv.Matrix.StatementIds.Count).Where(conv.Matrix.IsModeratedOut).Select(c => conv.Matrix.StatementIds[c]).ToArray();
        var sw = Stopwatch.StartNew();
        var map = ConsensusReplay.Run(history, moderated, step, new ConsensusOptions { MetaStatements = conv.MetaStatements });
        var elapsed = sw.Elapsed.TotalSeconds;
        w.WriteLine();
        w.WriteLine($"Replay 历史回放: {N(history.Count)} timestamped votes, recomputed warm every {N(step)} votes ({N(steps)} updates, k smoother), " +
                    $"{elapsed.ToString("0.0", CultureInfo.InvariantCulture)} s");
        w.WriteLine($"  final map: {map.Groups.Count} groups ({string.Join(", ", map.Groups.Select(g => N(g.Members.Length)))}), in-conv {N(map.InConv.Length)}");
        var vsCold = AdjustedRandIndex(map, cold);
        w.WriteLine($"  adjusted Rand index vs the cold run 与冷启动结果: {F3(vsCold.Ari)} over {N(vsCold.Common)} participants");
        if (conv.PolisGroups.Count > 0)
        {
            var (ari, common) = AriVsPolis(map, conv.PolisGroups);
            w.WriteLine($"  adjusted Rand index vs Polis 与 Polis: {F3(ari)} over {N(common)} participants (Polis: {conv.PolisGroups.Values.Distinct().Count()} groups, " +
                        $"{N(conv.PolisGroups.Count)} clustered)");
            var fresh = ConsensusEngine.Compute(conv.Matrix, null, new ConsensusOptions { MetaStatements = conv.MetaStatements });
            var (freshAri, freshCommon) = AriVsPolis(fresh, conv.PolisGroups);
            w.WriteLine($"  for comparison, a cold run with the in-conv set computed afresh: {fresh.Groups.Count} groups, in-conv {N(fresh.InConv.Length)}, " +
                        $"adjusted Rand index vs Polis {F3(freshAri)} over {N(freshCommon)} participants");
        }
    }

    /// <summary>Adjusted Rand index (<see cref="Agreement.AdjustedRandIndex"/>) between the map's groups and <paramref name="other"/>, over the participants both clustered.</summary>
    public static (double Ari, int Common) AriVsPolis(OpinionMap map, IReadOnlyDictionary<long, int> other)
    {
        var mine = Groups(map);
        return (Agreement.AdjustedRandIndex(mine, other), mine.Keys.Count(other.ContainsKey));
    }

    /// <summary>Adjusted Rand index between two maps' groups, over the participants both clustered.</summary>
    public static (double Ari, int Common) AdjustedRandIndex(OpinionMap x, OpinionMap y) => AriVsPolis(x, Groups(y));

    /// <summary>Participant id → group id of the clustered participants.</summary>
    public static Dictionary<long, int> Groups(OpinionMap map)
    {
        var groups = new Dictionary<long, int>();
        for (var r = 0; r < map.ParticipantIds.Length; r++)
            if (map.ParticipantGroup[r] >= 0) groups[map.ParticipantIds[r]] = map.ParticipantGroup[r];
        return groups;
    }

    private static VoteCounts Outside(OpinionMap map, int group, int col)
    {
        int agree = 0, disagree = 0, seen = 0;
        for (var h = 0; h < map.GroupVotes.Length; h++)
        {
            if (h == group) continue;
            var c = map.GroupVotes[h][col];
            agree += c.Agree;
            disagree += c.Disagree;
            seen += c.Seen;
        }
        return new VoteCounts(agree, disagree, seen);
    }

    private static string GroupName(int id) => id < 26 ? ((char)('A' + id)).ToString() : id.ToString(CultureInfo.InvariantCulture);

    private static string Text(PolisConversation conv, long statementId)
    {
        if (!conv.StatementTexts.TryGetValue(statementId, out var t) || string.IsNullOrWhiteSpace(t)) return "(no text 无文本)";
        t = string.Join(' ', t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return t.Length <= 120 ? t : t[..119] + "…";
    }

    private static string Pct(int part, int whole) => whole == 0 ? "–" : (100.0 * part / whole).ToString("0", CultureInfo.InvariantCulture) + "%";
    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    private static string F3(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>A bad command line (exit code 2).</summary>
    public sealed class UsageException(string message) : Exception(message);

    /// <summary>Input the verb cannot use: missing folder or file, unreadable export, refused import (exit code 1).</summary>
    public sealed class InputException(string message) : Exception(message);
}

/// <summary>
/// <c>consensus import &lt;folder&gt; --consultation &lt;id&gt;</c>: loads a Polis export into the platform as the deliberation of a
/// consultation, in one transaction: the deliberation (closed: an imported record; question = the consultation's title),
/// every statement with its text and moderation (Polis rejected or meta → rejected, kept; accepted and unmoderated →
/// accepted, since pol.is showed unmoderated statements for voting), one anonymous-style participant per Polis participant
/// (<c>AnonymousKey = polis:&lt;pid&gt;</c>, display name 「Polis 参与者 pid」) and the latest vote per participant and statement,
/// dated from the vote log when the export has one. Statements and participants go through EF Core; the votes are bulk
/// inserted (PostgreSQL binary COPY, SQLite one prepared statement) in the same transaction.
/// </summary>
public static class ConsensusImport
{
    /// <summary>Longest statement text stored (the column's length); longer Polis comments are cut with an ellipsis.</summary>
    public const int MaxText = 600;

    /// <summary>Runs the import; returns the exit code (0 done, 1 refused: unknown consultation, one that has a deliberation, bad export).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string folder, int consultationId, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var conv = ConsensusCli.Load(folder);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Infrastructure.Data.AppDbContext>();
        var clock = scope.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        var sw = Stopwatch.StartNew();
        var result = await ImportAsync(db, conv, consultationId, clock, ct);
        output.WriteLine($"Imported 已导入: deliberation 议政 #{result.DeliberationId} of consultation 协商 #{consultationId} from {folder} ({conv.Source}): " +
                         $"{result.Participants:N0} participants 参与者, {result.Statements:N0} statements 观点 ({result.Rejected:N0} rejected 已屏蔽" +
                         (result.Truncated > 0 ? $", {result.Truncated:N0} texts cut to {MaxText} characters" : "") +
                         $"), {result.Votes:N0} votes 投票 in {sw.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        // The imported deliberation is closed (as of its last vote), so the map job, which follows open deliberations, would
        // never draw its map: compute it here, the same way the job does.
        var map = Stopwatch.StartNew();
        if (!await DeliberationMaps.RecomputeAsync(db, result.DeliberationId, clock, ct))
        {
            error.WriteLine($"consensus: the opinion map of deliberation #{result.DeliberationId} is being computed by a running app; it will appear there / 意见地图正由运行中的平台计算");
            return 0;
        }
        var groups = await db.DeliberationMaps.AsNoTracking().Where(m => m.DeliberationId == result.DeliberationId).Select(m => m.Data).FirstAsync(ct);
        output.WriteLine($"Opinion map 意见地图: {DeliberationMapData.ReadData(groups)?.Groups.Count ?? 0} groups 个意见组, " +
                         $"computed in {map.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; page /deliberations/{result.DeliberationId}/map");
        return 0;
    }

    /// <summary>What an import added.</summary>
    public sealed record Result(int DeliberationId, int Participants, int Statements, int Rejected, int Votes, int Truncated);

    /// <summary>Imports <paramref name="conv"/> as the deliberation of consultation <paramref name="consultationId"/> (one transaction).</summary>
    /// <exception cref="ConsensusCli.InputException">Unknown consultation, or it already has a deliberation.</exception>
    public static async Task<Result> ImportAsync(Infrastructure.Data.AppDbContext db, PolisConversation conv, int consultationId, TimeProvider clock, CancellationToken ct = default)
    {
        var consultation = await db.Consultations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == consultationId, ct)
            ?? throw new ConsensusCli.InputException($"consultation {consultationId} not found / 协商 {consultationId} 不存在");
        if (await db.Deliberations.AnyAsync(d => d.ConsultationId == consultationId, ct))
            throw new ConsensusCli.InputException($"consultation {consultationId} already has a deliberation; nothing imported / 协商 {consultationId} 已有网络议政，未导入");

        var now = clock.GetUtcNow();
        var m = conv.Matrix;
        // Latest timestamp per (participant, statement) from the vote log, when there is one.
        var stamps = new Dictionary<(long, long), long>();
        foreach (var h in conv.History) stamps[(h.Vote.Participant, h.Vote.Statement)] = h.Timestamp;
        DateTimeOffset When(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
        var first = conv.History.Count > 0 ? When(conv.History[0].Timestamp) : now;
        var last = conv.History.Count > 0 ? When(conv.History[^1].Timestamp) : now;

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var deliberation = new Deliberation
            {
                ConsultationId = consultation.Id,
                CommitteeId = consultation.CommitteeId,
                CommitteePath = consultation.CommitteePath,
                Question = Cut(consultation.Title, 500),
                Status = DeliberationStatus.Closed,
                Visibility = DeliberationVisibility.Members,
                AllowAnonymous = false,
                InviteToken = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_'),
                CreatedBy = "import",
                CreatedAt = now,
                UpdatedAt = now,
                OpenedAt = first,
                ClosedAt = last,
            };
            db.Deliberations.Add(deliberation);
            await db.SaveChangesAsync(ct);

            // Statements: every matrix column and every comment row (ascending Polis id).
            var statementIds = m.StatementIds.Concat(conv.StatementTexts.Keys).Distinct().Order().ToArray();
            var moderatedOut = new HashSet<long>(Enumerable.Range(0, m.StatementIds.Count).Where(m.IsModeratedOut).Select(c => m.StatementIds[c]));
            var statements = new Dictionary<long, DeliberationStatement>(statementIds.Length);
            int rejected = 0, truncated = 0;
            foreach (var id in statementIds)
            {
                var text = conv.StatementTexts.GetValueOrDefault(id)?.Trim();
                if (string.IsNullOrEmpty(text)) text = $"（Polis 观点 {id}：导出中无文本）";
                var cut = Cut(text, MaxText);
                if (cut.Length != text.Length) truncated++;
                var mod = conv.Moderation.GetValueOrDefault(id);
                var isOut = mod == -1 || moderatedOut.Contains(id);
                if (isOut) rejected++;
                var s = new DeliberationStatement
                {
                    DeliberationId = deliberation.Id,
                    Text = cut,
                    CreatedBy = "import",
                    Status = isOut ? StatementStatus.Rejected : StatementStatus.Accepted,
                    RejectReason = !isOut ? "" : mod == -1 ? "Polis 导入：在 Polis 中被审核屏蔽" : "Polis 导入：元评论（meta），不参与计算",
                    ModeratedBy = mod != 0 || isOut ? "import" : "",
                    ModeratedAt = mod != 0 || isOut ? now : null,
                    CreatedAt = now,
                };
                statements[id] = s;
                db.DeliberationStatements.Add(s);
            }
            var participants = new Dictionary<long, DeliberationParticipant>(m.ParticipantIds.Count);
            foreach (var pid in m.ParticipantIds)
            {
                var p = new DeliberationParticipant
                {
                    DeliberationId = deliberation.Id,
                    AnonymousKey = $"polis:{pid}",
                    DisplayName = Cut($"Polis 参与者 {pid}", 64),
                    CreatedAt = now,
                };
                participants[pid] = p;
                db.DeliberationParticipants.Add(p);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();

            var votes = 0;
            var rows = m.AllVotes().Select(v =>
            {
                votes++;
                return (participants[v.Participant].Id, statements[v.Statement].Id, (short)v.Value,
                        stamps.TryGetValue((v.Participant, v.Statement), out var ms) ? When(ms) : now);
            });
            await BulkInsertVotesAsync(db, deliberation.Id, rows, ct);
            await tx.CommitAsync(ct);
            return new Result(deliberation.Id, participants.Count, statements.Count, rejected, votes, truncated);
        });
    }

    private static async Task BulkInsertVotesAsync(Infrastructure.Data.AppDbContext db, int deliberationId,
        IEnumerable<(int Participant, int Statement, short Value, DateTimeOffset At)> rows, CancellationToken ct)
    {
        var entity = db.Model.FindEntityType(typeof(DeliberationVote))!;
        var table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        string Col(string property) => entity.FindProperty(property)!.GetColumnName(store)!;
        var columns = new[] { nameof(DeliberationVote.DeliberationId), nameof(DeliberationVote.ParticipantId), nameof(DeliberationVote.StatementId),
                              nameof(DeliberationVote.Value), nameof(DeliberationVote.UpdatedAt) }.Select(c => $"\"{Col(c)}\"").ToArray();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        if (connection is Npgsql.NpgsqlConnection pg)
        {
            await using var w = await pg.BeginBinaryImportAsync($"COPY \"{table}\" ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var (participant, statement, value, at) in rows)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(deliberationId, NpgsqlTypes.NpgsqlDbType.Integer, ct);
                await w.WriteAsync(participant, NpgsqlTypes.NpgsqlDbType.Integer, ct);
                await w.WriteAsync(statement, NpgsqlTypes.NpgsqlDbType.Integer, ct);
                await w.WriteAsync(value, NpgsqlTypes.NpgsqlDbType.Smallint, ct);
                await w.WriteAsync(at.ToUniversalTime(), NpgsqlTypes.NpgsqlDbType.TimestampTz, ct);
            }
            await w.CompleteAsync(ct);
            return;
        }
        // SQLite: one prepared INSERT in the transaction; DateTimeOffset as UTC ticks (SqliteAppDbContext's converter).
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns)}) VALUES ($d, $p, $s, $v, $t)";
        var parameters = new[] { "$d", "$p", "$s", "$v", "$t" }.Select(n =>
        {
            var p = cmd.CreateParameter();
            p.ParameterName = n;
            cmd.Parameters.Add(p);
            return p;
        }).ToArray();
        parameters[0].Value = deliberationId;
        await cmd.PrepareAsync(ct);
        foreach (var (participant, statement, value, at) in rows)
        {
            parameters[1].Value = participant;
            parameters[2].Value = statement;
            parameters[3].Value = value;
            parameters[4].Value = at.UtcTicks;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var end = max - 1;
        if (char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end] + "…";
    }
}
