using Xieshang.Web.Features.Committees;

namespace Xieshang.Tests.Infrastructure.Data;

/// <summary>The committee tree built from the shipped statistics-bureau division lists.</summary>
public sealed class CommitteeTreeTests
{
    private static readonly IReadOnlyList<CommitteeSeed> Tree = CommitteeTree.Load(Path.Combine(AppContext.BaseDirectory, "Data", "Reference"));
    private static CommitteeSeed Get(string code) => Tree.Single(c => c.Code == code);

    [Fact]
    public void About_3300_committees_with_unique_codes_and_one_root()
    {
        Assert.InRange(Tree.Count, 3300, 3400);
        Assert.Equal(Tree.Count, Tree.Select(c => c.Code).Distinct().Count());
        Assert.Single(Tree, c => c.ParentCode is null);
        Assert.Equal(31, Tree.Count(c => c.Level == CommitteeLevel.Province));
    }

    [Fact]
    public void Liupanshui_and_its_counties()
    {
        Assert.Equal(new CommitteeSeed("520200", "六盘水市政协", CommitteeLevel.City, "520000", "/CN/520000/520200/"), Get("520200"));
        Assert.Equal("钟山区政协", Get("520201").Name);
        Assert.Equal("/CN/520000/520200/520203/", Get("520203").Path);
        Assert.Equal("六枝特区政协", Get("520203").Name);
        Assert.Equal(CommitteeLevel.County, Get("520281").Level);
        Assert.Equal("盘州市政协", Get("520281").Name);
    }

    [Theory]
    [InlineData("110101", "110000")] // 东城区, Beijing
    [InlineData("120101", "120000")] // 和平区, Tianjin
    [InlineData("310101", "310000")] // 黄浦区, Shanghai
    [InlineData("500101", "500000")] // 万州区, Chongqing
    [InlineData("500229", "500000")] // 城口县, Chongqing's 县 placeholder city
    [InlineData("419001", "410000")] // 济源市, 省直辖县级行政区划
    public void Municipal_districts_and_province_administered_counties_hang_under_the_province(string code, string parent)
    {
        Assert.Equal(parent, Get(code).ParentCode);
        Assert.Equal(CommitteeLevel.County, Get(code).Level);
    }

    [Fact]
    public void Placeholder_cities_are_not_committees_and_cities_without_counties_appear_once()
    {
        Assert.DoesNotContain(Tree, c => c.Name.Contains("市辖区") || c.Name.Contains("直辖县级行政区划") || c.Name == "县政协");
        Assert.Equal(CommitteeLevel.City, Get("441900").Level); // 东莞市: the county row repeating the city is skipped
        Assert.Single(Tree, c => c.Name == "东莞市政协");
        Assert.All(Tree.Where(c => c.ParentCode is not null), c => Assert.StartsWith(Get(c.ParentCode!).Path, c.Path));
    }
}
