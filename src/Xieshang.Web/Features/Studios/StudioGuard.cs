using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;

namespace Xieshang.Web.Features.Studios;

/// <summary>Settings of the studios' public message endpoint (section <c>Studios</c>).</summary>
public sealed class StudioOptions
{
    /// <summary>Messages one client (address) may leave in 10 minutes, over all studios (default 3; counted in the database, so across instances).</summary>
    public int MessagesPerClientPer10Minutes { get; set; } = 3;
    /// <summary>Messages one studio accepts per China day (default 200).</summary>
    public int MessagesPerStudioPerDay { get; set; } = 200;
    /// <summary>Requests to the public message and challenge endpoints per client address in 10 minutes, valid or not (ASP.NET Core rate limiter, per instance; default 30).</summary>
    public int RequestsPerClientPer10Minutes { get; set; } = 30;
    /// <summary>How long a challenge stays valid (default 30 minutes).</summary>
    public int ChallengeMinutes { get; set; } = 30;
    /// <summary>Largest photo accepted (bytes, default 5 MB).</summary>
    public long MaxPhotoBytes { get; set; } = 5 * 1024 * 1024;
    /// <summary>Secret of the client-address hash; when empty, one derived from the database connection string (the same on every instance).</summary>
    public string ClientKeySecret { get; set; } = "";
}

/// <summary>A challenge question with its signed token (the answer is inside the token, encrypted and authenticated).</summary>
public sealed record StudioChallenge(string Question, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// The abuse guards of the public message endpoint: a server-issued arithmetic challenge whose answer is bound to an
/// expiring token protected by ASP.NET Data Protection (authenticated encryption, HMAC-SHA256; keys shared by the
/// instances through the database), the keyed hash of the client address, the photo check (JPEG, PNG or WebP by
/// magic bytes, decoded and re-encoded so EXIF and location data are dropped), and tracking codes.
/// </summary>
public static class StudioGuard
{
    private const string Purpose = "Xieshang.Studios.Challenge.v1";

    /// <summary>Alphabet of tracking codes: digits and capitals without 0/O, 1/I/L (31 symbols).</summary>
    public const string TrackingAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    /// <summary>Length of a tracking code (31^10 ≈ 8 × 10^14 codes).</summary>
    public const int TrackingLength = 10;

    /// <summary>A new random tracking code.</summary>
    public static string NewTrackingCode() => RandomNumberGenerator.GetString(TrackingAlphabet, TrackingLength);

    /// <summary>A typed tracking code normalised (upper case, spaces and dashes removed), or null when it cannot be one.</summary>
    public static string? NormalizeTrackingCode(string? raw)
    {
        var s = new string((raw ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());
        return s.Length == TrackingLength && s.All(c => TrackingAlphabet.Contains(c)) ? s : null;
    }

    /// <summary>Issues a challenge (两个一位或两位数相加) valid for <paramref name="minutes"/> from <paramref name="clock"/>'s now.</summary>
    public static StudioChallenge Issue(IDataProtectionProvider dp, TimeProvider clock, int minutes)
    {
        var a = RandomNumberGenerator.GetInt32(2, 20);
        var b = RandomNumberGenerator.GetInt32(1, 10);
        var expires = clock.GetUtcNow().AddMinutes(minutes);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var payload = string.Create(CultureInfo.InvariantCulture, $"{a + b}|{nonce}|{expires.ToUnixTimeSeconds()}");
        return new StudioChallenge($"{a} 加 {b} 等于几？", dp.CreateProtector(Purpose).Protect(payload), expires);
    }

    /// <summary>
    /// Opens <paramref name="token"/> and compares <paramref name="answer"/> (a whole number, full-width digits allowed) with the
    /// answer inside it: the token's nonce and expiry with whether the answer is right, or the Chinese reason the token
    /// itself is refused (missing, forged or expired). Does not use the token up: <see cref="BurnAsync"/> does, whatever the answer.
    /// </summary>
    public static (string? Nonce, DateTimeOffset ExpiresAt, bool Correct, string? Error) Verify(IDataProtectionProvider dp, TimeProvider clock, string? token, string? answer)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000) return (null, default, false, "缺少验证题，请刷新页面后重新填写。");
        string payload;
        try { payload = dp.CreateProtector(Purpose).Unprotect(token.Trim()); }
        catch (CryptographicException) { return (null, default, false, "验证题无效，请刷新页面后重新填写。"); }
        var parts = payload.Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var exp)) return (null, default, false, "验证题无效，请刷新页面后重新填写。");
        if (clock.GetUtcNow().ToUnixTimeSeconds() > exp) return (null, default, false, "验证题已过期，请刷新页面换一道题。");
        var typed = (answer ?? "").Trim().Normalize(NormalizationForm.FormKC);
        var correct = int.TryParse(typed, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n.ToString(CultureInfo.InvariantCulture) == parts[0];
        return (parts[1], DateTimeOffset.FromUnixTimeSeconds(exp), correct, null);
    }

    /// <summary>Prefix of the <see cref="JobLease"/> rows that mark a challenge nonce as used.</summary>
    private const string UsedPrefix = "studio-challenge:";

    /// <summary>
    /// Uses a challenge up, right or wrong, so one token allows exactly one attempt (a script cannot try 0, 1, 2, … with it):
    /// the nonce is held as a <see cref="JobLease"/> row named <c>studio-challenge:{nonce}</c> until the token expires (the
    /// table's primary key makes the first attempt win across instances; expired rows are removed here). Returns false when
    /// the token was already used. Saves.
    /// </summary>
    public static async Task<bool> BurnAsync(AppDbContext db, string nonce, DateTimeOffset expiresAt, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.JobLeases.Where(l => l.Name.StartsWith(UsedPrefix) && l.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var name = UsedPrefix + nonce;
        if (await db.JobLeases.AnyAsync(l => l.Name == name, ct)) return false;
        var row = new JobLease { Name = name, Holder = "used", ExpiresAt = expiresAt };
        db.JobLeases.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(row).State = EntityState.Detached; // the same token at once: the other attempt used it
            return false;
        }
    }

    /// <summary>Keyed SHA-256 (hex) of the client address; the address itself is never stored.</summary>
    public static string ClientKey(string secret, string? address) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes("xs-studio|" + secret), Encoding.UTF8.GetBytes(address ?? "unknown"))).ToLowerInvariant();

    /// <summary>The image type by magic bytes: <c>image/jpeg</c>, <c>image/png</c>, <c>image/webp</c>, or null.</summary>
    public static string? SniffImage(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return "image/png";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        return null;
    }

    /// <summary>
    /// Checks a photo (by magic bytes, then by decoding it) and returns it re-encoded in the same format without any
    /// metadata (EXIF, GPS, XMP, text chunks), turned upright per its EXIF orientation first; or the Chinese reason.
    /// </summary>
    public static (byte[]? Bytes, string ContentType, string? Error) CleanPhoto(byte[] data)
    {
        var type = SniffImage(data);
        if (type is null) return (null, "", "照片须为 JPEG、PNG 或 WebP 格式的图片。");
        using var codec = SKCodec.Create(new SKMemoryStream(data));
        if (codec is null) return (null, "", "照片无法识别，请换一张 JPEG、PNG 或 WebP 图片。");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > 50_000_000) return (null, "", "照片尺寸过大或无效。");
        using var decoded = new SKBitmap(info.WithColorType(SKColorType.Rgba8888).WithAlphaType(type == "image/jpeg" ? SKAlphaType.Opaque : SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput)) return (null, "", "照片无法识别，请换一张 JPEG、PNG 或 WebP 图片。");
        using var upright = Orient(decoded, codec.EncodedOrigin);
        using var image = SKImage.FromBitmap(upright);
        var (format, quality) = type switch
        {
            "image/png" => (SKEncodedImageFormat.Png, 100),
            "image/webp" => (SKEncodedImageFormat.Webp, 85),
            _ => (SKEncodedImageFormat.Jpeg, 85),
        };
        using var encoded = image.Encode(format, quality);
        if (encoded is null) return (null, "", "照片处理失败，请换一张图片。");
        return (encoded.ToArray(), type, null);
    }

    private static SKBitmap Orient(SKBitmap src, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default) return src.Copy();
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var dst = new SKBitmap(swap ? src.Height : src.Width, swap ? src.Width : src.Height, src.ColorType, src.AlphaType);
        using var canvas = new SKCanvas(dst);
        var (w, h) = (src.Width, src.Height);
        switch (origin)
        {
            case SKEncodedOrigin.TopRight: canvas.Scale(-1, 1, w / 2f, 0); break;
            case SKEncodedOrigin.BottomRight: canvas.RotateDegrees(180, w / 2f, h / 2f); break;
            case SKEncodedOrigin.BottomLeft: canvas.Scale(1, -1, 0, h / 2f); break;
            case SKEncodedOrigin.LeftTop: canvas.Translate(h, 0); canvas.RotateDegrees(90); canvas.Scale(1, -1, 0, h / 2f); break;
            case SKEncodedOrigin.RightTop: canvas.Translate(h, 0); canvas.RotateDegrees(90); break;
            case SKEncodedOrigin.RightBottom: canvas.Translate(0, w); canvas.RotateDegrees(-90); canvas.Scale(1, -1, 0, h / 2f); break;
            case SKEncodedOrigin.LeftBottom: canvas.Translate(0, w); canvas.RotateDegrees(-90); break;
        }
        canvas.DrawBitmap(src, 0, 0);
        return dst;
    }
}
