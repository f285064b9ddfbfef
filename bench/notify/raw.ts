/**
 * @module The raw peer: a POST loop sending the same bodies (Standard Webhooks payloads of the
 * same size) to the same receiver with the same concurrency, and nothing else — no log, no SQL, no
 * signing, no attempt log. Two forms: undici's `dispatch` with a bare handler (the cheapest POST
 * undici offers, and the primitive the pipeline's client uses: the ratio is measured against it)
 * and undici's `request()` (the form earlier rounds measured, kept for comparison).
 */
import { Agent, request, type Dispatcher } from 'undici';

export type RawForm = 'dispatch' | 'request';

/**
 * One POST through `dispatch`: resolves with the status at the end of the answer, whose bytes
 * are dropped. Both peers post this way (the BullMQ worker too), as the pipeline's client does.
 */
export function dispatchPost(
  agent: Agent,
  origin: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const handler: Dispatcher.DispatchHandler = {
      // undici takes a handler as one of its current API by this method; without it, as a legacy one.
      onRequestStart: () => {},
      onResponseStart: (_controller, statusCode) => void (status = statusCode),
      onResponseEnd: () => resolve(status),
      onResponseError: (_controller, error) => reject(error),
    };
    agent.dispatch({ origin, path, method: 'POST', headers, body }, handler);
  });
}

export async function rawPosts(
  receiverUrl: string,
  bodies: readonly string[],
  endpoints: number,
  concurrency: number,
  form: RawForm = 'dispatch',
): Promise<number> {
  const agent = new Agent({ connections: 256 });
  const origin = new URL(receiverUrl).origin;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const i = next++;
      if (form === 'dispatch') {
        const headers = { 'content-type': 'application/json', 'webhook-id': `raw-${i}` };
        await dispatchPost(agent, origin, `/hook/${i % endpoints}`, headers, bodies[i]!);
        continue;
      }
      const response = await request(`${receiverUrl}/hook/${i % endpoints}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'webhook-id': `raw-${i}` },
        body: bodies[i]!,
      });
      await response.body.text();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return bodies.length / seconds;
}
