/**
 * @module GraphQL over HTTP (`POST /api/v1/graphql`) with the client's credentials, typed by the
 * schema's generated types (generated/): a document carries the type of its answer and of
 * its variables, written once beside the query. A field the server refused comes back in `errors`
 * with its code, the rest of the answer stands; a refusal of the whole operation (a limit, the
 * rate limit, an invalid document) rejects with a {@link TicklineApiError} of that code.
 *
 * @example
 * const Dashboard = graphqlDocument<
 *   { portfolio: (Pick<GqlPortfolio, 'id' | 'cash'> & { positions: Pick<GqlPosition, 'symbol'>[] }) | null },
 *   GqlQueryPortfolioArgs
 * >('query($id: ID!) { portfolio(id: $id) { id cash positions { symbol } } }');
 * const portfolio = (await client.graphql.data(Dashboard, { id })).portfolio;
 */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import { TicklineApiError } from '../errors.ts';
import type { HttpClient } from '../http/http-client.ts';
import type { ClientPaths } from '../http/routes.ts';

/** A query or mutation with the types of its answer (`TData`) and variables. */
export interface GraphqlDocument<TData, TVariables> {
  readonly query: string;
  /** Never set: carries the types. */
  readonly types?: { data: TData; variables: TVariables };
}

/** Types `query` (see the module example). */
export function graphqlDocument<TData, TVariables = Record<string, never>>(
  query: string,
): GraphqlDocument<TData, TVariables> {
  return { query };
}

/** A field the server refused, with the code REST would answer (docs/errors.md). */
export interface GraphqlFieldError {
  code: string;
  message: string;
  /** Where in the answer: the refused field's path. */
  path: ReadonlyArray<string | number>;
  details?: unknown;
}

/** The answer: the data (refused fields null) and why each refused field was. */
export interface GraphqlResult<TData> {
  data: TData;
  errors: GraphqlFieldError[];
}

export interface GraphqlApi {
  /** Runs the document; resolves the data with the refused fields' errors. */
  request<TData, TVariables>(
    document: GraphqlDocument<TData, TVariables>,
    variables?: TVariables,
  ): Promise<GraphqlResult<TData>>;
  /** Runs the document; resolves the data, or rejects with the first refused field's code. */
  data<TData, TVariables>(
    document: GraphqlDocument<TData, TVariables>,
    variables?: TVariables,
  ): Promise<TData>;
}

interface WireError {
  message?: string;
  path?: Array<string | number>;
  extensions?: { code?: string; details?: unknown };
}

const fieldError = (e: WireError): GraphqlFieldError => ({
  code: e.extensions?.code ?? 'GRAPHQL_INVALID_QUERY',
  message: e.message ?? 'refused',
  path: e.path ?? [],
  ...(e.extensions?.details === undefined ? {} : { details: e.extensions.details }),
});

/**
 * `send` carries the client's API key or session; without either (public fields such as markets)
 * the call goes out anonymous through `http`.
 */
export function createGraphqlApi(send: AuthorizedSend, http: HttpClient, paths: ClientPaths): GraphqlApi {
  async function post(body: unknown): Promise<{ data?: unknown; errors?: WireError[] }> {
    const request = { method: 'POST' as const, path: paths.graphql, body };
    try {
      return await send(request);
    } catch (error) {
      if (error instanceof TicklineApiError && error.code === 'CLIENT_NOT_SIGNED_IN')
        return http.send(request);
      throw error;
    }
  }

  async function request<TData, TVariables>(
    document: GraphqlDocument<TData, TVariables>,
    variables?: TVariables,
  ): Promise<GraphqlResult<TData>> {
    const answer = await post({ query: document.query, ...(variables === undefined ? {} : { variables }) });
    const errors = (answer.errors ?? []).map(fieldError);
    // Nothing ran: the operation itself was refused (a 200 can still say so).
    if (answer.data === null || answer.data === undefined) {
      const first = errors[0] ?? fieldError({ message: 'no data in the answer' });
      throw new TicklineApiError(first.code, first.message, {
        ...(first.details === undefined ? {} : { details: { cause: first.details } }),
      });
    }
    return { data: answer.data as TData, errors };
  }

  return {
    request,
    async data(document, variables) {
      const { data, errors } = await request(document, variables);
      const first = errors[0];
      if (first)
        throw new TicklineApiError(first.code, first.message, {
          details: { path: first.path, cause: first.details },
        });
      return data;
    },
  };
}
