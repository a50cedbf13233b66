using System.Globalization;
using System.Text;
using Xieshang.Web.Infrastructure.Text;
using Xunit;

namespace Xieshang.Tests.Infrastructure.Text;

public class ChineseTextTests
{
    /// <summary>A realistic roster: common surnames, compound surnames, names with a middle dot,
    /// characters beyond the BMP (U+20000 𠀀, U+2123D 𡈽) and a Latin name.</summary>
    private static readonly string[] RosterNames =
    [
        "丁伟", "丁文华", "乙一", "卜凡", "于丹", "万达", "马兰", "马晓东", "马云", "王芳",
        "王建国", "王磊", "王𡈽", "艾青", "艾力·买买提", "司马光", "刘洋", "刘德华", "孙俪", "朱军",
        "吴刚", "何炅", "张三", "张伟", "张晓燕", "李娜", "李明", "李强", "杨洋", "陈静",
        "林心如", "欧阳修", "欧阳娜娜", "周杰", "赵丽颖", "胡歌", "徐峥", "高圆圆", "郭靖", "诸葛亮",
        "黄晓明", "阿依古丽·吐尔逊", "热依扎·阿不都", "𠀀明", "Smith",
    ];

    // ---- NormalizeName -------------------------------------------------------------------

    [Theory]
    [InlineData("张三", "张三")]
    [InlineData(" 张 三 ", "张三")]
    [InlineData("李\u3000娜", "李娜")]
    [InlineData("\u3000李娜\u3000", "李娜")]
    [InlineData("李\u00A0娜", "李娜")]
    [InlineData("王\t五\r\n", "王五")]
    [InlineData("王\u2003五\u2009", "王五")]
    [InlineData("欧阳 修", "欧阳修")]
    [InlineData("王\u200B五", "王五")]
    [InlineData("\uFEFF王五", "王五")]
    [InlineData("王\u200D五\u2060", "王五")]
    public void NormalizeName_removes_all_whitespace_and_invisible_characters(string raw, string expected)
    {
        Assert.Equal(expected, ChineseText.NormalizeName(raw));
    }

    [Theory]
    [InlineData("艾力·买买提")] // U+00B7 itself
    [InlineData("艾力•买买提")] // U+2022 bullet
    [InlineData("艾力・买买提")] // U+30FB katakana middle dot
    [InlineData("艾力．买买提")] // U+FF0E full-width full stop
    [InlineData("艾力.买买提")] // U+002E full stop
    [InlineData("艾力‧买买提")] // U+2027 hyphenation point
    [InlineData("艾力･买买提")] // U+FF65 half-width katakana middle dot
    [InlineData("艾力ㆍ买买提")] // U+318D Hangul letter araea
    [InlineData("艾力\u2219买买提")] // bullet operator
    [InlineData("艾力\u22C5买买提")] // dot operator
    [InlineData("艾力\u0387买买提")] // Greek ano teleia (NFC maps it to U+00B7 anyway)
    [InlineData("艾力 · 买买提")] // spaces around the dot
    [InlineData("艾力\u3000・\u3000买买提")]
    public void NormalizeName_unifies_middle_dot_variants(string raw)
    {
        var normalized = ChineseText.NormalizeName(raw);

        Assert.Equal("艾力\u00B7买买提", normalized);
        Assert.Equal(1, normalized.Count(c => c == ChineseText.MiddleDot));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\u3000\u3000")]
    [InlineData("\t\r\n\u00A0")]
    public void NormalizeName_returns_empty_for_null_or_whitespace(string? raw)
    {
        Assert.Equal("", ChineseText.NormalizeName(raw));
    }

    [Theory]
    [InlineData("𠀀明", "𠀀明")]
    [InlineData("王 𡈽", "王𡈽")]
    [InlineData("𠀀\u3000𡈽", "𠀀𡈽")]
    [InlineData("𪚥·𠀀", "𪚥·𠀀")]
    public void NormalizeName_keeps_characters_beyond_the_bmp(string raw, string expected)
    {
        var normalized = ChineseText.NormalizeName(raw);

        Assert.Equal(expected, normalized);
        Assert.Equal(expected.EnumerateRunes().ToArray(), normalized.EnumerateRunes().ToArray());
        Assert.DoesNotContain('\uFFFD', normalized);
    }

    [Fact]
    public void NormalizeName_applies_nfc()
    {
        var decomposed = "Jose\u0301 Garci\u0301a"; // e + combining acute

        var normalized = ChineseText.NormalizeName(decomposed);

        Assert.Equal("JoséGarcía", normalized);
        Assert.True(normalized.IsNormalized(NormalizationForm.FormC));
        Assert.Equal(ChineseText.NormalizeName("José García"), normalized);
    }

    [Fact]
    public void NormalizeName_composes_across_removed_whitespace()
    {
        // The space is removed first, so the combining mark then composes with its base.
        Assert.Equal("é", ChineseText.NormalizeName("e \u0301"));
    }

    [Fact]
    public void NormalizeName_replaces_unpaired_surrogates()
    {
        Assert.Equal("王\uFFFD五", ChineseText.NormalizeName("王\uD840五"));
        Assert.Equal("王\uFFFD", ChineseText.NormalizeName("王\uDC00"));
    }

    [Fact]
    public void NormalizeName_keeps_case_and_other_characters()
    {
        Assert.Equal("ＡＢ张三", ChineseText.NormalizeName("ＡＢ 张三"));
        Assert.Equal("JohnSmith", ChineseText.NormalizeName("John Smith"));
    }

    [Theory]
    [InlineData(" 张 三 ")]
    [InlineData("艾力 • 买买提")]
    [InlineData("Jose\u0301")]
    [InlineData("𠀀\u3000明")]
    public void NormalizeName_is_idempotent(string raw)
    {
        var once = ChineseText.NormalizeName(raw);

        Assert.Equal(once, ChineseText.NormalizeName(once));
    }

    // ---- Pinyin ---------------------------------------------------------------------------

    [Theory]
    [InlineData("张三", "zhangsan")]
    [InlineData("李娜", "lina")]
    [InlineData("王五", "wangwu")]
    [InlineData("欧阳修", "ouyangxiu")]
    [InlineData("司马光", "simaguang")]
    [InlineData("艾力·买买提", "ailimaimaiti")]
    [InlineData("阿依古丽·吐尔逊", "ayigulituerxun")]
    [InlineData("吕布", "lubu")]
    [InlineData("重庆", "chongqing")]
    [InlineData("西安", "xian")]
    [InlineData("李　娜", "lina")]
    [InlineData("张-三!", "zhangsan")]
    [InlineData("Tom张三", "tomzhangsan")]
    [InlineData("ＡＢ李", "abli")]
    [InlineData("John Smith", "johnsmith")]
    [InlineData("José", "jose")]
    [InlineData("张3", "zhang3")]
    [InlineData("", "")]
    [InlineData("·", "")]
    public void ToPinyin_returns_lowercase_syllables_without_separators(string text, string expected)
    {
        Assert.Equal(expected, ChineseText.ToPinyin(text));
    }

    [Theory]
    [InlineData("张三", "zs")]
    [InlineData("欧阳修", "oyx")]
    [InlineData("李娜", "ln")]
    [InlineData("艾力·买买提", "almmt")]
    [InlineData("诸葛亮", "zgl")]
    [InlineData("Tom张三", "tzs")]
    [InlineData("John Smith", "js")]
    [InlineData("JOHN", "j")]
    [InlineData("", "")]
    public void ToPinyinInitials_returns_first_letter_of_each_syllable(string text, string expected)
    {
        Assert.Equal(expected, ChineseText.ToPinyinInitials(text));
    }

    [Theory]
    [MemberData(nameof(RosterNameData))]
    public void PinyinOf_matches_the_single_methods_and_is_lowercase_ascii(string name)
    {
        var (full, initials) = ChineseText.PinyinOf(name);

        Assert.Equal(ChineseText.ToPinyin(name), full);
        Assert.Equal(ChineseText.ToPinyinInitials(name), initials);
        Assert.Matches("^[a-z0-9]*$", full);
        Assert.Matches("^[a-z0-9]*$", initials);
        Assert.NotEmpty(full);
        Assert.True(initials.Length <= full.Length);
        Assert.Equal(full[0], initials[0]);
    }

    public static TheoryData<string> RosterNameData() => new(RosterNames);

    [Fact]
    public void Pinyin_of_characters_beyond_the_bmp_does_not_break_the_rest()
    {
        var (full, initials) = ChineseText.PinyinOf("𠀀明");
        Assert.EndsWith("ming", full);
        Assert.EndsWith("m", initials);

        // Whether ICU knows a reading for 𡈽 depends on its data; the rest must survive either way.
        var (full2, initials2) = ChineseText.PinyinOf("王𡈽李");
        Assert.StartsWith("wang", full2);
        Assert.EndsWith("li", full2);
        Assert.StartsWith("w", initials2);
        Assert.EndsWith("l", initials2);
        Assert.Matches("^[a-z]+$", full2);
    }

    [Fact]
    public void Pinyin_of_normalized_name_ignores_dot_and_space_variants()
    {
        var expected = ChineseText.PinyinOf("艾力·买买提");

        Assert.Equal(expected, ChineseText.PinyinOf(ChineseText.NormalizeName(" 艾力 • 买买提 ")));
        Assert.Equal(expected, ChineseText.PinyinOf("艾力・买买提"));
    }

    [Fact]
    public void Pinyin_handles_long_text_beyond_the_stack_buffer()
    {
        var text = string.Concat(Enumerable.Repeat("张三", 400));

        var (full, initials) = ChineseText.PinyinOf(text);

        Assert.Equal(string.Concat(Enumerable.Repeat("zhangsan", 400)), full);
        Assert.Equal(string.Concat(Enumerable.Repeat("zs", 400)), initials);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(2000)]
    public void Pinyin_retries_when_the_output_buffer_is_too_small(int initialCapacity)
    {
        const string text = "欧阳娜娜与艾力·买买提";

        var result = ChineseText.PinyinOf(text, initialCapacity);

        Assert.Equal(("ouyangnanayuailimaimaiti", "oynnyalmmt"), result);
        Assert.Equal(ChineseText.PinyinOf(text), result);
    }

    [Fact]
    public void Pinyin_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => ChineseText.ToPinyin(null!));
        Assert.Throws<ArgumentNullException>(() => ChineseText.ToPinyinInitials(null!));
        Assert.Throws<ArgumentNullException>(() => ChineseText.PinyinOf(null!));
    }

    [Fact]
    public async Task Pinyin_is_thread_safe()
    {
        var names = Enumerable.Range(0, 400).Select(i => RosterNames[i % RosterNames.Length] + RosterNames[(i * 7) % RosterNames.Length]).ToArray();
        var expected = names.Select(name => ChineseText.PinyinOf(name)).ToArray();

        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var round = 0; round < 5; round++)
            {
                for (var i = worker; i < names.Length; i += 3)
                {
                    Assert.Equal(expected[i], ChineseText.PinyinOf(names[i]));
                }
            }
        }, TestContext.Current.CancellationToken));

        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Pinyin_works_on_a_fresh_thread_that_then_exits()
    {
        (string, string) result = default;
        var thread = new Thread(() => result = ChineseText.PinyinOf("欧阳修"));
        thread.Start();
        await Task.Run(thread.Join, TestContext.Current.CancellationToken);

        Assert.Equal(("ouyangxiu", "oyx"), result);

        // Its transliterator is released by the finalizer; the process must stay healthy.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal("zs", ChineseText.ToPinyinInitials("张三"));
    }

    // ---- Sort keys and comparers ----------------------------------------------------------

    [Fact]
    public void StrokeSortKey_is_uppercase_hex_of_the_culture_sort_key()
    {
        var expected = Convert.ToHexString(CultureInfo.GetCultureInfo("zh-CN_stroke").CompareInfo.GetSortKey("张三").KeyData);

        var key = ChineseText.StrokeSortKey("张三");

        Assert.Equal(expected, key);
        Assert.Matches("^([0-9A-F]{2})+$", key);
        Assert.NotEqual(key, ChineseText.PinyinSortKey("张三"));
    }

    [Fact]
    public void PinyinSortKey_is_uppercase_hex_of_the_culture_sort_key()
    {
        var expected = Convert.ToHexString(CultureInfo.GetCultureInfo("zh-CN").CompareInfo.GetSortKey("张三").KeyData);

        var key = ChineseText.PinyinSortKey("张三");

        Assert.Equal(expected, key);
        Assert.Matches("^([0-9A-F]{2})+$", key);
    }

    [Fact]
    public void Ordering_by_stroke_key_equals_ordering_by_stroke_comparer()
    {
        var byComparer = RosterNames.Order(ChineseText.StrokeComparer).ToArray();
        var byKey = RosterNames.OrderBy(ChineseText.StrokeSortKey, StringComparer.Ordinal).ToArray();

        Assert.Equal(byComparer, byKey);
        Assert.Equal(RosterNames.Order(StringComparer.Create(CultureInfo.GetCultureInfo("zh-CN_stroke"), false)), byKey);
    }

    [Fact]
    public void Ordering_by_pinyin_key_equals_ordering_by_pinyin_comparer()
    {
        var byComparer = RosterNames.Order(ChineseText.PinyinComparer).ToArray();
        var byKey = RosterNames.OrderBy(ChineseText.PinyinSortKey, StringComparer.Ordinal).ToArray();

        Assert.Equal(byComparer, byKey);
        Assert.Equal(RosterNames.Order(StringComparer.Create(CultureInfo.GetCultureInfo("zh-CN"), false)), byKey);
    }

    [Fact]
    public void Sort_keys_agree_with_comparers_for_every_pair()
    {
        foreach (var a in RosterNames)
        {
            foreach (var b in RosterNames)
            {
                Assert.Equal(
                    Math.Sign(ChineseText.StrokeComparer.Compare(a, b)),
                    Math.Sign(string.CompareOrdinal(ChineseText.StrokeSortKey(a), ChineseText.StrokeSortKey(b))));
                Assert.Equal(
                    Math.Sign(ChineseText.PinyinComparer.Compare(a, b)),
                    Math.Sign(string.CompareOrdinal(ChineseText.PinyinSortKey(a), ChineseText.PinyinSortKey(b))));
            }
        }
    }

    [Theory]
    [InlineData("乙一", "丁伟")] // 1 stroke before 2
    [InlineData("丁伟", "马兰")] // 2 before 3
    [InlineData("马兰", "王芳")] // 3 before 4
    [InlineData("王芳", "艾青")] // 4 before 5 (ICU: 6)
    [InlineData("艾青", "张伟")] // 5 (ICU: 6) before 7
    [InlineData("王芳", "张伟")]
    [InlineData("张伟", "欧阳修")] // 7 before 8
    [InlineData("欧阳修", "黄晓明")] // 8 before 11
    [InlineData("张三", "张伟")] // same surname: second character 三 (3) before 伟 (6)
    [InlineData("马兰", "马晓东")] // same surname: 兰 (5) before 晓 (10)
    public void StrokeComparer_orders_by_strokes(string first, string second)
    {
        Assert.True(ChineseText.StrokeComparer.Compare(first, second) < 0);
        Assert.True(string.CompareOrdinal(ChineseText.StrokeSortKey(first), ChineseText.StrokeSortKey(second)) < 0);
    }

    [Theory]
    [InlineData("艾青", "丁伟")]
    [InlineData("丁伟", "李娜")]
    [InlineData("李娜", "马兰")]
    [InlineData("马兰", "欧阳修")]
    [InlineData("欧阳修", "王芳")]
    [InlineData("王芳", "张三")]
    [InlineData("张三", "张伟")]
    public void PinyinComparer_orders_alphabetically_by_reading(string first, string second)
    {
        Assert.True(ChineseText.PinyinComparer.Compare(first, second) < 0);
        Assert.True(string.CompareOrdinal(ChineseText.PinyinSortKey(first), ChineseText.PinyinSortKey(second)) < 0);
    }

    [Fact]
    public void Stroke_and_pinyin_orders_differ()
    {
        string[] names = ["张三", "丁伟", "王芳", "艾青"];

        Assert.Equal(["丁伟", "王芳", "艾青", "张三"], names.Order(ChineseText.StrokeComparer));
        Assert.Equal(["艾青", "丁伟", "王芳", "张三"], names.Order(ChineseText.PinyinComparer));
    }

    [Fact]
    public void Sort_keys_are_deterministic_and_equal_for_equal_names()
    {
        Assert.Equal(ChineseText.StrokeSortKey("欧阳修"), ChineseText.StrokeSortKey(new string("欧阳修".AsSpan())));
        Assert.Equal(ChineseText.PinyinSortKey("𠀀明"), ChineseText.PinyinSortKey("𠀀明"));
        Assert.NotEqual(ChineseText.StrokeSortKey("张三"), ChineseText.StrokeSortKey("张·三"));
    }

    [Fact]
    public void Shorter_prefix_sorts_first()
    {
        Assert.True(string.CompareOrdinal(ChineseText.StrokeSortKey("张"), ChineseText.StrokeSortKey("张三")) < 0);
        Assert.True(string.CompareOrdinal(ChineseText.StrokeSortKey(""), ChineseText.StrokeSortKey("张")) < 0);
    }

    [Fact]
    public void Sort_keys_reject_null()
    {
        Assert.Throws<ArgumentNullException>(() => ChineseText.StrokeSortKey(null!));
        Assert.Throws<ArgumentNullException>(() => ChineseText.PinyinSortKey(null!));
    }
}
