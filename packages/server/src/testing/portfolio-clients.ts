/**
 * @module Test clients of a running tickline's portfolio routes: wait for the paper portfolio the
 * account snapshot opens, place an order, and move the kill switch — shared by the e2e files that
 * prove the switch holds across a restart and across processes.
 */
import { until } from '@tickline/testing';
import { callJson, type JsonResponse } from './api-clients.ts';

/** How long the asynchronous account snapshot may take to open the portfolio on a busy machine. */
const PORTFOLIO_OPEN_MS = 90_000;

/** Waits until `GET /portfolios/{id}` answers 200 on `base` (the snapshot opened it). */
export async function portfolioOpened(base: string, bearer: string, portfolioId: string): Promise<void> {
  await until(
    async () =>
      (await callJson(base, 'GET', `/api/v1/portfolios/${portfolioId}`, { bearer })).status === 200,
    { timeoutMs: PORTFOLIO_OPEN_MS, what: `portfolio ${portfolioId} opened on ${base}` },
  );
}

/** A manual order (a fresh Idempotency-Key each call); the answer's status and body. */
export async function placeOrder(
  base: string,
  bearer: string,
  portfolioId: string,
  order: Record<string, unknown>,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/v1/portfolios/${portfolioId}/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearer}`,
      'content-type': 'application/json',
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify(order),
  });
  return { status: response.status, body: await response.json() };
}

/** Engages (`engage`) or releases (`release`) the caller's hand on the portfolio's kill switch. */
export function moveKillSwitch(
  base: string,
  bearer: string,
  portfolioId: string,
  move: 'engage' | 'release',
  reason: string,
): Promise<JsonResponse> {
  const path = `/api/v1/portfolios/${portfolioId}/kill-switch${move === 'release' ? '/release' : ''}`;
  return callJson(base, 'POST', path, { bearer, body: { reason } });
}
