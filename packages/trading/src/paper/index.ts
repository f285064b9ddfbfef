/** @module The paper venue: fills from the backtest's fill model. */
export { createPaperBroker, PAPER_VENUE } from './paper-broker.ts';
export { coreFillModel } from './core-fill-model.ts';
export type { CreatePaperBrokerOptions } from './paper-broker.ts';
export type { FillSettings } from './core-fill-model.ts';
