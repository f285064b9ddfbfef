/** @module Authorization by channel rules: the first rule whose pattern matches decides. */
import { compileChannelPattern, type ChannelParams } from './channel-pattern.ts';

/** One rule: who may subscribe to the channels `pattern` matches. */
export interface ChannelRule<P> {
  /** A channel pattern (`market:**`, `user:{id}`, `admin:*`). */
  pattern: string;
  /** True to allow. `params` holds the pattern's captures. */
  allow: (principal: P, params: ChannelParams, channel: string) => boolean | Promise<boolean>;
  /**
   * Scopes a scoped principal (one streaming with an API key's ticket) must also hold, whatever
   * `allow` says: an admin's `stream:read` key must not read `admin:*`. Unscoped principals (a
   * signed-in user) are judged by `allow` alone.
   */
  scopes?: readonly string[];
}

/** Options for {@link createChannelAuthorizer}. */
export interface ChannelAuthorizerOptions<P> {
  /** The principal's scopes, or null/undefined when it is not narrowed by any. @default none */
  scopesOf?: (principal: P) => readonly string[] | null | undefined;
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
export function createChannelAuthorizer<P>(
  rules: readonly ChannelRule<P>[],
  options: ChannelAuthorizerOptions<P> = {},
): Authorize<P> {
  const compiled = rules.map((rule) => ({
    pattern: compileChannelPattern(rule.pattern),
    allow: rule.allow,
    scopes: rule.scopes ?? [],
  }));
  return function authorizeByRules(principal: P, channel: string): boolean | Promise<boolean> {
    for (const rule of compiled) {
      const params = rule.pattern.match(channel);
      if (params === undefined) continue;
      const held = options.scopesOf?.(principal);
      if (held && !rule.scopes.every((scope) => held.includes(scope))) return false;
      return rule.allow(principal, params, channel);
    }
    return false;
  };
}
