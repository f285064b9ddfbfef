/**
 * @module What the schema reads, as narrow ports over the domains' hosts (the module binds them),
 * so the resolvers call the same services REST does and tests can hand in small fakes.
 */
import type { RequestAuth } from '@tickline/kernel';
import type { FastifyRequest } from 'fastify';

export interface TickerView {
  symbol: string;
  last: Record<string, unknown> | null;
  stats24h: Record<string, unknown> | null;
}

export interface PositionView {
  symbol: string;
  quantity: number;
  averagePrice: number;
  markPrice: number;
  realizedPnl: number;
  unrealizedPnl: number;
  fees: number;
}

export interface PortfolioView {
  id: string;
  cash: number;
  equity: number;
  dayStartEquity: number;
}

/** Live trading's paper portfolios, as REST's `/portfolios` routes read them. */
export interface PortfolioReader {
  /** The owner's user id, or undefined when there is no such portfolio. */
  ownerOf(portfolioId: string): Promise<string | undefined>;
  portfoliosOf(userId: string): Promise<readonly string[]>;
  summary(portfolioId: string): PortfolioView;
  positions(portfolioId: string): readonly PositionView[];
}

export interface StrategyView {
  id: string;
  userId: string;
  name: string;
  description: string;
  latestVersion: number;
  createdAt: Date;
}

export interface StrategyVersionView {
  strategyId: string;
  version: number;
  language: string;
  sourceSha256: string;
  sizeBytes: number;
  createdAt: Date;
}

/** The user's strategies and their versions, as REST's `/strategies` routes read them. */
export interface StrategyReader {
  list(userId: string): Promise<readonly StrategyView[]>;
  /** Versions of several strategies in one read (the per-request loader batches them). */
  versionsOf(
    userId: string,
    strategyIds: readonly string[],
  ): Promise<ReadonlyMap<string, readonly StrategyVersionView[]>>;
}

export interface GraphqlServices {
  /** Identity's request authentication (bearer token or API key), as REST routes use it. */
  readonly auth: RequestAuth<FastifyRequest>;
  /** The authenticated caller's API keys (`auth.authenticate` ran first). */
  readonly apiKeys?: ((request: FastifyRequest) => Promise<readonly unknown[]>) | undefined;
  readonly strategies?: StrategyReader | undefined;
  /** Where live trading runs here (`strategy.live.enabled` with an event log). */
  readonly portfolios?: PortfolioReader | undefined;
  readonly market?:
    | {
        /** Symbols configured or seen, sorted. */
        symbols(): readonly string[];
        /** @throws MARKET_SYMBOL_NOT_FOUND */
        ticker(symbol: string): Promise<TickerView>;
      }
    | undefined;
}
