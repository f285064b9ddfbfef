/** @module The error catalogue: every stable code, what it means and how to resolve it. */

/** One entry of the catalogue; `docs/errors.md` is checked against these. */
export interface ErrorDescription {
  /** What went wrong, in one sentence. */
  meaning: string;
  /** What the operator or caller should do about it. */
  resolve: string;
  /** HTTP status used when this error reaches the gateway. */
  httpStatus: number;
}

export type ErrorCatalogue = Readonly<Record<string, ErrorDescription>>;

const catalogues: ErrorCatalogue[] = [];
const byCode = new Map<string, ErrorDescription>();

/**
 * Declares a package's codes. Each package calls this once, at module load, with a literal
 * object; the returned object is the same value, typed so codes autocomplete.
 */
export function defineErrorCodes<const T extends ErrorCatalogue>(catalogue: T): T {
  catalogues.push(catalogue);
  for (const [code, description] of Object.entries(catalogue)) byCode.set(code, description);
  return catalogue;
}

/** Every code declared so far (by the packages that have been imported). */
export function listErrorCodes(): Array<ErrorDescription & { code: string }> {
  return catalogues.flatMap((c) => Object.entries(c).map(([code, d]) => ({ code, ...d })));
}

/** The catalogue entry of `code`, if a loaded package declared it. */
export function describeErrorCode(code: string): ErrorDescription | undefined {
  return byCode.get(code);
}

/**
 * True when `error` says a dependency is unavailable for now (its code answers 503: a database
 * restarting, the event log unreachable): waiting and trying again is the fix, not giving up.
 */
export function isUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && byCode.get(code)?.httpStatus === 503;
}
