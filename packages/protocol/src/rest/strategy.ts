/**
 * @module The strategy API on the wire (`/api/v1/strategies`): strategies, their immutable
 * versions and declared parameters, and what compiling code answers. Dates are ISO 8601 strings.
 * Inputs are plain shapes: the strategy routes validate them.
 */
import { z } from 'zod';

export const StrategyLanguageSchema = z.enum(['typescript', 'javascript']);
/** The language strategy code is written in. */
export type StrategyLanguage = z.infer<typeof StrategyLanguageSchema>;

export const ParamSpecSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['int', 'float']),
    default: z.number(),
    min: z.number().optional(),
    max: z.number().optional(),
    step: z.number().optional(),
    description: z.string().optional(),
  }),
  z.object({ type: z.literal('bool'), default: z.boolean(), description: z.string().optional() }),
  z.object({
    type: z.literal('enum'),
    default: z.string(),
    values: z.array(z.string()).readonly(),
    description: z.string().optional(),
  }),
]);
/** A parameter a strategy declares, with its default and bounds. */
export type ParamSpec = z.infer<typeof ParamSpecSchema>;
const ParamSpecsSchema = z.record(z.string(), ParamSpecSchema);

export const StrategySummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  latestVersion: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type StrategySummary = z.infer<typeof StrategySummarySchema>;

export const StrategyVersionInfoSchema = z.object({
  strategyId: z.uuid(),
  version: z.number().int(),
  language: StrategyLanguageSchema,
  params: ParamSpecsSchema,
  sourceSha256: z.string(),
  sizeBytes: z.number().int(),
  createdAt: z.iso.datetime(),
});
/** A saved version without its source. */
export type StrategyVersionInfo = z.infer<typeof StrategyVersionInfoSchema>;

export const StrategyVersionSchema = StrategyVersionInfoSchema.extend({ source: z.string() });
/** A saved version with its source. */
export type StrategyVersion = z.infer<typeof StrategyVersionSchema>;

/** `GET /strategies`. */
export const StrategyListSchema = z.object({ strategies: z.array(StrategySummarySchema) });
/** `GET /strategies/{id}`. */
export const StrategyResponseSchema = z.object({ strategy: StrategySummarySchema });
/** `POST /strategies`: the strategy and its first version. */
export const CreatedStrategySchema = z.object({
  strategy: StrategySummarySchema,
  version: StrategyVersionInfoSchema,
});
export type CreatedStrategy = z.infer<typeof CreatedStrategySchema>;
/** `GET /strategies/{id}/versions`. */
export const StrategyVersionListSchema = z.object({ versions: z.array(StrategyVersionInfoSchema) });
/** `POST /strategies/{id}/versions`. */
export const SavedVersionSchema = z.object({ version: StrategyVersionInfoSchema });
/** `GET /strategies/{id}/versions/{n}`. */
export const StrategyVersionResponseSchema = z.object({ version: StrategyVersionSchema });
/** `POST /strategies/compile`: the declared parameters of code that compiled. */
export const CompiledSchema = z.object({ ok: z.literal(true), params: ParamSpecsSchema });
export type Compiled = z.infer<typeof CompiledSchema>;
/** `GET /strategies/api-types`: the published strategy API as a declaration file. */
export const StrategyApiTypesSchema = z.object({ filename: z.string(), declarations: z.string() });

/** One check of the promotion gate: its value from the newest report, against its limit. */
export const GateCheckSchema = z.object({
  name: z.enum(['lookahead', 'walkForward', 'outOfSampleSharpe', 'deflatedSharpe', 'pbo']),
  passed: z.boolean(),
  value: z.union([z.number(), z.boolean()]).nullable(),
  limit: z.union([z.number(), z.boolean()]).nullable(),
  /** The research run the value comes from; null while no such report exists. */
  researchId: z.string().nullable(),
});
/** An admin's override of the gate for one version (the audit record). */
export const GateOverrideSchema = z.object({
  id: z.string(),
  adminId: z.string(),
  reason: z.string(),
  createdAt: z.iso.datetime(),
});
/** `GET /strategies/{id}/versions/{n}/gate`: may the version run live, and why. */
export const GateResponseSchema = z.object({
  gate: z.object({
    passed: z.boolean(),
    checks: z.array(GateCheckSchema),
    /** The owner's tier needs the gate before a live run. */
    required: z.boolean(),
    thresholds: z.object({
      requiredTiers: z.array(z.string()),
      requireLookahead: z.boolean(),
      minOutOfSampleBarSharpe: z.number(),
      minDeflatedSharpe: z.number(),
      maxPbo: z.number(),
    }),
    overrides: z.array(GateOverrideSchema),
    /** Not required, passed, or overridden. */
    allowed: z.boolean(),
    /**
     * The version's CPU per candle from its newest measured backtest against the tier's live
     * budget; a forecast over it refuses the live run (STRATEGY_CPU_FORECAST_EXCEEDS_BUDGET).
     * Null when the server does not know the budget.
     */
    forecast: z
      .object({
        /** ms of CPU per candle; null: no measured backtest of the version yet. */
        forecastMs: z.number().nullable(),
        budgetMs: z.number(),
        backtestId: z.string().nullable(),
        bars: z.number().int().nullable(),
        fits: z.boolean(),
      })
      .nullable(),
  }),
});
/** `POST /strategies/{id}/versions/{n}/gate/overrides`. */
export const GateOverrideResponseSchema = z.object({ override: GateOverrideSchema });

/** `POST /strategies`. */
export interface CreateStrategyInput {
  name: string;
  description?: string;
  source: string;
  /** @default 'typescript' */
  language?: StrategyLanguage;
}

/** `POST /strategies/{id}/versions` and `POST /strategies/compile`. */
export interface SaveVersionInput {
  source: string;
  /** @default 'typescript' */
  language?: StrategyLanguage;
}

/** What identifies a research run in its stream events. */
const ResearchRef = {
  researchId: z.string(),
  strategyId: z.string(),
  version: z.number().int().min(1),
  kind: z.enum(['lookahead', 'walk-forward', 'search']),
};

export const ResearchProgressEventSchema = z.object({
  ...ResearchRef,
  /** Fraction done, 0–1 (trials finished of all the run's trials). */
  progress: z.number().min(0).max(1),
});
/** The data of `research.progress` on `user:{id}`. */
export type ResearchProgressEvent = z.infer<typeof ResearchProgressEventSchema>;

export const ResearchCompletedEventSchema = z.object({
  ...ResearchRef,
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
/** The data of `research.completed` on `user:{id}`. */
export type ResearchCompletedEvent = z.infer<typeof ResearchCompletedEventSchema>;
