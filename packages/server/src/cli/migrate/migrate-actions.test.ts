import { describe, expect, it } from 'vitest';
import { formatStatus } from './migrate-actions.ts';

const at = new Date('2026-11-22T10:00:00.000Z');

describe('migrate - status text', () => {
  it('status - applied with time and duration, then pending and changed, aligned', () => {
    expect(
      formatStatus('/data/db (embedded PGlite)', {
        applied: [
          { id: '0001_event_infrastructure', checksum: 'a', appliedAt: at, durationMs: 7 },
          { id: '0002_identity', checksum: 'b', appliedAt: at, durationMs: 34 },
        ],
        pending: ['0003_account_snapshots'],
        changed: ['0002_identity'],
        unknown: [],
      }),
    ).toBe(
      [
        'database    /data/db (embedded PGlite)',
        'applied     0001_event_infrastructure  2026-11-22T10:00:00.000Z  7 ms',
        '            0002_identity              2026-11-22T10:00:00.000Z  34 ms  CHANGED since applied',
        'pending     0003_account_snapshots',
        'changed     0002_identity',
        '',
      ].join('\n'),
    );
  });

  it('status - nothing anywhere says none; migrations only the database knows are listed as unknown', () => {
    expect(formatStatus('db', { applied: [], pending: [], changed: [], unknown: ['0009_future'] })).toBe(
      'database    db\napplied     none\npending     none\nchanged     none\nunknown     0009_future\n',
    );
  });
});
