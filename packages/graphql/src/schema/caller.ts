/**
 * @module Who is asking, the way REST's routes find out: identity's request authentication (and
 * its scope and admin checks), strategy's principal with tier limits, live trading's caller with
 * its admin hand. Each is resolved once per request and scope: a query touching ten portfolio
 * fields authenticates once, as one REST request does.
 */
import type { Caller } from '@tickline/kernel';
import type { ApiKeyScope } from '@tickline/protocol';
import type { LiveCaller } from '@tickline/trading';
import type { FastifyRequest } from 'fastify';
import type { MercuriusContext } from 'mercurius';
import { GraphqlError } from '../errors.ts';
import type {
  ForwardedPorts,
  GraphqlServices,
  Principal,
  StrategyPort,
  TradingPort,
} from './services.ts';

const memo = new WeakMap<FastifyRequest, Map<string, Promise<unknown>>>();

/** `compute` once per request and key (the request lives as long as the operation, or the socket). */
function once<T>(request: FastifyRequest, key: string, compute: () => Promise<T>): Promise<T> {
  let byKey = memo.get(request);
  if (byKey === undefined) memo.set(request, (byKey = new Map()));
  let found = byKey.get(key) as Promise<T> | undefined;
  if (found === undefined) byKey.set(key, (found = compute()));
  return found;
}

/** The HTTP request (or, for a subscription, the WebSocket upgrade) behind an operation. */
export function requestOf(context: MercuriusContext): FastifyRequest {
  return context.reply.request;
}

/** The port, or GRAPHQL_FIELD_UNAVAILABLE when its domain does not run in this process. */
export function required<T>(service: T | undefined, name: string): T {
  if (service === undefined)
    throw new GraphqlError('GRAPHQL_FIELD_UNAVAILABLE', `${name} is not served by this process`, {
      details: { field: name },
    });
  return service;
}

/**
 * A domain's port for this operation: this process's own, else the owner's over request/reply
 * (a scaled gateway), else GRAPHQL_FIELD_UNAVAILABLE naming `field`.
 */
export function portOf<K extends keyof ForwardedPorts>(
  services: GraphqlServices,
  context: MercuriusContext,
  domain: K,
  field: string,
): NonNullable<ForwardedPorts[K]> {
  const port = services[domain] ?? services.forwarded?.(requestOf(context))[domain];
  return required(port as NonNullable<ForwardedPorts[K]> | undefined, field);
}

/** {@link portOf}, or undefined where the domain is not reachable (a relation answers null). */
export function optionalPortOf<K extends keyof ForwardedPorts>(
  services: GraphqlServices,
  context: MercuriusContext,
  domain: K,
): ForwardedPorts[K] {
  return services[domain] ?? services.forwarded?.(requestOf(context))[domain];
}

/** The caller (any credential); with `scope`, an API key must carry it. @throws AUTH_* */
export function callerOf(
  services: GraphqlServices,
  context: MercuriusContext,
  scope?: string,
): Promise<Caller> {
  return callerOfRequest(services, requestOf(context), scope);
}

/** {@link callerOf} for a request at hand (a subscription's, with its connection's credentials). */
export async function callerOfRequest(
  services: GraphqlServices,
  request: FastifyRequest,
  scope?: string,
): Promise<Caller> {
  // Identity remembers the principal on the request; later fields only check the scope.
  await once(request, 'identity', () => services.auth.authenticate(request));
  return services.auth.caller(request, scope);
}

/** The caller, who must be an admin (an API key also needs the `admin` scope). @throws AUTH_* */
export async function adminOf(services: GraphqlServices, context: MercuriusContext): Promise<Caller> {
  const request = requestOf(context);
  await once(request, 'identity', () => services.auth.authenticate(request));
  return services.auth.admin(request);
}

/** Strategy's principal (tier, limits) with `scope`, as its guarded routes check it. */
export function principalOf(
  port: StrategyPort,
  context: MercuriusContext,
  scope: string,
): Promise<Principal> {
  const request = requestOf(context);
  return once(request, `strategy:${scope}`, () => port.actions.principal(request, scope));
}

/** Live trading's caller with `scope`, as its routes authenticate. */
export function liveCallerOf(
  port: TradingPort,
  context: MercuriusContext,
  scope: ApiKeyScope,
): Promise<LiveCaller> {
  const request = requestOf(context);
  return once(request, `live:${scope}`, () => port.authenticate(request, scope));
}
