using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Web.Features.Study;

/// <summary>
/// Rules of study materials shared by courses and lectures (<see cref="StudyMaterial"/>): a document (PDF, Office,
/// image; <see cref="FileStoreOptions.MaxDocumentBytes"/>), a video stored with the platform (MP4/WebM;
/// <see cref="FileStoreOptions.MaxVideoBytes"/>) or an http/https link. The owning slice checks access first, sets
/// <c>CourseId</c>/<c>SessionId</c> or <c>LectureId</c>, then calls these.
/// </summary>
public static class StudyMaterials
{
    /// <summary>API codes of <see cref="MaterialKind"/>: <c>document</c>, <c>video</c>, <c>link</c>.</summary>
    public static MaterialKind? ParseKind(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "document" or "" or null => MaterialKind.Document,
        "video" => MaterialKind.Video,
        "link" => MaterialKind.Link,
        _ => null,
    };

    /// <summary>API code of a kind.</summary>
    public static string KindCode(MaterialKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Chinese name of a kind: 文档, 视频, 链接.</summary>
    public static string KindName(MaterialKind kind) => kind switch { MaterialKind.Video => "视频", MaterialKind.Link => "链接", _ => "文档" };

    /// <summary>
    /// Validates and adds a material (not saved; the caller saves, so the row commits with its file). For a document or
    /// a video <paramref name="content"/> is the upload (stored through <see cref="FileStore.SaveAsync"/>); for a link
    /// <paramref name="url"/> must be an absolute http/https URL. Title defaults to the file name. Errors are Chinese
    /// with the field at fault (<c>title</c>, <c>file</c>, <c>url</c>, <c>kind</c>); nothing is added on error.
    /// </summary>
    public static async Task<(StudyMaterial? Material, RuleError? Error)> AddAsync(AppDbContext db, FileStore files, StudyMaterial target,
        Stream? content, string? fileName, string? url, string user, TimeProvider clock, CancellationToken ct)
    {
        var title = (target.Title ?? "").Trim();
        if (title.Length > 200) return (null, RuleError.Bad("标题不能超过 200 个字。", "title"));
        target.AddedBy = user;
        target.AddedAt = clock.GetUtcNow();
        target.SortOrder = await db.StudyMaterials.CountAsync(m => m.CourseId == target.CourseId && m.LectureId == target.LectureId, ct) + 1;
        if (target.Kind == MaterialKind.Link)
        {
            var u = (url ?? "").Trim();
            if (u.Length == 0) return (null, RuleError.Bad("请填写链接地址。", "url"));
            // AbsoluteUri keeps the escaping (Uri.ToString() would unescape %20 and the like); it is what is stored, so it is what
            // must fit the 500-character column (Chinese characters in a path grow to %XX%XX%XX).
            if (!Uri.TryCreate(u, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.AbsoluteUri.Length > 500)
                return (null, RuleError.Bad("链接须为以 http:// 或 https:// 开头的完整地址，且不超过 500 个字符。", "url"));
            if (title.Length == 0) return (null, RuleError.Bad("请填写链接的标题。", "title"));
            target.Title = title;
            target.Url = parsed.AbsoluteUri;
            db.StudyMaterials.Add(target);
            return (target, null);
        }
        if (content is null) return (null, RuleError.Bad("请选择要上传的文件。", "file"));
        var video = target.Kind == MaterialKind.Video;
        var (file, error) = await files.SaveAsync(db, content, fileName ?? "", video ? FileKind.Video : FileKind.Document | FileKind.Image,
            video ? files.Options.MaxVideoBytes : files.Options.MaxDocumentBytes, target.LectureId is null ? "course" : "lecture", user, ct);
        if (error is not null) return (null, RuleError.Bad(error, "file"));
        target.Title = title.Length > 0 ? title : file!.FileName;
        target.StoredFile = file;
        db.StudyMaterials.Add(target);
        return (target, null);
    }

    /// <summary>Slack over the video limit for the multipart envelope and the other fields of an upload (64 KiB).</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    /// <summary>
    /// Reads a material upload form (multipart) of up to <see cref="FileStoreOptions.MaxVideoBytes"/> plus
    /// <see cref="MultipartOverheadBytes"/> — THE way an upload endpoint (course or lecture, API or page) reads its form:
    /// it lifts this request's body limit (Kestrel's default is about 28.6 MB; <c>IHttpMaxRequestBodySizeFeature</c>) and the
    /// form's multipart limit before reading. Must run before anything else reads the body. The per-kind size limits are
    /// then <see cref="AddAsync"/>'s. Errors (Chinese, field <c>file</c>): not a multipart form; too large or unreadable.
    /// </summary>
    public static async Task<(IFormCollection? Form, RuleError? Error)> ReadUploadFormAsync(HttpContext http, FileStore files, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return (null, RuleError.Bad("请以 multipart/form-data 表单上传资料（kind、title、file 或 url）。", "file"));
        var max = files.Options.MaxVideoBytes + MultipartOverheadBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max;
        try
        {
            return (await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max }, ct), null);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, RuleError.Bad($"上传内容过大或无法读取（视频不超过 {files.Options.MaxVideoBytes / 1024 / 1024} MB）。", "file"));
        }
    }

    /// <summary>Streams a material's file (inline for a video, PDF or image; as a download otherwise); 404 for a link or a missing file.</summary>
    public static IResult Serve(FileStore files, StudyMaterial m)
    {
        if (m.StoredFile is null) return TypedResults.NotFound();
        var inline = m.StoredFile.ContentType is "application/pdf" || m.StoredFile.ContentType.StartsWith("video/", StringComparison.Ordinal)
            || m.StoredFile.ContentType.StartsWith("image/", StringComparison.Ordinal);
        return files.Serve(m.StoredFile, download: !inline);
    }

    /// <summary>Removes a material and its file (not saved).</summary>
    public static void Remove(AppDbContext db, FileStore files, StudyMaterial m)
    {
        db.StudyMaterials.Remove(m);
        if (m.StoredFile is not null) files.Delete(db, m.StoredFile);
    }
}
