/**
 * @module Runs `tickline bots`: starts the bots a few at a time, moves each at the configured rate
 * (spread evenly over the second), prints a progress line every second and returns the summary.
 */
import { Bot, BotStats, type BotRunOptions, type BotSummary } from '@tickline/client/bots';
import type { CliIo } from '../io.ts';

const PROGRESS_INTERVAL_MS = 1000;
const DRIVER_PERIOD_MS = 10;
const MAX_BACKLOG_MS = 100;

/** Runs the fleet for the configured duration (or until interrupted). */
export async function runBotFleet(io: CliIo, o: BotRunOptions): Promise<BotSummary> {
  const stats = new BotStats();
  const runId = Date.now().toString(36);
  const bots: Bot[] = [];
  const started = performance.now();
  let driveFrom = started;
  let lastProgress = started;
  const progress = setInterval(() => {
    const now = performance.now();
    io.err(`${stats.tick((now - started) / 1000, (now - lastProgress) / 1000)}\n`);
    lastProgress = now;
  }, PROGRESS_INTERVAL_MS);

  let next = 0;
  const starter = async () => {
    while (next < o.count && !io.interrupted?.aborted) {
      const index = next++;
      try {
        bots.push(await Bot.start(index, runId, o, stats));
        stats.connected++;
      } catch (error) {
        stats.failedToConnect++;
        stats.error((error as { code?: string }).code ?? (error as Error).message);
      }
    }
  };

  // Moves are spread evenly: each DRIVER_PERIOD_MS the bots whose turn has come send one. A late
  // timer sends at most MAX_BACKLOG_MS of moves at once: a burst would trip the rate limit.
  const perMs = o.rateHz / 1000;
  let owed = 0;
  let cursor = 0;
  let lastDrive = performance.now();
  const driver = setInterval(() => {
    const now = performance.now();
    const elapsed = Math.min(now - lastDrive, MAX_BACKLOG_MS);
    lastDrive = now;
    if (bots.length === 0) return;
    owed += elapsed * perMs * bots.length;
    for (; owed >= 1; owed--) {
      bots[cursor % bots.length]!.move(Math.random() < o.hackRatio);
      cursor++;
    }
  }, DRIVER_PERIOD_MS);

  try {
    await Promise.all(Array.from({ length: Math.min(o.count, o.connectConcurrency) }, starter));
    io.err(
      `${stats.connected} of ${o.count} bots connected in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // The duration and the summary count from the moment every bot is in.
    driveFrom = performance.now();
    io.err(`${stats.tick((driveFrom - started) / 1000, (driveFrom - lastProgress) / 1000)}\n`);
    lastProgress = driveFrom;
    stats.resetTotals();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.durationMs);
      io.interrupted?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    clearInterval(driver);
    clearInterval(progress);
  }
  const durationS = (performance.now() - driveFrom) / 1000;
  stats.tick((performance.now() - started) / 1000, (performance.now() - lastProgress) / 1000);
  for (const bot of bots) bot.close();
  return stats.summary(o.count, durationS);
}
