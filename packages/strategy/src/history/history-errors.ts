/** @module Error codes of kline CSV uploads and history downloads (documented in docs/errors.md). */
import { defineErrorCodes } from '@tickline/kernel';

export const HistoryErrorCodes = defineErrorCodes({
  STRATEGY_UPLOAD_NOT_FOUND: {
    meaning: 'No upload has this id among your uploads.',
    resolve: 'Start one with POST /api/v1/history/uploads, or list yours with GET /api/v1/history/uploads.',
    httpStatus: 404,
  },
  STRATEGY_UPLOAD_OFFSET: {
    meaning: 'A chunk starts after the last line the upload holds, which would leave a gap.',
    resolve: 'Resume at details.rows: GET the upload and send the lines from its `rows` on.',
    httpStatus: 409,
  },
  STRATEGY_UPLOAD_COMPLETE: {
    meaning: 'The upload was marked complete and takes no more chunks.',
    resolve: 'Start a new upload for more lines; sending the same candles again replaces them.',
    httpStatus: 409,
  },
  STRATEGY_DOWNLOAD_NOT_FOUND: {
    meaning: 'No history download has this id among your downloads.',
    resolve:
      'List yours with GET /api/v1/history/downloads, or start one with POST /api/v1/history/downloads.',
    httpStatus: 404,
  },
  STRATEGY_DOWNLOAD_RANGE: {
    meaning:
      'A history download asked for an empty range, one wholly in the future, or more days than strategy.history.download.maxDays.',
    resolve:
      'Give `from` before `to`, `from` in the past, and a range of at most details.maxDays UTC days; split a longer one.',
    httpStatus: 400,
  },
  STRATEGY_DOWNLOAD_VENUE: {
    meaning:
      'A history download asked a venue for a symbol or interval it does not serve: alpaca serves US shares (AAPL.US), kis KRX shares (005930.KS) in daily bars only, binance, coinbase and upbit crypto pairs.',
    resolve:
      "Ask the symbol's own venue (the message names it), and 1d from kis; nothing was recorded or counted against the quota.",
    httpStatus: 400,
  },
  STRATEGY_DOWNLOAD_QUOTA: {
    meaning:
      "A history download needs more venue days (a symbol's UTC day not yet held) than the tier has left today; days already held cost nothing.",
    resolve:
      'Ask for a shorter range, wait for the next UTC day (Retry-After), or move to a larger tier; details give the need and what is left.',
    httpStatus: 429,
  },
});
