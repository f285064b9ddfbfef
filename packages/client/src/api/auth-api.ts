/** @module Sign-up, sign-in with its MFA step, refresh and sign-out. */
import { isTicklineApiError } from '../errors.ts';
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import { SignOutReason, type Session } from '../auth/session.ts';
import type { HttpClient } from '../http/http-client.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  CompleteMfaInput,
  PublicUser,
  SignedIn,
  SignInInput,
  SignInResult,
  SignUpInput,
} from '@tickline/protocol';

export interface AuthApi {
  /** Creates an account and signs it in. */
  signUp(input: SignUpInput): Promise<SignedIn>;
  /** Signs in; with two-factor on, resolves `mfa_required` and {@link completeMfa} finishes. */
  signIn(input: SignInInput): Promise<SignInResult>;
  completeMfa(input: CompleteMfaInput): Promise<SignedIn>;
  /** The configured "Sign in with …" providers. */
  oidcProviders(): Promise<Array<{ id: string; name: string }>>;
  /**
   * Finishes a provider sign-in from the page the provider redirected to: `search` is that page's
   * query (code and state); the browser's state cookie goes along. Adopts the session.
   */
  completeOidc(providerId: string, search: string): Promise<SignInResult & { returnTo: string | null }>;
  /** Spends the token of an email verification link; resolves the verified user. */
  verifyEmail(token: string): Promise<PublicUser>;
  /** Refreshes the access token now (normally automatic). Resolves the new access token. */
  refresh(): Promise<string>;
  /** Ends this session on the server and locally. Local state is cleared even if the call fails. */
  signOut(): Promise<void>;
  /** Ends every session of the account; resolves how many were live. */
  signOutEverywhere(): Promise<{ revokedSessions: number }>;
  /** Loads a stored session; true when signed in. Called implicitly by authenticated calls. */
  restore(): Promise<boolean>;
  /** True when a session is known. */
  readonly signedIn: boolean;
  /** The current access token (refreshed when due), or null: for headers of calls made elsewhere. */
  accessToken(): Promise<string | null>;
}

export function createAuthApi(
  http: HttpClient,
  send: AuthorizedSend,
  session: Session,
  paths: ClientPaths,
): AuthApi {
  async function adopt<T extends SignInResult>(result: T): Promise<T> {
    if (result.status === 'signed_in') await session.start(result.tokens, result.user);
    return result;
  }

  return {
    signUp: async (input) =>
      adopt(await http.send<SignedIn>({ method: 'POST', path: paths.signUp, body: input })),
    signIn: async (input) =>
      adopt(await http.send<SignInResult>({ method: 'POST', path: paths.signIn, body: input })),
    completeMfa: async (input) =>
      adopt(await http.send<SignedIn>({ method: 'POST', path: paths.completeMfa, body: input })),
    oidcProviders: async () =>
      (
        await http.send<{ providers: Array<{ id: string; name: string }> }>({
          method: 'GET',
          path: `${paths.oidc}/providers`,
        })
      ).providers,
    completeOidc: async (providerId, search) =>
      adopt(
        await http.send<SignInResult & { returnTo: string | null }>({
          method: 'GET',
          path: `${paths.oidc}/${encodeURIComponent(providerId)}/callback`,
          query: Object.fromEntries(new URLSearchParams(search)),
        }),
      ),
    verifyEmail: (token) =>
      http.send<PublicUser>({ method: 'POST', path: paths.verifyEmail, body: { token } }),
    refresh: () => session.refresh(),
    async signOut() {
      await session.restore();
      const refreshToken = session.refreshToken;
      await session.end(SignOutReason.SignOut);
      if (refreshToken === null) return;
      try {
        await http.send({ method: 'POST', path: paths.signOut, body: { refreshToken } });
      } catch (error) {
        // Already invalid on the server: the outcome the caller wanted.
        if (!(isTicklineApiError(error) && error.status === 401)) throw error;
      }
    },
    async signOutEverywhere() {
      const result = await send<{ revokedSessions: number }>({
        method: 'POST',
        path: paths.signOutEverywhere,
      });
      await session.end(SignOutReason.SignOut);
      return result;
    },
    restore: () => session.restore(),
    get signedIn() {
      return session.signedIn;
    },
    accessToken: () => session.accessToken(),
  };
}
