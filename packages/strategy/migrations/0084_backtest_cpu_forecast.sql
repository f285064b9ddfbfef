-- The CPU of a backtest's bar loop per candle (ms), measured in its sandbox process: the forecast of
-- what a live step of that version costs, checked against the tier's live CPU budget when the
-- version is enabled live (STRATEGY_CPU_FORECAST_EXCEEDS_BUDGET). Null for runs before it.
alter table backtest_results add column cpu_ms_per_candle double precision;
