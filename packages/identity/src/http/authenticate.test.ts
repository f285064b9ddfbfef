import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { IdentityService } from '../service/identity-service.ts';
import { authenticateRequest } from './authenticate.ts';

function countingService(outcome: 'ok' | 'fail') {
  let calls = 0;
  const service = {
    authenticate: async () => {
      calls++;
      if (outcome === 'fail') throw Object.assign(new Error('bad token'), { code: 'AUTH_TOKEN_INVALID' });
      return { kind: 'user', userId: 'u1' };
    },
  } as unknown as IdentityService;
  return { service, calls: () => calls };
}

const request = (): FastifyRequest =>
  ({ headers: { authorization: 'Bearer t' } }) as unknown as FastifyRequest;

describe('authenticate request', () => {
  it('authenticate - the rate limiter and the route share one verification per request', async () => {
    const { service, calls } = countingService('ok');
    const req = request();
    const [a, b] = await Promise.all([authenticateRequest(service, req), authenticateRequest(service, req)]);
    expect(a).toBe(b);
    expect(calls()).toBe(1);
    await authenticateRequest(service, request());
    expect(calls()).toBe(2);
  });

  it('authenticate - a failure is shared too, so every caller sees the same error', async () => {
    const { service, calls } = countingService('fail');
    const req = request();
    await expect(authenticateRequest(service, req)).rejects.toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    await expect(authenticateRequest(service, req)).rejects.toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    expect(calls()).toBe(1);
  });
});
