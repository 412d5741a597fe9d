/**
 * The side panel of a group: its stable number, your verdict, why keeper
 * picked what it picked and proposed the crop, its flags, and what stops an
 * approval (an image that cannot be shown).
 *
 * @module
 */
import type { ComponentChild } from "preact";
import type { GroupView } from "./api.ts";
import type { CropState } from "./group_view.tsx";
import { flagLabel, plainReasons } from "./plain_words.ts";

const pct = (v: number) => `${Math.round(v * 100)}%`;

const VERDICT: Record<string, string> = {
  approve: "Approved",
  reject: "Rejected (keep all)",
  override: "Overridden",
  skip: "Skipped",
};

/** Props of {@linkcode DecisionPanel}. */
export interface DecisionPanelProps {
  group: GroupView;
  crop: CropState;
  problems: Record<number, string> | undefined;
}

/** The decision panel. */
export function DecisionPanel({ group, crop, problems }: DecisionPanelProps): ComponentChild {
  const r = group.review;
  const broken = Object.keys(problems ?? {}).map(Number).sort((a, b) => a - b);
  return (
    <aside class="panel" data-testid="panel">
      <h2>
        Group {group.position + 1} <small>{group.group_id}</small>
      </h2>
      <div class={`verdict ${r?.action ?? "pending"}`} data-testid="verdict">
        {r === null
          ? "Not reviewed"
          : `${VERDICT[r.action]}${
            r.final_choice !== null ? ` · image ${r.final_choice + 1}` : ""
          }${r.manual_crop ? " · manual crop" : ""}`}
      </div>
      {broken.length > 0 && (
        <p class="blocked" data-testid="blocked">
          {broken.length === 1
            ? `Image ${broken[0]! + 1} cannot be shown`
            : `Images ${broken.map((i) => i + 1).join(", ")} cannot be shown`}: approve is off for
          this group (nothing is approved blind). <kbd>R</kbd> reject or <kbd>S</kbd> skip.
        </p>
      )}
      <ul class="plain" data-testid="plain">
        {plainReasons(group).map((t) => <li key={t}>{t}</li>)}
      </ul>
      {group.flags.length > 0 && (
        <p data-testid="flags">
          {group.flags.map((f) => <span key={f} class="chip flag" title={f}>{flagLabel(f)}</span>)}
        </p>
      )}
      {group.ai.auto_approvable && <p class="chip band">in the auto-approve band</p>}
      {crop.shown && (
        <p class="mono" data-testid="crop-coords">
          crop on image {crop.on + 1}: [{crop.box.map((v) => v.toFixed(3)).join(", ")}]
        </p>
      )}
      <details class="technical" data-testid="technical">
        <summary>technical details</summary>
        <h3>Pick: image {group.ai.choice + 1}</h3>
        <p>
          confidence <b>{pct(group.ai.confidence)}</b> · margin {pct(group.ai.margin)}
        </p>
        <ul>{group.ai.reasons.map((t) => <li key={t}>{t}</li>)}</ul>
        <h3>Crop {group.crop.needs_crop ? "proposed" : "not proposed"}</h3>
        <p>confidence {pct(group.crop.confidence)}</p>
        <ul>{group.crop.reasons.map((t) => <li key={t}>{t}</li>)}</ul>
        {group.flags.length > 0 && <p class="mono">flags: {group.flags.join(", ")}</p>}
      </details>
    </aside>
  );
}
