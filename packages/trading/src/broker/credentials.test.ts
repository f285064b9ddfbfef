import { createSecretBox, generateSecretKey } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { openVenueCredentials, resealVenueCredentials, sealVenueCredentials } from './credentials.ts';

const k1 = generateSecretKey();
const k2 = generateSecretKey();
const plain = {
  apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
  apiSecret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
};

describe('venue credentials at rest', () => {
  it('are stored sealed, with only a hint of the key in clear', () => {
    const box = createSecretBox({ activeKeyId: 'k1', keys: { k1 } });
    const sealed = sealVenueCredentials(box, 'binance-spot', 'p1', plain);
    expect(JSON.stringify(sealed)).not.toContain(plain.apiSecret);
    expect(JSON.stringify(sealed)).not.toContain(plain.apiKey);
    expect(sealed.apiKeyHint).toBe('Eh8A');
    expect(openVenueCredentials(box, 'p1', sealed)).toEqual(plain);
  });

  it("do not open on another portfolio's row or with the fields swapped", () => {
    const box = createSecretBox({ activeKeyId: 'k1', keys: { k1 } });
    const sealed = sealVenueCredentials(box, 'binance-spot', 'p1', plain);
    expect(() => openVenueCredentials(box, 'p2', sealed)).toThrow(
      expect.objectContaining({ code: 'KERNEL_SECRET_TAMPERED' }),
    );
    const swapped = { ...sealed, apiKey: sealed.apiSecret, apiSecret: sealed.apiKey };
    expect(() => openVenueCredentials(box, 'p1', swapped)).toThrow(
      expect.objectContaining({ code: 'KERNEL_SECRET_TAMPERED' }),
    );
  });

  it('re-seal under a new active key, and still open after the old key is gone', () => {
    const sealed = sealVenueCredentials(
      createSecretBox({ activeKeyId: 'k1', keys: { k1 } }),
      'binance-spot',
      'p1',
      plain,
    );
    const both = createSecretBox({ activeKeyId: 'k2', keys: { k1, k2 } });
    const rotated = resealVenueCredentials(both, 'p1', sealed);
    expect(resealVenueCredentials(both, 'p1', rotated)).toBe(rotated);
    expect(openVenueCredentials(createSecretBox({ activeKeyId: 'k2', keys: { k2 } }), 'p1', rotated)).toEqual(
      plain,
    );
  });
});
