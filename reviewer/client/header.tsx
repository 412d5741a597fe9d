/**
 * The page header: two labelled progress bars (all groups, this batch),
 * combinable filters with their counts, project and order choices, and the
 * batch navigation and actions.
 *
 * @module
 */
import type { ComponentChild } from "preact";
import type { Batch } from "./api.ts";

/** Filters the page offers, with the words it shows for them. */
export const FILTER_LABELS: [string, string][] = [
  ["pending", "not yet reviewed"],
  ["low_confidence", "low confidence"],
  ["anomalies", "flagged"],
  ["crops", "crop proposed"],
  ["auto_band", "auto-approve band"],
];

/** Orders the page offers. */
export const ORDER_LABELS: [string, string][] = [
  ["file", "file order"],
  ["low_confidence", "most uncertain first"],
];

/** Props of {@linkcode Header}. */
export interface HeaderProps {
  batch: Batch;
  filters: string[];
  project: string;
  order: string;
  onQuery: (q: { filters?: string[]; project?: string; order?: string }) => void;
  onBatch: (delta: number) => void;
  onBand: () => void;
  onStats: () => void;
  onHelp: () => void;
  onSubmit: () => void;
}

/** What the current filters say, for the empty view: "low confidence + flagged in alpha". */
export function describeQuery(filters: string[], project: string): string {
  const words = FILTER_LABELS.filter(([k]) => filters.includes(k)).map(([, v]) => v);
  const what = words.length > 0 ? words.join(" + ") : "all groups";
  return project === "" ? what : `${what} in project ${project}`;
}

/** The header. */
export function Header(p: HeaderProps): ComponentChild {
  const { batch } = p;
  const pr = batch.progress;
  const inBatch = batch.groups.filter((g) => g.review !== null).length;
  const first = batch.groups.length === 0 ? 0 : batch.offset + 1;
  const last = batch.offset + batch.groups.length;
  const batchPct = batch.groups.length ? (100 * inBatch) / batch.groups.length : 0;
  const toggle = (k: string) =>
    p.onQuery({
      filters: p.filters.includes(k) ? p.filters.filter((f) => f !== k) : [...p.filters, k],
    });
  const hasPrev = batch.offset > 0;
  const hasNext = last < batch.matching;
  return (
    <header>
      <div class="progress" data-testid="progress">
        <div class="bar-label">
          <b>All groups</b>: reviewed {pr.reviewed}/{pr.total} groups ({pr.percent}%)
        </div>
        <div class="bar" title="all groups reviewed" data-testid="bar-all">
          <div style={{ width: `${pr.percent}%` }} />
        </div>
        <div class="bar-label">
          <b>This batch</b>: {inBatch}/{batch.groups.length} reviewed · groups {first}-{last} of
          {" "}
          {batch.matching} shown
        </div>
        <div class="bar batch" title="this batch reviewed" data-testid="bar-batch">
          <div style={{ width: `${batchPct}%` }} />
        </div>
      </div>
      <fieldset class="filters" data-testid="filters">
        <legend>show only</legend>
        {FILTER_LABELS.map(([k, label]) => (
          <label key={k} data-testid={`filter-${k}`}>
            <input
              type="checkbox"
              checked={p.filters.includes(k)}
              onChange={(e) => {
                e.currentTarget.blur();
                toggle(k);
              }}
            />
            {label} <span class="count">({batch.counts.filters[k] ?? 0})</span>
          </label>
        ))}
      </fieldset>
      <label>
        project{" "}
        <select
          data-testid="project"
          value={p.project}
          onChange={(e) => {
            e.currentTarget.blur();
            p.onQuery({ project: e.currentTarget.value });
          }}
        >
          <option value="">
            all projects ({Object.values(batch.counts.projects).reduce((a, b) => a + b, 0)})
          </option>
          {batch.projects.map((name) => (
            <option key={name} value={name}>{name} ({batch.counts.projects[name] ?? 0})</option>
          ))}
        </select>
      </label>
      <label>
        order{" "}
        <select
          data-testid="order"
          value={p.order}
          onChange={(e) => {
            e.currentTarget.blur();
            p.onQuery({ order: e.currentTarget.value });
          }}
        >
          {ORDER_LABELS.map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select>
      </label>
      <span class="batch-nav">
        <button
          type="button"
          disabled={!hasPrev}
          onClick={() => p.onBatch(-1)}
          title="previous batch (PgUp)"
        >
          ◀ batch
        </button>
        <button
          type="button"
          disabled={!hasNext}
          onClick={() => p.onBatch(1)}
          title="next batch (PgDn)"
        >
          batch ▶
        </button>
      </span>
      <button type="button" onClick={p.onBand}>
        Approve auto-band… ({pr.band_pending})
      </button>
      <button type="button" onClick={p.onStats}>Stats</button>
      <button type="button" onClick={p.onHelp}>? keys</button>
      <button type="button" onClick={p.onSubmit}>Submit batch</button>
    </header>
  );
}
