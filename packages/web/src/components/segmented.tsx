/** @module A row of mutually exclusive buttons (a radio group drawn as segments). */
import type { ReactNode } from 'react';

/** One choice of {@link Segmented}. */
export interface SegmentOption<T extends string> {
  value: T;
  label: string;
  /** Extra class while this segment is on (e.g. a buy/sell colour). */
  className?: string;
}

/** See the module comment. */
export function Segmented<T extends string>(props: {
  label: string;
  value: T;
  options: ReadonlyArray<SegmentOption<T>>;
  onChange: (value: T) => void;
  testId?: string;
}): ReactNode {
  return (
    <div className="segmented" role="radiogroup" aria-label={props.label} data-testid={props.testId}>
      {props.options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={props.value === o.value}
          className={`segment ${props.value === o.value ? `segment-on ${o.className ?? ''}` : ''}`}
          onClick={() => props.onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
