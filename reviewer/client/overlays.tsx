/**
 * Modal views: the key map, the stats view, full-size zoom and the
 * approve-band confirmation.
 *
 * @module
 */
import type { ReviewStats } from "./api.ts";

/** Key bindings, shown by `?` and in the README. */
export const KEYMAP: [string, string][] = [
  ["A", "approve the AI pick (with the crop if shown)"],
  ["R", "reject: keep all, no action"],
  ["S", "skip for now"],
  ["1-4", "override: pick image N (the crop moves onto it and is saved with it)"],
  ["Shift+1-4 / click", "choose image N without a verdict: the crop moves there to adjust"],
  ["Q W E T", "pick image 1-4 and mark it for a manual crop"],
  ["Enter / ↓", "next group (on into the next batch)"],
  ["↑", "previous group"],
  ["PgDn / PgUp", "next / previous batch of 50"],
  ["Z", "undo the last verdict"],
  ["C", "show / hide the crop"],
  ["L", "lock / unlock the crop aspect ratio"],
  [
    "F",
    "compare: side by side at one zoom and position; 1-4 flip in place, V side by side, + − zoom, drag pan, D go to the change, 0 reset (double-click an image: flip view)",
  ],
  ["B", "approve every pending group in the auto-approve band (asks first)"],
  ["G", "stats"],
  ["Shift+Enter", "submit batch: write approved_decisions.jsonl"],
  ["?", "this key map"],
  ["Esc", "close a view"],
];

/** The key map. */
export function Help() {
  return (
    <div class="modal" data-testid="help">
      <h2>Keys</h2>
      <table>
        {KEYMAP.map(([k, v]) => (
          <tr key={k}>
            <th>
              <kbd>{k}</kbd>
            </th>
            <td>{v}</td>
          </tr>
        ))}
      </table>
      <p class="hint">Drag the crop rectangle or its corners; Esc closes.</p>
    </div>
  );
}

const pct = (v: number | null) => v === null ? "–" : `${Math.round(v * 100)}%`;

/** The stats view: rates plus the Observable Plot chart rendered by the server. */
export function Stats({ stats, stamp }: { stats: ReviewStats | null; stamp: number }) {
  return (
    <div class="modal" data-testid="stats">
      <h2>Stats</h2>
      {stats === null ? <p>Loading…</p> : (
        <table>
          <tr>
            <th>reviewed</th>
            <td>{stats.reviewed} / {stats.total}</td>
          </tr>
          <tr>
            <th>approval rate</th>
            <td data-testid="approval">
              {pct(stats.approval_rate)}{" "}
              <span class="hint" data-testid="approval-definition">
                = {stats.approval_definition}; the same as <code>deno task report</code>
              </span>
            </td>
          </tr>
          <tr>
            <th>override rate</th>
            <td>{pct(stats.override_rate)}</td>
          </tr>
          <tr>
            <th>crop acceptance</th>
            <td>{pct(stats.crop_acceptance)}</td>
          </tr>
          <tr>
            <th>seconds / group</th>
            <td>
              {stats.seconds_mean === null
                ? "–"
                : `${stats.seconds_mean.toFixed(1)} mean · ${
                  stats.seconds_median?.toFixed(1)
                } median`}
            </td>
          </tr>
        </table>
      )}
      <img class="chart" src={`/api/automation/stats.svg?t=${stamp}`} alt="verdicts by action" />
    </div>
  );
}

/** A group the band action leaves pending: an image of it cannot be shown. */
export interface UnshowableGroup {
  group_id: string;
  group: number;
  images: { index: number; name: string; reason: string }[];
}

/**
 * "Group 3, Group 9 and 2 more" (the page's names for groups).
 *
 * @example
 * ```ts
 * groupNames([{ group_id: "g_0123456789abcdef", group: 3, images: [] }]); // "Group 3"
 * ```
 */
export function groupNames(list: readonly UnshowableGroup[], max = 6): string {
  const named = list.slice(0, max).map((u) => `Group ${u.group}`).join(", ");
  return list.length > max ? `${named} and ${list.length - max} more` : named;
}

/**
 * Confirmation of the approve-band action, with the count first and the
 * groups it will leave pending because an image of theirs cannot be shown.
 */
export function BandConfirm(
  { count, unshowable }: { count: number; unshowable: UnshowableGroup[] },
) {
  const n = unshowable.length;
  return (
    <div class="modal" data-testid="band">
      <h2>Approve the auto-approve band?</h2>
      <p>
        <b data-testid="band-count">{count}</b>{" "}
        pending groups are in the auto-approve band. Each gets the AI pick and its proposed crop.
      </p>
      {n > 0 && (
        <p class="warn" data-testid="band-unshowable">
          {n === 1 ? "1 of them has an image" : `${n} of them have images`}{" "}
          that cannot be shown and will stay pending, not approved: {groupNames(unshowable)}.
        </p>
      )}
      <p class="hint">Enter confirms · Esc cancels · Z undoes it afterwards as one step</p>
    </div>
  );
}
