/**
 * @module A subscription document executed once per event for all its subscribers: the
 * subscriptions that sent the same operation (same text, fragments and variables) to the same
 * audience join one {@link SharedExecution}, which runs graphql-js `execute` on the first
 * subscriber's delivery of an event and hands every later one the same encoded `payload`; those
 * that also chose the same id share whole frames ({@link FramePrefix}). The audience is what the
 * resolvers read: a selection whose fields all resolve from the event itself (default resolvers,
 * `__typename`, the Subscription field's own view of the event) is executed with an empty context
 * and shared by every caller, since each subscriber received the event through its own channel
 * authorisation; a selection reaching a field with a resolver of its own (one that may read the
 * caller, its scopes, its loaders) is shared only within one connection, executed with that
 * connection's context, so no result computed with one caller's rights reaches another.
 */
import {
  execute,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
} from 'graphql';
import { FramePrefix } from './frame-prefix.ts';

/** Turns an execution result into what goes on the wire as `payload` (errors formatted). */
export type FormatResult = (result: ExecutionResult) => unknown;

/** What a subscribe resolver knows when it joins. */
export interface JoinOptions {
  /** The Subscription field's resolve info: schema, operation, fragments, coerced variables. */
  info: GraphQLResolveInfo;
  /** The subscriber's own context (Mercurius's), used only where the selection reads the caller. */
  context: object;
  /** The subscriber's connection: the audience of a selection that reads the caller. */
  connectionKey: string;
  format: FormatResult;
}

/** The source of one delivery: a hub message (shared by every subscriber) or a per-subscriber item. */
type Source = object;

/** The encoded tail of a `next` frame after its id: `,"payload":{…}}`. */
export type FrameBody = Buffer;

export class SharedExecution {
  readonly key: string;
  /** How many times the document ran (tests and the share's efficiency). */
  executions = 0;
  readonly #registry: SharedExecutions;
  readonly #document: DocumentNode;
  readonly #info: GraphQLResolveInfo;
  readonly #context: object;
  readonly #format: FormatResult;
  #subscribers = 0;
  readonly #prefixes = new Map<string, FramePrefix>();
  // The hub hands one message to every subscriber in turn: the last one is the whole cache.
  #lastSource: Source | undefined;
  #lastBody: FrameBody | Promise<FrameBody> | undefined;

  constructor(
    registry: SharedExecutions,
    key: string,
    document: DocumentNode,
    options: JoinOptions,
    callerFree: boolean,
  ) {
    this.#registry = registry;
    this.key = key;
    this.#document = document;
    this.#info = options.info;
    this.#context = callerFree ? {} : options.context;
    this.#format = options.format;
  }

  get subscribers(): number {
    return this.#subscribers;
  }

  /**
   * The frame body for `source`, executed on the first ask (with `rootOf(source)` as the root
   * value graphql-js's subscription execution gives the Subscription field) and shared after.
   * A promise when a resolver of the selection is asynchronous.
   */
  bodyOf(source: Source, rootOf: (source: Source) => unknown): FrameBody | Promise<FrameBody> {
    if (source === this.#lastSource && this.#lastBody !== undefined) return this.#lastBody;
    this.executions++;
    const result = execute({
      schema: this.#info.schema,
      document: this.#document,
      rootValue: rootOf(source),
      contextValue: this.#context,
      variableValues: this.#info.variableValues,
      operationName: this.#info.operation.name?.value,
    });
    const body = result instanceof Promise ? result.then((r) => this.#encode(r)) : this.#encode(result);
    this.#lastSource = source;
    this.#lastBody = body;
    return body;
  }

  /**
   * The frame prefix `bytes` (`{"type":"next","id":"…"`) held by one more subscriber of this
   * share: subscribers holding the same prefix get the same frame Buffer for each event. Each
   * holder calls `release()` on it when its subscription ends.
   */
  framing(bytes: Buffer): FramePrefix {
    const key = bytes.toString('latin1');
    let prefix = this.#prefixes.get(key);
    if (prefix === undefined) {
      prefix = new FramePrefix(this.#prefixes, key, bytes);
      this.#prefixes.set(key, prefix);
    }
    return prefix.held();
  }

  /** A subscriber left; the last one removes the share. */
  release(): void {
    if (--this.#subscribers === 0) this.#registry.remove(this);
  }

  /** @internal */
  joined(): void {
    this.#subscribers++;
  }

  #encode(result: ExecutionResult): FrameBody {
    return Buffer.from(`,"payload":${JSON.stringify(this.#format(result))}}`, 'utf8');
  }
}

/** The shares of one GraphQL endpoint, by document, variables and audience. */
export class SharedExecutions {
  readonly #byKey = new Map<string, SharedExecution>();

  /** The share of the subscription `options.info` describes, created by its first subscriber. */
  join(options: JoinOptions): SharedExecution {
    const document = documentOf(options.info);
    const callerFree = resolvesFromEvent(options.info, document);
    const key = [
      print(document),
      JSON.stringify(options.info.variableValues),
      callerFree ? '' : options.connectionKey,
    ].join('\u0000');
    let share = this.#byKey.get(key);
    if (share === undefined) {
      share = new SharedExecution(this, key, document, options, callerFree);
      this.#byKey.set(key, share);
    }
    share.joined();
    return share;
  }

  /** Shares in use. */
  get size(): number {
    return this.#byKey.size;
  }

  /** @internal */
  remove(share: SharedExecution): void {
    if (this.#byKey.get(share.key) === share) this.#byKey.delete(share.key);
  }
}

/** The executed operation alone, with the fragments it may spread. */
function documentOf(info: GraphQLResolveInfo): DocumentNode {
  const operation: OperationDefinitionNode = info.operation;
  return { kind: Kind.DOCUMENT, definitions: [operation, ...Object.values(info.fragments)] };
}

/**
 * Whether every field the operation selects resolves from the event alone: below the
 * Subscription field (whose resolver is the view of the event), only default resolvers and meta
 * fields, in the operation and in its fragments. A field with a resolver of its own may read the
 * caller.
 */
function resolvesFromEvent(info: GraphQLResolveInfo, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(info.schema);
  const root = info.schema.getSubscriptionType();
  let callerFree = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value.startsWith('__') || typeInfo.getParentType() === root) return;
        if (typeInfo.getFieldDef()?.resolve !== undefined) callerFree = false;
      },
    }),
  );
  return callerFree;
}
