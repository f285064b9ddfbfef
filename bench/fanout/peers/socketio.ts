/** @module Socket.IO 4 with its defaults (WebSocket transport used by the clients): `io.emit` to all. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Peer } from './peer.ts';

export async function startSocketIo(): Promise<Peer> {
  const server = createServer();
  const io = new Server(server, { serveClient: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    broadcast: (event) => void io.emit('tick', event),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
