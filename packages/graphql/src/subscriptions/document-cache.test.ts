import { describe, expect, it } from 'vitest';
import type { DocumentNode } from 'graphql';
import { cachedDocuments } from './document-cache.ts';

const A = 'subscription { ticker(symbol: "A") { eventId } }';
const B = 'subscription { ticker(symbol: "B") { eventId } }';
const C = 'subscription { ticker(symbol: "C") { eventId } }';

describe('subscription documents - parsed and checked once per text', () => {
  it('same text - one document object, checked once', () => {
    const checked: DocumentNode[] = [];
    const documentOf = cachedDocuments((d) => void checked.push(d));
    const first = documentOf(A);
    expect(documentOf(A)).toBe(first);
    expect(checked).toEqual([first]);
  });

  it('a refused document is not kept: the next send is checked again', () => {
    let calls = 0;
    const documentOf = cachedDocuments(() => {
      calls++;
      throw new Error('over the limits');
    });
    expect(() => documentOf(A)).toThrow('over the limits');
    expect(() => documentOf(A)).toThrow('over the limits');
    expect(calls).toBe(2);
  });

  it('a syntax error is GRAPHQL_INVALID_QUERY', () => {
    const documentOf = cachedDocuments(() => {});
    expect(() => documentOf('subscription {')).toThrow(
      expect.objectContaining({ extensions: { code: 'GRAPHQL_INVALID_QUERY' } }),
    );
  });

  it('bounded - past its size the least recently used text is parsed again', () => {
    const documentOf = cachedDocuments(() => {}, 2);
    const a = documentOf(A);
    documentOf(B);
    expect(documentOf(A)).toBe(a); // A is now the newest
    documentOf(C); // evicts B
    expect(documentOf(A)).toBe(a);
    const b = documentOf(B);
    expect(documentOf(B)).toBe(b);
    expect(documentOf(C)).not.toBe(undefined);
  });
});
