/**
 * @module The SMS channel over Twilio's REST API: `POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json`
 * with HTTP Basic auth (account SID, auth token) and a form body (`To`, `From`, `Body`,
 * `StatusCallback`). 2xx = accepted by Twilio; 429 and 5xx are retried; other 4xx (bad number)
 * are permanent. The base URL is config so tests point it at a loopback mock.
 */
import { Channel } from '../../kinds.ts';
import { describe, type NotificationChannel } from '../channel.ts';
import { createGuardedClient } from '../http/guarded-client.ts';

export interface SmsChannelOptions {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  /** Where Twilio posts delivery status; omitted when unset. */
  statusCallbackUrl?: string;
  timeoutMs?: number;
}

/** One SMS segment is 160 GSM-7 characters; longer texts cost several. */
export const MAX_SMS_CHARS = 320;

/** The Messages resource URL of an account. */
export function messagesUrl(baseUrl: string, accountSid: string): string {
  return `${baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
}

export function createSmsChannel(options: SmsChannelOptions): NotificationChannel {
  const url = new URL(messagesUrl(options.baseUrl, options.accountSid));
  const auth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  // The provider's URL is operator config (tests point it at loopback); the deadline and the
  // bounded read still apply.
  const http = createGuardedClient({
    allowPrivateTargets: true,
    timeoutMs: options.timeoutMs ?? 15_000,
    excerptBytes: 512,
  });
  return {
    channel: Channel.Sms,
    async send({ notification: n, target }) {
      const form = new URLSearchParams({
        To: target,
        From: options.from,
        // The id's first block lets a support person match an SMS to the delivery log.
        Body: `${n.title}: ${n.body}`.slice(0, MAX_SMS_CHARS - 12) + ` [${n.id.slice(0, 8)}]`,
      });
      if (options.statusCallbackUrl)
        form.set('StatusCallback', `${options.statusCallbackUrl}?notificationId=${n.id}`);
      try {
        const response = await http.post(url, {
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        });
        const text = response.excerpt;
        const status = response.statusCode;
        if (status >= 200 && status < 300) return { outcome: 'delivered', statusCode: status, excerpt: text };
        if (status === 429 || status >= 500)
          return { outcome: 'retry', statusCode: status, excerpt: text, error: `Twilio answered ${status}` };
        return { outcome: 'rejected', statusCode: status, excerpt: text, error: `Twilio answered ${status}` };
      } catch (error) {
        return { outcome: 'retry', error: describe(error) };
      }
    },
    close: () => http.close(),
  };
}
