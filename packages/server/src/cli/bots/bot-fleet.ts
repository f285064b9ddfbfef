/**
 * @module Runs `tickline bots`: starts the bots a few at a time, moves each at the configured rate
 * (spread evenly over the second), prints a progress line every second and returns the summary.
 */
import type { CliIo } from '../io.ts';
import { Bot } from './bot.ts';
import type { BotRunOptions } from './bot-options.ts';
import { BotStats, type BotSummary } from './bot-stats.ts';

const PROGRESS_INTERVAL_MS = 1000;
const DRIVER_PERIOD_MS = 10;

/** Runs the fleet for the configured duration (or until interrupted). */
export async function runBotFleet(io: CliIo, o: BotRunOptions): Promise<BotSummary> {
  const stats = new BotStats();
  const runId = Date.now().toString(36);
  const bots: Bot[] = [];
  const started = performance.now();
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

  // Moves are spread evenly: every DRIVER_PERIOD_MS the bots whose turn has come send one.
  const perMs = o.rateHz / 1000;
  let moved = 0;
  let cursor = 0;
  let driveFrom = performance.now();
  const driver = setInterval(() => {
    if (bots.length === 0) return;
    const due = Math.floor((performance.now() - driveFrom) * perMs * bots.length);
    for (; moved < due; moved++) {
      bots[cursor % bots.length]!.move(Math.random() < o.hackRatio);
      cursor++;
    }
  }, DRIVER_PERIOD_MS);

  try {
    await Promise.all(Array.from({ length: Math.min(o.count, o.connectConcurrency) }, starter));
    io.err(
      `${stats.connected} of ${o.count} bots connected in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // The duration counts from the moment every bot is in.
    driveFrom = performance.now();
    moved = 0;
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
