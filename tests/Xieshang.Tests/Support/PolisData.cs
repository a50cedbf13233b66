namespace Xieshang.Tests.Support;

/// <summary>
/// The real Polis conversations the consensus tests run on, kept in the repository under <c>tests/data</c>
/// (<c>polis-opendata</c>, <c>polis-golden</c>; sources and licences in their SOURCE.md). A missing folder fails the test.
/// </summary>
public static class PolisData
{
    /// <summary>Full path of <c>tests/data/&lt;parts&gt;</c>; fails the test when it does not exist.</summary>
    public static string Folder(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Xieshang.slnx"))) continue;
            var path = Path.Combine([dir.FullName, "tests", "data", .. parts]);
            if (!Directory.Exists(path)) Assert.Fail($"The Polis test data folder {path} is missing from the repository (tests/data).");
            return path;
        }
        Assert.Fail($"Cannot find the repository root (Xieshang.slnx) above {AppContext.BaseDirectory}.");
        return "";
    }
}
