/**
 * @module Access to the operations API: authenticated (bearer token or API key) and the admin
 * role — an API key also needs the `admin` scope. Anyone else gets 403 `AUTH_FORBIDDEN`.
 */
import { principalOf, requireAdmin, requireAuthentication, type IdentityService } from '@tickline/identity';
import type { AuditActor } from '../audit/audit-log.ts';
import type { FastifyRequest } from 'fastify';
import { ApiKeyScope } from '@tickline/protocol';

/** OpenAPI `security` of the admin routes. */
export const ADMIN_SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

/**
 * What every admin route spreads into its options: its declared scope (`admin`: the role, and for
 * an API key the scope too) and the hooks that check it before validation, so only admins learn
 * what a bad request is (here too when the routes are mounted without the gateway's check).
 */
export function adminOnly(identity: IdentityService) {
  const authenticate = requireAuthentication(identity);
  return {
    config: { scope: ApiKeyScope.Admin },
    preValidation: [
      authenticate,
      async function requireAdminRole(request: FastifyRequest): Promise<void> {
        requireAdmin(principalOf(request));
      },
    ],
  };
}

/** Who is acting, for the audit. */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = principalOf(request);
  return { id: principal.userId, kind: principal.kind };
}
