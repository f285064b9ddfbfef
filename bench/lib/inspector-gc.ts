/**
 * @module A full garbage collection in another Node process, asked through its inspector
 * (`--inspect=127.0.0.1:<port>`, Chrome DevTools Protocol `HeapProfiler.collectGarbage`). The
 * benchmarks read a gateway's resident memory from outside it, as an operator would; without a
 * collection the reading counts the garbage a connect burst left in the old space, which V8
 * collects when it pleases (at 5,000 SSE streams it had not ten seconds later). The collection
 * is V8's own, so the reading after it is what the process keeps for its connections.
 */

/** Pages V8 frees after a collection are returned on its own threads; give them a moment. */
const RELEASE_MS = 500;

interface InspectorTarget {
  webSocketDebuggerUrl: string;
}

/** Runs two full collections (the second takes what the first's finalisers let go) in the process. */
export async function collectGarbage(inspectPort: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${inspectPort}/json/list`);
  if (!response.ok) throw new Error(`inspector on port ${inspectPort}: HTTP ${response.status}`);
  const [target] = (await response.json()) as InspectorTarget[];
  if (!target) throw new Error(`inspector on port ${inspectPort} lists no target`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector on port ${inspectPort}: no connection`)), {
        once: true,
      });
    });
    for (let id = 1; id <= 2; id++) {
      const answered = new Promise<void>((resolve) => {
        const onMessage = (event: MessageEvent) => {
          if ((JSON.parse(String(event.data)) as { id?: number }).id !== id) return;
          socket.removeEventListener('message', onMessage);
          resolve();
        };
        socket.addEventListener('message', onMessage);
      });
      socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      await answered;
    }
  } finally {
    socket.close();
  }
  await new Promise((resolve) => setTimeout(resolve, RELEASE_MS));
}
