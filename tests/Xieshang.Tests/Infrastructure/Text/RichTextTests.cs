using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Tests.Infrastructure.Text;

/// <summary>Server-side sanitising of rich text (agendas): the allow-list, and typed line breaks kept.</summary>
public sealed class RichTextTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>议程", "议程")]
    [InlineData("<img src=x onerror=alert(1)>议程", "议程")]
    [InlineData("<a href=\"javascript:alert(1)\">链接</a>", "<a>链接</a>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>议程", "议程")]
    [InlineData("<p style=\"color:red\">段落</p>", "<p>段落</p>")]
    [InlineData("<a href=\"https://www.cppcc.gov.cn/\">全国政协</a>", "<a href=\"https://www.cppcc.gov.cn/\">全国政协</a>")]
    public void Unsafe_markup_is_removed_and_safe_markup_kept(string input, string expected) =>
        Assert.Equal(expected, RichText.Sanitize(input));

    [Fact]
    public void Typed_lines_keep_their_breaks_with_or_without_inline_markup()
    {
        Assert.Equal("一、通报<br>二、协商 &amp; 表决", RichText.Sanitize("一、通报\r\n二、协商 & 表决"));
        Assert.Equal("一、听取<b>报告</b><br>\n二、委员发言", RichText.Sanitize("一、听取<b>报告</b>\n二、委员发言"));
        Assert.Equal("<p>一</p>\n<p>二</p>", RichText.Sanitize("<p>一</p>\n<p>二</p>"));
        Assert.Equal("", RichText.Sanitize("  "));
        Assert.Equal("姓名：买买提·艾力 𠮷", RichText.Sanitize("姓名：买买提·艾力 𠮷"));
    }
}
