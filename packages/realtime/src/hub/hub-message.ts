/**
 * @module A published event, JSON-encoded once. The SSE frame, its HTTP chunk and the WebSocket
 * frame are built on first use and shared by every subscriber and every replay.
 */
import { encodeHttpChunk, encodeWsTextFrame, sseFrame } from './frames.ts';

/** What is published: the event id (a UUIDv7, also the SSE `id:`), its type and its data. */
export interface HubEvent {
  id: string;
  type: string;
  data: unknown;
}

export class HubMessage {
  /** Position in this hub's publish order (1, 2, …), used to merge replays across channels. */
  readonly seq: number;
  readonly channel: string;
  readonly id: string;
  readonly type: string;
  /** Hub clock time of the publish, for age-based history eviction. */
  readonly receivedAt: number;
  /** May be replaced by a newer message on the same channel for a congested client. */
  readonly coalesce: boolean;
  /** `"channel":…,"id":…,"event":…,"data":…}`: the JSON both wire forms share. */
  readonly #body: string;
  readonly #dataJson: string;
  #data: unknown;
  #sse: Buffer | undefined;
  #sseChunk: Buffer | undefined;
  #ws: Buffer | undefined;

  constructor(
    seq: number,
    channel: string,
    event: HubEvent,
    dataJson: string,
    receivedAt: number,
    coalesce: boolean,
  ) {
    this.seq = seq;
    this.channel = channel;
    this.id = event.id;
    this.type = event.type;
    this.receivedAt = receivedAt;
    this.coalesce = coalesce;
    this.#dataJson = dataJson;
    // Channel, id and type are validated to be plain ASCII without quotes or backslashes.
    this.#body = `"channel":"${channel}","id":"${event.id}","event":"${event.type}","data":${dataJson}}`;
  }

  /** About the bytes it takes on the wire (its shared JSON): what a backlog of it is measured in. */
  get size(): number {
    return this.#body.length;
  }

  /**
   * The event's data, parsed from its JSON on first use and shared, like the frames: the hub keeps
   * no reference to the publisher's object, and a transport that resolves fields per subscriber
   * (GraphQL) parses once per message, not once per subscriber. Treat it as read-only.
   */
  get data(): unknown {
    if (this.#data === undefined) this.#data = JSON.parse(this.#dataJson) as unknown;
    return this.#data;
  }

  /** `id: …\nevent: …\ndata: {"channel":…,"id":…,"event":…,"data":…}\n\n` */
  get sse(): Buffer {
    return (this.#sse ??= sseFrame({ id: this.id, event: this.type, data: `{${this.#body}` }));
  }

  /** {@link sse} as an HTTP/1.1 chunk. */
  get sseChunk(): Buffer {
    return (this.#sseChunk ??= encodeHttpChunk(this.sse));
  }

  /** A WebSocket text frame with `{"type":"event","channel":…,"id":…,"event":…,"data":…}`. */
  get ws(): Buffer {
    return (this.#ws ??= encodeWsTextFrame(Buffer.from(`{"type":"event",${this.#body}`, 'utf8')));
  }
}
