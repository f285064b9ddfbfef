/**
 * @module The benchmark's webhook receiver, in its own process so it does not take CPU from the
 * sender's event loop: answers 204 at once and records the arrival time of each `webhook-id`.
 * For paths it was given a secret for (`{ type: 'secrets', secrets: { path: whsec_… } }`, which
 * replaces the last set) it
 * checks every `webhook-signature` as the Standard Webhooks spec says (HMAC-SHA256 over
 * `id.timestamp.body`) and counts the ones that verify, so "every delivery signed" is measured,
 * not assumed.
 * IPC: `{ type: 'ready', port }` on start; on `{ type: 'report' }` it sends back
 * `{ type: 'report', count, verified, badSignatures, arrivals: [id, epochMs][] }` and forgets them.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

let count = 0;
let verified = 0;
let badSignatures = 0;
let arrivals: Array<[string, number]> = [];
const keys = new Map<string, KeyObject>();

function verifies(key: KeyObject, headers: IncomingHttpHeaders, body: Buffer): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  return signatures.split(' ').some((s) => {
    if (!s.startsWith('v1,')) return false;
    const got = Buffer.from(s.slice(3), 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

const server = createServer((req, res) => {
  const key = keys.get(req.url ?? '');
  const chunks: Buffer[] = [];
  if (key) req.on('data', (chunk: Buffer) => chunks.push(chunk));
  else req.resume();
  req.on('end', () => {
    count++;
    if (key) {
      if (verifies(key, req.headers, Buffer.concat(chunks))) verified++;
      else badSignatures++;
    }
    const id = req.headers['webhook-id'];
    if (typeof id === 'string') arrivals.push([id, performance.timeOrigin + performance.now()]);
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { type: string; secrets?: Record<string, string> }) => {
  if (message.type === 'secrets') {
    keys.clear();
    for (const [path, secret] of Object.entries(message.secrets ?? {}))
      keys.set(path, createSecretKey(Buffer.from(secret.replace(/^whsec_/, ''), 'base64')));
  }
  if (message.type === 'report') {
    process.send!({ type: 'report', count, verified, badSignatures, arrivals });
    count = 0;
    verified = 0;
    badSignatures = 0;
    arrivals = [];
  }
  if (message.type === 'stop') server.close(() => process.exit(0));
});
