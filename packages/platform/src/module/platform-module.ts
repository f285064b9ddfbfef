/**
 * @module The platform as a domain module: the `platform` config section, the host (game-event
 * projection, movement partitions, operations, admin feeds) and the operations API under
 * `/api/v1/admin`.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsync } from 'fastify';
import { platformConfig, PLATFORM_MIGRATIONS_DIR } from '../config.ts';
import { createPlatformHost, type PlatformHost, type PlatformHostDeps } from './platform-host.ts';
import { platformRoutes } from './platform-routes.ts';
import { PlatformErrorCodes } from '../errors.ts';

export const platformModule: DomainModule<
  typeof platformConfig.key,
  typeof platformConfig.schema,
  PlatformHostDeps,
  PlatformHost,
  FastifyPluginAsync
> = {
  name: 'platform',
  // It only projects other domains' events.
  errors: [PlatformErrorCodes],
  config: platformConfig,
  migrations: PLATFORM_MIGRATIONS_DIR,
  after: ['identity', 'game'],
  createHost: createPlatformHost,
  routes: (host) => platformRoutes({ identity: host.identity.identity, operations: host.operations }),
};
