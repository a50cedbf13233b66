using System.Globalization;
using Xieshang.Bench;

// Benchmarks of the running app (docs/benchmarks.md). Not tests: ./test.sh does not run them.
//   dotnet run -c Release --project bench/Xieshang.Bench -- import  [--rows 10000] [--iterations 5] [--providers Sqlite,PostgreSQL] [--committee 520204] [--attempts 3]
//   dotnet run -c Release --project bench/Xieshang.Bench -- members [--members 650000] [--workers 32] [--warmup 5] [--duration 20]
//                                                                  [--mixes ping,city,national,city-pinyin,all,national-pinyin] [--attempts 3] [--app-cs "Maximum Pool Size=8"] [--sql "CREATE INDEX …"] [--sql-log] [--keep]
//   dotnet run -c Release --project bench/Xieshang.Bench -- duty    [--members 650000] [--records 30] [--year 2025] [--rule attend.plenary] [--points 10]
//                                                                  [--city 520200] [--override-rule attend.activity] [--override-points 5] [--override-from 2025-07-01] [--command-timeout 30] [--fillfactor 100]
//   dotnet run -c Release --project bench/Xieshang.Bench -- balance [--province 520000] [--ballast 510000] [--members 650000] [--year 2025] [--records 30]
//                                                                  [--workers 1] [--warmup 5] [--duration 20] [--mixes province,city,county,xlsx] [--attempts 3]
//   dotnet run -c Release --project bench/Xieshang.Bench -- doors   [--members 1000] [--seconds 60] [--burst 0.3] [--rescans 0.1] [--desk 0.05] [--committee 520200] [--attempts 3]
//   dotnet run -c Release --project bench/Xieshang.Bench -- quality [--misses]   (similar-proposal P@5 on the labelled corpus; no database)
//   dotnet run -c Release --project bench/Xieshang.Bench -- search  [--proposals 1000000] [--workers 4] [--warmup 5] [--duration 20] [--attempts 3]
//                                                                  [--mixes list-city,search-city,search-city-status,search-national,search-national-two,search-county]
//   dotnet run -c Release --project bench/Xieshang.Bench -- similar [--proposals 200000] [--queries 2000] [--top 10]   (in process, no database)
//   dotnet run -c Release --project bench/Xieshang.Bench -- consensus [--cases bowling-green,33k,100k,warm] [--runs N] [--reference-runs N] [--data ../shared/data]
//                                                                  (the opinion-map engine, each case in a child process; no database)
//   dotnet run -c Release --project bench/Xieshang.Bench -- province [--committees 100] [--members 20000] [--years 5] [--proposals 60000] [--records 20] [--accounts 5000] [--province 520000]
//                                                                  (generates the province into a fresh database; XIESHANG_BENCH_POSTGRES keeps it)
//   dotnet run -c Release --project bench/Xieshang.Bench -- plenary [--instances 1|2|both] [--minutes 10] [--signins 5000] [--checkins 1000] [--checkin-seconds 60]
//                                                                  [--proposers 300] [--staff 20] [--refresh 10] [--boards 3] [--app-env K=V,…] (+ the province options)
// Each run starts its own throwaway PostgreSQL cluster (or uses XIESHANG_BENCH_POSTGRES) and the app as a child process,
// and prints a Markdown table at the end. Work files and the app's logs go to a temporary folder printed first.

if (args.Length > 0 && args[0] == "consensus-child")
    return ConsensusBench.RunChild(args);

if (args.Length > 0 && args[0] == "quality")
{
    QualityBench.Run(args.Contains("--misses"));
    return 0;
}

if (args.Length == 0 || args[0] is not ("province" or "plenary" or "import" or "members" or "duty" or "doors" or "balance" or "search" or "similar" or "consensus"))
{
    Console.Error.WriteLine("usage: Xieshang.Bench province|plenary|import|members|duty|doors|balance|search|similar|consensus|quality [options]   (see docs/benchmarks.md)");
    return 2;
}

string? Opt(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntOpt(string name, int fallback) => Opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
string[]? ListOpt(string name) => Opt(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

var workDir = Directory.CreateTempSubdirectory("xs-bench.").FullName;
Console.WriteLine($"# Xieshang.Bench {args[0]}");
foreach (var line in BenchEnvironment.Describe()) Console.WriteLine(line);
Console.WriteLine($"work folder: {workDir}");
#if DEBUG
Console.WriteLine("WARNING: a Debug build; benchmark numbers need -c Release.");
#endif

if (args[0] == "province")
{
    var (pg, cs, _) = await AppDatabase.CreateAsync("xs_bench_province", workDir, "app-province.log", stopApp: true);
    await using (pg) await ProvinceData.GenerateAsync(cs, ProvinceData.Parse(Opt));
}
else if (args[0] == "plenary")
{
    await PlenaryBench.RunAsync(ProvinceData.Parse(Opt), PlenaryBench.Parse(Opt), workDir);
}
else if (args[0] == "consensus")
{
    await ConsensusBench.RunAsync(new ConsensusBenchOptions(
        Cases: ListOpt("--cases"),
        Runs: Opt("--runs") is { } runs ? int.Parse(runs, CultureInfo.InvariantCulture) : null,
        ReferenceRuns: Opt("--reference-runs") is { } refRuns ? int.Parse(refRuns, CultureInfo.InvariantCulture) : null,
        DataDir: Opt("--data")), workDir);
}
else if (args[0] == "similar")
{
    SearchBench.RunSimilar(new SimilarBenchOptions(IntOpt("--proposals", 200_000), IntOpt("--queries", 2000), IntOpt("--top", 10)));
}
else if (args[0] == "search")
{
    await SearchBench.RunAsync(new SearchBenchOptions(
        Proposals: IntOpt("--proposals", 1_000_000),
        Workers: IntOpt("--workers", 4),
        WarmupSeconds: IntOpt("--warmup", 5),
        DurationSeconds: IntOpt("--duration", 20),
        Mixes: ListOpt("--mixes"),
        Attempts: IntOpt("--attempts", 3)), workDir);
}
else if (args[0] == "import")
{
    await ImportBench.RunAsync(new ImportOptions(
        Rows: IntOpt("--rows", 10_000),
        Iterations: IntOpt("--iterations", 5),
        Providers: ListOpt("--providers"),
        Committee: Opt("--committee") ?? "520204",
        Attempts: IntOpt("--attempts", 3)), workDir);
}
else if (args[0] == "duty")
{
    await DutyBench.RunAsync(new DutyOptions(
        Members: IntOpt("--members", 650_000),
        RecordsPerMember: IntOpt("--records", 30),
        Year: IntOpt("--year", 2025),
        Rule: Opt("--rule") ?? "attend.plenary",
        Points: decimal.Parse(Opt("--points") ?? "10", CultureInfo.InvariantCulture),
        City: Opt("--city") ?? "520200",
        OverrideRule: Opt("--override-rule") ?? "attend.activity",
        OverridePoints: decimal.Parse(Opt("--override-points") ?? "5", CultureInfo.InvariantCulture),
        OverrideFrom: Opt("--override-from") is { } from ? DateOnly.ParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        CommandTimeout: IntOpt("--command-timeout", -1),
        FillFactor: Opt("--fillfactor") is { } ff ? int.Parse(ff, CultureInfo.InvariantCulture) : null), workDir);
}
else if (args[0] == "balance")
{
    await BalanceBench.RunAsync(new BalanceBenchOptions(
        Province: Opt("--province") ?? "520000",
        Ballast: ListOpt("--ballast"),
        Members: IntOpt("--members", 650_000),
        Year: IntOpt("--year", 2025),
        RecordsPerMember: IntOpt("--records", 30),
        Workers: IntOpt("--workers", 1),
        WarmupSeconds: IntOpt("--warmup", 5),
        DurationSeconds: IntOpt("--duration", 20),
        Mixes: ListOpt("--mixes"),
        Attempts: IntOpt("--attempts", 3)), workDir);
}
else if (args[0] == "doors")
{
    await DoorsBench.RunAsync(new DoorsOptions(
        Members: IntOpt("--members", 1000),
        Seconds: IntOpt("--seconds", 60),
        Burst: double.Parse(Opt("--burst") ?? "0.3", CultureInfo.InvariantCulture),
        Rescans: double.Parse(Opt("--rescans") ?? "0.1", CultureInfo.InvariantCulture),
        Desk: double.Parse(Opt("--desk") ?? "0.05", CultureInfo.InvariantCulture),
        Committee: Opt("--committee") ?? "520200",
        Attempts: IntOpt("--attempts", 3)), workDir);
}
else
{
    await MembersBench.RunAsync(new MembersOptions(
        Members: IntOpt("--members", 650_000),
        Workers: IntOpt("--workers", 32),
        WarmupSeconds: IntOpt("--warmup", 5),
        DurationSeconds: IntOpt("--duration", 20),
        Mixes: ListOpt("--mixes"),
        SqlLog: args.Contains("--sql-log"),
        KeepRunning: args.Contains("--keep"),
        Attempts: IntOpt("--attempts", 3),
        AppConnectionOptions: Opt("--app-cs"),
        ExtraSql: Opt("--sql")), workDir);
}
return 0;
