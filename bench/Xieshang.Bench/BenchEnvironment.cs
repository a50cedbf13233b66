using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Xieshang.Bench;

/// <summary>Where things are (repository, the app's build output) and the facts about the machine a result needs.</summary>
public static class BenchEnvironment
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The repository root: the first folder upwards holding <c>Xieshang.slnx</c>.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// The app's dll, built in the bench's own configuration by the project reference
    /// (<c>dotnet run -c Release --project bench/Xieshang.Bench</c> builds <c>src/Xieshang.Web</c> in Release too).
    /// </summary>
    public static string AppDll => Path.Combine(RepoRoot, "src", "Xieshang.Web", "bin", Configuration, "net10.0", "Xieshang.Web.dll");

    /// <summary>A TCP port on loopback that is free now.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>One line per fact: date, CPU, cores, memory, OS, .NET, load average and git commit.</summary>
    public static IEnumerable<string> Describe()
    {
        yield return $"date (UTC): {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}";
        yield return Environment.GetEnvironmentVariable("XIESHANG_BENCH_COMMIT") is { Length: > 0 } commit
            ? $"app: commit {commit} (exported by bench/run.sh, without uncommitted work)"
            : $"app: working tree at {Run("git", $"-C {RepoRoot} log -1 --format=%h").Trim()}"
              + (Run("git", $"-C {RepoRoot} status --porcelain -- src").Length > 0 ? " with uncommitted changes in src/" : "");
        yield return $"CPU: {CpuModel()}; {Environment.ProcessorCount} logical cores";
        yield return $"RAM: {MemTotalGiB():0.0} GiB";
        yield return $"OS: {OsName()} ({RuntimeInformation.OSDescription})";
        yield return $".NET: {RuntimeInformation.FrameworkDescription}; bench and app built {Configuration}";
        yield return $"load average before the run: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?")}";
    }

    /// <summary>Runs a program and returns its standard output (empty when it cannot be started).</summary>
    public static string Run(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    private static string CpuModel()
    {
        var line = Run("lscpu", "").Split('\n').FirstOrDefault(l => l.StartsWith("Model name:", StringComparison.Ordinal));
        return line is null ? "?" : line["Model name:".Length..].Trim();
    }

    private static double MemTotalGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? 0 : long.Parse(kb) / 1024.0 / 1024.0;
    }

    private static string OsName()
    {
        var line = File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) : null;
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Xieshang.slnx"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Xieshang.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (Xieshang.slnx) above the bench's folder or the current folder.");
    }
}
