/**
 * @module The webhook channel: a signed POST (Standard Webhooks headers) of one notification to
 * one endpoint through the guarded client (a hard deadline over the whole attempt, the answer read
 * up to the excerpt only). 2xx within the deadline is success; 410 disables the endpoint; anything else
 * (3xx included: redirects are not followed), a timeout or a refused connection is retried by the
 * dispatcher on the retry schedule. An endpoint that has failed without a success for
 * `disableAfterMs` is disabled and its owner told through their other channels.
 */
import { isIP } from 'node:net';
import type { Clock } from '@tickline/kernel';
import { Channel } from '../../kinds.ts';
import { describe, type NotificationChannel, type SendResult } from '../channel.ts';
import { createGuardedClient } from '../http/guarded-client.ts';
import type { EndpointStore, SendableEndpoint, WebhookEndpoint } from './endpoints-sql.ts';
import { webhookBody } from './payload.ts';
import { webhookHeaders } from './sign.ts';
import { isPrivateAddress } from './ssrf-guard.ts';

export interface WebhookChannelOptions {
  endpoints: EndpointStore;
  clock: Clock;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  disableAfterMs: number;
  responseExcerptBytes: number;
  /** Tells the owner (through notify itself) that an endpoint was disabled. */
  onDisabled?: (endpoint: WebhookEndpoint, reason: string) => void;
  /** @default 256 */
  connectionsPerOrigin?: number;
}

export interface WebhookChannel extends NotificationChannel {
  close(): Promise<void>;
}

const THROTTLED = new Set([429, 502, 503, 504]);
export const USER_AGENT = 'Tickline-Webhooks/1';

function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The URL's host is a literal private address (brackets of an IPv6 literal removed). */
function isPrivateLiteral(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && isPrivateAddress(host);
}

export function createWebhookChannel(options: WebhookChannelOptions): WebhookChannel {
  const { endpoints, clock } = options;
  const http = createGuardedClient({
    allowPrivateTargets: options.allowPrivateTargets,
    timeoutMs: options.timeoutMs,
    excerptBytes: options.responseExcerptBytes,
    ...(options.connectionsPerOrigin ? { connectionsPerOrigin: options.connectionsPerOrigin } : {}),
  });

  async function disable(endpoint: WebhookEndpoint, reason: string): Promise<void> {
    if (await endpoints.disable(endpoint.id, reason)) options.onDisabled?.(endpoint, reason);
  }

  async function failed(endpoint: WebhookEndpoint, result: SendResult): Promise<SendResult> {
    const since = await endpoints.recordFailure(endpoint.id);
    if (clock.now() - since.getTime() >= options.disableAfterMs) {
      await disable(endpoint, 'failing');
      return {
        ...result,
        outcome: 'gone',
        error: `endpoint disabled after failing since ${since.toISOString()}: ${'error' in result ? result.error : ''}`,
      };
    }
    return result;
  }

  /** Each cached endpoint's URL, parsed once rather than once per message. */
  const parsed = new WeakMap<SendableEndpoint, URL>();
  const urlOf = (endpoint: SendableEndpoint): URL => {
    let url = parsed.get(endpoint);
    if (!url) parsed.set(endpoint, (url = new URL(endpoint.url)));
    return url;
  };

  return {
    channel: Channel.Webhook,
    async send({ notification, target }) {
      // A fresh cached copy is used without waiting on a promise: this runs once per message.
      const endpoint = endpoints.peek(target)?.value ?? (await endpoints.forSending(target));
      if (!endpoint) return { outcome: 'gone', error: 'endpoint deleted' };
      if (endpoint.disabledAt)
        return { outcome: 'gone', error: `endpoint disabled (${endpoint.disabledReason ?? ''})` };
      const url = urlOf(endpoint);
      // A literal IP is connected to without any lookup, so the guard must look at it here.
      if (!options.allowPrivateTargets && isPrivateLiteral(url)) {
        await disable(endpoint, 'private_address');
        return { outcome: 'gone', error: 'endpoint URL is a private address' };
      }
      const body = webhookBody(endpoint.format, notification);
      const timestampS = Math.floor(clock.now() / 1000);
      let result: SendResult;
      try {
        const response = await http.post(url, {
          headers: webhookHeaders(endpoint.secrets, notification.id, timestampS, body, {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
          }),
          body,
        });
        const text = response.excerpt;
        const status = response.statusCode;
        if (status >= 200 && status < 300) {
          // Written only when it ends a failure run: no SQL per successful send.
          if (endpoint.failingSince !== null) await endpoints.recordSuccess(endpoint.id);
          return { outcome: 'delivered', statusCode: status, excerpt: text };
        }
        if (status === 410) {
          await disable(endpoint, 'gone');
          return {
            outcome: 'gone',
            statusCode: status,
            excerpt: text,
            error: 'endpoint answered 410 Gone: disabled',
          };
        }
        result = {
          outcome: 'retry',
          statusCode: status,
          excerpt: text,
          error: `HTTP ${status}`,
          ...(THROTTLED.has(status)
            ? { retryAfterMs: retryAfterMs(response.headers['retry-after'], clock.now()) }
            : {}),
        };
      } catch (error) {
        result = { outcome: 'retry', error: describe(error) };
      }
      return failed(endpoint, result);
    },
    close: () => http.close(),
  };
}
