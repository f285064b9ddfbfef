/** @module The in-memory repository's tables: plain maps, copied on the way in and out. */
import type { ResendCount } from '../resend-refusal.ts';
import type {
  ApiKeyRecord,
  EmailVerificationRecord,
  OidcIdentityRecord,
  OidcStateRecord,
  RefreshTokenRecord,
  SessionRecord,
  TotpRecord,
  UserRecord,
} from '../records.ts';

export interface RecoveryCodeRow {
  userId: string;
  codeHash: string;
  usedAt: Date | null;
}

export interface MemoryState {
  users: Map<string, UserRecord>;
  sessions: Map<string, SessionRecord>;
  refreshTokens: Map<string, RefreshTokenRecord>;
  apiKeys: Map<string, ApiKeyRecord>;
  totp: Map<string, TotpRecord>;
  recoveryCodes: RecoveryCodeRow[];
  oidcStates: Map<string, OidcStateRecord>;
  oidcIdentities: Map<string, OidcIdentityRecord>;
  emailVerifications: Map<string, EmailVerificationRecord>;
  /** Resends of verification links, by user. */
  emailVerificationSends: Map<string, ResendCount>;
}

export function createMemoryState(): MemoryState {
  return {
    users: new Map(),
    sessions: new Map(),
    refreshTokens: new Map(),
    apiKeys: new Map(),
    totp: new Map(),
    recoveryCodes: [],
    oidcStates: new Map(),
    oidcIdentities: new Map(),
    emailVerifications: new Map(),
    emailVerificationSends: new Map(),
  };
}

/** A deep copy, so callers never hold a reference into the tables. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
