/**
 * @module Venue API credentials at rest: both the key and the secret are sealed with the kernel's
 * secret box (AES-256-GCM, key id, rotation), each under a context naming the venue, the portfolio
 * and the field, so a sealed secret copied onto another portfolio's row — or into the key field —
 * does not open. Only a short hint of the key is kept in clear, for the UI.
 */
import type { SecretBox } from '@tickline/kernel';

/** Plain credentials, held in memory only while an adapter uses them. */
export interface VenueCredentials {
  apiKey: string;
  apiSecret: string;
}

/** What is stored for a portfolio's venue account. */
export interface SealedVenueCredentials {
  venue: string;
  /** Last four characters of the API key, so a user can tell keys apart. */
  apiKeyHint: string;
  apiKey: string;
  apiSecret: string;
}

const context = (venue: string, portfolioId: string, field: 'apiKey' | 'apiSecret'): string =>
  `broker-credentials:${venue}:${portfolioId}:${field}`;

/** Seals credentials for storage. */
export function sealVenueCredentials(
  box: SecretBox,
  venue: string,
  portfolioId: string,
  credentials: VenueCredentials,
): SealedVenueCredentials {
  return {
    venue,
    apiKeyHint: credentials.apiKey.slice(-4),
    apiKey: box.seal(credentials.apiKey, context(venue, portfolioId, 'apiKey')),
    apiSecret: box.seal(credentials.apiSecret, context(venue, portfolioId, 'apiSecret')),
  };
}

/**
 * Opens stored credentials for an adapter.
 * @throws SecretBoxError `KERNEL_SECRET_TAMPERED` when the row was moved or altered,
 *   `KERNEL_SECRET_KEY_UNKNOWN` when its key was removed before re-sealing.
 */
export function openVenueCredentials(
  box: SecretBox,
  portfolioId: string,
  sealed: SealedVenueCredentials,
): VenueCredentials {
  return {
    apiKey: box.open(sealed.apiKey, context(sealed.venue, portfolioId, 'apiKey')),
    apiSecret: box.open(sealed.apiSecret, context(sealed.venue, portfolioId, 'apiSecret')),
  };
}

/** The same credentials sealed with the box's active key (rotation); unchanged when already current. */
export function resealVenueCredentials(
  box: SecretBox,
  portfolioId: string,
  sealed: SealedVenueCredentials,
): SealedVenueCredentials {
  if (!box.needsReseal(sealed.apiKey) && !box.needsReseal(sealed.apiSecret)) return sealed;
  return {
    ...sealed,
    apiKey: box.reseal(sealed.apiKey, context(sealed.venue, portfolioId, 'apiKey')),
    apiSecret: box.reseal(sealed.apiSecret, context(sealed.venue, portfolioId, 'apiSecret')),
  };
}
