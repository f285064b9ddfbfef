/**
 * @module The portfolio's equity over time (lightweight-charts, as the market and backtest charts):
 * the stored history plus the live figure, updated in place rather than redrawn.
 */
import type { EquityPoint } from '@tickline/client';
import {
  AreaSeries,
  ColorType,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, type ReactNode } from 'react';

/** One value per second: the chart's time axis needs strictly increasing seconds. */
function toSeries(points: readonly EquityPoint[]) {
  const bySecond = new Map<number, number>();
  for (const p of points) bySecond.set(Math.floor(p.at / 1000), p.equity);
  return [...bySecond]
    .sort(([a], [b]) => a - b)
    .map(([time, value]) => ({ time: time as UTCTimestamp, value }));
}

/**
 * `fitKey` names the history shown (the range): when it changes to a loaded one the time axis fits
 * the points, so a new range fills the chart; live points after that leave the user's zoom alone.
 */
export function EquityChart({
  points,
  fitKey,
}: {
  points: readonly EquityPoint[];
  fitKey?: string;
}): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi>(null);
  const series = useRef<ISeriesApi<'Area'>>(null);
  const fitted = useRef<string>(undefined);
  useEffect(() => {
    const style = getComputedStyle(document.documentElement);
    const text = style.getPropertyValue('--muted').trim() || '#8b9bb0';
    const grid = style.getPropertyValue('--border').trim() || '#223041';
    const chart = createChart(host.current!, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: text },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      timeScale: { timeVisible: true, borderColor: grid },
      rightPriceScale: { borderColor: grid },
    });
    chartRef.current = chart;
    series.current = chart.addSeries(AreaSeries, {
      lineColor: '#38bdf8',
      topColor: 'rgba(56, 189, 248, 0.35)',
      bottomColor: 'rgba(56, 189, 248, 0.02)',
      lineWidth: 2,
      priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    });
    return () => {
      series.current = null;
      chartRef.current = null;
      fitted.current = undefined;
      chart.remove();
    };
  }, []);
  useEffect(() => {
    series.current?.setData(toSeries(points));
    if (fitKey !== undefined && fitKey !== fitted.current && points.length > 0) {
      chartRef.current?.timeScale().fitContent();
      fitted.current = fitKey;
    }
  }, [points, fitKey]);
  return (
    <div className="chart equity-chart" ref={host} data-testid="equity-chart" aria-label="Equity over time" />
  );
}
