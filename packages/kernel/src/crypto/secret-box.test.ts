import { describe, expect, it } from 'vitest';
import { isSecretKey } from '../config/redact.ts';
import { createSecretBox, generateSecretKey, SecretBoxConfigSchema } from './secret-box.ts';

const k1 = generateSecretKey();
const k2 = generateSecretKey();

describe('secret box - seal and open', () => {
  it('round-trips text and bytes, with a fresh IV each time', () => {
    const box = createSecretBox({ activeKeyId: 'k1', keys: { k1 } });
    const a = box.seal('api-secret-πß');
    const b = box.seal('api-secret-πß');
    expect(a).not.toBe(b);
    expect(a.startsWith('v1.k1.')).toBe(true);
    expect(a).not.toContain('api-secret');
    expect(box.open(a)).toBe('api-secret-πß');
    expect(box.openBytes(box.seal(new Uint8Array([0, 1, 255])))).toEqual(Buffer.from([0, 1, 255]));
  });

  it('binds a value to its context', () => {
    const box = createSecretBox({ activeKeyId: 'k1', keys: { k1 } });
    const sealed = box.seal('s', 'portfolio:a');
    expect(box.open(sealed, 'portfolio:a')).toBe('s');
    expect(() => box.open(sealed, 'portfolio:b')).toThrow(
      expect.objectContaining({ code: 'KERNEL_SECRET_TAMPERED' }),
    );
  });

  it('refuses a flipped bit, a relabelled key id and a value that is not sealed', () => {
    const box = createSecretBox({ activeKeyId: 'k1', keys: { k1, k2: k1 } });
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3]!, 'base64url');
    data[0] = data[0]! ^ 1;
    const flipped = [...parts.slice(0, 3), data.toString('base64url'), parts[4]].join('.');
    expect(() => box.open(flipped)).toThrow(expect.objectContaining({ code: 'KERNEL_SECRET_TAMPERED' }));
    // Same key bytes under another id: the id is authenticated, so this fails too.
    const relabelled = ['v1', 'k2', ...parts.slice(2)].join('.');
    expect(() => box.open(relabelled)).toThrow(expect.objectContaining({ code: 'KERNEL_SECRET_TAMPERED' }));
    expect(() => box.open('plain text')).toThrow(
      expect.objectContaining({ code: 'KERNEL_SECRET_MALFORMED' }),
    );
  });
});

describe('secret box - keys and rotation', () => {
  it('opens values sealed with an older key and re-seals them with the active one', () => {
    const old = createSecretBox({ activeKeyId: 'k1', keys: { k1 } });
    const sealed = old.seal('secret', 'ctx');
    const rotated = createSecretBox({ activeKeyId: 'k2', keys: { k1, k2 } });
    expect(rotated.needsReseal(sealed)).toBe(true);
    const resealed = rotated.reseal(sealed, 'ctx');
    expect(rotated.keyIdOf(resealed)).toBe('k2');
    expect(rotated.needsReseal(resealed)).toBe(false);
    const withoutOld = createSecretBox({ activeKeyId: 'k2', keys: { k2 } });
    expect(withoutOld.open(resealed, 'ctx')).toBe('secret');
    expect(() => withoutOld.open(sealed, 'ctx')).toThrow(
      expect.objectContaining({ code: 'KERNEL_SECRET_KEY_UNKNOWN' }),
    );
  });

  it('rejects short keys and a missing active key', () => {
    expect(() =>
      createSecretBox({ activeKeyId: 'k1', keys: { k1: Buffer.alloc(16).toString('base64') } }),
    ).toThrow(expect.objectContaining({ code: 'KERNEL_SECRET_KEY_INVALID' }));
    expect(() => createSecretBox({ activeKeyId: 'k9', keys: { k1 } })).toThrow(
      expect.objectContaining({ code: 'KERNEL_SECRET_KEY_INVALID' }),
    );
  });

  it('has a config section whose keys are redacted when printed', () => {
    expect(SecretBoxConfigSchema.safeParse({ activeKeyId: 'k1', keys: { k1 } }).success).toBe(true);
    expect(SecretBoxConfigSchema.safeParse({ activeKeyId: 'bad id', keys: {} }).success).toBe(false);
    expect(isSecretKey('keys')).toBe(true);
  });
});
