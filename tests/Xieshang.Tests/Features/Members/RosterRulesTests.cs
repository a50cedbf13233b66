using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Tests.Features.Members;

/// <summary>The roster words the export writes read back to the same values.</summary>
public sealed class RosterRulesTests
{
    [Theory]
    [InlineData(1, "第一届")]
    [InlineData(9, "第九届")]
    [InlineData(10, "第十届")]
    [InlineData(14, "第十四届")]
    [InlineData(20, "第二十届")]
    [InlineData(99, "第九十九届")]
    public void Term_words(int term, string word) => Assert.Equal(word, MemberRules.TermWord(term));

    [Fact]
    public void Every_term_word_parses_back()
    {
        for (var term = 1; term <= 99; term++)
        {
            Assert.True(RosterValues.TryParseTerm(MemberRules.TermWord(term), out var parsed, out _));
            Assert.Equal(term, parsed);
        }
    }

    [Fact]
    public void Gender_and_position_words_parse_back()
    {
        foreach (var g in Enum.GetValues<Gender>())
        {
            Assert.True(RosterValues.TryParseGender(MemberRules.GenderWord(g), out var parsed, out _));
            Assert.Equal(g, parsed);
        }
        foreach (var p in Enum.GetValues<Position>()) Assert.Equal(p, MemberRules.PositionWords[MemberRules.PositionWord(p)]);
    }

    [Fact]
    public void Stored_values_compare_equal_to_the_same_validated_values()
    {
        var m = new Member { Gender = Gender.Female, EthnicGroupCode = "06", BirthMonth = new DateOnly(1970, 3, 1), PartyCode = "CDL", SectorId = 7, Term = 9, Phone = "13812345678" };
        m.SetName("李　娜");
        var values = new MemberValues("李娜", Gender.Female, "06", new DateOnly(1970, 3, 1), "CDL", 7, Position.Member, 9, "", "13812345678", "");
        Assert.Equal(values, MemberValues.Of(m));
        Assert.NotEqual(values with { WorkUnit = "新单位" }, MemberValues.Of(m));
    }
}
