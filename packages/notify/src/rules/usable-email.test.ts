import { describe, expect, it } from 'vitest';
import { usableEmail } from './preferences-sql.ts';

const at = new Date('2026-11-25T00:00:00Z');

describe('usable email', () => {
  it('preferences - the account’s address is mailed only once identity verified it', () => {
    const account = { email: 'ada@example.com', account_email: 'ada@example.com', email_verified_at: null };
    expect(usableEmail({ ...account, account_email_verified_at: null })).toBeNull();
    expect(usableEmail({ ...account, account_email_verified_at: at })).toBe('ada@example.com');
  });

  it('preferences - another address only once its code came back, whatever the account’s state', () => {
    const other = { email: 'me@elsewhere.example', account_email: 'ada@example.com' };
    expect(usableEmail({ ...other, account_email_verified_at: at, email_verified_at: null })).toBeNull();
    expect(usableEmail({ ...other, account_email_verified_at: null, email_verified_at: at })).toBe(
      'me@elsewhere.example',
    );
    expect(
      usableEmail({
        email: null,
        account_email: 'ada@example.com',
        account_email_verified_at: at,
        email_verified_at: at,
      }),
    ).toBeNull();
  });
});
