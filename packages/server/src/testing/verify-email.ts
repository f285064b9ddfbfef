/**
 * @module Proving a test user's address as a person would: the sign-up's verification link is read
 * from the SMTP receiver and opened, then notify is waited on until it knows (notification mail
 * goes only to a proven address).
 */
import type { SmtpReceiver } from '@tickline/notify/testing';
import { until } from '@tickline/testing';
import { callJson, type TestUser } from './api-clients.ts';

const LINK_TOKEN = /\/verify-email\?token=([A-Za-z0-9_-]+)/;
const ARRIVAL_MS = 60_000;

/** The tokens of every verification link mailed to `address`, oldest first. */
export function verificationTokens(smtp: SmtpReceiver, address: string): string[] {
  return smtp.received
    .filter((m) => m.envelopeTo.includes(address))
    .flatMap((m) => {
      const html = typeof m.mail.html === 'string' ? m.mail.html : '';
      const found = LINK_TOKEN.exec(`${m.mail.text ?? ''}${html}`);
      return found ? [found[1]!] : [];
    });
}

/** Opens the sign-up's link for `user` and waits until notify mails the address. */
export async function verifyAccountEmail(base: string, smtp: SmtpReceiver, user: TestUser): Promise<void> {
  await until(() => verificationTokens(smtp, user.email).length > 0, {
    timeoutMs: ARRIVAL_MS,
    what: `the verification link for ${user.email}`,
  });
  const verified = await callJson(base, 'POST', '/api/v1/auth/verify-email', {
    body: { token: verificationTokens(smtp, user.email).at(-1) },
  });
  if (verified.status !== 200) throw new Error(`verify-email answered ${verified.status}`);
  await until(
    async () =>
      (await callJson(base, 'GET', '/api/v1/notification-rules', { bearer: user.accessToken })).body?.settings
        ?.emailVerified === true,
    { timeoutMs: ARRIVAL_MS, intervalMs: 100, what: `notify to know ${user.email} is proven` },
  );
}
