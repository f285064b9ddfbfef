/**
 * @module The consumer group: the name a platform consumes the log under (its durable consumer)
 * and the key of every row it writes, so several platforms (tenants) share one log and one
 * database without seeing each other's state.
 */
import { PlatformError } from './errors.ts';

/** The group of a platform that was not given one. */
export const DEFAULT_CONSUMER_GROUP = 'platform';

/** Group names: 1–64 of a-z, 0-9, _ and -. Also a valid NATS durable name and a readable metric label. */
export const CONSUMER_GROUP_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Checks a consumer group name.
 * @throws PlatformError PLATFORM_INVALID_ARGUMENT when it is not 1–64 of a-z, 0-9, _ and -.
 */
export function checkConsumerGroup(name: string): string {
  if (!CONSUMER_GROUP_PATTERN.test(name)) {
    throw new PlatformError('PLATFORM_INVALID_ARGUMENT', `"${name}" is not a valid consumer group name`, {
      details: { consumerGroup: name },
    });
  }
  return name;
}
