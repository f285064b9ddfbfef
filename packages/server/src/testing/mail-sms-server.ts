/**
 * @module A `tickline start` with mail and SMS wired to stand-ins (an SMTP receiver and a Twilio
 * mock), for the end-to-end tests of notifications: the server, its admin, and what a test asks
 * of them — a user's API call, a new signed-in user, the mail one address got.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startSmtpReceiver,
  startTwilioMock,
  type SmtpReceiver,
  type TwilioMock,
} from '@tickline/notify/testing';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from './api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';

/** The Twilio account the stand-in accepts. */
export const TEST_SMS = { sid: 'AC00000000000000000000000000000e2e', token: 'e2e-sms-token' } as const;

export interface MailSmsServer {
  server: RunningServer;
  smtp: SmtpReceiver;
  twilio: TwilioMock;
  /** The first-run admin's access token. */
  admin: string;
  /** A user's call of `/api/v1{path}`. */
  api(user: TestUser, method: string, path: string, body?: unknown): ReturnType<typeof callJson>;
  /** A new user, signed up and in, named `name` plus a unique suffix. */
  user(name: string): Promise<TestUser>;
  /** The mail the SMTP receiver got for `address`. */
  mailsTo(address: string): SmtpReceiver['received'];
  stop(): Promise<void>;
}

/** Starts the server on the embedded default with mail, SMS and `env` on top. */
export async function startMailSmsServer(
  name: string,
  env: Record<string, string> = {},
): Promise<MailSmsServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `tickline-e2e-${name}-`));
  const smtp = await startSmtpReceiver();
  const twilio = await startTwilioMock(TEST_SMS.sid, TEST_SMS.token);
  let server: RunningServer | undefined;
  const stop = async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await smtp.stop();
    await twilio.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startTicklineServer(
      embeddedTestEnv(dataDir, {
        TICKLINE_NOTIFY_EMAIL_HOST: '127.0.0.1',
        TICKLINE_NOTIFY_EMAIL_PORT: String(smtp.port),
        // Mail needs a base URL for its links.
        TICKLINE_HTTP_PUBLIC_URL: 'http://tickline.test',
        TICKLINE_NOTIFY_SMS_BASE_URL: twilio.baseUrl,
        TICKLINE_NOTIFY_SMS_ACCOUNT_SID: TEST_SMS.sid,
        TICKLINE_NOTIFY_SMS_AUTH_TOKEN: TEST_SMS.token,
        TICKLINE_NOTIFY_SMS_FROM: '+15550000000',
        ...env,
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const started = server;
  return {
    server: started,
    smtp,
    twilio,
    admin: await initialAdminToken(started.url, dataDir),
    api: (user, method, path, body) =>
      callJson(started.url, method, `/api/v1${path}`, {
        bearer: user.accessToken,
        ...(body ? { body } : {}),
      }),
    user: (prefix) => signUpAndIn(started.url, `${prefix}-${Date.now()}@example.com`),
    mailsTo: (address) => smtp.received.filter((m) => m.envelopeTo.includes(address)),
    stop,
  };
}
