/** @module @tickline/strategy (being built). */
export {};
