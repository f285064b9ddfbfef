/**
 * The CloudEvents NATS binding on the real server: a consumer that knows nothing of Tickline reads
 * an event's attributes from the `ce-*` headers of the JetStream message with the `cloudevents`
 * SDK (its binary-mode reader takes the same `ce-` headers), and the body is the envelope.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createEventSource, decodeEvent, defineEvent, encodeEvent } from '@tickline/kernel';
import { requireBinary, startNatsServer, type NatsServerHandle } from '@tickline/testing';
import type { CloudEvent} from 'cloudevents';
import { HTTP } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TICKLINE_EVENT_CONTENT_TYPE } from './cloudevent-headers.ts';
import { createNatsEventLog } from './nats-event-log.ts';

const nats = requireBinary('nats-server', 'nats-server');
const Moved = defineEvent({
  type: 'game.player.moved',
  version: 1,
  description: 'test',
  schema: z.object({ x: z.number() }),
});

describe.skipIf(!nats.available)(`nats - CloudEvents headers ${nats.reason ?? ''}`, () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('ce headers - an SDK consumer reads the event from the headers and the body', async () => {
    const stream = `CE_${process.pid}`;
    const log = await createNatsEventLog({ servers: server.url, stream, subjectPrefix: `ce.${process.pid}` });
    const event = createEventSource({ source: 'zone/zone-1' }).create(Moved, {
      subject: 'player-1',
      data: { x: 3 },
      correlationid: 'req-1',
    });
    const [appended] = await log.append([
      { id: event.id, key: event.partitionkey, type: event.type, payload: encodeEvent(event) },
    ]);
    expect(appended).toMatchObject({ ok: true });
    await log.close();

    // An outside consumer: a plain NATS connection, the stored message, no Tickline code.
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const message = await jsm.streams.getMessage(stream, { seq: 1 });
    await nc.close();
    const headers: Record<string, string> = {};
    for (const [name, values] of message!.header) headers[name.toLowerCase()] = values[0]!;
    expect(headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': event.id,
      'ce-type': 'game.player.moved',
      'ce-source': 'zone/zone-1',
      'ce-time': event.time,
      'ce-correlationid': 'req-1',
      'content-type': TICKLINE_EVENT_CONTENT_TYPE,
    });

    const read = HTTP.toEvent({ headers, body: Buffer.from(message!.data) }) as CloudEvent<Uint8Array>;
    expect(read.validate()).toBe(true);
    expect(read).toMatchObject({
      specversion: '1.0',
      id: event.id,
      type: event.type,
      source: event.source,
      subject: event.subject,
      dataschema: event.dataschema,
      correlationid: 'req-1',
      partitionkey: event.partitionkey,
      datacontenttype: TICKLINE_EVENT_CONTENT_TYPE,
    });
    // The body is the whole envelope (MessagePack), whose data is the event's.
    expect(decodeEvent(Buffer.from(read.data!))).toEqual(event);
  });
});
