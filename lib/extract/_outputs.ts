/**
 * Outputs of lib/extract: resume state (append-only JSONL), the two logs in
 * the original CSV formats, side files and the report.
 *
 * @module
 */
import { basename, parseFilenameTimestamp, stemOf } from "../paths/mod.ts";
import type { CropMatch } from "./find_crop_box.ts";
import type { ExtractedGroup, ExtractReport } from "./types.ts";

/** Header of `selection_only_log.csv` (original format). */
export const SELECTION_HEADER = "session_id,set_id,chosen_path,neg_paths,timestamp";
/** Header of `select_crop_log.csv` (original 19-column format, pixel boxes). */
export const CROP_HEADER =
  "session_id,set_id,directory,image_count,chosen_index,chosen_path,crop_x1,crop_y1,crop_x2,crop_y2,timestamp,image_0_path,image_0_stage,width_0,height_0,image_1_path,image_1_stage,width_1,height_1";

/** One CSV field, quoted when needed (RFC 4180). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A content match as kept in the state file. */
export interface MatchState {
  final: string;
  raw: string | null;
  match: CropMatch | null;
  reason: string | null;
}

/** Resume state: previous results by key, and an appender for new ones. */
export interface ExtractState {
  previous: Map<string, { group?: ExtractedGroup } & Partial<MatchState>>;
  append(line: Record<string, unknown>): Promise<void>;
  close(): void;
}

/**
 * Open `<out>/extract_state.jsonl`: earlier results are reused when the
 * fingerprint (raw and final listings) is unchanged; otherwise it starts over.
 */
export async function openState(outDir: string, fingerprint: string): Promise<ExtractState> {
  await Deno.mkdir(outDir, { recursive: true });
  const path = `${outDir}/extract_state.jsonl`;
  const previous: ExtractState["previous"] = new Map();
  let keep = false;
  try {
    const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim() !== "");
    const head = lines[0] === undefined ? null : JSON.parse(lines[0]);
    if (head?.fingerprint === fingerprint) {
      keep = true;
      for (const l of lines.slice(1)) {
        try {
          const o = JSON.parse(l);
          if (typeof o.key === "string") previous.set(o.key, o);
        } catch {
          // A line cut short by an interrupted run: that item is simply redone.
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const file = await Deno.open(path, { write: true, create: true, append: keep, truncate: !keep });
  const enc = new TextEncoder();
  if (!keep) await file.write(enc.encode(JSON.stringify({ fingerprint }) + "\n"));
  return {
    previous,
    async append(line) {
      const bytes = enc.encode(JSON.stringify(line) + "\n");
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
    },
    close() {
      file.close();
    },
  };
}

function iso(member: string): string {
  const ms = parseFilenameTimestamp(basename(member));
  return new Date(ms ?? 0).toISOString();
}

function stageName(member: string): string {
  return /^\d{8}_\d{6}_(.+)$/.exec(stemOf(member))?.[1] ?? "";
}

function pixel(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/**
 * Write the logs, side files and report for all groups.
 *
 * @returns Output file paths by kind.
 */
export async function writeOutputs(
  outDir: string,
  data: { report: ExtractReport; groups: ExtractedGroup[]; sessionId: string },
): Promise<Record<string, string>> {
  const { report, groups, sessionId } = data;
  const logPath = (g: ExtractedGroup, member: string): string =>
    `PROJECT_ROOT/${report.project}/${g.character === null ? "" : `${g.character}/`}${
      basename(member)
    }`;
  const selection = [SELECTION_HEADER];
  const crop = [CROP_HEADER];
  const rejected: string[] = [];
  const ambiguous: string[] = [];
  for (const g of groups) {
    if (g.status === "all_rejected") {
      rejected.push(
        JSON.stringify({ group_id: g.group_id, project: report.project, members: g.members }),
      );
      continue;
    }
    if (g.status === "ambiguous") {
      ambiguous.push(
        JSON.stringify({ group_id: g.group_id, reason: g.reason, members: g.members }),
      );
      continue;
    }
    const chosen = g.members[g.chosen_index!]!;
    const neg = g.members.filter((_, i) => i !== g.chosen_index).map((m) => logPath(g, m));
    selection.push(
      [sessionId, g.group_id, logPath(g, chosen), JSON.stringify(neg), iso(chosen)].map(csvField)
        .join(","),
    );
    const c = g.crop;
    const size = g.sizes[g.chosen_index!];
    if (c === null || c.box === null || size == null) continue;
    if (c.status !== "recovered" && c.status !== "full_frame") continue;
    const path = logPath(g, chosen);
    crop.push(
      [
        sessionId,
        g.group_id,
        `${report.project}${g.character === null ? "" : `/${g.character}`}`,
        "1",
        "0",
        path,
        ...c.box.map(pixel),
        iso(chosen),
        path,
        stageName(chosen),
        String(size.width),
        String(size.height),
        "",
        "",
        "",
        "",
      ].map(csvField).join(","),
    );
  }
  const files = {
    selection_log: `${outDir}/selection_only_log.csv`,
    crop_log: `${outDir}/select_crop_log.csv`,
    all_rejected: `${outDir}/all_rejected.jsonl`,
    ambiguous: `${outDir}/ambiguous.jsonl`,
    groups: `${outDir}/extracted_groups.jsonl`,
    manifest: `${outDir}/${report.project}.project.json`,
    report: `${outDir}/extract_report.json`,
  };
  const jsonl = (lines: string[]): string => lines.length === 0 ? "" : lines.join("\n") + "\n";
  await Deno.writeTextFile(files.selection_log, selection.join("\n") + "\n");
  await Deno.writeTextFile(files.crop_log, crop.join("\n") + "\n");
  await Deno.writeTextFile(files.all_rejected, jsonl(rejected));
  await Deno.writeTextFile(files.ambiguous, jsonl(ambiguous));
  await Deno.writeTextFile(files.groups, jsonl(groups.map((g) => JSON.stringify(g))));
  // A manifest beside the logs lets ingest resolve `PROJECT_ROOT/<project>/…` paths.
  await Deno.writeTextFile(
    files.manifest,
    JSON.stringify(
      {
        schemaVersion: 1,
        projectId: report.project,
        paths: { root: `PROJECT_ROOT/${report.project}` },
      },
      null,
      2,
    ) + "\n",
  );
  report.outputs = files;
  await Deno.writeTextFile(files.report, JSON.stringify(report, null, 2) + "\n");
  return files;
}
