/**
 * @module Live strategies as operators see them: every `strategy` process's runs (state, CPU time,
 * failures) and an admin pause, reached over request/reply — each strategy process answers the
 * service `strategy.live` (the contract is in @tickline/protocol), so the list covers every
 * process, not only this one. No strategy process answering is EVLOG_RPC_NO_RESPONDER (503, naming
 * the `strategy` role); a run no process holds is PLATFORM_NOT_FOUND.
 */
import type { RequestReply } from '@tickline/eventlog';
import {
  AdminLivePausedSchema,
  LIVE_ADMIN_SERVICE,
  StrategyProcessSchema,
  type AdminLivePaused,
  type LiveAdminRequest,
  type StrategyProcess,
} from '@tickline/protocol';
import type { z } from 'zod';
import { PlatformError } from '../errors.ts';

/** The role that owns live runs, named when none answers. */
const ROLE = 'strategy';

/** The port the operations API calls. */
export interface LiveStrategyOperations {
  /** Every strategy process that answered, by member name, with its runs. */
  processes(): Promise<StrategyProcess[]>;
  /** Pauses the run on whichever process holds it. */
  pause(runId: string, reason: string): Promise<AdminLivePaused>;
}

/** Options for {@link remoteLiveStrategies}. */
export interface RemoteLiveStrategiesOptions {
  /** @default the port's default (2 s) */
  timeoutMs?: number;
}

/** `LiveStrategyOperations` over every strategy process that answers on `rpc`. */
export function remoteLiveStrategies(
  rpc: RequestReply,
  options: RemoteLiveStrategiesOptions = {},
): LiveStrategyOperations {
  const timing = { role: ROLE, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
  // Answers cross a process boundary (and maybe a version): read them, do not trust them.
  const gather = async <T>(request: LiveAdminRequest, schema: z.ZodType<T>) =>
    (await rpc.gather(LIVE_ADMIN_SERVICE, request, timing)).map((answer) => schema.parse(answer));
  return {
    async processes() {
      const processes = await gather({ op: 'list' }, StrategyProcessSchema);
      return processes.sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
    },
    async pause(runId, reason) {
      const answers = await gather({ op: 'pause', id: runId, reason }, AdminLivePausedSchema.nullable());
      const paused = answers.find((a) => a !== null);
      if (!paused)
        throw new PlatformError('PLATFORM_NOT_FOUND', `no strategy process runs live strategy ${runId}`, {
          details: { runId },
        });
      return paused;
    },
  };
}
