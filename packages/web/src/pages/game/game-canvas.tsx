/**
 * @module The playfield: a canvas redrawn every animation frame around the local player — grid,
 * zone edge, other players (interpolated), the local player where prediction puts it and, faintly,
 * where the server last confirmed it. Arrow keys or WASD move it while the canvas has focus, which
 * it takes on join.
 */
import type { GameClient } from '@tickline/client/game';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { STEER_KEYS } from './steer-keys.ts';

/** Moves per second while a key is held: under the zone's command budget (15 per second by default). */
const MOVE_RATE_HZ = 10;
/**
 * Units per server tick: under the zone's default limit (0.5). The server checks distance against
 * the ticks between two moves' stamps, so each step is sized by the ticks since the last stamp —
 * a timer that fires late or early never asks for more than the elapsed ticks allow.
 */
const SPEED_UNITS_PER_TICK = 0.45;
/** The zone measures at most this many ticks since the last move (its `maxMoveTicks`). */
const MAX_STEP_TICKS = 10;
const PIXELS_PER_UNIT = 8;
const GRID_UNITS = 10;

/** Positions shown beside the canvas (and read by the browser tests). */
export interface Positions {
  x: number;
  y: number;
  others: number;
  tick: number;
}

export function GameCanvas({
  game,
  onFrame,
}: {
  game: GameClient;
  onFrame: (positions: Positions) => void;
}): ReactNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  const held = useRef(new Set<string>());
  const [focused, setFocused] = useState(false);
  const onFrameRef = useRef(onFrame);
  onFrameRef.current = onFrame;

  // Focus on join: the arrow keys should move the player at once, without a click on the canvas.
  useEffect(() => {
    canvas.current?.focus();
  }, [game]);

  // Movement: one command per period while keys are held, diagonal normalised.
  useEffect(() => {
    const timer = setInterval(() => {
      let dx = 0;
      let dy = 0;
      for (const key of held.current) {
        const [x, y] = STEER_KEYS[key] ?? [0, 0];
        dx += x;
        dy += y;
      }
      const length = Math.hypot(dx, dy);
      const ticks = Math.min(game.serverTick - game.lastMoveTick, MAX_STEP_TICKS);
      if (length === 0 || ticks < 1) return;
      const step = ticks * SPEED_UNITS_PER_TICK;
      game.move((dx / length) * step, (dy / length) * step);
    }, 1000 / MOVE_RATE_HZ);
    return () => clearInterval(timer);
  }, [game]);

  useEffect(() => {
    let frame = 0;
    const draw = () => {
      frame = requestAnimationFrame(draw);
      const element = canvas.current;
      const context = element?.getContext('2d');
      if (!element || !context) return;
      const ratio = window.devicePixelRatio || 1;
      const width = element.clientWidth;
      const height = element.clientHeight;
      if (element.width !== Math.round(width * ratio)) element.width = Math.round(width * ratio);
      if (element.height !== Math.round(height * ratio)) element.height = Math.round(height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      const me = game.position;
      const others = game.others();
      const welcome = game.welcome;
      const toScreen = (x: number, y: number): [number, number] => [
        width / 2 + (x - me.x) * PIXELS_PER_UNIT,
        height / 2 + (y - me.y) * PIXELS_PER_UNIT,
      ];
      context.fillStyle = '#0e151e';
      context.fillRect(0, 0, width, height);
      // Grid lines every GRID_UNITS world units.
      context.strokeStyle = '#1b2633';
      context.lineWidth = 1;
      const left = me.x - width / 2 / PIXELS_PER_UNIT;
      const top = me.y - height / 2 / PIXELS_PER_UNIT;
      for (
        let gx = Math.ceil(left / GRID_UNITS) * GRID_UNITS;
        gx < left + width / PIXELS_PER_UNIT;
        gx += GRID_UNITS
      ) {
        const [sx] = toScreen(gx, 0);
        context.beginPath();
        context.moveTo(sx, 0);
        context.lineTo(sx, height);
        context.stroke();
      }
      for (
        let gy = Math.ceil(top / GRID_UNITS) * GRID_UNITS;
        gy < top + height / PIXELS_PER_UNIT;
        gy += GRID_UNITS
      ) {
        const [, sy] = toScreen(0, gy);
        context.beginPath();
        context.moveTo(0, sy);
        context.lineTo(width, sy);
        context.stroke();
      }
      if (welcome) {
        const [x0, y0] = toScreen(0, 0);
        context.strokeStyle = '#f43f5e';
        context.lineWidth = 2;
        context.strokeRect(x0, y0, welcome.width * PIXELS_PER_UNIT, welcome.height * PIXELS_PER_UNIT);
      }
      for (const other of others) {
        const [sx, sy] = toScreen(other.x, other.y);
        dot(context, sx, sy, 7, '#f59e0b');
      }
      const confirmed = game.prediction.authoritative;
      const [cx, cy] = toScreen(confirmed.x, confirmed.y);
      dot(context, cx, cy, 9, 'rgba(56, 189, 248, 0.25)');
      dot(context, width / 2, height / 2, 8, '#38bdf8');
      onFrameRef.current({ x: me.x, y: me.y, others: others.length, tick: game.serverTick });
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [game]);

  return (
    <canvas
      ref={canvas}
      className={focused ? 'playfield playfield-focused' : 'playfield'}
      tabIndex={0}
      aria-label="Playfield. Hold the arrow keys or W A S D to move."
      data-testid="playfield"
      onFocus={() => setFocused(true)}
      onBlur={() => {
        setFocused(false);
        held.current.clear();
      }}
      onKeyDown={(event) => {
        const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
        if (!(key in STEER_KEYS)) return;
        event.preventDefault();
        held.current.add(key);
      }}
      onKeyUp={(event) => held.current.delete(event.key.length === 1 ? event.key.toLowerCase() : event.key)}
    />
  );
}

function dot(context: CanvasRenderingContext2D, x: number, y: number, radius: number, color: string): void {
  context.beginPath();
  context.arc(x, y, radius, 0, Math.PI * 2);
  context.fillStyle = color;
  context.fill();
}
