/**
 * @module The backtest form's "add feed" rows: symbol and interval inputs named `feedSymbol` and
 * `feedInterval` (read with {@link extraFeeds}), each removable. Rows are keyed by a counter so
 * removing one keeps what was typed in the others.
 */
import { CANDLE_INTERVALS } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { MAX_EXTRA_FEEDS } from './backtest-feeds.ts';

export function BacktestFeedRows({ defaultInterval }: { defaultInterval: string }): ReactNode {
  const [rows, setRows] = useState<number[]>([]);
  const [next, setNext] = useState(0);
  return (
    <fieldset className="feeds" data-testid="backtest-feeds">
      <legend>More feeds</legend>
      {rows.map((key, i) => (
        <div className="row" key={key}>
          <input
            name="feedSymbol"
            aria-label={`Feed ${i + 2} symbol`}
            placeholder="ETH-USDT"
            required
            pattern="[A-Za-z0-9]{1,20}-[A-Za-z0-9]{1,20}"
          />
          <select name="feedInterval" aria-label={`Feed ${i + 2} interval`} defaultValue={defaultInterval}>
            {CANDLE_INTERVALS.map((iv) => (
              <option key={iv}>{iv}</option>
            ))}
          </select>
          <button
            type="button"
            className="button button-small button-ghost"
            aria-label={`Remove feed ${i + 2}`}
            onClick={() => setRows(rows.filter((k) => k !== key))}
          >
            Remove
          </button>
        </div>
      ))}
      {rows.length < MAX_EXTRA_FEEDS ? (
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => {
            setRows([...rows, next]);
            setNext(next + 1);
          }}
        >
          + Add feed
        </button>
      ) : null}
    </fieldset>
  );
}
