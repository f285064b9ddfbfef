/**
 * @module Consumers give way to a late event loop. A consumer catching up a backlog handles a
 * batch on every turn of the loop, at the same priority as a game's tick or an HTTP request. On a
 * starved machine (two cores, `stress-ng --cpu 4` beside) the embedded server's ten consumers,
 * four of them thousands of records behind after a dependency outage, took the turns: the game
 * zones ran 7–24 ticks in 5 s instead of 100, and players saw seconds with no move acknowledged.
 * A runner that finds the loop late after a batch now pauses before the next one, for as long as
 * the loop was late (bounded), so the loop's own timers and sockets are served first. It always
 * goes on after the pause: a backlog drains slower on a starved machine, never stops.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How often the probe looks at the loop. */
const PROBE_MS = 20;
/** A loop this late is busy: a consumer gives way. Below it, consumers run as before. */
export const LATE_LOOP_MS = 40;
/** Longest pause per batch, so a consumer on a loop late for good still drains its backlog. */
export const MAX_YIELD_MS = 100;

let lateMs = 0;
let probe: NodeJS.Timeout | undefined;
let users = 0;

function startProbe(): void {
  let expected = performance.now() + PROBE_MS;
  probe = setInterval(() => {
    const now = performance.now();
    lateMs = Math.max(0, now - expected);
    expected = now + PROBE_MS;
  }, PROBE_MS).unref();
}

/** Starts the probe for one more user; the returned function stops it with the last user. */
export function watchLoop(): () => void {
  if (users++ === 0) startProbe();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0) {
      clearInterval(probe);
      probe = undefined;
      lateMs = 0;
    }
  };
}

/** How late the loop's last probe ran (ms). */
export function loopLateMs(): number {
  return lateMs;
}

/** The pause a consumer takes before its next batch: 0 unless the loop is late. */
export function yieldMs(late = lateMs): number {
  return late < LATE_LOOP_MS ? 0 : Math.min(late, MAX_YIELD_MS);
}

/** Pauses when the loop is late; resolves at once otherwise (and when `signal` aborts). */
export async function giveWayToLateLoop(signal: AbortSignal): Promise<void> {
  const ms = yieldMs();
  if (ms === 0 || signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
