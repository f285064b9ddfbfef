/**
 * @module @tickline/platform — seed 004's platform server: game events projected idempotently
 * into operational SQL tables under a consumer group (several platforms share one log and one
 * database), and the operations behind the admin API, each one audited.
 */
export { DEFAULT_CONSUMER_GROUP, CONSUMER_GROUP_PATTERN, checkConsumerGroup } from './consumer-group.ts';
export {
  PlatformErrorCodes,
  PlatformError,
  isPlatformNotFoundError,
  isPlatformUnavailableError,
  isDeadLetterDiscardedError,
} from './errors.ts';
export { createPlatformProjection, projectPlatformEvents } from './projection/platform-projection.ts';
export { MovementKind } from './projection/game-facts.ts';

export type { PlatformErrorCode } from './errors.ts';
export type { PlatformProjectionOptions } from './projection/platform-projection.ts';
