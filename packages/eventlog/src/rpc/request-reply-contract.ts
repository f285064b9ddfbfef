/**
 * @module The contract every RequestReply adapter passes: answers and coded errors reach the
 * caller, a missing role is a prompt EVLOG_RPC_NO_RESPONDER naming it, a silent one an
 * EVLOG_RPC_TIMEOUT, a gather hears every responder, responders of one group share requests (each
 * handled once), and a closed responder stops answering after answering what it had taken.
 */
import { TicklineError } from '@tickline/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRpcNoResponderError, isRpcTimeoutError } from '../port/errors.ts';
import type { RequestReply } from './request-reply.ts';

/** Two ports on one bus: a caller and a responder, as two processes would hold them. */
export interface RequestReplyPair {
  caller: RequestReply;
  responder: RequestReply;
  /** A second responder process. */
  other: RequestReply;
  close(): Promise<void>;
}

let unique = 0;

export function runRequestReplyContract(name: string, open: () => Promise<RequestReplyPair>): void {
  describe(`request/reply contract - ${name}`, () => {
    let pair: RequestReplyPair;
    let service: string;
    beforeEach(async () => {
      pair = await open();
      service = `test.svc${process.pid}-${++unique}`;
    });
    afterEach(async () => {
      await pair.close();
    });

    it('request - the responder answers with a JSON value', async () => {
      await pair.responder.serve(service, (body) => ({ echoed: body, at: 1 }));
      await expect(pair.caller.request(service, { n: 2 })).resolves.toEqual({ echoed: { n: 2 }, at: 1 });
    });

    it('request - a coded error of the responder arrives with its code and details', async () => {
      await pair.responder.serve(service, () => {
        throw new TicklineError('GAME_SNAPSHOT_NOT_FOUND', 'no such snapshot', { details: { zoneId: 'z' } });
      });
      const error = await pair.caller.request(service, null).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TicklineError);
      expect(error).toMatchObject({
        code: 'GAME_SNAPSHOT_NOT_FOUND',
        message: 'no such snapshot',
        details: { zoneId: 'z', service },
      });
    });

    it('request - nobody serving is a prompt no-responder error naming the role', async () => {
      const started = Date.now();
      const error = await pair.caller
        .request(service, null, { role: 'game', timeoutMs: 5_000 })
        .catch((e: unknown) => e);
      expect(isRpcNoResponderError(error)).toBe(true);
      expect((error as Error).message).toContain('no game process answered');
      // Well under the timeout: the adapter knows at once that nobody listens.
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('request - a responder that never answers times out with a coded error', async () => {
      await pair.responder.serve(service, () => new Promise(() => {}));
      const error = await pair.caller.request(service, null, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(isRpcTimeoutError(error)).toBe(true);
      expect(error).toMatchObject({ details: { role: 'test', timeoutMs: 200 } });
    });

    it('gather - every responder answers once', async () => {
      await pair.responder.serve(service, () => 'a');
      await pair.other.serve(service, () => 'b');
      const answers = await pair.caller.gather(service, null);
      expect([...answers].sort()).toEqual(['a', 'b']);
    });

    it('gather - until: the first accepted answer ends the wait for a slow responder', async () => {
      await pair.responder.serve(service, () => 'holder');
      await pair.other.serve(service, () => new Promise((resolve) => setTimeout(() => resolve(null), 3_000)));
      const started = Date.now();
      const answers = await pair.caller.gather(service, null, {
        stallMs: 5_000,
        timeoutMs: 10_000,
        until: (a) => a === 'holder',
      });
      expect(answers).toEqual(['holder']);
      expect(Date.now() - started).toBeLessThan(2_500);
    });

    it('gather - a failing responder is left out; all failing rethrows', async () => {
      await pair.responder.serve(service, () => 'a');
      const failing = await pair.other.serve(service, () => {
        throw new TicklineError('GAME_ZONE_UNKNOWN', 'gone');
      });
      await expect(pair.caller.gather(service, null)).resolves.toEqual(['a']);
      await failing.close();
      const alone = `${service}-alone`;
      await pair.other.serve(alone, () => {
        throw new TicklineError('GAME_ZONE_UNKNOWN', 'gone');
      });
      await expect(pair.caller.gather(alone, null)).rejects.toMatchObject({ code: 'GAME_ZONE_UNKNOWN' });
    });

    it('gather - nobody serving is a no-responder error', async () => {
      await expect(pair.caller.gather(service, null, { role: 'strategy' })).rejects.toSatisfy(
        isRpcNoResponderError,
      );
    });

    it('serve - a closed responder stops answering', async () => {
      const responder = await pair.responder.serve(service, () => 1);
      await expect(pair.caller.request(service, null)).resolves.toBe(1);
      await responder.close();
      await expect(pair.caller.request(service, null, { timeoutMs: 1_000 })).rejects.toSatisfy(
        isRpcNoResponderError,
      );
    });

    it('group - responders of one group share the requests: each is handled exactly once', async () => {
      const handled = { a: 0, b: 0 };
      await pair.responder.serve(service, () => ++handled.a && 'a', { group: 'owners' });
      await pair.other.serve(service, () => ++handled.b && 'b', { group: 'owners' });
      const answers = await Promise.all(Array.from({ length: 20 }, () => pair.caller.request(service, null)));
      expect(answers).toHaveLength(20);
      expect(handled.a + handled.b).toBe(20);
      // A gather reaches one member of the group too.
      expect(await pair.caller.gather(service, null)).toHaveLength(1);
      expect(handled.a + handled.b).toBe(21);
    });

    it('serve - close answers the requests already taken, then stops answering', async () => {
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let taken = (): void => undefined;
      const inHand = new Promise<void>((resolve) => (taken = resolve));
      const responder = await pair.responder.serve(service, async () => {
        taken();
        await held;
        return 'answered';
      });
      const asked = pair.caller.request(service, null, { timeoutMs: 10_000 });
      await inHand;
      let closed = false;
      const closing = responder.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Still answering the request it took: close waits for it.
      expect(closed).toBe(false);
      release();
      await expect(asked).resolves.toBe('answered');
      await closing;
      await expect(pair.caller.request(service, null, { timeoutMs: 1_000 })).rejects.toSatisfy(
        isRpcNoResponderError,
      );
    });

    it('serve - a name that is not dotted tokens is refused', async () => {
      await expect(pair.responder.serve('bad name', () => 1)).rejects.toMatchObject({
        code: 'EVLOG_INVALID_ARGUMENT',
      });
    });
  });
}
