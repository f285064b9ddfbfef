/**
 * @module The form that runs a strategy version live: strategy and version (parameters from its
 * declarations), one or more feeds (symbol and interval), and the warm-up bars replayed first.
 */
import type { LiveFeed, LiveRun, ParamSpec, StrategyVersionInfo } from '@tickline/client';
import { CANDLE_INTERVALS, type MarketSummary } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { GateVerdict } from '../research/gate-verdict.tsx';
import { ParamFields, readParams } from '../strategies/param-fields.tsx';
import { codedErrorText } from '../portfolio/portfolio-format.ts';

const MAX_FEEDS = 8;

export function EnableLiveForm(props: {
  portfolioId: string;
  initialStrategy?: string;
  onEnabled: (run: LiveRun) => void;
}): ReactNode {
  const { client } = useSession();
  const strategies = useAsync(() => client.strategies.list(), [client]);
  const markets = useAsync(
    async () =>
      (await client.requestPublic<{ markets: MarketSummary[] }>({ method: 'GET', path: '/api/v1/markets' }))
        .markets,
    [client],
  );
  const [strategyId, setStrategyId] = useState(props.initialStrategy);
  const chosen = strategyId ?? strategies.data?.[0]?.id;
  // Tagged with the strategy they belong to: while another strategy's versions load, the previous
  // one's (and its parameters) must not be submitted with the new choice.
  const versions = useAsync<{ of: string | undefined; list: StrategyVersionInfo[] }>(
    async () => ({
      of: chosen,
      list: chosen === undefined ? [] : await client.strategies.versions(chosen),
    }),
    [client, chosen],
  );
  const [version, setVersion] = useState<number>();
  const list = versions.data !== undefined && versions.data.of === chosen ? versions.data.list : [];
  const picked = list.find((v) => v.version === version) ?? list[list.length - 1];
  const params: Record<string, ParamSpec> = picked?.params ?? {};
  const symbols = (markets.data ?? []).map((m) => m.symbol);
  const [feeds, setFeeds] = useState<LiveFeed[]>([]);
  const shown: LiveFeed[] = feeds.length > 0 ? feeds : [{ symbol: symbols[0] ?? 'BTC-USDT', interval: '1m' }];
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  if (strategies.data === undefined) return <Loading label="Loading strategies…" />;
  if (strategies.data.length === 0)
    return (
      <Empty title="No strategies yet">
        Write one on the <Link to="/strategies">Strategies</Link> page, backtest it, then run it here.
      </Empty>
    );

  const setFeed = (i: number, change: Partial<LiveFeed>) =>
    setFeeds(shown.map((f, j) => (j === i ? { ...f, ...change } : f)));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (chosen === undefined || picked === undefined) return setError('Pick a strategy version.');
    setPending(true);
    setError(undefined);
    client.liveStrategies
      .enable({
        strategyId: chosen,
        version: picked.version,
        portfolioId: props.portfolioId,
        params: readParams(form, params),
        feeds: shown,
        warmupBars: Number(formText(form, 'warmup')) || 0,
      })
      .then(props.onEnabled, (caught: unknown) => setError(codedErrorText(caught)))
      .finally(() => setPending(false));
  }

  return (
    <form className="stack" onSubmit={onSubmit} aria-label="Run a strategy live">
      <div className="row">
        <label className="field grow">
          <span className="field-label">Strategy</span>
          <select
            name="strategy"
            value={chosen}
            onChange={(e) => {
              setStrategyId(e.currentTarget.value);
              setVersion(undefined);
            }}
          >
            {strategies.data.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Version</span>
          <select
            name="version"
            value={picked?.version ?? ''}
            onChange={(e) => setVersion(Number(e.currentTarget.value))}
          >
            {[...list].reverse().map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="feeds">
        <legend>Feeds</legend>
        {shown.map((feed, i) => (
          <div className="row" key={i}>
            <select
              aria-label={`Feed ${i + 1} symbol`}
              value={feed.symbol}
              onChange={(e) => setFeed(i, { symbol: e.currentTarget.value })}
            >
              {(symbols.includes(feed.symbol) ? symbols : [feed.symbol, ...symbols]).map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <select
              aria-label={`Feed ${i + 1} interval`}
              value={feed.interval}
              onChange={(e) => setFeed(i, { interval: e.currentTarget.value as LiveFeed['interval'] })}
            >
              {CANDLE_INTERVALS.map((iv) => (
                <option key={iv}>{iv}</option>
              ))}
            </select>
            {shown.length > 1 ? (
              <button
                type="button"
                className="button button-small button-ghost"
                onClick={() => setFeeds(shown.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            ) : null}
          </div>
        ))}
        {shown.length < MAX_FEEDS ? (
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={() => setFeeds([...shown, { symbol: symbols[0] ?? 'BTC-USDT', interval: '1m' }])}
          >
            + Add feed
          </button>
        ) : null}
      </fieldset>
      <ParamFields key={`${chosen}@${picked?.version}`} params={params} />
      <Field
        label="Warm-up bars"
        name="warmup"
        type="number"
        min={0}
        max={5000}
        defaultValue="200"
        hint="Stored candles replayed before acting live, so indicators start warm."
      />
      {chosen !== undefined && picked !== undefined ? (
        <GateVerdict strategyId={chosen} version={picked.version} feed={shown[0]} />
      ) : null}
      <FormError message={error} />
      <button type="submit" className="button button-primary" disabled={pending || picked === undefined}>
        {pending ? 'Starting…' : `Run v${picked?.version ?? '?'} live`}
      </button>
    </form>
  );
}
