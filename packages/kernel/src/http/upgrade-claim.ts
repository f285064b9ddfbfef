/**
 * @module Which HTTP upgrade requests a WebSocket endpoint took. Several endpoints share one HTTP
 * server (the stream gateway, the game transport), each listening to its `upgrade` event and
 * taking only its own path; the server's last listener answers 404 to a request none took, so an
 * upgrade to an unknown path is never left open. Listeners run in order within one emit, so an
 * endpoint claims the request synchronously, before any await.
 */

const claimed = new WeakSet<object>();

/** Marks `request` as taken by an endpoint (call it synchronously in the `upgrade` listener). */
export function claimUpgrade(request: object): void {
  claimed.add(request);
}

/** Whether an endpoint took `request`. */
export function isUpgradeClaimed(request: object): boolean {
  return claimed.has(request);
}
