import { randomBytes } from 'node:crypto';
import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import {
  canonicalRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
  looksLikeRecoveryCode,
} from './recovery-codes.ts';
import { createSecretBox } from './secret-box.ts';
import { createTotp, TOTP_PERIOD_SECONDS } from './totp.ts';
import { qrDataUrl } from './qr.ts';

describe('TOTP parts', () => {
  it('totp - a code matches its own step and the neighbours within the window only', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const totp = createTotp({ clock, issuer: 'T' });
    const secret = totp.newSecret();
    const step = totp.currentStep();
    const period = TOTP_PERIOD_SECONDS * 1000;
    expect(await totp.match(secret, await totp.codeAt(secret, clock.now()))).toBe(step);
    expect(await totp.match(secret, await totp.codeAt(secret, clock.now() + period))).toBe(step + 1);
    expect(await totp.match(secret, await totp.codeAt(secret, clock.now() - 3 * period))).toBeUndefined();
    expect(await totp.match(secret, '12345a')).toBeUndefined();
    const wide = createTotp({ clock, issuer: 'T', windowSteps: 3 });
    expect(await wide.match(secret, await totp.codeAt(secret, clock.now() - 3 * period))).toBe(step - 3);
  });

  it('secret box - round trips; another user or key cannot open it', () => {
    const key = randomBytes(32);
    const box = createSecretBox(key);
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => box.open(sealed, 'user-2')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'user-1')).toThrow();
    expect(() => createSecretBox(key.toString('base64url')).open(sealed, 'user-1')).not.toThrow();
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('secret box - a tag cut short is refused (the tag length is pinned at 16 bytes)', () => {
    const box = createSecretBox(randomBytes(32));
    const [version, iv, tag, body] = box.seal('JBSWY3DPEHPK3PXP', 'user-1').split('.');
    const short = Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => box.open([version, iv, short, body].join('.'), 'user-1')).toThrow();
  });

  it('recovery codes - ten distinct readable codes; typed forms hash the same', () => {
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9a-z]{4}(-[2-9a-z]{4}){3}$/);
    const code = codes[0]!;
    expect(hashRecoveryCode(code.toUpperCase().replaceAll('-', ' '))).toBe(hashRecoveryCode(code));
    expect(canonicalRecoveryCode(code)).toHaveLength(16);
    expect(looksLikeRecoveryCode('123456')).toBe(false);
  });

  it('qr - a data URL of an SVG', () => {
    const url = qrDataUrl('otpauth://totp/T:a?secret=ABC');
    expect(Buffer.from(url.replace('data:image/svg+xml;base64,', ''), 'base64').toString()).toMatch(/^<svg/);
  });
});
