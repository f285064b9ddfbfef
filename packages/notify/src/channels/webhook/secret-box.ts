/**
 * @module Endpoint secrets at rest: AES-256-GCM with a key derived (HKDF-SHA256) from the server's
 * master secret, so a copy of the database alone does not let anyone forge our signatures.
 * Sealed form: base64url(iv[12] || tag[16] || ciphertext).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function createSecretBox(masterSecret: string | Uint8Array): SecretBox {
  const key = Buffer.from(
    hkdfSync('sha256', masterSecret, 'tickline-notify', 'webhook endpoint secrets', 32),
  );
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      // The tag length is pinned: a value cut short would otherwise be checked against a shorter,
      // forgeable tag.
      if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('unreadable sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
