/** @module How the live-strategies page words a run: its state, why it paused, its last signal. */
import type { LiveRun, LiveSignal } from '@tickline/client';
import { FEED_PROBLEM_WORDS } from '@tickline/protocol';
import { formatPrice } from '../markets/market-format.ts';
import { formatQuantity } from '../portfolio/portfolio-format.ts';

/** Pause codes a person reads as a sentence; failures keep their error code. */
const PAUSE_CODES: Record<string, string> = {
  user: 'Paused by you',
  kill_switch: 'Paused by the kill switch',
  admin: 'Paused by an administrator',
};

export function pauseText(run: LiveRun): string | undefined {
  if (run.pause === undefined) return undefined;
  const who = PAUSE_CODES[run.pause.code];
  // The runner's reason names the switch too ("kill switch: <the engager's reason>").
  const reason =
    run.pause.code === 'kill_switch' ? run.pause.reason.replace(/^kill switch: /, '') : run.pause.reason;
  // A run paused for CPU says when it comes back by itself.
  const back =
    run.pause.resumesAt === undefined ? '' : `; resumes by itself at ${timeText(run.pause.resumesAt)}`;
  if (!who) return `${reason} (${run.pause.code})${back}`;
  // The default reasons only say who again ("paused by the owner"): the sentence says it once.
  return reason === '' || /^paused by /i.test(reason) ? who : `${who}: ${reason}`;
}

/** The data-health interlock holding the run's entries, in a sentence; undefined while healthy. */
export function dataHealthText(run: Pick<LiveRun, 'dataHealth'>): string | undefined {
  if (run.dataHealth === undefined) return undefined;
  const feeds = run.dataHealth.feeds.map(
    (f) =>
      `${f.symbol} ${f.interval} ${f.problem === undefined ? 'is unhealthy' : FEED_PROBLEM_WORDS[f.problem]}` +
      (f.detail === undefined ? '' : ` (${f.detail})`) +
      (f.since === undefined ? '' : ` since ${timeText(f.since)}`),
  );
  return `Market data unhealthy: ${feeds.join('; ')}. New entries are held; exits go on.`;
}

export function signalText(signal: LiveSignal): string {
  const price = signal.price === undefined ? '' : ` @ ${formatPrice(signal.price)}`;
  return `${signal.side} ${formatQuantity(signal.quantity)} ${signal.symbol} ${signal.type}${price}`;
}

/** What the run holds, e.g. `0.5 BTC-USDT, -2 ETH-USDT` (short below zero), or `flat`. */
export function positionText(run: Pick<LiveRun, 'positions'>): string {
  const held = run.positions ?? [];
  return held.length === 0 ? 'flat' : held.map((p) => `${formatQuantity(p.quantity)} ${p.symbol}`).join(', ');
}

export function timeText(ms: number | undefined): string {
  return ms === undefined ? '—' : new Date(ms).toLocaleTimeString();
}
