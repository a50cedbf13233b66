using Xieshang.Web.Features.Activities;

namespace Xieshang.Tests.Features.Activities;

/// <summary>The rotating check-in token on its own: windows, grace, future, other activities, malformed input.</summary>
public sealed class CheckInTokensTests
{
    private const int Rotation = 60;
    private const int Grace = 30;
    private static readonly byte[] KeyA = CheckInTokens.NewKey();
    private static readonly byte[] KeyB = CheckInTokens.NewKey();
    // 09:00:00 Beijing = 01:00:00Z, a window boundary for any rotation dividing 3600.
    private static readonly DateTimeOffset Boundary = new(2026, 3, 14, 1, 0, 0, TimeSpan.Zero);

    private static TokenCheck Check(string token, DateTimeOffset at, int id = 7, byte[]? key = null, int grace = Grace) =>
        CheckInTokens.Check(id, key ?? KeyA, token, at, Rotation, grace);

    [Fact]
    public void Current_window_is_valid_and_expires_at_its_end()
    {
        var (token, ends) = CheckInTokens.Issue(7, KeyA, Boundary.AddSeconds(10), Rotation);
        Assert.Equal(Boundary.AddSeconds(60), ends);
        Assert.Equal(TokenCheck.Valid, Check(token, Boundary));
        Assert.Equal(TokenCheck.Valid, Check(token, Boundary.AddSeconds(59.999)));
        Assert.True(token.Length <= 40, token);
        Assert.Matches("^[0-9]+\\.[A-Za-z0-9_-]{22}$", token);
    }

    [Fact]
    public void Previous_window_is_valid_during_the_grace_period_only()
    {
        var (token, _) = CheckInTokens.Issue(7, KeyA, Boundary.AddSeconds(45), Rotation);
        Assert.Equal(TokenCheck.Valid, Check(token, Boundary.AddSeconds(60)));          // rotation: the next token is shown
        Assert.Equal(TokenCheck.Valid, Check(token, Boundary.AddSeconds(89.999)));      // within the 30 s grace
        Assert.Equal(TokenCheck.Expired, Check(token, Boundary.AddSeconds(90)));        // grace over
        Assert.Equal(TokenCheck.Expired, Check(token, Boundary.AddMinutes(30)));        // a copied old code
        Assert.Equal(TokenCheck.Expired, Check(token, Boundary.AddSeconds(60), grace: 0));
    }

    [Fact]
    public void Only_the_previous_window_gets_grace_however_long_it_is()
    {
        var (token, _) = CheckInTokens.Issue(7, KeyA, Boundary, Rotation);
        Assert.Equal(TokenCheck.Expired, Check(token, Boundary.AddSeconds(2 * Rotation + 1), grace: 3600));
    }

    [Fact]
    public void A_future_window_is_never_valid()
    {
        var (token, _) = CheckInTokens.Issue(7, KeyA, Boundary.AddSeconds(Rotation), Rotation);
        Assert.Equal(TokenCheck.Future, Check(token, Boundary.AddSeconds(59)));
        Assert.Equal(TokenCheck.Future, Check(token, Boundary.AddSeconds(-3600)));
        Assert.Equal(TokenCheck.Valid, Check(token, Boundary.AddSeconds(60)));
    }

    [Fact]
    public void A_token_of_another_activity_is_refused()
    {
        var (token, _) = CheckInTokens.Issue(7, KeyA, Boundary, Rotation);
        Assert.Equal(TokenCheck.Invalid, Check(token, Boundary, id: 8, key: KeyB)); // another activity
        Assert.Equal(TokenCheck.Invalid, Check(token, Boundary, id: 8, key: KeyA)); // same key, other id
        Assert.Equal(TokenCheck.Invalid, Check(token, Boundary, id: 7, key: KeyB)); // same id, other key
        Assert.Equal(TokenCheck.Invalid, CheckInTokens.Check(7, [], token, Boundary, Rotation, Grace)); // activity without a key
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("29000000.")]
    [InlineData(".AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("-1.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("29000000.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("29000000.AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("99999999999999999999.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("２９０００００００.AAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_are_invalid(string? token) =>
        Assert.Equal(TokenCheck.Invalid, CheckInTokens.Check(7, KeyA, token, Boundary, Rotation, Grace));

    [Fact]
    public void A_tampered_token_is_invalid()
    {
        var (token, _) = CheckInTokens.Issue(7, KeyA, Boundary, Rotation);
        var window = token[..token.IndexOf('.')];
        var shifted = (long.Parse(window) - 1) + token[token.IndexOf('.')..]; // claims the previous window with this window's MAC
        Assert.Equal(TokenCheck.Invalid, Check(shifted, Boundary));
        var flipped = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(TokenCheck.Invalid, Check(flipped, Boundary));
        Assert.Equal(TokenCheck.Invalid, Check(token + "x", Boundary));
    }

    [Fact]
    public void Windows_follow_unix_time()
    {
        var w = CheckInTokens.WindowOf(Boundary, Rotation);
        Assert.Equal(Boundary.ToUnixTimeSeconds() / Rotation, w);
        Assert.Equal(w, CheckInTokens.WindowOf(Boundary.AddSeconds(59.9), Rotation));
        Assert.Equal(w + 1, CheckInTokens.WindowOf(Boundary.AddSeconds(60), Rotation));
        Assert.Equal(Boundary.AddSeconds(60), CheckInTokens.WindowEnd(w, Rotation));
    }
}
