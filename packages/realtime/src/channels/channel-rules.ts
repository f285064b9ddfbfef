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
  /**
   * Channels carrying several kinds of data (`user:{id}`: orders, the inbox, backtests): the scopes
   * a scoped principal must hold to receive an event of `eventType` here, as REST asks them for
   * the same data; null when no scope admits it (a type nobody mapped reaches unscoped principals
   * only). Absent: every event of the channel is the channel's to read.
   */
  eventScopes?: (eventType: string) => readonly string[] | null;
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

/** What a connection's filter sees of a message. */
export interface ScopedEvent {
  readonly channel: string;
  readonly type: string;
}

/** Per principal: the filter of the events it may receive, or undefined when it receives all. */
export type EventFilterOf<P> = (principal: P) => ((event: ScopedEvent) => boolean) | undefined;

/**
 * Builds an {@link EventFilterOf} from rules: a scoped principal receives an event on a channel
 * whose rule has `eventScopes` only when it holds every scope the event's type needs. Unscoped
 * principals, and channels whose rules name no event scopes, are not filtered.
 */
export function createEventFilter<P>(
  rules: readonly ChannelRule<P>[],
  options: ChannelAuthorizerOptions<P> = {},
): EventFilterOf<P> {
  const compiled = rules.map((rule) => ({
    pattern: compileChannelPattern(rule.pattern),
    eventScopes: rule.eventScopes,
  }));
  if (compiled.every((rule) => rule.eventScopes === undefined)) return () => undefined;
  // A channel's rule, found once per channel name (the names a process carries are bounded by its subscriptions).
  const ruleOf = new Map<string, ((type: string) => readonly string[] | null) | undefined>();
  const eventScopesOf = (channel: string) => {
    if (ruleOf.has(channel)) return ruleOf.get(channel);
    const rule = compiled.find((r) => r.pattern.match(channel) !== undefined);
    if (ruleOf.size >= MAX_CACHED_CHANNELS) ruleOf.clear();
    ruleOf.set(channel, rule?.eventScopes);
    return rule?.eventScopes;
  };
  return function eventFilterOf(principal) {
    const held = options.scopesOf?.(principal);
    if (!held) return undefined;
    return function receives(event) {
      const needed = eventScopesOf(event.channel)?.(event.type);
      if (needed === undefined) return true;
      return needed !== null && needed.every((scope) => held.includes(scope));
    };
  };
}

/** Channel names whose rule is remembered before the memo starts again. */
const MAX_CACHED_CHANNELS = 10_000;
