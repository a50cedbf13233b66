using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Files;

namespace Xieshang.Tests.Infrastructure.Files;

/// <summary>
/// The file store on real disks: a whole file or nothing (no row, no file, no temporary file left), kinds by magic
/// bytes, size limits while copying, and a full disk (a real 1 MiB tmpfs) answered with a clear message.
/// </summary>
public sealed class FileStoreTests(SqliteAppFactory app) : IClassFixture<SqliteAppFactory>
{
    private static readonly byte[] Pdf = [.. "%PDF-1.7\n"u8, .. new byte[4000]];

    private FileStore StoreAt(string root, long maxDocument = 20 << 20) => new(
        Options.Create(new FileStoreOptions { Path = root, MaxDocumentBytes = maxDocument, MaxVideoBytes = 50 << 20 }),
        app.Services.GetRequiredService<IWebHostEnvironment>(), TimeProvider.System);

    private static string[] FilesUnder(string root) => Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task A_document_is_stored_whole_with_its_hash_and_a_row()
    {
        var root = Path.Combine(Path.GetTempPath(), $"xs-fs-{Guid.NewGuid():N}");
        try
        {
            var store = StoreAt(root);
            var id = await app.WithDbAsync(async db =>
            {
                var (file, error) = await store.SaveAsync(db, new MemoryStream(Pdf), "../../etc/讲稿.pdf", FileKind.Document, 1 << 20, "test", "staff", CancellationToken.None);
                Assert.Null(error);
                await db.SaveChangesAsync();
                return file!.Id;
            });
            var row = await app.WithDbAsync(db => db.StoredFiles.AsNoTracking().SingleAsync(f => f.Id == id));
            Assert.Equal("讲稿.pdf", row.FileName);
            Assert.Equal("application/pdf", row.ContentType);
            Assert.Equal(Pdf.Length, row.Size);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf)), row.Sha256);
            Assert.Matches(@"^\d{4}/\d{2}/[0-9a-f]{32}$", row.StorageKey);
            var stored = Assert.Single(FilesUnder(root));
            Assert.Equal(Pdf, await File.ReadAllBytesAsync(stored));
            Assert.Empty(FilesUnder(Path.Combine(root, ".tmp")));
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Theory]
    [InlineData("notes.pdf", "这不是PDF，只是文字。", FileKind.Document, "格式不支持")]
    [InlineData("clip.mp4", "%PDF-1.4 pretending", FileKind.Video, "格式不支持")]
    [InlineData("empty.pdf", "", FileKind.Document, "空的")]
    public async Task A_wrong_kind_or_empty_file_leaves_nothing(string name, string text, FileKind allowed, string message)
    {
        var root = Path.Combine(Path.GetTempPath(), $"xs-fs-{Guid.NewGuid():N}");
        try
        {
            var before = await app.WithDbAsync(db => db.StoredFiles.CountAsync());
            var error = await app.WithDbAsync(async db =>
            {
                var (file, err) = await StoreAt(root).SaveAsync(db, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), name, allowed, 1 << 20, "test", "staff", CancellationToken.None);
                Assert.Null(file);
                await db.SaveChangesAsync();
                return err;
            });
            Assert.Contains(message, error);
            Assert.Equal(before, await app.WithDbAsync(db => db.StoredFiles.CountAsync()));
            Assert.Empty(FilesUnder(root));
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_while_copying_and_leaves_nothing()
    {
        var root = Path.Combine(Path.GetTempPath(), $"xs-fs-{Guid.NewGuid():N}");
        try
        {
            var big = new byte[3 << 20];
            "%PDF-1.7"u8.CopyTo(big);
            var error = await app.WithDbAsync(async db =>
            {
                var (file, err) = await StoreAt(root).SaveAsync(db, new MemoryStream(big), "big.pdf", FileKind.Document, 1 << 20, "test", "staff", CancellationToken.None);
                Assert.Null(file);
                Assert.Empty(db.ChangeTracker.Entries());
                return err;
            });
            Assert.Contains("1 MB", error);
            Assert.Empty(FilesUnder(root));
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, true); }
    }

    [Fact]
    public async Task A_full_disk_gives_a_clear_message_and_leaves_nothing()
    {
        var root = Path.Combine(Path.GetTempPath(), $"xs-fs-full-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        // A real full disk: a 1 MiB tmpfs (the test machines run the suite as root; without the right to mount this fails, it is not skipped).
        Run("mount", $"-t tmpfs -o size=1m tmpfs {root}");
        try
        {
            var big = new byte[3 << 20];
            "%PDF-1.7"u8.CopyTo(big);
            var error = await app.WithDbAsync(async db =>
            {
                var (file, err) = await StoreAt(root).SaveAsync(db, new MemoryStream(big), "big.pdf", FileKind.Document, 20 << 20, "test", "staff", CancellationToken.None);
                Assert.Null(file);
                Assert.Empty(db.ChangeTracker.Entries());
                return err;
            });
            Assert.Contains("存储空间不足", error);
            Assert.Empty(FilesUnder(root));
            // Space is back once the failed write is gone: a small file fits.
            var ok = await app.WithDbAsync(async db => (await StoreAt(root).SaveAsync(db, new MemoryStream(Pdf), "small.pdf", FileKind.Document, 20 << 20, "test", "staff", CancellationToken.None)).Error);
            Assert.Null(ok);
        }
        finally
        {
            Run("umount", root);
            Directory.Delete(root, true);
        }
    }

    private static void Run(string command, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command} {args} failed ({p.ExitCode}): {stderr} — the disk-full test needs root to mount a small tmpfs.");
    }
}
