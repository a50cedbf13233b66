using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// In-memory similar-proposal index (one per process, a singleton): TF-IDF vectors of the proposals'
/// <see cref="Proposal.SearchText"/> scored by cosine through an inverted index.
/// <list type="bullet">
/// <item>Each document keeps its <see cref="TermsPerDocument"/> most telling words, chosen by (1 + ln tf) × the general
/// IDF of jieba's corpus (<see cref="ChineseSegmenter.PriorIdf"/>), so the choice does not depend on what else is in the
/// index; the weights use the index's own IDF, ln(1 + N / df), and every norm is recomputed after a batch of changes,
/// so a score is an exact cosine (0..1) over the kept words.</item>
/// <item>Postings hold a document slot and its term frequency (5 bytes); a changed document gets a new slot and the old
/// one is skipped until the postings are compacted.</item>
/// <item><see cref="Query"/> pre-filters by committee path prefix (paths are interned, so the filter is one array look-up
/// per posting) and returns the best (Id, Score).</item>
/// <item>Reads are concurrent, writes exclusive (<see cref="ReaderWriterLockSlim"/>); <see cref="RefreshAsync"/> reads
/// the database by <see cref="Proposal.UpdatedAt"/> watermark outside the lock and applies each batch under it.</item>
/// </list>
/// Drafts are not indexed (a proposal that goes back to draft is removed). The evaluation and the tests build an index
/// without a database through <see cref="Upsert"/>.
/// </summary>
public sealed class SimilarIndex
{
    /// <summary>Words kept per document (and per query).</summary>
    public const int TermsPerDocument = 48;

    /// <summary>Rows read per database round trip by <see cref="RefreshAsync"/>.</summary>
    public const int RefreshBatch = 2000;

    /// <summary>Rows changed up to this long before the watermark are read again (transactions that committed late).</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly ChineseSegmenter _seg;

    // Terms.
    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly List<Postings> _postings = [];
    private int[] _df = new int[1024];

    // Slots (a document version each).
    private int[] _slotId = new int[1024];
    private int[] _slotPath = new int[1024];
    private float[] _slotNorm = new float[1024];
    private bool[] _slotLive = new bool[1024];
    private int _slots;
    private int _deadSlots;

    // Documents.
    private readonly Dictionary<int, Doc> _docs = [];
    private readonly Dictionary<string, int> _pathIds = new(StringComparer.Ordinal);
    private readonly List<string> _paths = [];
    private bool _normsDirty;
    private DateTimeOffset? _watermark;

    /// <summary>An index with the shared segmenter.</summary>
    public SimilarIndex() : this(ChineseSegmenter.Instance) { }

    private SimilarIndex(ChineseSegmenter seg) => _seg = seg;

    private sealed class Postings
    {
        public int[] Slots = new int[4];
        public byte[] Tf = new byte[4];
        public int Count;

        public void Add(int slot, byte tf)
        {
            if (Count == Slots.Length)
            {
                Array.Resize(ref Slots, Count * 2);
                Array.Resize(ref Tf, Count * 2);
            }
            Slots[Count] = slot;
            Tf[Count++] = tf;
        }
    }

    private readonly record struct Doc(int Slot, int[] Terms, DateTimeOffset UpdatedAt);

    /// <summary>Documents in the index.</summary>
    public int Count
    {
        get { _lock.EnterReadLock(); try { return _docs.Count; } finally { _lock.ExitReadLock(); } }
    }

    /// <summary>Newest <see cref="Proposal.UpdatedAt"/> applied by <see cref="RefreshAsync"/> (null before the first refresh).</summary>
    public DateTimeOffset? Watermark => _watermark;

    /// <summary>Adds or replaces a document (its words as in <see cref="Proposal.SearchText"/>). Safe to call while others query.</summary>
    public void Upsert(int id, string committeePath, string searchText) => UpsertAt(id, committeePath, searchText, default);

    /// <summary>Removes a document if present.</summary>
    public void Remove(int id)
    {
        _lock.EnterWriteLock();
        try { RemoveLocked(id); }
        finally { _lock.ExitWriteLock(); }
    }

    private void UpsertAt(int id, string committeePath, string searchText, DateTimeOffset updatedAt)
    {
        var terms = Vectorise(searchText, TermsPerDocument);
        _lock.EnterWriteLock();
        try { UpsertLocked(id, committeePath, terms, updatedAt); }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The kept words of a text with their term frequency (capped at 255), best first by (1 + ln tf) × prior IDF.</summary>
    private List<(string Term, byte Tf)> Vectorise(string searchText, int keep)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in searchText.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
        return counts
            .Select(kv => (kv.Key, kv.Value, Rank: (1 + MathF.Log(kv.Value)) * _seg.PriorIdf(kv.Key)))
            .OrderByDescending(x => x.Rank).ThenBy(x => x.Key, StringComparer.Ordinal)
            .Take(keep)
            .Select(x => (x.Key, (byte)Math.Min(255, x.Value)))
            .ToList();
    }

    private void UpsertLocked(int id, string path, List<(string Term, byte Tf)> terms, DateTimeOffset updatedAt)
    {
        RemoveLocked(id);
        if (terms.Count == 0) return;
        var slot = _slots++;
        if (slot == _slotId.Length)
        {
            var n = slot * 2;
            Array.Resize(ref _slotId, n);
            Array.Resize(ref _slotPath, n);
            Array.Resize(ref _slotNorm, n);
            Array.Resize(ref _slotLive, n);
        }
        if (!_pathIds.TryGetValue(path, out var pathId))
        {
            pathId = _paths.Count;
            _paths.Add(path);
            _pathIds[path] = pathId;
        }
        _slotId[slot] = id;
        _slotPath[slot] = pathId;
        _slotLive[slot] = true;
        var ids = new int[terms.Count];
        for (var i = 0; i < terms.Count; i++)
        {
            var (term, tf) = terms[i];
            if (!_termIds.TryGetValue(term, out var t))
            {
                t = _postings.Count;
                _termIds[term] = t;
                _postings.Add(new Postings());
                if (t == _df.Length) Array.Resize(ref _df, t * 2);
            }
            _postings[t].Add(slot, tf);
            _df[t]++;
            ids[i] = t;
        }
        _docs[id] = new Doc(slot, ids, updatedAt);
        _normsDirty = true;
    }

    private void RemoveLocked(int id)
    {
        if (!_docs.Remove(id, out var old)) return;
        _slotLive[old.Slot] = false;
        foreach (var t in old.Terms) _df[t]--;
        _deadSlots++;
        _normsDirty = true;
    }

    private float Idf(int term) => MathF.Log(1 + (float)_docs.Count / Math.Max(1, _df[term]));

    private static readonly float[] TfWeights = [.. Enumerable.Range(0, 256).Select(tf => tf == 0 ? 0f : 1 + MathF.Log(tf))];

    private static float TfWeight(byte tf) => TfWeights[tf];

    /// <summary>
    /// A query word found in more than this share of the documents is left out of the dot product once two rarer words
    /// were scored (its weight is small and its postings long: it would cost most of the query's time for almost
    /// nothing). It still counts in the norms.
    /// </summary>
    public const float MaxQueryDfShare = 0.2f;

    /// <summary>After changes: compacts the postings when a quarter of the slots are dead and recomputes every norm.</summary>
    private void CommitLocked()
    {
        if (_deadSlots > 1000 && _deadSlots * 4 > _slots) Compact();
        Array.Clear(_slotNorm, 0, _slots);
        for (var t = 0; t < _postings.Count; t++)
        {
            var p = _postings[t];
            var idf = Idf(t);
            for (var i = 0; i < p.Count; i++)
            {
                var w = TfWeight(p.Tf[i]) * idf;
                _slotNorm[p.Slots[i]] += w * w;
            }
        }
        for (var s = 0; s < _slots; s++) _slotNorm[s] = MathF.Sqrt(_slotNorm[s]);
        _normsDirty = false;
    }

    private void Compact()
    {
        var map = new int[_slots];
        var next = 0;
        for (var s = 0; s < _slots; s++)
        {
            if (!_slotLive[s]) { map[s] = -1; continue; }
            map[s] = next;
            _slotId[next] = _slotId[s];
            _slotPath[next] = _slotPath[s];
            _slotLive[next] = true;
            next++;
        }
        Array.Clear(_slotLive, next, _slots - next);
        foreach (var p in _postings)
        {
            var k = 0;
            for (var i = 0; i < p.Count; i++)
                if (map[p.Slots[i]] is var m and >= 0) { p.Slots[k] = m; p.Tf[k++] = p.Tf[i]; }
            p.Count = k;
        }
        foreach (var (id, d) in _docs.ToList()) _docs[id] = d with { Slot = map[d.Slot] };
        _slots = next;
        _deadSlots = 0;
    }

    /// <summary>
    /// The <paramref name="top"/> documents most similar to <paramref name="text"/> (raw text: title and body, HTML or
    /// plain; it is segmented like a document), best first, among those whose committee path starts with
    /// <paramref name="pathPrefix"/> (null: all). Score is the cosine of the TF-IDF vectors, 0..1; only documents
    /// sharing at least one word are returned.
    /// </summary>
    public IReadOnlyList<(int Id, double Score)> Query(string text, string? pathPrefix, int top)
    {
        if (top <= 0 || string.IsNullOrWhiteSpace(text)) return [];
        var words = ProposalSearch.BuildSearchText(text, "", []);
        return QueryWords(words, pathPrefix, top);
    }

    /// <summary>Like <see cref="Query"/> for a text already segmented (a <see cref="Proposal.SearchText"/>).</summary>
    public IReadOnlyList<(int Id, double Score)> QueryWords(string searchText, string? pathPrefix, int top)
    {
        if (top <= 0) return [];
        var terms = Vectorise(searchText, TermsPerDocument);
        if (terms.Count == 0) return [];
        if (_normsDirty)
        {
            _lock.EnterWriteLock();
            try { if (_normsDirty) CommitLocked(); }
            finally { _lock.ExitWriteLock(); }
        }
        _lock.EnterReadLock();
        try { return Score(terms, pathPrefix, top); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Score arrays of finished queries, all zero (a private pool: no one else returns dirty arrays to it).</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<float[]> _accumulators = [];

    private IReadOnlyList<(int Id, double Score)> Score(List<(string Term, byte Tf)> terms, string? pathPrefix, int top)
    {
        bool[]? allowed = null;
        if (pathPrefix is { Length: > 0 })
        {
            allowed = new bool[_paths.Count];
            for (var i = 0; i < _paths.Count; i++) allowed[i] = _paths[i].StartsWith(pathPrefix, StringComparison.Ordinal);
        }
        // Dot products accumulate in a pooled array indexed by slot; touched slots are listed so only they are read back.
        if (!_accumulators.TryTake(out var acc) || acc.Length < _slots) acc = new float[Math.Max(1024, _slots + _slots / 4)];
        var touched = new List<int>();
        var qNorm2 = 0f;
        try
        {
            var maxDf = Math.Max(50, (int)(_docs.Count * MaxQueryDfShare));
            var scored = 0;
            // Rarest words first, so that common ones are skipped only when at least two rarer ones were scored.
            foreach (var (term, tf) in terms.OrderBy(x => _termIds.TryGetValue(x.Term, out var id) ? _df[id] : 0))
            {
                float q;
                if (!_termIds.TryGetValue(term, out var t) || _df[t] == 0)
                {
                    // A query word missing from the index still counts toward the query's norm (a true cosine).
                    q = TfWeight(tf) * MathF.Log(1 + _docs.Count);
                    qNorm2 += q * q;
                    continue;
                }
                var idf = Idf(t);
                q = TfWeight(tf) * idf;
                qNorm2 += q * q;
                if (_df[t] > maxDf && scored >= 2) continue;
                scored++;
                var qi = q * idf;
                var p = _postings[t];
                var slots = p.Slots;
                var tfs = p.Tf;
                for (var i = 0; i < p.Count; i++)
                {
                    var s = slots[i];
                    if (!_slotLive[s] || (allowed is not null && !allowed[_slotPath[s]])) continue;
                    if (acc[s] == 0) touched.Add(s);
                    acc[s] += qi * TfWeight(tfs[i]);
                }
            }
            if (touched.Count == 0 || qNorm2 == 0) return [];
            var qNorm = MathF.Sqrt(qNorm2);
            var heap = new PriorityQueue<(int Slot, float Score), (float, int)>();
            foreach (var s in touched)
            {
                var score = Math.Min(1f, acc[s] / (qNorm * _slotNorm[s]));
                var key = (score, -_slotId[s]);
                if (heap.Count < top) heap.Enqueue((s, score), key);
                else if (heap.TryPeek(out _, out var min) && key.CompareTo(min) > 0) heap.EnqueueDequeue((s, score), key);
            }
            var result = new List<(int Id, double Score)>(heap.Count);
            while (heap.TryDequeue(out var e, out _)) result.Add((_slotId[e.Slot], Math.Round(e.Score, 4)));
            result.Reverse();
            return result;
        }
        finally
        {
            foreach (var s in touched) acc[s] = 0;
            _accumulators.Add(acc);
        }
    }

    /// <summary>
    /// Reads proposals changed since the watermark (all of them the first time), in batches of <see cref="RefreshBatch"/>
    /// ordered by <see cref="Proposal.UpdatedAt"/> then id, and applies them: drafts are removed, everything else upserted.
    /// A row whose <see cref="Proposal.UpdatedAt"/> equals the indexed one is skipped. Returns the number of documents changed.
    /// </summary>
    public async Task<int> RefreshAsync(AppDbContext db, CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct);
        try { return await RefreshOnceAsync(db, ct); }
        finally { _refreshing.Release(); }
    }

    private readonly SemaphoreSlim _refreshing = new(1, 1);

    private async Task<int> RefreshOnceAsync(AppDbContext db, CancellationToken ct)
    {
        var changed = 0;
        DateTimeOffset? from = _watermark is { } w ? w - Overlap : null;
        var lastId = 0;
        var first = true;
        while (true)
        {
            var q = db.Proposals.AsNoTracking();
            if (from is { } f)
                q = first ? q.Where(p => p.UpdatedAt >= f) : q.Where(p => p.UpdatedAt > f || (p.UpdatedAt == f && p.Id > lastId));
            var rows = await q.OrderBy(p => p.UpdatedAt).ThenBy(p => p.Id).Take(RefreshBatch)
                .Select(p => new { p.Id, p.CommitteePath, p.Status, p.SearchText, p.UpdatedAt }).ToListAsync(ct);
            if (rows.Count == 0) break;
            // Segmented text is turned into vectors outside the lock; the lock is held only to apply them.
            var work = new List<(int Id, string Path, List<(string, byte)>? Terms, DateTimeOffset At)>(rows.Count);
            foreach (var r in rows)
            {
                _lock.EnterReadLock();
                try { if (_docs.TryGetValue(r.Id, out var d) && d.UpdatedAt == r.UpdatedAt && r.Status != ProposalStatus.Draft) continue; }
                finally { _lock.ExitReadLock(); }
                work.Add((r.Id, r.CommitteePath, r.Status == ProposalStatus.Draft ? null : Vectorise(r.SearchText, TermsPerDocument), r.UpdatedAt));
            }
            if (work.Count > 0)
            {
                _lock.EnterWriteLock();
                try
                {
                    foreach (var (id, path, terms, at) in work)
                    {
                        if (terms is null) { if (_docs.ContainsKey(id)) { RemoveLocked(id); changed++; } }
                        else { UpsertLocked(id, path, terms, at); changed++; }
                    }
                }
                finally { _lock.ExitWriteLock(); }
            }
            var last = rows[^1];
            from = last.UpdatedAt;
            lastId = last.Id;
            first = false;
            if (_watermark is null || last.UpdatedAt > _watermark) _watermark = last.UpdatedAt;
            if (rows.Count < RefreshBatch) break;
        }
        if (_normsDirty)
        {
            _lock.EnterWriteLock();
            try { CommitLocked(); }
            finally { _lock.ExitWriteLock(); }
        }
        return changed;
    }

    /// <summary>Approximate bytes held by the index (postings, slots, term and document tables; not the segmenter).</summary>
    public long EstimatedBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                long b = 0;
                foreach (var p in _postings) b += 48 + p.Slots.Length * 5L;
                foreach (var t in _termIds.Keys) b += 24 + 20 + t.Length * 2L; // entry + string
                b += _df.Length * 4L + _slotId.Length * (4L + 4 + 4 + 1);
                foreach (var d in _docs.Values) b += 24 + 24 + d.Terms.Length * 4L + 16; // entry + array
                foreach (var p in _paths) b += 60 + p.Length * 2L;
                return b;
            }
            finally { _lock.ExitReadLock(); }
        }
    }
}

/// <summary>
/// Keeps <see cref="SimilarIndex"/> current: a refresh at start-up, then every <see cref="IntervalSeconds"/> seconds.
/// Off with <c>Notifications:Jobs=false</c> (the tests call <see cref="SimilarIndex.RefreshAsync"/> themselves). Every
/// instance runs its own (the index is per process), reading only.
/// </summary>
public sealed class SimilarIndexRefresher(IServiceScopeFactory scopes, SimilarIndex index, IOptions<NotificationJobOptions> jobs,
    TimeProvider clock, ILogger<SimilarIndexRefresher> log) : BackgroundService
{
    /// <summary>Seconds between refreshes.</summary>
    public const int IntervalSeconds = 5;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => !jobs.Value.Jobs ? Task.CompletedTask
        : PeriodicJob.RunAsync(clock, TimeSpan.FromSeconds(IntervalSeconds), runAtStart: true,
            stop => PeriodicJob.RunSafelyAsync(scopes, log, "similar-index", async (db, ct) =>
            {
                var start = clock.GetTimestamp();
                var n = await index.RefreshAsync(db, ct);
                if (n > 0) log.LogInformation("Similar index: {Changed} proposals refreshed in {Ms} ms ({Count} indexed)", n,
                    (int)clock.GetElapsedTime(start).TotalMilliseconds, index.Count);
            }, stop), stoppingToken);
}
