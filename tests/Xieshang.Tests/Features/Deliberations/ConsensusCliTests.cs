using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Consensus;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Deliberations;

namespace Xieshang.Tests.Features.Deliberations;

/// <summary>The <c>consensus analyze</c> verb on the real Polis exports: summary, JSON with the input's ids, errors.</summary>
public sealed class ConsensusCliTests
{
    private static async Task<(int Code, string Out, string Err)> RunInProcessAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConsensusCli.RunAsync(null, ["consensus", .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the app's dll as the README's command does (Program.cs dispatches the verb), without a database.</summary>
    private static async Task<(int Code, string Out, string Err)> RunProcessAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll"));
        psi.ArgumentList.Add("consensus");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Database__Provider"] = "Sqlite";
        psi.Environment["ConnectionStrings__Default"] = Path.Combine(Path.GetTempPath(), $"xs-cli-{Guid.NewGuid():N}.db");
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "consensus verb did not exit");
        return (p.ExitCode, await output, await errors);
    }

    /// <summary>First column of participants-votes.csv: the participant ids of an openData export.</summary>
    private static HashSet<long> CsvParticipants(string folder) =>
        File.ReadLines(Path.Combine(folder, "participants-votes.csv")).Skip(1).Select(l => long.Parse(l[..l.IndexOf(',')])).ToHashSet();

    /// <summary>The comment-id columns of participants-votes.csv (after the fixed columns).</summary>
    private static HashSet<long> CsvStatements(string folder)
    {
        var header = File.ReadLines(Path.Combine(folder, "participants-votes.csv")).First().Split(',');
        return header.SkipWhile(h => h != "n-disagree").Skip(1).Select(long.Parse).ToHashSet();
    }

    private static long[] Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    [Fact]
    public async Task Analyze_prints_groups_and_consensus_and_writes_the_issue_json_with_the_exports_ids()
    {
        var folder = PolisData.Folder("polis-opendata", "bg2050-volunteers");
        var json = Path.Combine(Path.GetTempPath(), $"xs-consensus-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, error) = await RunInProcessAsync("analyze", folder, "--json", json);
            Assert.True(code == 0, error);

            // Summary: counts, groups with sizes and representative statements with text and % agree, consensus, Polis comparison.
            Assert.Contains("participants 参与者: 126", output);
            Assert.Contains("Groups 意见群组: 2", output);
            Assert.Contains("Group 群组 A (id 0):", output);
            Assert.Contains("Group 群组 B (id 1):", output);
            Assert.Matches(@"\d+% agree 赞同 in group 组内", output);
            Assert.Contains("Consensus, agree 共识（赞同）", output);
            Assert.Contains("Polis: 2 groups", output);
            Assert.Matches(@"adjusted Rand index vs Polis 与 Polis 分组的调整兰德指数: (0\.9\d\d|1\.000)", output);

            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = doc.RootElement;
            foreach (var key in new[] { "participants", "statements", "votes", "inConv", "groups", "consensus", "repness", "groupInformedConsensus", "pca", "seconds" })
                Assert.True(root.TryGetProperty(key, out _), $"JSON lacks \"{key}\"");
            var participants = CsvParticipants(folder);
            var statements = CsvStatements(folder);
            Assert.Equal(participants.Count, root.GetProperty("participants").GetInt32());
            Assert.Equal(14_283, root.GetProperty("votes").GetInt32()); // SOURCE.md: 14,283 final votes
            var inConv = Ids(root.GetProperty("inConv"));
            Assert.NotEmpty(inConv);
            Assert.Subset(participants, inConv.ToHashSet());
            var groups = root.GetProperty("groups").EnumerateArray().ToArray();
            Assert.Equal(2, groups.Length);
            var members = groups.SelectMany(g => Ids(g.GetProperty("members"))).ToArray();
            Assert.Equal(members.Length, members.Distinct().Count());
            Assert.Equal(inConv.Order(), members.Order());
            var consensus = root.GetProperty("consensus");
            var agree = Ids(consensus.GetProperty("agree"));
            Assert.NotEmpty(agree);
            Assert.Subset(statements, agree.Concat(Ids(consensus.GetProperty("disagree"))).ToHashSet());
            foreach (var g in root.GetProperty("repness").EnumerateObject())
            {
                Assert.Contains(int.Parse(g.Name), groups.Select(x => x.GetProperty("id").GetInt32()));
                foreach (var r in g.Value.EnumerateArray())
                {
                    Assert.Contains(r.GetProperty("statementId").GetInt64(), statements);
                    Assert.Contains(r.GetProperty("direction").GetString(), new[] { "agree", "disagree" });
                    foreach (var k in new[] { "pa", "pat", "ra", "rat" }) Assert.True(r.GetProperty(k).GetDouble() > 0, k);
                }
            }
            var gic = root.GetProperty("groupInformedConsensus").EnumerateObject().ToArray();
            Assert.NotEmpty(gic);
            Assert.All(gic, p => Assert.Contains(long.Parse(p.Name), statements));
            var pca = root.GetProperty("pca");
            Assert.Equal(root.GetProperty("statements").GetInt32(), pca.GetProperty("center").GetArrayLength());
            Assert.Equal(2, pca.GetProperty("comps").GetArrayLength());
            // A consensus statement's text is printed with its id.
            var text = PolisExport.Load(folder).StatementTexts[agree[0]];
            Assert.Contains($"[{agree[0]}] {string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))[..Math.Min(40, text.Length)]}", output);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Analyze_reads_polis_json_folders_with_their_pids_and_tids()
    {
        var folder = PolisData.Folder("polis-golden", "below-100-ptpts");
        var json = Path.Combine(Path.GetTempPath(), $"xs-consensus-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, error) = await RunInProcessAsync("analyze", folder, "--json", json, "--fresh-in-conv");
            Assert.True(code == 0, error);
            Assert.Contains("(computed from the votes)", output);
            using var votes = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "votes.json")));
            var pids = votes.RootElement.EnumerateArray().Select(v => v.GetProperty("pid").GetInt64()).ToHashSet();
            var tids = votes.RootElement.EnumerateArray().Select(v => v.GetProperty("tid").GetInt64()).ToHashSet();
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = doc.RootElement;
            Assert.Equal(pids.Count, root.GetProperty("participants").GetInt32());
            Assert.Subset(pids, Ids(root.GetProperty("inConv")).ToHashSet());
            Assert.Subset(tids, root.GetProperty("groupInformedConsensus").EnumerateObject().Select(p => long.Parse(p.Name)).ToHashSet());
            Assert.NotEmpty(root.GetProperty("groups").EnumerateArray());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task The_app_runs_analyze_with_replay_as_a_process()
    {
        var folder = PolisData.Folder("polis-opendata", "london.youth.policing");
        var json = Path.Combine(Path.GetTempPath(), $"xs-consensus-{Guid.NewGuid():N}.json");
        try
        {
            var (code, output, error) = await RunProcessAsync("analyze", folder, "--json", json, "--replay");
            Assert.True(code == 0, output + error);
            Assert.Contains("Groups 意见群组:", output);
            Assert.Contains("Replay 历史回放: 640 timestamped votes, recomputed warm every 20 votes (32 updates, k smoother)", output);
            Assert.Contains("adjusted Rand index vs the cold run", output);
            Assert.Contains("adjusted Rand index vs Polis 与 Polis:", output);
            Assert.DoesNotContain("Now listening", output);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal(CsvParticipants(folder).Count, doc.RootElement.GetProperty("participants").GetInt32());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task A_missing_folder_fails_with_a_clear_message_and_a_non_zero_exit_code()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"xs-no-such-{Guid.NewGuid():N}");
        var (code, output, error) = await RunProcessAsync("analyze", missing, "--json", Path.Combine(missing, "out.json"));
        Assert.Equal(1, code);
        Assert.Contains($"folder not found: {missing}", error);
        Assert.Contains("找不到目录", error);
        Assert.DoesNotContain("Exception", error);
        Assert.Empty(output);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task A_folder_without_a_votes_file_fails_and_writes_no_json()
    {
        var folder = Directory.CreateTempSubdirectory("xs-novotes.").FullName;
        try
        {
            File.Copy(Path.Combine(PolisData.Folder("polis-opendata", "london.youth.policing"), "comments.csv"), Path.Combine(folder, "comments.csv"));
            var json = Path.Combine(folder, "out.json");
            var (code, _, error) = await RunInProcessAsync("analyze", folder, "--json", json);
            Assert.Equal(1, code);
            Assert.Contains("no votes file", error);
            Assert.Contains("没有投票文件", error);
            Assert.False(File.Exists(json));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public async Task Replay_without_a_vote_log_and_bad_command_lines_are_refused()
    {
        // bowling-green has no votes.csv (SOURCE.md): nothing to replay.
        var (code, _, error) = await RunInProcessAsync("analyze", PolisData.Folder("polis-opendata", "american-assembly.bowling-green"), "--replay");
        Assert.Equal(1, code);
        Assert.Contains("--replay needs timestamped votes", error);

        (code, _, error) = await RunInProcessAsync("analyze");
        Assert.Equal(2, code);
        Assert.Contains("analyze needs a folder", error);
        (code, _, error) = await RunInProcessAsync("analyze", "x", "--json");
        Assert.Equal(2, code);
        Assert.Contains("--json needs a value", error);
        (code, _, error) = await RunInProcessAsync("frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("unknown verb", error);
        (code, _, error) = await RunInProcessAsync("import", "x");
        Assert.Equal(2, code);
        Assert.Contains("--consultation", error);
    }
}

/// <summary><c>consensus import</c>: an export becomes a consultation's deliberation; counts match; refusals change nothing.</summary>
public abstract class ConsensusImportTests(AppFactory app)
{
    private async Task<int> NewConsultationAsync(string title) => await app.WithDbAsync(async db =>
    {
        var committee = await db.Committees.FirstAsync(c => c.Code == "520200");
        var c = new Consultation
        {
            CommitteeId = committee.Id, CommitteePath = committee.Path, Title = title, Type = ConsultationType.Online,
            CreatedBy = "staff.520200", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Consultations.Add(c);
        await db.SaveChangesAsync();
        return c.Id;
    });

    private async Task<(int Code, string Out, string Err)> ImportAsync(string folder, int consultation)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConsensusCli.RunAsync(app.Services, ["consensus", "import", folder, "--consultation", consultation.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private Task<(int Deliberations, int Participants, int Statements, int Votes)> CountsAsync() => app.WithDbAsync(async db =>
        (await db.Deliberations.CountAsync(), await db.DeliberationParticipants.CountAsync(), await db.DeliberationStatements.CountAsync(), await db.DeliberationVotes.CountAsync()));

    [Fact]
    public async Task Import_loads_statements_participants_and_votes_in_the_exports_numbers()
    {
        var folder = PolisData.Folder("polis-opendata", "bg2050-volunteers");
        var export = PolisExport.Load(folder);
        var id = await NewConsultationAsync("导入测试：2050 年的保龄格林");
        var before = await CountsAsync();

        var (code, output, error) = await ImportAsync(folder, id);
        Assert.True(code == 0, error);
        Assert.Contains($"of consultation 协商 #{id}", output);

        var statementIds = export.Matrix.StatementIds.Concat(export.StatementTexts.Keys).Distinct().Count();
        var after = await CountsAsync();
        Assert.Equal(before.Deliberations + 1, after.Deliberations);
        Assert.Equal(before.Participants + export.Matrix.ParticipantIds.Count, after.Participants);
        Assert.Equal(before.Statements + statementIds, after.Statements);
        Assert.Equal(before.Votes + export.Matrix.VoteCount, after.Votes);

        await app.WithDbAsync(async db =>
        {
            var d = await db.Deliberations.SingleAsync(x => x.ConsultationId == id);
            Assert.Equal("导入测试：2050 年的保龄格林", d.Question);
            Assert.Equal(DeliberationStatus.Closed, d.Status);
            var rejected = await db.DeliberationStatements.CountAsync(s => s.DeliberationId == d.Id && s.Status == StatementStatus.Rejected);
            var rejectedInExport = export.Matrix.StatementIds.Where((_, c) => export.Matrix.IsModeratedOut(c))
                .Concat(export.Moderation.Where(kv => kv.Value == -1).Select(kv => kv.Key)).Distinct().Count();
            Assert.Equal(rejectedInExport, rejected);
            Assert.True(rejected > 0);
            Assert.All(await db.DeliberationStatements.Where(s => s.DeliberationId == d.Id && s.Status == StatementStatus.Rejected).ToListAsync(),
                s => Assert.StartsWith("Polis 导入", s.RejectReason));
            // Texts, and the agree / disagree / pass totals per statement, as in the export.
            var texts = await db.DeliberationStatements.Where(s => s.DeliberationId == d.Id).Select(s => s.Text).ToListAsync();
            Assert.Contains(export.StatementTexts[27].Trim(), texts);
            var agrees = await db.DeliberationVotes.CountAsync(v => v.DeliberationId == d.Id && v.Value == 1);
            var disagrees = await db.DeliberationVotes.CountAsync(v => v.DeliberationId == d.Id && v.Value == -1);
            var all = export.Matrix.AllVotes().ToList();
            Assert.Equal(all.Count(v => v.Value == 1), agrees);
            Assert.Equal(all.Count(v => v.Value == -1), disagrees);
            // Votes carry the vote log's time (2024), not the import's.
            var newest = await db.DeliberationVotes.Where(v => v.DeliberationId == d.Id).MaxAsync(v => v.UpdatedAt);
            Assert.Equal(2024, newest.UtcDateTime.Year);
            var keys = await db.DeliberationParticipants.Where(p => p.DeliberationId == d.Id).Select(p => p.AnonymousKey).ToListAsync();
            Assert.All(keys, k => Assert.StartsWith("polis:", k));
            return 0;
        });

        // The map is drawn at once (the deliberation is closed, so the map job would not): bg2050's two groups.
        Assert.Contains("Opinion map 意见地图: 2 groups", output);
        Assert.Equal(export.Matrix.VoteCount, await app.WithDbAsync(async db =>
            await db.DeliberationMaps.Where(m => db.Deliberations.Any(x => x.Id == m.DeliberationId && x.ConsultationId == id)).Select(m => m.Votes).SingleAsync()));

        // A second import into the same consultation is refused and changes nothing.
        (code, _, error) = await ImportAsync(folder, id);
        Assert.Equal(1, code);
        Assert.Contains("already has a deliberation", error);
        Assert.Contains("已有网络议政", error);
        Assert.Equal(after, await CountsAsync());
    }

    [Fact]
    public async Task Import_refuses_an_unknown_consultation_and_a_missing_folder()
    {
        var before = await CountsAsync();
        var (code, _, error) = await ImportAsync(PolisData.Folder("polis-opendata", "london.youth.policing"), 999_999);
        Assert.Equal(1, code);
        Assert.Contains("consultation 999999 not found", error);
        Assert.Contains("协商 999999 不存在", error);

        var id = await NewConsultationAsync("导入测试：目录不存在");
        (code, _, error) = await ImportAsync(Path.Combine(Path.GetTempPath(), $"xs-no-such-{Guid.NewGuid():N}"), id);
        Assert.Equal(1, code);
        Assert.Contains("找不到目录", error);
        Assert.Equal(before, await CountsAsync());
    }
}

public sealed class ConsensusImportSqliteTests(SqliteAppFactory f) : ConsensusImportTests(f), IClassFixture<SqliteAppFactory>;
public sealed class ConsensusImportPostgresTests(PostgresAppFactory f) : ConsensusImportTests(f), IClassFixture<PostgresAppFactory>;
