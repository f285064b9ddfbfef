/**
 * @module What an API key may do, as Binance reports it. `GET /sapi/v1/account/apiRestrictions`
 * (USER_DATA, on the wallet base URL) answers for the key itself: `enableWithdrawals`,
 * `enableSpotAndMarginTrading`, `enableReading` (developers.binance.com, Wallet → Get API Key
 * Permission). The Spot Test Network serves no `/sapi` endpoint; there `GET /api/v3/account`'s
 * `canTrade` is all there is, and it says nothing about withdrawals (the config allows that check
 * on the test network only).
 */
import type { Clock } from '@tickline/kernel';
import { z } from 'zod';
import { type BinanceCredentials, type BinanceSpotConfig, KeyPermissionsCheck } from './config.ts';
import { classifyBinanceError } from './map-error.ts';
import { BinanceRestClient, type RestResult } from './rest-client.ts';

/** The key's rights that decide whether it may be bound. */
export interface KeyPermissions {
  /** May place and cancel spot orders. */
  spotTrading: boolean;
  /** May withdraw funds: `null` when the check cannot see it (the test network's account check). */
  withdrawals: boolean | null;
  /** Which endpoint answered. */
  checkedWith: KeyPermissionsCheck;
}

/** How the question ended. */
export type KeyPermissionsResult =
  | { kind: 'known'; permissions: KeyPermissions }
  /** The venue refused the key itself (unknown key, bad secret, IP not allowed). */
  | { kind: 'refused'; status: number; code?: number }
  /** No usable answer (network, 5xx, rate limit, an unreadable body): nothing can be said. */
  | { kind: 'unavailable'; status?: number; code?: number };

const restrictionsSchema = z.object({
  enableWithdrawals: z.boolean(),
  enableSpotAndMarginTrading: z.boolean(),
  enableReading: z.boolean().optional(),
});
const accountSchema = z.object({ canTrade: z.boolean() });

/** Options for {@link readKeyPermissions}. */
export interface ReadKeyPermissionsOptions {
  config: BinanceSpotConfig;
  credentials: BinanceCredentials;
  clock: Clock;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

function failed(result: Exclude<RestResult, { kind: 'ok' }>): KeyPermissionsResult {
  if (result.kind !== 'error') return { kind: 'unavailable' };
  const { status, code } = result.answer;
  const meaning = classifyBinanceError(result.answer);
  const refused = meaning.kind === 'rejected' && meaning.reason === 'auth_failed';
  return {
    kind: refused ? 'refused' : 'unavailable',
    status,
    ...(code === undefined ? {} : { code }),
  };
}

/** Asks the venue what `credentials` may do. Never throws for a venue answer; never logs the key. */
export async function readKeyPermissions(options: ReadKeyPermissionsOptions): Promise<KeyPermissionsResult> {
  const { config } = options;
  const restrictions = config.keyPermissions === KeyPermissionsCheck.ApiRestrictions;
  const rest = new BinanceRestClient({
    config: restrictions ? { ...config, baseUrl: config.walletBaseUrl ?? config.baseUrl } : config,
    credentials: options.credentials,
    clock: options.clock,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const result = restrictions
    ? await rest.signed('GET', '/sapi/v1/account/apiRestrictions', {})
    : await rest.signed('GET', '/api/v3/account', { omitZeroBalances: 'true' });
  if (result.kind !== 'ok') return failed(result);
  if (restrictions) {
    const parsed = restrictionsSchema.safeParse(result.body);
    if (!parsed.success) return { kind: 'unavailable' };
    return {
      kind: 'known',
      permissions: {
        spotTrading: parsed.data.enableSpotAndMarginTrading,
        withdrawals: parsed.data.enableWithdrawals,
        checkedWith: KeyPermissionsCheck.ApiRestrictions,
      },
    };
  }
  const parsed = accountSchema.safeParse(result.body);
  if (!parsed.success) return { kind: 'unavailable' };
  return {
    kind: 'known',
    permissions: {
      spotTrading: parsed.data.canTrade,
      withdrawals: null,
      checkedWith: KeyPermissionsCheck.Account,
    },
  };
}
