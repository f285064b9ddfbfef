/** @module Errors of the parity report. */
import { defineErrorCodes } from '@tickline/kernel';

export const ParityErrorCodes = defineErrorCodes({
  STRATEGY_PARITY_UNAVAILABLE: {
    meaning:
      'A parity report cannot be made for this live run yet: it has decided no candle since it was enabled, or it ran longer than one replay covers (details.maxCandles per feed).',
    resolve:
      'Ask again once the run has decided a candle; for a long run, enable it again to start a new window.',
    httpStatus: 409,
  },
});
