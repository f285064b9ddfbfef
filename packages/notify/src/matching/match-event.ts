/**
 * @module Which domain events become notifications, for whom, and with what text. Pure: events
 * are matched by type string (notify imports no other domain package), and fields are read
 * defensively because producers own their schemas.
 */
import type { EventEnvelope } from '@tickline/kernel';
import { NotificationKind, Severity } from '../kinds.ts';
import { FEED_PROBLEM_WORDS } from '@tickline/protocol';

/** The recipients of a match: one user, or every user whose rules take the kind. */
export type Audience = { type: 'user'; userId: string } | { type: 'subscribers' } | { type: 'everyone' };

/** A domain event seen as a notification. */
export interface EventMatch {
  kind: NotificationKind;
  severity: Severity;
  audience: Audience;
  title: string;
  body: string;
  data: Record<string, unknown>;
  url?: string;
  /** Deliver by email to this address only (a verification link goes to the address it proves). */
  email?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Source states that mean "no data is coming". */
const DOWN_STATES = new Set(['failed', 'stale']);

/** Types {@link matchEvent} may turn into a notification (besides the security prefixes). */
const MATCHED_TYPES: ReadonlySet<string> = new Set([
  'account.snapshot.generated',
  'account.email.verification.requested',
  'backtest.completed',
  'strategy.signal',
  'strategy.live.paused',
  'strategy.live.parity.diverged',
  'strategy.live.data.health',
  'portfolio.order.filled',
  'market.source.status',
  'admin.notice.sent',
  'game.notice.broadcast',
]);
/** Identity's security events (password changed, new sign-in, two-factor changed, key created…). */
const SECURITY_PREFIXES = ['security.', 'identity.security.', 'account.security.'] as const;
const isSecurityType = (type: string): boolean => SECURITY_PREFIXES.some((p) => type.startsWith(p));

/**
 * False for a type {@link matchEvent} never matches, decided on the type alone: the matcher's
 * consumer skips such records without decoding them (the log carries every delivered event too).
 */
export function mayMatchType(type: string): boolean {
  return MATCHED_TYPES.has(type) || isSecurityType(type);
}

type Data = Record<string, unknown>;
const scalar = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The user an event is about: `data.userId`, `data.accountId`, else the subject if it is a UUID. */
export function ownerOf(event: EventEnvelope): string | undefined {
  const data = (event.data ?? {}) as Data;
  for (const candidate of [data.userId, data.accountId, data.ownerId, event.subject]) {
    if (typeof candidate === 'string' && UUID.test(candidate)) return candidate.toLowerCase();
  }
  return undefined;
}

function forOwner(event: EventEnvelope, match: Omit<EventMatch, 'audience'>): EventMatch | undefined {
  const userId = ownerOf(event);
  return userId ? { ...match, audience: { type: 'user', userId } } : undefined;
}

/**
 * A title is one line: control characters (CR, LF, tabs…) become a space, so a title never splits
 * a webhook consumer's log line, a push notice or an SMS, whoever published the event.
 */
export function oneLine(title: string): string {
  // eslint-disable-next-line no-control-regex
  return title.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** A sign-in from a device and address new to the account: the notice names both. */
function newSignIn(event: EventEnvelope, data: Data): EventMatch | undefined {
  const device = str(data.device) ?? 'an unknown device';
  const address = str(data.address);
  return forOwner(event, {
    kind: NotificationKind.Security,
    severity: Severity.Critical,
    title: `New sign-in from ${device}`,
    body: `Your account was signed in to from ${device}${address ? ` at ${address}` : ''}. If it was not you, change your password and sign out everywhere.`,
    data: { event: event.type, change: 'new_sign_in', ...pick(data, ['device', 'address']) },
    url: '/settings/security',
  });
}

/** Matches one event; undefined when it is not a notification. */
export function matchEvent(event: EventEnvelope): EventMatch | undefined {
  const match = matchRaw(event);
  return match && { ...match, title: oneLine(match.title) };
}

function matchRaw(event: EventEnvelope): EventMatch | undefined {
  const data = (event.data ?? {}) as Data;
  const type = event.type;
  // The consumer's type filter and this function agree by construction: a branch below whose type
  // is not listed is never reached.
  if (!mayMatchType(type)) return undefined;
  if (type === 'account.snapshot.generated') {
    return forOwner(event, {
      kind: NotificationKind.AccountReady,
      severity: Severity.Info,
      title: 'Your account is ready',
      body: `Your paper portfolio starts with ${str(data.cash) ?? 'its'} ${str(data.currency) ?? ''} cash.`.replace(
        /\s+/g,
        ' ',
      ),
      data: { cash: data.cash, currency: data.currency },
      url: '/portfolio',
    });
  }
  if (type === 'account.email.verification.requested') {
    // A reference to the link, never its token: the email channel asks identity for the link as it
    // sends (an event of an earlier version carried the link itself; it is not sent from the log).
    const verificationId = str(data.verificationId);
    if (!verificationId) return undefined;
    return forOwner(event, {
      kind: NotificationKind.EmailVerification,
      severity: Severity.Critical,
      title: 'Verify your email',
      body: 'Open the link to confirm this address for your Tickline account. It works once, for a day.',
      data: { verificationId, expiresAt: data.expiresAt },
      ...(str(data.email) ? { email: str(data.email) } : {}),
    });
  }
  if (isSecurityType(type)) {
    // identity's account.security.changed names the change in its data; other types in their name.
    const change = str(data.change) ?? type.split('.').slice(-1)[0]!;
    if (change === 'new_sign_in') return newSignIn(event, data);
    const what = change.replace(/_/g, ' ');
    return forOwner(event, {
      kind: NotificationKind.Security,
      severity: Severity.Critical,
      title: `Security: ${what}`,
      body:
        str(data.message) ??
        `A security event on your account: ${what}. If it was not you, change your password.`,
      data: { event: type, ...pick(data, ['ip', 'userAgent', 'method', 'keyId', 'device', 'address']) },
      url: '/settings/security',
    });
  }
  if (type === 'backtest.completed') {
    const name = str(data.strategyName) ?? str(data.strategyId) ?? 'your strategy';
    return forOwner(event, {
      kind: NotificationKind.BacktestCompleted,
      severity: Severity.Info,
      title: 'Backtest completed',
      body: `The backtest of ${name} finished${typeof data.totalReturn === 'number' ? ` with a return of ${(data.totalReturn * 100).toFixed(2)} %` : ''}.`,
      data: pick(data, ['backtestId', 'strategyId', 'totalReturn', 'status']),
      ...(str(data.backtestId) ? { url: `/backtests/${str(data.backtestId)}` } : {}),
    });
  }
  if (type === 'strategy.signal') {
    return forOwner(event, {
      kind: NotificationKind.StrategySignal,
      severity: str(data.urgency) === 'urgent' ? Severity.Urgent : Severity.Info,
      title: `Signal: ${str(data.side) ?? 'signal'} ${str(data.symbol) ?? ''}`.trim(),
      body: `Strategy ${str(data.strategyName) ?? str(data.strategyId) ?? ''} signalled ${str(data.side) ?? 'a trade'} on ${str(data.symbol) ?? 'a market'}.`.replace(
        /\s+/g,
        ' ',
      ),
      data: pick(data, ['strategyId', 'symbol', 'side', 'price', 'strength']),
    });
  }
  // A live run that stopped on its own (it threw, ran out of CPU or memory) or by the kill
  // switch; a pause its owner asked for (`code: user`) tells them nothing new.
  // Critical: money is at stake, so neither the hourly cap nor quiet hours hold it back (a minute
  // of signals and fills used up a free tier's cap and held a kill-switch pause for the hour).
  if (type === 'strategy.live.paused' && str(data.code) !== 'user') {
    const code = str(data.code) ?? 'paused';
    return forOwner(event, {
      kind: NotificationKind.StrategyPaused,
      severity: Severity.Critical,
      title: code === 'kill_switch' ? 'Strategy paused by the kill switch' : 'Strategy paused',
      body: `Live strategy ${str(data.strategyName) ?? str(data.strategyId) ?? ''} was paused (${code}): ${str(data.reason) ?? 'no reason given'}. ${untilWhen(data.resumesAt)}`.replace(
        /\s+/g,
        ' ',
      ),
      data: pick(data, ['strategyId', 'portfolioId', 'code', 'reason', 'at', 'resumesAt']),
      url: '/live',
    });
  }
  // The platform's parity check (trading parity-monitor.ts) first found a live run apart from its
  // backtest replay: the decision and the field the owner looks at (`tickline live parity`).
  if (type === 'strategy.live.parity.diverged') {
    return forOwner(event, {
      kind: NotificationKind.StrategyParity,
      severity: Severity.Urgent,
      title: 'Live strategy diverged from its backtest',
      body: `Live strategy ${str(data.strategyName) ?? str(data.strategyId) ?? ''} diverges from its backtest replay at decision ${scalar(data.decision)}: ${str(data.field) ?? 'a field'} differs.`.replace(
        /\s+/g,
        ' ',
      ),
      data: pick(data, [
        'runId',
        'strategyId',
        'portfolioId',
        'decision',
        'field',
        'candleCloseTime',
        'checkedAt',
      ]),
      url: '/live',
    });
  }
  // The data-health interlock (trading run-health.ts): a feed the owner's runs read went bad —
  // their entries stop — or is healthy again.
  if (type === 'strategy.live.data.health') {
    const feed = `${str(data.symbol) ?? ''} ${str(data.interval) ?? ''}`.trim();
    const runs = Array.isArray(data.runIds) ? data.runIds.length : 0;
    const healthy = data.healthy === true;
    return forOwner(event, {
      kind: NotificationKind.StrategyDataHealth,
      severity: healthy ? Severity.Info : Severity.Urgent,
      title: healthy ? `Market data healthy again: ${feed}` : `Market data unhealthy: ${feed}`,
      body: healthy
        ? `${feed} is healthy again: ${runs} live ${runs === 1 ? 'strategy takes' : 'strategies take'} new entries again.`
        : `${feed} ${(FEED_PROBLEM_WORDS as Record<string, string>)[str(data.problem) ?? ''] ?? 'is unhealthy'} (${str(data.detail) ?? ''}): ${runs} live ${runs === 1 ? 'strategy takes' : 'strategies take'} no new entries until it is healthy again; exits go on.`,
      data: pick(data, ['symbol', 'interval', 'healthy', 'problem', 'detail', 'runIds', 'at']),
      url: '/live',
    });
  }
  if (type === 'portfolio.order.filled') {
    return forOwner(event, {
      kind: NotificationKind.OrderFilled,
      severity: Severity.Urgent,
      title: `Order filled: ${str(data.side) ?? ''} ${str(data.symbol) ?? ''}`.replace(/\s+/g, ' ').trim(),
      body: filledBody(data),
      data: pick(data, ['orderId', 'portfolioId', 'symbol', 'side', 'quantity', 'price']),
    });
  }
  if (type === 'market.source.status') {
    const state = str(data.state);
    if (!state || !DOWN_STATES.has(state)) return undefined;
    const source = str(data.source) ?? event.subject;
    return {
      kind: NotificationKind.SourceDown,
      severity: Severity.Info,
      audience: { type: 'subscribers' },
      title: `Market source ${source} is ${state}`,
      body: str(data.detail) ?? `No market data is arriving from ${source}.`,
      data: { source, exchange: data.exchange, state },
    };
  }
  if (type === 'admin.notice.sent') {
    const userId = str(data.userId);
    return {
      kind: NotificationKind.AdminNotice,
      severity: data.severity === 'urgent' ? Severity.Urgent : Severity.Info,
      audience: userId ? { type: 'user', userId } : { type: 'everyone' },
      title: str(data.title) ?? 'Notice',
      body: str(data.message) ?? '',
      data: {},
      url: '/notifications',
    };
  }
  if (type === 'game.notice.broadcast') {
    return {
      kind: NotificationKind.AdminNotice,
      severity: Severity.Info,
      audience: { type: 'everyone' },
      title: str(data.title) ?? 'Notice',
      body: str(data.message) ?? str(data.text) ?? '',
      data: pick(data, ['zone', 'level']),
    };
  }
  return undefined;
}

/** "Bought 0.16431635 BTC-USDT at 59,949.30": the amounts people read, not 0.1643163488032887. */
function filledBody(data: Data): string {
  const side = str(data.side);
  const verb = side === 'buy' ? 'Bought' : side === 'sell' ? 'Sold' : 'Filled';
  return `${verb} ${amount(data.quantity, quantityFormat)} ${str(data.symbol) ?? ''} at ${amount(data.price, priceFormat(Number(data.price)))}`
    .replace(/\s+/g, ' ')
    .trim();
}

const quantityFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
const PRICE_FORMAT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const SMALL_PRICE_FORMAT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
const priceFormat = (n: number) => (Math.abs(n) >= 1 ? PRICE_FORMAT : SMALL_PRICE_FORMAT);

/** A decimal string or number, formatted; anything else as it came (or nothing). */
function amount(v: unknown, format: Intl.NumberFormat): string {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? format.format(n) : scalar(v);
}

function pick(data: Data, keys: readonly string[]): Data {
  const out: Data = {};
  for (const k of keys) if (data[k] !== undefined) out[k] = data[k];
  return out;
}

/**
 * What a paused run does next: a run paused for CPU resumes by itself at `resumesAt` (and goes
 * back to pause at once if it overruns again); any other waits for its owner.
 */
function untilWhen(resumesAt: unknown): string {
  if (typeof resumesAt !== 'number') return 'It places no orders until you resume it.';
  const at = new Date(resumesAt).toISOString().slice(0, 16).replace('T', ' ');
  return `It resumes by itself at ${at} UTC and is paused again at once if it goes over its budget again; until you change it, it keeps pausing.`;
}
