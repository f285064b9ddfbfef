/**
 * @module Channel patterns for rules: segments separated by `:`, where `*` matches exactly one
 * segment, `{name}` matches one segment and captures it, and a final `**` matches one or more
 * remaining segments. `market:**` covers `market:BTC-USD:trades`; `user:{id}` captures the id.
 */
import { RealtimeError } from '../errors.ts';

/** What a match captured: `{ id: '…' }` for `user:{id}`. */
export type ChannelParams = Record<string, string>;

/** A compiled pattern. */
export interface ChannelPattern {
  readonly source: string;
  /** The captured parameters, or undefined when `channel` does not match. */
  match(channel: string): ChannelParams | undefined;
}

type Part = { kind: 'literal'; value: string } | { kind: 'any' } | { kind: 'capture'; name: string };

const LITERAL_RE = /^[A-Za-z0-9_.@+=~-]+$/;
const CAPTURE_RE = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Compiles a pattern.
 * @throws RealtimeError RT_INVALID_OPTIONS for a malformed pattern.
 * @example compileChannelPattern('user:{id}').match('user:42') // { id: '42' }
 */
export function compileChannelPattern(source: string): ChannelPattern {
  const segments = source.split(':');
  const rest = segments.at(-1) === '**';
  if (rest) segments.pop();
  const parts = segments.map((segment): Part => {
    if (segment === '*') return { kind: 'any' };
    const capture = CAPTURE_RE.exec(segment);
    if (capture) return { kind: 'capture', name: capture[1]! };
    if (LITERAL_RE.test(segment)) return { kind: 'literal', value: segment };
    throw new RealtimeError('RT_INVALID_OPTIONS', `invalid channel pattern "${source}"`, {
      details: { field: 'pattern', value: source, segment },
    });
  });
  if (parts.length === 0 && !rest) {
    throw new RealtimeError('RT_INVALID_OPTIONS', 'empty channel pattern', { details: { field: 'pattern' } });
  }
  return {
    source,
    match(channel: string): ChannelParams | undefined {
      const names = channel.split(':');
      if (rest ? names.length <= parts.length : names.length !== parts.length) return undefined;
      const params: ChannelParams = {};
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!;
        const name = names[i]!;
        if (part.kind === 'literal' && part.value !== name) return undefined;
        if (part.kind === 'capture') params[part.name] = name;
      }
      return params;
    },
  };
}

/** A predicate over channel names that is true when any of `patterns` matches. */
export function channelMatcher(patterns: readonly string[]): (channel: string) => boolean {
  const compiled = patterns.map(compileChannelPattern);
  if (compiled.length === 0) return () => false;
  return (channel) => compiled.some((pattern) => pattern.match(channel) !== undefined);
}
