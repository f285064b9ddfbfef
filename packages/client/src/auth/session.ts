/**
 * @module The signed-in session: the access token in memory, the refresh token in a
 * {@link TokenStorage}, and one refresh at a time. Concurrent callers that need a fresh token share
 * the refresh in flight; a refresh the server refuses ends the session (a reused refresh token
 * means the whole session family was revoked, so retrying cannot help).
 */
import type { Emitter } from '../emitter.ts';
import { TicklineApiError, isTicklineApiError } from '../errors.ts';
import type { PublicUser, TokenPair } from '@tickline/protocol';
import type { StoredSession, TokenStorage } from './token-storage.ts';

/** Why a session ended. */
export const SignOutReason = {
  /** `signOut()` or `signOutEverywhere()` was called. */
  SignOut: 'sign_out',
  /** The server refused the refresh token (expired, revoked, reused). */
  RefreshFailed: 'refresh_failed',
} as const;
export type SignOutReason = (typeof SignOutReason)[keyof typeof SignOutReason];

/** Events of the client's session. */
export interface SessionEvents {
  signedIn: { user: PublicUser | undefined };
  tokensRefreshed: { accessTokenExpiresAt: string };
  signedOut: { reason: SignOutReason; error?: TicklineApiError };
}

/** Sends the refresh request; the session decides what its outcome means. */
export type RefreshCall = (refreshToken: string) => Promise<TokenPair>;

interface Tokens {
  accessToken: string | null;
  accessExpiresAtMs: number;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface SessionOptions {
  storage: TokenStorage;
  refresh: RefreshCall;
  now: () => number;
  refreshAheadMs: number;
  events: Emitter<SessionEvents>;
}

export class Session {
  readonly #options: SessionOptions;
  #tokens: Tokens | null = null;
  #loaded: Promise<void> | undefined;
  #refreshing: Promise<string> | undefined;
  /** Bumped whenever the tokens are replaced or dropped, so a late refresh answer is ignored. */
  #generation = 0;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** Loads a stored refresh token once. Resolves true when there is a session. */
  async restore(): Promise<boolean> {
    this.#loaded ??= this.#load();
    await this.#loaded;
    return this.#tokens !== null;
  }

  /** True when a session is known (after {@link restore}, or after a sign-in). */
  get signedIn(): boolean {
    return this.#tokens !== null;
  }

  /** The current access token, refreshed first when missing or about to expire; null without a session. */
  async accessToken(): Promise<string | null> {
    await this.restore();
    const tokens = this.#tokens;
    if (!tokens) return null;
    if (
      tokens.accessToken !== null &&
      tokens.accessExpiresAtMs - this.#options.now() > this.#options.refreshAheadMs
    )
      return tokens.accessToken;
    return this.refresh();
  }

  /**
   * After the server refused `rejected` with 401: a token newer than it if another caller already
   * refreshed, else the result of one shared refresh.
   */
  async renewAfterRejection(rejected: string): Promise<string> {
    const current = this.#tokens?.accessToken;
    if (current && current !== rejected) return current;
    return this.refresh();
  }

  /** Refreshes now (single-flight). Rejects with the server's error; a refusal also signs out. */
  refresh(): Promise<string> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /** Adopts a new token pair (sign-in, MFA completion, password change). */
  async start(tokens: TokenPair, user?: PublicUser): Promise<void> {
    await this.#adopt(tokens);
    this.#options.events.emit('signedIn', { user });
  }

  /** Adopts tokens of the same account (password change starts a new session). */
  async replace(tokens: TokenPair): Promise<void> {
    await this.#adopt(tokens);
    this.#options.events.emit('tokensRefreshed', { accessTokenExpiresAt: tokens.accessTokenExpiresAt });
  }

  /** The refresh token, for the sign-out call. */
  get refreshToken(): string | null {
    return this.#tokens?.refreshToken ?? null;
  }

  /** Forgets the tokens locally and tells listeners. Idempotent. */
  async end(reason: SignOutReason, error?: TicklineApiError): Promise<void> {
    await this.restore();
    if (!this.#tokens) return;
    this.#tokens = null;
    this.#generation++;
    await this.#options.storage.clear();
    this.#options.events.emit('signedOut', error ? { reason, error } : { reason });
  }

  async #load(): Promise<void> {
    const stored = await this.#options.storage.load();
    if (this.#tokens || !stored) return;
    if (Date.parse(stored.refreshTokenExpiresAt) <= this.#options.now()) {
      await this.#options.storage.clear();
      return;
    }
    this.#tokens = { accessToken: null, accessExpiresAtMs: 0, ...stored };
  }

  async #adopt(pair: TokenPair): Promise<void> {
    // A sign-in during the initial load must not be overwritten by the stored session.
    this.#loaded ??= Promise.resolve();
    this.#generation++;
    this.#tokens = {
      accessToken: pair.accessToken,
      accessExpiresAtMs: Date.parse(pair.accessTokenExpiresAt),
      refreshToken: pair.refreshToken,
      refreshTokenExpiresAt: pair.refreshTokenExpiresAt,
    };
    const stored: StoredSession = {
      refreshToken: pair.refreshToken,
      refreshTokenExpiresAt: pair.refreshTokenExpiresAt,
    };
    await this.#options.storage.save(stored);
  }

  async #refresh(): Promise<string> {
    await this.restore();
    const tokens = this.#tokens;
    if (!tokens) throw new TicklineApiError('CLIENT_NOT_SIGNED_IN', 'no session to refresh');
    const generation = this.#generation;
    let pair: TokenPair;
    try {
      pair = await this.#options.refresh(tokens.refreshToken);
    } catch (error) {
      // Network trouble and server faults leave the session as it is: the next call tries again.
      if (isTicklineApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 429) {
        if (generation === this.#generation) await this.end(SignOutReason.RefreshFailed, error);
      }
      throw error;
    }
    if (generation !== this.#generation) {
      // Signed out (or in again) while the refresh was on its way: its answer belongs to no one.
      const current = this.#tokens?.accessToken;
      if (current) return current;
      throw new TicklineApiError('CLIENT_SIGNED_OUT', 'the session ended during the refresh');
    }
    await this.replace(pair);
    return pair.accessToken;
  }
}
