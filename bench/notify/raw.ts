/**
 * @module The peer: a raw undici POST loop sending the same bodies (Standard Webhooks payloads of
 * the same size) to the same receiver with the same concurrency, and nothing else — no log, no
 * SQL, no signing, no attempt log.
 */
import { Agent, request } from 'undici';

export async function rawPosts(
  receiverUrl: string,
  bodies: readonly string[],
  endpoints: number,
  concurrency: number,
): Promise<number> {
  const agent = new Agent({ connections: 256 });
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const i = next++;
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
