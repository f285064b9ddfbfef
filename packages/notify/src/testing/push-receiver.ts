/**
 * @module A Web Push service for tests: a loopback HTTP server that checks each request like a
 * push service would — `Authorization: vapid t=<JWT>, k=<key>` (ES256 signature, `aud` = this
 * origin, `exp` within 24 h), `TTL` present, `Content-Encoding: aes128gcm` — then decrypts the
 * body with `http_ece` using the subscriber's private key, as the browser would. `expire(id)`
 * makes a subscription answer 410.
 */
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';

export interface ReceivedPush {
  subscription: string;
  payload: Record<string, unknown>;
  ttl: string;
  urgency: string | undefined;
  topic: string | undefined;
}

export interface PushReceiver {
  /** A new browser subscription (what PushSubscription.toJSON() gives). */
  subscribe(): { endpoint: string; keys: { p256dh: string; auth: string } };
  expire(endpoint: string): void;
  /** The next request is answered with `status` (a push service having a bad minute). */
  failNext(status: number): void;
  readonly received: ReceivedPush[];
  /** Requests refused, with why. */
  readonly rejected: string[];
  stop(): Promise<void>;
}

const b64url = (b: Buffer) => b.toString('base64url');

function verifyVapid(header: string | undefined, origin: string): string | undefined {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) return 'no vapid authorization';
  const [head, claims, sig] = m[1]!.split('.');
  const key = Buffer.from(m[2]!, 'base64url');
  if (key.length !== 65) return 'bad k';
  const jwk = { kty: 'EC', crv: 'P-256', x: b64url(key.subarray(1, 33)), y: b64url(key.subarray(33)) };
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(sig ?? '', 'base64url'),
  );
  if (!ok) return 'bad signature';
  const body = JSON.parse(Buffer.from(claims!, 'base64url').toString()) as {
    aud?: string;
    exp?: number;
    sub?: string;
  };
  if (body.aud !== origin) return `aud ${body.aud} is not ${origin}`;
  const now = Date.now() / 1000;
  if (!body.exp || body.exp < now || body.exp > now + 24 * 3600 + 60) return 'bad exp';
  if (!/^(mailto:|https:)/.test(body.sub ?? '')) return 'bad sub';
  return undefined;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const subscriptions = new Map<string, { ecdh: ECDH; auth: Buffer; expired: boolean }>();
  const received: ReceivedPush[] = [];
  const rejected: string[] = [];
  let origin = '';
  const failures: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (req.url ?? '').split('/').at(-1)!;
      const sub = subscriptions.get(id);
      const refuse = (status: number, why: string) => {
        rejected.push(why);
        res.writeHead(status).end(why);
      };
      const failure = failures.shift();
      if (failure) return refuse(failure, 'scripted failure');
      if (!sub) return refuse(404, 'unknown subscription');
      if (sub.expired) return refuse(410, 'expired');
      const vapid = verifyVapid(req.headers.authorization, origin);
      if (vapid) return refuse(401, vapid);
      if (req.headers.ttl === undefined) return refuse(400, 'no TTL');
      if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(415, 'not aes128gcm');
      try {
        const plain = decrypt(Buffer.concat(chunks), {
          version: 'aes128gcm',
          privateKey: sub.ecdh,
          authSecret: sub.auth,
        });
        received.push({
          subscription: id,
          payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
          ttl: String(req.headers.ttl),
          urgency: req.headers.urgency as string | undefined,
          topic: req.headers.topic as string | undefined,
        });
        res.writeHead(201, { location: `${origin}/messages/${received.length}` }).end();
      } catch (error) {
        refuse(400, `decrypt failed: ${String(error)}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomBytes(8).toString('hex');
      subscriptions.set(id, { ecdh, auth, expired: false });
      return {
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) },
      };
    },
    expire(endpoint) {
      const sub = subscriptions.get(endpoint.split('/').at(-1)!);
      if (sub) sub.expired = true;
    },
    failNext: (status) => failures.push(status),
    received,
    rejected,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
