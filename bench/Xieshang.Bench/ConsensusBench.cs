using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xieshang.Consensus;

namespace Xieshang.Bench;

/// <summary>Options of the <c>consensus</c> mode.</summary>
/// <param name="Cases">Which cases: bowling-green, 33k, 100k, warm (default all).</param>
/// <param name="Runs">Timed cold runs per case (null: 20 / 7 / 3, and 20 warm updates).</param>
/// <param name="ReferenceRuns">Timed runs of the numpy reference per case (null: 5 / 3 / 1); 0 skips it.</param>
/// <param name="DataDir">The Polis data folder (default: XIESHANG_SHARED_DATA, else the repository's tests/data, else ../shared/data).</param>
public sealed record ConsensusBenchOptions(string[]? Cases, int? Runs, int? ReferenceRuns, string? DataDir);

/// <summary>
/// The consensus engine's benchmark (docs/benchmarks.md "Consensus engine"): cold full recomputes of
/// <see cref="ConsensusEngine.Compute"/> on american-assembly.bowling-green and on synthetic conversations of 2 M and 10 M
/// votes, and warm updates after 100 new votes on the 2 M one. Each case runs in a child process of its own (the bench's
/// <c>consensus-child</c> mode) so that its peak resident set (<c>VmHWM</c>) is its own; the numpy reference
/// (bench/consensus_reference.py) reads the same vote triple file in the same run, also as a child process.
/// </summary>
public static class ConsensusBench
{
    private static readonly string[] AllCases = ["bowling-green", "33k", "100k", "warm"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task RunAsync(ConsensusBenchOptions o, string workDir)
    {
        var cases = o.Cases ?? AllCases;
        var python = FindPython();
        Console.WriteLine($"reference: {(python is null ? "no python3 with numpy found (bench/run.sh installs python3-numpy and python3-scipy)" : python)}");
        var rows = new List<string>();
        var notes = new List<string>();
        foreach (var name in cases)
        {
            var (votesFile, statementsFile) = Prepare(name, workDir, o);
            var runs = o.Runs ?? name switch { "bowling-green" => 20, "33k" => 7, "100k" => 3, _ => 20 };
            await Quiet.WaitAsync(maxWait: TimeSpan.FromMinutes(2));
            var groupsFile = Path.Combine(workDir, $"{name}.cs-groups.txt");
            var c = RunChild(name, votesFile, statementsFile, runs, groupsFile);
            if (c is null)
            {
                rows.Add($"| {name} | child failed (see above) |");
                continue;
            }
            if (name == "warm")
            {
                var total = c.WarmTotalMs.Order().ToArray();
                rows.Add($"| warm: 100 new votes on 33k × 800 (2 M) | {Stats.N(c.Participants)} × {Stats.N(c.Statements)} | {Stats.N(c.Votes)} | {total.Length} updates | " +
                         $"{Stats.F(Stats.Median(total), 1)} ms | {Stats.F(Stats.Percentile(total, 95), 1)} ms | {Stats.F(c.HwmComputeMiB, 0)} MiB | " +
                         $"{Stats.F(c.AllocatedPerRunMiB, 1)} MiB | – | – | k={c.K} |");
                notes.Add($"warm: VoteMatrix.With median {Stats.F(Stats.Median(c.WarmWithMs), 1)} ms (p95 {Stats.F(Stats.Percentile(c.WarmWithMs.Order().ToArray(), 95), 1)}), " +
                          $"Compute median {Stats.F(Stats.Median(c.WarmComputeMs), 1)} ms (p95 {Stats.F(Stats.Percentile(c.WarmComputeMs.Order().ToArray(), 95), 1)}); " +
                          $"cold run before the updates {Stats.F(c.Seconds[0] * 1000, 0)} ms");
                continue;
            }
            var sorted = c.Seconds.Order().ToArray();
            var median = Stats.Median(sorted);
            string refCell = "–", ratioCell = "–", agree = "–";
            var refRuns = o.ReferenceRuns ?? name switch { "bowling-green" => 5, "33k" => 3, _ => 1 };
            if (python is not null && refRuns > 0)
            {
                await Quiet.WaitAsync(maxWait: TimeSpan.FromMinutes(2));
                var pyGroups = Path.Combine(workDir, $"{name}.py-groups.txt");
                var r = RunReference(python, votesFile, statementsFile, refRuns, pyGroups);
                if (r is not null)
                {
                    var refMedian = Stats.Median(r.Seconds);
                    refCell = $"{Stats.F(refMedian * 1000, 0)} ms, {Stats.F(r.PeakRssMib, 0)} MiB";
                    ratioCell = $"{Stats.F(refMedian / median, 1)}×";
                    var ari = GroupsAri(groupsFile, pyGroups);
                    agree = $"k {c.K} / {r.K}, ARI {Stats.F(ari.Ari, 3)}";
                    notes.Add($"{name}: numpy reference runs {string.Join(", ", r.Seconds.Select(s => Stats.F(s * 1000, 0)))} ms (sparse matrix build {Stats.F(r.CsrSeconds * 1000, 0)} ms of each; " +
                              $"{r.Impl}); in-conv {Stats.N(r.InConv)} vs engine {Stats.N(c.InConv)}; group sizes numpy [{string.Join(", ", r.Sizes)}] vs engine [{string.Join(", ", c.Sizes)}]; " +
                              $"ARI between the two over {Stats.N(ari.Common)} participants both clustered");
                }
            }
            rows.Add($"| {name} | {Stats.N(c.Participants)} × {Stats.N(c.Statements)} | {Stats.N(c.Votes)} | {sorted.Length} runs | " +
                     $"{Stats.F(median * 1000, 1)} ms | {Stats.F(Stats.Percentile(sorted, 95) * 1000, 1)} ms | {Stats.F(c.HwmComputeMiB, 0)} MiB (whole process {Stats.F(c.HwmProcessMiB, 0)}) | " +
                     $"{Stats.F(c.AllocatedPerRunMiB, 1)} MiB | {refCell} | {ratioCell} | {agree} |");
            notes.Add($"{name}: load {Stats.F(c.LoadSeconds, 2)} s, VoteMatrix.Build {Stats.F(c.BuildSeconds, 2)} s, managed heap with the matrix {Stats.F(c.HeapMiB, 0)} MiB, " +
                      $"RSS before the runs {Stats.F(c.RssBeforeMiB, 0)} MiB; in-conv {Stats.N(c.InConv)}, groups [{string.Join(", ", c.Sizes)}]");
        }
        Console.WriteLine();
        Console.WriteLine("| case | participants × statements | votes | runs | median | p95 | peak RSS during the runs | allocated per run | numpy reference (median, peak RSS) | reference / engine | engine vs numpy groups |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows) Console.WriteLine(r);
        Console.WriteLine();
        foreach (var n in notes) Console.WriteLine("- " + n);
    }

    /// <summary>Writes the case's vote triple file and statement list (cached in the work folder) and returns their paths.</summary>
    private static (string Votes, string Statements) Prepare(string name, string workDir, ConsensusBenchOptions o)
    {
        var key = name == "warm" ? "33k" : name;
        var votes = Path.Combine(workDir, $"{key}.votes.bin");
        var statements = Path.Combine(workDir, $"{key}.statements.txt");
        if (File.Exists(votes)) return (votes, statements);
        var sw = Stopwatch.StartNew();
        using var w = new BinaryWriter(new BufferedStream(File.Create(votes), 1 << 20));
        long count = 0;
        void Emit(long p, long s, sbyte v)
        {
            w.Write(checked((int)p));
            w.Write(checked((int)s));
            w.Write(v);
            count++;
        }
        if (key == "bowling-green")
        {
            var folder = Path.Combine(DataDir(o), "polis-opendata", "american-assembly.bowling-green");
            var conv = PolisExport.Load(folder);
            foreach (var v in conv.Matrix.AllVotes()) Emit(v.Participant, v.Statement, v.Value);
            File.WriteAllLines(statements, conv.Matrix.StatementIds.Select((id, c) => $"{id} {(conv.Matrix.IsModeratedOut(c) ? 1 : 0)}"));
        }
        else
        {
            var (n, m, v) = Size(key);
            var g = new SyntheticVotes(n, m, Seed);
            g.Generate(v, Seed + 1, (p, s, x) => Emit(p, s, x));
            File.WriteAllLines(statements, Enumerable.Range(0, m).Select(j => $"{j} 0"));
        }
        Console.WriteLine($"input {key}: {Stats.N(count)} votes written to {votes} in {Stats.F(sw.Elapsed.TotalSeconds, 1)} s");
        return (votes, statements);
    }

    private const int Seed = 20261130;

    private static (int Participants, int Statements, long Votes) Size(string key) => key switch
    {
        "33k" => (33_000, 800, 2_000_000),
        "100k" => (100_000, 10_000, 10_000_000),
        _ => throw new ArgumentException($"unknown case {key}"),
    };

    private static string DataDir(ConsensusBenchOptions o) =>
        o.DataDir ?? (Environment.GetEnvironmentVariable("XIESHANG_SHARED_DATA") is { Length: > 0 } env ? env
            : Directory.Exists(Path.Combine(BenchEnvironment.RepoRoot, "tests", "data", "polis-opendata")) ? Path.Combine(BenchEnvironment.RepoRoot, "tests", "data")
            : Path.GetFullPath(Path.Combine(BenchEnvironment.RepoRoot, "..", "shared", "data")));

    private static ChildResult? RunChild(string name, string votes, string statements, int runs, string groupsOut)
    {
        var exe = Environment.ProcessPath!;
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") args.Add(typeof(ConsensusBench).Assembly.Location);
        args.AddRange(["consensus-child", name, votes, statements, runs.ToString(CultureInfo.InvariantCulture), groupsOut]);
        var output = RunProcess(exe, args, out var code);
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (code != 0 || line is null)
        {
            Console.WriteLine($"{name}: child exited with {code}:\n{output}");
            return null;
        }
        var r = JsonSerializer.Deserialize<ChildResult>(line["RESULT ".Length..], Json)!;
        Console.WriteLine($"{name}: engine cold runs {string.Join(", ", r.Seconds.Select(s => Stats.F(s * 1000, 1)))} ms; peak RSS {Stats.F(r.HwmComputeMiB, 0)} MiB");
        return r;
    }

    private static ReferenceResult? RunReference(string python, string votes, string statements, int runs, string groupsOut)
    {
        var script = Path.Combine(BenchEnvironment.RepoRoot, "bench", "consensus_reference.py");
        var output = RunProcess(python, [script, votes, statements, "--runs", runs.ToString(CultureInfo.InvariantCulture), "--groups-out", groupsOut], out var code);
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || line is null)
        {
            Console.WriteLine($"numpy reference exited with {code}:\n{output}");
            return null;
        }
        return JsonSerializer.Deserialize<ReferenceResult>(line, new JsonSerializerOptions(JsonSerializerDefaults.General) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
    }

    private static string RunProcess(string file, IEnumerable<string> args, out int exitCode)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        exitCode = p.ExitCode;
        return output + err.Result;
    }

    private static string? FindPython()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            var psi = new ProcessStartInfo(candidate, ["-c", "import numpy"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            try
            {
                using var p = Process.Start(psi)!;
                p.WaitForExit();
                if (p.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
        return null;
    }

    private static (double Ari, int Common) GroupsAri(string a, string b)
    {
        static Dictionary<long, int> Read(string f) => File.ReadLines(f)
            .Select(l => l.Split(' '))
            .ToDictionary(x => long.Parse(x[0], CultureInfo.InvariantCulture), x => int.Parse(x[1], CultureInfo.InvariantCulture));
        var x = Read(a);
        var y = Read(b);
        return (Agreement.AdjustedRandIndex(x, y), x.Keys.Count(y.ContainsKey));
    }

    // ---- child process -------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>consensus-child &lt;case&gt; &lt;votes.bin&gt; &lt;statements.txt&gt; &lt;runs&gt; &lt;groups-out&gt;</c>: loads the triples, builds the
    /// matrix, collects garbage, resets the peak RSS (<c>/proc/self/clear_refs</c> 5), then times one warm-up and
    /// <c>runs</c> cold computations (or, for <c>warm</c>, one cold run and <c>runs</c> chained updates of 100 votes),
    /// and prints one <c>RESULT {json}</c> line.
    /// </summary>
    public static int RunChild(string[] args)
    {
        var (name, votesFile, statementsFile) = (args[1], args[2], args[3]);
        var runs = int.Parse(args[4], CultureInfo.InvariantCulture);
        var groupsOut = args[5];
        var sw = Stopwatch.StartNew();
        var bytes = File.ReadAllBytes(votesFile);
        var n = bytes.Length / 9;
        var list = new Vote[n];
        for (var i = 0; i < n; i++)
        {
            var o = i * 9;
            list[i] = new Vote(BitConverter.ToInt32(bytes, o), BitConverter.ToInt32(bytes, o + 4), (sbyte)bytes[o + 8]);
        }
        bytes = null;
        var statementLines = File.ReadAllLines(statementsFile).Select(l => l.Split(' ')).ToArray();
        var statements = statementLines.Select(x => long.Parse(x[0], CultureInfo.InvariantCulture)).ToArray();
        var moderated = statementLines.Where(x => x[1] == "1").Select(x => long.Parse(x[0], CultureInfo.InvariantCulture)).ToArray();
        var load = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var matrix = VoteMatrix.Build(list, statements, moderated);
        var build = sw.Elapsed.TotalSeconds;
        list = null;
        var hwmProcess = Proc("VmHWM");
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(true) / 1048576.0;
        ResetPeak();
        var rssBefore = Proc("VmRSS");

        var result = new ChildResult
        {
            Case = name, Participants = matrix.ParticipantIds.Count, Statements = matrix.StatementIds.Count, Votes = matrix.VoteCount,
            LoadSeconds = load, BuildSeconds = build, HwmProcessMiB = hwmProcess, HeapMiB = heap, RssBeforeMiB = rssBefore,
        };
        OpinionMap map;
        long allocated;
        if (name == "warm")
        {
            var t0 = Stopwatch.GetTimestamp();
            map = ConsensusEngine.Compute(matrix);
            result.Seconds = [Stopwatch.GetElapsedTime(t0).TotalSeconds];
            var (p, s, _) = Size("33k");
            var model = new SyntheticVotes(p, s, Seed);
            var r = new Random(Seed + 2);
            var nextNew = (long)p;
            var a0 = GC.GetTotalAllocatedBytes(true);
            for (var u = 0; u < runs; u++)
            {
                // 100 new votes: 80 by existing participants, 20 by newcomers (a live conversation's mix).
                var batch = new Vote[100];
                for (var i = 0; i < batch.Length; i++)
                {
                    var participant = i < 80 ? r.Next(p) : nextNew++;
                    var statement = model.SkewedStatement(r);
                    batch[i] = new Vote(participant, statement, model.Vote(participant, statement, r));
                }
                var w0 = Stopwatch.GetTimestamp();
                var next = matrix.With(batch);
                var w1 = Stopwatch.GetTimestamp();
                map = ConsensusEngine.Compute(next, map.State);
                var w2 = Stopwatch.GetTimestamp();
                matrix = next;
                result.WarmWithMs.Add(Stopwatch.GetElapsedTime(w0, w1).TotalMilliseconds);
                result.WarmComputeMs.Add(Stopwatch.GetElapsedTime(w1, w2).TotalMilliseconds);
                result.WarmTotalMs.Add(Stopwatch.GetElapsedTime(w0, w2).TotalMilliseconds);
            }
            allocated = (GC.GetTotalAllocatedBytes(true) - a0) / Math.Max(1, runs);
        }
        else
        {
            map = ConsensusEngine.Compute(matrix); // warm-up (JIT), not timed
            var a0 = GC.GetTotalAllocatedBytes(true);
            for (var i = 0; i < runs; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                map = ConsensusEngine.Compute(matrix);
                result.Seconds.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
            allocated = (GC.GetTotalAllocatedBytes(true) - a0) / Math.Max(1, runs);
        }
        result.AllocatedPerRunMiB = allocated / 1048576.0;
        result.HwmComputeMiB = Proc("VmHWM");
        result.InConv = map.InConv.Length;
        result.K = map.Groups.Count;
        result.Sizes = map.Groups.Select(g => g.Members.Length).ToList();
        File.WriteAllLines(groupsOut, map.Groups.SelectMany(g => g.Members.Select(m => $"{m} {g.Id}")));
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result, Json));
        return 0;
    }

    /// <summary>A field of <c>/proc/self/status</c> in MiB (VmHWM: peak resident set; VmRSS: current), 0 elsewhere.</summary>
    private static double Proc(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Resets VmHWM to the current resident set (Linux 4.0+: write 5 to clear_refs).</summary>
    private static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed class ChildResult
    {
        public string Case { get; set; } = "";
        public int Participants { get; set; }
        public int Statements { get; set; }
        public int Votes { get; set; }
        public double LoadSeconds { get; set; }
        public double BuildSeconds { get; set; }
        public double HwmProcessMiB { get; set; }
        public double HeapMiB { get; set; }
        public double RssBeforeMiB { get; set; }
        public double HwmComputeMiB { get; set; }
        public double AllocatedPerRunMiB { get; set; }
        public List<double> Seconds { get; set; } = [];
        public List<double> WarmWithMs { get; set; } = [];
        public List<double> WarmComputeMs { get; set; } = [];
        public List<double> WarmTotalMs { get; set; } = [];
        public int InConv { get; set; }
        public int K { get; set; }
        public List<int> Sizes { get; set; } = [];
    }

    private sealed class ReferenceResult
    {
        public string Impl { get; set; } = "";
        public List<double> Seconds { get; set; } = [];
        public double CsrSeconds { get; set; }
        public double PeakRssMib { get; set; }
        public int InConv { get; set; }
        public int K { get; set; }
        public List<int> Sizes { get; set; } = [];
    }
}
