/**
 * @module A webhook receiver for tests: a real HTTP server on loopback that verifies every
 * delivery with the `standardwebhooks` reference package (not notify's code), records it, and
 * answers what the test scripts (2xx, 410, 500, down). It can stop and listen again on the same
 * port to play an outage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  body: string;
  path: string;
  verified: boolean;
}

export interface WebhookReceiver {
  readonly port: number;
  url(path?: string): string;
  /** Secrets per path (the endpoint's secret after creation), for verification. */
  setSecret(path: string, secrets: string[]): void;
  /** Answer with this status (default 204). */
  respond(status: number | ((hit: ReceivedWebhook) => number)): void;
  readonly received: ReceivedWebhook[];
  /** Distinct verified ids per path. */
  ids(path?: string): string[];
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string[]>();
  let status: number | ((hit: ReceivedWebhook) => number) = 204;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      const verified = (secrets.get(path) ?? []).some((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      const hit = {
        id: headers['webhook-id'],
        timestamp: Number(headers['webhook-timestamp']),
        body,
        path,
        verified,
      };
      const code = typeof status === 'function' ? status(hit) : status;
      if (code >= 200 && code < 300) received.push(hit);
      res.writeHead(code, { 'content-type': 'text/plain' }).end(code < 300 ? 'ok' : `status ${code}`);
    });
  };
  let server: Server = createServer(handler);
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: (path = '/hook') => `http://127.0.0.1:${bound}${path}`,
    setSecret: (path, s) => secrets.set(path, s),
    respond(s) {
      status = s;
    },
    received,
    ids: (path) => [
      ...new Set(received.filter((r) => r.verified && (!path || r.path === path)).map((r) => r.id)),
    ],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async restart() {
      server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(bound, '127.0.0.1', resolve));
    },
  };
}
