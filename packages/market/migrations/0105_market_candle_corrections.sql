-- Corrections of recorded candles are data versions too (packages/market/src/storage/candle-writes.ts).
-- A closed candle the collectors recorded in market_candles may be rewritten with other values: a
-- late trade inside the grace window, a REST backfill after a gap, a venue's revised bar. Each such
-- rewrite is kept as 0093 keeps an import's: the batch that makes it opens one version per symbol
-- and source (kind 'correction', source collector:{venue} or backfill:{venue}); the row remembers
-- the version that wrote its values (data_version; 0 for a row only ever written once, or before
-- this migration), and the values it replaced are kept in market_candle_versions with that version
-- (superseded_by). A read as of version V takes, per key, the current row when data_version <= V,
-- else the kept row with data_version <= V < superseded_by. A candle first stored after V (a bar
-- the backfill adds where none was) is not a correction and is read whatever the version.
-- Kept rows go when their candle goes (retention, archive): partition maintenance deletes them.
-- Frozen once released: change the schema with a new numbered migration, never by editing this file.
alter table market_data_versions drop constraint market_data_versions_kind_check;
alter table market_data_versions add constraint market_data_versions_kind_check
  check (kind in ('import', 'upload', 'download', 'delete', 'corporate-actions', 'correction'));

alter table market_candles add column data_version bigint not null default 0;

create table market_candle_versions (
  like market_candles including defaults including constraints,
  superseded_by bigint not null,
  primary key (exchange, symbol, interval, open_time, superseded_by)
);
create index market_candle_versions_read on market_candle_versions (symbol, interval, open_time);
