/**
 * @module The benchmark's webhook receiver, in its own process so it does not take CPU from the
 * sender's event loop: answers 204 at once and records the arrival time of each `webhook-id`.
 * IPC: `{ type: 'ready', port }` on start; on `{ type: 'report' }` it sends back
 * `{ type: 'report', count, arrivals: [id, epochMs][] }` and forgets them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let count = 0;
let arrivals: Array<[string, number]> = [];
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    count++;
    const id = req.headers['webhook-id'];
    if (typeof id === 'string') arrivals.push([id, performance.timeOrigin + performance.now()]);
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    process.send!({ type: 'report', count, arrivals });
    count = 0;
    arrivals = [];
  }
  if (message.type === 'stop') server.close(() => process.exit(0));
});
