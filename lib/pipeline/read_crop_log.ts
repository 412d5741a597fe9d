/**
 * Read one crop CSV with a project map into crop labels (for the
 * pixel-free evaluation; the full ingest lives in lib/logs).
 *
 * @module
 */
import type { CropLabel, Rejection } from "../types.ts";
import { parseCropLog } from "../logs/mod.ts";
import {
  buildProjectIndex,
  loadProjectMap,
  parseProjectManifest,
  ProjectResolver,
} from "../paths/mod.ts";

/**
 * Parse a crop log, resolving projects with a project map.
 *
 * @param csv Crop log path (e.g. `data/original/training/select_crop_log.csv`).
 * @param projectMapFile Project map JSON (e.g. `data/original/project_map.json`).
 * @returns Labels and rejected rows.
 * @example
 * ```ts
 * const { labels } = await readCropLog("select_crop_log.csv", "project_map.json");
 * ```
 */
export async function readCropLog(
  csv: string,
  projectMapFile: string,
): Promise<{ labels: CropLabel[]; rejections: Rejection[] }> {
  const map = await loadProjectMap(projectMapFile);
  const ids = [...new Set(map.rules.map((r) => r.project))];
  const resolver = new ProjectResolver({
    index: buildProjectIndex(ids.map((id) => parseProjectManifest({ projectId: id })), {
      aliases: map.aliases ?? {},
    }),
    map,
  });
  const parsed = await parseCropLog(csv, { resolver });
  return { labels: parsed.labels, rejections: parsed.rejections };
}
