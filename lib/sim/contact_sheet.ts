/**
 * A contact sheet of simulated groups: one row per group, stage variants left
 * to right, the creator's pick framed in green with their crop in yellow, and
 * injected defects outlined in red.
 *
 * @module
 */
import { encodeRaw, type RawImage, readRaw } from "../image/mod.ts";
import { blank, blit, drawRect, fillRect } from "./_pixels.ts";
import type { GroundTruthRecord } from "./types.ts";

/** Options for {@linkcode renderContactSheet}. */
export interface ContactSheetOptions {
  /** Rows (groups) on the sheet. */
  rows?: number;
  /** Thumbnail height in pixels. */
  height?: number;
}

const defaults = { rows: 7, height: 200 } satisfies Required<ContactSheetOptions>;

function pickGroups(records: GroundTruthRecord[], rows: number): GroundTruthRecord[] {
  // A mix a reader should see: plain picks, defect anomalies, a taste flip, a no-crop, 4 stages.
  const wanted: ((r: GroundTruthRecord) => boolean)[] = [
    (r) => r.outcome === "highest" && r.members.length === 3 && r.needs_crop,
    (r) => r.outcome === "defect" && r.defect_kinds.includes("face_mismatch"),
    (r) => r.outcome === "defect" && !r.defect_kinds.includes("face_mismatch"),
    (r) => r.members.length === 4,
    (r) => r.outcome === "taste" || !r.needs_crop,
    (r) => r.outcome === "defect",
    (r) => r.outcome === "highest" && r.members[0]!.width !== r.members[0]!.height,
  ];
  const out: GroundTruthRecord[] = [];
  const fresh = (r: GroundTruthRecord): boolean =>
    !out.includes(r) && !out.some((o) => o.character === r.character && o.project === r.project);
  for (const test of wanted) {
    const hit = records.find((r) => test(r) && fresh(r)) ??
      records.find((r) => test(r) && !out.includes(r));
    if (hit) out.push(hit);
    if (out.length >= rows) break;
  }
  for (const r of records) {
    if (out.length >= rows) break;
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

/**
 * Render a contact sheet from a simulation folder's ground truth.
 *
 * @param simDir A `simulate()` output folder.
 * @param options Rows and thumbnail height.
 * @returns PNG bytes.
 * @example
 * ```ts
 * await Deno.writeFile("docs/contact_sheet.png", await renderContactSheet("/tmp/sim"));
 * ```
 */
export async function renderContactSheet(
  simDir: string,
  options: ContactSheetOptions = {},
): Promise<Uint8Array> {
  const opts = { ...defaults, ...options };
  const text = await Deno.readTextFile(`${simDir}/ground_truth.jsonl`);
  const records = text.split("\n").filter((l) => l.trim()).map((l) =>
    JSON.parse(l) as GroundTruthRecord
  );
  const chosen = pickGroups(records, opts.rows);
  const gap = 10, th = opts.height;
  const rows: RawImage[] = [];
  for (const r of chosen) {
    const thumbs: RawImage[] = [];
    for (const [i, m] of r.members.entries()) {
      const tw = Math.round((th * m.width) / m.height);
      const img = await readRaw(`${simDir}/${m.path}`, {
        channels: 3,
        resize: { width: tw, height: th },
      });
      for (const d of m.defects) {
        drawRect(img, [d.box[0] * tw, d.box[1] * th, d.box[2] * tw - 1, d.box[3] * th - 1], [
          230,
          30,
          30,
        ], 2);
      }
      if (i === r.chosen_index) {
        if (r.crop_box) {
          const b = r.crop_box;
          drawRect(img, [b[0] * tw, b[1] * th, b[2] * tw - 1, b[3] * th - 1], [255, 220, 0], 3);
        }
        const framed = blank(tw + 8, th + 8);
        fillRect(framed, [0, 0, tw + 8, th + 8], [40, 200, 70]);
        blit(framed, img, 4, 4);
        thumbs.push(framed);
      } else {
        const padded = blank(tw + 8, th + 8);
        fillRect(padded, [0, 0, tw + 8, th + 8], [24, 24, 24]);
        blit(padded, img, 4, 4);
        thumbs.push(padded);
      }
    }
    const width = thumbs.reduce((s, t) => s + t.width + gap, gap);
    const row = blank(width, th + 8 + gap);
    fillRect(row, [0, 0, width, th + 8 + gap], [24, 24, 24]);
    let x = gap;
    for (const t of thumbs) {
      blit(row, t, x, gap / 2);
      x += t.width + gap;
    }
    rows.push(row);
  }
  const width = Math.max(...rows.map((r) => r.width));
  const sheet = blank(width, rows.reduce((s, r) => s + r.height, 0));
  fillRect(sheet, [0, 0, sheet.width, sheet.height], [24, 24, 24]);
  let y = 0;
  for (const r of rows) {
    blit(sheet, r, 0, y);
    y += r.height;
  }
  return await encodeRaw(sheet, { compressionLevel: 9 });
}
