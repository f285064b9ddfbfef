import { CloudEvent, HTTP } from 'cloudevents';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../clock/clock.ts';
import { withCorrelation } from '../context/correlation.ts';
import { decodeEvent, encodeEvent } from './codec.ts';
import { createEventSource } from './event-source.ts';
import { EventRegistry, defineEvent } from './registry.ts';

const AccountCreated = defineEvent({
  type: 'account.created',
  description: 'A user signed up.',
  schema: z.object({ userId: z.string(), email: z.string() }),
});
const registry = new EventRegistry([AccountCreated]);
const source = createEventSource({ source: 'identity/node-a', clock: new ManualClock(1_700_000_000_000) });

/** The JSON form (HTTP, SSE, `tickline log tail`) of an envelope, read back by the official SDK. */
function asCloudEvent(json: string): CloudEvent<unknown> {
  const received = HTTP.toEvent<unknown>({ headers: { 'content-type': 'application/cloudevents+json' }, body: json });
  if (Array.isArray(received)) throw new Error('expected one event');
  const event = received as CloudEvent<unknown>;
  expect(event.validate()).toBe(true); // throws ValidationError on any non-conforming attribute
  return event;
}

describe('events - CloudEvents 1.0 conformance', () => {
  it('cloudevents - the official SDK accepts an envelope as it is, extensions included', () => {
    const envelope = withCorrelation({ correlationId: 'req-1', causationId: 'cmd-1' }, () =>
      source.create(AccountCreated, { subject: 'u1', data: { userId: 'u1', email: 'a@example.com' } }),
    );
    const event = asCloudEvent(JSON.stringify(envelope));
    expect(event).toMatchObject({
      specversion: '1.0',
      id: envelope.id,
      type: 'account.created',
      source: 'identity/node-a',
      subject: 'u1',
      dataschema: 'urn:tickline:schemas:account.created:1',
      seq: 1,
      partitionkey: 'u1',
      correlationid: 'req-1',
      causationid: 'cmd-1',
    });
    expect(new URL(envelope.dataschema).protocol).toBe('urn:'); // absolute, as the spec requires
    // Strict construction (what a consumer's SDK does with a received event) refuses nothing.
    expect(() => new CloudEvent({ ...envelope }, true)).not.toThrow();
  });

  it('cloudevents - an envelope from an existing log (no specversion, relative dataschema) decodes as 1.0', () => {
    const legacy = {
      id: '018bcfe5-6800-7000-8000-000000000001',
      type: 'account.created',
      source: 'identity/node-a',
      subject: 'u1',
      time: '2023-11-14T22:13:20.000Z',
      seq: 1,
      partitionkey: 'u1',
      dataschema: '/schemas/account.created/1',
      data: { userId: 'u1', email: 'a@example.com' },
    };
    const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });
    const body = packr.pack(legacy);
    const bytes = new Uint8Array(body.length + 1);
    bytes[0] = 1;
    bytes.set(body, 1);
    const decoded = decodeEvent(bytes, { registry });
    expect(decoded).toMatchObject({ specversion: '1.0', dataschema: 'urn:tickline:schemas:account.created:1' });
    expect(registry.bySchema(legacy.dataschema)).toBe(AccountCreated);
    asCloudEvent(JSON.stringify(decoded));
    // And what is written now round-trips unchanged.
    const fresh = source.create(AccountCreated, { subject: 'u2', data: { userId: 'u2', email: 'b@example.com' } });
    expect(decodeEvent(encodeEvent(fresh), { registry })).toEqual(fresh);
  });

  it('cloudevents - a specversion other than 1.0 is refused as malformed', () => {
    const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });
    const envelope = { ...source.create(AccountCreated, { subject: 'u', data: { userId: 'u', email: 'e' } }) };
    const body = packr.pack({ ...envelope, specversion: '0.3' });
    const bytes = new Uint8Array(body.length + 1);
    bytes[0] = 1;
    bytes.set(body, 1);
    expect(() => decodeEvent(bytes)).toThrow(expect.objectContaining({ code: 'KERNEL_EVENT_MALFORMED' }));
  });
});
