/**
 * @module The results charts (lightweight-charts): equity with the drawdown in a pane below, and
 * the price with each trade's entry and exit marked.
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

export function TradesChart({
  candles,
  trades,
}: {
  candles: readonly PriceCandle[];
  trades: readonly BacktestTrade[];
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
      for (const t of trades) {
        markers.push({
          time: sec(t.entryTime),
          position: 'belowBar',
          color: '#22c55e',
          shape: 'arrowUp',
          text: t.entryReason || 'entry',
        });
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
    },
    [candles, trades],
  );
  return <div className="chart" ref={host} data-testid="trades-chart" />;
}
