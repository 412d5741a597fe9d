/**
 * One group, big: every image side by side with stage, size and score, the
 * AI pick marked, the crop overlay over it, and the decision panel.
 *
 * @module
 */
import { Component, type ComponentChild } from "preact";
import type { Box, GroupView } from "./api.ts";
import { CropBox } from "./crop_box.tsx";

/** Props of {@linkcode GroupPanel}. */
export interface GroupPanelProps {
  group: GroupView;
  crop: { shown: boolean; box: Box };
  locked: boolean;
  onCrop: (box: Box) => void;
  onZoom: (index: number) => void;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

const VERDICT: Record<string, string> = {
  approve: "Approved",
  reject: "Rejected (keep all)",
  override: "Overridden",
  skip: "Skipped",
};

/**
 * The group view, memoised: it re-renders only when one of its props (group,
 * crop, lock, handlers) changes identity, not on every page-level update.
 * (A class with `shouldComponentUpdate` rather than preact/compat's `memo`,
 * which would add 7 KB to the bundle.)
 */
export class GroupPanel extends Component<GroupPanelProps> {
  override shouldComponentUpdate(next: GroupPanelProps): boolean {
    const p = this.props;
    return p.group !== next.group || p.crop !== next.crop || p.locked !== next.locked ||
      p.onCrop !== next.onCrop || p.onZoom !== next.onZoom;
  }

  override render(): ComponentChild {
    return renderGroup(this.props);
  }
}

function renderGroup({ group, crop, locked, onCrop, onZoom }: GroupPanelProps): ComponentChild {
  const r = group.review;
  return (
    <div class="group">
      <div class="images">
        {group.images.map((im) => {
          const isPick = im.index === group.ai.choice;
          const isFinal = r !== null && r.final_choice === im.index;
          return (
            <figure
              key={`${group.group_id}:${im.index}`}
              class={`card${isPick ? " ai-pick" : ""}${isFinal ? " final" : ""}`}
              data-index={im.index}
            >
              <div class="card-head">
                <span class="key-hint">{im.index + 1}</span>
                {isFinal && !isPick && <span class="badge chosen">Your pick</span>}
                {isPick && <span class="badge">AI pick · {pct(group.ai.confidence)}</span>}
              </div>
              <div class={isPick ? "pick-frame" : "frame"}>
                <img
                  src={im.thumb}
                  alt={im.name}
                  draggable={false}
                  onDblClick={() => onZoom(im.index)}
                />
                {isPick && crop.shown && (
                  <CropBox box={crop.box} locked={locked} onChange={onCrop} />
                )}
              </div>
              <figcaption>
                <span class="stage">stage {im.stage ?? "?"}</span>
                <span>{im.width}×{im.height}</span>
                <span>score {im.score.toFixed(2)}</span>
                {im.probability !== null && <span>p {pct(im.probability)}</span>}
                <div class="name" title={im.name}>{im.name}</div>
              </figcaption>
            </figure>
          );
        })}
      </div>
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
        <h3>Pick: image {group.ai.choice + 1}</h3>
        <p>
          confidence <b>{pct(group.ai.confidence)}</b> · margin {pct(group.ai.margin)}
          {group.ai.auto_approvable && <span class="chip band">auto-approve band</span>}
        </p>
        <ul>{group.ai.reasons.map((t) => <li key={t}>{t}</li>)}</ul>
        <h3>Crop {group.crop.needs_crop ? "proposed" : "not proposed"}</h3>
        <p>
          confidence {pct(group.crop.confidence)}
          {crop.shown && (
            <span class="mono">{` [${crop.box.map((v) => v.toFixed(2)).join(", ")}]`}</span>
          )}
        </p>
        <ul>{group.crop.reasons.map((t) => <li key={t}>{t}</li>)}</ul>
        {group.flags.length > 0 && (
          <p>{group.flags.map((f) => <span key={f} class="chip flag">{f}</span>)}</p>
        )}
      </aside>
    </div>
  );
}
