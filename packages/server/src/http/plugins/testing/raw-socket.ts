/**
 * @module A raw TCP client for tests of what a server does before any protocol completes: send a
 * few bytes (or none), then learn what came back and whether the server closed the connection
 * within a deadline — chosen generously, as a busy machine is slow.
 */
import { connect, type Socket } from 'node:net';

/** What a raw connection saw. */
export interface RawExchange {
  /** Everything the server sent, as latin1 text. */
  received: string;
  /** Whether the server closed (or reset) the connection before the deadline. */
  closed: boolean;
  /** Milliseconds from connect to close (or to the deadline). */
  elapsedMs: number;
}

/** Connects to `port`, writes `send`, and waits up to `deadlineMs` for the server to close. */
export async function rawExchange(port: number, send: string, deadlineMs: number): Promise<RawExchange> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const started = performance.now();
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  if (send.length > 0) socket.write(send);
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), deadlineMs);
    // The server's FIN ('end') or reset ('close') is what counts, not our own teardown.
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('end', done);
    socket.once('close', done);
  });
  const elapsedMs = performance.now() - started;
  socket.destroy();
  return { received, closed, elapsedMs };
}
