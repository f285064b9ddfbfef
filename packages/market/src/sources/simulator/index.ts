/** @module The simulator source. */
export { SimulatorSource, DEFAULT_SIMULATOR_TICK_MS } from './source.ts';
export type { SimulatorHistory } from './source.ts';
export { simulatedHistory } from './history.ts';
export type { SimulatedHistoryOptions } from './history.ts';
export { SeededRandom } from './prng.ts';
export { tradeTape } from './tape.ts';
export { resolveTapeConfig, DEFAULT_SIMULATED_SYMBOLS } from './config.ts';
export type { SimulatorOptions, SimulatedSymbol, TapeConfig, ResolvedSymbol } from './config.ts';
