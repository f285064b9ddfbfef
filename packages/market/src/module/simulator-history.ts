/**
 * @module The simulators' recorded past, written on start where the collector runs: a fresh
 * install's charts, backtests and research have an hour of candles at once instead of waiting for
 * the live feed to close them (`historyMinutes` of a simulator source). It starts before the
 * collector, so the past is stored before the first live candle; a market the store has seen
 * before (a restart) gets none, so recorded candles and the gap a stop left stay as they were.
 */
import { ServiceStatus, type Service, type ServiceHealth } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { CollectorSource } from '../collector/collector.ts';
import type { CandleInterval } from '../port/market-message.ts';
import { SimulatorSource } from '../sources/simulator/source.ts';
import { writePastCandles } from '../storage/past-candle-writes.ts';

/** What {@link createSimulatorHistory} is built from. */
export interface SimulatorHistoryOptions {
  sql: Sql;
  sources: readonly CollectorSource[];
  /** The intervals the collector aggregates (`market.candles.intervals`). */
  intervals: readonly CandleInterval[];
}

/** The service writing the past of every configured simulator; undefined when there is none. */
export function createSimulatorHistory(options: SimulatorHistoryOptions): Service | undefined {
  const simulators = options.sources.filter(
    (s): s is CollectorSource & { source: SimulatorSource } =>
      s.source instanceof SimulatorSource && s.source.historyMs > 0,
  );
  if (simulators.length === 0) return undefined;
  let written: Record<string, number> = {};
  let status: ServiceStatus = ServiceStatus.Stopped;
  return {
    name: 'market-simulator-history',
    async start(context) {
      status = ServiceStatus.Starting;
      for (const { source, symbols } of simulators) {
        const result = await writePastCandles(
          options.sql,
          source.exchange,
          symbols,
          (fresh) => source.history(options.intervals, fresh).candles,
        );
        // Their first live candles follow the stored ones: no gap to mark.
        source.markStoredPast(result.symbols);
        written = { ...written, [source.name]: result.candles };
        if (result.candles > 0)
          context.logger.info({ source: source.name, ...result }, 'simulated history written');
      }
      status = ServiceStatus.Up;
    },
    async stop() {
      status = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status, info: { candles: written } };
    },
  };
}
