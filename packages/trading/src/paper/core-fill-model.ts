/**
 * @module The paper broker's fill model: the backtest engine's own functions (core
 * `crossingPrice`, `slipped`) and fee rates, bound to one set of engine settings. Nothing is
 * re-implemented here, so a paper fill is the fill the backtest would have made on the same bar.
 */
import { crossingPrice, type EngineSettings, type Order as CoreOrder, slipped } from '@tickline/strategy';
import type { PaperFillModel } from '../broker/paper/paper-ports.ts';

/** The settings the fill model reads. */
export type FillSettings = Pick<EngineSettings, 'makerFee' | 'takerFee' | 'slippage'>;

/** A {@link PaperFillModel} on the core fill model with these fees and slippage. */
export function coreFillModel(settings: FillSettings): PaperFillModel {
  const { makerFee, takerFee, slippage } = settings;
  return {
    crossingPrice(order, open, high, low) {
      // The core reads side, type and price only; the rest of its order shape is irrelevant here.
      const core: CoreOrder = {
        id: 0,
        symbol: '',
        side: order.side,
        type: order.type,
        qty: 0,
        percent: 0,
        price: order.price,
        reason: '',
        createdAt: 0,
      };
      return crossingPrice(core, open, high, low);
    },
    slipped: (side, price, high, low) => slipped(side, price, high, low, slippage),
    fee: (type, notional) => notional * (type === 'limit' ? makerFee : takerFee),
  };
}
