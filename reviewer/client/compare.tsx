/**
 * Compare like a culler: every image of the group side by side at one shared
 * zoom and position (wheel, + / −, drag to pan, 0 resets), or one image at a
 * time flipped in place (1-4) at that same zoom and position; D jumps to the
 * region where the stages differ most.
 *
 * @module
 */
import type { ComponentChild } from "preact";
import { useRef } from "preact/hooks";
import type { Box, GroupView } from "./api.ts";
import { imageUrl, layoutGroup } from "./layout.ts";

/** The shared view: zoom (1 = whole image) and the normalised point at the centre. */
export interface CompareView {
  mode: "side" | "flip";
  /** The image shown in flip mode. */
  index: number;
  zoom: number;
  cx: number;
  cy: number;
}

/** Zoom limits. */
export const ZOOM_MIN = 1;
export const ZOOM_MAX = 16;

/** Keep the centre where the view still covers the image. */
export function clampView(v: CompareView): CompareView {
  const zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, v.zoom));
  const half = 0.5 / zoom;
  const c = (x: number) => Math.min(1 - half, Math.max(half, x));
  return { ...v, zoom, cx: c(v.cx), cy: c(v.cy) };
}

/** The view that fills the panes with `box` (the loupe's region). */
export function viewOf(box: Box, v: CompareView): CompareView {
  const side = Math.max(box[2] - box[0], box[3] - box[1], 1 / ZOOM_MAX);
  return clampView({
    ...v,
    zoom: 1 / side,
    cx: (box[0] + box[2]) / 2,
    cy: (box[1] + box[3]) / 2,
  });
}

/** Props of {@linkcode Compare}. */
export interface CompareProps {
  group: GroupView;
  view: CompareView;
  region: Box | null;
  onView: (v: CompareView) => void;
}

/** The compare overlay. */
export function Compare({ group, view, region, onView }: CompareProps): ComponentChild {
  const drag = useRef<{ x: number; y: number; start: CompareView; w: number; h: number } | null>(
    null,
  );
  const shown = view.mode === "side" ? group.images : [group.images[view.index]!];
  const area = { width: globalThis.innerWidth - 60, height: globalThis.innerHeight - 110 };
  const layout = layoutGroup(shown.map((im) => im.width / im.height), area, {
    chrome: { width: 4, height: 28 },
  });
  const transform = `translate(50%, 50%) scale(${view.zoom}) translate(${-view.cx * 100}%, ${
    -view.cy * 100
  }%)`;
  const down = (e: PointerEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    drag.current = { x: e.clientX, y: e.clientY, start: view, w: r.width, h: r.height };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const move = (e: PointerEvent) => {
    const d = drag.current;
    if (d === null) return;
    onView(clampView({
      ...d.start,
      cx: d.start.cx - (e.clientX - d.x) / (d.w * d.start.zoom),
      cy: d.start.cy - (e.clientY - d.y) / (d.h * d.start.zoom),
    }));
  };
  const up = () => {
    drag.current = null;
  };
  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    onView(clampView({ ...view, zoom: view.zoom * (e.deltaY < 0 ? 1.25 : 0.8) }));
  };
  return (
    <div class="modal compare" data-testid="compare" data-mode={view.mode}>
      <div class="compare-title">
        {view.mode === "side"
          ? "Side by side, one zoom and position "
          : `Image ${view.index + 1} (stage ${
            group.images[view.index]?.stage ?? "?"
          }), flip with 1-${group.images.length} `}
        · zoom {view.zoom.toFixed(1)}× · <kbd>1-4</kbd> flip <kbd>V</kbd> side by side{" "}
        <kbd>+</kbd>/<kbd>−</kbd> or wheel zoom · drag to pan <kbd>0</kbd> reset{" "}
        {region !== null && (
          <>
            <kbd>D</kbd> go to the change
          </>
        )} <kbd>Esc</kbd> close
      </div>
      <div
        class="compare-panes"
        style={{ gridTemplateColumns: `repeat(${layout.columns}, auto)` }}
      >
        {shown.map((im, k) => {
          const size = layout.images[k]!;
          return (
            <figure key={im.index} class="pane" data-index={im.index}>
              <div
                class="pane-view"
                style={{ width: `${size.width}px`, height: `${size.height}px` }}
                onPointerDown={down}
                onPointerMove={move}
                onPointerUp={up}
                onWheel={wheel}
              >
                <img
                  src={imageUrl(group.group_id, im.index)}
                  alt={im.name}
                  draggable={false}
                  data-testid="compare-img"
                  data-zoom={view.zoom.toFixed(4)}
                  data-cx={view.cx.toFixed(4)}
                  data-cy={view.cy.toFixed(4)}
                  style={{ transform }}
                />
                {region !== null && (
                  <div
                    class="change-region"
                    style={{
                      transform,
                      left: 0,
                      top: 0,
                    }}
                  >
                    <div
                      class="change-box"
                      style={{
                        left: `${region[0] * 100}%`,
                        top: `${region[1] * 100}%`,
                        width: `${(region[2] - region[0]) * 100}%`,
                        height: `${(region[3] - region[1]) * 100}%`,
                      }}
                    />
                  </div>
                )}
              </div>
              <figcaption>
                {im.index + 1} · stage {im.stage ?? "?"}
                {im.index === group.ai.choice ? " · AI pick" : ""}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </div>
  );
}
