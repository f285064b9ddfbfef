/**
 * @module Where the refresh token lives between page loads. The access token is never stored: it
 * stays in memory and is minted again from the refresh token after a reload.
 */

/** What is persisted: enough to start a new access token. */
export interface StoredSession {
  refreshToken: string;
  /** ISO time; a stored session past it is dropped on load. */
  refreshTokenExpiresAt: string;
}

/** A place for the refresh token. Sync or async, so `localStorage` and IndexedDB both fit. */
export interface TokenStorage {
  load(): StoredSession | null | Promise<StoredSession | null>;
  save(session: StoredSession): void | Promise<void>;
  clear(): void | Promise<void>;
}

/** Keeps the refresh token in memory only: a reload signs out. The default. */
export function createMemoryTokenStorage(): TokenStorage {
  let stored: StoredSession | null = null;
  return {
    load: () => stored,
    save: (session) => void (stored = { ...session }),
    clear: () => void (stored = null),
  };
}

/** The subset of the Web Storage API used (so tests can pass a Map-backed fake). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Default key for {@link createWebTokenStorage}. */
export const DEFAULT_TOKEN_STORAGE_KEY = 'tickline.session';

/**
 * Keeps the refresh token in `localStorage` (or `sessionStorage`). Readable by any script on the
 * origin: prefer the memory default where a reload may ask for a new sign-in.
 * @example createTicklineClient({ baseUrl, storage: createWebTokenStorage(window.localStorage) })
 */
export function createWebTokenStorage(
  storage: WebStorageLike,
  key: string = DEFAULT_TOKEN_STORAGE_KEY,
): TokenStorage {
  return {
    load() {
      const text = storage.getItem(key);
      if (text === null) return null;
      try {
        const value = JSON.parse(text) as Partial<StoredSession>;
        if (typeof value.refreshToken === 'string' && typeof value.refreshTokenExpiresAt === 'string') {
          return { refreshToken: value.refreshToken, refreshTokenExpiresAt: value.refreshTokenExpiresAt };
        }
      } catch {
        // Corrupt entry: treated as no session.
      }
      return null;
    },
    save: (session) => storage.setItem(key, JSON.stringify(session)),
    clear: () => storage.removeItem(key),
  };
}
