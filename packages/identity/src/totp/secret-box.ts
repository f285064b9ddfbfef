/**
 * @module Encryption at rest for TOTP secrets (they must be readable to check codes, so they
 * cannot be hashed). AES-256-GCM with a random 96-bit IV; the user id is bound as associated
 * data, so a ciphertext copied onto another user's row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_BOX_KEY_BYTES = 32;

/** Seals and opens small secrets. */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** @throws Error when the ciphertext or context does not match. */
  open(sealed: string, context: string): string;
}

/** `key`: 32 bytes, or a base64/base64url string of 32 bytes. */
export function createSecretBox(key: Uint8Array | string): SecretBox {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'base64url') : Buffer.from(key);
  if (keyBytes.length !== SECRET_BOX_KEY_BYTES) {
    throw new RangeError(`totp.encryptionKey must be ${SECRET_BOX_KEY_BYTES} bytes (base64url)`);
  }
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
      return [VERSION, ...parts].join('.');
    },
    open(sealed, context) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined)
        throw new Error('unreadable sealed secret');
      // The tag length is pinned: a sealed value whose tag was cut short (a 4-byte GCM tag is
      // forgeable) is refused rather than checked against fewer bytes.
      const decipher = createDecipheriv('aes-256-gcm', keyBytes, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
