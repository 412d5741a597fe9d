/**
 * The review page: state, keyboard handling, optimistic verdicts (the next
 * group shows at once; POSTs are queued in key order), prefetching.
 *
 * @module
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
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
} from "./api.ts";
import { GroupPanel } from "./group_view.tsx";
import { BandConfirm, Help, Stats, Zoom } from "./overlays.tsx";

type Overlay =
  | { kind: "help" }
  | { kind: "stats" }
  | { kind: "zoom"; index: number }
  | { kind: "band"; count: number }
  | null;

interface CropState {
  shown: boolean;
  box: Box;
}

const DEFAULT_BOX: Box = [0.1, 0.1, 0.9, 0.9];

function initialCrop(g: GroupView): CropState {
  const ai = g.crop.needs_crop && g.crop.box !== null ? g.crop.box : null;
  if (g.review !== null) {
    const c = g.review.crop_coords;
    return { shown: c !== null, box: c ?? ai ?? DEFAULT_BOX };
  }
  return { shown: ai !== null, box: ai ?? DEFAULT_BOX };
}

const MANUAL_KEYS: Record<string, number> = { q: 0, w: 1, e: 2, t: 3 };

/** The page. */
export function ReviewApp() {
  const [batch, setBatch] = useState<Batch | null>(null);
  const [cursor, setCursor] = useState(0);
  const [crops, setCrops] = useState<Record<string, CropState>>({});
  const [locked, setLocked] = useState(true);
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [stats, setStats] = useState<ReviewStats | null>(null);
  const [toast, setToast] = useState<string>("");
  const [query, setQuery] = useState({ filter: "all", order: "file" });
  const shownAt = useRef(performance.now());
  const stamp = useRef(0);

  const say = (text: string) => setToast(text);

  const load = useCallback(async (filter: string, order: string, offset?: number) => {
    const q = new URLSearchParams({ size: "50", filter, order });
    if (offset !== undefined) q.set("offset", String(offset));
    const b = await getJson<Batch>(`/api/automation/load_batch?${q}`);
    setBatch(b);
    setCrops(Object.fromEntries(b.groups.map((g) => [g.group_id, initialCrop(g)])));
    const first = b.groups.findIndex((g) => g.review === null);
    setCursor(first < 0 ? 0 : first);
  }, []);

  useEffect(() => {
    load(query.filter, query.order).catch((e) => say(String(e.message ?? e)));
  }, [query]);

  const group = batch?.groups[cursor];

  // Time on a group starts when it is shown.
  useEffect(() => {
    shownAt.current = performance.now();
  }, [group?.group_id]);

  // Prefetch the next two groups' images so navigation never waits.
  useEffect(() => {
    if (batch === null) return;
    for (const g of batch.groups.slice(cursor + 1, cursor + 3)) {
      for (const im of g.images) {
        const img = new Image();
        img.src = im.thumb;
        img.decode().catch(() => undefined); // decoded ahead, so the swap paints at once
      }
    }
  }, [batch, cursor]);

  const patch = (id: string, review: ReviewEntry | null, progress?: ProgressView) =>
    setBatch((b) =>
      b === null ? b : {
        ...b,
        progress: progress ?? b.progress,
        groups: b.groups.map((g) => g.group_id === id ? { ...g, review } : g),
      }
    );

  const decide = (action: Verdict["action"], index: number | null, manual = false) => {
    if (batch === null || group === undefined) return;
    if (index !== null && index >= group.images.length) {
      say(`This group has no image ${index + 1}`);
      return;
    }
    const crop = crops[group.group_id] ?? initialCrop(group);
    let act = action;
    if (act === "override" && index === group.ai.choice) act = "approve";
    const keepsPick = act === "approve" || act === "override";
    const verdict: Verdict = {
      group_id: group.group_id,
      action: act,
      final_choice: keepsPick ? index ?? group.ai.choice : null,
      crop_coords: keepsPick && crop.shown && !manual ? crop.box : null,
      seconds_spent: Math.round(performance.now() - shownAt.current) / 1000,
    };
    if (manual) verdict.manual_crop = true;
    // Optimistic: show the verdict and move on now; the server confirms in order.
    patch(group.group_id, {
      ...verdict,
      manual_crop: manual,
      timestamp: new Date().toISOString(),
    });
    setCursor((c) => Math.min(c + 1, batch.groups.length - 1));
    postJson<{ review: ReviewEntry; progress: ProgressView }>(
      "/api/automation/submit_decision",
      { ...verdict },
    ).then((r) => patch(r.review.group_id, r.review, r.progress))
      .catch((e) => {
        say(`Not saved: ${e.message}`);
        load(query.filter, query.order, batch.offset).catch(() => undefined);
      });
    say("");
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
      const i = batch?.groups.findIndex((g) => g.group_id === first.group_id) ?? -1;
      const g = batch?.groups[i];
      if (g !== undefined) {
        setCursor(i);
        setCrops((c) => ({ ...c, [first.group_id]: initialCrop({ ...g, review: first.review }) }));
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
      say(
        `Wrote ${r.written} records to approved_decisions.jsonl (${
          Object.entries(r.by_action).map(([k, v]) => `${k} ${v}`).join(", ")
        })`,
      );
    } catch (e) {
      say(`Submit failed: ${(e as Error).message}`);
    }
  };

  const openBand = async () => {
    const { count } = await getJson<{ count: number }>("/api/automation/approve_band");
    setOverlay({ kind: "band", count });
  };

  const confirmBand = async (count: number) => {
    setOverlay(null);
    try {
      await drain();
      const r = await postJson<{ approved: string[] }>("/api/automation/approve_band", {
        expected_count: count,
      });
      say(`Approved ${r.approved.length} groups in the auto-approve band`);
      await load(query.filter, query.order, batch?.offset);
    } catch (e) {
      say(`Band approval failed: ${(e as Error).message}`);
    }
  };

  const openStats = async () => {
    stamp.current++;
    setOverlay({ kind: "stats" });
    await drain();
    setStats(await getJson<ReviewStats>("/api/automation/stats"));
  };

  const setCrop = (id: string, f: (c: CropState) => CropState) =>
    setCrops((all) => ({ ...all, [id]: f(all[id] ?? DEFAULT_CROP) }));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (overlay !== null) {
        if (
          k === "Escape" || (k === "?" && overlay.kind === "help") ||
          (k === "f" && overlay.kind === "zoom") || (k === "g" && overlay.kind === "stats")
        ) {
          setOverlay(null);
        } else if (k === "Enter" && overlay.kind === "band") confirmBand(overlay.count);
        e.preventDefault();
        return;
      }
      if (batch === null || group === undefined) return;
      const id = group.group_id;
      let handled = true;
      if (k === "Enter" && e.shiftKey) submit();
      else if (k === "a") decide("approve", group.ai.choice);
      else if (k === "r") decide("reject", null);
      else if (k === "s") decide("skip", null);
      else if (/^[1-4]$/.test(k)) decide("override", Number(k) - 1);
      else if (k in MANUAL_KEYS) decide("override", MANUAL_KEYS[k]!, true);
      else if (k === "Enter" || k === "ArrowDown") {
        setCursor((c) => Math.min(c + 1, batch.groups.length - 1));
      } else if (k === "ArrowUp") setCursor((c) => Math.max(c - 1, 0));
      else if (k === "z") undo();
      else if (k === "c") setCrop(id, (c) => ({ ...c, shown: !c.shown }));
      else if (k === "l") setLocked((v) => !v);
      else if (k === "f") setOverlay({ kind: "zoom", index: group.ai.choice });
      else if (k === "b") openBand();
      else if (k === "g") openStats();
      else if (k === "?") setOverlay({ kind: "help" });
      else handled = false;
      if (handled) e.preventDefault();
    };
    globalThis.addEventListener("keydown", onKey);
    return () => globalThis.removeEventListener("keydown", onKey);
  });

  if (batch === null) return <div class="loading">Loading… {toast}</div>;
  const p = batch.progress;
  const inBatch = batch.groups.filter((g) => g.review !== null).length;
  const zoomed = overlay?.kind === "zoom" ? group?.images[overlay.index] : undefined;
  return (
    <div class="page">
      <header>
        <div class="progress" data-testid="progress">
          <div>
            Reviewed {p.reviewed}/{p.total} groups ({p.percent}%)
          </div>
          <div class="bar" title="overall">
            <div style={{ width: `${p.percent}%` }} />
          </div>
          <div class="bar batch" title="this batch">
            <div
              style={{
                width: `${batch.groups.length ? (100 * inBatch) / batch.groups.length : 0}%`,
              }}
            />
          </div>
          <small>
            batch {inBatch}/{batch.groups.length} · groups {batch.offset + 1}-{batch.offset +
              batch.groups.length} of {batch.matching}
          </small>
        </div>
        <label>
          show{" "}
          <select
            value={query.filter}
            onChange={(e) => setQuery({ ...query, filter: e.currentTarget.value })}
          >
            <option value="all">all groups</option>
            <option value="pending">pending only</option>
            <option value="anomalies">anomalies only</option>
            <option value="crops">crops only</option>
            <option value="auto_band">auto-approve band</option>
          </select>
        </label>
        <label>
          order{" "}
          <select
            value={query.order}
            onChange={(e) => setQuery({ ...query, order: e.currentTarget.value })}
          >
            <option value="file">file order</option>
            <option value="low_confidence">low confidence first</option>
          </select>
        </label>
        <button type="button" onClick={openBand}>
          Approve auto-band… ({p.band_pending})
        </button>
        <button type="button" onClick={openStats}>Stats</button>
        <button type="button" onClick={() => setOverlay({ kind: "help" })}>? keys</button>
        <button type="button" onClick={submit}>Submit batch</button>
        {batch.offset + batch.groups.length < batch.matching && (
          <button
            type="button"
            onClick={() => load(query.filter, query.order, batch.offset + 50)}
          >
            Next batch
          </button>
        )}
      </header>
      <main data-group-id={group?.group_id ?? ""} data-cursor={cursor}>
        {group === undefined ? <p class="empty">No groups match this filter.</p> : (
          <GroupPanel
            group={group}
            crop={crops[group.group_id] ?? initialCrop(group)}
            locked={locked}
            onCrop={(box) => setCrop(group.group_id, (c) => ({ ...c, box }))}
            onZoom={(index) => setOverlay({ kind: "zoom", index })}
          />
        )}
      </main>
      <footer>
        <span data-testid="toast">{toast}</span>
        <span class="keys">
          <kbd>A</kbd> approve <kbd>R</kbd> reject <kbd>S</kbd> skip <kbd>1-4</kbd> override{" "}
          <kbd>Q W E T</kbd> manual crop <kbd>Z</kbd> undo <kbd>C</kbd> crop{" "}
          {locked ? "(aspect locked, L)" : "(aspect free, L)"} <kbd>?</kbd> keys
        </span>
      </footer>
      {overlay?.kind === "help" && <Help />}
      {overlay?.kind === "stats" && <Stats stats={stats} stamp={stamp.current} />}
      {zoomed !== undefined && <Zoom src={zoomed.full} name={zoomed.name} />}
      {overlay?.kind === "band" && <BandConfirm count={overlay.count} />}
    </div>
  );
}

const DEFAULT_CROP: CropState = { shown: false, box: DEFAULT_BOX };
