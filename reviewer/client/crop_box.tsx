/**
 * The crop rectangle over the chosen image: dotted green, draggable, with
 * corner handles and a tag saying whether the aspect ratio is locked. It is
 * placed in percentages of its frame, which is exactly the painted image.
 *
 * @module
 */
import { useRef } from "preact/hooks";
import type { Box } from "./api.ts";

type Mode = "move" | "nw" | "ne" | "sw" | "se";

/** Props of {@linkcode CropBox}. */
export interface CropBoxProps {
  box: Box;
  locked: boolean;
  onChange: (box: Box) => void;
  /** Called once a drag ends (the box it ended at). */
  onDone?: (box: Box) => void;
}

const MIN = 0.05;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Apply a drag of (dx, dy) in normalised units to `start`. */
export function dragBox(start: Box, mode: Mode, dx: number, dy: number, locked: boolean): Box {
  const [x1, y1, x2, y2] = start;
  const w = x2 - x1;
  const h = y2 - y1;
  if (mode === "move") {
    const nx = clamp(x1 + dx, 0, 1 - w);
    const ny = clamp(y1 + dy, 0, 1 - h);
    return [nx, ny, nx + w, ny + h];
  }
  // Anchor the opposite corner; the dragged corner follows the pointer.
  const east = mode === "ne" || mode === "se";
  const south = mode === "sw" || mode === "se";
  const ax = east ? x1 : x2;
  const ay = south ? y1 : y2;
  let nw = clamp(w + (east ? dx : -dx), MIN, east ? 1 - ax : ax);
  let nh = clamp(h + (south ? dy : -dy), MIN, south ? 1 - ay : ay);
  if (locked) {
    const ratio = h / w;
    const maxW = east ? 1 - ax : ax;
    const maxH = south ? 1 - ay : ay;
    // Follow the axis that moved more, then fit inside the image.
    if (Math.abs(dx) >= Math.abs(dy)) nh = nw * ratio;
    else nw = nh / ratio;
    const s = Math.min(1, maxW / nw, maxH / nh);
    nw *= s;
    nh *= s;
  }
  const nx1 = east ? ax : ax - nw;
  const ny1 = south ? ay : ay - nh;
  return [nx1, ny1, nx1 + nw, ny1 + nh];
}

/** The crop overlay. */
export function CropBox({ box, locked, onChange, onDone }: CropBoxProps) {
  const drag = useRef<
    { mode: Mode; x: number; y: number; start: Box; w: number; h: number; last: Box } | null
  >(null);
  const down = (mode: Mode) => (e: PointerEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const frame = (e.currentTarget as HTMLElement).closest(".frame") as HTMLElement;
    const r = frame.getBoundingClientRect();
    drag.current = {
      mode,
      x: e.clientX,
      y: e.clientY,
      start: box,
      w: r.width,
      h: r.height,
      last: box,
    };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  };
  const move = (e: PointerEvent) => {
    const d = drag.current;
    if (d === null) return;
    const next = dragBox(d.start, d.mode, (e.clientX - d.x) / d.w, (e.clientY - d.y) / d.h, locked);
    d.last = next.map((v) => Math.round(v * 10000) / 10000) as Box;
    onChange(d.last);
  };
  const up = () => {
    const d = drag.current;
    drag.current = null;
    if (d !== null && d.last !== d.start) onDone?.(d.last);
  };
  const [x1, y1, x2, y2] = box;
  const handle = (mode: Mode) => (
    <div
      class={`crop-handle ${mode}`}
      data-handle={mode}
      onPointerDown={down(mode)}
      onPointerMove={move}
      onPointerUp={up}
    />
  );
  const pc = (v: number) => `${v * 100}%`;
  // Dim the parts outside the crop (four bands) so the kept framing stands out.
  const dims = [
    { left: "0", top: "0", width: "100%", height: pc(y1) },
    { left: "0", top: pc(y2), width: "100%", height: pc(1 - y2) },
    { left: "0", top: pc(y1), width: pc(x1), height: pc(y2 - y1) },
    { left: pc(x2), top: pc(y1), width: pc(1 - x2), height: pc(y2 - y1) },
  ];
  return (
    <>
      {dims.map((style, i) => <div key={i} class="crop-dim" style={style} />)}
      <div
        class="crop-box"
        data-testid="crop-box"
        data-box={JSON.stringify(box)}
        style={{
          left: pc(x1),
          top: pc(y1),
          width: pc(x2 - x1),
          height: pc(y2 - y1),
        }}
        onPointerDown={down("move")}
        onPointerMove={move}
        onPointerUp={up}
      >
        <span class={`crop-tag${locked ? " locked" : ""}`} data-testid="crop-lock">
          {locked ? "aspect locked" : "aspect free"} <kbd>L</kbd>
        </span>
        {handle("nw")}
        {handle("ne")}
        {handle("sw")}
        {handle("se")}
      </div>
    </>
  );
}
