/**
 * @module The results charts (lightweight-charts): equity with the drawdown in a pane below, and
 * the price with each trade's entry and exit marked and the strategy's `ctx.plot` series — over
 * the price when they live on its scale (a moving average), each in a pane of its own below when
 * they do not (an RSI, a spread).
 */
import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type SeriesMarker,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, type ReactNode } from 'react';
import { onCandles } from './chart-candles.ts';
import type { BacktestCurves, BacktestTrade } from '@tickline/protocol';

const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

function useChart(draw: (chart: IChartApi) => void, deps: readonly unknown[]) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const style = getComputedStyle(document.documentElement);
    const text = style.getPropertyValue('--muted').trim() || '#8b9bb0';
    const grid = style.getPropertyValue('--border').trim() || '#223041';
    const chart = createChart(host.current!, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: text,
        panes: { separatorColor: grid },
      },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      timeScale: { timeVisible: true, borderColor: grid },
    });
    draw(chart);
    chart.timeScale().fitContent();
    return () => chart.remove();
    // Redrawn whole when the data changes: results are static once a run ends.
  }, deps);
  return host;
}

export function EquityChart({ curves }: { curves: BacktestCurves }): ReactNode {
  const host = useChart(
    (chart) => {
      chart
        .addSeries(LineSeries, { color: '#38bdf8', lineWidth: 2, title: 'equity' })
        .setData(curves.equity.map(([t, v]) => ({ time: sec(t), value: v })));
      chart
        .addSeries(HistogramSeries, { color: '#f43f5e', title: 'drawdown %' }, 1)
        .setData(curves.drawdown.map(([t, v]) => ({ time: sec(t), value: v * 100 })));
    },
    [curves],
  );
  return <div className="chart" ref={host} data-testid="equity-chart" />;
}

export interface PriceCandle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** A strategy's `ctx.plot` series as the API returns it. */
export interface PlotLine {
  name: string;
  time: number[];
  value: number[];
}

const PLOT_COLOURS = ['#38bdf8', '#a78bfa', '#facc15', '#f472b6', '#34d399', '#fb923c'];
/** Panes below the price at most; further series share the last one. */
const MAX_PLOT_PANES = 3;

/**
 * Whether a series belongs over the price: its median lies within the candles' low–high range.
 * The API carries no pane hint, and a moving average and an oscillator differ plainly by scale.
 */
export function overlaysPrice(plot: PlotLine, candles: readonly PriceCandle[]): boolean {
  if (candles.length === 0 || plot.value.length === 0) return false;
  const sorted = [...plot.value].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  let low = Infinity;
  let high = -Infinity;
  for (const c of candles) {
    if (c.low < low) low = c.low;
    if (c.high > high) high = c.high;
  }
  return median >= low && median <= high;
}

function drawPlots(chart: IChartApi, plots: readonly PlotLine[], candles: readonly PriceCandle[]): void {
  let pane = 0;
  plots.forEach((plot, i) => {
    const over = overlaysPrice(plot, candles);
    if (!over && pane < MAX_PLOT_PANES) pane++;
    // Times must ascend strictly: a series plotted twice on one bar keeps its last value.
    const points = new Map<number, number>();
    plot.time.forEach((t, k) => points.set(sec(t), plot.value[k]!));
    chart
      .addSeries(
        LineSeries,
        { color: PLOT_COLOURS[i % PLOT_COLOURS.length]!, lineWidth: 1, title: plot.name },
        over ? 0 : pane,
      )
      .setData([...points].map(([time, value]) => ({ time: time as UTCTimestamp, value })));
  });
}

export function TradesChart({
  candles,
  trades,
  plots = [],
}: {
  candles: readonly PriceCandle[];
  trades: readonly BacktestTrade[];
  plots?: readonly PlotLine[];
}): ReactNode {
  const host = useChart(
    (chart) => {
      const series = chart.addSeries(CandlestickSeries, {
        upColor: '#22c55e',
        downColor: '#f43f5e',
        borderVisible: false,
      });
      series.setData(
        candles.map((c) => ({
          time: sec(c.openTime),
          open: c.open,
          high: c.high,
          low: c.low,
          close: c.close,
        })),
      );
      const markers: SeriesMarker<UTCTimestamp>[] = [];
      // A marker past the candles would be snapped to the last bar: drawn where it did not happen.
      for (const t of trades) {
        if (!onCandles(candles, t.entryTime)) continue;
        markers.push({
          time: sec(t.entryTime),
          position: 'belowBar',
          color: '#22c55e',
          shape: 'arrowUp',
          text: t.entryReason || 'entry',
        });
        if (!onCandles(candles, t.exitTime)) continue;
        markers.push({
          time: sec(t.exitTime),
          position: 'aboveBar',
          color: '#f97316',
          shape: 'arrowDown',
          text: t.exitReason || 'exit',
        });
      }
      markers.sort((a, b) => a.time - b.time);
      createSeriesMarkers(series, markers);
      drawPlots(chart, plots, candles);
    },
    [candles, trades, plots],
  );
  return (
    <>
      <div
        className={plots.some((p) => !overlaysPrice(p, candles)) ? 'chart chart-tall' : 'chart'}
        ref={host}
        data-testid="trades-chart"
      />
      {plots.length > 0 ? (
        <ul className="plot-legend" data-testid="plot-legend">
          {plots.map((p, i) => (
            <li key={p.name}>
              <span className="swatch" style={{ background: PLOT_COLOURS[i % PLOT_COLOURS.length] }} />
              {p.name}
              <span className="muted"> · {overlaysPrice(p, candles) ? 'on the price' : 'own pane'}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
