/** @module Free TCP ports on the loopback interface, for servers started by tests. */
import { connect, createServer } from 'node:net';

// Ports handed out by this process. The kernel may offer a just-released port again at once, and
// a cluster asks for nine before binding any: one node was seen getting its own client port as its
// route port. Never hand out the same port twice in one process.
const handedOut = new Set<number>();
const MAX_ATTEMPTS = 50;

/**
 * A free port on 127.0.0.1, never one this process was given before. Another process may still
 * take it before the caller binds it; servers started with it retry on a bind failure.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await askKernel();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no fresh free port after ${MAX_ATTEMPTS} attempts`);
}

function askKernel(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Whether `port` on `host` accepts a TCP connection right now. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
