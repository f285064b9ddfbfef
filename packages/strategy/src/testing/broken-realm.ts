/**
 * @module A realm set-up that throws, for tests: run before `harden` (engine-entries.ts
 * `setBeforeHarden`), it makes a global `harden` replaces unchangeable, so hardening throws
 * "Cannot redefine property" as it did for V8's `gc` made a getter.
 */
export const BROKEN_REALM_SCRIPT =
  "Object.defineProperty(globalThis, 'eval', { value: undefined, writable: false, configurable: false });";
