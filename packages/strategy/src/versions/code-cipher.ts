/**
 * @module Strategy code at rest: AES-256-GCM with a random 96-bit nonce per version and the row's
 * identity as additional data. Keys come from config as id → 32-byte key; new versions use the
 * current key id, old versions name theirs, so adding a new key and making it current rotates
 * without re-encrypting (or losing) anything.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TicklineError } from '@tickline/kernel';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptedCode {
  keyId: string;
  nonce: Uint8Array;
  /** Ciphertext followed by the GCM tag. */
  ciphertext: Uint8Array;
}

export interface CodeCipherOptions {
  /** Key id → base64 of 32 random bytes. */
  keys: Readonly<Record<string, string>>;
  /** The key new versions are written with. */
  currentKeyId: string;
}

export interface CodeCipher {
  /** The key new versions are sealed with. */
  readonly currentKeyId: string;
  /** Every key id it can open. */
  readonly keyIds: readonly string[];
  encrypt(plaintext: string, aad: string): EncryptedCode;
  decrypt(sealed: EncryptedCode, aad: string): string;
}

/** Builds the cipher; STRATEGY_CONFIG_INVALID for a missing current key or a key not 32 bytes. */
export function createCodeCipher(options: CodeCipherOptions): CodeCipher {
  const keys = new Map<string, Buffer>();
  for (const [id, b64] of Object.entries(options.keys)) {
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) {
      throw new TicklineError(
        'STRATEGY_CONFIG_INVALID',
        `strategy code key ${id} must be 32 bytes (base64)`,
        { details: { keyId: id } },
      );
    }
    keys.set(id, key);
  }
  const current = keys.get(options.currentKeyId);
  if (current === undefined) {
    throw new TicklineError('STRATEGY_CONFIG_INVALID', `no key with the current id ${options.currentKeyId}`, {
      details: { keyId: options.currentKeyId },
    });
  }
  return {
    currentKeyId: options.currentKeyId,
    keyIds: [...keys.keys()],
    encrypt(plaintext, aad) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, nonce);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return { keyId: options.currentKeyId, nonce, ciphertext: body };
    },
    decrypt(sealed, aad) {
      const key = keys.get(sealed.keyId);
      if (key === undefined) {
        throw new TicklineError(
          'STRATEGY_KEY_UNKNOWN',
          `strategy code key ${sealed.keyId} is not configured`,
          {
            details: { keyId: sealed.keyId },
          },
        );
      }
      const data = Buffer.from(sealed.ciphertext);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.nonce));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(data.subarray(0, data.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (error) {
        throw new TicklineError('STRATEGY_CODE_CORRUPT', 'stored strategy code failed authentication', {
          cause: error,
          details: { keyId: sealed.keyId },
        });
      }
    },
  };
}
