/**
 * @module Order tables: working orders with a cancel button, and the history with what filled, at
 * what average price and fee, who placed it (you or a strategy), and why a refused one was refused.
 */
import type { Order } from '@tickline/client';
import type { ReactNode } from 'react';
import { Empty } from '../../components/states.tsx';
import { formatPrice } from '../markets/market-format.ts';
import { formatQuantity, formatUsd, orderRejectText, STATUS_LABEL, STATUS_PILL } from './portfolio-format.ts';

function describe(order: Order): string {
  const price = order.price === undefined ? '' : ` @ ${formatPrice(order.price)}`;
  return `${order.side} ${order.type}${price}`;
}

function origin(order: Order): string {
  return order.origin?.kind === 'strategy' ? `strategy v${order.origin.version}` : 'manual';
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function OpenOrders(props: {
  orders: readonly Order[];
  onCancel: (order: Order) => void;
  cancelling: ReadonlySet<string>;
}): ReactNode {
  if (props.orders.length === 0)
    return (
      <Empty title="No open orders">
        Limit and stop orders rest here until they fill or you cancel them.
      </Empty>
    );
  return (
    <div className="table-scroll">
      <table className="orders-table" data-testid="open-orders">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Filled
            </th>
            <th scope="col" className="hide-phone">
              Placed
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.orders.map((o) => (
            <tr key={o.clientOrderId} data-order={o.clientOrderId}>
              <th scope="row">
                {o.symbol}
                <div className={`small side-${o.side}`}>{describe(o)}</div>
              </th>
              <td className="num">{formatQuantity(o.quantity)}</td>
              <td className="num">{formatQuantity(o.filledQuantity)}</td>
              <td className="hide-phone muted">{time(o.createdAt)}</td>
              <td className="actions">
                <button
                  type="button"
                  className="button button-small button-danger"
                  disabled={props.cancelling.has(o.clientOrderId)}
                  onClick={() => props.onCancel(o)}
                >
                  {props.cancelling.has(o.clientOrderId) ? 'Cancelling…' : 'Cancel'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OrderHistory({ orders }: { orders: readonly Order[] }): ReactNode {
  if (orders.length === 0) return <Empty title="No orders yet" />;
  return (
    <div className="table-scroll">
      <table className="orders-table" data-testid="order-history">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Filled
            </th>
            <th scope="col" className="num">
              Avg price
            </th>
            <th scope="col" className="num hide-phone">
              Fees
            </th>
            <th scope="col" className="hide-phone">
              By
            </th>
            <th scope="col" className="hide-phone">
              Updated
            </th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => {
            const average = o.filledQuantity > 0 ? o.filledQuote / o.filledQuantity : undefined;
            const fees = o.fills.reduce(
              (sum, f) => sum + (f.feeAsset === o.symbol.split('-')[0] ? f.fee * f.price : f.fee),
              0,
            );
            return (
              <tr key={o.clientOrderId} data-order={o.clientOrderId} data-status={o.status}>
                <th scope="row">
                  {o.symbol}
                  <div className={`small side-${o.side}`}>{describe(o)}</div>
                </th>
                <td>
                  <span className={STATUS_PILL[o.status]} data-testid="order-status">
                    {STATUS_LABEL[o.status]}
                  </span>
                  {o.status === 'rejected' ? (
                    <div className="small muted" title={o.detail}>
                      {orderRejectText(o)}
                    </div>
                  ) : null}
                </td>
                <td className="num">
                  {formatQuantity(o.filledQuantity)} / {formatQuantity(o.quantity)}
                  {o.fills.length > 1 ? <div className="small muted">{o.fills.length} fills</div> : null}
                </td>
                <td className="num">{average === undefined ? '—' : formatPrice(average)}</td>
                <td className="num hide-phone">{o.fills.length > 0 ? formatUsd(fees) : '—'}</td>
                <td className="hide-phone muted">{origin(o)}</td>
                <td className="hide-phone muted">{time(o.updatedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
