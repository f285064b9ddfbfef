/** @module The positions table: quantity, average price, mark, market value, unrealized and realized P&L. */
import type { Position } from '@tickline/client';
import type { ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { Empty } from '../../components/states.tsx';
import { formatPrice } from '../markets/market-format.ts';
import { formatPnl, formatQuantity, formatUsd, pnlClass, realizedAfterFees } from './portfolio-format.ts';

export function PositionsTable({ positions }: { positions: readonly Position[] }): ReactNode {
  const open = positions.filter((p) => p.quantity !== 0);
  if (open.length === 0)
    return (
      <Empty title="No open positions">
        Place an order on the <Link to="/orders">Orders</Link> page, or run a strategy{' '}
        <Link to="/live">live</Link>.
      </Empty>
    );
  return (
    <div className="table-scroll">
      <table data-testid="positions">
        <thead>
          <tr>
            <th scope="col">Symbol</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Avg price
            </th>
            <th scope="col" className="num">
              Mark
            </th>
            <th scope="col" className="num hide-phone">
              Value
            </th>
            <th scope="col" className="num">
              Unrealized
            </th>
            <th scope="col" className="num hide-phone">
              Realized
            </th>
          </tr>
        </thead>
        <tbody>
          {open.map((p) => (
            <tr key={p.symbol} data-symbol={p.symbol}>
              <th scope="row">
                <Link to={`/markets/${encodeURIComponent(p.symbol)}`}>{p.symbol}</Link>
                <div className="muted small">{p.quantity > 0 ? 'long' : 'short'}</div>
              </th>
              <td className="num" data-testid="position-quantity">
                {formatQuantity(p.quantity)}
              </td>
              <td className="num">{formatPrice(p.averagePrice)}</td>
              <td className="num">{p.markPrice > 0 ? formatPrice(p.markPrice) : '—'}</td>
              <td className="num hide-phone">
                {p.markPrice > 0 ? formatUsd(p.quantity * p.markPrice) : '—'}
              </td>
              <td className={`num ${pnlClass(p.unrealizedPnl)}`}>{formatPnl(p.unrealizedPnl)}</td>
              <td className={`num hide-phone ${pnlClass(realizedAfterFees(p))}`}>
                {formatPnl(realizedAfterFees(p))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
