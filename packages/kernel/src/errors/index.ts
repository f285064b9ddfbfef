/** @module Errors: the base class, the catalogue and the kernel's own codes. */
export { TicklineError, isTicklineError, errorGuard } from './tickline-error.ts';
export type { TicklineErrorOptions } from './tickline-error.ts';
export { defineErrorCodes, describeErrorCode, isUnavailableError, listErrorCodes } from './catalogue.ts';
export type { ErrorDescription, ErrorCatalogue } from './catalogue.ts';
export { clientView, isStoreCode, type ClientView } from './client-view.ts';
export * from './kernel-errors.ts';
export {
  KernelErrorCodes,
  EventMalformedError,
  EventVersionUnsupportedError,
  EventUnknownTypeError,
  EventInvalidError,
  ConfigInvalidError,
  isEventMalformedError,
  isEventVersionUnsupportedError,
  isEventUnknownTypeError,
  isEventInvalidError,
  isConfigInvalidError,
  isEventDecodeError,
} from './kernel-errors.ts';
export type { KernelErrorCode } from './kernel-errors.ts';
