import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../errors.ts';
import { assertChannelName, isValidChannelName, normalizeChannelList } from './channel-name.ts';
import { channelMatcher, compileChannelPattern } from './channel-pattern.ts';
import { createChannelAuthorizer } from './channel-rules.ts';

describe('channels - names', () => {
  it('channel names - accepts the documented shapes', () => {
    for (const name of [
      'user:0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b',
      'market:BTC-USD:trades',
      'market:KRW-BTC:ticker',
      'admin:game',
      'game:zone-1',
      'a',
    ]) {
      expect(isValidChannelName(name), name).toBe(true);
    }
  });

  it('channel names - refuses separators, wildcards, quotes and oversize names', () => {
    for (const name of [
      '',
      'a,b',
      'market:*',
      'a:',
      ':a',
      'a::b',
      'a b',
      'user:"x"',
      'a\nb',
      'x'.repeat(201),
      'a:b:c:d:e:f:g:h:i',
    ]) {
      expect(isValidChannelName(name), JSON.stringify(name)).toBe(false);
    }
    expect(() => assertChannelName('a,b')).toThrow(expect.objectContaining({ code: 'RT_INVALID_CHANNEL' }));
  });

  it('channel lists - dedupes, and refuses empty and over-limit lists', () => {
    expect(normalizeChannelList(['a', 'b', 'a'], 2)).toEqual(['a', 'b']);
    expect(() => normalizeChannelList([], 2)).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_CHANNEL' }),
    );
    try {
      normalizeChannelList(['a', 'b', 'c'], 2);
      expect.unreachable();
    } catch (error) {
      expect(isRealtimeError(error) && error.code).toBe('RT_TOO_MANY_CHANNELS');
    }
  });
});

describe('channels - patterns', () => {
  it('patterns - * matches one segment, ** one or more trailing, {name} captures', () => {
    expect(compileChannelPattern('user:{id}').match('user:42')).toEqual({ id: '42' });
    expect(compileChannelPattern('user:{id}').match('user:42:x')).toBeUndefined();
    expect(compileChannelPattern('admin:*').match('admin:game')).toEqual({});
    expect(compileChannelPattern('admin:*').match('admin')).toBeUndefined();
    const market = compileChannelPattern('market:**');
    expect(market.match('market:BTC-USD:trades')).toEqual({});
    expect(market.match('market:BTC-USD')).toEqual({});
    expect(market.match('market')).toBeUndefined();
    expect(market.match('marketing:x')).toBeUndefined();
    expect(compileChannelPattern('market:{symbol}:**').match('market:ETH-USD:candles:1m')).toEqual({
      symbol: 'ETH-USD',
    });
  });

  it('patterns - malformed patterns are refused at compile time', () => {
    for (const bad of ['', 'a:**:b', 'a:{1x}', 'a:b c', 'a:*x']) {
      expect(() => compileChannelPattern(bad), bad).toThrow(
        expect.objectContaining({ code: 'RT_INVALID_OPTIONS' }),
      );
    }
  });

  it('patterns - a matcher is true when any pattern matches', () => {
    const coalesce = channelMatcher(['market:**', 'game:*']);
    expect(coalesce('market:BTC-USD:trades')).toBe(true);
    expect(coalesce('game:zone-1')).toBe(true);
    expect(coalesce('user:1')).toBe(false);
    expect(channelMatcher([])('market:x')).toBe(false);
  });
});

describe('channels - rules', () => {
  type User = { id: string; role: 'admin' | 'user' };
  const authorize = createChannelAuthorizer<User>([
    { pattern: 'market:**', allow: () => true },
    { pattern: 'user:{id}', allow: (user, { id }) => user.id === id },
    { pattern: 'admin:**', allow: (user) => user.role === 'admin' },
    { pattern: 'game:*', allow: async () => true },
  ]);
  const alice: User = { id: 'alice', role: 'user' };
  const root: User = { id: 'root', role: 'admin' };

  it('rules - a user reads public channels and only their own user channel', async () => {
    expect(authorize(alice, 'market:BTC-USD:trades')).toBe(true);
    expect(authorize(alice, 'user:alice')).toBe(true);
    expect(authorize(alice, 'user:bob')).toBe(false);
    expect(authorize(alice, 'admin:game')).toBe(false);
    expect(authorize(root, 'admin:game')).toBe(true);
    expect(await authorize(alice, 'game:zone-1')).toBe(true);
  });

  it('rules - a channel no rule covers is refused', () => {
    expect(authorize(root, 'secret:thing')).toBe(false);
  });

  it('scopes - a scoped principal needs the rule scopes too: an admin stream:read key cannot read admin:*', () => {
    type Scoped = User & { scopes?: string[] };
    const scoped = createChannelAuthorizer<Scoped>(
      [
        { pattern: 'market:**', scopes: ['stream:read'], allow: () => true },
        { pattern: 'admin:**', scopes: ['admin'], allow: (user) => user.role === 'admin' },
      ],
      { scopesOf: (p) => p.scopes },
    );
    const key: Scoped = { ...root, scopes: ['stream:read'] };
    expect(scoped(key, 'market:BTC-USD:trades')).toBe(true);
    expect(scoped(key, 'admin:game')).toBe(false);
    expect(scoped({ ...root, scopes: ['stream:read', 'admin'] }, 'admin:game')).toBe(true);
    expect(scoped({ ...root, scopes: [] }, 'market:BTC-USD:trades')).toBe(false);
    expect(scoped(root, 'admin:game')).toBe(true); // signed in, not narrowed
  });
});
