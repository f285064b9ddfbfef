/**
 * @module The box venue keys are sealed with: AES-256-GCM (the kernel's secret box) under a key the
 * composition root derives from `auth.secret` (one label of its own), so every process of an
 * install opens what another sealed, and no key lives in the database beside the values it opens.
 * Rotating `auth.secret` makes stored venue keys unreadable: their portfolios are bound again.
 */
import { createSecretBox, type SecretBox } from '@tickline/kernel';

/** The key id sealed values carry. */
export const VENUE_CREDENTIAL_KEY_ID = 'auth';

/** The box over a 32-byte key. */
export function venueCredentialBox(key: Uint8Array): SecretBox {
  return createSecretBox({
    activeKeyId: VENUE_CREDENTIAL_KEY_ID,
    keys: { [VENUE_CREDENTIAL_KEY_ID]: Buffer.from(key).toString('base64') },
  });
}
