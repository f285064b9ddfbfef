/**
 * @module The paper order ticket: symbol, side, type (market, limit, stop), size as a quantity or a
 * percentage (of cash for a buy, of the position for a sell), price for limit and stop. The
 * estimate uses the live ticker; a refusal shows its reason and code in words.
 */
import { orderQuantityFor, type Order, type OrderType, type PortfolioDetail } from '@tickline/client';
import type { MarketSummary } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError } from '../../components/field.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { useAsync } from '../../components/use-async.ts';
import { formatPrice } from '../markets/market-format.ts';
import { useTickers } from '../markets/use-tickers.ts';
import { formatQuantity, formatUsd, orderErrorText } from './portfolio-format.ts';

type SizeMode = 'quantity' | 'percent';

function placedText(order: Order): string {
  const what = `${order.side === 'buy' ? 'Bought' : 'Sold'} ${formatQuantity(order.filledQuantity)} ${order.symbol}`;
  if (order.status === 'filled')
    return `${what} at ${formatPrice(order.filledQuote / order.filledQuantity)}.`;
  if (order.status === 'partially_filled') return `${what} so far; the rest rests on the book.`;
  if (order.type === 'market')
    return `Market order placed: ${order.side} ${formatQuantity(order.quantity)} ${order.symbol} — it fills at the next trade, within about a second.`;
  return `${order.type === 'stop' ? 'Stop' : 'Limit'} order placed: ${order.side} ${formatQuantity(order.quantity)} ${order.symbol} @ ${formatPrice(order.price)}.`;
}

export function OrderTicket(props: {
  portfolio: PortfolioDetail;
  /** The bound live venue's name; undefined on paper. */
  venue?: string | undefined;
  onPlaced: (order: Order) => void;
}): ReactNode {
  const { client } = useSession();
  const markets = useAsync(
    async () =>
      (await client.requestPublic<{ markets: MarketSummary[] }>({ method: 'GET', path: '/api/v1/markets' }))
        .markets,
    [client],
  );
  const symbols = (markets.data ?? []).map((m) => m.symbol);
  const [symbol, setSymbol] = useState<string>();
  const chosen = symbol ?? symbols[0] ?? 'BTC-USDT';
  const ticker = useTickers([chosen]).get(chosen);
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [type, setType] = useState<OrderType>('market');
  const [mode, setMode] = useState<SizeMode>('quantity');
  const [amount, setAmount] = useState('');
  const [price, setPrice] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<{ amount?: string; price?: string }>({});
  const [done, setDone] = useState<string>();

  const last = ticker?.last ?? markets.data?.find((m) => m.symbol === chosen)?.lastPrice ?? undefined;
  const refPrice = type === 'market' ? last : Number(price) || undefined;
  const held = props.portfolio.positions.find((p) => p.symbol === chosen)?.quantity ?? 0;
  const quantity =
    mode === 'quantity'
      ? Number(amount)
      : orderQuantityFor({
          side,
          percent: Number(amount),
          cash: props.portfolio.cash,
          ...(refPrice === undefined ? {} : { price: refPrice }),
          positionQuantity: held,
          // Room for the paper venue's taker fee and slippage, so 100 % of cash is not refused.
          feeRate: 0.005,
        });
  const estimate = refPrice !== undefined && quantity > 0 ? quantity * refPrice : undefined;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const problems: { amount?: string; price?: string } = {};
    if (!(Number(amount) > 0) || !Number.isFinite(Number(amount)))
      problems.amount = mode === 'quantity' ? 'Enter a quantity above 0.' : 'Enter a percentage above 0.';
    else if (mode === 'percent' && Number(amount) > 100) problems.amount = 'At most 100 %.';
    else if (!(quantity > 0))
      problems.amount =
        side === 'sell'
          ? `You hold no ${chosen} to sell.`
          : 'No price yet to size this order; enter a quantity.';
    if (type !== 'market' && !(Number(price) > 0)) problems.price = 'Enter a price above 0.';
    setFieldError(problems);
    if (problems.amount || problems.price) return;
    setPending(true);
    try {
      const order = await client.portfolios.placeOrder(props.portfolio.portfolioId, {
        symbol: chosen,
        side,
        type,
        quantity,
        ...(type === 'market' ? {} : { price: Number(price) }),
      });
      setDone(placedText(order));
      setAmount('');
      props.onPlaced(order);
    } catch (caught) {
      setError(orderErrorText(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <form
      className="card stack order-ticket"
      onSubmit={(e) => void onSubmit(e)}
      aria-labelledby="ticket-title"
    >
      <h2 id="ticket-title">{props.venue ? `Order on ${props.venue}` : 'Paper order'}</h2>
      <label className="field">
        <span className="field-label">Symbol</span>
        <select name="symbol" value={chosen} onChange={(e) => setSymbol(e.currentTarget.value)}>
          {(symbols.length > 0 ? symbols : [chosen]).map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <div className="ticket-quote muted small" data-testid="ticket-last">
        Last {formatPrice(last)} · you hold {formatQuantity(held)}
      </div>
      <div className="row">
        <Segmented
          label="Side"
          value={side}
          onChange={setSide}
          options={[
            { value: 'buy', label: 'Buy', className: 'segment-buy' },
            { value: 'sell', label: 'Sell', className: 'segment-sell' },
          ]}
        />
        <Segmented
          label="Type"
          value={type}
          onChange={setType}
          options={[
            { value: 'market', label: 'Market' },
            { value: 'limit', label: 'Limit' },
            { value: 'stop', label: 'Stop' },
          ]}
        />
      </div>
      <div className="row">
        <Segmented
          label="Size in"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'quantity', label: 'Quantity' },
            { value: 'percent', label: side === 'buy' ? '% of cash' : '% of position' },
          ]}
        />
      </div>
      <Field
        label={mode === 'quantity' ? `Quantity (${chosen.split('-')[0]})` : 'Percent'}
        name="amount"
        inputMode="decimal"
        autoComplete="off"
        value={amount}
        onChange={(e) => setAmount(e.currentTarget.value)}
        error={fieldError.amount}
        {...(mode === 'percent' && quantity > 0
          ? { hint: `≈ ${formatQuantity(quantity)} ${chosen.split('-')[0]}` }
          : {})}
      />
      {type === 'market' ? null : (
        <Field
          label={type === 'limit' ? 'Limit price' : 'Stop (trigger) price'}
          name="price"
          inputMode="decimal"
          autoComplete="off"
          value={price}
          onChange={(e) => setPrice(e.currentTarget.value)}
          error={fieldError.price}
          hint={
            type === 'limit'
              ? `Fills at this price or better (${side === 'buy' ? 'at or below' : 'at or above'}).`
              : `Becomes a market order when the price ${side === 'buy' ? 'rises to' : 'falls to'} it.`
          }
        />
      )}
      <div className="ticket-estimate muted small">
        {estimate === undefined
          ? 'Estimate appears once a price is known.'
          : `Estimated ${formatUsd(estimate)}`}
        {' · '}cash {formatUsd(props.portfolio.cash)}
      </div>
      <FormError message={error} />
      {done ? (
        <p className="form-ok" role="status">
          {done}
        </p>
      ) : null}
      <button
        type="submit"
        className={`button button-primary ${side === 'sell' ? 'button-sell' : ''}`}
        disabled={pending}
      >
        {pending ? 'Placing…' : `${side === 'buy' ? 'Buy' : 'Sell'} ${chosen}`}
      </button>
    </form>
  );
}
