using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Xieshang.Web.Features.Activities;

/// <summary>Outcome of checking a check-in token against an activity and a moment.</summary>
public enum TokenCheck
{
    /// <summary>The token of the current window, or of the previous one within the grace period.</summary>
    Valid,
    /// <summary>Not a token of this activity: malformed, forged, or issued for another activity (other id, other key).</summary>
    Invalid,
    /// <summary>A genuine token of this activity whose window (plus grace) has passed: a copied or photographed old code.</summary>
    Expired,
    /// <summary>A genuine token of a window that has not begun (a clock far ahead, or a leaked key); never accepted.</summary>
    Future,
}

/// <summary>
/// The rotating check-in tokens of the QR code: stateless, so any instance behind a load balancer issues and checks
/// them without shared memory. Time is cut into windows of <c>rotation</c> seconds (window index =
/// ⌊unix seconds / rotation⌋); the token of window <c>w</c> is <c>"{w}.{mac}"</c> where <c>mac</c> is the first
/// 16 bytes of HMAC-SHA256 over <c>(activity id, w)</c>, keyed by the activity's random <see cref="Activity.CheckInKey"/>,
/// in base64url (22 characters). 128 bits of MAC cannot be guessed; the token stays about 32 characters, so the
/// check-in URL fits a low-density QR code that a phone reads from the back of a meeting room.
/// A token is valid during its window and, after the next rotation, for <c>grace</c> more seconds (a member who
/// scanned just before the rotation still gets through); never before its window, never for another activity.
/// Whether the activity is open for check-in at all (published, not ended) is <see cref="CheckInService"/>'s concern.
/// </summary>
public static class CheckInTokens
{
    /// <summary>Bytes of the HMAC kept in the token.</summary>
    public const int MacBytes = 16;

    /// <summary>Size of a fresh <see cref="Activity.CheckInKey"/>.</summary>
    public const int KeyBytes = 32;

    /// <summary>Longest string that can be a token (longer input is refused without parsing).</summary>
    public const int MaxLength = 64;

    /// <summary>A fresh random per-activity key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>Index of the window containing <paramref name="at"/>.</summary>
    public static long WindowOf(DateTimeOffset at, int rotationSeconds) =>
        (long)Math.Floor(at.ToUnixTimeMilliseconds() / (rotationSeconds * 1000.0));

    /// <summary>First instant after window <paramref name="window"/> (when the next token takes over).</summary>
    public static DateTimeOffset WindowEnd(long window, int rotationSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds((window + 1) * rotationSeconds);

    /// <summary>The token of window <paramref name="window"/>.</summary>
    public static string Issue(int activityId, byte[] key, long window) =>
        window.ToString(CultureInfo.InvariantCulture) + "." + Base64Url.EncodeToString(Mac(activityId, key, window));

    /// <summary>The token valid at <paramref name="now"/> and the end of its window (when the screen shows the next one).</summary>
    public static (string Token, DateTimeOffset WindowEnds) Issue(int activityId, byte[] key, DateTimeOffset now, int rotationSeconds)
    {
        var w = WindowOf(now, rotationSeconds);
        return (Issue(activityId, key, w), WindowEnd(w, rotationSeconds));
    }

    /// <summary>Checks <paramref name="token"/> for activity <paramref name="activityId"/> (keyed by <paramref name="key"/>) at <paramref name="now"/>.</summary>
    public static TokenCheck Check(int activityId, byte[] key, string? token, DateTimeOffset now, int rotationSeconds, int graceSeconds)
    {
        if (key.Length == 0 || !TryParse(token, out var window, out var mac)) return TokenCheck.Invalid;
        if (!CryptographicOperations.FixedTimeEquals(mac, Mac(activityId, key, window))) return TokenCheck.Invalid;
        var current = WindowOf(now, rotationSeconds);
        if (window > current) return TokenCheck.Future;
        if (window == current) return TokenCheck.Valid;
        if (window == current - 1 && now < WindowEnd(window, rotationSeconds).AddSeconds(graceSeconds)) return TokenCheck.Valid;
        return TokenCheck.Expired;
    }

    private static bool TryParse(string? token, out long window, out byte[] mac)
    {
        window = 0;
        mac = [];
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength) return false;
        var dot = token.IndexOf('.');
        if (dot is < 1 or > 15) return false;
        var digits = token.AsSpan(0, dot);
        foreach (var c in digits) if (!char.IsAsciiDigit(c)) return false;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out window)) return false;
        var encoded = token.AsSpan(dot + 1);
        if (encoded.Length != Base64Url.GetEncodedLength(MacBytes)) return false;
        foreach (var c in encoded) if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        var buffer = new byte[MacBytes];
        if (Base64Url.DecodeFromChars(encoded, buffer, out _, out var written) != System.Buffers.OperationStatus.Done || written != MacBytes) return false;
        // Reject non-canonical encodings (different trailing bits): exactly one spelling per token.
        if (!encoded.SequenceEqual(Base64Url.EncodeToString(buffer))) return false;
        mac = buffer;
        return true;
    }

    private static byte[] Mac(int activityId, byte[] key, long window)
    {
        var data = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"xs-checkin:{activityId}:{window}"));
        return HMACSHA256.HashData(key, data)[..MacBytes];
    }
}
