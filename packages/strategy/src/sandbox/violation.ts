/** @module How V8 words a write to a frozen object (used inside and outside the isolate). */

/** Matches TypeError messages for writes to frozen or non-extensible objects. */
export const VIOLATION =
  /read[- ]only|not extensible|Cannot (?:add|redefine|delete|assign|define)|object is frozen/i;
