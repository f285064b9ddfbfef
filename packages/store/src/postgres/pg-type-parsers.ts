/**
 * @module node-postgres type parsers bent to match PGlite (see `values/conversions.ts`): int8 as a
 * number unless unsafe, bytea as a plain Uint8Array, date/time types without a zone as text.
 * Passed per pool (`types`), never installed globally.
 */
import pg from 'pg';
import { keepText, parseInt8, TypeOid } from '../values/conversions.ts';

type Parser = (text: string) => unknown;

// pg's typings list only scalar type ids; the parsers exist for arrays too.
const builtinParser = pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => Parser;
const textArray = builtinParser(TypeOid.TextArray, 'text') as (text: string) => unknown[];
const bufferFromBytea = builtinParser(TypeOid.Bytea, 'text') as (text: string) => Buffer;

/** Applies `parse` to every non-null element of a (possibly nested) array of texts. */
function elements(parse: Parser): Parser {
  const map = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(map) : value === null ? null : parse(value as string);
  return (text) => map(textArray(text));
}

// Copy out of the Buffer: Buffer.from(hex) may view a shared pool slab.
const parseBytea: Parser = (text) => new Uint8Array(bufferFromBytea(text));

const overrides: Record<number, Parser> = {
  [TypeOid.Int8]: parseInt8,
  [TypeOid.Int8Array]: elements(parseInt8),
  [TypeOid.Bytea]: parseBytea,
  [TypeOid.ByteaArray]: elements(parseBytea),
  [TypeOid.Date]: keepText,
  [TypeOid.Timestamp]: keepText,
  [TypeOid.Time]: keepText,
  [TypeOid.Interval]: keepText,
  [TypeOid.DateArray]: textArray,
  [TypeOid.TimestampArray]: textArray,
  [TypeOid.TimeArray]: textArray,
  [TypeOid.IntervalArray]: textArray,
};

/** The `types` option of a pg Pool. */
export const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): Parser => {
    const kind = format ?? 'text';
    return (kind === 'text' ? overrides[oid] : undefined) ?? builtinParser(oid, kind);
  }) as pg.CustomTypesConfig['getTypeParser'],
};
