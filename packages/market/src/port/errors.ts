/** @module Errors raised by market sources. */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const MarketErrorCodes = defineErrorCodes({
  MARKET_SYMBOL_UNKNOWN: {
    meaning: 'A subscription named a symbol the source does not offer.',
    resolve: 'Use a canonical BASE-QUOTE symbol from the source configuration.',
    httpStatus: 400,
  },
  MARKET_SOURCE_STATE: {
    meaning:
      'A market source was used in the wrong lifecycle state (messages() twice, subscribe after stop).',
    resolve: 'Start the source once, read messages() from one consumer, stop it once.',
    httpStatus: 500,
  },
  MARKET_INDICATOR_PARAM_INVALID: {
    meaning:
      'An indicator was given a period that is not a positive integer, or input arrays of different lengths.',
    resolve: 'Pass integer periods ≥ 1 and equally long high/low/close/volume arrays.',
    httpStatus: 400,
  },
  MARKET_INDICATOR_TOO_COSTLY: {
    meaning:
      'An anonymous indicator request would read more candles (its limit plus the warm-up its periods need) than an anonymous caller may: details.bars and details.maxBars say how many.',
    resolve:
      'Ask for fewer points or shorter periods, or sign in (a signed-in caller may read up to 5,000 points with any periods).',
    httpStatus: 400,
  },
  MARKET_SYMBOL_NOT_FOUND: {
    meaning: 'A market route named a symbol that is neither configured nor stored.',
    resolve: 'Use a symbol from GET /api/v1/markets (canonical BASE-QUOTE, upper case).',
    httpStatus: 404,
  },
  MARKET_CSV_HEADER: {
    meaning: 'A CSV replay file lacks the columns for trades or candles.',
    resolve:
      'Give the file a header row: time,price,size[,side,id,symbol] or open_time,open,high,low,close,volume.',
    httpStatus: 400,
  },
  MARKET_CSV_ROW_INVALID: {
    meaning:
      'A row of a Binance kline CSV file is not a candle: too few fields, a field not a number, an open time off the interval, or high/low not bounding open/close.',
    resolve: 'Fix or drop the named line; the files of data.binance.vision parse as they are published.',
    httpStatus: 400,
  },
  MARKET_JOB_SCHEDULE_INVALID: {
    meaning:
      'A scheduled job was given a schedule that is not a cron expression (5 fields, or 6 with seconds).',
    resolve: 'Write the schedule as a cron expression in UTC, e.g. "0 * * * *" for hourly.',
    httpStatus: 400,
  },
  MARKET_JOB_UNKNOWN: {
    meaning: 'A job name was asked for that the job scheduler does not have.',
    resolve: 'Use a name from the job status list (GET the job status API).',
    httpStatus: 404,
  },
  MARKET_JOB_RUNNING: {
    meaning: 'A job was asked to run while a run of it was still in progress; runs never overlap.',
    resolve: 'Wait for the running run to finish (see the job status API), then ask again.',
    httpStatus: 409,
  },
  MARKET_VENUE_RATE_LIMITED: {
    meaning:
      "A venue's REST API kept answering 429 (or banned the caller with 418) longer than a history download waits: its Retry-After was past the wait bound or the retries ran out.",
    resolve:
      'Try again later (the venue names the wait in Retry-After); what was fetched is kept, so the download resumes where it stopped.',
    httpStatus: 503,
  },
  MARKET_VENUE_FAILED: {
    meaning: "A venue's REST API failed a history request (an error status, a malformed answer or no answer).",
    resolve:
      "Check the symbol exists on that venue and the venue's status; run the download again, it resumes where it stopped.",
    httpStatus: 502,
  },
  MARKET_VENUE_NO_ACCOUNT: {
    meaning:
      "A history download asked a share venue (alpaca, kis) whose REST API needs an account, and no source of that kind is configured to take its credentials from.",
    resolve:
      'Add an alpaca source (keyId, secretKey) or a kis source (appKey, appSecret) to market.sources; the download uses its account and restUrl.',
    httpStatus: 409,
  },
  MARKET_CORPORATE_ACTIONS_UNAVAILABLE: {
    meaning:
      'Corporate actions were asked of a provider for a symbol no configured source offers them for (the Alpaca source covers US shares; KRX actions are imported).',
    resolve:
      'Configure an alpaca source (market.sources) for a US share, or store the actions with POST /api/v1/markets/{symbol}/corporate-actions.',
    httpStatus: 409,
  },
  MARKET_CALENDAR_MISSING: {
    meaning:
      "An exchange calendar was asked about a year its shipped tables do not cover (details.exchange, details.year, details.covered), so sessions and session candles for it cannot be built.",
    resolve:
      "Use a covered year, or add the year's holidays and special hours to packages/market/src/calendars/data/ from the exchange's published calendar.",
    httpStatus: 422,
  },
  MARKET_ARCHIVE_FILE_MISSING: {
    meaning:
      'A candle read reached a month the archive tier moved to a Parquet file (market_archive_files), and the file is not there (details.file): the archive directory was moved, not mounted on this process or deleted.',
    resolve:
      'Mount or restore market.archive.dir at the path the catalogue names on every process that reads candles (GET /api/v1/markets/archive lists the files); the candles were deleted from SQL only after the file was verified.',
    httpStatus: 503,
  },
  MARKET_ARCHIVE_FILE_CORRUPT: {
    meaning:
      "An archived candle file's bytes no longer match the sha256 recorded when it was written (details.file, details.expected, details.actual), or it no longer parses as Parquet: no candle of it is served.",
    resolve: 'Restore the file from a backup of market.archive.dir (the name says the month); the catalogue row names its checksum.',
    httpStatus: 500,
  },
  MARKET_ARCHIVE_VERIFY_FAILED: {
    meaning:
      'Archiving a month of candles wrote a file whose rows, read back, differ from those in SQL (count or checksum, in details): nothing was deleted from SQL and the file was removed.',
    resolve: 'Check the disk under market.archive.dir (space, errors) and run the archive again (tickline market archive --run).',
    httpStatus: 500,
  },
});

/** An error with a market code. */
export class MarketError extends TicklineError {
  constructor(code: keyof typeof MarketErrorCodes, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isMarketSymbolUnknownError = errorGuard('MARKET_SYMBOL_UNKNOWN');
export const isMarketCsvHeaderError = errorGuard('MARKET_CSV_HEADER');
export const isMarketCsvRowInvalidError = errorGuard('MARKET_CSV_ROW_INVALID');
export const isMarketJobUnknownError = errorGuard('MARKET_JOB_UNKNOWN');
export const isMarketJobRunningError = errorGuard('MARKET_JOB_RUNNING');
export const isMarketCalendarMissingError = errorGuard('MARKET_CALENDAR_MISSING');
export const isMarketVenueRateLimitedError = errorGuard('MARKET_VENUE_RATE_LIMITED');
export const isMarketArchiveFileMissingError = errorGuard('MARKET_ARCHIVE_FILE_MISSING');
export const isMarketArchiveFileCorruptError = errorGuard('MARKET_ARCHIVE_FILE_CORRUPT');
export const isMarketArchiveVerifyFailedError = errorGuard('MARKET_ARCHIVE_VERIFY_FAILED');
