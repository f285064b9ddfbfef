/**
 * @module The SQL dispatcher: a service that claims due rows of the SQL queue — retries, digests
 * of held rows, resends, replays, test sends and deliveries given back by the gate — and feeds
 * them to the delivery engine. It claims only what the gate has room for, and never rows of a
 * tenant or target that is busy here, so a slow receiver's backlog waits in SQL rather than in
 * memory. A claimed row is leased (`leaseMs`): if the process dies mid-send the lease expires and
 * the row is sent again with the same notification id (at-least-once; receivers dedupe). Each
 * outcome is written on its own as its attempt ends; no claim waits for a slow send.
 */
import {
  ServiceStatus,
  type Clock,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe } from '../channels/channel.ts';
import { claimDue, releaseHeld } from '../queue/delivery-sql.ts';
import type { DeliveryEngine } from './engine.ts';

export interface DispatcherOptions {
  sql: Sql;
  clock: Clock;
  engine: DeliveryEngine;
  pollIntervalMs: number;
  /** Rows claimed per query at most. */
  batchSize: number;
  leaseMs: number;
}

export interface Dispatcher extends Service {
  /** Look for due work now (new deliveries were queued in SQL). */
  wake(): void;
  /** Resolves when a claim found nothing due and nothing is left to write. */
  idle(): Promise<void>;
  stats(): { delivered: number; failed: number; retried: number; givenBack: number };
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { sql, clock, engine } = options;
  const abort = new AbortController();
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let loop: Promise<void> | undefined;
  let logger: Logger | undefined;
  let lastError: unknown;
  let state: 'created' | 'running' | 'stopped' = 'created';
  const idleWaiters: Array<() => void> = [];
  let lastRelease = Number.NEGATIVE_INFINITY;

  /** Claims what the gate has room for and submits it; returns how many rows it claimed. */
  async function round(): Promise<number> {
    const now = clock.now();
    // Held rows are due at most once per poll interval.
    if (performance.now() - lastRelease >= options.pollIntervalMs) {
      lastRelease = performance.now();
      await releaseHeld(sql, now);
    }
    const room = Math.min(options.batchSize, engine.gate.spare());
    if (room <= 0) return 0;
    const claimed = await claimDue(sql, now, now + options.leaseMs, room, engine.gate.busy());
    for (const d of claimed) engine.submit({ ...d, stored: true });
    return claimed.length;
  }

  async function waitForWork(): Promise<void> {
    if (woken) {
      woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        abort.signal.removeEventListener('abort', done);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
      abort.signal.addEventListener('abort', done, { once: true });
    });
    woken = false;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const n = await round();
        lastError = undefined;
        failures = 0;
        if (n > 0 && engine.gate.spare() > 0) continue;
        if (n === 0 && idleWaiters.length > 0) {
          await engine.recorder.drained();
          if (engine.gate.stats().inFlight + engine.gate.stats().queued === 0)
            for (const resolve of idleWaiters.splice(0)) resolve();
        }
      } catch (error) {
        if (abort.signal.aborted) break;
        lastError = error;
        logger?.warn({ err: error }, 'dispatch claim failed; retrying after a pause');
        await sleep(Math.min(5_000, 100 * 2 ** failures++), undefined, { signal: abort.signal }).catch(
          () => {},
        );
        continue;
      }
      // A full gate: wait for a slot (or the poll), then claim again.
      if (engine.gate.spare() <= 0) await Promise.race([engine.gate.whenSpare(), waitForWork()]);
      else await waitForWork();
    }
  }

  const wake = (): void => {
    woken = true;
    wakeUp?.();
  };
  engine.onQueuedInSql(wake);

  return {
    name: 'notify-dispatcher',
    wake,
    idle() {
      if (state !== 'running') return Promise.resolve();
      wake();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stats: () => engine.stats(),
    async start(context: ServiceContext) {
      logger = context.logger.child({ component: 'notify-dispatcher' });
      state = 'running';
      loop = run().catch((error: unknown) => context.fail(error));
    },
    async stop() {
      abort.abort();
      wakeUp?.();
      await loop;
      // Attempts in flight end within their deadline; their outcomes are written before we stop.
      await engine.gate.drained();
      await engine.recorder.drained();
      state = 'stopped';
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
    health(): ServiceHealth {
      const info = { ...engine.stats(), ...engine.gate.stats() };
      if (state === 'created') return { status: ServiceStatus.Starting };
      if (state === 'stopped') return { status: ServiceStatus.Stopped };
      if (lastError)
        return { status: ServiceStatus.Degraded, detail: `dispatch failing: ${describe(lastError)}`, info };
      return { status: ServiceStatus.Up, info };
    },
  };
}
