/**
 * @module Where corporate actions come from besides an import: the configured Alpaca source's
 * account (`GET /v1/corporate-actions`) for US shares. KIS's Open API has no documented
 * corporate-action endpoint in this build, so KRX actions are imported (docs/market-data.md).
 */
import type { CorporateActionInput } from '../corporate-actions/actions-store.ts';
import { parseEquitySymbol } from '../normalize/equity-symbols.ts';
import { fetchAlpacaCorporateActions } from '../sources/alpaca/corporate-actions.ts';
import { parseSourceConfig } from '../sources/registry.ts';
import type { MarketSettings } from '../config.ts';

/** A provider of corporate actions. */
export interface CorporateActionProvider {
  /** `alpaca`: what the stored actions' `source` says. */
  readonly name: string;
  /** Whether it has actions for `symbol`. */
  covers(symbol: string): boolean;
  /** The actions with an ex date in `[start, end]` (`YYYY-MM-DD`). */
  fetch(symbol: string, range: { start: string; end: string }): Promise<CorporateActionInput[]>;
}

/** The provider of the first configured Alpaca source, or undefined. */
export function corporateActionProvider(sources: MarketSettings['sources']): CorporateActionProvider | undefined {
  const entry = sources.find((s) => s.kind === 'alpaca');
  const alpaca = entry === undefined ? undefined : parseSourceConfig(entry);
  if (alpaca?.kind !== 'alpaca') return undefined;
  const options = {
    keyId: alpaca.keyId,
    secretKey: alpaca.secretKey,
    ...(alpaca.restUrl === undefined ? {} : { restUrl: alpaca.restUrl }),
  };
  return {
    name: 'alpaca',
    covers: (symbol) => parseEquitySymbol(symbol)?.exchange === 'US',
    fetch: (symbol, range) => fetchAlpacaCorporateActions(options, symbol, range),
  };
}
