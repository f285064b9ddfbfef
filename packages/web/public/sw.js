/**
 * @module The dashboard's service worker (scope `/`): it makes the dashboard installable and shows
 * Web Push notifications. notify's push channel sends `{ id, kind, title, body, url }` (encrypted
 * aes128gcm; the browser decrypts it before `push` fires). A click focuses an open dashboard tab
 * and takes it to `url`, or opens one there. Nothing is cached: the dashboard needs the live API.
 */
/* global self */

const ICON = '/icons/icon-192.png';

self.addEventListener('install', () => {
  // A new version takes over at once: it holds no state an old page could depend on.
  void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** The push payload, or a generic notice when it is not the JSON notify sends. */
function readPayload(data) {
  if (!data) return { title: 'Tickline', body: '', url: '/notifications' };
  try {
    const parsed = data.json();
    return {
      id: typeof parsed.id === 'string' ? parsed.id : undefined,
      title: typeof parsed.title === 'string' ? parsed.title : 'Tickline',
      body: typeof parsed.body === 'string' ? parsed.body : '',
      url: typeof parsed.url === 'string' && parsed.url.startsWith('/') ? parsed.url : '/notifications',
    };
  } catch {
    return { title: 'Tickline', body: data.text(), url: '/notifications' };
  }
}

self.addEventListener('push', (event) => {
  const payload = readPayload(event.data);
  event.waitUntil(
    self.registration.showNotification(payload.title, {
      body: payload.body,
      icon: ICON,
      badge: ICON,
      // The notification id as tag: a redelivered push replaces its own notice instead of stacking.
      ...(payload.id ? { tag: payload.id } : {}),
      data: { url: payload.url },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? '/notifications', self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        return open.navigate(target);
      }
      return self.clients.openWindow(target);
    })(),
  );
});
