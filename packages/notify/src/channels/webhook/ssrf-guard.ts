/**
 * @module The SSRF guard: webhook requests never reach private, loopback, link-local, CGNAT,
 * multicast or reserved addresses unless allowed by config. URLs are checked when saved, and the
 * address is checked again at connect time (DNS resolved by us, every answer checked), so a name
 * that later resolves to 127.0.0.1 (DNS rebinding) is refused too. Redirects are never followed.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { MAX_WEBHOOK_URL_LENGTH } from '../../config.ts';
import { NotifyError } from '../../errors.ts';

// Two lists: Node's BlockList matches an IPv4 address against IPv6 rules through its mapped form,
// so one list holding `::ffff:0:0/96` would refuse every IPv4 address.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked4.addSubnet(net, prefix, 'ipv4');
}
// Translation and tunnelling prefixes embed an IPv4 address (RFC 6052, 6146, 3056, 4380, 4291,
// 2765): a host may route `[::127.0.0.1]` or `[2002:7f00:1::]` to loopback, so every address in
// them is refused, public embedded address or not. `::/96` also covers `::` and `::1`.
// `::ffff:0:0:0/96` is SIIT's "IPv4-translated" form (RFC 2765 §2.1, RFC 6052 §2), one 16-bit
// group to the right of the IPv4-mapped prefix: `[::ffff:0:7f00:1]` is 127.0.0.1 to a translator.
for (const [net, prefix] of [
  ['::', 96],
  ['::ffff:0:0', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  // IETF protocol assignments (RFC 2928): Teredo, benchmarking (2001:2::/48), ORCHID (2001:10::/28,
  // 2001:20::/28) among them, none a customer's webhook.
  ['2001::', 23],
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment identifiers (RFC 9602)
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const) {
  blocked6.addSubnet(net, prefix, 'ipv6');
}

/** IPv6 global unicast (RFC 4291 §2.4): everything outside it is reserved, local or multicast. */
const globalUnicast6 = new BlockList();
globalUnicast6.addSubnet('2000::', 3, 'ipv6');

/** True for addresses a webhook must not reach by default. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked4.check(address, 'ipv4');
  if (family === 6) return blocked6.check(address, 'ipv6') || !globalUnicast6.check(address, 'ipv6');
  return true; // not an address at all: refuse
}

/**
 * What a refused private target says: which address, and the setting that allows such targets
 * (a self-hosted receiver on the same network is a common, legitimate wish).
 */
export function privateTargetMessage(host: string, address: string | undefined): string {
  const where = address === undefined || address === host ? host : `${host} (${address})`;
  return `${where} is a private, loopback or link-local address, refused by default; an operator can allow such targets with notify.webhooks.allowPrivateTargets (TICKLINE_NOTIFY_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true)`;
}

function reject(reason: string, details: Record<string, unknown> = {}, message?: string): never {
  throw new NotifyError('NOTIFY_URL_REJECTED', message ?? `webhook URL rejected: ${reason}`, {
    details: { reason, ...details },
  });
}

/** Checks the form of a URL (no DNS): http(s), length, no credentials, a host. */
export function parseWebhookUrl(raw: string): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) reject('too_long', { maxLength: MAX_WEBHOOK_URL_LENGTH });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return reject('malformed');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') reject('scheme', { scheme: url.protocol });
  if (url.username || url.password) reject('credentials');
  if (!url.hostname) reject('malformed');
  return url;
}

export type Resolve = (host: string) => Promise<string[]>;

/** Resolves with the system resolver (all addresses). */
export const systemResolve: Resolve = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

/**
 * Checks a URL fully: its form, then every address its host resolves to.
 * @throws NotifyError NOTIFY_URL_REJECTED
 */
export async function checkWebhookUrl(
  raw: string,
  allowPrivate: boolean,
  resolve: Resolve = systemResolve,
): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return reject('unresolvable', { host });
    }
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined || addresses.length === 0)
    reject('private_address', { host, address: bad }, `webhook URL rejected: ${privateTargetMessage(host, bad)}`);
  return url;
}

/**
 * A `lookup` for the HTTP client's connector: resolves like the system, then refuses private
 * answers. Literal-IP hosts never reach a lookup, so senders also call {@link checkWebhookUrl}.
 */
export function guardedLookup(allowPrivate: boolean): typeof dnsLookup {
  const lookup = (hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...(options as object), all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const bad = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (bad) {
        return callback(
          new NotifyError('NOTIFY_URL_REJECTED', privateTargetMessage(hostname, bad.address), {
            details: { reason: 'private_address', address: bad.address },
          }),
        );
      }
      if ((options as { all?: boolean } | undefined)?.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  return lookup as unknown as typeof dnsLookup;
}
