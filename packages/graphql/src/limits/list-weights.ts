/**
 * @module What a list field weighs in the cost model. A field costs 1, but a backtest's `logs`,
 * `equity` and `drawdown` answer thousands of values: counted as 1 each, 30 aliases of a result
 * in each of 10 batched operations passed the cost limit and answered 163 MB. Here each such field
 * says how many items it answers at most (its children are counted that many times), or, for a
 * list of numbers or a JSON value, how many ordinary fields it is as large as.
 */
import { Kind, type FieldNode } from 'graphql';

/** Values of a list of numbers that weigh as much as one ordinary field (an object field's answer). */
export const VALUES_PER_COST = 10;

/** A list's size: fixed, or read from an argument (a variable counts as the argument's maximum). */
export interface ListSize {
  /** Items answered when the argument is absent (or the only size, without `argument`). */
  readonly items: number;
  readonly argument?: string;
  /** The most the argument accepts (resolvers clamp to it). */
  readonly max?: number;
  /**
   * Rows of numbers (a candle, an indicator or equity point): their fields are counted once per
   * {@link VALUES_PER_COST} rows, as a list of numbers is.
   */
  readonly numeric?: true;
}

/**
 * Object lists by `Type.field`: each child field is counted once per item. Lists of a few items
 * (positions, fills, a portfolio's runs) count as one. Sizes are the defaults of the settings that
 * bound them (a deployment raising those bounds answers more per item, which
 * the response byte cap still bounds).
 */
export const OBJECT_LIST_SIZES: Readonly<Record<string, ListSize>> = {
  // strategy.output.maxLogLines's default, plus the line saying how many were not kept.
  'BacktestResult.logs': { items: 1_001 },
  // The live runner keeps the last 200 log lines and 20 signals of a run.
  'LiveRun.logs': { items: 200 },
  'LiveRun.lastSignals': { items: 20 },
  'Portfolio.equityHistory': { items: 200, argument: 'limit', max: 1_000, numeric: true },
  // Versions are a few small values each (their source is not in the schema).
  'Strategy.versions': { items: 20, numeric: true },
  'Market.candles': { items: 500, argument: 'limit', max: 5_000, numeric: true },
  // An indicator's points follow its `limit` as candles do; its other fields are counted with them.
  'Market.indicator': { items: 500, argument: 'limit', max: 5_000, numeric: true },
};

/**
 * Leaf fields (lists of numbers, JSON) by `Type.field`: the ordinary fields each is as large as.
 * The equity curve and its drawdown are about 2,000 [time, value] pairs each.
 */
export const LEAF_WEIGHTS: Readonly<Record<string, number>> = {
  'BacktestResult.equity': (2_000 * 2) / VALUES_PER_COST,
  'BacktestResult.drawdown': (2_000 * 2) / VALUES_PER_COST,
  // A day, a week and a month of returns over a run of up to a few years.
  'BacktestMetrics.periodReturns': 200,
  // Metrics, trades and an equity curve per kind of research (docs/research.md).
  'ResearchRun.report': 1_000,
};

/** How many times `field`'s children are counted, or undefined when it is not a listed object list. */
export function objectListItems(typeName: string | undefined, field: FieldNode): number | undefined {
  if (typeName === undefined) return undefined;
  const size = OBJECT_LIST_SIZES[`${typeName}.${field.name.value}`];
  if (size === undefined) return undefined;
  const items = itemsOf(size, field);
  return size.numeric ? Math.ceil(items / VALUES_PER_COST) : items;
}

function itemsOf(size: ListSize, field: FieldNode): number {
  if (size.argument === undefined) return size.items;
  const argument = field.arguments?.find((a) => a.name.value === size.argument);
  if (argument === undefined) return size.items;
  const max = size.max ?? size.items;
  // A variable's value is not known here: it is counted as the most the argument takes.
  if (argument.value.kind !== Kind.INT) return max;
  return Math.max(1, Math.min(Number(argument.value.value), max));
}

/** What a leaf field costs on its own (1 unless listed). */
export function leafWeight(typeName: string | undefined, field: FieldNode): number {
  return (typeName !== undefined && LEAF_WEIGHTS[`${typeName}.${field.name.value}`]) || 1;
}
