/**
 * @module A resident sandbox process that never reports ready: a start that hangs (a broken
 * bundle, a machine too busy to start it in time). The supervisor's start deadline must end it.
 */
setInterval(() => {}, 1_000);
