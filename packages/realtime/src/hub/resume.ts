/**
 * @module Resume planning: given a client's last event id and the channels it subscribes to,
 * which held messages to replay (merged in hub order) and which channels have a gap the history
 * cannot fill (an explicit reset, never a silent hole).
 *
 * The id is looked up in the channels' histories first: found, everything after its hub position
 * is replayed exactly. Not found (it came from a channel no longer requested, or another gateway),
 * ids are UUIDv7 and sort by time, so the messages with a later id are replayed, provided the
 * channel has dropped nothing newer than the id.
 */
import { isUuid } from '@tickline/kernel';
import type { ChannelHistory } from './channel-history.ts';
import type { HubMessage } from './hub-message.ts';

/** What a subscribe with resume produces. */
export interface ResumePlan {
  /** A last event id was given. */
  resumed: boolean;
  /** Every channel could be filled from history (false when nothing was asked). */
  recovered: boolean;
  /** Channels whose gap is older than their history: the client must reload their state. */
  resetChannels: string[];
  /** Messages to send before live ones, in publish order. */
  replay: HubMessage[];
  /**
   * An id that is safe for the client to resume from next time: its own last id when resuming,
   * otherwise the newest id the requested channels hold (or a fresh one when they hold none).
   */
  position: string;
}

interface ChannelView {
  name: string;
  history: ChannelHistory;
}

export function planResume(
  channels: readonly ChannelView[],
  lastEventId: string | undefined,
  freshPosition: () => string,
): ResumePlan {
  if (lastEventId === undefined || lastEventId === '') {
    let newest: string | undefined;
    for (const channel of channels) {
      const id = channel.history.newest()?.id;
      if (id !== undefined && (newest === undefined || id > newest)) newest = id;
    }
    return {
      resumed: false,
      recovered: false,
      resetChannels: [],
      replay: [],
      position: newest ?? freshPosition(),
    };
  }
  const seq = findSeq(channels, lastEventId);
  const comparable = seq !== undefined || isUuid(lastEventId);
  const resetChannels: string[] = [];
  const replay: HubMessage[] = [];
  for (const channel of channels) {
    if (!comparable || channel.history.floorId > lastEventId) {
      resetChannels.push(channel.name);
      continue;
    }
    replay.push(
      ...(seq !== undefined ? channel.history.afterSeq(seq) : channel.history.afterId(lastEventId)),
    );
  }
  if (channels.length > 1) replay.sort((a, b) => a.seq - b.seq);
  return {
    resumed: true,
    recovered: resetChannels.length === 0,
    resetChannels,
    replay,
    position: lastEventId,
  };
}

function findSeq(channels: readonly ChannelView[], id: string): number | undefined {
  for (const channel of channels) {
    const message = channel.history.get(id);
    if (message !== undefined) return message.seq;
  }
  return undefined;
}
