import { requireBinary, startNatsServer, type NatsServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { createNatsRequestReply } from './nats-request-reply.ts';
import { runRequestReplyContract } from './request-reply-contract.ts';

const nats = requireBinary('nats-server', 'nats-server');
let server: NatsServerHandle | undefined;

describe.skipIf(!nats.available)(`nats request/reply ${nats.reason ?? ''}`, () => {
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  // Three connections: the caller and two responders, as three processes would hold them.
  runRequestReplyContract('nats', async () => {
    const open = () => createNatsRequestReply({ servers: server!.url });
    const [caller, responder, other] = await Promise.all([open(), open(), open()]);
    return {
      caller,
      responder,
      other,
      close: async () => {
        await Promise.all([caller.close(), responder.close(), other.close()]);
      },
    };
  });
});
