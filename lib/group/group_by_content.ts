/**
 * Tier 2 grouping by content: exact duplicates by content hash, variants by
 * a pHash prefilter then embedding cosine (separate thresholds), union-find,
 * and oversized groups split by similarity.
 *
 * @module
 */
import type { GroupingKind } from "../types.ts";
import { basename, parseFilenameTimestamp } from "../paths/mod.ts";
import { dirOf } from "./find_stage_runs.ts";
import { dot, popcount32, UnionFind } from "./_similarity.ts";
import { cosine } from "../math/mod.ts";

/** What tier 2 knows about one file (all optional: missing features never link). */
export interface ContentFile {
  path: string;
  /** sha256 of the bytes; equal hashes are exact duplicates. */
  sha256?: string | null;
  /** 64-bit pHash as [hi, lo]. */
  phash?: readonly [number, number] | null;
  /** Image embedding (any length; compared by cosine). */
  embedding?: Float32Array | null;
}

/** Options for {@linkcode groupByContent}. */
export interface GroupByContentOptions {
  /** pHash prefilter for variants: Hamming distance ≤ this (of 64 bits). */
  variantPhashMax?: number;
  /** Variants: embedding cosine ≥ this (after the pHash prefilter). */
  variantCosineMin?: number;
  /** Without embeddings, variants need pHash distance ≤ this (stricter). */
  phashOnlyMax?: number;
  /** Largest group; bigger components are split by similarity. */
  maxGroupSize?: number;
  /** Allow content groups across directories (flagged `mixed_directories` by decide). */
  crossDirectories?: boolean;
  /**
   * When every file of a folder has a filename timestamp, compare only files
   * at most this many seconds apart (variants of one shot are made minutes
   * apart; exact duplicates are found at any distance). null: all pairs.
   */
  variantWindowSeconds?: number | null;
}

/** Tier-2 defaults (tuned on simulator folders; see docs/design_notes.md, lib/group). */
export const CONTENT_DEFAULTS = {
  variantPhashMax: 18,
  variantCosineMin: 0.9,
  phashOnlyMax: 10,
  maxGroupSize: 4,
  crossDirectories: false,
  variantWindowSeconds: 6 * 3600,
} satisfies Required<GroupByContentOptions>;

/** One content group. */
export interface ContentGroup {
  kind: Exclude<GroupingKind, "stage_run">;
  members: string[];
  /** True when this group came out of splitting an oversized component. */
  split: boolean;
}

/** Result of {@linkcode groupByContent}. */
export interface ContentGrouping {
  groups: ContentGroup[];
  /** Files that matched nothing: nothing to decide. */
  singletons: string[];
}

/**
 * Group files by content. Exact duplicates (same sha256) always join; two
 * other files join when their pHash distance passes the prefilter and their
 * embeddings' cosine passes the variant threshold (pHash alone, stricter,
 * when either has no embedding). Connected components (union-find) above
 * `maxGroupSize` are split by complete-linkage clustering with the same
 * thresholds.
 *
 * @param files Files with their cached features.
 * @param options Thresholds, group size cap, directory policy.
 * @returns Groups (≥ 2 members) and singletons.
 * @example
 * ```ts
 * groupByContent([{ path: "a.png", sha256: "x" }, { path: "b.png", sha256: "x" }]).groups;
 * // [{ kind: "exact_duplicate", members: ["a.png", "b.png"], split: false }]
 * ```
 */
export function groupByContent(
  files: readonly ContentFile[],
  options: GroupByContentOptions = {},
): ContentGrouping {
  const opts = { ...CONTENT_DEFAULTS, ...options };
  const buckets = new Map<string, number[]>();
  files.forEach((f, i) => {
    const key = opts.crossDirectories ? "" : dirOf(f.path);
    let list = buckets.get(key);
    if (list === undefined) buckets.set(key, list = []);
    list.push(i);
  });
  const groups: ContentGroup[] = [];
  const singletons: string[] = [];
  for (const key of [...buckets.keys()].sort()) {
    const idx = buckets.get(key)!;
    const out = groupBucket(idx.map((i) => files[i]!), opts);
    groups.push(...out.groups);
    singletons.push(...out.singletons);
  }
  return { groups, singletons };
}

type Opts = Required<GroupByContentOptions>;

function groupBucket(files: readonly ContentFile[], opts: Opts): ContentGrouping {
  const n = files.length;
  const uf = new UnionFind(n);
  // Exact duplicates.
  const bySha = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const sha = files[i]!.sha256;
    if (!sha) continue;
    const first = bySha.get(sha);
    if (first === undefined) bySha.set(sha, i);
    else uf.union(first, i);
  }
  // Variants: pHash prefilter over all pairs. Int32Array keeps the hot loop
  // on small integers (Uint32 values ≥ 2^31 would become doubles in V8).
  const withHash: number[] = [];
  for (let i = 0; i < n; i++) if (files[i]!.phash) withHash.push(i);
  const stamps = withHash.map((i) => parseFilenameTimestamp(basename(files[i]!.path)));
  const windowed = opts.variantWindowSeconds !== null && stamps.every((t) => t !== null);
  const windowMs = windowed ? opts.variantWindowSeconds! * 1000 : Infinity;
  if (windowed) {
    const order = withHash.map((_, k) => k).sort((a, b) => stamps[a]! - stamps[b]!);
    const [w, t] = [order.map((k) => withHash[k]!), order.map((k) => stamps[k]!)];
    withHash.splice(0, withHash.length, ...w);
    stamps.splice(0, stamps.length, ...t);
  }
  const m = withHash.length;
  const ts = new Float64Array(m);
  const hi = new Int32Array(m), lo = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const p = files[withHash[k]!]!.phash!;
    hi[k] = p[0] | 0;
    lo[k] = p[1] | 0;
    ts[k] = stamps[k] ?? 0;
  }
  const unit = files.map((f) => (f.embedding ? normalised(f.embedding) : null));
  const maxD = opts.variantPhashMax;
  for (let a = 0; a < m; a++) {
    const hiA = hi[a]!, loA = lo[a]!, tsA = ts[a]!;
    for (let b = a + 1; b < m; b++) {
      if (ts[b]! - tsA > windowMs) break;
      // 64-bit popcount: both halves' 2-bit then 4-bit counts, summed per byte (≤ 16 fits).
      let x = hiA ^ hi[b]!, y = loA ^ lo[b]!;
      x = x - ((x >>> 1) & 0x55555555);
      y = y - ((y >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
      const bytes = ((x + (x >>> 4)) & 0x0f0f0f0f) + ((y + (y >>> 4)) & 0x0f0f0f0f);
      const d = Math.imul(bytes, 0x01010101) >>> 24;
      if (d > maxD) continue;
      const i = withHash[a]!, j = withHash[b]!;
      if (uf.find(i) === uf.find(j)) continue;
      const ea = unit[i], eb = unit[j];
      const linked = ea && eb ? dot(ea, eb) >= opts.variantCosineMin : d <= opts.phashOnlyMax;
      if (linked) uf.union(i, j);
    }
  }
  const groups: ContentGroup[] = [];
  const singletons: string[] = [];
  for (const set of uf.sets()) {
    if (set.length === 1) {
      singletons.push(files[set[0]!]!.path);
      continue;
    }
    const parts = set.length > opts.maxGroupSize ? splitComponent(set, files, opts) : [set];
    const split = parts.length > 1 || set.length > opts.maxGroupSize;
    for (const part of parts) {
      if (part.length === 1) {
        singletons.push(files[part[0]!]!.path);
        continue;
      }
      const dup = part.every((k) =>
        files[k]!.sha256 && files[k]!.sha256 === files[part[0]!]!.sha256
      );
      groups.push({
        kind: dup ? "exact_duplicate" : "variant",
        members: part.map((k) => files[k]!.path),
        split,
      });
    }
  }
  return { groups, singletons };
}

/** Pairwise similarity used for splitting: 2 for exact duplicates, else cosine or pHash-based. */
function similarity(a: ContentFile, b: ContentFile): number {
  if (a.sha256 && a.sha256 === b.sha256) return 2;
  if (a.embedding && b.embedding) return cosine(a.embedding, b.embedding);
  if (a.phash && b.phash) {
    const d = popcount32((a.phash[0] ^ b.phash[0]) >>> 0) +
      popcount32((a.phash[1] ^ b.phash[1]) >>> 0);
    return 1 - d / 64;
  }
  return -1;
}

/**
 * Complete-linkage agglomerative clustering of one oversized component, with
 * a size cap: merge the most similar pair of clusters whose worst pair still
 * passes the variant threshold and whose union fits.
 */
function splitComponent(set: number[], files: readonly ContentFile[], opts: Opts): number[][] {
  const m = set.length;
  const sim: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const threshold = (a: ContentFile, b: ContentFile): number =>
    a.embedding && b.embedding ? opts.variantCosineMin : 1 - opts.phashOnlyMax / 64;
  const ok: boolean[][] = Array.from({ length: m }, () => new Array<boolean>(m).fill(false));
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const a = files[set[i]!]!, b = files[set[j]!]!;
      const s = similarity(a, b);
      sim[i]![j] = sim[j]![i] = s;
      ok[i]![j] = ok[j]![i] = s >= threshold(a, b);
    }
  }
  let clusters: number[][] = Array.from({ length: m }, (_, i) => [i]);
  for (;;) {
    let best = -Infinity, bi = -1, bj = -1;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const ci = clusters[i]!, cj = clusters[j]!;
        if (ci.length + cj.length > opts.maxGroupSize) continue;
        let worst = Infinity, pass = true;
        for (const a of ci) {
          for (const b of cj) {
            if (!ok[a]![b]) pass = false;
            worst = Math.min(worst, sim[a]![b]!);
          }
        }
        if (pass && worst > best) [best, bi, bj] = [worst, i, j];
      }
    }
    if (bi < 0) break;
    const merged = [...clusters[bi]!, ...clusters[bj]!].sort((a, b) => a - b);
    clusters = clusters.filter((_, k) => k !== bi && k !== bj);
    clusters.push(merged);
  }
  return clusters.map((c) => c.map((k) => set[k]!)).sort((a, b) => a[0]! - b[0]!);
}

/** A unit-length copy of `v` (or `v` itself when already unit length). */
function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s === 0 || Math.abs(s - 1) < 1e-4) return v;
  const k = 1 / Math.sqrt(s);
  return v.map((x) => x * k);
}
