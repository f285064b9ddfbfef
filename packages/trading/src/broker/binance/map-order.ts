/**
 * @module Between Tickline orders and Binance's: request parameters out, order answers in. Answers
 * are validated with zod before use (numbers arrive as decimal strings). Status names from the
 * spot API's enum definitions: NEW, PENDING_NEW, PARTIALLY_FILLED, FILLED, CANCELED,
 * PENDING_CANCEL, REJECTED, EXPIRED, EXPIRED_IN_MATCH.
 */
import { toCanonicalSymbol, toVenueSymbol } from '@tickline/market';
import { z } from 'zod';
import type { Order, OrderFill, OrderStatus, OrderType, PlaceOrderRequest } from '../order.ts';
import { type BinanceParams, toDecimalString } from './sign.ts';

const decimal = z.string().transform((text, ctx) => {
  const value = Number(text);
  if (!Number.isFinite(value)) {
    ctx.addIssue({ code: 'custom', message: `not a decimal: ${text}` });
    return z.NEVER;
  }
  return value;
});
const int = z.number().int();

/** A fill in a FULL order answer. */
const fullFillSchema = z.object({
  price: decimal,
  qty: decimal,
  commission: decimal,
  commissionAsset: z.string(),
  tradeId: int,
});

/** The fields every order answer shares (POST FULL, GET order, openOrders, DELETE). */
export const binanceOrderSchema = z.object({
  symbol: z.string(),
  orderId: int,
  clientOrderId: z.string(),
  origClientOrderId: z.string().optional(),
  price: decimal,
  origQty: decimal,
  executedQty: decimal,
  cummulativeQuoteQty: decimal,
  status: z.string(),
  timeInForce: z.string(),
  type: z.string(),
  side: z.enum(['BUY', 'SELL']),
  stopPrice: decimal.optional(),
  time: int.optional(),
  updateTime: int.optional(),
  transactTime: int.optional(),
  workingTime: int.optional(),
  fills: z.array(fullFillSchema).optional(),
});
export type BinanceOrder = z.output<typeof binanceOrderSchema>;

/** A row of `GET /api/v3/myTrades`. */
export const binanceTradeSchema = z.object({
  id: int,
  orderId: int,
  price: decimal,
  qty: decimal,
  commission: decimal,
  commissionAsset: z.string(),
  time: int,
});

export const binanceAccountSchema = z.object({
  balances: z.array(z.object({ asset: z.string(), free: decimal, locked: decimal })),
});

export const binanceTimeSchema = z.object({ serverTime: int });

/** `BTC-USDT` → `BTCUSDT`. */
export function venueSymbol(symbol: string): string {
  return toVenueSymbol('binance', symbol).toUpperCase();
}

const STATUS: Record<string, OrderStatus> = {
  NEW: 'new',
  PENDING_NEW: 'new',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'cancelled',
  PENDING_CANCEL: 'cancelled',
  EXPIRED: 'cancelled',
  EXPIRED_IN_MATCH: 'cancelled',
  REJECTED: 'rejected',
};

/** A Binance order status as Tickline's; an unknown one reads as working. */
export function binanceOrderStatus(status: string): OrderStatus {
  return STATUS[status] ?? 'new';
}

/** A Binance order type as Tickline's (order answers and stream reports share the names). */
export function orderType(type: string): OrderType {
  if (type === 'MARKET') return 'market';
  if (type === 'LIMIT' || type === 'LIMIT_MAKER') return 'limit';
  // STOP_LOSS(_LIMIT), TAKE_PROFIT(_LIMIT): placed outside Tickline; shown as stops so a kill switch still sees them.
  return 'stop';
}

/** The POST /api/v3/order parameters for a request (FULL answers carry the fills). */
export function placeParams(request: PlaceOrderRequest): BinanceParams {
  const common = {
    symbol: venueSymbol(request.symbol),
    side: request.side === 'buy' ? 'BUY' : 'SELL',
    quantity: toDecimalString(request.quantity),
    newClientOrderId: request.clientOrderId,
    newOrderRespType: 'FULL',
  };
  if (request.type === 'market') return { ...common, type: 'MARKET' };
  if (request.type === 'limit') {
    return {
      ...common,
      type: 'LIMIT',
      timeInForce: request.timeInForce.toUpperCase(),
      price: toDecimalString(request.price!),
    };
  }
  // A stop becomes a market order once the last price reaches stopPrice (STOP_LOSS on Binance).
  return { ...common, type: 'STOP_LOSS', stopPrice: toDecimalString(request.price!) };
}

/** A Binance order answer as a Tickline snapshot; `fills` replaces the answer's own when given. */
export function toOrder(
  answer: BinanceOrder,
  portfolioId: string,
  symbol: string | undefined,
  fills?: OrderFill[],
): Order {
  const type = orderType(answer.type);
  const price = type === 'stop' ? answer.stopPrice : type === 'limit' ? answer.price : undefined;
  const created = answer.time ?? answer.transactTime ?? answer.workingTime ?? 0;
  const updated = answer.updateTime ?? answer.transactTime ?? created;
  const ownFills: OrderFill[] = (answer.fills ?? []).map((f) => ({
    tradeId: String(f.tradeId),
    price: f.price,
    quantity: f.qty,
    fee: f.commission,
    feeAsset: f.commissionAsset,
    time: updated,
  }));
  return {
    portfolioId,
    // DELETE answers carry the cancel request's own id in clientOrderId; the order's is origClientOrderId.
    clientOrderId: answer.origClientOrderId ?? answer.clientOrderId,
    venueOrderId: String(answer.orderId),
    symbol: symbol ?? toCanonicalSymbol('binance', answer.symbol) ?? answer.symbol,
    side: answer.side === 'BUY' ? 'buy' : 'sell',
    type,
    quantity: answer.origQty,
    ...(price === undefined || price === 0 ? {} : { price }),
    timeInForce: answer.timeInForce === 'IOC' || answer.timeInForce === 'FOK' ? 'ioc' : 'gtc',
    status: binanceOrderStatus(answer.status),
    filledQuantity: answer.executedQty,
    filledQuote: answer.cummulativeQuoteQty,
    fills: fills ?? ownFills,
    ...(answer.status === 'REJECTED'
      ? { rejectReason: 'venue_error' as const, detail: 'rejected by the venue' }
      : {}),
    createdAt: created,
    updatedAt: updated,
  };
}

/** myTrades rows of one order as fills. */
export function toFills(rows: z.output<typeof binanceTradeSchema>[]): OrderFill[] {
  return rows.map((t) => ({
    tradeId: String(t.id),
    price: t.price,
    quantity: t.qty,
    fee: t.commission,
    feeAsset: t.commissionAsset,
    time: t.time,
  }));
}
