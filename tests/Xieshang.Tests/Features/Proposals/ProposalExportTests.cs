using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>The compilation (提案汇编) and the reply compilation (答复汇编): real Word files with a TOC field, the right headings, scope.</summary>
public abstract class ProposalExportTests(AppFactory app)
{
    private sealed record Doc(List<string> Headings, List<string> Subheadings, List<string> Paragraphs, string TocInstruction, bool UpdateOnOpen, int ValidationErrors);

    private static Doc Read(byte[] bytes)
    {
        using var ms = new MemoryStream(bytes);
        using var doc = WordprocessingDocument.Open(ms, false);
        var body = doc.MainDocumentPart!.Document.Body!;
        string Style(Paragraph p) => p.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? "";
        // The text a reader sees (w:t only; the TOC field's instruction is w:instrText).
        string Text(Paragraph p) => string.Concat(p.Descendants<Text>().Select(t => t.Text));
        var paragraphs = body.Elements<Paragraph>().ToList();
        var errors = new OpenXmlValidator().Validate(doc).ToList();
        return new Doc(
            paragraphs.Where(p => Style(p) == ProposalExport.HeadingStyle).Select(Text).ToList(),
            paragraphs.Where(p => Style(p) == ProposalExport.SubheadingStyle).Select(Text).ToList(),
            paragraphs.Select(Text).ToList(),
            string.Concat(body.Descendants<FieldCode>().Select(f => f.Text)),
            doc.MainDocumentPart.DocumentSettingsPart?.Settings.GetFirstChild<UpdateFieldsOnOpen>()?.Val?.Value == true,
            errors.Count);
    }

    private async Task<byte[]> GetDocxAsync(string user, string url)
    {
        var res = await (await app.ClientAsAsync(user)).GetAsync(url);
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{user} {url}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        Assert.Equal(ProposalExport.DocxContentType, res.Content.Headers.ContentType?.MediaType);
        return await res.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task The_compilation_opens_with_a_toc_field_and_one_heading_per_filed_proposal_of_the_committee_in_number_order()
    {
        var d = await StatsData.SeedAsync(app, 2021);
        var doc = Read(await GetDocxAsync("staff.520200", "/api/proposals/compilation.docx?committee=520200&year=2021"));
        Assert.Equal(0, doc.ValidationErrors);
        Assert.Contains("TOC", doc.TocInstruction);
        Assert.True(doc.UpdateOnOpen);
        // Filed proposals of the city itself (P8–P12), numbered 1–5 in the set's term: no draft, submitted, not-filed, merged or district one.
        var term = ProposalRules.ChineseNumber(40 + 2021 % 50);
        Assert.Equal(new[] { "P8", "P9", "P10", "P11", "P12" }.Select((k, i) => $"{term}届一次会议第{i + 1:0000}号　{StatsData.TitleOf(k, 2021)}"), doc.Headings);
        // The table of contents already lists them (before Word updates it), the cover names the document and the count.
        foreach (var h in doc.Headings) Assert.Equal(2, doc.Paragraphs.Count(p => p == h)); // the TOC entry and the heading
        Assert.Contains("六盘水市政协2021年提案汇编", doc.Paragraphs);
        Assert.Contains("（共 5 件）", doc.Paragraphs);
        // Body as paragraphs, proposer and co-signer by name.
        Assert.Contains("P9现状：问题较多。", doc.Paragraphs);
        Assert.Contains("P9建议：一是加强统筹；二是加大投入。", doc.Paragraphs);
        Assert.Contains(doc.Paragraphs, p => p.StartsWith("联名提案人：", StringComparison.Ordinal));
        Assert.DoesNotContain(doc.Paragraphs, p => p.Contains(StatsData.TitleOf("P6", 2021)) || p.Contains(StatsData.TitleOf("P13", 2021)));

        // The district's compilation holds only its own.
        var district = Read(await GetDocxAsync("staff.520201", "/api/proposals/compilation.docx?committee=520201&year=2021"));
        Assert.Equal([StatsData.TitleOf("P13", 2021)], district.Headings.Select(h => h[(h.IndexOf('　') + 1)..]));
        // A leader reads it too; an empty selection still makes a valid document.
        var empty = Read(await GetDocxAsync("leader.520200", "/api/proposals/compilation.docx?committee=520200&year=2009"));
        Assert.Empty(empty.Headings);
        Assert.Equal(0, empty.ValidationErrors);
        Assert.Contains("TOC", empty.TocInstruction);
    }

    [Fact]
    public async Task The_reply_compilation_lists_each_replied_proposal_with_its_replies()
    {
        var d = await StatsData.SeedAsync(app, 2022);
        var doc = Read(await GetDocxAsync("staff.520200", "/api/proposals/replies.docx?committee=520200&year=2022"));
        Assert.Equal(0, doc.ValidationErrors);
        Assert.Contains("TOC", doc.TocInstruction);
        Assert.Equal(new[] { "P9", "P10", "P12" }.Select(k => StatsData.TitleOf(k, 2022)), doc.Headings.Select(h => h[(h.IndexOf('　') + 1)..]));
        Assert.Equal([$"{d.U1.Name}的答复", $"{d.U1.Name}的答复", $"{d.U2.Name}的答复", $"{d.U1.Name}的答复"], doc.Subheadings);
        Assert.Contains("我局已将综合管廊建设纳入年度计划，首批示范段年内开工。", doc.Paragraphs);
        Assert.Contains(doc.Paragraphs, p => p.StartsWith("答复类别：A类", StringComparison.Ordinal) && p.EndsWith("公开", StringComparison.Ordinal));
        Assert.Contains("六盘水市政协2022年提案答复汇编", doc.Paragraphs);
    }

    [Fact]
    public async Task Units_members_and_other_committees_are_refused()
    {
        var d = await StatsData.SeedAsync(app, 2023);
        foreach (var path in new[] { "/api/proposals/compilation.docx", "/api/proposals/replies.docx" })
        {
            foreach (var (user, query, status) in new[]
                     {
                         ("member.520200", "committee=520200&year=2023", HttpStatusCode.Forbidden),
                         (d.U1.UserName, "committee=520200&year=2023", HttpStatusCode.Forbidden),
                         ("staff.520201", "committee=520200&year=2023", HttpStatusCode.Forbidden),
                         ("staff.520204", "committee=520201&year=2023", HttpStatusCode.Forbidden),
                         ("staff.520200", "committee=nope&year=2023", HttpStatusCode.NotFound),
                         ("staff.520200", "committee=520200&year=x", HttpStatusCode.BadRequest),
                     })
            {
                var res = await (await app.ClientAsAsync(user)).GetAsync($"{path}?{query}");
                Assert.True(res.StatusCode == status, $"{user} {path}?{query}: {(int)res.StatusCode}");
                Assert.False(string.IsNullOrEmpty((await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()));
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"{path}?committee=520200&year=2023")).StatusCode);
        }
    }
}

public sealed class ProposalExportSqliteTests(SqliteAppFactory app) : ProposalExportTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalExportPostgresTests(PostgresAppFactory app) : ProposalExportTests(app), IClassFixture<PostgresAppFactory>;
