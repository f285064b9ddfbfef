/**
 * @module What the portfolio routes do across strategy processes (live runs and working paper
 * orders live where they started): an engaged kill switch applied by every process, with the
 * store as the backstop for one that does not answer, and a cancel handed to the order's holder.
 */
import type { RequestReply } from '@tickline/eventlog';
import type { Logger } from '@tickline/kernel';
import type { LiveRoutesOptions } from '../live-http/live-options.ts';
import { everyStrategyProcess } from '../live/live-admin-responder.ts';
import type { LiveRunner } from '../live/live-runner.ts';
import type { LiveStore } from '../live/live-store.ts';

export function everyProcessRoutes(deps: {
  rpc: RequestReply;
  runner: Pick<LiveRunner, 'killSwitch'>;
  store: Pick<LiveStore, 'pausePortfolio'>;
  logger: Logger;
}): Pick<LiveRoutesOptions, 'killSwitchEverywhere' | 'cancelElsewhere'> {
  const every = everyStrategyProcess(deps.rpc);
  return {
    async killSwitchEverywhere(portfolioId, actor, engagement) {
      let cancelled: number;
      try {
        cancelled = await every.killSwitch(portfolioId, actor, engagement);
      } catch (error) {
        deps.logger.warn({ err: error, portfolioId }, 'kill switch: the strategy processes did not answer');
        cancelled = (await deps.runner.killSwitch(portfolioId, actor, engagement)).length;
      }
      // Runs of a process that did not answer stop at its next sync.
      await deps.store.pausePortfolio(portfolioId, {
        code: 'kill_switch',
        reason: `kill switch: ${engagement.reason}`,
        at: engagement.at,
      });
      return cancelled;
    },
    cancelElsewhere: (ref, reason) => every.cancel(ref, reason),
  };
}
