/**
 * A small progress bar for long tasks: rate and ETA, drawn on stderr only
 * when stderr is a terminal (CI logs stay clean).
 *
 * @module
 */

/** Options for {@linkcode Progress}. */
export interface ProgressOptions {
  /** Label printed before the bar. */
  label?: string;
  /** Force drawing on/off; default: only when stderr is a TTY. */
  enabled?: boolean;
  /** Minimum milliseconds between redraws. */
  intervalMs?: number;
}

const defaults = {
  label: "",
  enabled: false,
  intervalMs: 100,
} satisfies Required<ProgressOptions>;

/**
 * Progress bar with rate and ETA.
 *
 * @example
 * ```ts
 * const bar = new Progress(100, { label: "embed" });
 * bar.tick(10);
 * bar.done();
 * ```
 */
export class Progress {
  readonly total: number;
  #done = 0;
  #start = performance.now();
  #last = 0;
  #opts: Required<ProgressOptions>;
  #extra = "";

  /** @param total Number of units of work. @param options Label and drawing policy. */
  constructor(total: number, options: ProgressOptions = {}) {
    this.total = total;
    const enabled = options.enabled ?? Deno.stderr.isTerminal();
    this.#opts = { ...defaults, ...options, enabled };
  }

  /** Units completed so far. */
  get count(): number {
    return this.#done;
  }

  /** Record `n` more units done; `extra` is shown after the bar (e.g. loss). */
  tick(n = 1, extra?: string): void {
    this.#done += n;
    if (extra !== undefined) this.#extra = extra;
    const now = performance.now();
    if (this.#opts.enabled && now - this.#last >= this.#opts.intervalMs) {
      this.#last = now;
      this.#draw(now);
    }
  }

  /** Finish the bar with a final line. */
  done(): void {
    if (!this.#opts.enabled) return;
    this.#draw(performance.now());
    Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }

  #draw(now: number): void {
    const seconds = (now - this.#start) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const frac = this.total > 0 ? Math.min(1, this.#done / this.total) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const eta = rate > 0 ? (this.total - this.#done) / rate : 0;
    const line = `\r${this.#opts.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ` +
      `${this.#done}/${this.total} ${rate.toFixed(1)}/s ETA ${eta.toFixed(0)}s ${this.#extra}`;
    Deno.stderr.writeSync(new TextEncoder().encode(line.padEnd(100)));
  }
}
