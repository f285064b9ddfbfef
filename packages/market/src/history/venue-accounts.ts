/**
 * @module The accounts a history download uses for the share venues, whose REST history is not
 * public: the first configured alpaca source's key (headers on each request, its rate-limit
 * headers obeyed) and the first kis source's app key (a bearer token, the per-path `tr_id`). The
 * crypto venues' klines are public and need none.
 */
import { MarketError } from '../port/errors.ts';
import type { MarketSettings } from '../config.ts';
import { createAlpacaFetch } from '../sources/alpaca/rest.ts';
import type { AlpacaFeed } from '../sources/alpaca/config.ts';
import { createKisFetch } from '../sources/kis/rest.ts';
import { parseSourceConfig } from '../sources/registry.ts';
import type { HistoryVenue, VenueFetchOptions } from './venues.ts';

/** The share venues' accounts, from `market.sources`. */
export interface HistoryVenueAccounts {
  alpaca?: { keyId: string; secretKey: string; feed?: AlpacaFeed | undefined; restUrl?: string | undefined };
  kis?: { appKey: string; appSecret: string; custType?: 'P' | 'B' | undefined; restUrl?: string | undefined };
}

/** The accounts of the first alpaca and kis sources configured (validated as the collector does). */
export function historyVenueAccounts(sources: MarketSettings['sources']): HistoryVenueAccounts {
  const accounts: HistoryVenueAccounts = {};
  for (const entry of sources) {
    if (entry.kind !== 'alpaca' && entry.kind !== 'kis') continue;
    const config = parseSourceConfig(entry);
    if (config.kind === 'alpaca')
      accounts.alpaca ??= {
        keyId: config.keyId,
        secretKey: config.secretKey,
        feed: config.feed,
        restUrl: config.restUrl,
      };
    if (config.kind === 'kis')
      accounts.kis ??= {
        appKey: config.appKey,
        appSecret: config.appSecret,
        custType: config.custType,
        restUrl: config.restUrl,
      };
  }
  return accounts;
}

/** A venue's access for one download: its REST base URL, its fetch (authenticated) and options. */
export interface VenueAccess {
  restUrl: string;
  fetch: typeof fetch;
  options: VenueFetchOptions;
}

/**
 * How to reach `venue`: `restUrl` when given (tests, a proxy), else the account's, else `fallbackUrl`.
 * @throws MARKET_VENUE_NO_ACCOUNT for a share venue with no configured account
 */
export function venueAccess(
  venue: HistoryVenue,
  accounts: HistoryVenueAccounts,
  urls: { restUrl?: string | undefined; fallbackUrl: string },
  fetchImpl: typeof fetch = fetch,
): VenueAccess {
  const noAccount = () =>
    new MarketError(
      'MARKET_VENUE_NO_ACCOUNT',
      `${venue} history needs an account: configure a ${venue} source in market.sources`,
      {
        details: { venue },
      },
    );
  if (venue === 'alpaca') {
    const account = accounts.alpaca;
    if (!account) throw noAccount();
    return {
      restUrl: urls.restUrl ?? account.restUrl ?? urls.fallbackUrl,
      fetch: createAlpacaFetch({ keyId: account.keyId, secretKey: account.secretKey, fetch: fetchImpl }),
      options: { alpacaFeed: account.feed },
    };
  }
  if (venue === 'kis') {
    const account = accounts.kis;
    if (!account) throw noAccount();
    const restUrl = urls.restUrl ?? account.restUrl ?? urls.fallbackUrl;
    return {
      restUrl,
      fetch: createKisFetch({
        appKey: account.appKey,
        appSecret: account.appSecret,
        restUrl,
        ...(account.custType ? { custType: account.custType } : {}),
        fetch: fetchImpl,
      }),
      options: {},
    };
  }
  return { restUrl: urls.restUrl ?? urls.fallbackUrl, fetch: fetchImpl, options: {} };
}
