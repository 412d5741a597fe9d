/**
 * The review page: state, keyboard handling, optimistic verdicts (the next
 * group shows at once; POSTs are queued in key order), prefetching.
 *
 * State lives in one ref that every handler reads and writes synchronously,
 * so keys pressed faster than the page renders still act on the right group.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import {
  type Batch,
  type Box,
  drain,
  getJson,
  type GroupView,
  postJson,
  type ProgressView,
  type ReviewEntry,
  type ReviewStats,
  type Verdict,
  watchPending,
} from "./api.ts";
import { type CropState, GroupPanel, type Placement } from "./group_view.tsx";
import { describeQuery, Header } from "./header.tsx";
import { layoutGroup, type Size, thumbUrl, thumbWidth } from "./layout.ts";
import { BandConfirm, groupNames, Help, Stats, type UnshowableGroup } from "./overlays.tsx";
import { clampView, Compare, type CompareView, viewOf } from "./compare.tsx";
import { compareTarget, greyOf, largestChange, type Region } from "./change_region.ts";

type Overlay =
  | { kind: "help" }
  | { kind: "stats" }
  | { kind: "compare"; view: CompareView }
  | { kind: "band"; count: number; unshowable: UnshowableGroup[] }
  | null;

interface State {
  batch: Batch | null;
  cursor: number;
  crops: Record<string, CropState>;
  locked: boolean;
  overlay: Overlay;
  stats: ReviewStats | null;
  toast: string;
  filters: string[];
  project: string;
  order: string;
  statsStamp: number;
  /** Size of the image area (null until measured). */
  area: Size | null;
  /** Why an image cannot be shown, by group id and image index. */
  problems: Record<string, Record<number, string>>;
  /** Aspect ratios measured from loaded thumbnails where they differ from the decision's. */
  aspects: Record<string, number>;
  /** Where the pick and its compared stage differ most, by group id (null: no visible change). */
  regions: Record<string, Region | null>;
}

const DEFAULT_BOX: Box = [0.1, 0.1, 0.9, 0.9];
const MANUAL_KEYS: Record<string, number> = { q: 0, w: 1, e: 2, t: 3 };
/** Groups after the current one whose images are fetched and decoded ahead. */
const PREFETCH_GROUPS = 4;

function initialCrop(g: GroupView): CropState {
  const ai = g.crop.needs_crop && g.crop.box !== null ? g.crop.box : null;
  if (g.review !== null) {
    const c = g.review.crop_coords;
    return {
      shown: c !== null,
      box: c ?? ai ?? DEFAULT_BOX,
      on: g.review.final_choice ?? g.ai.choice,
    };
  }
  return { shown: ai !== null, box: ai ?? DEFAULT_BOX, on: g.ai.choice };
}

/** "does not exist" from `Cannot serve image: "x.png" does not exist`. */
async function whyUnshown(url: string): Promise<string> {
  try {
    const res = await fetch(url);
    if (res.ok) return "the file was served but the browser could not decode it";
    const body = await res.json().catch(() => ({})) as { error?: string };
    const said = (body.error ?? "").replace(/^Cannot [^:]*: /, "");
    if (res.status >= 500) {
      return `the server could not read it (HTTP ${res.status}${said ? `: ${said}` : ""})`;
    }
    return said || `HTTP ${res.status}`;
  } catch (e) {
    return `the request failed (${(e as Error).message})`;
  }
}

/**
 * "saving… (n)" / "all saved": its own state, so the POST queue ticking twice
 * per verdict re-renders this badge, not the page, while the next group paints.
 */
function SavedBadge() {
  const [pending, setPending] = useState(0);
  useEffect(() => watchPending(setPending), []);
  return (
    <span data-testid="saved" data-pending={pending}>
      {pending > 0 ? `saving… (${pending})` : "all saved"}
    </span>
  );
}

/** The page. */
export function ReviewApp() {
  const st = useRef<State>({
    batch: null,
    cursor: 0,
    crops: {},
    locked: true,
    overlay: null,
    stats: null,
    toast: "",
    filters: [],
    project: "",
    order: "file",
    statsStamp: 0,
    area: null,
    problems: {},
    aspects: {},
    regions: {},
  });
  const [, rerender] = useState(0);
  const set = (p: Partial<State>) => {
    st.current = { ...st.current, ...p };
    rerender((n) => n + 1);
  };
  const shownAt = useRef(performance.now());
  const prefetched = useRef(new Map<string, HTMLImageElement>());
  const shownId = useRef("");
  // A toast says what just happened; it clears itself (errors stay longer) and
  // on the next move, so it never describes an earlier group.
  const toastTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const say = (toast: string) => {
    clearTimeout(toastTimer.current);
    set({ toast });
    if (toast !== "") {
      const slow = /fail|not saved|cannot/i.test(toast);
      toastTimer.current = globalThis.setTimeout(() => {
        if (st.current.toast === toast) set({ toast: "" });
      }, slow ? 12000 : 5000);
    }
  };
  const current = (): GroupView | undefined => st.current.batch?.groups[st.current.cursor];
  const cropOf = (g: GroupView): CropState => st.current.crops[g.group_id] ?? initialCrop(g);
  const placements = useRef(new Map<string, Placement>());
  const placementKey = useRef("");
  /** Where a group's images go at the current area and pixel ratio (cached: stable identity). */
  const placementOf = (g: GroupView): Placement | null => {
    const area = st.current.area;
    if (area === null) return null;
    const dpr = globalThis.devicePixelRatio || 1;
    const key = `${area.width}x${area.height}@${dpr}`;
    if (placementKey.current !== key) {
      placements.current.clear();
      placementKey.current = key;
    }
    const hit = placements.current.get(g.group_id);
    if (hit !== undefined) return hit;
    const aspects = g.images.map((im) =>
      st.current.aspects[`${g.group_id}:${im.index}`] ?? im.width / im.height
    );
    const layout = layoutGroup(aspects, area);
    const thumbs = g.images.map((im, i) =>
      thumbUrl(g.group_id, im.index, thumbWidth(layout.images[i]!, dpr, im))
    );
    const p = { layout, thumbs };
    placements.current.set(g.group_id, p);
    return p;
  };
  const unshown = useRef(new Set<string>());
  const noteProblem = (groupId: string, index: number, url: string) => {
    const key = `${groupId}:${index}`;
    if (unshown.current.has(key)) return;
    unshown.current.add(key);
    whyUnshown(url).then((why) => {
      const all = st.current.problems;
      set({ problems: { ...all, [groupId]: { ...all[groupId], [index]: why } } });
    });
  };

  /** Load a batch; the cursor goes to its first pending group, its first or its last group. */
  const load = async (offset?: number, at: "pending" | "first" | "last" = "pending") => {
    const q = new URLSearchParams({
      size: "50",
      filter: st.current.filters.length > 0 ? st.current.filters.join(",") : "all",
      order: st.current.order,
    });
    if (st.current.project !== "") q.set("project", st.current.project);
    if (offset !== undefined) q.set("offset", String(offset));
    const b = await getJson<Batch>(`/api/automation/load_batch?${q}`);
    const pending = b.groups.findIndex((g) => g.review === null);
    const cursor = at === "last"
      ? Math.max(0, b.groups.length - 1)
      : at === "first" || pending < 0
      ? 0
      : pending;
    set({
      batch: b,
      crops: Object.fromEntries(b.groups.map((g) => [g.group_id, initialCrop(g)])),
      cursor,
    });
  };

  /** Next (+1) or previous (-1) batch of the current filter and order. */
  const batchStep = (delta: number, at: "first" | "last" = "first") => {
    const b = st.current.batch;
    if (b === null) return;
    const offset = b.offset + delta * b.size;
    if (offset < 0 || offset >= b.matching) {
      say(delta > 0 ? "This is the last batch" : "This is the first batch");
      return;
    }
    say("");
    load(offset, at).catch((e) => say(String(e.message ?? e)));
  };

  const patch = (id: string, review: ReviewEntry | null, progress?: ProgressView) => {
    const b = st.current.batch;
    if (b === null) return;
    set({
      batch: {
        ...b,
        progress: progress ?? b.progress,
        groups: b.groups.map((g) => g.group_id === id ? { ...g, review } : g),
      },
    });
  };

  /** Move the cursor; past either end of the batch, into the next or previous batch. */
  const move = (delta: number, cross = false) => {
    const n = st.current.batch?.groups.length ?? 0;
    const to = st.current.cursor + delta;
    if (cross && (to < 0 || to >= n)) {
      batchStep(to < 0 ? -1 : 1, to < 0 ? "last" : "first");
      return;
    }
    if (st.current.toast !== "") say("");
    set({ cursor: Math.max(0, Math.min(n - 1, to)) });
  };

  const decide = (action: Verdict["action"], index: number | null, manual = false) => {
    const group = current();
    if (group === undefined) return;
    if (index !== null && index >= group.images.length) {
      say(`This group has no image ${index + 1}`);
      return;
    }
    const crop = cropOf(group);
    const act = action === "override" && index === group.ai.choice ? "approve" : action;
    const keepsPick = act === "approve" || act === "override";
    const broken = Object.keys(st.current.problems[group.group_id] ?? {}).map(Number);
    if (keepsPick && broken.length > 0) {
      // Nothing is approved blind: a group with an image the page cannot show
      // can only be rejected or skipped.
      say(
        `Cannot approve: image ${broken.map((i) => i + 1).join(", ")} cannot be shown ` +
          "(R rejects, S skips)",
      );
      return;
    }
    const final = keepsPick ? index ?? group.ai.choice : null;
    const verdict: Verdict = {
      group_id: group.group_id,
      action: act,
      final_choice: final,
      crop_coords: keepsPick && crop.shown && !manual ? crop.box : null,
      seconds_spent: Math.round(performance.now() - shownAt.current) / 1000,
    };
    if (manual) verdict.manual_crop = true;
    // The crop follows the verdict: onto your pick, hidden when none will be applied.
    if (final !== null) {
      set({
        crops: {
          ...st.current.crops,
          [group.group_id]: { shown: verdict.crop_coords !== null, box: crop.box, on: final },
        },
      });
    }
    // Optimistic: show the verdict and move on now; the server confirms in order.
    patch(group.group_id, { ...verdict, manual_crop: manual, timestamp: new Date().toISOString() });
    move(1);
    say("");
    send(verdict);
  };

  const send = (verdict: Verdict) => {
    postJson<{ review: ReviewEntry; progress: ProgressView }>("/api/automation/submit_decision", {
      ...verdict,
    }).then((r) => patch(r.review.group_id, r.review, r.progress))
      .catch((e) => {
        say(`Not saved: ${e.message}`);
        load(st.current.batch?.offset).catch(() => undefined);
      });
  };

  const undo = async () => {
    try {
      const r = await postJson<{
        groups: { group_id: string; review: ReviewEntry | null }[];
        progress: ProgressView;
      }>("/api/automation/undo", {});
      if (r.groups.length === 0) {
        say("Nothing to undo");
        return;
      }
      for (const g of r.groups) patch(g.group_id, g.review, r.progress);
      const first = r.groups[0]!;
      const i = st.current.batch?.groups.findIndex((g) => g.group_id === first.group_id) ?? -1;
      const g = st.current.batch?.groups[i];
      if (g !== undefined) {
        set({ cursor: i, crops: { ...st.current.crops, [g.group_id]: initialCrop(g) } });
      }
      say(`Undid ${r.groups.length === 1 ? "1 verdict" : `${r.groups.length} verdicts`}`);
    } catch (e) {
      say(`Undo failed: ${(e as Error).message}`);
    }
  };

  const submit = async () => {
    try {
      await drain();
      const r = await postJson<{ written: number; by_action: Record<string, number> }>(
        "/api/automation/submit_batch",
        {},
      );
      const parts = Object.entries(r.by_action).map(([k, v]) => `${k} ${v}`).join(", ");
      say(`Wrote ${r.written} records to approved_decisions.jsonl (${parts})`);
    } catch (e) {
      say(`Submit failed: ${(e as Error).message}`);
    }
  };

  const openBand = async () => {
    await drain();
    const { count, unshowable } = await getJson<{ count: number; unshowable: UnshowableGroup[] }>(
      "/api/automation/approve_band",
    );
    set({ overlay: { kind: "band", count, unshowable } });
  };

  const confirmBand = async (count: number) => {
    set({ overlay: null });
    try {
      const r = await postJson<{ approved: string[]; unshowable: UnshowableGroup[] }>(
        "/api/automation/approve_band",
        { expected_count: count },
      );
      await load(st.current.batch?.offset);
      const left = r.unshowable.length;
      say(
        `Approved ${r.approved.length} groups in the auto-approve band` +
          (left === 0 ? "" : `; left ${left} pending: their images cannot be shown ` +
            `(${groupNames(r.unshowable)})`),
      );
    } catch (e) {
      say(`Band approval failed: ${(e as Error).message}`);
    }
  };

  const openStats = async () => {
    set({ overlay: { kind: "stats" }, statsStamp: st.current.statsStamp + 1 });
    await drain();
    set({ stats: await getJson<ReviewStats>("/api/automation/stats") });
  };

  const setCrop = (g: GroupView, f: (c: CropState) => CropState) =>
    set({ crops: { ...st.current.crops, [g.group_id]: f(cropOf(g)) } });

  // Stable handlers (they read the state ref), so the memoised group panel is
  // left alone by renders that do not touch it (e.g. a POST confirming a verdict).
  const onCrop = useRef((box: Box) => {
    const g = current();
    if (g !== undefined) setCrop(g, (c) => ({ ...c, box }));
  }).current;
  const openCompare = (mode: CompareView["mode"], index: number) =>
    set({ overlay: { kind: "compare", view: { mode, index, zoom: 1, cx: 0.5, cy: 0.5 } } });
  const onZoom = useRef((index: number) => openCompare("flip", index)).current;
  const setView = (view: CompareView) => set({ overlay: { kind: "compare", view } });
  /** Measure the change region once both compared images of the shown group have loaded. */
  const measureRegion = (g: GroupView) => {
    if (g.group_id in st.current.regions) return;
    const b = compareTarget(g);
    if (b === null) return;
    const a = g.ai.choice;
    const img = (i: number) =>
      document.querySelector<HTMLImageElement>(`main figure.card[data-index="${i}"] img`);
    const ia = img(a), ib = img(b);
    if (!ia?.complete || !ib?.complete || ia.naturalWidth === 0 || ib.naturalWidth === 0) return;
    const c = largestChange(greyOf(ia), greyOf(ib));
    // Below ~2 grey levels on average nothing visible changed: no loupe.
    const region = c.strength < 2 ? null : { box: c.box, a, b, strength: c.strength };
    set({ regions: { ...st.current.regions, [g.group_id]: region } });
  };
  // A crop adjusted on a group that already kept a pick is saved with that verdict.
  const onCropDone = useRef((box: Box) => {
    const g = current();
    const r = g?.review;
    if (g === undefined || r === null || r === undefined || r.final_choice === null) return;
    if (r.manual_crop || cropOf(g).on !== r.final_choice) return;
    const verdict: Verdict = {
      group_id: g.group_id,
      action: r.action,
      final_choice: r.final_choice,
      crop_coords: box,
      seconds_spent: r.seconds_spent,
    };
    patch(g.group_id, { ...r, crop_coords: box });
    say(`Crop saved with your pick (image ${r.final_choice + 1})`);
    send(verdict);
  }).current;
  const choose = (index: number) => {
    const g = current();
    if (g === undefined || index >= g.images.length) return;
    setCrop(g, (c) => ({ ...c, on: index }));
  };
  const onChoose = useRef(choose).current;
  const onImageError = useRef(noteProblem).current;
  const onImageLoad = useRef((groupId: string, index: number, img: HTMLImageElement) => {
    const g = st.current.batch?.groups.find((x) => x.group_id === groupId);
    const im = g?.images[index];
    if (im === undefined || img.naturalWidth === 0 || img.naturalHeight === 0) return;
    measureRegion(g!);
    const natural = img.naturalWidth / img.naturalHeight;
    // The decision's size is a claim: when the file's shape differs, lay it out as it is.
    if (Math.abs(natural / (im.width / im.height) - 1) > 0.01) {
      placements.current.delete(groupId);
      set({ aspects: { ...st.current.aspects, [`${groupId}:${index}`]: natural } });
    }
  }).current;
  const onArea = useRef((area: Size) => {
    const a = st.current.area;
    if (a !== null && a.width === area.width && a.height === area.height) return;
    set({ area });
  }).current;

  const setQuery = (p: { filters?: string[]; project?: string; order?: string }) => {
    set(p);
    load().catch((e) => say(String(e.message ?? e)));
  };

  const compareKey = (k: string, v: CompareView) => {
    const g = current();
    if (g === undefined) return;
    if (/^[1-4]$/.test(k) && Number(k) <= g.images.length) {
      setView({ ...v, mode: "flip", index: Number(k) - 1 });
    } else if (k === "v") setView({ ...v, mode: v.mode === "side" ? "flip" : "side" });
    else if (k === "+" || k === "=") setView(clampView({ ...v, zoom: v.zoom * 1.5 }));
    else if (k === "-") setView(clampView({ ...v, zoom: v.zoom / 1.5 }));
    else if (k === "0") setView({ ...v, zoom: 1, cx: 0.5, cy: 0.5 });
    else if (k === "d") {
      const r = st.current.regions[g.group_id];
      if (r) setView(viewOf(r.box, v));
    }
  };

  useEffect(() => {
    load().catch((e) => say(String(e.message ?? e)));
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (
        target && ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName) &&
        (target as HTMLInputElement).type !== "checkbox"
      ) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const overlay = st.current.overlay;
      if (overlay !== null) {
        if (
          k === "Escape" || (k === "?" && overlay.kind === "help") ||
          (k === "f" && overlay.kind === "compare") || (k === "g" && overlay.kind === "stats")
        ) {
          set({ overlay: null });
        } else if (k === "Enter" && overlay.kind === "band") confirmBand(overlay.count);
        else if (overlay.kind === "compare") compareKey(k, overlay.view);
        e.preventDefault();
        return;
      }
      if (k === "PageDown" || k === "]" || k === "PageUp" || k === "[") {
        batchStep(k === "PageDown" || k === "]" ? 1 : -1);
        e.preventDefault();
        return;
      }
      const group = current();
      if (group === undefined) return;
      let handled = true;
      if (k === "Enter" && e.shiftKey) submit();
      else if (k === "a") decide("approve", group.ai.choice);
      else if (k === "r") decide("reject", null);
      else if (k === "s") decide("skip", null);
      else if (e.shiftKey && /^Digit[1-4]$/.test(e.code)) choose(Number(e.code.slice(5)) - 1);
      else if (/^[1-4]$/.test(k)) decide("override", Number(k) - 1);
      else if (k in MANUAL_KEYS) decide("override", MANUAL_KEYS[k]!, true);
      else if (k === "Enter" || k === "ArrowDown") move(1, true);
      else if (k === "ArrowUp") move(-1, true);
      else if (k === "z") undo();
      else if (k === "c") setCrop(group, (c) => ({ ...c, shown: !c.shown }));
      else if (k === "l") set({ locked: !st.current.locked });
      else if (k === "f") openCompare("side", group.ai.choice);
      else if (k === "b") openBand();
      else if (k === "g") openStats();
      else if (k === "?") set({ overlay: { kind: "help" } });
      else handled = false;
      if (handled) e.preventDefault();
    };
    globalThis.addEventListener("keydown", onKey);
    return () => globalThis.removeEventListener("keydown", onKey);
  }, []);

  const s = st.current;
  const batch = s.batch;
  const group = batch?.groups[s.cursor];

  // Time on a group starts when it is first shown.
  if (group !== undefined && shownId.current !== group.group_id) {
    shownId.current = group.group_id;
    shownAt.current = performance.now();
  }

  // Prefetch and decode the next groups' images so navigation never waits. Held
  // in `prefetched` (not left to the GC) so the decoded bitmaps stay cached
  // until the group has been shown; deep enough for quick successive presses.
  useEffect(() => {
    if (batch === null) return;
    const keep = new Set<string>();
    for (const g of batch.groups.slice(s.cursor, s.cursor + 1 + PREFETCH_GROUPS)) {
      const place = placementOf(g);
      if (place === null) continue;
      for (const [i, url] of place.thumbs.entries()) {
        keep.add(url);
        if (prefetched.current.has(url)) continue;
        const img = new Image();
        img.decoding = "async";
        img.src = url;
        img.decode().catch(() => {
          if (!img.complete || img.naturalWidth === 0) noteProblem(g.group_id, i, url);
        });
        prefetched.current.set(url, img);
      }
    }
    for (const url of prefetched.current.keys()) {
      if (!keep.has(url)) prefetched.current.delete(url);
    }
  }, [batch, s.cursor, s.area]);

  if (batch === null) return <div class="loading">Loading… {s.toast}</div>;
  const overlay = s.overlay;
  return (
    <div class="page">
      <Header
        batch={batch}
        filters={s.filters}
        project={s.project}
        order={s.order}
        onQuery={setQuery}
        onBatch={(d) => batchStep(d)}
        onBand={openBand}
        onStats={openStats}
        onHelp={() => set({ overlay: { kind: "help" } })}
        onSubmit={submit}
      />
      <main data-group-id={group?.group_id ?? ""} data-cursor={s.cursor}>
        {group === undefined
          ? (
            <div class="empty" data-testid="empty">
              <p>
                No groups match <b>{describeQuery(s.filters, s.project)}</b>: 0 of{" "}
                {batch.counts.total} groups{s.project === "" ? "" : ` in project ${s.project}`}.
              </p>
              <button type="button" onClick={() => setQuery({ filters: [], project: "" })}>
                Show all groups
              </button>
            </div>
          )
          : (
            <GroupPanel
              group={group}
              crop={cropOf(group)}
              locked={s.locked}
              placement={placementOf(group)}
              problems={s.problems[group.group_id]}
              region={s.regions[group.group_id] ?? null}
              onCrop={onCrop}
              onCropDone={onCropDone}
              onZoom={onZoom}
              onChoose={onChoose}
              onImageError={onImageError}
              onImageLoad={onImageLoad}
              onArea={onArea}
            />
          )}
      </main>
      <footer>
        <span data-testid="toast">{s.toast}</span>
        <SavedBadge />
        <span class="keys">
          <kbd>A</kbd> approve <kbd>R</kbd> reject <kbd>S</kbd> skip <kbd>1-4</kbd> override{" "}
          <kbd>Q W E T</kbd> manual crop <kbd>Z</kbd> undo <kbd>C</kbd> crop{" "}
          {s.locked ? "(aspect locked, L)" : "(aspect free, L)"} <kbd>?</kbd> keys
        </span>
      </footer>
      {overlay?.kind === "help" && <Help />}
      {overlay?.kind === "stats" && <Stats stats={s.stats} stamp={s.statsStamp} />}
      {overlay?.kind === "compare" && group !== undefined && (
        <Compare
          group={group}
          view={overlay.view}
          region={s.regions[group.group_id]?.box ?? null}
          onView={setView}
        />
      )}
      {overlay?.kind === "band" && (
        <BandConfirm count={overlay.count} unshowable={overlay.unshowable} />
      )}
    </div>
  );
}
