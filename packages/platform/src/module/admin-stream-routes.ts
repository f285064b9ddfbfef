/**
 * @module Operations API, event streams: the log head, rates per type, consumer positions and lag
 * (`GET /admin/streams`); dead letters (list, retry, discard); and the audit (`GET /admin/audit`).
 */
import type { IdentityService } from '@tickline/identity';
import type { PlatformOperations } from '../operations/platform-operations.ts';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { actorOf, ADMIN_SECURITY, adminOnly } from './admin-guard.ts';
import {
  AuditPageSchema,
  AuditQuerySchema,
  DeadLetterPageSchema,
  DeadLetterQuerySchema,
  DiscardInputSchema,
  NoContentSchema,
  OffsetParamsSchema,
  RetriedSchema,
  StreamsSchema,
} from './admin-schemas.ts';

/** What the admin routes are built on. */
export interface AdminRoutesOptions {
  identity: IdentityService;
  operations: PlatformOperations;
}

const TAGS = ['admin'];

export function registerAdminStreamRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { operations } = options;
  const adminRoute = adminOnly(options.identity);
  const doc = (summary: string) => ({ summary, tags: TAGS, security: ADMIN_SECURITY });

  app.get(
    '/admin/streams',
    {
      ...adminRoute,
      schema: {
        ...doc('Event log head, rates per type, consumer positions and lag'),
        response: { 200: StreamsSchema },
      },
    },
    async function streams() {
      return operations.streams();
    },
  );
  app.get(
    '/admin/dead-letters',
    {
      ...adminRoute,
      schema: {
        ...doc('Dead letters, oldest first, with what operators did to each'),
        querystring: DeadLetterQuerySchema,
        response: { 200: DeadLetterPageSchema },
      },
    },
    async function deadLetters(request) {
      return operations.deadLetters(request.query as z.output<typeof DeadLetterQuerySchema>);
    },
  );
  app.post(
    '/admin/dead-letters/:offset/retry',
    {
      ...adminRoute,
      schema: {
        ...doc('Append the dead letter’s event to the log again (consumers that processed it skip it)'),
        params: OffsetParamsSchema,
        response: { 200: RetriedSchema },
      },
    },
    async function retryDeadLetter(request) {
      const { offset } = request.params as z.output<typeof OffsetParamsSchema>;
      return operations.retryDeadLetter(actorOf(request), offset);
    },
  );
  app.post(
    '/admin/dead-letters/:offset/discard',
    {
      ...adminRoute,
      schema: {
        ...doc('Mark a dead letter handled without retrying it'),
        params: OffsetParamsSchema,
        body: DiscardInputSchema.nullish(),
        response: { 204: NoContentSchema },
      },
    },
    async function discardDeadLetter(request, reply) {
      const { offset } = request.params as z.output<typeof OffsetParamsSchema>;
      const body = (request.body ?? {}) as z.output<typeof DiscardInputSchema>;
      await operations.discardDeadLetter(actorOf(request), offset, body.reason);
      return reply.status(204).send();
    },
  );
  app.get(
    '/admin/audit',
    {
      ...adminRoute,
      schema: {
        ...doc('Operations performed through this API, newest first'),
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema },
      },
    },
    async function audit(request) {
      return operations.audit(request.query as z.output<typeof AuditQuerySchema>);
    },
  );
}
