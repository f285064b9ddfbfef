/**
 * @module A player walking in a zone over the real game WebSocket, for e2e tests: join, Hello,
 * then side-to-side moves, each sent after the previous one's ack (so every move is accepted).
 */
import { MessageType, TestGameClient } from '@tickline/game/internal';
import { callJson, type TestUser } from './api-clients.ts';

/**
 * Joins `zone` and makes `moves` moves; returns the client, still connected. `opened` gets the
 * client as soon as it exists, so a caller can close it even when the walk fails.
 */
export async function joinAndWalk(
  base: string,
  user: TestUser,
  moves: number,
  opened: (client: TestGameClient) => void = () => {},
  zone = 'north',
): Promise<TestGameClient> {
  const seat = await callJson(base, 'POST', '/api/v1/game/join', {
    body: { zone },
    bearer: user.accessToken,
  });
  if (seat.status !== 201) throw new Error(`join answered ${seat.status}: ${JSON.stringify(seat.body)}`);
  const client = await TestGameClient.ws(seat.body.ws);
  opened(client);
  client.send({ type: MessageType.Hello, token: seat.body.token });
  const welcome = await client.next(MessageType.Welcome);
  let { x, tick } = welcome;
  let seq = welcome.lastSeq;
  for (let i = 0; i < moves; i++) {
    seq += 1;
    x += i % 2 === 0 ? 0.3 : -0.3;
    client.send({ type: MessageType.Move, seq, tick, x, y: welcome.y });
    tick = (await client.nextAck((m) => m.seq === seq)).tick;
  }
  return client;
}
