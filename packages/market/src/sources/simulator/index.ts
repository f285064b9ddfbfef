/** @module The simulator source. */
export { SimulatorSource, DEFAULT_SIMULATOR_TICK_MS } from './source.ts';
export { SeededRandom } from './prng.ts';
export { tradeTape } from './tape.ts';
export { resolveTapeConfig, DEFAULT_SIMULATED_SYMBOLS } from './config.ts';
export type { SimulatorOptions, SimulatedSymbol, TapeConfig, ResolvedSymbol } from './config.ts';
