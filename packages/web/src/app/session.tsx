/**
 * @module The signed-in user for the whole page: restored from the stored refresh token at load,
 * set by sign-in/sign-up, cleared when the SDK reports the session ended (sign-out or a refused
 * refresh).
 */
import type { TicklineClient } from '@tickline/client';
import type { PublicUser, SignInResult } from '@tickline/protocol';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/** `loading` until the stored session has been tried. */
export type SessionState =
  { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: PublicUser };

interface SessionValue {
  client: TicklineClient;
  state: SessionState;
  signUp: (input: { email: string; password: string; displayName?: string }) => Promise<PublicUser>;
  /** Resolves the MFA token when a second factor is needed. */
  signIn: (input: { email: string; password: string }) => Promise<SignInResult>;
  completeMfa: (input: { mfaToken: string; code: string }) => Promise<PublicUser>;
  signOut: () => Promise<void>;
  /** Reloads the user (after enabling two-factor, for instance). */
  reload: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({
  client,
  children,
}: {
  client: TicklineClient;
  children: ReactNode;
}): ReactNode {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    const offSignedOut = client.on('signedOut', () => setState({ status: 'signed-out' }));
    void (async () => {
      try {
        const user = (await client.auth.restore()) ? await client.me.get() : null;
        if (!cancelled) setState(user ? { status: 'signed-in', user } : { status: 'signed-out' });
      } catch {
        if (!cancelled) setState({ status: 'signed-out' });
      }
    })();
    return () => {
      cancelled = true;
      offSignedOut();
    };
  }, [client]);

  const signUp = useCallback<SessionValue['signUp']>(
    async (input) => {
      const { user } = await client.auth.signUp(input);
      setState({ status: 'signed-in', user });
      return user;
    },
    [client],
  );
  const signIn = useCallback<SessionValue['signIn']>(
    async (input) => {
      const result = await client.auth.signIn(input);
      if (result.status === 'signed_in') setState({ status: 'signed-in', user: result.user });
      return result;
    },
    [client],
  );
  const completeMfa = useCallback<SessionValue['completeMfa']>(
    async (input) => {
      const { user } = await client.auth.completeMfa(input);
      setState({ status: 'signed-in', user });
      return user;
    },
    [client],
  );
  const signOut = useCallback(async () => {
    try {
      await client.auth.signOut();
    } finally {
      setState({ status: 'signed-out' });
    }
  }, [client]);
  const reload = useCallback(async () => {
    const user = await client.me.get();
    setState({ status: 'signed-in', user });
  }, [client]);

  const value = useMemo(
    () => ({ client, state, signUp, signIn, completeMfa, signOut, reload }),
    [client, state, signUp, signIn, completeMfa, signOut, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for pages rendered behind the sign-in gate. */
export function useUser(): PublicUser {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser needs a signed-in session');
  return state.user;
}
