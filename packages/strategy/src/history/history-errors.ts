/** @module Error codes of kline CSV uploads (documented in docs/errors.md). */
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
});
