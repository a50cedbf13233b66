using System.Collections.Concurrent;
using System.Reflection;
using Xunit.v3;

[assembly: Xieshang.BrowserTests.Support.FailOnCspViolation]

namespace Xieshang.BrowserTests.Support;

/// <summary>
/// Content-Security-Policy violations the browser reported on its console while a test ran ("Refused to execute
/// inline script…", "…violates the following Content Security Policy directive…"). Every browser context of the
/// tests records into it (<see cref="BrowserFixture.NewContextAsync"/>); <see cref="FailOnCspViolationAttribute"/>
/// fails the test that caused any. The browser tests run one after another, so one list serves them all.
/// </summary>
public static class CspViolations
{
    private static readonly ConcurrentQueue<string> Seen = new();

    /// <summary>Records <paramref name="text"/> when it is a policy violation (other console messages are ignored).</summary>
    public static void Record(string text, string location)
    {
        if (text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || text.Contains("Refused to", StringComparison.Ordinal))
            Seen.Enqueue($"{text} (at {location})");
    }

    /// <summary>Empties the list and returns what it held.</summary>
    public static List<string> Drain()
    {
        var all = new List<string>();
        while (Seen.TryDequeue(out var v)) all.Add(v);
        return all;
    }
}

/// <summary>Applied to the whole browser test assembly: a test during which the browser refused something under the CSP fails.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class FailOnCspViolationAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest, IXunitTest test) => CspViolations.Drain();

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        var seen = CspViolations.Drain();
        if (seen.Count > 0)
            throw new Xunit.Sdk.XunitException("The page broke the Content-Security-Policy:\n" + string.Join("\n", seen.Distinct()));
    }
}
