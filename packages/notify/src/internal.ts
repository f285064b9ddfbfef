/** @module @tickline/notify (being built). */
export {};
