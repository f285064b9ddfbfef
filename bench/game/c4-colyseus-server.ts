/**
 * @module The turn-based row's Colyseus peer: Connect Four written with Colyseus 0.18's own `Room`
 * API (`onCreate`/`onJoin`/`onMessage`, a schema state) as a Colyseus developer would — rooms of
 * two, turns, a win or a draw, a rematch — the same rules as Tickline's built-in game (the board
 * rule is shared). State patches at the bench's 20 Hz, as Tickline's rooms tick. A child of
 * run.ts, pinned to its own core.
 */
import { Room, Server, type Client } from '@colyseus/core';
import { schema, t } from '@colyseus/schema';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { CONNECT_FOUR_COLUMNS as COLUMNS, CONNECT_FOUR_ROWS as ROWS, connectFourWinsAt } from '@tickline/game/internal';
import { RULES, seededRandom } from './rules.ts';
import { ServerProbe } from './server-probe.ts';

const Seat = schema({ seat: t.uint8(), rematch: t.boolean(), wins: t.uint32() }, 'Seat');
const Board = schema(
  {
    board: t.array('uint8'),
    status: t.string(),
    turn: t.uint8(),
    winner: t.uint8(),
    moves: t.uint8(),
    round: t.uint32(),
    starter: t.uint8(),
    players: t.map(Seat),
  },
  'Board',
);
type BoardState = InstanceType<typeof Board>;

const probe = new ServerProbe();
const random = seededRandom(7);

function startRound(s: BoardState, starter: number): void {
  s.board.clear();
  for (let i = 0; i < COLUMNS * ROWS; i++) s.board.push(0);
  s.status = 'playing';
  s.turn = s.starter = starter;
  s.winner = 0;
  s.moves = 0;
  s.round += 1;
  s.players.forEach((p) => (p.rematch = false));
}

class ConnectFourRoom extends Room {
  override maxClients = 2;
  override state = new Board();

  override onCreate(): void {
    this.patchRate = RULES.tickMs;
    this.state.status = 'waiting';
    for (let i = 0; i < COLUMNS * ROWS; i++) this.state.board.push(0);
    this.onMessage('drop', (client: Client, column: unknown) => this.#drop(client, column));
    this.onMessage('rematch', (client: Client) => this.#rematch(client));
  }

  override onJoin(client: Client): void {
    const taken = [...this.state.players.values()].some((p) => p.seat === 1);
    const seat = new Seat();
    seat.seat = taken ? 2 : 1;
    seat.rematch = false;
    seat.wins = 0;
    this.state.players.set(client.sessionId, seat);
    if (this.state.players.size === 2) startRound(this.state, random() < 0.5 ? 1 : 2);
  }

  override onLeave(client: Client): void {
    const me = this.state.players.get(client.sessionId);
    this.state.players.delete(client.sessionId);
    if (!me || this.state.status !== 'playing') return;
    this.state.status = 'won';
    this.state.turn = 0;
    this.state.winner = 3 - me.seat;
    this.state.players.forEach((p) => (p.wins += 1));
  }

  #rematch(client: Client): void {
    const s = this.state;
    const me = s.players.get(client.sessionId);
    if (!me || (s.status !== 'won' && s.status !== 'draw')) return probe.moves(0, 1);
    me.rematch = true;
    if (s.players.size === 2 && [...s.players.values()].every((p) => p.rematch)) startRound(s, 3 - s.starter);
    probe.moves(1, 0);
  }

  #drop(client: Client, column: unknown): void {
    const s = this.state;
    const me = s.players.get(client.sessionId);
    if (!me || !Number.isInteger(column) || (column as number) < 0 || (column as number) >= COLUMNS) return probe.moves(0, 1);
    if (s.status !== 'playing' || s.turn !== me.seat) return probe.moves(0, 1);
    const c = column as number;
    let row = 0;
    while (row < ROWS && s.board[row * COLUMNS + c] !== 0) row++;
    if (row === ROWS) return probe.moves(0, 1);
    s.board[row * COLUMNS + c] = me.seat;
    s.moves += 1;
    if (connectFourWinsAt(s.board.toArray(), c, row)) {
      s.status = 'won';
      s.winner = me.seat;
      s.turn = 0;
      me.wins += 1;
    } else if (s.moves === COLUMNS * ROWS) {
      s.status = 'draw';
      s.turn = 0;
    } else s.turn = 3 - me.seat;
    probe.moves(1, 0);
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };
const server = new Server({ transport: new WebSocketTransport(), greet: false, logger: silent });
server.define('connect-four', ConnectFourRoom);
await server.listen(0, '127.0.0.1');
const address = (server.transport as unknown as { server: { address(): { port: number } } }).server.address();
probe.serve(() => server.gracefullyShutdown(false));
process.send!({ type: 'ready', port: address.port, extra: {} });
