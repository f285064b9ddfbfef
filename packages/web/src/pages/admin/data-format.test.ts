import { describe, expect, it } from 'vitest';
import { describeSchedule, formatBytes, formatSaved, savedPercent } from './data-format.ts';

describe('operations - data section words', () => {
  it('a backup schedule reads in words for the common shapes, else as the exact expression', () => {
    expect(describeSchedule(null)).toBe('No schedule');
    expect(describeSchedule('0 3 * * *')).toBe('daily at 03:00 UTC');
    expect(describeSchedule('30 2 * * 0')).toBe('every Sunday at 02:30 UTC');
    expect(describeSchedule('15 4 1 * *')).toBe('monthly on day 1 at 04:15 UTC');
    expect(describeSchedule('5 * * * *')).toBe('hourly at minute 5');
    expect(describeSchedule('0 */6 * * *')).toBe('every 6 hours at minute 0');
    expect(describeSchedule('*/15 * * * *')).toBe('every 15 minutes');
    expect(describeSchedule('*/1 * * * *')).toBe('every minute');
    // Six fields: seconds first.
    expect(describeSchedule('*/2 * * * * *')).toBe('every 2 seconds');
    expect(describeSchedule('0 0 3 * * *')).toBe('daily at 03:00 UTC');
    expect(describeSchedule('10 0 3 * * *')).toBe('cron “10 0 3 * * *” (UTC)');
    expect(describeSchedule('0 3 * 1 *')).toBe('cron “0 3 * 1 *” (UTC)');
    expect(describeSchedule('0 3,15 * * 1-5')).toBe('cron “0 3,15 * * 1-5” (UTC)');
  });

  it('sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('the saving is the share of the SQL bytes the files did not take; nothing in SQL has none', () => {
    expect(savedPercent(1000, 66)).toBeCloseTo(93.4);
    expect(formatSaved(1000, 66)).toBe('93.4 %');
    expect(formatSaved(100, 120)).toBe('-20.0 %');
    expect(savedPercent(0, 0)).toBeNull();
    expect(formatSaved(0, 0)).toBe('—');
  });
});
