/** @module Whether a new game connection is let in: the server-wide and per-address caps. */
import { clientAddressKey } from '@tickline/kernel';
import { GameCloseCode as CloseCode } from '@tickline/protocol';

/**
 * Open connections per client address, for the per-address cap. Addresses count under the key
 * HTTP's connection cap uses (`clientAddressKey`): an IPv6 /64 is one address, since one host is
 * routinely given a whole /64 and could otherwise open the cap's worth from each of its addresses
 * on the TCP port; an IPv4-mapped address (a dual-stack listener's) is its IPv4 address.
 */
export class AddressCounts {
  readonly #counts = new Map<string, number>();
  readonly #onSize: (addresses: number) => void;

  /** `onSize` hears the number of distinct addresses after every change (a gauge). */
  constructor(onSize: (addresses: number) => void) {
    this.#onSize = onSize;
  }

  /** One more connection from `address`; returns how many it holds now. */
  add(address: string): number {
    const key = clientAddressKey(address);
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    this.#onSize(this.#counts.size);
    return count;
  }

  /** One connection from `address` closed. */
  remove(address: string): void {
    const key = clientAddressKey(address);
    const left = (this.#counts.get(key) ?? 1) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
    this.#onSize(this.#counts.size);
  }
}

export interface Refusal {
  limit: 'server' | 'address';
  code: string;
  message: string;
}

/**
 * Why a connection that makes `connections` in all and `fromAddress` from its address is refused,
 * or undefined when it may stay. It is counted before the check, so a refusal closes through the
 * same bookkeeping as any other close.
 */
export function admissionRefusal(
  limits: { maxConnections: number; maxConnectionsPerAddress: number },
  connections: number,
  fromAddress: number,
): Refusal | undefined {
  if (connections > limits.maxConnections)
    return {
      limit: 'server',
      code: CloseCode.ServerFull,
      message: `the server holds ${limits.maxConnections} connections`,
    };
  if (fromAddress > limits.maxConnectionsPerAddress)
    return {
      limit: 'address',
      code: CloseCode.AddressLimit,
      message: `at most ${limits.maxConnectionsPerAddress} connections per address`,
    };
  return undefined;
}
