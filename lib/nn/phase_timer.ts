/**
 * Wall and CPU seconds per named phase of a training run (graph runs, loss,
 * optimiser, batch assembly, validation). CPU seconds are the process's
 * user + system time, all threads included: on a shared machine they say
 * what the work cost, wall seconds say how long it waited for cores too.
 *
 * @module
 */
import process from "node:process";

/** Totals of one phase. */
export interface PhaseTotals {
  /** Wall-clock seconds. */
  wall_s: number;
  /** Process CPU seconds (all threads). */
  cpu_s: number;
  /** Number of timed calls. */
  calls: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Accumulates wall and CPU time per phase. Phases must not nest.
 *
 * @example
 * ```ts
 * declare const session: { run(feeds: unknown): Promise<unknown> }, feeds: unknown;
 * const timer = new PhaseTimer();
 * await timer.time("forward", () => session.run(feeds));
 * timer.totals(); // { forward: { wall_s, cpu_s, calls } }
 * ```
 */
export class PhaseTimer {
  #phases = new Map<string, PhaseTotals>();

  /**
   * Time one async call under `name`.
   *
   * @param name Phase name.
   * @param f The work.
   * @returns What `f` returned.
   */
  async time<T>(name: string, f: () => Promise<T>): Promise<T> {
    const w = performance.now(), c = cpuSeconds();
    try {
      return await f();
    } finally {
      this.#add(name, performance.now() - w, cpuSeconds() - c);
    }
  }

  /**
   * Time one synchronous call under `name`.
   *
   * @param name Phase name.
   * @param f The work.
   * @returns What `f` returned.
   */
  timeSync<T>(name: string, f: () => T): T {
    const w = performance.now(), c = cpuSeconds();
    try {
      return f();
    } finally {
      this.#add(name, performance.now() - w, cpuSeconds() - c);
    }
  }

  #add(name: string, wallMs: number, cpu: number): void {
    const p = this.#phases.get(name) ?? { wall_s: 0, cpu_s: 0, calls: 0 };
    p.wall_s += wallMs / 1000;
    p.cpu_s += cpu;
    p.calls++;
    this.#phases.set(name, p);
  }

  /** Totals per phase, in first-use order. */
  totals(): Record<string, PhaseTotals> {
    return Object.fromEntries([...this.#phases].map(([k, v]) => [k, { ...v }]));
  }
}

/**
 * Process CPU seconds so far (user + system, all threads).
 *
 * @returns Seconds since the process started.
 * @example
 * ```ts
 * declare function work(): Promise<void>;
 * const c0 = processCpuSeconds();
 * await work();
 * const cpu = processCpuSeconds() - c0;
 * ```
 */
export function processCpuSeconds(): number {
  return cpuSeconds();
}
