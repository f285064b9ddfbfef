import { describe, expect, it } from 'vitest';
import { silentLogger } from '@tickline/kernel';
import { apiKeyPrefixOf, generateApiKey, looksLikeApiKey } from './api-key-format.ts';
import { createLastUsedRecorder } from './last-used-recorder.ts';

describe('API key parts', () => {
  it('format - the prefix is recovered from a well-formed key only', () => {
    const { key, prefix } = generateApiKey();
    expect(apiKeyPrefixOf(key)).toBe(prefix);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(apiKeyPrefixOf(`${key}x`)).toBeUndefined();
    expect(apiKeyPrefixOf(key.replace('_live_', '_test_'))).toBeUndefined();
    expect(generateApiKey().prefix).not.toBe(prefix);
  });

  it('last used - a failed flush keeps the uses for the next one', async () => {
    const written: Array<Array<{ id: string; at: Date }>> = [];
    let fail = true;
    const recorder = createLastUsedRecorder(
      {
        recordApiKeyUse: async (uses) => {
          if (fail) throw new Error('database down');
          written.push([...uses]);
        },
      },
      silentLogger,
      3_600_000,
    );
    recorder.note('a', new Date(1000));
    recorder.note('a', new Date(500));
    await recorder.flush();
    expect(recorder.pending()).toBe(1);
    recorder.note('b', new Date(2000));
    fail = false;
    await recorder.close();
    expect(written).toEqual([
      [
        { id: 'a', at: new Date(1000) },
        { id: 'b', at: new Date(2000) },
      ],
    ]);
    expect(recorder.pending()).toBe(0);
  });
});
