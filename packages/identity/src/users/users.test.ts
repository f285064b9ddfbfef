import { describe, expect, it } from 'vitest';
import { EmailSchema } from '../schemas/auth-schemas.ts';
import { normalizeEmail } from './email.ts';
import { createArgon2Hasher } from './password-hasher.ts';
import { checkPassword, MAX_PASSWORD_LENGTH } from './password-policy.ts';

describe('users', () => {
  it('email - trimmed, NFKC and lower-cased; provider tricks left alone', () => {
    expect(normalizeEmail('  Ada@EXAMPLE.com ')).toBe('ada@example.com');
    expect(normalizeEmail('ａｄａ@example.com')).toBe('ada@example.com');
    expect(normalizeEmail('a.d.a+tag@gmail.com')).toBe('a.d.a+tag@gmail.com');
    expect(EmailSchema.parse(' Bob@Example.org')).toBe('bob@example.org');
    expect(EmailSchema.safeParse('not an email').success).toBe(false);
  });

  it('password policy - length counts code points, not UTF-16 units', () => {
    // Five emoji are ten UTF-16 units but five characters.
    expect(checkPassword('🔑🔒🔓🔐🚪', 'a@b.io')).toBe('too_short');
    expect(checkPassword('🔑🔒🔓🔐🚪'.repeat(2), 'a@b.io')).toBeUndefined();
    expect(checkPassword('ab1'.repeat(43), 'a@b.io')).toBe('too_long');
    expect(checkPassword('abc1'.repeat(MAX_PASSWORD_LENGTH / 4), 'a@b.io')).toBeUndefined();
  });

  it('argon2id - hashes verify, wrong passwords and junk hashes do not', async () => {
    const hasher = createArgon2Hasher({ memoryCostKib: 1024, timeCost: 1 });
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify('not-a-phc-string', 'x')).toBe(false);
  });
});
