/**
 * @module Web Push on this device: the service worker (`/sw.js`, scope `/`) receives pushes and
 * shows them; subscribing asks the browser's PushManager with the server's VAPID public key and
 * hands the subscription to `/api/v1/push-subscriptions`. The server's id of this device's
 * subscription is kept in localStorage, so "disable" can delete it there too.
 */
import type { TicklineClient } from '@tickline/client';

export const SERVICE_WORKER_URL = '/sw.js';
const SUBSCRIPTION_ID_KEY = 'tickline.push-subscription-id';

export type PushSupport = 'supported' | 'unsupported' | 'denied';

export function pushSupport(): PushSupport {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
    return 'unsupported';
  return Notification.permission === 'denied' ? 'denied' : 'supported';
}

/** Registers the service worker (idempotent); the PWA needs it installed even without push. */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator)) return undefined;
  return navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' });
}

/** This device's push subscription, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushSupport() === 'unsupported') return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** The VAPID key as PushManager wants it (base64url → bytes). */
function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** A short label for the device list ("Chrome on Linux"). */
function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'a device';
  return `${browser} on ${os}`;
}

/**
 * Asks permission, subscribes with the server's VAPID key and registers the subscription.
 * @throws Error when push is not configured on the server or the user refuses
 */
export async function enablePush(client: TicklineClient): Promise<void> {
  const publicKey = await client.notifications.push.vapidPublicKey();
  if (!publicKey) throw new Error('Push is not configured on this server.');
  if ((await Notification.requestPermission()) !== 'granted')
    throw new Error('Notifications are blocked for this site in the browser.');
  const registration = (await registerServiceWorker())!;
  await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: applicationServerKey(publicKey),
    }));
  const json = subscription.toJSON();
  const saved = await client.notifications.push.subscribe({
    endpoint: subscription.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
    expirationTime: subscription.expirationTime,
    device: deviceLabel(),
  });
  localStorage.setItem(SUBSCRIPTION_ID_KEY, saved.id);
}

/** Unsubscribes this device and deletes its subscription on the server. */
export async function disablePush(client: TicklineClient): Promise<void> {
  const subscription = await currentSubscription();
  const id =
    localStorage.getItem(SUBSCRIPTION_ID_KEY) ??
    (await client.notifications.push.list()).find((s) => s.endpoint === subscription?.endpoint)?.id;
  if (id) await client.notifications.push.remove(id).catch(() => undefined);
  localStorage.removeItem(SUBSCRIPTION_ID_KEY);
  await subscription?.unsubscribe();
}
