/** @module Human words for the events a user receives on their own channel. */
import {
  EventType,
  type AccountSnapshot,
  type BacktestCompletedEvent,
  type HistoryDownload,
  type ResearchCompletedEvent,
  type StreamEvent,
} from '@tickline/protocol';

/** Read defensively: an event of an older or newer server may lack a field. */
type BacktestCompletedData = Partial<BacktestCompletedEvent>;
type SnapshotData = Partial<AccountSnapshot>;
type ResearchCompletedData = Partial<ResearchCompletedEvent>;

const RESEARCH_KINDS: Readonly<Record<string, string>> = {
  lookahead: 'Look-ahead check',
  'walk-forward': 'Walk-forward',
  search: 'Parameter search',
};

interface BookedFillData {
  symbol?: string;
  side?: 'buy' | 'sell';
  quantity?: number;
  price?: number;
  cash?: number;
  equity?: number;
  partial?: boolean;
}

interface OrderRejectedData {
  symbol?: string;
  side?: string;
  quantity?: number;
  reason?: string;
  detail?: string;
}

interface SignalData {
  symbol?: string;
  side?: string;
  type?: string;
  quantity?: number;
  reason?: string;
}

interface PausedData {
  code?: string;
  reason?: string;
}

const usd = (value: number | undefined) =>
  formatMoney(value === undefined ? undefined : String(value), 'USD');
const amount = (value: number | undefined) =>
  value === undefined ? '' : value.toLocaleString(undefined, { maximumFractionDigits: 8 });

/** A title and one line for `event`; unknown types fall back to their name. */
export function describeEvent(event: StreamEvent): { title: string; body: string } {
  switch (event.type) {
    case EventType.AccountSnapshotGenerated: {
      const data = (event.data ?? {}) as SnapshotData;
      return {
        title: 'Your paper portfolio is ready',
        body: `${formatMoney(data.cash, data.currency)} starting cash${data.tier ? ` (${data.tier} tier)` : ''}.`,
      };
    }
    case EventType.BacktestCompleted: {
      const data = (event.data ?? {}) as BacktestCompletedData;
      if (data.status === 'succeeded' && data.summary) {
        const { totalReturn, trades, maxDrawdown } = data.summary;
        return {
          title: 'Backtest finished',
          body: `${percent(totalReturn)} return, ${trades} trades, ${percent(maxDrawdown)} max drawdown.`,
        };
      }
      return {
        title: data.status === 'cancelled' ? 'Backtest cancelled' : 'Backtest failed',
        body: data.error ? `${data.error.code}: ${data.error.message}` : '',
      };
    }
    case EventType.ResearchCompleted: {
      const d = (event.data ?? {}) as ResearchCompletedData;
      const kind = RESEARCH_KINDS[d.kind ?? ''] ?? 'Research';
      return {
        title: `${kind} ${d.status === 'succeeded' ? 'finished' : (d.status ?? 'finished')}`,
        body: d.error
          ? `${d.error.code}: ${d.error.message}`
          : `Strategy version ${d.version ?? '?'}: the report is ready.`,
      };
    }
    case EventType.HistoryDownloadCompleted: {
      const d = ((event.data ?? {}) as { download?: Partial<HistoryDownload> }).download ?? {};
      const what = `${d.symbol ?? ''} ${d.interval ?? ''} from ${d.venue ?? 'the venue'}`;
      return d.status === 'complete'
        ? {
            title: 'History downloaded',
            body: `${what}: ${(d.candles ?? 0).toLocaleString('en-US')} candles over ${d.daysTotal ?? '?'} days.`,
          }
        : {
            title: 'History download stopped',
            body: `${what}: ${d.error ? `${d.error.code}: ${d.error.message}` : 'failed'}. Get history again to resume.`,
          };
    }
    case EventType.PortfolioOrderFilled: {
      const d = (event.data ?? {}) as BookedFillData;
      return {
        title: `${d.side === 'sell' ? 'Sold' : 'Bought'} ${amount(d.quantity)} ${d.symbol ?? ''}${d.partial ? ' (part)' : ''}`,
        body: `At ${amount(d.price)}. Cash ${usd(d.cash)}, equity ${usd(d.equity)}.`,
      };
    }
    case EventType.OrderRejected: {
      const d = (event.data ?? {}) as OrderRejectedData;
      return {
        title: 'Order rejected',
        body: `${d.side ?? ''} ${amount(d.quantity)} ${d.symbol ?? ''}: ${d.detail ?? d.reason ?? ''} (${d.reason ?? 'rejected'})`,
      };
    }
    case EventType.StrategySignal: {
      const d = (event.data ?? {}) as SignalData;
      return {
        title: 'Strategy signal',
        body: `${d.side ?? ''} ${amount(d.quantity)} ${d.symbol ?? ''} ${d.type ?? ''}${d.reason ? ` · ${d.reason}` : ''}`,
      };
    }
    case EventType.StrategyLivePaused: {
      const d = (event.data ?? {}) as PausedData;
      return { title: 'Live strategy paused', body: `${d.reason ?? ''} (${d.code ?? 'paused'})` };
    }
    default:
      return { title: event.type, body: summarize(event.data) };
  }
}

/** Dollar stablecoins are shown as dollars (Intl knows no `USDT`), as the portfolio pages do. */
const SHOWN_AS: Readonly<Record<string, string>> = { USDT: 'USD', USDC: 'USD' };

/** `10000.00`, `USD` (or `USDT`) → `$10,000.00`. */
export function formatMoney(amount: string | undefined, currency: string | undefined): string {
  const value = Number(amount);
  if (amount === undefined || !Number.isFinite(value)) return amount ?? '—';
  try {
    const shown = currency === undefined ? 'USD' : (SHOWN_AS[currency] ?? currency);
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: shown }).format(value);
  } catch {
    return `${amount} ${currency ?? ''}`.trim();
  }
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function summarize(data: unknown): string {
  if (data === null || data === undefined) return '';
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
