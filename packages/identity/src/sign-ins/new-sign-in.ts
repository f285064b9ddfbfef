/**
 * @module New sign-ins: each session remembers the device and address it was started from, and a
 * sign-in from a pair the account has not used before is announced to its user
 * (`account.security.changed`, change `new_sign_in`), in case it was not them.
 */
import { AccountSecurityChanged, SecurityChange } from '../events.ts';
import type { OriginHistory, SignInOrigin } from '../repository/records.ts';
import type { IdentityContext } from '../service/identity-context.ts';
import { summariseDevice } from './device-summary.ts';

/** Where a request came from: counted by the throttle, remembered by the session. */
export interface RequestOrigin {
  /** Client IP address as the server sees it (through the proxies `http.trustProxy` trusts). */
  address?: string;
  /** The `User-Agent` header, summarised before it is stored. */
  userAgent?: string;
  /** The device token a past sign-in handed this client (sign-ins/device-token.ts), if it sent one. */
  deviceToken?: string;
}

/** A request's origin as a session stores it. */
export function signInOrigin(origin: RequestOrigin): SignInOrigin {
  return { device: summariseDevice(origin.userAgent), address: origin.address ?? null };
}

/**
 * Whether a sign-in from `origin` is news to the account's user. Not when a stored session came
 * from the same device and address, nor when every stored session predates the origin columns
 * (an upgraded install learns each account's devices quietly instead of warning every user once).
 * An account with no stored session at all (made by an admin, or idle past the purge) is told.
 */
export function isNewOrigin(history: OriginHistory): boolean {
  if (history.seen) return false;
  return history.recorded || !history.sessions;
}

/** Publishes the notice of a sign-in from a new device or address. */
export function announceNewSignIn(ctx: IdentityContext, userId: string, origin: SignInOrigin): void {
  const data = {
    userId,
    change: SecurityChange.NewSignIn,
    device: origin.device,
    ...(origin.address ? { address: origin.address } : {}),
  };
  ctx.options.publish?.(ctx.events.create(AccountSecurityChanged, { subject: userId, data }));
}
