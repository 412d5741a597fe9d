/**
 * What earlier runs did, read from their journals: groups already applied
 * (and not rolled back) and runs left interrupted.
 *
 * @module
 */
import { join } from "node:path";
import { RUN_ID_PATTERN } from "./_guard.ts";
import { readJournal } from "./_journal.ts";

/** Runs found in a journal folder. */
export interface Ledger {
  /** group id → run id, for committed runs that were not rolled back. */
  applied: Map<string, string>;
  /** Runs with a begin but no commit / rollback end. */
  interrupted: string[];
  /** Every run id with a journal. */
  runs: string[];
  /** Journal files whose name is not a valid run id (never opened). */
  invalid: string[];
}

/** Scan `journalDir` (missing folder = no runs). */
export function readLedger(journalDir: string): Ledger {
  const ledger: Ledger = { applied: new Map(), interrupted: [], runs: [], invalid: [] };
  let names: string[];
  try {
    names = [...Deno.readDirSync(journalDir)].filter((e) => e.isFile && e.name.endsWith(".jsonl"))
      .map((e) => e.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return ledger;
    throw error;
  }
  for (const name of names) {
    const runId = name.slice(0, -".jsonl".length);
    if (!RUN_ID_PATTERN.test(runId) || runId.includes("..")) {
      ledger.invalid.push(name);
      continue;
    }
    const state = readJournal(join(journalDir, name));
    if (state === null || state.begin === null) continue;
    ledger.runs.push(runId);
    if (state.rolledBack) continue;
    if (!state.committed || state.rollbackBegun) {
      ledger.interrupted.push(runId);
      continue;
    }
    for (const g of state.begin.groups) ledger.applied.set(g, runId);
  }
  return ledger;
}
