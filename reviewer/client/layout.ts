/**
 * Where a group's images go: one row or two, whichever shows them biggest
 * in the space the window leaves, each image's frame sized to its own aspect
 * ratio (so the painted image is the frame: the crop overlay placed in the
 * frame's percentages is exact), and the thumbnail width to ask for.
 *
 * @module
 */

/** Width and height in CSS pixels. */
export interface Size {
  width: number;
  height: number;
}

/** The arrangement {@linkcode layoutGroup} chose. */
export interface GroupLayout {
  columns: number;
  rows: number;
  /** Size of each image as painted, in CSS pixels (same order as the aspects). */
  images: Size[];
}

/** Options for {@linkcode layoutGroup}. */
export interface LayoutOptions {
  /** Gap between cards, px. */
  gap?: number;
  /** Card border and padding around the image, horizontally and vertically (head, caption). */
  chrome?: Size;
}

const layoutDefaults = { gap: 10, chrome: { width: 18, height: 72 } } satisfies Required<
  LayoutOptions
>;

/**
 * Arrange `aspects` (width / height of each image) in `area`.
 *
 * @param aspects Aspect ratio of each image (non-positive or NaN counts as square).
 * @param area The space for all cards.
 * @param options Gap and per-card chrome.
 * @returns Columns, rows and each image's painted size.
 * @example
 * ```ts
 * layoutGroup([2 / 3, 2 / 3], { width: 1600, height: 950 }); // one row, tall images
 * ```
 */
export function layoutGroup(
  aspects: number[],
  area: Size,
  options: LayoutOptions = {},
): GroupLayout {
  const opts = { ...layoutDefaults, ...options };
  const n = Math.max(1, aspects.length);
  const a = aspects.map((x) => (Number.isFinite(x) && x > 0 ? x : 1));
  let best: GroupLayout | null = null;
  let bestArea = -1;
  for (let rows = 1; rows <= Math.min(2, n); rows++) {
    const columns = Math.ceil(n / rows);
    const cellW = (area.width - opts.gap * (columns - 1)) / columns - opts.chrome.width;
    const cellH = (area.height - opts.gap * (rows - 1)) / rows - opts.chrome.height;
    if (cellW <= 0 || cellH <= 0) continue;
    const images = a.map((r) => {
      const width = Math.floor(Math.min(cellW, cellH * r));
      return { width, height: Math.floor(width / r) };
    });
    // Biggest total painted area wins; the smallest image breaks near-ties.
    const total = images.reduce((s, im) => s + im.width * im.height, 0);
    if (total > bestArea * 1.05) {
      best = { columns, rows, images };
      bestArea = total;
    }
  }
  return best ?? { columns: n, rows: 1, images: a.map(() => ({ width: 0, height: 0 })) };
}

/** Thumbnail widths (longest side, px) the server makes. */
export const THUMB_STEPS = [256, 384, 512, 768, 1024, 1536, 2048] as const;

/**
 * The thumbnail width to request for an image painted at `shown` CSS pixels
 * on a screen with `dpr` device pixels per CSS pixel: the smallest step at
 * least as large, or the step that already returns the original file.
 *
 * @param shown Painted size.
 * @param dpr `devicePixelRatio`.
 * @param original The file's own width and height (0 when unknown).
 * @returns One of {@linkcode THUMB_STEPS}.
 * @example
 * ```ts
 * thumbWidth({ width: 600, height: 900 }, 2, { width: 2000, height: 3000 }); // 2048
 * ```
 */
export function thumbWidth(shown: Size, dpr: number, original: Size): number {
  const need = Math.ceil(Math.max(shown.width, shown.height) * Math.max(1, dpr || 1));
  const side = Math.max(original.width, original.height);
  const target = side > 0 ? Math.min(need, side) : need;
  return THUMB_STEPS.find((s) => s >= target) ?? THUMB_STEPS[THUMB_STEPS.length - 1]!;
}

/**
 * The URL of an image's thumbnail at a width.
 *
 * @param groupId The group.
 * @param index The image's index in the group.
 * @param width Width to ask for (one of the server's steps).
 * @returns The URL.
 * @example
 * ```ts
 * thumbUrl("g_0123456789abcdef", 0, 1024); // "/api/thumb/g_0123456789abcdef/0?w=1024"
 * ```
 */
export function thumbUrl(groupId: string, index: number, width: number): string {
  return `/api/thumb/${groupId}/${index}?w=${width}`;
}

/**
 * The URL of an image file itself (compare mode's 1:1 view).
 *
 * @param groupId The group.
 * @param index The image's index in the group.
 * @returns The URL.
 * @example
 * ```ts
 * imageUrl("g_0123456789abcdef", 2); // "/api/image/g_0123456789abcdef/2"
 * ```
 */
export function imageUrl(groupId: string, index: number): string {
  return `/api/image/${groupId}/${index}`;
}
