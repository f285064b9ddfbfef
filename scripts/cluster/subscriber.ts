/**
 * @module A trade subscriber that behaves like the web client: an EventSource on one gateway that,
 * when its gateway refuses the reconnect (a stream ticket is single-use, so EventSource's own
 * retry with the same URL gets 401 after the gateway restarted), signs in again if it must, mints
 * a new ticket and resumes from the last event id it saw.
 */
import {
  accessTokenFor,
  openEventSource,
  signUpAndIn,
  streamTicket,
  TEST_PASSWORD,
  type ReceivedEvent,
  type StreamClient,
} from '@tickline/server/internal';

const REOPEN_DELAY_MS = 500;

/** What chaos and soak read from a subscriber. */
export interface TradeSubscriber {
  /** Every trade received, across reopenings. */
  readonly events: readonly ReceivedEvent[];
  /** Times it had to open a new stream after a refusal. */
  readonly reopened: number;
  close(): void;
}

/** Signs `email` up on `url` and streams `market:BTC-USDT:trades` until closed. */
export async function openTradeSubscriber(url: string, email: string): Promise<TradeSubscriber> {
  let accessToken = (await signUpAndIn(url, email)).accessToken;
  const events: ReceivedEvent[] = [];
  let current: StreamClient | undefined;
  let copied = 0;
  let reopened = 0;
  let closed = false;

  const ticket = async (): Promise<string> => {
    try {
      return await streamTicket(url, accessToken);
    } catch {
      // The access token expired (a long soak) or the gateway is still starting: sign in again.
      accessToken = await accessTokenFor(url, email, TEST_PASSWORD);
      return streamTicket(url, accessToken);
    }
  };
  const open = async (): Promise<void> => {
    for (;;) {
      if (closed) return;
      try {
        const lastEventId = events.at(-1)?.id;
        copied = 0;
        current = openEventSource(url, {
          channels: ['market:BTC-USDT:trades'],
          types: ['market.trade'],
          ticket: await ticket(),
          ...(lastEventId ? { lastEventId } : {}),
          onGiveUp: () => {
            sync();
            reopened++;
            setTimeout(() => void open(), REOPEN_DELAY_MS);
          },
        });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, REOPEN_DELAY_MS));
      }
    }
  };
  /** Moves what the current stream received into `events` (trades only, not `subscribed`). */
  const sync = (): void => {
    const got = current?.events ?? [];
    for (; copied < got.length; copied++) if (got[copied]!.type === 'market.trade') events.push(got[copied]!);
  };
  await open();
  return {
    get events() {
      sync();
      return events;
    },
    get reopened() {
      return reopened;
    },
    close() {
      closed = true;
      current?.close();
    },
  };
}
