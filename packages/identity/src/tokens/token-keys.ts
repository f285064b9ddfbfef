/**
 * @module Signing keys for access and MFA tokens: HS256 with a shared secret (one process or
 * several sharing the secret) or EdDSA (Ed25519) with a PEM key pair, so other services can
 * verify with the public key alone.
 */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';

/** Shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash size). */
export const MIN_HS256_SECRET_BYTES = 32;

/** How tokens are signed. */
export type TokenSigningOptions =
  | {
      algorithm: 'HS256';
      /** At least 32 bytes; a string is taken as UTF-8. */
      secret: string | Uint8Array;
      keyId?: string;
    }
  | {
      algorithm: 'EdDSA';
      /** PKCS#8 PEM of an Ed25519 private key. */
      privateKeyPem: string;
      /** SPKI PEM; derived from the private key when absent. */
      publicKeyPem?: string;
      keyId?: string;
    };

/** Keys ready for jose. */
export interface TokenKeys {
  algorithm: 'HS256' | 'EdDSA';
  signKey: KeyObject;
  verifyKey: KeyObject;
  keyId: string | undefined;
}

/** Imports the configured keys; throws a RangeError naming the field when unusable. */
export function importTokenKeys(options: TokenSigningOptions): TokenKeys {
  if (options.algorithm === 'HS256') {
    const bytes =
      typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret);
    if (bytes.length < MIN_HS256_SECRET_BYTES) {
      throw new RangeError(`tokens.secret must be at least ${MIN_HS256_SECRET_BYTES} bytes`);
    }
    const key = createSecretKey(bytes);
    return { algorithm: 'HS256', signKey: key, verifyKey: key, keyId: options.keyId };
  }
  const signKey = createPrivateKey(options.privateKeyPem);
  if (signKey.asymmetricKeyType !== 'ed25519') {
    throw new RangeError(`tokens.privateKeyPem must be an Ed25519 key, got ${signKey.asymmetricKeyType}`);
  }
  const verifyKey = options.publicKeyPem ? createPublicKey(options.publicKeyPem) : createPublicKey(signKey);
  return { algorithm: 'EdDSA', signKey, verifyKey, keyId: options.keyId };
}
