/**
 * @module A Node-only connector over TCP with 4-byte length-prefixed frames (`tcp://host:port`).
 * Kept out of the SDK's main entry so browser bundles never see `node:net`; import it from
 * `@tickline/client/game/tcp`.
 */
import { connect } from 'node:net';
import type { GameConnector } from './connector.ts';
import { encodeFrame, FrameDecoder } from '@tickline/protocol';

/** Close code reported when the socket ends (TCP has no close codes; mirrors WebSocket 1006). */
const ABNORMAL_CLOSURE = 1006;
const NORMAL_CLOSURE = 1000;

/** Options of {@link createTcpConnector}. */
export interface TcpConnectorOptions {
  /** The largest frame accepted from the server. @default 64 KiB */
  maxFrameBytes?: number;
}

/** A connector over TCP: `url` is `tcp://host:port`. */
export function createTcpConnector(options: TcpConnectorOptions = {}): GameConnector {
  return function connectTcp(url, handlers) {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port), noDelay: true });
    const decoder = new FrameDecoder(options.maxFrameBytes);
    let closing = false;
    let reported = false;
    const report = (code: number, reason: string) => {
      if (reported) return;
      reported = true;
      handlers.closed({ code, reason });
    };
    socket.on('connect', () => handlers.opened());
    socket.on('data', (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        socket.destroy();
        report(ABNORMAL_CLOSURE, (error as Error).message);
        return;
      }
      for (const frame of frames) handlers.message(frame);
    });
    socket.on('error', () => {});
    socket.on('close', () => report(closing ? NORMAL_CLOSURE : ABNORMAL_CLOSURE, ''));
    return {
      send(bytes) {
        if (!socket.destroyed && socket.readyState === 'open') socket.write(encodeFrame(bytes));
      },
      close() {
        closing = true;
        socket.end();
        // end() waits for the peer's FIN; a dead peer would keep the socket forever.
        setTimeout(() => socket.destroy(), 1000).unref();
      },
    };
  };
}
