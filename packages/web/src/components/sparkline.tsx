/** @module A small inline trend line (SVG) for numbers sampled over time. */
import type { ReactNode } from 'react';

interface Props {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
  color?: string;
  /** Scale from zero (counts); false scales to the values' own range (an equity curve). @default true */
  fromZero?: boolean;
}

export function Sparkline({
  values,
  label,
  width = 120,
  height = 28,
  color = 'var(--accent)',
  fromZero = true,
}: Props): ReactNode {
  if (values.length < 2) return <span className="muted small">collecting…</span>;
  const max = Math.max(...values);
  const min = fromZero ? Math.min(...values, 0) : Math.min(...values);
  const span = max - min || 1;
  const points = values
    .map(
      (v, i) =>
        `${((i / (values.length - 1)) * width).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <polyline points={points} fill="none" stroke={color} strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}
