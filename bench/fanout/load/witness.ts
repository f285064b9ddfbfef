/**
 * @module One spec-complete client per run beside the raw ones (`ws`, `eventsource`,
 * `socket.io-client`): proof that what the minimal clients measure is a stream real clients read.
 */
import { EventSource } from 'eventsource';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { graphqlWsClient } from '@tickline/graphql/internal';
import { BENCH_CHANNEL, isGraphql, type Wire } from '../ipc.ts';
import { GRAPHQL_BENCH_QUERY, GRAPHQL_BENCH_TOKEN } from '../peers/tickline-graphql.ts';

export interface Witness {
  /** Sequence numbers of the events it parsed. */
  seqs: Set<number>;
  close(): void;
}

type Parsed = { seq?: number; data?: { seq?: number } };
const seqOf = (json: string): number | undefined => {
  const value = JSON.parse(json) as Parsed & { data?: Parsed };
  return value.seq ?? value.data?.seq ?? value.data?.data?.seq;
};

export async function openWitness(impl: Wire, port: number, cookie: string | undefined): Promise<Witness> {
  const seqs = new Set<number>();
  const add = (seq: number | undefined) => seq !== undefined && seqs.add(seq);
  const base = `127.0.0.1:${port}`;
  if (impl === 'tickline-ws' || impl === 'raw-ws') {
    const ws = new WebSocket(`ws://${base}${impl === 'raw-ws' ? '/' : '/api/v1/ws'}`, {
      headers: cookie ? { cookie } : {},
    });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.on('message', (data: Buffer) => add(seqOf(data.toString())));
    if (impl === 'tickline-ws') ws.send(JSON.stringify({ type: 'subscribe', channels: [BENCH_CHANNEL] }));
    return { seqs, close: () => ws.terminate() };
  }
  if (isGraphql(impl)) {
    const client = graphqlWsClient(`ws://${base}/api/v1/graphql`, { authorization: GRAPHQL_BENCH_TOKEN });
    const received = client.record(GRAPHQL_BENCH_QUERY);
    // The set is read when the window ends: it reads through everything received so far.
    const all = new Set<number>();
    return {
      get seqs() {
        for (const d of received.data)
          all.add((d as { ticker: { ticker: { seq: number } } }).ticker.ticker.seq);
        return all;
      },
      close: () => void client.dispose(),
    };
  }
  if (impl === 'socketio') {
    const socket = io(`http://${base}`, { transports: ['websocket'] });
    await new Promise(
      (resolve, reject) => (
        socket.once('connect', () => resolve(undefined)),
        socket.once('connect_error', reject)
      ),
    );
    socket.on('tick', (event: { data: { seq: number } }) => add(event.data.seq));
    return { seqs, close: () => void socket.close() };
  }
  const path = impl === 'tickline-sse' ? `/api/v1/stream?channels=${BENCH_CHANNEL}` : '/';
  const es = new EventSource(`http://${base}${path}`, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init.headers, ...(cookie ? { cookie } : {}) } }),
  });
  es.addEventListener('market.trade', (event) => add(seqOf((event as unknown as { data: string }).data)));
  await new Promise(
    (resolve, reject) => (es.addEventListener('open', resolve), es.addEventListener('error', reject)),
  );
  return { seqs, close: () => es.close() };
}
