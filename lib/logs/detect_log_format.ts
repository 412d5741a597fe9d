/**
 * Recognise a log by its header.
 *
 * @module
 */

/** The log formats keeper reads. */
export type LogFormat = "selection_log" | "anomaly_export" | "crop_log" | "kept_log" | "unknown";

/**
 * The format of a CSV log from its header columns.
 *
 * @param header Column names.
 * @returns The format, or "unknown".
 * @example
 * ```ts
 * detectLogFormat(["session_id", "set_id", "chosen_path", "neg_paths", "timestamp"]); // "selection_log"
 * ```
 */
export function detectLogFormat(header: readonly string[]): LogFormat {
  const has = (c: string): boolean => header.includes(c);
  if (!has("chosen_path")) return "unknown";
  if (has("crop_x1") && has("image_0_path")) return "crop_log";
  if (has("neg_paths")) return "selection_log";
  if (has("rejected_paths")) return "anomaly_export";
  if (has("session_id") && has("timestamp") && !has("crop_x1")) return "kept_log";
  return "unknown";
}
