/**
 * @module The KIS Korean equities source: before the stream opens it asks `POST /oauth2/Approval`
 * for the approval key (valid 24 h, kept for reconnects), registers H0STCNT0 per symbol
 * (`005930.KS` → `005930`) and reads the `^`-joined trade records. A refused approval fails
 * `start()` with the venue's words; no REST backfill yet (KIS's minute chart covers the current
 * day only).
 */
import type { ServiceContext } from '@tickline/kernel';
import type { VenueDialect } from '../network/dialect.ts';
import type { NetworkSourceOptions } from '../network/options.ts';
import { WebSocketSource } from '../network/websocket-source.ts';
import { KIS_DEFAULTS, KIS_REST_URL, KIS_WS_URL, type KisSourceOptions } from './config.ts';
import { decodeKisFrame } from './decode.ts';
import { kisSubscribeFrames, kisUnsubscribeFrames, type KisSession } from './requests.ts';

/** The KIS dialect reading the approval key from `session`. */
export function kisDialect(session: KisSession): VenueDialect {
  return Object.freeze({
    exchange: 'kis',
    defaultUrl: KIS_WS_URL,
    defaultRestUrl: KIS_REST_URL,
    connectUrl: (base: string) => `${base.replace(/\/+$/, '')}/tryitout/H0STCNT0`,
    subscribeFrames: kisSubscribeFrames(session),
    unsubscribeFrames: kisUnsubscribeFrames(session),
    decode: decodeKisFrame,
    contiguousTradeIds: false,
    rateLimitCloseCodes: [],
    defaults: KIS_DEFAULTS,
  });
}

class KisSource extends WebSocketSource {
  readonly #session: KisSession;
  readonly #approve: () => Promise<string>;

  constructor(session: KisSession, approve: () => Promise<string>, options: NetworkSourceOptions) {
    super(kisDialect(session), options);
    this.#session = session;
    this.#approve = approve;
  }

  override async start(context: ServiceContext): Promise<void> {
    this.#session.approvalKey ??= await this.#approve();
    await super.start(context);
  }
}

/** A KIS real-time source for KRX shares (`005930.KS`). */
export function createKisSource(options: KisSourceOptions): WebSocketSource {
  const { appKey, appSecret, custType, ...network } = options;
  const restUrl = (network.restUrl ?? KIS_REST_URL).replace(/\/+$/, '');
  const fetchImpl = network.fetch ?? fetch;
  const timeoutMs = network.httpTimeoutMs ?? 10_000;
  async function approve(): Promise<string> {
    const response = await fetchImpl(`${restUrl}/oauth2/Approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ grant_type: 'client_credentials', appkey: appKey, secretkey: appSecret }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = (await response.json().catch(() => null)) as {
      approval_key?: unknown;
      error_description?: string;
    } | null;
    if (!response.ok || typeof answer?.approval_key !== 'string')
      throw new Error(
        `KIS approval refused (${response.status}): ${answer?.error_description ?? 'no approval_key'}`,
      );
    return answer.approval_key;
  }
  return new KisSource({ approvalKey: null, custType: custType ?? 'P' }, approve, network);
}
