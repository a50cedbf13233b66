namespace Xieshang.Bench;

/// <summary>CPU time of a process tree and of the whole machine, read from <c>/proc</c> (Linux only; zero elsewhere).</summary>
public static class ProcCpu
{
    /// <summary>Busy CPU time of the whole machine so far (user, nice, system, irq, softirq, steal; all cores).</summary>
    public static TimeSpan MachineBusyTime()
    {
        if (!File.Exists("/proc/stat")) return TimeSpan.Zero;
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => f.Length > i ? long.Parse(f[i]) : 0;
        return TimeSpan.FromSeconds((Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8)) / TicksPerSecond);
    }

    private static readonly double TicksPerSecond = 100; // USER_HZ; 100 on every Linux the bench targets

    /// <summary>User + system CPU of <paramref name="rootPid"/> and its descendants, the live ones and those already reaped.</summary>
    public static TimeSpan TreeCpuTime(int rootPid)
    {
        if (!Directory.Exists("/proc")) return TimeSpan.Zero;
        var stats = new List<(int Pid, int PPid, long Ticks)>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out var pid)) continue;
            string text;
            try { text = File.ReadAllText(Path.Combine(d, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // Fields after the command name, which is in parentheses and may contain spaces.
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // utime + stime, plus cutime + cstime: the CPU of children already reaped (PostgreSQL's ended backends and parallel workers).
            stats.Add((pid, int.Parse(f[1]), long.Parse(f[11]) + long.Parse(f[12]) + long.Parse(f[13]) + long.Parse(f[14])));
        }
        var inTree = new HashSet<int> { rootPid };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var s in stats)
                if (!inTree.Contains(s.Pid) && inTree.Contains(s.PPid))
                {
                    inTree.Add(s.Pid);
                    grew = true;
                }
        }
        return TimeSpan.FromSeconds(stats.Where(s => inTree.Contains(s.Pid)).Sum(s => s.Ticks) / TicksPerSecond);
    }
}

/// <summary>Waits for the machine to be quiet before a measurement (it may be shared with builds and other test runs).</summary>
public static class Quiet
{
    /// <summary>
    /// Samples the machine's busy CPU over two seconds until it is below <paramref name="maxCores"/> cores (the bench's own
    /// processes are idle between measurements), or <paramref name="maxWait"/> has passed. Returns how busy the last sample was.
    /// </summary>
    public static async Task<double> WaitAsync(double maxCores = 0.25, TimeSpan? maxWait = null)
    {
        var deadline = DateTime.UtcNow + (maxWait ?? TimeSpan.FromMinutes(5));
        var said = false;
        while (true)
        {
            var t0 = ProcCpu.MachineBusyTime();
            await Task.Delay(2000);
            var cores = (ProcCpu.MachineBusyTime() - t0).TotalSeconds / 2;
            if (cores <= maxCores || DateTime.UtcNow > deadline)
            {
                if (said) Console.WriteLine($"quiet: {Stats.F(cores, 2)} cores busy; going on");
                return cores;
            }
            if (!said) Console.WriteLine($"quiet: other processes keep {Stats.F(cores, 2)} cores busy; waiting (up to {Stats.F((deadline - DateTime.UtcNow).TotalMinutes, 0)} min)");
            said = true;
        }
    }
}
