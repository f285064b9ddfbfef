/**
 * @module What of each domain port crosses processes: the functions the schema calls, per port,
 * and the request/reply service a port is answered on. The owner serves exactly these (nothing
 * else of its hosts is callable from the wire); the gateway builds its stand-ins from the same list.
 */
import type { ForwardedPorts } from '../schema/services.ts';

export type ForwardedPortName = keyof ForwardedPorts;

/** Each port's functions by path (`repository.listRuns`), as the resolvers and loaders call them. */
export const FORWARDED_FUNCTIONS: Readonly<Record<ForwardedPortName, readonly string[]>> = {
  strategies: [
    'repository.listStrategies',
    'repository.getStrategy',
    'repository.strategiesOf',
    'repository.listVersionsOf',
    'repository.listRuns',
    'repository.getRun',
    'repository.resultsOf',
    'actions.principal',
    'actions.saveVersion',
    'actions.queueBacktest',
    'cancelBacktest',
    'research.list',
    'research.get',
    'research.reportsOf',
  ],
  trading: [
    'authenticate',
    'portfoliosOf',
    'actions.owned',
    'actions.run',
    'actions.listRuns',
    'actions.summary',
    'actions.positions',
    'actions.equity',
    'actions.orders',
    'actions.risk',
    'actions.placeOrder',
    'actions.cancelOrder',
    'actions.pause',
    'actions.resume',
  ],
  notifications: ['inbox', 'markRead', 'markAllRead', 'rules'],
};

/**
 * The functions whose first argument is the HTTP request: the owner authenticates its credentials
 * itself (and checks the scope), as REST's own route there would.
 */
export const AUTHENTICATING_FUNCTIONS: ReadonlySet<string> = new Set([
  'strategies:actions.principal',
  'trading:authenticate',
]);

/** A domain (the role table's module) whose ports a gateway may reach on its owner. */
export type ForwardedDomain = 'strategy' | 'trading' | 'notify';

/** The domain that owns each port. */
export const PORT_DOMAINS: Readonly<Record<ForwardedPortName, ForwardedDomain>> = {
  strategies: 'strategy',
  trading: 'trading',
  notifications: 'notify',
};

/** The request/reply service a port is answered on. */
export function portService(port: ForwardedPortName): string {
  return `graphql.${port}`;
}

/** The credential headers a forwarded call carries for the owner to authenticate. */
export const CREDENTIAL_HEADERS = ['authorization', 'x-api-key'] as const;
