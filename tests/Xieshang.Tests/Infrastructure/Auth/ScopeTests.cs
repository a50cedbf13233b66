using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Infrastructure.Auth;

/// <summary>The committee scope rule (DOMAIN.md §3) on its own.</summary>
public sealed class ScopeTests
{
    private const string City = "/CN/520000/520200/";
    private const string Zhongshan = "/CN/520000/520200/520201/";
    private const string Liuzhi = "/CN/520000/520200/520203/";

    private static CurrentUser User(string role, string? path, int? memberId = null) =>
        new("u", new HashSet<string> { role }, 1, "x", path, memberId);

    [Theory]
    [InlineData(Roles.Staff, City, Zhongshan, true, true)]
    [InlineData(Roles.Staff, Zhongshan, Zhongshan, true, true)]
    [InlineData(Roles.Staff, Zhongshan, Liuzhi, false, false)]
    [InlineData(Roles.Staff, Zhongshan, City, false, false)]
    [InlineData(Roles.Leader, City, Zhongshan, true, false)]
    [InlineData(Roles.Leader, Zhongshan, Liuzhi, false, false)]
    [InlineData(Roles.Member, Zhongshan, Zhongshan, true, false)]
    [InlineData(Roles.Member, Zhongshan, Liuzhi, false, false)]
    [InlineData(Roles.HandlingUnit, City, City, false, false)]
    [InlineData(Roles.Admin, null, Liuzhi, true, true)]
    public void Read_and_manage_follow_the_path_prefix(string role, string? userPath, string target, bool read, bool manage)
    {
        var u = User(role, userPath);
        Assert.Equal(read, Scope.CanRead(u, target));
        Assert.Equal(manage, Scope.CanManage(u, target));
    }

    [Fact]
    public void A_path_prefix_must_end_at_a_segment()
    {
        // 52020 is not an ancestor of 520201: paths end with '/', so a shorter code cannot match a longer one.
        var u = User(Roles.Staff, "/CN/520000/52020/");
        Assert.False(Scope.CanRead(u, Zhongshan));
    }

    [Fact]
    public void Contacts_are_open_to_managers_and_to_the_member_only()
    {
        var m = new Member { Id = 7, CommitteePath = Zhongshan };
        Assert.True(Scope.SeesContacts(User(Roles.Staff, City), m));
        Assert.False(Scope.SeesContacts(User(Roles.Leader, City), m));
        Assert.False(Scope.SeesContacts(User(Roles.Member, Zhongshan, 8), m));
        Assert.True(Scope.SeesContacts(User(Roles.Member, Zhongshan, 7), m));
    }

    [Fact]
    public void The_query_filter_matches_the_rule()
    {
        var members = new[] { Zhongshan, Liuzhi, City }.Select((p, i) => new Member { Id = i + 1, CommitteePath = p }).AsQueryable();
        Assert.Equal(3, members.VisibleTo(User(Roles.Staff, City)).Count());
        Assert.Equal(3, members.VisibleTo(User(Roles.Leader, City)).Count());
        Assert.Equal([1], members.VisibleTo(User(Roles.Staff, Zhongshan)).Select(m => m.Id).ToArray());
        Assert.Equal([2], members.VisibleTo(User(Roles.Member, Liuzhi)).Select(m => m.Id).ToArray());
        Assert.Empty(members.VisibleTo(User(Roles.HandlingUnit, City)));
        Assert.Empty(members.VisibleTo(CurrentUser.Anonymous));
    }

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("0858-8221234", "0858-*******")]
    [InlineData("", "")]
    public void Phones_are_masked(string phone, string masked) => Assert.Equal(masked, MemberQueries.MaskPhone(phone));

    [Fact]
    public void Emails_are_masked() => Assert.Equal("z***@example.cn", MemberQueries.MaskEmail("zhang@example.cn"));
}
