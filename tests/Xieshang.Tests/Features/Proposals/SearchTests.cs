using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>Chinese segmentation of proposals (jieba.NET): search mode for documents, precise mode for queries.</summary>
public sealed class SearchSegmentationTests
{
    private static string[] Words(string title, string body = "", params string[] replies) =>
        ProposalSearch.BuildSearchText(title, body, replies).Split(' ');

    [Fact]
    public void Documents_are_cut_in_search_mode_so_a_bureau_also_yields_its_shorter_words()
    {
        var words = Words("关于六盘水市教育局加强乡村振兴人才培养的建议");
        Assert.Contains("教育局", words);
        Assert.Contains("教育", words);
        Assert.Contains("乡村", words);
        Assert.Contains("振兴", words);
        Assert.DoesNotContain("的", words);   // a stop word
        Assert.DoesNotContain("关于", words); // a stop word
        Assert.Equal(["教育局"], ProposalSearch.QueryWords("教育局"));
        Assert.Equal(["教育"], ProposalSearch.QueryWords("教育"));
    }

    [Fact]
    public void Html_is_stripped_punctuation_dropped_latin_lower_cased_and_words_single_spaced()
    {
        var text = ProposalSearch.BuildSearchText("推广WiFi全覆盖！", "<p>建议：<strong>5G</strong>基站&nbsp;建设&amp;运维</p><script>x</script>", ["<p>已纳入计划。</p>"]);
        Assert.DoesNotContain("<", text);
        Assert.DoesNotContain("strong", text);
        Assert.DoesNotContain("：", text);
        Assert.DoesNotContain("！", text);
        Assert.DoesNotContain("  ", text);
        Assert.Equal(text.Trim(), text);
        var words = text.Split(' ');
        Assert.Contains("wifi", words);
        Assert.Contains("5g", words);
        Assert.Contains("基站", words);
        Assert.Contains("运维", words);
        Assert.Contains("计划", words);
        Assert.Equal(["wifi"], ProposalSearch.QueryWords("ＷｉＦｉ")); // full-width letters are NFKC-normalised
    }

    [Fact]
    public void A_name_with_a_middle_dot_splits_into_its_parts_and_the_dot_is_dropped()
    {
        var words = Words("买买提·艾力委员的提案");
        Assert.Contains("买买提", words);
        Assert.Contains("艾力", words);
        Assert.DoesNotContain("·", words);
        Assert.Equal(["买买提", "艾力"], ProposalSearch.QueryWords("买买提·艾力"));
    }

    [Fact]
    public void A_character_beyond_the_bmp_stays_whole()
    {
        var words = Words("关于保护𠀀字古碑的建议", "村民王𠀁明反映");
        Assert.Contains("𠀀", words);
        Assert.Contains("𠀁", words);
        Assert.Contains("古碑", string.Concat(words));
        Assert.All(words, w => Assert.False(w.Length == 1 && char.IsSurrogate(w[0]), $"half a surrogate pair: {(int)w[0]:X}"));
        Assert.Equal(["𠀀"], ProposalSearch.QueryWords("𠀀"));
    }

    [Fact]
    public void A_query_of_stop_words_or_punctuation_only_has_no_words()
    {
        Assert.Empty(ProposalSearch.QueryWords("的，了。"));
        Assert.Empty(ProposalSearch.QueryWords("   "));
        Assert.Empty(ProposalSearch.QueryWords(null));
    }

    [Fact]
    public void The_segmenter_is_loaded_once_from_the_files_shipped_with_the_app()
    {
        Assert.True(File.Exists(Path.Combine(ChineseSegmenter.DefaultDirectory, "dict.txt")));
        Assert.Same(ChineseSegmenter.Instance, ChineseSegmenter.Instance);
        Assert.True(ChineseSegmenter.Instance.LoadTime > TimeSpan.Zero);
    }
}

/// <summary><see cref="ProposalSearch.Matching"/> on each database: every query word must match (AND).</summary>
public abstract class SearchMatchingTests(AppFactory app)
{
    private async Task<int[]> InsertAsync(params (string Title, string Body, string Reply)[] docs)
    {
        return await app.WithDbAsync(async db =>
        {
            var committee = await db.Committees.FirstAsync(c => c.Code == "520200");
            var rows = docs.Select(d => new Proposal
            {
                CommitteeId = committee.Id, CommitteePath = committee.Path, Status = ProposalStatus.Submitted, Kind = ProposalKind.Plenary,
                ProposerType = ProposerType.Party, ProposerName = "民盟六盘水市委员会", Title = d.Title, Body = d.Body,
                SearchText = ProposalSearch.BuildSearchText(d.Title, d.Body, d.Reply.Length > 0 ? [d.Reply] : []),
                Term = 9, Session = 2, Year = 2026, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            }).ToList();
            db.Proposals.AddRange(rows);
            await db.SaveChangesAsync();
            return rows.Select(r => r.Id).ToArray();
        });
    }

    private Task<int[]> FindAsync(int[] among, string q) =>
        app.WithDbAsync(db => db.Proposals.Where(p => among.Contains(p.Id)).Matching(q).OrderBy(p => p.Id).Select(p => p.Id).ToArrayAsync());

    [Fact]
    public async Task Every_word_must_match_in_title_body_or_reply()
    {
        var ids = await InsertAsync(
            ("关于市教育局推进乡村振兴教师培训的建议", "<p>建议增加乡村教师编制。</p>", ""),
            ("关于加快乡村振兴产业发展的建议", "<p>发展刺梨、茶叶等特色产业。</p>", "<p>市农业农村局：已将刺梨产业列入规划。</p>"),
            ("关于保护𠀀字古碑的建议", "<p>买买提·艾力委员反映，古碑风化严重，WiFi 覆盖不足。</p>", ""));
        Assert.Equal([ids[0]], await FindAsync(ids, "教育"));
        Assert.Equal([ids[0]], await FindAsync(ids, "教育局"));
        Assert.Equal([ids[0], ids[1]], await FindAsync(ids, "乡村振兴"));
        Assert.Equal([ids[0]], await FindAsync(ids, "乡村振兴 教师"));
        Assert.Equal([ids[1]], await FindAsync(ids, "刺梨规划"));          // a word of the reply
        Assert.Empty(await FindAsync(ids, "乡村振兴 古碑"));                // AND, not OR
        Assert.Equal([ids[2]], await FindAsync(ids, "𠀀"));
        Assert.Equal([ids[2]], await FindAsync(ids, "买买提·艾力"));
        Assert.Equal([ids[2]], await FindAsync(ids, "wifi"));
        Assert.Equal([ids[2]], await FindAsync(ids, "WIFI"));
        Assert.Empty(await FindAsync(ids, "教"));                          // a whole word, not a substring
        Assert.Equal(ids, await FindAsync(ids, "的，"));                   // no words: unchanged
    }

    [Fact]
    public async Task The_sql_is_the_one_of_the_provider_in_use()
    {
        var sql = await app.WithDbAsync(db => Task.FromResult(db.Proposals.Where(p => p.Id > 0).Matching("乡村振兴").ToQueryString()));
        if (app.Provider == "PostgreSQL")
        {
            Assert.Contains("@@ plainto_tsquery(", sql);
            Assert.Contains("\"SearchVector\"", sql);
        }
        else
        {
            Assert.Contains("instr(", sql);
            Assert.DoesNotContain("SearchVector", sql);
        }
    }
}

public sealed class SearchMatchingSqliteTests(SqliteAppFactory app) : SearchMatchingTests(app), IClassFixture<SqliteAppFactory>;
public sealed class SearchMatchingPostgresTests(PostgresAppFactory app) : SearchMatchingTests(app), IClassFixture<PostgresAppFactory>;
