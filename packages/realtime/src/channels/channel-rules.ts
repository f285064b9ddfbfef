/** @module Authorization by channel rules: the first rule whose pattern matches decides. */
import { compileChannelPattern, type ChannelParams } from './channel-pattern.ts';

/** One rule: who may subscribe to the channels `pattern` matches. */
export interface ChannelRule<P> {
  /** A channel pattern (`market:**`, `user:{id}`, `admin:*`). */
  pattern: string;
  /** True to allow. `params` holds the pattern's captures. */
  allow: (principal: P, params: ChannelParams, channel: string) => boolean | Promise<boolean>;
}

/** The authorization hook the gateway calls on every subscribe. */
export type Authorize<P> = (principal: P, channel: string) => boolean | Promise<boolean>;

/**
 * Builds an {@link Authorize} function from rules. A channel no rule matches is refused.
 * @example
 * createChannelAuthorizer<User>([
 *   { pattern: 'market:**', allow: () => true },
 *   { pattern: 'user:{id}', allow: (user, { id }) => user.id === id },
 *   { pattern: 'admin:**', allow: (user) => user.role === 'admin' },
 * ]);
 */
export function createChannelAuthorizer<P>(rules: readonly ChannelRule<P>[]): Authorize<P> {
  const compiled = rules.map((rule) => ({ pattern: compileChannelPattern(rule.pattern), allow: rule.allow }));
  return function authorizeByRules(principal: P, channel: string): boolean | Promise<boolean> {
    for (const rule of compiled) {
      const params = rule.pattern.match(channel);
      if (params !== undefined) return rule.allow(principal, params, channel);
    }
    return false;
  };
}
