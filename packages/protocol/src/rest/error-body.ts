/** @module The body of every error response of the HTTP API. */
import { z } from 'zod';

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('Stable, package-prefixed code (see docs/errors.md).'),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
/** `{ error: { code, message, details? } }`: branch on `code`, show `message`. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
