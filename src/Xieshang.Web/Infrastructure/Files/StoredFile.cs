using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Xieshang.Web.Infrastructure.Files;

/// <summary>
/// A file kept on disk in the upload folder (<see cref="FileStoreOptions.Path"/>), described by one row: course
/// materials, lecture slides and videos (issue 7 on). The bytes live at <see cref="StorageKey"/> under the upload
/// folder, written whole through a temporary file and a rename (<see cref="FileStore.SaveAsync"/>), so a row never
/// points at a half-written file. Who may read a file is the owning feature's rule: a file has no URL of its own;
/// each feature streams it from its own endpoint after its own access check (<see cref="FileStore.Serve"/>).
/// </summary>
public sealed class StoredFile
{
    public int Id { get; set; }
    /// <summary>Relative path under the upload folder, <c>yyyy/MM/&lt;32 hex&gt;</c>; never derived from user input.</summary>
    public string StorageKey { get; set; } = "";
    /// <summary>File name as uploaded (path parts removed), at most 200 characters; used for the download name.</summary>
    public string FileName { get; set; } = "";
    /// <summary>Content type decided on the server from the first bytes (<see cref="FileKinds.Sniff"/>).</summary>
    public string ContentType { get; set; } = "";
    /// <summary>Bytes.</summary>
    public long Size { get; set; }
    /// <summary>SHA-256 of the content, lower-case hex (64 characters).</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>Which feature owns it, e.g. <c>course</c>, <c>lecture</c> (at most 32 characters).</summary>
    public string Owner { get; set; } = "";
    public string UploadedBy { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<StoredFile>
    {
        public void Configure(EntityTypeBuilder<StoredFile> b)
        {
            b.Property(x => x.StorageKey).HasMaxLength(80);
            b.Property(x => x.FileName).HasMaxLength(200);
            b.Property(x => x.ContentType).HasMaxLength(120);
            b.Property(x => x.Sha256).HasMaxLength(64);
            b.Property(x => x.Owner).HasMaxLength(32);
            b.Property(x => x.UploadedBy).HasMaxLength(64);
            b.HasIndex(x => x.StorageKey).IsUnique();
        }
    }
}
