/**
 * @module The kill switch's halt service over the live routes' parts: the engagement (stored and
 * audited), its application in every process, the closing orders and the proof — one wiring for
 * the kill-switch routes (halt-routes.ts) and chat control's /killswitch.
 */
import { createHaltService, type HaltService } from '../halt/halt-service.ts';
import type { HaltStore } from '../halt/halt-store.ts';
import type { LiveRoutesOptions } from './live-options.ts';

export function haltServiceFor(
  o: Pick<LiveRoutesOptions, 'risk' | 'killSwitchEverywhere' | 'runner' | 'desk' | 'books' | 'journal' | 'lotRules'>,
  store: HaltStore,
  now: () => number,
  onCloseError?: (portfolioId: string, symbol: string, error: unknown) => void,
): HaltService {
  return createHaltService({
    risk: o.risk,
    apply: async (portfolioId, actor, engagement) =>
      o.killSwitchEverywhere
        ? o.killSwitchEverywhere(portfolioId, actor, engagement)
        : (await o.runner.killSwitch(portfolioId, actor, engagement)).length,
    desk: o.desk,
    positions: (portfolioId) => o.books.positions(portfolioId),
    ...(o.lotRules === undefined ? {} : { lotOf: o.lotRules }),
    journal: o.journal,
    store,
    now,
    ...(onCloseError === undefined ? {} : { onCloseError }),
  });
}
