-- Data versions and corporate actions (packages/market/src/versions, src/corporate-actions).
-- Every change to the imported history — an import, an upload chunk, a history download, an
-- upload deleted, a corporate action stored — is one row of market_data_versions (ids ascending
-- in commit order within a writer). A row of market_candle_history remembers the version that
-- wrote its values (data_version; 0 for rows written before versions existed); the values it had
-- before a change are kept in market_candle_history_versions with the version that replaced or
-- deleted them (superseded_by). A read "as of" version V takes, per key, the current row when
-- data_version <= V, else the kept row with data_version <= V < superseded_by: the history as it
-- stood after V committed. Corporate actions are stored once per (symbol, kind, ex date), with the
-- version that stored them, so an as-of read sees only the actions known at V.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
create table market_data_versions (
  id bigint generated always as identity primary key,
  exchange text,
  symbol text not null,
  interval text,
  kind text not null check (kind in ('import', 'upload', 'download', 'delete', 'corporate-actions')),
  source text not null,
  first_open bigint,
  last_open bigint,
  changed integer not null default 0,
  created_at timestamptz not null default now()
);
create index market_data_versions_symbol on market_data_versions (symbol, id);

alter table market_candle_history add column data_version bigint not null default 0;
create index market_candle_history_version on market_candle_history (data_version) where data_version > 0;

create table market_candle_history_versions (
  like market_candle_history including defaults including constraints,
  superseded_by bigint not null,
  primary key (exchange, symbol, interval, open_time, superseded_by)
);
create index market_candle_history_versions_read on market_candle_history_versions (symbol, interval, open_time);

create table market_corporate_actions (
  id bigint generated always as identity primary key,
  symbol text not null,
  kind text not null check (kind in ('split', 'dividend')),
  ex_date text not null,
  -- The first instant of the ex date in the exchange's zone (UTC midnight for a pair): candles
  -- opening before it are the ones an adjustment changes.
  ex_time bigint not null,
  -- split: shares after per share before (4 for a 4-for-1, 0.1 for a 1-for-10 reverse split).
  ratio double precision,
  -- dividend: cash per share, in the symbol's currency.
  amount double precision,
  source text not null,
  -- applied: used by adjusted reads; flagged: contradicts the stored prices (reason says how), not applied.
  status text not null check (status in ('applied', 'flagged')),
  reason text,
  data_version bigint not null,
  created_at timestamptz not null default now(),
  unique (symbol, kind, ex_date)
);
