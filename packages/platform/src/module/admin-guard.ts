/**
 * @module Access to the operations API: authenticated (bearer token or API key) and the admin
 * role — an API key also needs the `admin` scope. Anyone else gets 403 `AUTH_FORBIDDEN`.
 */
import { principalOf, requireAdmin, requireAuthentication, type IdentityService } from '@tickline/identity';
import type { AuditActor } from '../audit/audit-log.ts';
import type { FastifyRequest } from 'fastify';

/** OpenAPI `security` of the admin routes. */
export const ADMIN_SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

/** The hooks of every admin route, run before validation: only admins learn what a bad request is. */
export function adminOnly(identity: IdentityService) {
  const authenticate = requireAuthentication(identity);
  return [
    authenticate,
    async function requireAdminRole(request: FastifyRequest): Promise<void> {
      requireAdmin(principalOf(request));
    },
  ];
}

/** Who is acting, for the audit. */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = principalOf(request);
  return { id: principal.userId, kind: principal.kind };
}
