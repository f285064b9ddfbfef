/** @module @tickline/protocol (being built). */
export {};
