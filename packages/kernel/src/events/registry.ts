/** @module The registry of event types: each (type, version) has a zod schema for its data. */
import type { z } from 'zod';
import { EventInvalidError, EventUnknownTypeError, TicklineError } from '../errors/index.ts';
import { canonicalDataschema, dataschemaFor } from './envelope.ts';

/** A registered event type. */
export interface EventDefinition<TData = unknown> {
  readonly type: string;
  readonly version: number;
  readonly dataschema: string;
  readonly description: string;
  readonly schema: z.ZodType<TData>;
}

/** Options for {@link defineEvent}. */
export interface DefineEventOptions<TData> {
  /** Dotted, past tense: `account.created`. */
  type: string;
  /** @default 1 */
  version?: number;
  /** One line for `docs/events.md`. */
  description: string;
  schema: z.ZodType<TData>;
}

/**
 * Declares an event type. Pure: register it in a {@link EventRegistry} to encode or decode it.
 * @example
 * const AccountCreated = defineEvent({ type: 'account.created', description: '…', schema: z.object({ email: z.string() }) });
 */
export function defineEvent<TData>(options: DefineEventOptions<TData>): EventDefinition<TData> {
  const version = options.version ?? 1;
  return Object.freeze({
    type: options.type,
    version,
    dataschema: dataschemaFor(options.type, version),
    description: options.description,
    schema: options.schema,
  });
}

/** The set of event types a process understands. */
export class EventRegistry {
  readonly #bySchema = new Map<string, EventDefinition>();
  readonly #latest = new Map<string, EventDefinition>();

  constructor(definitions: Iterable<EventDefinition<any>> = []) {
    for (const d of definitions) this.register(d);
  }

  /** Adds a definition; registering the same one twice is harmless. */
  register(definition: EventDefinition<any>): this {
    const existing = this.#bySchema.get(definition.dataschema);
    if (existing && existing.schema !== definition.schema) {
      throw new TicklineError(
        'KERNEL_EVENT_TYPE_CONFLICT',
        `event ${definition.dataschema} is already registered with another schema`,
        { details: { dataschema: definition.dataschema } },
      );
    }
    this.#bySchema.set(definition.dataschema, definition);
    const latest = this.#latest.get(definition.type);
    if (!latest || latest.version < definition.version) this.#latest.set(definition.type, definition);
    return this;
  }

  /** The definition for a schema reference, or undefined. */
  bySchema(dataschema: string): EventDefinition | undefined {
    return this.#bySchema.get(canonicalDataschema(dataschema));
  }

  /** The newest version of a type, or undefined. */
  latest(type: string): EventDefinition | undefined {
    return this.#latest.get(type);
  }

  /** Every registered definition, sorted by type then version. */
  list(): EventDefinition[] {
    return [...this.#bySchema.values()].sort((a, b) =>
      a.type === b.type ? a.version - b.version : a.type < b.type ? -1 : 1,
    );
  }

  /**
   * Validates `data` against the schema named by `dataschema` and returns the parsed value.
   * @throws EventUnknownTypeError when the schema is not registered.
   * @throws EventInvalidError when the data does not match.
   */
  validate(type: string, dataschema: string, data: unknown): unknown {
    const definition = this.#bySchema.get(canonicalDataschema(dataschema));
    if (!definition || definition.type !== type) throw new EventUnknownTypeError(type, dataschema);
    const result = definition.schema.safeParse(data);
    if (!result.success) {
      throw new EventInvalidError(
        type,
        result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    return result.data;
  }
}
