/** @module Counters of a bot run: per-second progress lines and the final summary. */

/** Nearest-rank percentile of unsorted samples; NaN when empty. */
function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Counts {
  moves: number;
  hacks: number;
  acks: number;
  rejects: number;
  honestRejects: number;
  latencies: number[];
  rtts: number[];
}

const empty = (): Counts => ({
  moves: 0,
  hacks: 0,
  acks: 0,
  rejects: 0,
  honestRejects: 0,
  latencies: [],
  rtts: [],
});

/** The summary printed at the end (and as JSON with `--json`). */
export interface BotSummary {
  bots: number;
  connected: number;
  failedToConnect: number;
  droppedForGood: number;
  resumed: number;
  durationS: number;
  movesSent: number;
  hacksSent: number;
  acks: number;
  rejects: number;
  /** Honest moves the server rejected. */
  honestRejects: number;
  /** Speed hacks the server accepted (should be 0). */
  hacksAccepted: number;
  rejectsByReason: Record<string, number>;
  latencyP50Ms: number;
  latencyP99Ms: number;
  rttP50Ms: number;
  rttP99Ms: number;
  errors: string[];
}

/** Collects what the bots report. */
export class BotStats {
  connected = 0;
  failedToConnect = 0;
  droppedForGood = 0;
  resumed = 0;
  hacksAccepted = 0;
  readonly rejectsByReason: Record<string, number> = {};
  readonly errors = new Map<string, number>();
  #window = empty();
  #total = empty();

  move(hack: boolean): void {
    this.#window.moves++;
    if (hack) this.#window.hacks++;
  }
  ack(latencyMs: number | undefined): void {
    this.#window.acks++;
    if (latencyMs !== undefined) this.#window.latencies.push(latencyMs);
  }
  reject(reason: string, honest: boolean): void {
    this.#window.rejects++;
    if (honest) this.#window.honestRejects++;
    this.rejectsByReason[reason] = (this.rejectsByReason[reason] ?? 0) + 1;
  }
  rtt(ms: number): void {
    this.#window.rtts.push(ms);
  }
  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Closes the current window into the totals and returns its progress line. */
  tick(elapsedS: number, windowS: number): string {
    const w = this.#window;
    this.#window = empty();
    const t = this.#total;
    t.moves += w.moves;
    t.hacks += w.hacks;
    t.acks += w.acks;
    t.rejects += w.rejects;
    t.honestRejects += w.honestRejects;
    for (const v of w.latencies) t.latencies.push(v);
    for (const v of w.rtts) t.rtts.push(v);
    const rate = (n: number) => Math.round(n / windowS);
    const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(1));
    return (
      `${elapsedS.toFixed(0).padStart(4)}s  connected ${this.connected}  moves/s ${rate(w.moves)}  ` +
      `acks/s ${rate(w.acks)}  rejects/s ${rate(w.rejects)} (honest ${w.honestRejects})  ` +
      `rtt p50/p99 ${ms(percentile(w.rtts, 50))}/${ms(percentile(w.rtts, 99))} ms  ` +
      `move→ack p50/p99 ${ms(percentile(w.latencies, 50))}/${ms(percentile(w.latencies, 99))} ms`
    );
  }

  /** Forgets the totals (the connect phase), keeping connection counts. */
  resetTotals(): void {
    this.#total = empty();
    this.hacksAccepted = 0;
    for (const key of Object.keys(this.rejectsByReason)) delete this.rejectsByReason[key];
  }

  summary(bots: number, durationS: number): BotSummary {
    const t = this.#total;
    return {
      bots,
      connected: this.connected,
      failedToConnect: this.failedToConnect,
      droppedForGood: this.droppedForGood,
      resumed: this.resumed,
      durationS,
      movesSent: t.moves,
      hacksSent: t.hacks,
      acks: t.acks,
      rejects: t.rejects,
      honestRejects: t.honestRejects,
      hacksAccepted: this.hacksAccepted,
      rejectsByReason: { ...this.rejectsByReason },
      latencyP50Ms: percentile(t.latencies, 50),
      latencyP99Ms: percentile(t.latencies, 99),
      rttP50Ms: percentile(t.rtts, 50),
      rttP99Ms: percentile(t.rtts, 99),
      errors: [...this.errors].map(([code, n]) => `${code} ×${n}`),
    };
  }
}

/** Why a run failed, or an empty list. */
export function botFailures(s: BotSummary, maxRejectRatio: number): string[] {
  const failures: string[] = [];
  if (s.failedToConnect > 0) failures.push(`${s.failedToConnect} bot(s) could not connect`);
  if (s.droppedForGood > 0) failures.push(`${s.droppedForGood} bot(s) were disconnected for good`);
  if (s.hacksAccepted > 0) failures.push(`${s.hacksAccepted} speed hack(s) were accepted`);
  const honest = s.movesSent - s.hacksSent;
  if (honest > 0 && s.honestRejects / honest > maxRejectRatio)
    failures.push(`${s.honestRejects} of ${honest} honest moves were rejected`);
  if (s.movesSent > 0 && s.acks === 0) failures.push('no move was acknowledged');
  return failures;
}
