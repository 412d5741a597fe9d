/**
 * One group, big: every image sized to the space the window leaves (one row
 * or two), with stage, size and score, the AI pick and your pick marked, the
 * crop overlay on the chosen image, what is wrong with any image that cannot
 * be shown, and the decision panel.
 *
 * @module
 */
import { Component, type ComponentChild, createRef } from "preact";
import { useRef } from "preact/hooks";
import type { Box, GroupView } from "./api.ts";
import { CropBox } from "./crop_box.tsx";
import type { GroupLayout, Size } from "./layout.ts";
import { DecisionPanel } from "./decision_panel.tsx";
import type { Region } from "./change_region.ts";

/** The crop as the page holds it for one group. */
export interface CropState {
  shown: boolean;
  box: Box;
  /** Index of the image the crop is on (the AI pick, your pick, or the one you chose). */
  on: number;
}

/** Where the group's images go and which thumbnails to load. */
export interface Placement {
  layout: GroupLayout;
  thumbs: string[];
}

/** Props of {@linkcode GroupPanel}. */
export interface GroupPanelProps {
  group: GroupView;
  crop: CropState;
  locked: boolean;
  placement: Placement | null;
  /** Why an image cannot be shown, by index. */
  problems: Record<number, string> | undefined;
  /** Where the pick and its compared stage differ most (the loupe), null when unknown. */
  region: Region | null;
  onCrop: (box: Box) => void;
  onCropDone: (box: Box) => void;
  onZoom: (index: number) => void;
  onChoose: (index: number) => void;
  onImageError: (groupId: string, index: number, url: string) => void;
  onImageLoad: (groupId: string, index: number, img: HTMLImageElement) => void;
  onArea: (area: Size) => void;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The group view, memoised: it re-renders only when one of its props changes
 * identity, not on every page-level update. (A class with
 * `shouldComponentUpdate` rather than preact/compat's `memo`, which would add
 * 7 KB to the bundle.) It also reports the size of its image area.
 */
export class GroupPanel extends Component<GroupPanelProps> {
  #area = createRef<HTMLDivElement>();
  #observer: ResizeObserver | null = null;

  override shouldComponentUpdate(next: GroupPanelProps): boolean {
    const p = this.props;
    return (Object.keys(next) as (keyof GroupPanelProps)[]).some((k) => p[k] !== next[k]);
  }

  override componentDidMount(): void {
    const el = this.#area.current;
    if (el === null) return;
    this.#observer = new ResizeObserver(() => {
      this.props.onArea({ width: el.clientWidth, height: el.clientHeight });
    });
    this.#observer.observe(el);
  }

  override componentWillUnmount(): void {
    this.#observer?.disconnect();
  }

  override render(): ComponentChild {
    const p = this.props;
    return (
      <div class="group">
        <div
          class="images"
          ref={this.#area}
          style={{ gridTemplateColumns: `repeat(${p.placement?.layout.columns ?? 1}, auto)` }}
        >
          {p.group.images.map((_, i) => <Card key={`${p.group.group_id}:${i}`} {...p} index={i} />)}
        </div>
        <DecisionPanel
          group={p.group}
          crop={p.crop}
          problems={p.problems}
          region={p.region}
          thumbs={p.placement?.thumbs ?? null}
        />
      </div>
    );
  }
}

function Card(p: GroupPanelProps & { index: number }): ComponentChild {
  const { group, crop, index } = p;
  const im = group.images[index]!;
  const r = group.review;
  const isPick = index === group.ai.choice;
  const isFinal = r !== null && r.final_choice === index;
  const chosen = crop.on === index;
  const size = p.placement?.layout.images[index];
  const url = p.placement?.thumbs[index];
  const problem = p.problems?.[index];
  return (
    <figure
      class={`card${isPick ? " ai-pick" : ""}${isFinal ? " final" : ""}${chosen ? " chosen" : ""}`}
      data-index={index}
      onClick={() => p.onChoose(index)}
    >
      <div class="card-head">
        <span class="key-hint">{index + 1}</span>
        {chosen && !isPick && !isFinal && <span class="badge choosing">Chosen</span>}
        {isFinal && !isPick && <span class="badge chosen">Your pick</span>}
        {isPick && <span class="badge">AI pick · {pct(group.ai.confidence)}</span>}
      </div>
      <Frame
        size={size}
        box={chosen && crop.shown && problem === undefined ? crop.box : null}
        image={im}
      >
        {problem !== undefined
          ? (
            <div class="image-problem" data-testid="image-problem" role="alert">
              <b>Image {index + 1} cannot be shown</b>
              <span>{im.name}</span>
              <span>{problem}</span>
            </div>
          )
          : url !== undefined && (
            <img
              src={url}
              alt={im.name}
              draggable={false}
              onDblClick={() => p.onZoom(index)}
              onError={() => p.onImageError(group.group_id, index, url)}
              onLoad={(e) => p.onImageLoad(group.group_id, index, e.currentTarget)}
            />
          )}
        {p.region !== null && (p.region.a === index || p.region.b === index) &&
          problem === undefined && (
          <div
            class="change-mark"
            data-testid="change-region"
            data-box={JSON.stringify(p.region.box)}
            title="where these two stages differ most (D in compare view zooms there)"
            style={{
              left: `${p.region.box[0] * 100}%`,
              top: `${p.region.box[1] * 100}%`,
              width: `${(p.region.box[2] - p.region.box[0]) * 100}%`,
              height: `${(p.region.box[3] - p.region.box[1]) * 100}%`,
            }}
          />
        )}
        {chosen && crop.shown && problem === undefined && (
          <CropBox box={crop.box} locked={p.locked} onChange={p.onCrop} onDone={p.onCropDone} />
        )}
      </Frame>
      <figcaption>
        <span class="stage">stage {im.stage ?? "?"}</span>
        <span>{im.width}×{im.height}</span>
        <span>score {im.score.toFixed(2)}</span>
        {im.probability !== null && <span>p {pct(im.probability)}</span>}
        <span class="name" title={im.name}>{im.name}</span>
      </figcaption>
    </figure>
  );
}

/**
 * The image's frame, sized to the painted image, with a read-out of the
 * pointer's position (and the crop's corners) in the file's own pixels.
 */
function Frame(
  { size, box, image, children }: {
    size: Size | undefined;
    box: Box | null;
    image: GroupView["images"][number];
    children: ComponentChild;
  },
): ComponentChild {
  const readout = useRef<HTMLSpanElement>(null);
  const show = (e: PointerEvent) => {
    const el = readout.current;
    if (el === null) return;
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    const y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    const px = (v: number, n: number) => Math.round(v * n);
    let text = `x ${x.toFixed(3)} y ${y.toFixed(3)} · ${px(x, image.width)}, ${
      px(y, image.height)
    } px`;
    if (box !== null) {
      text += ` · crop ${px(box[0], image.width)},${px(box[1], image.height)} → ${
        px(box[2], image.width)
      },${px(box[3], image.height)} px`;
    }
    el.textContent = text;
    el.dataset.x = x.toFixed(4);
    el.dataset.y = y.toFixed(4);
  };
  const hide = () => {
    if (readout.current !== null) readout.current.textContent = "";
  };
  return (
    <div
      class="frame"
      style={size === undefined
        ? undefined
        : { width: `${size.width}px`, height: `${size.height}px` }}
      onPointerMove={show}
      onPointerLeave={hide}
    >
      {children}
      <span class="readout" data-testid="readout" ref={readout} />
    </div>
  );
}
