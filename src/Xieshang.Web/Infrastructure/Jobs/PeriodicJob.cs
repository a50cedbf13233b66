using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Jobs;

/// <summary>
/// The one loop shared by the background jobs (mail and reminders, proposal deadlines, opinion maps, the similar-proposal
/// index, retention): a <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/>, each run in its own DI scope
/// with its own <see cref="AppDbContext"/>, a failing run logged and retried at the next tick (a database outage must not
/// end the loop), and a quiet end when the host stops. The work itself stays in plain methods that tests call directly;
/// work that must happen once across instances takes a lease inside (<see cref="JobLeases.RunExclusiveAsync"/>).
/// </summary>
public static class PeriodicJob
{
    /// <summary>
    /// Calls <paramref name="tick"/> every <paramref name="every"/> until <paramref name="stop"/> is cancelled: first after
    /// <paramref name="firstDelay"/> (default: none) when <paramref name="runAtStart"/>, else after one period. Returns when
    /// the host stops; never throws <see cref="OperationCanceledException"/> for that.
    /// </summary>
    public static async Task RunAsync(TimeProvider clock, TimeSpan every, bool runAtStart, Func<CancellationToken, Task> tick,
        CancellationToken stop, TimeSpan firstDelay = default)
    {
        try
        {
            if (firstDelay > TimeSpan.Zero) await Task.Delay(firstDelay, clock, stop);
            using var timer = new PeriodicTimer(every, clock);
            if (runAtStart) await tick(stop);
            while (await timer.WaitForNextTickAsync(stop)) await tick(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> once in a new DI scope with its <see cref="AppDbContext"/>. An exception (a database
    /// hiccup, a failing computation) is logged as "Job {job} failed" and swallowed, unless the host is stopping; a database
    /// outage (<see cref="Http.DatabaseOutage.IsConnectionFailure"/>) is one warning line without the stack trace.
    /// </summary>
    public static async Task RunSafelyAsync(IServiceScopeFactory scopes, ILogger log, string job,
        Func<AppDbContext, CancellationToken, Task> work, CancellationToken stop)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await work(scope.ServiceProvider.GetRequiredService<AppDbContext>(), stop);
        }
        catch (Exception e) when (!stop.IsCancellationRequested && Http.DatabaseOutage.IsConnectionFailure(e))
        {
            // The database is away (stopped, restarting): one line a tick, not a stack trace; the job runs again at the next tick.
            log.LogWarning("Job {Job} skipped: the database is unreachable ({Error})", job, e.GetBaseException().Message);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            log.LogError(e, "Job {Job} failed", job);
        }
    }
}
