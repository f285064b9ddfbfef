/**
 * @module Device tokens. A sign-in hands the browser (or client) a token naming the account and a
 * random device id, signed by the server; a later password attempt that presents it for the same
 * account counts against that device alone. Strangers' failures from many addresses lock the
 * account everywhere else (the per-account count from anywhere), never a device its owner signed
 * in from before: that needed a token only a past successful sign-in could have minted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@tickline/kernel';
import { randomToken } from '../tokens/secrets.ts';

/** How long a device stays known without signing in again: 90 days. */
export const DEVICE_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** The cookie that carries it (HttpOnly, only on the sign-in paths). */
export const DEVICE_COOKIE = 'tickline_device';
// Derived from the key given (TOTP's at-rest key), so the two uses never share a key.
const KEY_LABEL = 'tickline device token v1';

/** Mints and checks device tokens. */
export interface DeviceTokens {
  /** A token for `userId`; `deviceId` keeps a known device's id (a fresh one otherwise). */
  issue(userId: string, deviceId?: string): string;
  /** The device id when `token` is genuine, unexpired and `userId`'s; else undefined. */
  verify(token: string | undefined, userId: string): string | undefined;
}

export function createDeviceTokens(secret: string | Uint8Array, clock: Clock): DeviceTokens {
  const raw = typeof secret === 'string' ? Buffer.from(secret, 'base64url') : Buffer.from(secret);
  const key = createHmac('sha256', raw).update(KEY_LABEL).digest();
  const mac = (userId: string, deviceId: string, expires: string) =>
    createHmac('sha256', key).update(`${userId}.${deviceId}.${expires}`).digest();
  return {
    issue(userId, deviceId = randomToken(12)) {
      const expires = (clock.now() + DEVICE_TOKEN_TTL_MS).toString(36);
      return `${deviceId}.${expires}.${mac(userId, deviceId, expires).toString('base64url')}`;
    },
    verify(token, userId) {
      const [deviceId, expires, signature, extra] = (token ?? '').split('.');
      if (!deviceId || !expires || !signature || extra !== undefined) return undefined;
      if (!(Number.parseInt(expires, 36) > clock.now())) return undefined;
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(userId, deviceId, expires);
      return given.length === expected.length && timingSafeEqual(given, expected) ? deviceId : undefined;
    },
  };
}
