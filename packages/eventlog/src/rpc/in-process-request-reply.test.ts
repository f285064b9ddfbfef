import { createInProcessRequestReply } from './in-process-request-reply.ts';
import { runRequestReplyContract } from './request-reply-contract.ts';

// In one process every role holds the same port.
runRequestReplyContract('in-process', async () => {
  const bus = createInProcessRequestReply();
  return { caller: bus, responder: bus, other: bus, close: () => bus.close() };
});
