/** @module The configured market sources, built through the market package's source registry. */
import type { Registry } from '@tickline/kernel';
import type { CollectorSource } from '../collector/collector.ts';
import { createSource, parseSourceConfig, sourceSubscription } from '../sources/registry.ts';
import type { MarketSettings } from '../config.ts';

/** The collector's sources, and every symbol they name (accepted besides `market.symbols`). */
export interface ConfiguredSources {
  sources: CollectorSource[];
  symbols: Set<string>;
}

/**
 * Validates each entry against its kind's full schema (throws KERNEL_CONFIG_INVALID naming the
 * field) and builds it. CSV sources and a full-speed simulator are replays: no age bounds, candles
 * on data time, pulled as the log drains.
 */
export function createConfiguredSources(
  market: Pick<MarketSettings, 'sources' | 'symbols'>,
  metrics: Registry,
): ConfiguredSources {
  const symbols = new Set<string>(market.symbols);
  const sources = market.sources.map((entry): CollectorSource => {
    const config = parseSourceConfig(entry);
    const subscription = sourceSubscription(config);
    for (const symbol of subscription.symbols) symbols.add(symbol);
    return {
      source: createSource(config, { metrics }),
      symbols: subscription.symbols,
      kinds: subscription.kinds,
      // A CSV replay, or the simulator at full speed (its time runs ahead of the clock).
      replay: config.kind === 'csv' || (config.kind === 'simulator' && config.mode === 'max'),
    };
  });
  return { sources, symbols };
}

/**
 * What the deployment collects: `market.symbols` and every symbol a configured source names (a
 * `kis` source's `005930.KS`), as the routes know them before any trade. An entry that does not
 * parse is left out here: the collector's role refuses it at start with the field named.
 */
export function collectedSymbols(market: Pick<MarketSettings, 'sources' | 'symbols'>): string[] {
  const symbols = new Set<string>(market.symbols);
  for (const entry of market.sources) {
    let named: readonly string[];
    try {
      named = sourceSubscription(parseSourceConfig(entry)).symbols;
    } catch {
      continue;
    }
    for (const symbol of named) symbols.add(symbol);
  }
  return [...symbols];
}
