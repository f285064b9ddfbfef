/**
 * @module Request authentication as identity's host offers it to other domains' routes, which may
 * not import identity (same layer): a preHandler, then who called. Generic over the request type
 * so the kernel stays free of Fastify (domains use `RequestAuth<FastifyRequest>`).
 */

/** Who called: a user with an access token, or an API key acting for its user. */
export interface Caller {
  readonly userId: string;
  readonly role: 'admin' | 'user';
  /** `user` (access token) or `api-key`. */
  readonly kind: string;
  /** An API key's scopes; null or absent for a signed-in user (every scope the role allows). */
  readonly scopes?: readonly string[] | null;
  /**
   * The caller's tier as their credential stands now (`free`, `premium`, `enterprise`): a domain
   * that keeps its own copy of the tier checks a request against this one.
   */
  readonly tier?: string;
  /** The caller's tier limits by name (e.g. `maxStreamConnections`), where the identity knows them. */
  readonly limits?: Readonly<Record<string, number>>;
  /**
   * The user's session version the credential stands on; credentials minted from this call
   * (stream tickets, join tokens) carry it, so a later revocation reaches them. @default 0
   */
  readonly sessionVersion?: number;
  /** The API key of a key's call: credentials minted from it (stream tickets) name it. */
  readonly apiKeyId?: string;
}

export interface RequestAuth<TRequest> {
  /** A preHandler: authenticates the request (bearer token or API key) or throws `AUTH_*`. */
  authenticate(request: TRequest): Promise<void>;
  /**
   * The caller {@link authenticate} found; with `scope`, an API key must carry it.
   * @throws AUTH_FORBIDDEN (403)
   */
  caller(request: TRequest, scope?: string): Caller;
  /** The caller, who must be an admin (an API key also needs the `admin` scope). @throws AUTH_FORBIDDEN */
  admin(request: TRequest): Caller;
  /**
   * What a route's declared scope demands (the gateway runs it for every `/api/v1` route before
   * its input is read): nothing for `public`; a valid credential for `authenticated`; the admin
   * role and scope for `admin`; else a credential carrying the scope. @throws AUTH_* (401, 403)
   */
  authorize(request: TRequest, scope: string): Promise<void>;
}
