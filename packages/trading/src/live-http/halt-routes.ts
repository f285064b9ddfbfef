/**
 * @module The kill switch's routes (an encapsulated Fastify plugin): engage on a portfolio or over
 * a scope — an account's portfolios, a venue's, every one (admins) — with `flatten` to close every
 * position at market, release a hand, and read the halt proofs (halt/halt-proof.ts), which are
 * built from the order journal on every read. An owner engages over their own portfolios; an admin
 * over anyone's. Every route is scoped by the caller: a portfolio that is not theirs is 404.
 */
import { TicklineError } from '@tickline/kernel';
import {
  ApiKeyScope,
  ErrorBodySchema,
  HaltEngageBodySchema,
  HaltProofsResponseSchema,
  HaltResponseSchema,
  KillSwitchBodySchema,
  KillSwitchEngageBodySchema,
  KillSwitchEngagedResponseSchema,
  KillSwitchStateResponseSchema,
} from '@tickline/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HaltProof } from '../halt/halt-proof.ts';
import type { HaltRequest } from '../halt/halt-service.ts';
import type { HaltStore } from '../halt/halt-store.ts';
import type { PortfolioScopes } from '../halt/portfolio-scopes.ts';
import { LiveErrorCodes } from '../live/errors.ts';
import type { RiskChange } from '../risk/risk-controls.ts';
import { haltServiceFor } from './halt-service-for.ts';
import { createLiveActions, killSwitchView } from './live-actions.ts';
import type { LiveCaller, LiveRoutesOptions } from './live-options.ts';
import { declaredCallers } from './route-support.ts';

/** Options of {@link haltRoutes}. */
export interface HaltRoutesOptions extends Omit<LiveRoutesOptions, 'prefix'> {
  haltStore: HaltStore;
  /** Without it (one portfolio per account, tests) a venue scope is the caller's own portfolios. */
  scopes?: PortfolioScopes;
  /** The switch's clock (the venues' and the journal's). @default Date.now */
  now?: () => number;
}

const PortfolioParams = z.object({ portfolioId: z.string().min(1).max(100) });
const HaltParams = z.object({ haltId: z.string().min(1).max(100) });
const HaltsQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

const haltUrl = (haltId: string) => `/api/v1/halts/${haltId}`;

/** See the module comment. */
export const haltRoutes: FastifyPluginAsync<HaltRoutesOptions> = async (fastify, o) => {
  const callerOf = declaredCallers(fastify, o.authenticate);
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  void LiveErrorCodes;
  const actions = createLiveActions(o);
  const now = o.now ?? Date.now;
  const halts = haltServiceFor(o, o.haltStore, now, (portfolioId, symbol, error) =>
    fastify.log.warn({ err: error, portfolioId, symbol }, 'kill switch: a closing order was not placed'),
  );
  const changeBy = (caller: LiveCaller, reason: string): RiskChange => ({
    // An admin's hand is the admin hand even on their own portfolio: only an admin lifts it.
    actor: caller.admin ? 'admin' : 'user',
    by: caller.userId,
    at: now(),
    reason,
  });
  /** The proofs the caller may read (their portfolios', or any for an admin). */
  const readable = async (caller: LiveCaller, proofs: HaltProof[]): Promise<HaltProof[]> => {
    if (caller.admin) return proofs;
    const mine = new Set(await o.portfoliosOf(caller.userId));
    return proofs.filter((p) => mine.has(p.portfolioId));
  };
  const adminOnly = (what: string) =>
    new TicklineError('STRATEGY_HALT_ADMIN_ONLY', `only an admin engages the kill switch over ${what}`);

  app.post(
    '/portfolios/:portfolioId/kill-switch',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: "Engage the portfolio's kill switch; `flatten` closes every position at market",
        params: PortfolioParams,
        body: KillSwitchEngageBodySchema,
        response: { 200: KillSwitchEngagedResponseSchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      const caller = await callerOf(request);
      await actions.owned(caller, portfolioId, 'oversee');
      // Stored (and audited) first: every process refuses from its next read, this one at once.
      const { haltId, portfolios } = await halts.engage({
        portfolioIds: [portfolioId],
        scope: 'portfolio',
        change: changeBy(caller, request.body.reason),
        flatten: request.body.flatten,
      });
      const [one] = portfolios;
      return {
        cancelled: one!.cancelled,
        killSwitch: killSwitchView(one!.killSwitch),
        haltId,
        haltProofUrl: haltUrl(haltId),
        haltProof: one!.proof,
      };
    },
  );

  app.post(
    '/portfolios/:portfolioId/kill-switch/release',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        params: PortfolioParams,
        body: KillSwitchBodySchema,
        response: { 200: KillSwitchStateResponseSchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      const caller = await callerOf(request);
      await actions.owned(caller, portfolioId, 'oversee');
      // Lifts the caller's own hand only: an owner cannot undo an admin's stop. Paused runs stay
      // paused until their owner resumes them.
      const state = await o.risk.releaseKillSwitch(portfolioId, changeBy(caller, request.body.reason));
      return { cancelled: 0, killSwitch: killSwitchView(state) };
    },
  );

  app.post(
    '/kill-switch',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary:
          "Engage the kill switch over an account's portfolios, a venue's, or (admins) every portfolio, with a halt proof for each",
        body: HaltEngageBodySchema,
        response: {
          200: HaltResponseSchema,
          400: ErrorBodySchema,
          403: ErrorBodySchema,
          404: ErrorBodySchema,
        },
      },
    },
    async (request) => {
      const caller = await callerOf(request);
      const body = request.body;
      let portfolioIds: string[];
      let target: string | undefined;
      if (body.scope === 'account') {
        target = body.userId ?? caller.userId;
        if (target !== caller.userId && !caller.admin) throw adminOnly("another user's account");
        portfolioIds = await o.portfoliosOf(target);
        if (portfolioIds.length === 0)
          throw new TicklineError('STRATEGY_PORTFOLIO_NOT_FOUND', `account ${target} has no portfolio`);
      } else if (body.scope === 'venue') {
        if (body.venue === undefined)
          throw new TicklineError('STRATEGY_HALT_SCOPE_INVALID', 'scope "venue" needs `venue`');
        target = body.venue;
        const onVenue = o.scopes
          ? await o.scopes.onVenue(body.venue)
          : body.venue === 'paper'
            ? await o.portfoliosOf(caller.userId)
            : [];
        // An admin stops the whole venue; a user their own portfolios on it.
        const mine = caller.admin ? undefined : new Set(await o.portfoliosOf(caller.userId));
        portfolioIds = mine === undefined ? onVenue : onVenue.filter((id) => mine.has(id));
      } else {
        if (!caller.admin) throw adminOnly('every portfolio');
        portfolioIds = o.scopes ? await o.scopes.all() : await o.portfoliosOf(caller.userId);
      }
      const halt: HaltRequest = {
        portfolioIds,
        scope: body.scope,
        ...(target === undefined ? {} : { target }),
        change: changeBy(caller, body.reason),
        flatten: body.flatten,
      };
      const { haltId, portfolios } = await halts.engage(halt);
      return {
        haltId,
        haltProofUrl: haltUrl(haltId),
        portfolios: portfolios.map((p) => ({
          portfolioId: p.portfolioId,
          cancelled: p.cancelled,
          killSwitch: killSwitchView(p.killSwitch),
        })),
        proofs: portfolios.map((p) => p.proof),
      };
    },
  );

  app.get(
    '/halts/:haltId',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: "A kill switch halt's proofs, one per portfolio, built from the order journal now",
        params: HaltParams,
        response: { 200: HaltProofsResponseSchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const caller = await callerOf(request);
      const proofs = await readable(caller, await halts.proofs(request.params.haltId));
      if (proofs.length === 0)
        throw new TicklineError('STRATEGY_HALT_NOT_FOUND', `no halt ${request.params.haltId}`);
      return { proofs };
    },
  );

  app.get(
    '/portfolios/:portfolioId/halts',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: "The portfolio's latest kill switch halts with their proofs, latest first",
        params: PortfolioParams,
        querystring: HaltsQuery,
        response: { 200: HaltProofsResponseSchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const { portfolioId } = request.params;
      await actions.owned(await callerOf(request), portfolioId, 'oversee');
      return { proofs: await halts.ofPortfolio(portfolioId, request.query.limit) };
    },
  );
};
