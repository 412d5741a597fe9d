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
import type { Region } from "./change_region.ts";

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
  region: Region | null;
  thumbs: string[] | null;
}

/** The decision panel. */
export function DecisionPanel(
  { group, crop, problems, region, thumbs }: DecisionPanelProps,
): ComponentChild {
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
      {region !== null && thumbs !== null && (
        <Loupe
          group={group}
          region={region}
          thumbs={thumbs}
        />
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

/** Both compared stages magnified on the region where they differ most. */
function Loupe(
  { group, region, thumbs }: { group: GroupView; region: Region; thumbs: string[] },
): ComponentChild {
  const [x1, y1, x2, y2] = region.box;
  const bw = x2 - x1, bh = y2 - y1;
  const stage = (i: number) => group.images[i]?.stage ?? "?";
  return (
    <div class="loupe" data-testid="loupe" data-box={JSON.stringify(region.box)}>
      <h3>
        Loupe: where image {region.a + 1} (stage {stage(region.a)}) and image {region.b + 1} (stage
        {" "}
        {stage(region.b)}) differ most
      </h3>
      <div class="loupe-panes">
        {[region.a, region.b].map((i) => {
          const im = group.images[i]!;
          return (
            <figure key={i}>
              <div
                class="loupe-pane"
                style={{
                  aspectRatio: `${im.width || 1} / ${im.height || 1}`,
                  backgroundImage: `url("${thumbs[i]}")`,
                  backgroundSize: `${100 / bw}% ${100 / bh}%`,
                  backgroundPosition: `${(x1 / (1 - bw)) * 100}% ${(y1 / (1 - bh)) * 100}%`,
                }}
              />
              <figcaption>
                image {i + 1}
                {i === group.ai.choice ? " (AI pick)" : ""}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </div>
  );
}
