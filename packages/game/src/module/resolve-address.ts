/** @module The join addresses a ticket names, as the caller can reach them. */
import type { FastifyRequest } from 'fastify';
import { HOST_PLACEHOLDER } from './game-host.ts';

/** Fills the host into a registered address; a bare path becomes a WebSocket URL on the request's host. */
export function resolveAddress(
  address: string | null,
  request: FastifyRequest,
  advertiseHost?: string,
): string | null {
  if (address === null) return null;
  const host = advertiseHost ?? request.hostname;
  if (address.startsWith('/')) {
    const authority = advertiseHost === undefined ? request.host : `${advertiseHost}${portOf(request.host)}`;
    return `${request.protocol === 'https' ? 'wss' : 'ws'}://${authority}${address}`;
  }
  return address.replace(HOST_PLACEHOLDER, host);
}

function portOf(authority: string): string {
  const match = /:(\d+)$/.exec(authority);
  return match ? `:${match[1]}` : '';
}
