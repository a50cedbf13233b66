using Xieshang.Web.Features.Studios;

namespace Xieshang.Tests.Features.Studios;

/// <summary>
/// <see cref="StudioRules.CitizenMatter"/>: what of a citizen's message may leave the studio (drafts' titles and bodies,
/// outcome-chain nodes) — no name or phone field, no long digit runs, no leading self-introduction, nothing else lost.
/// </summary>
public sealed class StudioTextTests
{
    [Theory]
    [InlineData("我是李秀英，家住荷城街道，路灯坏了。", "", "", "路灯坏了。")]
    [InlineData("我叫张三。\n本村的桥断了", "", "", "本村的桥断了")]
    [InlineData("本人李秀英，路灯坏了", "", "", "路灯坏了")]
    [InlineData("本人是退休教师；我住在幸福小区：垃圾没人清运", "", "", "垃圾没人清运")]
    [InlineData("鄙人姓王，菜市场占道", "", "", "菜市场占道")]
    [InlineData("本人发现小区路灯坏了三个月，晚上很黑", "", "", "本人发现小区路灯坏了三个月，晚上很黑")]
    [InlineData("住房公积金提取难，手续多", "", "", "住房公积金提取难，手续多")]
    [InlineData("路灯坏了，我是王秀英，请回电", "王秀英", "", "路灯坏了，我是某某，请回电")]
    [InlineData("电话１３８００００１１１１，或 0858-822 1234", "", "", "电话***，或 ***")]
    [InlineData("分机 88123 找我", "", "88123", "分机 *** 找我")]
    [InlineData("我是李秀英", "", "", "")]
    public void The_matter_drops_names_phones_long_numbers_and_a_leading_introduction(string content, string name, string phone, string expected) =>
        Assert.Equal(expected, StudioRules.CitizenMatter(content, name, phone));

    [Fact]
    public void A_title_of_an_empty_matter_still_reads()
    {
        Assert.Equal("群众反映", StudioRules.TitleExcerpt(StudioRules.CitizenMatter("我是李秀英。", "", ""), 30));
        Assert.Equal("路灯坏了三个月", StudioRules.TitleExcerpt(StudioRules.CitizenMatter("我是李秀英，路灯坏了三个月，晚上一片漆黑", "", ""), 30));
    }
}
