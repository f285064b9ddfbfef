/**
 * @module @tickline/game — server-authoritative zones: a pure simulation step on a fixed tick,
 * command validation, interest management, and the MessagePack wire protocol.
 */
export {};
