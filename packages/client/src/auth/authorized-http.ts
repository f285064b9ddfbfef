/**
 * @module Authenticated requests: the API key when the client has one, else the session's access
 * token, refreshed ahead of expiry and once more when the server still answers 401.
 */
import { TicklineApiError, isUnauthenticatedError } from '../errors.ts';
import type { HttpClient, HttpRequest } from '../http/http-client.ts';
import type { Session } from './session.ts';

/** Sends a request with credentials. */
export type AuthorizedSend = <T>(request: HttpRequest) => Promise<T>;

export function createAuthorizedSend(
  http: HttpClient,
  session: Session,
  apiKey: string | undefined,
): AuthorizedSend {
  const withBearer = (request: HttpRequest, token: string): HttpRequest => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${token}` },
  });

  return async function authorizedSend<T>(request: HttpRequest): Promise<T> {
    if (apiKey !== undefined)
      return http.send<T>({ ...request, headers: { ...request.headers, 'x-api-key': apiKey } });
    const token = await session.accessToken();
    if (token === null)
      throw new TicklineApiError('CLIENT_NOT_SIGNED_IN', `${request.method} ${request.path} needs a session`);
    try {
      return await http.send<T>(withBearer(request, token));
    } catch (error) {
      // The token may have been revoked or the clocks disagree: one refresh, one retry, no loop.
      if (!isUnauthenticatedError(error) || session.refreshToken === null) throw error;
      const renewed = await session.renewAfterRejection(token);
      return http.send<T>(withBearer(request, renewed));
    }
  };
}
