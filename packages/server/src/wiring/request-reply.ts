/**
 * @module Opening the request/reply port between processes: in-process on the embedded log (one
 * process runs every role), NATS core request/reply beside a NATS log, under a subject prefix of
 * the stream's so deployments sharing a cluster never answer each other.
 */
import { createInProcessRequestReply, createNatsRequestReply, type RequestReply } from '@tickline/eventlog';
import type { Logger } from '@tickline/kernel';
import type { ResolvedConfig } from '../config/load.ts';
import { subjectPrefixFor } from './event-logs.ts';

/** Opens the port the config implies. */
export async function openRequestReply(config: ResolvedConfig, logger: Logger): Promise<RequestReply> {
  if (config.eventlog.engine === 'embedded') return createInProcessRequestReply();
  const { servers, user, password, token, stream } = config.eventlog.nats;
  return createNatsRequestReply({
    servers: [...servers],
    subjectPrefix: `${subjectPrefixFor(stream)}.rpc`,
    logger,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { pass: password }),
    ...(token === undefined ? {} : { token }),
  });
}
