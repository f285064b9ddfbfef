/**
 * @module Secrets at rest: AES-256-GCM with a key id in every sealed value, so keys can rotate
 * without a flag day. A sealed value reads `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts):
 * the key id says which key opens it, the 12-byte random IV is never reused with a key (NIST SP
 * 800-38D §8.2.2 allows 2^32 random IVs per key), and the 16-byte tag makes any change to the
 * ciphertext, the key id or the associated data fail to open instead of yielding garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { TicklineError } from '../errors/index.ts';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The config section of a secret box: the keys by id (base64, 32 bytes each) and the one new
 * values are sealed with. Rotation: add a key, make it active, re-seal old values with
 * {@link SecretBox.reseal} (or lazily on read), then drop the old key.
 */
export const SecretBoxConfigSchema = z.strictObject({
  activeKeyId: z
    .string()
    .regex(KEY_ID)
    .describe('Id of the key new secrets are sealed with; it must be one of `keys`.'),
  keys: z
    .record(z.string().regex(KEY_ID), z.string().min(1))
    .describe(
      'Encryption keys by id: 32 random bytes in base64 each (secret; e.g. `openssl rand -base64 32`).',
    ),
});
export type SecretBoxConfig = z.infer<typeof SecretBoxConfigSchema>;

/** Seals and opens small secrets (API keys, strategy code). */
export interface SecretBox {
  /** The key id new values are sealed with. */
  readonly activeKeyId: string;
  /**
   * Encrypts `plaintext`. `context` (associated data) binds the value to where it is stored,
   * e.g. `broker-credentials:<portfolio id>`: opening it under another context fails.
   */
  seal(plaintext: string | Uint8Array, context?: string): string;
  /** Decrypts a sealed value as bytes. @throws SecretBoxError */
  openBytes(sealed: string, context?: string): Buffer;
  /** Decrypts a sealed value as UTF-8 text. @throws SecretBoxError */
  open(sealed: string, context?: string): string;
  /** The key id a sealed value was made with. @throws SecretBoxError when it is not a sealed value. */
  keyIdOf(sealed: string): string;
  /** True when the value was sealed with another key than the active one. */
  needsReseal(sealed: string): boolean;
  /** Opens with its own key and seals again with the active key. */
  reseal(sealed: string, context?: string): string;
}

/** A failure of the secret box; never carries key material or plaintext. */
export class SecretBoxError extends TicklineError {
  override name = 'SecretBoxError';
}

function decodeKey(id: string, base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretBoxError('KERNEL_SECRET_KEY_INVALID', `secret key "${id}" is not ${KEY_BYTES} bytes`, {
      details: { keyId: id, bytes: key.length },
    });
  }
  return key;
}

interface SealedParts {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parse(sealed: string): SealedParts {
  const parts = sealed.split('.');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (parts.length !== 5 || version !== VERSION || !keyId || !KEY_ID.test(keyId)) {
    throw new SecretBoxError(
      'KERNEL_SECRET_MALFORMED',
      'not a sealed secret (expected v1.<keyId>.<iv>.<data>.<tag>)',
    );
  }
  const decoded = {
    keyId,
    iv: Buffer.from(iv!, 'base64url'),
    ciphertext: Buffer.from(ciphertext!, 'base64url'),
    tag: Buffer.from(tag!, 'base64url'),
  };
  if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== TAG_BYTES) {
    throw new SecretBoxError('KERNEL_SECRET_MALFORMED', 'sealed secret has a wrong IV or tag length');
  }
  return decoded;
}

/**
 * A secret box over the configured keys.
 * @throws SecretBoxError `KERNEL_SECRET_KEY_INVALID` when a key is not 32 bytes or the active id is missing.
 */
export function createSecretBox(config: SecretBoxConfig): SecretBox {
  const keys = new Map(Object.entries(config.keys).map(([id, value]) => [id, decodeKey(id, value)]));
  const activeKey = keys.get(config.activeKeyId);
  if (!activeKey) {
    throw new SecretBoxError(
      'KERNEL_SECRET_KEY_INVALID',
      `the active secret key "${config.activeKeyId}" is not configured`,
      {
        details: { keyId: config.activeKeyId },
      },
    );
  }
  const activeKeyId = config.activeKeyId;

  const seal = (plaintext: string | Uint8Array, context = ''): string => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', activeKey, iv, { authTagLength: TAG_BYTES });
    // The key id is authenticated too, so relabelling a value with another key id fails.
    cipher.setAAD(Buffer.from(`${VERSION}.${activeKeyId}.${context}`));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [
      VERSION,
      activeKeyId,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  };

  const openBytes = (sealed: string, context = ''): Buffer => {
    const parts = parse(sealed);
    const key = keys.get(parts.keyId);
    if (!key) {
      throw new SecretBoxError(
        'KERNEL_SECRET_KEY_UNKNOWN',
        `secret sealed with key "${parts.keyId}", which is not configured`,
        {
          details: { keyId: parts.keyId },
        },
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${VERSION}.${parts.keyId}.${context}`));
    decipher.setAuthTag(parts.tag);
    try {
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
    } catch (cause) {
      throw new SecretBoxError(
        'KERNEL_SECRET_TAMPERED',
        'sealed secret failed authentication (altered, or opened under another context)',
        {
          cause,
          details: { keyId: parts.keyId },
        },
      );
    }
  };

  return {
    activeKeyId,
    seal,
    openBytes,
    open: (sealed, context) => openBytes(sealed, context).toString('utf8'),
    keyIdOf: (sealed) => parse(sealed).keyId,
    needsReseal: (sealed) => parse(sealed).keyId !== activeKeyId,
    reseal: (sealed, context) => seal(openBytes(sealed, context), context),
  };
}

/** A fresh random key in the base64 form the config takes. */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
