/** The keys that steer a player (arrows and WASD) and the direction each adds, y pointing down. */
export const STEER_KEYS: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  w: [0, -1],
  s: [0, 1],
  a: [-1, 0],
  d: [1, 0],
});
