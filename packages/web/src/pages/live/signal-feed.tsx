/**
 * @module The signal feed of the live strategies page: each signal's candle time, strategy,
 * symbol, side, order and price, and the reason the strategy gave — newest first, those that
 * arrived while the page was open marked new.
 */
import type { StrategySummary } from '@tickline/client';
import type { ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { Empty } from '../../components/states.tsx';
import { formatPrice } from '../markets/market-format.ts';
import { formatQuantity } from '../portfolio/portfolio-format.ts';
import { timeText } from './live-format.ts';
import type { FeedSignal } from './use-signal-feed.ts';

export function SignalFeed(props: {
  signals: readonly FeedSignal[];
  strategies: readonly StrategySummary[];
}): ReactNode {
  const names = new Map(props.strategies.map((s) => [s.id, s.name]));
  if (props.signals.length === 0)
    return (
      <Empty title="No signals yet">
        A running strategy’s orders appear here as each candle closes, without a reload.
      </Empty>
    );
  return (
    <div className="table-scroll">
      <table className="orders-table signal-feed" data-testid="signal-feed">
        <thead>
          <tr>
            <th scope="col">Candle close</th>
            <th scope="col">Strategy</th>
            <th scope="col">Symbol</th>
            <th scope="col">Side</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {props.signals.map((s) => (
            <tr
              key={s.clientOrderId}
              data-signal={s.clientOrderId}
              className={s.live ? 'signal-new' : undefined}
            >
              <td>
                {timeText(s.candleCloseTime)}
                {s.live ? <span className="pill pill-good signal-badge">new</span> : null}
              </td>
              <td>
                <Link to={`/strategies/${encodeURIComponent(s.strategyId)}`}>
                  {s.strategyName ?? names.get(s.strategyId) ?? s.strategyId}
                </Link>{' '}
                <span className="muted">v{s.version}</span>
              </td>
              <td>
                <Link to={`/markets/${encodeURIComponent(s.symbol)}`}>{s.symbol}</Link>
              </td>
              <td className={`side-${s.side}`} data-testid="signal-side">
                {s.side} <span className="muted small">{s.type}</span>
              </td>
              <td className="num">{formatQuantity(s.quantity)}</td>
              <td className="num">{s.price === undefined ? 'market' : formatPrice(s.price)}</td>
              <td className="small muted">{s.reason || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
