/**
 * @module The operators' side of a strategy process: it answers the request/reply service
 * `strategy.live` (every strategy process serves it) with the runs it holds — state, CPU time,
 * failures — and pauses a run it holds when asked. The operations API gathers the answers of
 * every process (platform's live-strategy operations), the way game processes answer for zones.
 *
 * The same service carries what one strategy process asks of all of them for a portfolio, since
 * its live runs and its working paper orders are held where they started: an engaged kill switch
 * (each pauses its runs of the portfolio and cancels the working orders it holds) and a cancel
 * (the process holding the order cancels it; the others answer null).
 */
import type { RequestReply, Responder } from '@tickline/eventlog';
import { ServiceStatus, TicklineError, type Service } from '@tickline/kernel';
import {
  LIVE_ADMIN_SERVICE,
  LiveAdminRequestSchema,
  type AdminLivePaused,
  type AdminLiveRun,
  type LiveAdminRequest,
  type StrategyProcess,
} from '@tickline/protocol';
import { isBrokerOrderNotFoundError } from '../broker/errors.ts';
import type { OrderDeskPort } from '../broker/order-desk.ts';
import type { Order } from '../broker/order.ts';
import { LiveErrorCodes } from './errors.ts';
import type { LiveRunner, LiveRunStatus } from './live-runner.ts';

// STRATEGY_LIVE_ADMIN_MALFORMED is thrown here; naming the catalogue registers it.
void LiveErrorCodes;

/** The pause code of an operator's pause (the dashboard words it "Paused by an administrator"). */
export const ADMIN_PAUSE_CODE = 'admin';

/** Options for {@link createLiveAdminResponder}. */
export interface LiveAdminResponderOptions {
  rpc: RequestReply;
  runner: Pick<LiveRunner, 'list' | 'status' | 'pause' | 'killSwitch'>;
  desk: Pick<OrderDeskPort, 'cancel'>;
  /** This runner's member name (membership.ts). */
  member: string;
}

/** A run's status as the operators' contract has it (no signals or logs: those are the owner's). */
export function adminRun(status: LiveRunStatus): AdminLiveRun {
  return {
    id: status.id,
    strategyId: status.strategyId,
    ...(status.strategyName === undefined ? {} : { strategyName: status.strategyName }),
    version: status.version,
    userId: status.userId,
    portfolioId: status.portfolioId,
    state: status.state,
    ...(status.pause === undefined ? {} : { pause: status.pause }),
    candles: status.candles,
    signals: status.signals,
    ...(status.lastCandleTime === undefined ? {} : { lastCandleTime: status.lastCandleTime }),
    cpuMs: status.cpuMs,
    errors: status.errors,
    ...(status.lastError === undefined ? {} : { lastError: status.lastError }),
  };
}

function parse(body: unknown): LiveAdminRequest {
  const parsed = LiveAdminRequestSchema.safeParse(body);
  if (!parsed.success)
    throw new TicklineError('STRATEGY_LIVE_ADMIN_MALFORMED', 'malformed live strategy operations request', {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    });
  return parsed.data;
}

/** A process's answer to an engaged kill switch: the working orders it cancelled. */
export interface KillSwitchApplied {
  member: string;
  cancelled: number;
}

/**
 * Asks every strategy process (this one included) to apply an engaged kill switch and to cancel
 * an order, over {@link LIVE_ADMIN_SERVICE}. A process that does not answer in time still refuses
 * the portfolio's orders (every order check reads the stored switch) and stops its runs at its next
 * sync (the store marks them paused, see live-composition.ts).
 */
export function everyStrategyProcess(rpc: RequestReply) {
  // Every process answers at once and cancels at its venue (Binance: over the network), so a
  // second without a further answer means all that can answer have; a dead one is not waited for.
  const options = { timeoutMs: 10_000, stallMs: 1_000, role: 'strategy' } as const;
  return {
    async killSwitch(
      portfolioId: string,
      actor: 'user' | 'admin',
      engagement: { by: string; at: number; reason: string },
    ): Promise<number> {
      const answers = (await rpc.gather(
        LIVE_ADMIN_SERVICE,
        { op: 'kill-switch', portfolioId, actor, engagement } satisfies LiveAdminRequest,
        options,
      )) as Array<KillSwitchApplied | null>;
      return answers.reduce((sum, a) => sum + (a?.cancelled ?? 0), 0);
    },
    async cancel(
      ref: { portfolioId: string; clientOrderId: string; symbol: string },
      reason: string,
    ): Promise<Order | undefined> {
      // One process holds the order: its answer ends the wait (the others answer null).
      const answers = (await rpc.gather(
        LIVE_ADMIN_SERVICE,
        { op: 'cancel', ...ref, reason } satisfies LiveAdminRequest,
        { ...options, until: (answer) => answer !== null },
      )) as Array<Order | null>;
      return answers.find((a): a is Order => a !== null);
    },
  };
}

export type EveryStrategyProcess = ReturnType<typeof everyStrategyProcess>;

/** Serves `strategy.live` while started. */
export function createLiveAdminResponder(options: LiveAdminResponderOptions): Service {
  const { rpc, runner, desk, member } = options;
  let responder: Responder | undefined;
  const handle = async (
    body: unknown,
  ): Promise<StrategyProcess | AdminLivePaused | KillSwitchApplied | Order | null> => {
    const request = parse(body);
    switch (request.op) {
      case 'list': {
        const cpu = process.cpuUsage();
        return {
          member,
          pid: process.pid,
          cpuMs: (cpu.user + cpu.system) / 1_000,
          runs: runner.list().map(adminRun),
        };
      }
      case 'pause': {
        // Every process is asked; the one holding the run pauses it, the others answer null.
        if (runner.status(request.id) === undefined) return null;
        const status = runner.pause(request.id, ADMIN_PAUSE_CODE, request.reason);
        return status === undefined ? null : { member, run: adminRun(status) };
      }
      case 'kill-switch': {
        const cancelled = await runner.killSwitch(request.portfolioId, request.actor, request.engagement);
        return { member, cancelled: cancelled.length };
      }
      case 'cancel': {
        const { reason, ...ref } = request;
        try {
          return await desk.cancel(ref, reason);
        } catch (error) {
          // Held by another process (or by none): that one answers.
          if (isBrokerOrderNotFoundError(error)) return null;
          throw error;
        }
      }
    }
  };
  return {
    name: 'strategy-live-admin',
    async start() {
      responder = await rpc.serve(LIVE_ADMIN_SERVICE, handle);
    },
    async stop() {
      await responder?.close();
      responder = undefined;
    },
    health: () => ({ status: ServiceStatus.Up, info: { service: LIVE_ADMIN_SERVICE, member } }),
  };
}
