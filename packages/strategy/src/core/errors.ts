/**
 * @module The strategy package's error catalogue. It lives in `core/` because the engine throws
 * these codes inside the sandbox too (the isolate bundle links this file as it is).
 */
import { defineErrorCodes } from '@tickline/kernel';

export const StrategyErrorCodes = defineErrorCodes({
  STRATEGY_CONFIG_INVALID: {
    meaning:
      'A backtest setting is out of range (capital, fees, slippage, leverage, limits) or feeds are missing.',
    resolve: 'Fix the named field; the details say which and why.',
    httpStatus: 400,
  },
  STRATEGY_ORDER_INVALID: {
    meaning:
      'The strategy placed an order with a bad shape (no quantity, both quantity and percent, a limit without price, an unknown symbol).',
    resolve: 'Fix the order call in the strategy code; the message names the field.',
    httpStatus: 422,
  },
  STRATEGY_PARAM_INVALID: {
    meaning: 'A strategy parameter has the wrong type, is outside its declared range, or is not declared.',
    resolve: 'Pass values that match the parameter declarations of the strategy version.',
    httpStatus: 422,
  },
  STRATEGY_DEFINITION_INVALID: {
    meaning:
      'The strategy module does not export a valid definition (default export with onCandle, well-formed params).',
    resolve: 'Export `defineStrategy({ params, onCandle })` as the default export.',
    httpStatus: 422,
  },
  STRATEGY_DEFINITION_TOO_LARGE: {
    meaning:
      'The strategy declares more parameters than allowed, or a parameter name, description or list of values is too long (strategy.params).',
    resolve: 'Declare fewer parameters, with shorter names and lists; the limit is in details.',
    httpStatus: 422,
  },
  STRATEGY_SYNTAX_ERROR: {
    meaning: 'The strategy code does not parse as TypeScript or JavaScript (line and column in details).',
    resolve: 'Fix the code at the reported position and save again.',
    httpStatus: 422,
  },
  STRATEGY_CODE_TOO_LARGE: {
    meaning: 'The strategy source is larger than the allowed size.',
    resolve: 'Shorten the code; the limit is in details.',
    httpStatus: 413,
  },
  STRATEGY_RUNTIME_ERROR: {
    meaning: 'The strategy code threw while running.',
    resolve: 'Read the message and the bar time in details, fix the code and run again.',
    httpStatus: 422,
  },
  STRATEGY_CPU_LIMIT: {
    meaning:
      "The run used more CPU time than the tier's sandbox allows (an endless loop, or too much work per bar).",
    resolve: 'Make the strategy cheaper per bar, shorten the range, or use a tier with a larger CPU limit.',
    httpStatus: 422,
  },
  STRATEGY_MEMORY_LIMIT: {
    meaning: "The run used more memory than the tier's sandbox allows.",
    resolve: 'Keep less state per bar, or use a tier with a larger memory limit.',
    httpStatus: 422,
  },
  STRATEGY_STACK_OVERFLOW: {
    meaning: 'The strategy recursed too deeply.',
    resolve: 'Replace unbounded recursion with a loop.',
    httpStatus: 422,
  },
  STRATEGY_OUTPUT_LIMIT: {
    meaning:
      'The strategy produced more output than a run may hold: too many plot series or open orders. (Plot points are downsampled and log lines capped, never refused.)',
    resolve: 'Plot fewer series and keep fewer open orders; the limit is in details.',
    httpStatus: 422,
  },
  STRATEGY_RESULT_TOO_LARGE: {
    meaning:
      "The run's result (trades, logs, plots, signals; the equity curve aside) is larger than the tier allows (strategy.tiers.*.maxResultBytes).",
    resolve: 'Trade less often, log and plot less, or shorten the range; the sizes are in details.',
    httpStatus: 422,
  },
  STRATEGY_FORBIDDEN_API: {
    meaning:
      'The strategy used something the sandbox does not offer (timers, Atomics, WebAssembly, eval, Function, imports, promises).',
    resolve: 'Strategies are synchronous functions of the bars: remove the named API.',
    httpStatus: 422,
  },
  STRATEGY_SANDBOX_VIOLATION: {
    meaning: 'The strategy tried to change a frozen built-in or API object.',
    resolve: 'Do not modify built-in prototypes or the ctx object; keep your own state in ctx.state.',
    httpStatus: 422,
  },
  STRATEGY_SANDBOX_FAILED: {
    meaning:
      "The sandbox failed for a reason of its own, not the strategy's code. Users see a fixed text; the fault is in the server log in full.",
    resolve:
      'Retry; if it persists, report it with the run id. Operators: the log line "sandbox fault" says why.',
    httpStatus: 500,
  },
  STRATEGY_SANDBOX_SETUP_FAILED: {
    meaning:
      "The sandbox could not set up the isolate's realm for the strategy (a fault of the platform, not of the code: none of it ran). The backtest, compile or live start is refused at once; the sandbox process stays and serves on.",
    resolve:
      'Retry later; if it persists, report it. Operators: the log line "sandbox realm set-up failed" says why.',
    httpStatus: 503,
  },
  STRATEGY_NOT_FOUND: {
    meaning: 'No such strategy or version for this user.',
    resolve: 'Check the id; strategies of other users are not visible.',
    httpStatus: 404,
  },
  STRATEGY_KEY_UNKNOWN: {
    meaning: 'A stored version is encrypted with a key id that is not configured.',
    resolve: 'Add the old key back under strategy.codeKeys so old versions stay readable.',
    httpStatus: 500,
  },
  STRATEGY_CODE_KEY_PUBLIC: {
    meaning:
      'The current strategy code key is the built-in development key, which anyone can read in the source: refused on PostgreSQL (several processes, real users).',
    resolve:
      'Set strategy.codeKeys to a new id → base64 of 32 random bytes (the same on every strategy process) and strategy.currentKeyId to that id; keep `dev` in codeKeys until old versions are re-sealed.',
    httpStatus: 500,
  },
  STRATEGY_CODE_CORRUPT: {
    meaning: 'A stored version failed authentication when decrypted (wrong key or tampered data).',
    resolve: 'Restore the key or the row from backup.',
    httpStatus: 500,
  },
  STRATEGY_NO_DATA: {
    meaning: 'The requested range has no candles for a feed.',
    resolve:
      "Download the range first — `tickline market download --symbol S --interval I --venue binance --from … --to …` (details.download is the exact command) or the dashboard's Markets → Get history, open to any signed-in user — or pick a range with data.",
    httpStatus: 422,
  },
  STRATEGY_QUOTA_EXCEEDED: {
    meaning:
      "The user's tier allows no more of this (backtests per day, concurrent backtests, stored strategies).",
    resolve:
      'Wait for running backtests or the next day, delete strategies, or move to a larger tier; details name the quota.',
    httpStatus: 429,
  },
  STRATEGY_RUN_CANCELLED: {
    meaning: 'The backtest was cancelled before it finished.',
    resolve: 'Start it again if it is still wanted.',
    httpStatus: 409,
  },
});

/** One of the strategy package's error codes. */
export type StrategyErrorCode = keyof typeof StrategyErrorCodes;
