/**
 * @module A loopback mock of Twilio's Messages resource: `POST /2010-04-01/Accounts/{sid}/Messages.json`
 * with HTTP Basic auth (SID + token) and a form body; answers 201 with a message resource, 401 for
 * wrong credentials, 400 (code 21211) for a number that is not E.164.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentSms {
  to: string;
  from: string;
  body: string;
  statusCallback: string | undefined;
}

export interface TwilioMock {
  readonly baseUrl: string;
  readonly sent: SentSms[];
  failNext(status: number): void;
  stop(): Promise<void>;
}

export async function startTwilioMock(accountSid: string, authToken: string): Promise<TwilioMock> {
  const sent: SentSms[] = [];
  const failures: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`)
        return json(404, { code: 20404, message: 'not found' });
      if (
        req.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`
      )
        return json(401, { code: 20003, message: 'Authenticate' });
      const failure = failures.shift();
      if (failure) return json(failure, { code: 20500, message: 'scripted failure' });
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const to = form.get('To') ?? '';
      if (!/^\+[1-9]\d{6,14}$/.test(to))
        return json(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.` });
      sent.push({
        to,
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
        statusCallback: form.get('StatusCallback') ?? undefined,
      });
      return json(201, {
        sid: `SM${randomBytes(16).toString('hex')}`,
        status: 'queued',
        to,
        from: form.get('From'),
        body: form.get('Body'),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    failNext: (status) => failures.push(status),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
