import { describe, expect, it } from 'vitest';
import { Channel, NotificationKind, Severity } from '../kinds.ts';
import { planDeliveries, type PlanInput, type UserPreferences } from './plan-deliveries.ts';

const user = 'a0000000-0000-7000-8000-000000000001';
const noon = Date.parse('2026-01-15T12:00:00Z');
const prefs = (over: Partial<UserPreferences> = {}): UserPreferences => ({
  userId: user,
  tier: 'premium',
  email: 'ada@example.com',
  locale: 'en',
  timeZone: 'UTC',
  quietStart: null,
  quietEnd: null,
  rateLimitPerHour: 10,
  smsDailyCap: 2,
  ...over,
});
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  kind: NotificationKind.BacktestCompleted,
  severity: Severity.Info,
  nowMs: noon,
  preferences: prefs(),
  rule: undefined,
  defaultChannels: [Channel.InApp, Channel.Email],
  targets: {
    email: 'ada@example.com',
    webhooks: [
      { id: 'w1', kinds: [] },
      { id: 'w2', kinds: ['security'] },
    ],
    pushSubscriptions: ['p1'],
    phone: '+15550001111',
  },
  counters: { lastHour: 0, smsToday: 0 },
  ...over,
});

describe('plan deliveries', () => {
  it('plan - given no rule, when planned, then the tier default channels and the matching webhooks are due now', () => {
    // w1 takes every kind (it reads "all kinds"), w2 only security: no second switch needed.
    expect(planDeliveries(input())).toEqual([
      { channel: 'in_app', target: user, status: 'pending', dueAtMs: noon },
      { channel: 'email', target: 'ada@example.com', status: 'pending', dueAtMs: noon },
      { channel: 'webhook', target: 'w1', status: 'pending', dueAtMs: noon },
    ]);
    // A rule for the kind decides alone: one without webhooks sends none.
    const ruled = planDeliveries(input({ rule: { channels: [Channel.InApp], urgent: false } }));
    expect(ruled.map((d) => d.channel)).toEqual(['in_app']);
    // A tier without webhooks gets none either.
    const allowed = new Set([Channel.InApp, Channel.Email]);
    expect(planDeliveries(input({ allowed })).map((d) => d.channel)).toEqual(['in_app', 'email']);
  });

  it('plan - an email verification link goes by email only, whatever the rule', () => {
    const planned = planDeliveries(
      input({
        kind: NotificationKind.EmailVerification,
        severity: Severity.Critical,
        rule: { channels: [Channel.Webhook, Channel.Push], urgent: false },
      }),
    );
    expect(planned).toEqual([
      { channel: 'email', target: 'ada@example.com', status: 'pending', dueAtMs: noon },
    ]);
  });

  it('plan - a rule picks channels; webhooks filter by their kinds; empty channels mute', () => {
    const out = planDeliveries(input({ rule: { channels: [Channel.Webhook, Channel.Push], urgent: false } }));
    expect(out.map((d) => `${d.channel}:${d.target}`)).toEqual(['webhook:w1', 'push:p1']);
    expect(planDeliveries(input({ rule: { channels: [], urgent: false } }))).toEqual([]);
  });

  it('plan - a channel the server cannot send on gets no delivery (no SMTP: no verification email)', () => {
    const configured = new Set([Channel.InApp, Channel.Webhook]);
    const all = [Channel.InApp, Channel.Email, Channel.Webhook, Channel.Push, Channel.Sms];
    const out = planDeliveries(input({ configured, rule: { channels: all, urgent: true } }));
    expect(out.map((d) => `${d.channel}:${d.target}`)).toEqual([`in_app:${user}`, 'webhook:w1']);
    expect(
      planDeliveries(
        input({ configured, kind: NotificationKind.EmailVerification, severity: Severity.Critical }),
      ),
    ).toEqual([]);
  });

  it('plan - quiet hours hold non-critical notifications until they end; critical ones go now', () => {
    const quiet = prefs({ quietStart: '11:00', quietEnd: '13:00' });
    const held = planDeliveries(input({ preferences: quiet }));
    expect(
      held.every(
        (d) =>
          d.status === 'held' &&
          d.reason === 'quiet_hours' &&
          d.dueAtMs === Date.parse('2026-01-15T13:00:00Z'),
      ),
    ).toBe(true);
    const critical = planDeliveries(
      input({ preferences: quiet, severity: Severity.Critical, kind: NotificationKind.Security }),
    );
    expect(critical.every((d) => d.status === 'pending' && d.dueAtMs === noon)).toBe(true);
  });

  it('plan - over the hourly rate limit the rest is held for a digest at the next hour', () => {
    const counters = { lastHour: 9, smsToday: 0 };
    expect(planDeliveries(input({ counters }))[0]!.status).toBe('pending');
    const over = planDeliveries(input({ counters }));
    expect(over[0]).toMatchObject({
      status: 'held',
      reason: 'rate_limit',
      dueAtMs: Date.parse('2026-01-15T13:00:00Z'),
    });
    expect(counters.lastHour).toBe(11);
  });

  it('plan - SMS only for urgent rules, within the daily cap', () => {
    const counters = { lastHour: 0, smsToday: 0 };
    const notUrgent = planDeliveries(input({ rule: { channels: [Channel.Sms], urgent: false }, counters }));
    expect(notUrgent).toEqual([]);
    const urgent = { rule: { channels: [Channel.Sms], urgent: true }, counters };
    expect(planDeliveries(input(urgent)).map((d) => d.channel)).toEqual(['sms']);
    expect(planDeliveries(input(urgent)).map((d) => d.channel)).toEqual(['sms']);
    expect(planDeliveries(input(urgent))).toEqual([]); // cap of 2 reached
  });
});
