/**
 * @module The operators' side of a strategy process: it answers the request/reply service
 * `strategy.live` (every strategy process serves it) with the runs it holds — state, CPU time,
 * failures — and pauses a run it holds when asked. The operations API gathers the answers of
 * every process (platform's live-strategy operations), the way game processes answer for zones.
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
import { LiveErrorCodes } from './errors.ts';
import type { LiveRunner, LiveRunStatus } from './live-runner.ts';

// STRATEGY_LIVE_ADMIN_MALFORMED is thrown here; naming the catalogue registers it.
void LiveErrorCodes;

/** The pause code of an operator's pause (the dashboard words it "Paused by an administrator"). */
export const ADMIN_PAUSE_CODE = 'admin';

/** Options for {@link createLiveAdminResponder}. */
export interface LiveAdminResponderOptions {
  rpc: RequestReply;
  runner: Pick<LiveRunner, 'list' | 'status' | 'pause'>;
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

/** Serves `strategy.live` while started. */
export function createLiveAdminResponder(options: LiveAdminResponderOptions): Service {
  const { rpc, runner, member } = options;
  let responder: Responder | undefined;
  const handle = (body: unknown): StrategyProcess | AdminLivePaused | null => {
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
