/** @module Exchange calendar data: the shape of the tables shipped in `data/`, and a session. */

/** Exchanges with a shipped calendar: NYSE and Nasdaq share one (`US`), the Korea Exchange is `KS`. */
export const ExchangeCode = { US: 'US', KS: 'KS' } as const;
export type ExchangeCode = (typeof ExchangeCode)[keyof typeof ExchangeCode];

/** A local wall-clock time, `HH:MM`, in the exchange's time zone. */
export type LocalTime = `${number}:${number}`;

/** A day whose hours differ from the regular ones (an early close, a late open, or both). */
export interface SpecialHours {
  readonly open?: LocalTime;
  readonly close?: LocalTime;
  readonly name: string;
}

/** One calendar year of an exchange: full-day closures and days with other hours, by local `YYYY-MM-DD`. */
export interface CalendarYear {
  readonly holidays: Readonly<Record<string, string>>;
  readonly specialHours: Readonly<Record<string, SpecialHours>>;
}

/** An exchange's calendar as shipped: zone, regular session hours and the years covered. */
export interface ExchangeCalendarData {
  readonly exchange: ExchangeCode;
  /** IANA time zone the hours are written in. */
  readonly timeZone: string;
  /** Currency its symbols trade in. */
  readonly currency: string;
  readonly regular: { readonly open: LocalTime; readonly close: LocalTime };
  /** Where the tables come from, for the docs and the error messages. */
  readonly source: string;
  readonly years: Readonly<Record<number, CalendarYear>>;
}

/** One trading session: a local date and its open and close instants (epoch ms, close exclusive). */
export interface Session {
  readonly exchange: ExchangeCode;
  /** Local trading date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly openMs: number;
  readonly closeMs: number;
  /** Set when the day's hours differ from the regular ones (early close, late open). */
  readonly special?: string;
}
