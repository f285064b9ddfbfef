import { describe, expect, it } from 'vitest';
import { defaultMemberName } from './member-name.ts';

describe('defaultMemberName', () => {
  it('is the host name alone when the log admits one process, whatever the port', () => {
    expect(defaultMemberName({ host: 'vm', port: 8080, pid: 7, soleProcess: true })).toBe('vm');
    expect(defaultMemberName({ host: 'vm', port: 8091, pid: 9, soleProcess: true })).toBe('vm');
  });

  it('adds the port on a shared log, so processes on one host differ', () => {
    expect(defaultMemberName({ host: 'vm', port: 8080, pid: 7 })).toBe('vm-8080');
  });

  it('falls back to the process id without a fixed port', () => {
    expect(defaultMemberName({ host: 'vm', port: 0, pid: 7 })).toBe('vm-pid7');
    expect(defaultMemberName({ host: 'vm', pid: 7 })).toBe('vm-pid7');
  });
});
