/**
 * @module The one SDK client of the page. The API is on the page's own origin (`tickline start`
 * serves both); the refresh token lives in sessionStorage, so a reload keeps the session but
 * closing the tab ends it on this device.
 */
import { createTicklineClient, createWebTokenStorage, type TicklineClient } from '@tickline/client';

/** Creates the page's client for `origin`. */
export function createPageClient(origin: string = window.location.origin): TicklineClient {
  return createTicklineClient({
    baseUrl: origin,
    storage: createWebTokenStorage(window.sessionStorage),
  });
}
