/**
 * @module OIDC sign-in: start (state, nonce and PKCE verifier stored server-side with a TTL) →
 * callback (state taken once, code exchanged and verified, user found by issuer + subject,
 * else linked by verified email, else created) → the same finish as a password sign-in.
 */
import { timingSafeEqual } from 'node:crypto';
import { IdentityError } from '../errors.ts';
import { SignUpMethod } from '../events.ts';
import { createGitHubClient } from '../oidc/github-client.ts';
import { createOidcClient, type OidcClient } from '../oidc/oidc-client.ts';
import { OidcStartQuerySchema, type OidcStartQuery } from '../schemas/oidc-schemas.ts';
import { parseInput } from '../schemas/parse-input.ts';
import { normalizeEmail } from '../users/email.ts';
import type { UserRecord } from '../users/user.ts';
import type { Accounts, RequestOrigin, SignInResult } from './accounts.ts';
import type { IdentityContext } from './identity-context.ts';

const MAX_DISPLAY_NAME = 64;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Where to send the browser, and what to come back with. */
export interface OidcStart {
  authorizationUrl: string;
  state: string;
  expiresAt: string;
}

export type OidcSignInResult = SignInResult & { returnTo: string | null };

export function createOidcSignIn(ctx: IdentityContext, accounts: Accounts) {
  const { repo, options } = ctx;
  const clients = new Map<string, OidcClient>(
    options.oidcProviders.map((p) => [
      p.id,
      p.kind === 'github' ? createGitHubClient(p) : createOidcClient(p),
    ]),
  );

  function clientFor(providerId: string): OidcClient {
    const found = clients.get(providerId);
    if (!found) throw new IdentityError('AUTH_OIDC_PROVIDER_UNKNOWN', `no OIDC provider "${providerId}"`);
    return found;
  }

  /** The account the provider's user signs in to; `created`: made just now (a sign-up). */
  async function findOrCreateUser(
    claims: Awaited<ReturnType<OidcClient['exchange']>>,
  ): Promise<{ user: UserRecord; created: boolean }> {
    const linked = await repo.findOidcIdentity(claims.issuer, claims.subject);
    if (linked) {
      const user = await repo.findUserById(linked.userId);
      if (user) return { user, created: false };
    }
    if (!claims.email) {
      throw new IdentityError('AUTH_OIDC_FAILED', 'the provider did not share an email', {
        details: { reason: 'email_missing' },
      });
    }
    const email = normalizeEmail(claims.email);
    const now = ctx.now();
    const identity = { issuer: claims.issuer, subject: claims.subject, userId: '', email, createdAt: now };
    const existing = await repo.findUserByEmail(email);
    if (existing) {
      // Linking needs both sides to have proved the mailbox: the provider vouches that the
      // signing-in user controls it, and the account proved it with its verification link.
      // Otherwise anyone who registers the address at a provider (or who signed up here with an
      // address they do not own, waiting for its owner) could take the other side's account.
      if (!claims.emailVerified || !existing.emailVerifiedAt || !options.oidcLinkVerifiedEmail) {
        throw new IdentityError(
          'IDENTITY_OIDC_LINK_REQUIRED',
          'an account with this email exists; sign in with its password and verify the email first',
          {
            details: { providerVerified: claims.emailVerified, accountVerified: !!existing.emailVerifiedAt },
          },
        );
      }
      await repo.linkOidcIdentity({ ...identity, userId: existing.id });
      return { user: existing, created: false };
    }
    const displayName =
      claims.name
        ?.replace(/\p{Cc}/gu, '')
        .trim()
        .slice(0, MAX_DISPLAY_NAME) || null;
    const user = {
      ...(await accounts.createUser({ email, displayName, passwordHash: null, role: 'user' })),
      emailVerifiedAt: claims.emailVerified ? now : null,
    };
    await repo.insertUserWithOidcIdentity(user, { ...identity, userId: user.id });
    accounts.announce(user, SignUpMethod.Oidc, claims.issuer);
    return { user, created: true };
  }

  return {
    providers: (): Array<{ id: string; name: string }> => {
      return [...clients.values()].map((c) => ({ id: c.id, name: c.name }));
    },

    start: async (providerId: string, query: OidcStartQuery = {}): Promise<OidcStart> => {
      const oidc = clientFor(providerId);
      const { returnTo } = parseInput(OidcStartQuerySchema, query);
      const checks = oidc.newChecks();
      const url = await oidc.authorizationUrl(checks);
      const now = ctx.now();
      const expiresAt = new Date(now.getTime() + options.oidcStateTtlMs);
      await repo.saveOidcState({
        ...checks,
        providerId,
        returnTo: returnTo ?? null,
        createdAt: now,
        expiresAt,
      });
      return { authorizationUrl: url.href, state: checks.state, expiresAt: expiresAt.toISOString() };
    },

    /** Handles the provider's redirect; `query` is the callback's query string or parameters. */
    complete: async (
      providerId: string,
      query: string | URLSearchParams | Record<string, string>,
      browserState?: string | null,
      origin: RequestOrigin = {},
    ): Promise<OidcSignInResult> => {
      const oidc = clientFor(providerId);
      const params = new URLSearchParams(query);
      const state = params.get('state');
      // The browser that started the flow holds the state in a cookie: a callback URL carried to
      // another browser (login CSRF, a link sent to a victim) is refused before the state is spent.
      if (browserState !== undefined && (!state || !browserState || !sameText(state, browserState))) {
        throw new IdentityError('AUTH_OIDC_STATE_INVALID', 'the sign-in was started in another browser', {
          details: { reason: 'browser_mismatch' },
        });
      }
      const record = state && state.length <= 256 ? await repo.takeOidcState(state, ctx.now()) : undefined;
      if (!record || record.providerId !== providerId) {
        throw new IdentityError('AUTH_OIDC_STATE_INVALID', 'unknown or expired sign-in state');
      }
      const claims = await oidc.exchange(params, record);
      const { user, created } = await findOrCreateUser(claims);
      // A sign-up through the provider is not a sign-in to warn about (as a password sign-up is not).
      const result = await accounts.finishSignIn(user, 'oidc', origin, !created);
      return { ...result, returnTo: record.returnTo };
    },
  };
}

export type OidcSignIn = ReturnType<typeof createOidcSignIn>;
