/** @module The bare `ws` broadcast server: one pre-encoded Buffer, `send` to every open client. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { Peer } from './peer.ts';

export async function startRawWs(): Promise<Peer> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('error', () => {}));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    broadcast(event) {
      const data = Buffer.from(JSON.stringify(event));
      for (const client of wss.clients)
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
    },
    close: () => new Promise<void>((resolve) => (wss.close(), server.close(() => resolve()))),
  };
}
