import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { requireBinary, tempDir, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpService, type HttpService } from '../../../process/http-service.ts';
import { rawExchange } from '../testing/raw-socket.ts';

const openssl = requireBinary('openssl', 'openssl');
const TLS_HANDSHAKE_MS = 300;

/** GET over HTTPS trusting only `ca`; resolves with status, headers and body. */
function httpsGet(port: number, path: string, ca?: Buffer) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', servername: 'localhost', port, path, ...(ca ? { ca } : {}) },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe.skipIf(!openssl.available)(`https ${openssl.reason ?? ''}`, () => {
  let dir: TempDir;
  let service: HttpService;
  let ca: Buffer;

  beforeAll(async () => {
    dir = await tempDir('tickline-tls');
    const cert = join(dir.path, 'cert.pem');
    const key = join(dir.path, 'key.pem');
    await promisify(execFile)(openssl.path!, [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ]);
    ca = await readFile(cert);
    service = createHttpService({
      host: '127.0.0.1',
      port: 0,
      bodyLimitBytes: 1024,
      tls: { certFile: cert, keyFile: key },
      timeouts: { tlsHandshakeMs: TLS_HANDSHAKE_MS },
      metrics: createMetricsRegistry({ processMetrics: false }),
      health: () => ({}),
    });
    await service.start({ logger: silentLogger, fail: (error) => expect.unreachable(String(error)) });
  });
  afterAll(async () => {
    await service?.stop();
    await dir?.remove();
  });

  it('https - a request with the test certificate succeeds, with HSTS and upgrade-insecure-requests', async () => {
    expect(service.tls).toBe(true);
    const res = await httpsGet(service.port!, '/healthz', ca);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('https - a client that does not trust the certificate is refused by TLS, not served', async () => {
    await expect(httpsGet(service.port!, '/healthz')).rejects.toThrow(/self[- ]signed/);
  });

  it('https - plain HTTP to the TLS port gets no HTTP answer', async () => {
    const res = await fetch(`http://127.0.0.1:${service.port}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(res).not.toBe(200);
  });

  it('handshake - a client that never starts TLS is closed at the handshake deadline', async () => {
    const seen = await rawExchange(service.port!, '', 10_000);
    expect(seen.closed).toBe(true);
  });
});
