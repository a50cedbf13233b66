namespace Xieshang.Web.Features.Demo;

/// <summary>
/// A clock the demo sets to moments of a simulated past (or to now), so the rules it calls date what they record then:
/// timelines, workflow steps, adoption and progress days come out in date order, relative to the first start. The one
/// simulated clock of the demo (proposals, research, studios, outcomes).
/// </summary>
internal sealed class SimulatedClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>The instant <see cref="GetUtcNow"/> returns.</summary>
    public DateTimeOffset Now { get; set; } = now;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;
}
