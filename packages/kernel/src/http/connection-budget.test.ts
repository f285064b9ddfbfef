import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConnectionBudget } from './connection-budget.ts';

describe('connection budget', () => {
  it('budget - counts sockets of every listener until they close; past max, nothing is counted', () => {
    const budget = new ConnectionBudget(2);
    const [a, b, c] = [new EventEmitter(), new EventEmitter(), new EventEmitter()];
    expect([budget.take(a), budget.take(b)]).toEqual([true, true]);
    expect(budget.spent).toBe(true);
    expect(budget.take(c)).toBe(false);
    expect(budget.open).toBe(2);
    a.emit('close');
    expect([budget.spent, budget.open]).toEqual([false, 1]);
    expect(budget.take(c)).toBe(true);
  });

  it('budget - without a known limit every connection is taken', () => {
    const budget = new ConnectionBudget(undefined);
    for (let i = 0; i < 5; i++) expect(budget.take(new EventEmitter())).toBe(true);
    expect([budget.spent, budget.open]).toEqual([false, 5]);
  });

  it('budget - a connection held by its owner counts until let go, with no listener of the budget', () => {
    const budget = new ConnectionBudget(1);
    expect([budget.hold(), budget.hold(), budget.open]).toEqual([true, false, 1]);
    budget.letGo();
    expect([budget.spent, budget.open]).toEqual([false, 0]);
  });
});
