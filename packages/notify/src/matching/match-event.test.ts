import type { EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { matchEvent, mayMatchType } from './match-event.ts';
import { stableNotificationId } from './notification-id.ts';

const user = '019a0000-0000-7000-8000-0000000000aa';
const event = (type: string, data: Record<string, unknown>, subject = user): EventEnvelope => ({
  specversion: '1.0',
  id: '019a0000-0000-7000-8000-000000000001',
  type,
  source: 'test',
  subject,
  time: '2026-01-01T00:00:00.000Z',
  seq: 1,
  partitionkey: subject,
  dataschema: `/schemas/${type}/1`,
  data,
});

describe('match event', () => {
  it('match - an admin notice goes to its one user, or to everyone; urgent stays urgent', () => {
    expect(
      matchEvent(
        event('admin.notice.sent', {
          title: 'Hi',
          message: 'Read me',
          userId: user,
          severity: 'urgent',
          sentBy: 'a',
        }),
      ),
    ).toMatchObject({
      kind: 'admin.notice',
      severity: 'urgent',
      audience: { type: 'user', userId: user },
      title: 'Hi',
      body: 'Read me',
    });
    expect(
      matchEvent(
        event('admin.notice.sent', { title: 'All', message: 'x', severity: 'info', sentBy: 'a' }, 'everyone'),
      ),
    ).toMatchObject({ kind: 'admin.notice', severity: 'info', audience: { type: 'everyone' } });
  });

  it('match - owner events go to their user with a kind and severity', () => {
    expect(
      matchEvent(event('account.snapshot.generated', { accountId: user, cash: '10000.00', currency: 'USD' })),
    ).toMatchObject({
      kind: 'account.ready',
      audience: { type: 'user', userId: user },
    });
    expect(matchEvent(event('identity.security.password_changed', {}))).toMatchObject({
      kind: 'security',
      severity: 'critical',
    });
    expect(
      matchEvent(event('backtest.completed', { userId: user, backtestId: 'b1', totalReturn: 0.1234 })),
    ).toMatchObject({
      kind: 'backtest.completed',
      body: expect.stringContaining('12.34 %') as unknown,
      url: '/backtests/b1',
    });
    expect(
      matchEvent(
        event('portfolio.order.filled', {
          userId: user,
          symbol: 'BTC-USD',
          side: 'buy',
          quantity: '1',
          price: '100',
        }),
      ),
    ).toMatchObject({
      kind: 'order.filled',
      severity: 'urgent',
      body: 'Bought 1 BTC-USD at 100.00',
    });
    const filled = (quantity: unknown, price: unknown, side = 'sell') =>
      matchEvent(event('portfolio.order.filled', { userId: user, symbol: 'BTC-USDT', side, quantity, price }))
        ?.body;
    expect(filled(0.1643163488032887, 59949.3)).toBe('Sold 0.16431635 BTC-USDT at 59,949.30');
    expect(filled('2500', '0.000123456789')).toBe('Sold 2,500 BTC-USDT at 0.000123457');
  });

  it('match - a live strategy paused by a failure or the kill switch goes to its owner, critical (no cap holds it); the owner’s own pause is not a notification', () => {
    const paused = (code: string) =>
      event('strategy.live.paused', {
        strategyId: 's1',
        userId: user,
        portfolioId: user,
        code,
        reason: 'boom',
        at: 5,
      });
    expect(matchEvent(paused('STRATEGY_CPU_LIMIT'))).toMatchObject({
      kind: 'strategy.paused',
      severity: 'critical',
      audience: { type: 'user', userId: user },
      title: 'Strategy paused',
      body: expect.stringContaining('boom') as unknown,
      data: { strategyId: 's1', code: 'STRATEGY_CPU_LIMIT' },
      url: '/live',
    });
    expect(matchEvent(paused('kill_switch'))).toMatchObject({ title: 'Strategy paused by the kill switch' });
    expect(matchEvent(paused('user'))).toBeUndefined();
  });

  it('match - a live run first diverging from its backtest replay tells its owner the decision and the field', () => {
    const m = matchEvent(
      event('strategy.live.parity.diverged', {
        runId: `${user}:s1`,
        strategyId: 's1',
        strategyName: 'Trend',
        version: 2,
        userId: user,
        portfolioId: user,
        decision: 61,
        field: 'quantity',
        checkedAt: 5,
      }),
    );
    expect(mayMatchType('strategy.live.parity.diverged')).toBe(true);
    expect(m).toMatchObject({
      kind: 'strategy.parity',
      severity: 'urgent',
      audience: { type: 'user', userId: user },
      body: 'Live strategy Trend diverges from its backtest replay at decision 61: quantity differs.',
      data: { strategyId: 's1', decision: 61, field: 'quantity' },
      url: '/live',
    });
  });

  it('match - a feed going unhealthy and healthy again tells the owner of the runs that read it', () => {
    const data = {
      userId: user,
      runIds: [`${user}:s1`, `${user}:s2`],
      symbol: 'BTC-USDT',
      interval: '1m',
      at: 5,
    };
    const bad = matchEvent(
      event('strategy.live.data.health', {
        ...data,
        healthy: false,
        problem: 'jump',
        detail: 'close moved 25.0% (band 20%)',
      }),
    );
    expect(mayMatchType('strategy.live.data.health')).toBe(true);
    expect(bad).toMatchObject({
      kind: 'strategy.data_health',
      severity: 'urgent',
      audience: { type: 'user', userId: user },
      title: 'Market data unhealthy: BTC-USDT 1m',
      body: 'BTC-USDT 1m jumped (close moved 25.0% (band 20%)): 2 live strategies take no new entries until it is healthy again; exits go on.',
      url: '/live',
    });
    const good = matchEvent(event('strategy.live.data.health', { ...data, healthy: true }));
    expect(good).toMatchObject({ severity: 'info', title: 'Market data healthy again: BTC-USDT 1m' });
  });

  it('match - a run paused for CPU tells its owner when it resumes by itself and what to change', () => {
    const reason =
      'onCandle used more than its 50 ms of CPU per candle on 3 of its last 10 candles (61.0, 70.0, 64.2 ms). Do less work per candle';
    const m = matchEvent(
      event('strategy.live.paused', {
        strategyId: 's1',
        userId: user,
        portfolioId: user,
        code: 'STRATEGY_CPU_LIMIT',
        reason,
        at: Date.UTC(2026, 0, 1, 12, 0),
        resumesAt: Date.UTC(2026, 0, 1, 12, 0, 30),
      }),
    );
    expect(m?.body).toContain(reason);
    expect(m?.body).toContain('It resumes by itself at 2026-01-01 12:00 UTC');
    expect(m?.body).not.toContain('until you resume it');
    expect(m?.data).toMatchObject({ resumesAt: Date.UTC(2026, 0, 1, 12, 0, 30) });
  });

  it('match - live notifications name the strategy, not its id, when the event carries the name', () => {
    const named = { strategyId: '01a2b3c4', strategyName: 'SMA cross', userId: user, portfolioId: user };
    const paused = matchEvent(
      event('strategy.live.paused', { ...named, code: 'STRATEGY_CPU_LIMIT', reason: 'r', at: 5 }),
    );
    expect(paused?.body).toMatch(/^Live strategy SMA cross was paused/);
    const signal = matchEvent(event('strategy.signal', { ...named, side: 'buy', symbol: 'BTC-USDT' }));
    expect(signal?.body).toBe('Strategy SMA cross signalled buy on BTC-USDT.');
    expect(`${paused?.body} ${signal?.body}`).not.toContain('01a2b3c4');
  });

  it('match - an email verification goes to its user at the address it proves, critical, by reference', () => {
    const verificationId = '019a0000-0000-7000-8000-0000000000ee';
    const m = matchEvent(
      event('account.email.verification.requested', {
        userId: user,
        email: 'ada@example.test',
        verificationId,
        expiresAt: 'x',
      }),
    );
    expect(m).toMatchObject({
      kind: 'account.email_verification',
      severity: 'critical',
      audience: { type: 'user', userId: user },
      email: 'ada@example.test',
      data: { verificationId },
    });
    // The link is made as the mail goes out; nothing the notification keeps carries a token.
    expect(m?.url).toBeUndefined();
    // An event of the earlier version carried the link itself: it is not sent from the log.
    expect(
      matchEvent(
        event('account.email.verification.requested', { userId: user, url: '/verify-email?token=abc' }),
      ),
    ).toBeUndefined();
  });

  it("match - identity's security changes tell their user, critical, naming the change", () => {
    const m = matchEvent(event('account.security.changed', { userId: user, change: 'password_changed' }));
    expect(m).toMatchObject({
      kind: 'security',
      severity: 'critical',
      audience: { type: 'user', userId: user },
      title: 'Security: password changed',
    });
  });

  it('match - a notice title with CR/LF from any publisher becomes one line', () => {
    // The admin route refuses such a title (notify-hardening.e2e); a zone's broadcast or an older
    // event in the log reaches the matcher without that route.
    for (const type of ['admin.notice.sent', 'game.notice.broadcast']) {
      const m = matchEvent(event(type, { title: 'Maintenance\r\nX-Injected: yes\u2028more', message: 'm' }));
      expect(m?.title, type).toBe('Maintenance X-Injected: yes more');
    }
  });

  it('match - a new sign-in names the device and address, on one line', () => {
    const m = matchEvent(
      event('account.security.changed', {
        userId: user,
        change: 'new_sign_in',
        device: 'Firefox on Linux\r\nX-Evil: 1',
        address: '203.0.113.7',
      }),
    );
    expect(m).toMatchObject({
      kind: 'security',
      severity: 'critical',
      audience: { type: 'user', userId: user },
      title: 'New sign-in from Firefox on Linux X-Evil: 1',
      data: { device: 'Firefox on Linux\r\nX-Evil: 1', address: '203.0.113.7' },
    });
    expect(m!.body).toContain('203.0.113.7');
  });

  it('match - source down goes to subscribers; a notice to everyone; other events to nobody', () => {
    expect(
      matchEvent(event('market.source.status', { source: 'binance', state: 'failed' }, 'binance')),
    ).toMatchObject({ kind: 'market.source.down', audience: { type: 'subscribers' } });
    expect(
      matchEvent(event('market.source.status', { source: 'binance', state: 'live' }, 'binance')),
    ).toBeUndefined();
    expect(
      matchEvent(event('game.notice.broadcast', { message: 'maintenance at 10:00' }, 'zone-1')),
    ).toMatchObject({ kind: 'admin.notice', audience: { type: 'everyone' } });
    expect(matchEvent(event('market.trade', { price: 1 }, 'BTC-USD'))).toBeUndefined();
    expect(matchEvent(event('backtest.completed', {}, 'not-a-user'))).toBeUndefined();
  });

  it('match - the type filter skips the lifecycle events the log carries beside domain events', () => {
    for (const type of ['notification.requested', 'notification.delivered', 'market.trade'])
      expect(mayMatchType(type)).toBe(false);
    for (const type of [
      'backtest.completed',
      'strategy.live.paused',
      'admin.notice.sent',
      'identity.security.password_changed',
    ])
      expect(mayMatchType(type)).toBe(true);
  });

  it('notification id - stable per (event, user), a UUIDv7 with the event time', () => {
    const a = stableNotificationId(1_767_225_600_000, 'e1', user);
    expect(a).toBe(stableNotificationId(1_767_225_600_000, 'e1', user));
    expect(a).not.toBe(stableNotificationId(1_767_225_600_000, 'e1', 'someone-else'));
    expect(a).toMatch(/^019b[0-9a-f]{4}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
