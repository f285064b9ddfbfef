/**
 * @module The candlestick chart (lightweight-charts): candles with optional SMA, EMA and Bollinger
 * overlays in the main pane, RSI and MACD in panes below, and live strategy signals as markers
 * (buy below the bar, sell above). Created once per mount; data is pushed in as candles change.
 */
import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesType,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { bollinger, ema, macd, rsi, sma, type Line } from './indicators.ts';
import { signalMarkers, type ChartSignal } from './signal-markers.ts';
import type { Candle } from '@tickline/protocol';

export type { ChartSignal } from './signal-markers.ts';

export const OVERLAYS = ['sma', 'ema', 'bollinger'] as const;
export const PANES = ['rsi', 'macd'] as const;
export type Indicator = (typeof OVERLAYS)[number] | (typeof PANES)[number];

const COLORS = {
  up: '#22c55e',
  down: '#f43f5e',
  sma: '#f59e0b',
  ema: '#a78bfa',
  band: '#38bdf8',
  rsi: '#eab308',
  macd: '#38bdf8',
  signal: '#f97316',
};
const SMA_PERIOD = 20;
/** Below this many candles the view is not stretched to fit (a handful would be drawn huge). */
const FIT_MIN_CANDLES = 120;
const SHORT_HISTORY_BAR_SPACING_PX = 12;
const EMA_PERIOD = 50;
const BOLLINGER = { period: 20, width: 2 };
const RSI_PERIOD = 14;
const MACD = { fast: 12, slow: 26, signal: 9 };

interface Props {
  candles: readonly Candle[];
  /** Live strategy signals to mark on the candles. @default none */
  signals?: readonly ChartSignal[];
  /** Changes when another series is shown (symbol, interval): the view is fitted to it once. */
  viewKey: string;
  indicators: ReadonlySet<Indicator>;
  /** Accessible description of what is shown. */
  label: string;
}

type AnySeries = ISeriesApi<SeriesType>;

const NO_SIGNALS: readonly ChartSignal[] = [];

export function CandleChart({ candles, signals = NO_SIGNALS, viewKey, indicators, label }: Props): ReactNode {
  const container = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi>(null);
  const candleSeries = useRef<ISeriesApi<'Candlestick'>>(null);
  const markers = useRef<ISeriesMarkersPluginApi<Time>>(null);
  const extra = useRef(new Map<string, AnySeries>());
  const fitted = useRef<string>(undefined);
  const indicatorsKey = [...indicators].sort().join(',');

  useEffect(() => {
    const element = container.current!;
    const style = getComputedStyle(document.documentElement);
    const text = style.getPropertyValue('--muted').trim() || '#8b9bb0';
    const grid = style.getPropertyValue('--border').trim() || '#223041';
    const chart = createChart(element, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: text,
        panes: { separatorColor: grid },
      },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      timeScale: { timeVisible: true, secondsVisible: true, borderColor: grid },
      rightPriceScale: { borderColor: grid },
    });
    chartRef.current = chart;
    candleSeries.current = chart.addSeries(CandlestickSeries, {
      upColor: COLORS.up,
      downColor: COLORS.down,
      wickUpColor: COLORS.up,
      wickDownColor: COLORS.down,
      borderVisible: false,
    });
    markers.current = createSeriesMarkers(candleSeries.current, []);
    const series = extra.current;
    return () => {
      series.clear();
      chart.remove();
      chartRef.current = null;
    };
  }, []);

  // Indicator series follow the toggles: added and removed, panes renumbered by the chart.
  useEffect(() => {
    const chart = chartRef.current!;
    const series = extra.current;
    for (const [name, s] of series) {
      chart.removeSeries(s);
      series.delete(name);
    }
    const line = (name: string, color: string, pane = 0, width: 1 | 2 = 2) =>
      series.set(
        name,
        chart.addSeries(
          LineSeries,
          { color, lineWidth: width, priceLineVisible: false, lastValueVisible: false },
          pane,
        ),
      );
    if (indicators.has('sma')) line('sma', COLORS.sma);
    if (indicators.has('ema')) line('ema', COLORS.ema);
    if (indicators.has('bollinger')) {
      line('bb-upper', COLORS.band, 0, 1);
      line('bb-middle', COLORS.band, 0, 1);
      line('bb-lower', COLORS.band, 0, 1);
    }
    let pane = 1;
    if (indicators.has('rsi')) line('rsi', COLORS.rsi, pane++);
    if (indicators.has('macd')) {
      series.set(
        'macd-hist',
        chart.addSeries(HistogramSeries, { priceLineVisible: false, lastValueVisible: false }, pane),
      );
      line('macd', COLORS.macd, pane);
      line('macd-signal', COLORS.signal, pane, 1);
      pane++;
    }
    const panes = chart.panes();
    panes[0]?.setStretchFactor(3);
    for (const p of panes.slice(1)) p.setStretchFactor(1);
    // For tests and assistive tooling: how many panes are drawn.
    container.current!.dataset.panes = String(panes.length);
  }, [indicatorsKey]);

  useEffect(() => {
    const series = extra.current;
    const times = candles.map((c) => Math.floor(c.openTime / 1000) as UTCTimestamp);
    candleSeries.current?.setData(
      candles.map((c, i) => ({ time: times[i]!, open: c.open, high: c.high, low: c.low, close: c.close })),
    );
    const closes = candles.map((c) => c.close);
    const put = (name: string, values: Line) =>
      series
        .get(name)
        ?.setData(values.flatMap((value, i) => (value === null ? [] : [{ time: times[i]!, value }])));
    if (series.has('sma')) put('sma', sma(closes, SMA_PERIOD));
    if (series.has('ema')) put('ema', ema(closes, EMA_PERIOD));
    if (series.has('bb-middle')) {
      const bands = bollinger(closes, BOLLINGER.period, BOLLINGER.width);
      put('bb-upper', bands.upper);
      put('bb-middle', bands.middle);
      put('bb-lower', bands.lower);
    }
    if (series.has('rsi')) put('rsi', rsi(closes, RSI_PERIOD));
    if (series.has('macd')) {
      const lines = macd(closes, MACD.fast, MACD.slow, MACD.signal);
      put('macd', lines.macd);
      put('macd-signal', lines.signal);
      series
        .get('macd-hist')
        ?.setData(
          lines.histogram.flatMap((value, i) =>
            value === null ? [] : [{ time: times[i]!, value, color: value >= 0 ? COLORS.up : COLORS.down }],
          ),
        );
    }
    // Fit a long history once per series shown (a short one keeps readable bars); later the
    // user's zoom and scroll stay as they are.
    if (candles.length > 0 && fitted.current !== viewKey) {
      fitted.current = viewKey;
      const timeScale = chartRef.current?.timeScale();
      if (candles.length >= FIT_MIN_CANDLES) timeScale?.fitContent();
      else timeScale?.applyOptions({ barSpacing: SHORT_HISTORY_BAR_SPACING_PX });
    }
  }, [candles, indicatorsKey, viewKey]);

  const marked = useMemo(
    () => signalMarkers(candles, signals, { buy: COLORS.up, sell: COLORS.down }),
    [candles, signals],
  );
  useEffect(() => {
    markers.current?.setMarkers(marked);
  }, [marked]);

  const last = candles[candles.length - 1];
  return (
    <div
      ref={container}
      className="chart"
      role="img"
      aria-label={label}
      data-testid="candle-chart"
      data-candles={candles.length}
      data-first-close={candles[0]?.close}
      data-last-close={last?.close}
      data-last-open-time={last?.openTime}
      data-signals={marked.length}
    />
  );
}
