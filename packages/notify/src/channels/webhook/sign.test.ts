import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, webhookHeaders } from './sign.ts';

describe('webhook signing', () => {
  const body = JSON.stringify({
    type: 'notification.test',
    timestamp: '2026-01-01T00:00:00Z',
    data: { id: 'x' },
  });
  const id = '019a0000-0000-7000-8000-000000000001';

  it('sign - the standardwebhooks reference library verifies our headers', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = webhookHeaders([secret], id, Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('sign - during a rotation both secrets sign; either verifies, a third does not', () => {
    const [next, previous, stranger] = [
      generateWebhookSecret(),
      generateWebhookSecret(),
      generateWebhookSecret(),
    ];
    const headers = webhookHeaders([next, previous], id, Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(next).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
  });

  it('sign - matches the reference sign() byte for byte', () => {
    const secret = generateWebhookSecret();
    const at = new Date(1_767_225_600_000);
    expect(signWebhook([secret], id, at.getTime() / 1000, body)).toBe(new Webhook(secret).sign(id, at, body));
  });
});
