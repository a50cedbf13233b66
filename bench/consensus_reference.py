#!/usr/bin/env python3
"""Reference implementation of the opinion-map method (../shared/design/CONSENSUS.md) in plain numpy/scipy.

The peer the consensus benchmark measures in the same run as the C# engine (bench/Xieshang.Bench, mode `consensus`),
on the same input: a vote triple file written by the bench.

    python3 bench/consensus_reference.py <votes.bin> <statements.txt> [--runs N] [--groups-out groups.txt]

votes.bin: packed little-endian records (int32 participant, int32 statement, int8 vote +1/0/-1), the latest vote per pair.
statements.txt: one line per statement, "<id> <moderated-out 0|1>".
Prints one JSON object: seconds per run (compute only, from the sparse matrix on), the CSR build time, peak RSS, and the
result's shape (in-conv, k, groups' sizes). --groups-out writes "participant group" lines of the last run (the bench
compares them with the C# engine's groups by the adjusted Rand index).

Same method and parameters as the engine: column means over the voters, centring (missing cells stay 0, so the centred
matrix is as sparse as the votes), power iteration (up to 100 steps, start from ones, deflation for the 2nd component),
participant scaling sqrt(n_statements / n_i), in-conv (min(7, m) votes, at least 15), k-means k=100 from the first 100
distinct points (Lloyd, up to 100 iterations, centres move < 0.01), weighted k-means on the base centres for
k = 2..min(5, 2 + n_base // 12) chosen by silhouette, group vote counts, repness, consensus, group-informed consensus and
comment priorities. Not a port of the engine's code: written from CONSENSUS.md.
"""
import json
import sys
import time

import numpy as np

try:
    import scipy.sparse as sp
except ImportError:  # plain numpy fallback (slower sparse products)
    sp = None

Z90 = 1.2816


def read_input(votes_path, statements_path):
    rec = np.dtype([("p", "<i4"), ("s", "<i4"), ("v", "i1")])
    raw = np.fromfile(votes_path, dtype=rec)
    stmts = np.loadtxt(statements_path, dtype=np.int64, ndmin=2)
    return raw["p"].astype(np.int64), raw["s"].astype(np.int64), raw["v"].astype(np.float64), stmts[:, 0], stmts[:, 1].astype(bool)


class Csr:
    """The centred vote matrix: rows = participants, columns = statements, only voted cells stored."""

    def __init__(self, rows, cols, vals, n, m):
        self.n, self.m = n, m
        if sp is not None:
            self.a = sp.csr_matrix((vals, (rows, cols)), shape=(n, m))
            self.at = self.a.T.tocsr()
        else:
            self.rows, self.cols, self.vals = rows, cols, vals

    def dot(self, v):  # A v
        if sp is not None:
            return self.a @ v
        out = np.zeros(self.n)
        np.add.at(out, self.rows, self.vals * v[self.cols])
        return out

    def tdot(self, u):  # A^T u
        if sp is not None:
            return self.at @ u
        out = np.zeros(self.m)
        np.add.at(out, self.cols, self.vals * u[self.rows])
        return out


def power_iteration(a, m, against=None, iterations=100):
    v = np.ones(m) / np.sqrt(m)
    for _ in range(iterations):
        w = a.tdot(a.dot(v))
        if against is not None:
            w -= against * (against @ w)
        norm = np.linalg.norm(w)
        if norm == 0:
            break
        w /= norm
        done = np.max(np.abs(w - v)) < 1e-10
        v = w
        if done:
            break
    # Deterministic sign: the coordinate of largest magnitude is positive.
    if v[np.argmax(np.abs(v))] < 0:
        v = -v
    return v


def first_distinct(points, k):
    _, idx = np.unique(points, axis=0, return_index=True)
    idx = np.sort(idx)[:k]
    return points[idx].copy()


def nearest(points, centres):
    # |x - c|^2 = |x|^2 - 2 x.c + |c|^2, an n x k matrix (no n x k x 2 temporary).
    d = (centres ** 2).sum(axis=1)[None, :] - 2 * points @ centres.T
    return d.argmin(axis=1)


def kmeans(points, centres, weights=None, iterations=100):
    if weights is None:
        weights = np.ones(len(points))
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(iterations):
        labels = nearest(points, centres)
        k = len(centres)
        wsum = np.bincount(labels, weights=weights, minlength=k)
        new = np.empty_like(centres)
        for dim in range(2):
            new[:, dim] = np.bincount(labels, weights=weights * points[:, dim], minlength=k)
        nonempty = wsum > 0
        new[nonempty] /= wsum[nonempty, None]
        new[~nonempty] = centres[~nonempty]
        moved = np.sqrt(((new - centres) ** 2).sum(axis=1)).max()
        centres = new
        if moved < 0.01:
            break
    return centres, nearest(points, centres)


def silhouette(points, labels):
    k = labels.max() + 1
    if k < 2 or len(points) <= k:
        return -1.0
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    s = np.zeros(len(points))
    for i in range(len(points)):
        own = labels == labels[i]
        if own.sum() <= 1:
            continue
        a = d[i, own].sum() / (own.sum() - 1)
        b = min(d[i, labels == c].mean() for c in range(k) if c != labels[i] and (labels == c).any())
        s[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0
    return s.mean()


def compute(p_idx, s_idx, vals, n, m, moderated):
    """One full cold recompute from the vote triples (indices already mapped)."""
    t0 = time.perf_counter()
    keep = ~moderated[s_idx]
    # Votes per participant; moderated-out columns count as a 0 vote for everyone (CONSENSUS.md).
    n_votes = np.bincount(p_idx, minlength=n)
    n_scale = np.bincount(p_idx[keep], minlength=n) + moderated.sum()
    counts = np.bincount(s_idx[keep], minlength=m)
    sums = np.bincount(s_idx[keep], weights=vals[keep], minlength=m)
    mean = np.divide(sums, counts, out=np.zeros(m), where=counts > 0)
    centred = vals[keep] - mean[s_idx[keep]]
    a = Csr(p_idx[keep], s_idx[keep], centred, n, m)
    t_csr = time.perf_counter() - t0

    c1 = power_iteration(a, m)
    c2 = power_iteration(a, m, against=c1)
    scale = np.sqrt(m / np.maximum(n_scale, 1))
    pos = np.stack([a.dot(c1), a.dot(c2)], axis=1) * scale[:, None]
    # Statement positions: a virtual participant who only agreed with the statement.
    spos = np.stack([(1 - mean) * c1, (1 - mean) * c2], axis=1) * np.sqrt(m)
    extremity = np.sqrt((spos ** 2).sum(axis=1))

    # In-conv.
    threshold = min(7, m)
    in_conv = n_votes >= threshold
    if in_conv.sum() < 15:
        order = np.argsort(-n_votes, kind="stable")
        in_conv[order[:min(15, n)]] = True
    members = np.flatnonzero(in_conv)
    pts = pos[members]

    # Base clusters.
    centres = first_distinct(pts, 100)
    centres, labels = kmeans(pts, centres)
    used = np.unique(labels)
    remap = -np.ones(len(centres), dtype=np.int64)
    remap[used] = np.arange(len(used))
    base = centres[used]
    base_labels = remap[labels]
    base_sizes = np.bincount(base_labels, minlength=len(base)).astype(np.float64)

    # Groups: weighted k-means on the base centres, k by silhouette.
    best = None
    for k in range(2, min(5, 2 + len(base) // 12) + 1):
        if len(base) < k:
            break
        gc, gl = kmeans(base, base[:k].copy(), weights=base_sizes)
        s = silhouette(base, gl)
        if best is None or s > best[0]:
            best = (s, gc, gl)
    if best is None:
        group_of_base = np.zeros(len(base), dtype=np.int64)
    else:
        group_of_base = np.unique(best[2], return_inverse=True)[1]
    k = group_of_base.max() + 1
    group = -np.ones(n, dtype=np.int64)
    group[members] = group_of_base[base_labels]

    # Group vote counts (in-conv members only): agree, disagree, seen per group and statement.
    mask = keep & in_conv[p_idx]
    g = group[p_idx[mask]]
    s = s_idx[mask]
    v = vals[mask]
    na = np.zeros((k, m)); nd = np.zeros((k, m)); ns = np.zeros((k, m))
    np.add.at(ns, (g, s), 1)
    np.add.at(na, (g[v > 0], s[v > 0]), 1)
    np.add.at(nd, (g[v < 0], s[v < 0]), 1)

    def tests(na, ns, na_r, ns_r):
        p = (na + 1) / (ns + 2)
        pat = 2 * np.sqrt(ns + 1) * ((na + 1) / (ns + 1) - 0.5)
        r = p / ((na_r + 1) / (ns_r + 2))
        # Two-proportion z-test with 1 added to each of the four counts (Polis's two-prop-test).
        p1 = (na + 1) / (ns + 1); p2 = (na_r + 1) / (ns_r + 1)
        pp = (na + na_r + 2) / (ns + ns_r + 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            rat = np.where(pp >= 1, 0.0, (p1 - p2) / np.sqrt(pp * (1 - pp) * (1 / (ns + 1) + 1 / (ns_r + 1))))
        return p, pat, r, rat

    repness = {}
    for gi in range(k):
        rows = []
        for counts_g, counts_all, agree in ((na, na, True), (nd, nd, False)):
            p, pat, r, rat = tests(counts_g[gi], ns[gi], counts_all.sum(0) - counts_g[gi], ns.sum(0) - ns[gi])
            ok = (pat > Z90) & (rat > Z90) & ~moderated
            for j in np.flatnonzero(ok):
                rows.append((agree, r[j] * rat[j] * p[j] * pat[j], j))
        rows.sort(key=lambda x: (not x[0], -x[1]))
        repness[gi] = rows[:5]

    total_a, total_d, total_s = na.sum(0), nd.sum(0), ns.sum(0)
    cons = {}
    for name, cnt in (("agree", total_a), ("disagree", total_d)):
        p = (cnt + 1) / (total_s + 2)
        pat = 2 * np.sqrt(total_s + 1) * ((cnt + 1) / (total_s + 1) - 0.5)
        ok = np.flatnonzero((p > 0.5) & (pat > Z90) & ~moderated)
        cons[name] = ok[np.argsort(-(p[ok] * pat[ok]), kind="stable")][:5]
    gic = np.prod((na + 1) / (ns + 2), axis=0)

    # Comment priorities (Polis): importance (1 - p)(E + 1)a, boosted while few have voted, squared.
    pa_all = (total_a + 1) / (total_s + 2)
    pp_all = (total_s - total_a - total_d + 1) / (total_s + 2)
    importance = (1 - pp_all) * (extremity + 1) * pa_all
    priority = (importance * (1 + 8 * 2 ** (-total_s / 5))) ** 2

    return {
        "group": group, "in_conv": int(len(members)), "k": int(k), "base": int(len(base)),
        "sizes": [int((group == gi).sum()) for gi in range(k)], "csr_seconds": t_csr,
        "repness": {gi: [int(x[2]) for x in rows] for gi, rows in repness.items()},
        "consensus": {kname: [int(x) for x in val] for kname, val in cons.items()},
        "_keep": (gic, priority),
    }


def peak_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    groups_out = argv[argv.index("--groups-out") + 1] if "--groups-out" in argv else None
    t_read = time.perf_counter()
    p, s, v, stmt_ids, stmt_mod = read_input(argv[1], argv[2])
    pids, p_idx = np.unique(p, return_inverse=True)
    s_order = np.argsort(stmt_ids)
    stmt_ids, stmt_mod = stmt_ids[s_order], stmt_mod[s_order]
    s_idx = np.searchsorted(stmt_ids, s)
    read_seconds = time.perf_counter() - t_read
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = compute(p_idx, s_idx, v, len(pids), len(stmt_ids), stmt_mod)
        times.append(time.perf_counter() - t0)
    if groups_out:
        with open(groups_out, "w") as f:
            for pid, g in zip(pids, result["group"]):
                if g >= 0:
                    f.write(f"{pid} {g}\n")
    print(json.dumps({
        "impl": "numpy " + np.__version__ + (", scipy.sparse" if sp is not None else ", no scipy"),
        "participants": int(len(pids)), "statements": int(len(stmt_ids)), "votes": int(len(v)),
        "read_seconds": read_seconds, "seconds": times, "csr_seconds": result["csr_seconds"],
        "peak_rss_mib": peak_rss_mib(), "in_conv": result["in_conv"], "k": result["k"], "base": result["base"],
        "sizes": result["sizes"], "consensus": result["consensus"],
        "repness": {str(k): v for k, v in result["repness"].items()},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
