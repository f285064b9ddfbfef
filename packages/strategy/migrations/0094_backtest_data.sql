-- What a backtest read (packages/strategy/src/module/run-data.ts): the data version its candles
-- were read as of, the adjustment, and per feed the exchange, range, bars and content hash, beside
-- the strategy version's source hash. `tickline backtest rerun` reads the same data again from it,
-- and a report whose data has changed since says so. Null for runs stored before it existed.
-- Also the research trial registry (packages/strategy/src/research-jobs/trial-registry.ts): every
-- parameter set a user's backtests and research jobs ran on one strategy and data is counted, so
-- the deflated Sharpe ratio's number of trials includes what was tried before.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
alter table backtest_results add column data jsonb;

create table research_trials (
  user_id uuid not null references users (id) on delete cascade,
  strategy_id uuid not null references strategies (id) on delete cascade,
  -- symbol:interval:from:to of the first feed: "the same data".
  data_key text not null,
  trials bigint not null,
  updated_at timestamptz not null,
  primary key (user_id, strategy_id, data_key)
);
