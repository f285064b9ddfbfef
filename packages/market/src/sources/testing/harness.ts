/**
 * @module Running a network source against a mock venue in tests: fast, deterministic resilience
 * timings, the source pointed at the mock, subscribed, started, and read by a {@link SourceProbe}.
 */
import { silentLogger, type ServiceContext } from '@tickline/kernel';
import type { MarketKind } from '../../port/market-message.ts';
import type { NetworkSourceOptions } from '../network/options.ts';
import type { WebSocketSource } from '../network/websocket-source.ts';
import type { MockVenueServer } from './mock-venue.ts';
import { SourceProbe } from './source-probe.ts';

/** Millisecond timings with jitter pinned at half the ceiling: delays 50, 100, 200, 200 ms. */
export const FAST_RESILIENCE: Readonly<NetworkSourceOptions> = Object.freeze({
  backoff: { initialMs: 100, maxMs: 400, factor: 2 },
  random: () => 0.5,
  silenceMs: 2_000,
  rateLimitBackoffMs: 300,
  breaker: { failureThreshold: 3, cooldownMs: 300 },
});

export const testServiceContext: ServiceContext = { logger: silentLogger, fail: () => undefined };

/** A source running against a mock. */
export interface MockedSource<M extends MockVenueServer> {
  mock: M;
  source: WebSocketSource;
  probe: SourceProbe;
  /** Stops the source, then the mock. */
  stop(): Promise<void>;
}

/**
 * Starts `mock`, builds the source against it with {@link FAST_RESILIENCE} plus `options`,
 * subscribes, starts, and waits until it is live and its first request reached the mock.
 */
export async function startMockedSource<M extends MockVenueServer>(
  mock: M,
  create: (options: NetworkSourceOptions) => WebSocketSource,
  options: NetworkSourceOptions = {},
  subscription: { symbols: readonly string[]; kinds?: readonly MarketKind[] },
): Promise<MockedSource<M>> {
  await mock.listen();
  const source = create({ ...FAST_RESILIENCE, url: mock.wsUrl, restUrl: mock.restUrl, ...options });
  const probe = new SourceProbe(source);
  const firstRequest = mock.nextMessage();
  await source.subscribe(subscription.symbols, subscription.kinds ?? ['trade']);
  await source.start(testServiceContext);
  await firstRequest;
  await probe.untilState('live');
  return {
    mock,
    source,
    probe,
    stop: async () => {
      await source.stop();
      await mock.close();
    },
  };
}
