import { describe, expect, it } from 'vitest';
import { escapeToken, SubjectScheme, unescapeToken } from './subjects.ts';

const VALID_TOKEN = /^[^\s.*>/\\]+$/;

describe('nats subjects', () => {
  const keys = [
    'zone-1',
    'sym:BTC-USDT',
    'zone/zone-1',
    'a.b.c',
    'with space',
    'tab\there',
    '*',
    '>',
    'ключ ✓',
    '🎮',
    '~',
    '~41',
    'back\\slash',
    '',
  ];

  it.each(keys)('escape - %j becomes one valid token and round-trips', (key) => {
    const token = escapeToken(key);
    expect(token).toMatch(VALID_TOKEN);
    expect(unescapeToken(token)).toBe(key);
  });

  it('escape - safe keys pass through unchanged', () => {
    expect(escapeToken('sym:BTC-USDT_1')).toBe('sym:BTC-USDT_1');
  });

  it('escape - distinct keys give distinct tokens', () => {
    const tokens = keys.map(escapeToken);
    expect(new Set(tokens).size).toBe(keys.length);
  });

  it('escape - unicode is escaped per UTF-8 byte', () => {
    expect(escapeToken('é')).toBe('~C3~A9');
    expect(escapeToken('a.b')).toBe('a~2Eb');
  });

  it('unescape - rejects tokens escapeToken cannot produce', () => {
    expect(() => unescapeToken('a~zz')).toThrow(/malformed/);
    expect(() => unescapeToken('~F')).toThrow(/malformed/);
  });

  it('scheme - subject and key round-trip under the prefix', () => {
    const scheme = new SubjectScheme('tickline.events');
    const subject = scheme.subjectFor('zone/zone-1');
    expect(subject).toBe('tickline.events.zone~2Fzone-1');
    expect(scheme.keyOf(subject)).toBe('zone/zone-1');
    expect(scheme.wildcard).toBe('tickline.events.*');
  });

  it('scheme - segmented keys give one token per segment, so wildcards work per segment', () => {
    const scheme = new SubjectScheme('tickline.RT', { segmented: true });
    expect(scheme.wildcard).toBe('tickline.RT.>');
    const subject = scheme.subjectFor('c:market:BTC.X:trades');
    expect(subject).toBe('tickline.RT.c.market.BTC~2EX.trades');
    expect(scheme.keyOf(subject)).toBe('c:market:BTC.X:trades');
    for (const key of ['single', 'a::b', ':lead', 'é:ü'])
      expect(scheme.keyOf(scheme.subjectFor(key))).toBe(key);
  });
});
