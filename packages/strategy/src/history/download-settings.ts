/**
 * @module `strategy.history.download`: where history downloads fetch from and how much each tier
 * may fetch. The quota counts UTC days fetched from a venue per user per UTC day; days any user
 * already downloaded are shared history and cost nothing.
 */
import { z } from 'zod';

const days = (fallback: number, tier: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(fallback)
    .describe(`Venue days (one symbol, one UTC day) a user of the ${tier} tier may fetch per UTC day.`);

export const HistoryDownloadSettingsSchema = z
  .object({
    venueDaysPerDay: z
      .object({
        free: days(90, 'free'),
        premium: days(1_000, 'premium'),
        enterprise: days(10_000, 'enterprise'),
      })
      .prefault({}),
    maxDays: z
      .number()
      .int()
      .min(1)
      .max(36_600)
      .default(3_660)
      .describe('Longest range one download may ask for, in UTC days.'),
    maxWaitMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(120_000)
      .describe(
        "Longest Retry-After of a venue's 429 a download waits out; a longer one fails it (it resumes when asked again).",
      ),
    restUrls: z
      .object({
        binance: z.url().optional().describe('Default https://api.binance.com.'),
        coinbase: z.url().optional().describe('Default https://api.coinbase.com.'),
        upbit: z.url().optional().describe('Default https://api.upbit.com.'),
        alpaca: z
          .url()
          .optional()
          .describe("Default: the configured alpaca source's restUrl, else https://data.alpaca.markets."),
        kis: z
          .url()
          .optional()
          .describe(
            "Default: the configured kis source's restUrl, else https://openapi.koreainvestment.com:9443.",
          ),
      })
      .prefault({})
      .describe(
        "Each venue's REST base URL (default: the venue's public API); tests point them at mocks. alpaca and kis use the account of the first source of that kind in market.sources.",
      ),
  })
  .prefault({});

export type HistoryDownloadSettings = z.output<typeof HistoryDownloadSettingsSchema>;
