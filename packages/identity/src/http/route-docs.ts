/** @module What identity's route schemas share: the security schemes and a "no content" body. */
import { z } from 'zod';

/** Routes that need credentials: a bearer access token or an API key. */
export const CREDENTIALS: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];
/** The body of a 204 answer. */
export const NoContent = z.null().describe('No content');
