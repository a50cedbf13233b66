using System.Text;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Text;
using Xunit;

namespace Xieshang.Tests.Infrastructure.Text;

public class RosterValuesTests
{
    private static readonly DateOnly Today = new(2025, 6, 15);

    // ---- TryParseBirthMonth: strings ------------------------------------------------------

    [Theory]
    [InlineData("1968.05", 1968, 5)]
    [InlineData("1968.5", 1968, 5)]
    [InlineData("1968.1", 1968, 1)]
    [InlineData("1968.01", 1968, 1)]
    [InlineData("1968.10", 1968, 10)]
    [InlineData("1968.11", 1968, 11)]
    [InlineData("1968.12", 1968, 12)]
    [InlineData("1968年5月", 1968, 5)]
    [InlineData("1968年05月", 1968, 5)]
    [InlineData("1968年10月", 1968, 10)]
    [InlineData("1968年5月12日", 1968, 5)]
    [InlineData("1968-05-12", 1968, 5)]
    [InlineData("1968/5/12", 1968, 5)]
    [InlineData("1968.5.12", 1968, 5)]
    [InlineData("1968-05", 1968, 5)]
    [InlineData("1968/05", 1968, 5)]
    [InlineData("1968-5", 1968, 5)]
    [InlineData("196805", 1968, 5)]
    [InlineData("19680512", 1968, 5)]
    [InlineData("１９６８．０５", 1968, 5)]
    [InlineData("１９６８年５月", 1968, 5)]
    [InlineData("１９６８－０５－１２", 1968, 5)]
    [InlineData("１９６８／５", 1968, 5)]
    [InlineData("1968。05", 1968, 5)]
    [InlineData(" 1968.05 ", 1968, 5)]
    [InlineData("1968 . 05", 1968, 5)]
    [InlineData("1968 年 5 月", 1968, 5)]
    [InlineData("\u30001968.05\u3000", 1968, 5)]
    [InlineData("1968/5/12 0:00:00", 1968, 5)]
    [InlineData("1968-05-12T00:00:00", 1968, 5)]
    [InlineData("1968-02-29", 1968, 2)] // leap year
    [InlineData("1900.01", 1900, 1)]
    [InlineData("2025.06", 2025, 6)] // the current month is not in the future
    [InlineData("2025-06-30", 2025, 6)]
    public void TryParseBirthMonth_accepts_roster_string_shapes(string raw, int year, int month)
    {
        var ok = RosterValues.TryParseBirthMonth(raw, Today, out var result, out var error);

        Assert.True(ok, error);
        Assert.Equal(new DateOnly(year, month, 1), result);
        Assert.Equal("", error);
    }

    [Fact]
    public void TryParseBirthMonth_reports_unrecognised_month_in_the_documented_words()
    {
        var ok = RosterValues.TryParseBirthMonth("1968.13", Today, out var month, out var error);

        Assert.False(ok);
        Assert.Equal(default, month);
        Assert.Equal("无法识别的出生年月“1968.13”，请使用 1968.05 或 1968年5月 格式", error);
    }

    [Theory]
    [InlineData("1968.13")]
    [InlineData("1968.0")]
    [InlineData("1968.00")]
    [InlineData("1968.123")]
    [InlineData("1968年13月")]
    [InlineData("1968年0月")]
    [InlineData("196813")]
    [InlineData("196800")]
    [InlineData("1968-02-30")]
    [InlineData("1967-02-29")] // not a leap year
    [InlineData("1968/13/01")]
    [InlineData("1968.05.32")]
    [InlineData("19680431")]
    [InlineData("1968-05/12")] // mixed separators
    [InlineData("1968")]
    [InlineData("68.05")]
    [InlineData("五月")]
    [InlineData("abc")]
    [InlineData("1968.05.")]
    [InlineData("1968年")]
    [InlineData("１９６８．１３")]
    public void TryParseBirthMonth_refuses_impossible_or_unknown_strings(string raw)
    {
        var ok = RosterValues.TryParseBirthMonth(raw, Today, out var month, out var error);

        Assert.False(ok);
        Assert.Equal(default, month);
        Assert.StartsWith("无法识别的出生年月“", error);
        Assert.Contains(raw.Trim(), error);
        Assert.EndsWith("请使用 1968.05 或 1968年5月 格式", error);
    }

    [Theory]
    [InlineData("1899.12")]
    [InlineData("1899年12月")]
    [InlineData("1800-01-01")]
    public void TryParseBirthMonth_refuses_years_before_1900(string raw)
    {
        var ok = RosterValues.TryParseBirthMonth(raw, Today, out var month, out var error);

        Assert.False(ok);
        Assert.Equal(default, month);
        Assert.Equal($"出生年月“{raw}”早于 1900 年，请检查", error);
    }

    [Theory]
    [InlineData("2025.07")]
    [InlineData("2025-07-01")]
    [InlineData("2030年1月")]
    [InlineData("209912")]
    public void TryParseBirthMonth_refuses_future_months(string raw)
    {
        var ok = RosterValues.TryParseBirthMonth(raw, Today, out var month, out var error);

        Assert.False(ok);
        Assert.Equal(default, month);
        Assert.Equal($"出生年月“{raw}”晚于当前月份，请检查", error);
    }

    [Fact]
    public void TryParseBirthMonth_future_check_follows_today()
    {
        Assert.False(RosterValues.TryParseBirthMonth("2025.07", new DateOnly(2025, 6, 30), out _, out _));
        Assert.True(RosterValues.TryParseBirthMonth("2025.07", new DateOnly(2025, 7, 1), out var month, out _));
        Assert.Equal(new DateOnly(2025, 7, 1), month);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000")]
    public void TryParseBirthMonth_refuses_empty(string? raw)
    {
        var ok = RosterValues.TryParseBirthMonth(raw, Today, out var month, out var error);

        Assert.False(ok);
        Assert.Equal(default, month);
        Assert.Equal("出生年月为空", error);
    }

    [Fact]
    public void TryParseBirthMonth_refuses_dbnull()
    {
        Assert.False(RosterValues.TryParseBirthMonth(DBNull.Value, Today, out _, out var error));
        Assert.Equal("出生年月为空", error);
    }

    // ---- TryParseBirthMonth: typed cells --------------------------------------------------

    public static TheoryData<object, DateOnly> TypedBirthCells() => new()
    {
        { new DateTime(1968, 5, 12), new DateOnly(1968, 5, 1) },
        { new DateTime(1968, 5, 31, 23, 59, 59), new DateOnly(1968, 5, 1) },
        { new DateOnly(1968, 10, 3), new DateOnly(1968, 10, 1) },
        { new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)), new DateOnly(1970, 1, 1) },
        { new DateTime(1968, 5, 12).ToOADate(), new DateOnly(1968, 5, 1) }, // Excel serial date 25000
        { 25000d, new DateOnly(1968, 6, 1) }, // 1968-06-12
        { 25000.75d, new DateOnly(1968, 6, 1) }, // time of day ignored
        { 1968.05d, new DateOnly(1968, 5, 1) }, // year.month typed into a numeric cell
        { 1968.5d, new DateOnly(1968, 5, 1) },
        { 1968.12d, new DateOnly(1968, 12, 1) },
        { 1968.11f, new DateOnly(1968, 11, 1) },
        { 1968.05m, new DateOnly(1968, 5, 1) },
        { 1968.10m, new DateOnly(1968, 10, 1) }, // a decimal keeps its scale: October
        { 1968.1m, new DateOnly(1968, 1, 1) },
        { 196805, new DateOnly(1968, 5, 1) },
        { 196805L, new DateOnly(1968, 5, 1) },
        { 196805d, new DateOnly(1968, 5, 1) },
        { 19680512, new DateOnly(1968, 5, 1) },
        { 19680512d, new DateOnly(1968, 5, 1) },
    };

    [Theory]
    [MemberData(nameof(TypedBirthCells))]
    public void TryParseBirthMonth_accepts_typed_cells(object cell, DateOnly expected)
    {
        var ok = RosterValues.TryParseBirthMonth(cell, Today, out var month, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, month);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData(1968.1d)]
    [InlineData(1990.1d)]
    public void TryParseBirthMonth_refuses_a_numeric_cell_that_cannot_tell_january_from_october(double cell)
    {
        var ok = RosterValues.TryParseBirthMonth(cell, Today, out var month, out var error);

        Assert.False(ok);
        Assert.Equal(default, month);
        Assert.Contains("无法区分 1 月和 10 月", error);
        Assert.Contains("文本格式", error);
    }

    [Fact]
    public void TryParseBirthMonth_refuses_float_with_ambiguous_month()
    {
        Assert.False(RosterValues.TryParseBirthMonth(1968.1f, Today, out _, out var error));
        Assert.Contains("无法区分 1 月和 10 月", error);
    }

    public static TheoryData<object, string> BadTypedBirthCells() => new()
    {
        { 1d, "早于 1900 年" }, // serial 1 = 1899-12-31
        { 0d, "早于 1900 年" },
        { -5d, "早于 1900 年" },
        { new DateTime(1899, 12, 31), "早于 1900 年" },
        { new DateOnly(2025, 7, 1), "晚于当前月份" },
        { new DateTime(2025, 6, 15).AddMonths(1).ToOADate(), "晚于当前月份" },
        { 2958465d, "晚于当前月份" }, // 9999-12-31
        { 1968d, "无法识别的出生年月" }, // a bare year
        { 1968, "无法识别的出生年月" },
        { 196813, "无法识别的出生年月" },
        { 1968.13d, "无法识别的出生年月" },
        { 1968.123d, "无法识别的出生年月" },
        { double.NaN, "无法识别的出生年月" },
        { double.PositiveInfinity, "无法识别的出生年月" },
        { 1e12d, "无法识别的出生年月" },
        { -1e12d, "无法识别的出生年月" },
        { 2030.05d, "晚于当前月份" },
    };

    [Theory]
    [MemberData(nameof(BadTypedBirthCells))]
    public void TryParseBirthMonth_refuses_bad_typed_cells(object cell, string expectedError)
    {
        var ok = RosterValues.TryParseBirthMonth(cell, Today, out var month, out var error);

        Assert.False(ok);
        Assert.Equal(default, month);
        Assert.Contains(expectedError, error);
    }

    [Fact]
    public void TryParseBirthMonth_parses_other_objects_through_their_text()
    {
        var ok = RosterValues.TryParseBirthMonth(new StringBuilder("1968年5月"), Today, out var month, out var error);

        Assert.True(ok, error);
        Assert.Equal(new DateOnly(1968, 5, 1), month);
    }

    // ---- TryParsePhone --------------------------------------------------------------------

    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("19912345678", "19912345678")]
    [InlineData("138 1234 5678", "13812345678")]
    [InlineData("138-1234-5678", "13812345678")]
    [InlineData(" 13812345678 ", "13812345678")]
    [InlineData("\u300013812345678\u3000", "13812345678")]
    [InlineData("１３８１２３４５６７８", "13812345678")]
    [InlineData("１３８－１２３４－５６７８", "13812345678")]
    [InlineData("+8613812345678", "13812345678")]
    [InlineData("+86 138 1234 5678", "13812345678")]
    [InlineData("+86-13812345678", "13812345678")]
    [InlineData("(+86)13812345678", "13812345678")]
    [InlineData("＋８６１３８１２３４５６７８", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("86 13812345678", "13812345678")]
    [InlineData("008613812345678", "13812345678")]
    [InlineData("0858-8221234", "0858-8221234")]
    [InlineData("0858 8221234", "0858-8221234")]
    [InlineData("0858—8221234", "0858-8221234")]
    [InlineData("(0858)8221234", "0858-8221234")]
    [InlineData("（0858）8221234", "0858-8221234")]
    [InlineData("０８５８－８２２１２３４", "0858-8221234")]
    [InlineData("08588221234", "0858-8221234")]
    [InlineData("0858 822 1234", "0858-8221234")]
    [InlineData("010-62345678", "010-62345678")]
    [InlineData("01062345678", "010-62345678")]
    [InlineData("020-87654321", "020-87654321")]
    [InlineData("02087654321", "020-87654321")]
    [InlineData("0851-85551234", "0851-85551234")]
    [InlineData("085185551234", "0851-85551234")]
    public void TryParsePhone_accepts_mobiles_and_landlines(string raw, string expected)
    {
        var ok = RosterValues.TryParsePhone(raw, out var phone, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, phone);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("\u3000")]
    public void TryParsePhone_accepts_empty_as_no_phone(string? raw)
    {
        Assert.True(RosterValues.TryParsePhone(raw, out var phone, out var error));
        Assert.Equal("", phone);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("12812345678")] // 12x is not a mobile prefix
    [InlineData("10812345678")]
    [InlineData("1381234567")] // 10 digits
    [InlineData("138123456789")] // 12 digits
    [InlineData("23812345678")]
    [InlineData("8221234")] // landline without area code
    [InlineData("0858-82212")] // local number too short
    [InlineData("0858-822123456")] // local number too long
    [InlineData("0858-1221234")] // local numbers start with 2-9
    [InlineData("858-8221234")] // area code must start with 0
    [InlineData("08581-8221234")] // area code too long
    [InlineData("0858-8221234-801")] // extension
    [InlineData("0858-8221234转801")]
    [InlineData("13812345678/13912345678")]
    [InlineData("13812345678,13912345678")]
    [InlineData("138 1234 5678 139")]
    [InlineData("+1 415 555 2671")]
    [InlineData("+8612812345678")] // +86 not followed by a mobile
    [InlineData("+86 0858 8221234")]
    [InlineData("+008613812345678")]
    [InlineData("tel:13812345678")]
    [InlineData("无")]
    [InlineData("abc")]
    [InlineData("138.1234.5678")]
    public void TryParsePhone_refuses_anything_else(string raw)
    {
        var ok = RosterValues.TryParsePhone(raw, out var phone, out var error);

        Assert.False(ok);
        Assert.Equal("", phone);
        Assert.StartsWith($"无法识别的电话号码“{raw.Trim()}”", error);
        Assert.Contains("0858-8221234", error); // tells the user what a valid value looks like
    }

    // ---- TryParseEmail --------------------------------------------------------------------

    [Theory]
    [InlineData("zhangsan@qq.com", "zhangsan@qq.com")]
    [InlineData(" zhangsan@qq.com ", "zhangsan@qq.com")]
    [InlineData("\u3000zhangsan@qq.com\u3000", "zhangsan@qq.com")]
    [InlineData("Zhang.San@Example.COM", "Zhang.San@example.com")]
    [InlineData("zhangsan＠qq．com", "zhangsan@qq.com")]
    [InlineData("ｚｓ＠１６３．ｃｏｍ", "zs@163.com")]
    [InlineData("li@qq。com", "li@qq.com")]
    [InlineData("foo+bar@sub.domain.org.cn", "foo+bar@sub.domain.org.cn")]
    [InlineData("a_b-c@gov-cn.example.cn", "a_b-c@gov-cn.example.cn")]
    [InlineData("123456@qq.com", "123456@qq.com")]
    public void TryParseEmail_accepts_and_normalises_addresses(string raw, string expected)
    {
        var ok = RosterValues.TryParseEmail(raw, out var email, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, email);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \u3000 ")]
    public void TryParseEmail_accepts_empty_as_no_email(string? raw)
    {
        Assert.True(RosterValues.TryParseEmail(raw, out var email, out var error));
        Assert.Equal("", email);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("zhangsan")]
    [InlineData("zhangsan.qq.com")]
    [InlineData("zhang san@qq.com")]
    [InlineData("zhangsan@qq .com")]
    [InlineData("zhangsan@localhost")]
    [InlineData("zs@@qq.com")]
    [InlineData("zs@qq@qq.com")]
    [InlineData("@qq.com")]
    [InlineData("zs@")]
    [InlineData("zs@.com")]
    [InlineData("zs@qq..com")]
    [InlineData("zs@qq.com.")]
    [InlineData("zs@-qq.com")]
    [InlineData("张三 <zs@qq.com>")]
    [InlineData("<zs@qq.com>")]
    [InlineData("zs@qq.com;ls@qq.com")]
    [InlineData("zs@qq.com,ls@qq.com")]
    public void TryParseEmail_refuses_invalid_addresses(string raw)
    {
        var ok = RosterValues.TryParseEmail(raw, out var email, out var error);

        Assert.False(ok);
        Assert.Equal("", email);
        Assert.Equal($"无法识别的电子邮箱“{raw.Trim()}”，请填写如 name@example.com 的地址", error);
    }

    [Fact]
    public void TryParseEmail_refuses_overlong_addresses()
    {
        var raw = new string('a', 250) + "@qq.com";

        Assert.False(RosterValues.TryParseEmail(raw, out var email, out var error));
        Assert.Equal("", email);
        Assert.StartsWith("无法识别的电子邮箱", error);
    }

    // ---- TryParseGender -------------------------------------------------------------------

    [Theory]
    [InlineData("男", Gender.Male)]
    [InlineData("男性", Gender.Male)]
    [InlineData("男士", Gender.Male)]
    [InlineData(" 男 ", Gender.Male)]
    [InlineData("\u3000男", Gender.Male)]
    [InlineData("M", Gender.Male)]
    [InlineData("m", Gender.Male)]
    [InlineData("Male", Gender.Male)]
    [InlineData("MALE", Gender.Male)]
    [InlineData("Ｍ", Gender.Male)]
    [InlineData("女", Gender.Female)]
    [InlineData("女性", Gender.Female)]
    [InlineData("女士", Gender.Female)]
    [InlineData("F", Gender.Female)]
    [InlineData("f", Gender.Female)]
    [InlineData("Female", Gender.Female)]
    [InlineData("fEmAlE", Gender.Female)]
    [InlineData("ｆｅｍａｌｅ", Gender.Female)]
    public void TryParseGender_accepts_known_spellings(string raw, Gender expected)
    {
        var ok = RosterValues.TryParseGender(raw, out var gender, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, gender);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("未知")]
    [InlineData("男女")]
    [InlineData("x")]
    [InlineData("1")]
    [InlineData("man")]
    [InlineData("woman")]
    public void TryParseGender_refuses_unknown_values(string raw)
    {
        var ok = RosterValues.TryParseGender(raw, out var gender, out var error);

        Assert.False(ok);
        Assert.Equal(default, gender);
        Assert.False(Enum.IsDefined(gender));
        Assert.Equal($"无法识别的性别“{raw}”，请填写“男”或“女”", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TryParseGender_refuses_empty(string? raw)
    {
        Assert.False(RosterValues.TryParseGender(raw, out var gender, out var error));
        Assert.Equal(default, gender);
        Assert.Equal("性别为空，请填写“男”或“女”", error);
    }

    [Fact]
    public void Gender_values_are_stable()
    {
        Assert.Equal(1, (int)Gender.Male);
        Assert.Equal(2, (int)Gender.Female);
    }

    // ---- TryParseTerm ---------------------------------------------------------------------

    [Theory]
    [InlineData("九届", 9)]
    [InlineData("第九届", 9)]
    [InlineData("九", 9)]
    [InlineData("第一届", 1)]
    [InlineData("十届", 10)]
    [InlineData("第十届", 10)]
    [InlineData("十四届", 14)]
    [InlineData("第十四届", 14)]
    [InlineData("第十四", 14)]
    [InlineData("一十四", 14)]
    [InlineData("二十届", 20)]
    [InlineData("二十一", 21)]
    [InlineData("九十九届", 99)]
    [InlineData("第14届", 14)]
    [InlineData("14届", 14)]
    [InlineData("第１４届", 14)]
    [InlineData("9", 9)]
    [InlineData("９", 9)]
    [InlineData("09", 9)]
    [InlineData("99", 99)]
    [InlineData(" 第 十四 届 ", 14)]
    [InlineData("\u3000第九届\u3000", 9)]
    public void TryParseTerm_accepts_chinese_and_arabic_numerals(string raw, int expected)
    {
        var ok = RosterValues.TryParseTerm(raw, out var term, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, term);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("00")]
    [InlineData("第零届")]
    [InlineData("100")]
    [InlineData("第100届")]
    [InlineData("一百届")]
    [InlineData("十十")]
    [InlineData("十一二")]
    [InlineData("届")]
    [InlineData("第届")]
    [InlineData("第九届届")]
    [InlineData("九届委员会")]
    [InlineData("-1")]
    [InlineData("14.5")]
    [InlineData("abc")]
    [InlineData("1000")]
    public void TryParseTerm_refuses_other_values(string raw)
    {
        var ok = RosterValues.TryParseTerm(raw, out var term, out var error);

        Assert.False(ok);
        Assert.Equal(0, term);
        Assert.StartsWith($"无法识别的届次“{raw.Trim()}”", error);
        Assert.Contains("1–99", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \u3000")]
    public void TryParseTerm_refuses_empty(string? raw)
    {
        Assert.False(RosterValues.TryParseTerm(raw, out var term, out var error));
        Assert.Equal(0, term);
        Assert.Equal("届次为空", error);
    }

    // ---- ToHalfWidth ----------------------------------------------------------------------

    [Theory]
    [InlineData("ＡＢＣ１２３", "ABC123")]
    [InlineData("ａｂｃ", "abc")]
    [InlineData("！～", "!~")]
    [InlineData("＠．", "@.")]
    [InlineData("（０８５８）", "(0858)")]
    [InlineData("\u3000", " ")]
    [InlineData("李\u3000娜", "李 娜")]
    [InlineData("中文。、", "中文。、")] // ideographic punctuation is not a full-width ASCII variant
    [InlineData("\uFF00\uFF5F\uFF65", "\uFF00\uFF5F\uFF65")] // just outside the range, half-width katakana
    [InlineData("abc 123", "abc 123")]
    [InlineData("", "")]
    [InlineData("𠀀１", "𠀀1")]
    public void ToHalfWidth_converts_full_width_ascii_variants(string input, string expected)
    {
        Assert.Equal(expected, RosterValues.ToHalfWidth(input));
    }

    [Fact]
    public void ToHalfWidth_covers_the_whole_range()
    {
        for (var c = '\uFF01'; c <= '\uFF5E'; c++)
        {
            Assert.Equal(((char)(c - 0xFEE0)).ToString(), RosterValues.ToHalfWidth(c.ToString()));
        }
    }

    [Fact]
    public void ToHalfWidth_returns_the_same_instance_when_nothing_changes()
    {
        const string text = "张三 abc";

        Assert.Same(text, RosterValues.ToHalfWidth(text));
    }

    [Fact]
    public void ToHalfWidth_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => RosterValues.ToHalfWidth(null!));
    }
}
