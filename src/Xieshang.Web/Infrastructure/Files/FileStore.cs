using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Files;

/// <summary>Where uploaded files live and how big they may be. Section <c>Files</c>.</summary>
public sealed class FileStoreOptions
{
    /// <summary>Upload folder; relative paths are under the content root. Default <c>App_Data/uploads</c>.</summary>
    public string Path { get; set; } = "App_Data/uploads";
    /// <summary>Largest document, slide deck or image, in bytes (default 20 MiB).</summary>
    public long MaxDocumentBytes { get; set; } = 20L * 1024 * 1024;
    /// <summary>Largest video, in bytes (default 500 MiB). Requests up to this size are accepted by the video upload endpoints only.</summary>
    public long MaxVideoBytes { get; set; } = 500L * 1024 * 1024;
}

/// <summary>What a stored file is, decided from its first bytes (and, for Office files, its extension).</summary>
[Flags]
public enum FileKind
{
    None = 0,
    /// <summary>PDF, Word, Excel, PowerPoint (.docx/.xlsx/.pptx and the legacy .doc/.xls/.ppt).</summary>
    Document = 1,
    /// <summary>JPEG, PNG, WebP.</summary>
    Image = 2,
    /// <summary>MP4 (ISO base media, <c>ftyp</c>) or WebM.</summary>
    Video = 4,
}

/// <summary>Content sniffing by magic bytes: the content type is never taken from the client.</summary>
public static class FileKinds
{
    /// <summary>Bytes <see cref="Sniff"/> needs from the start of the file.</summary>
    public const int HeaderBytes = 16;

    /// <summary>
    /// The kind and content type of a file from its first <see cref="HeaderBytes"/> bytes and its name's extension
    /// (which only chooses between Office formats sharing one container); <c>(None, "")</c> when not recognised.
    /// </summary>
    public static (FileKind Kind, string ContentType) Sniff(ReadOnlySpan<byte> b, string fileName)
    {
        var ext = System.IO.Path.GetExtension(fileName).ToLowerInvariant();
        if (b.Length >= 5 && b[..5].SequenceEqual("%PDF-"u8)) return (FileKind.Document, "application/pdf");
        if (b.Length >= 4 && b[0] == 0x50 && b[1] == 0x4B && b[2] == 0x03 && b[3] == 0x04)
            return ext switch
            {
                ".docx" => (FileKind.Document, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                ".xlsx" => (FileKind.Document, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ".pptx" => (FileKind.Document, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
                _ => (FileKind.None, ""),
            };
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }))
            return ext switch
            {
                ".doc" => (FileKind.Document, "application/msword"),
                ".xls" => (FileKind.Document, "application/vnd.ms-excel"),
                ".ppt" => (FileKind.Document, "application/vnd.ms-powerpoint"),
                _ => (FileKind.None, ""),
            };
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return (FileKind.Image, "image/jpeg");
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return (FileKind.Image, "image/png");
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return (FileKind.Image, "image/webp");
        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8)) return (FileKind.Video, "video/mp4");
        if (b.Length >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3) return (FileKind.Video, "video/webm");
        return (FileKind.None, "");
    }

    /// <summary>Chinese list of the formats a set of kinds allows, for error messages.</summary>
    public static string Describe(FileKind allowed) => string.Join("、", new[]
    {
        allowed.HasFlag(FileKind.Document) ? "PDF、Word、Excel、PowerPoint" : null,
        allowed.HasFlag(FileKind.Image) ? "JPEG、PNG、WebP 图片" : null,
        allowed.HasFlag(FileKind.Video) ? "MP4、WebM 视频" : null,
    }.Where(s => s is not null));
}

/// <summary>
/// The one way to put an uploaded file on disk and to serve it back. Files are written to a temporary file in the
/// upload folder, checked (size while copying, kind by magic bytes), then renamed into place: a failure at any point
/// (too big, wrong kind, disk full, client gone) deletes the temporary file and adds no row. The caller saves the
/// context; a file renamed into place whose row is then not saved is left on disk (harmless, never served).
/// </summary>
public sealed class FileStore(IOptions<FileStoreOptions> options, IWebHostEnvironment env, TimeProvider clock)
{
    private readonly string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(env.ContentRootPath, options.Value.Path));

    /// <summary>The options in force (limits for messages and request-size settings).</summary>
    public FileStoreOptions Options => options.Value;

    /// <summary>
    /// Copies <paramref name="content"/> into the store and adds a <see cref="StoredFile"/> to <paramref name="db"/>
    /// (not saved). Errors are Chinese messages for the user: empty file, larger than <paramref name="maxBytes"/>,
    /// a kind not in <paramref name="allowed"/>, or no space left on the server.
    /// </summary>
    public async Task<(StoredFile? File, string? Error)> SaveAsync(AppDbContext db, Stream content, string fileName, FileKind allowed, long maxBytes,
        string owner, string uploadedBy, CancellationToken ct)
    {
        var name = System.IO.Path.GetFileName((fileName ?? "").Replace('\\', '/')).Trim();
        if (name.Length == 0) name = "file";
        if (name.Length > 200) name = name[^200..];
        var now = clock.GetUtcNow();
        var key = $"{now:yyyy}/{now:MM}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        var tmpDir = System.IO.Path.Combine(root, ".tmp");
        var tmp = System.IO.Path.Combine(tmpDir, Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(tmpDir);
            long size = 0;
            var header = new byte[FileKinds.HeaderBytes];
            var headerLength = 0;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes) return (null, $"文件超过 {maxBytes / 1024 / 1024} MB 的上限，未保存。");
                    if (headerLength < header.Length)
                    {
                        var n = Math.Min(read, header.Length - headerLength);
                        Array.Copy(buffer, 0, header, headerLength, n);
                        headerLength += n;
                    }
                    sha.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await output.FlushAsync(ct);
                output.Flush(flushToDisk: true);
            }
            if (size == 0) return (null, "文件是空的，未保存。");
            var (kind, type) = FileKinds.Sniff(header.AsSpan(0, headerLength), name);
            if (kind == FileKind.None || !allowed.HasFlag(kind)) return (null, $"文件格式不支持，只接受 {FileKinds.Describe(allowed)}。");
            var final = PathOf(key);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(final)!);
            File.Move(tmp, final);
            var file = new StoredFile
            {
                StorageKey = key, FileName = name, ContentType = type, Size = size, Sha256 = Convert.ToHexStringLower(sha.GetHashAndReset()),
                Owner = owner, UploadedBy = uploadedBy, UploadedAt = now,
            };
            db.StoredFiles.Add(file);
            return (file, null);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            return (null, "服务器存储空间不足，文件未保存，请联系管理员。");
        }
        finally
        {
            try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Streams a stored file (range requests allowed, so videos seek). <paramref name="download"/> adds a download name
    /// (attachment); otherwise the browser shows it inline (PDF, image, video). 404 when the bytes are missing.
    /// </summary>
    public IResult Serve(StoredFile file, bool download)
    {
        var path = PathOf(file.StorageKey);
        if (!File.Exists(path)) return TypedResults.NotFound();
        return TypedResults.PhysicalFile(path, file.ContentType, download ? file.FileName : null, enableRangeProcessing: true);
    }

    /// <summary>Removes the row (caller saves) and the bytes.</summary>
    public void Delete(AppDbContext db, StoredFile file)
    {
        db.StoredFiles.Remove(file);
        try { File.Delete(PathOf(file.StorageKey)); } catch (IOException) { }
    }

    private string PathOf(string key) => System.IO.Path.Combine(root, key.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027) || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Registration of the file store.</summary>
public static class FileStoreSetup
{
    /// <summary>Binds <see cref="FileStoreOptions"/> (section <c>Files</c>) and registers <see cref="FileStore"/> as a singleton.</summary>
    public static void AddFileStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FileStoreOptions>().Bind(builder.Configuration.GetSection("Files"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path) && o.MaxDocumentBytes > 0 && o.MaxVideoBytes > 0, "Files: Path, MaxDocumentBytes and MaxVideoBytes are required.")
            .ValidateOnStart();
        builder.Services.AddSingleton<FileStore>();
    }
}
