/**
 * @module The kill switch of a portfolio: two independent hands on it, the owner's and an
 * admin's. While either is engaged every new order is rejected (`kill_switch`), the open orders
 * are to be cancelled and the portfolio's strategies paused. The owner can release only their own
 * engagement; an admin's holds until an admin releases it, so a user cannot undo a stop an
 * operator put on their account.
 */
import { isFinalStatus, type Order } from '../broker/order.ts';

export const KillSwitchActor = { User: 'user', Admin: 'admin' } as const;
export type KillSwitchActor = (typeof KillSwitchActor)[keyof typeof KillSwitchActor];

/** One hand on the switch. */
export interface KillSwitchEngagement {
  /** The user id of who pulled it. */
  by: string;
  /** Epoch ms. */
  at: number;
  reason: string;
}

/** Both hands; absent means not engaged by that actor. */
export interface KillSwitchState {
  readonly user?: KillSwitchEngagement;
  readonly admin?: KillSwitchEngagement;
}

export const KILL_SWITCH_OFF: KillSwitchState = Object.freeze({});

/** True while either actor has the switch engaged. */
export function isKillSwitchEngaged(state: KillSwitchState): boolean {
  return state.user !== undefined || state.admin !== undefined;
}

/** The state after `actor` engages the switch (engaging again keeps the first engagement). */
export function engageKillSwitch(
  state: KillSwitchState,
  actor: KillSwitchActor,
  engagement: KillSwitchEngagement,
): KillSwitchState {
  if (state[actor] !== undefined) return state;
  return { ...state, [actor]: engagement };
}

/** The state after `actor` releases their own engagement; the other actor's stays. */
export function releaseKillSwitch(state: KillSwitchState, actor: KillSwitchActor): KillSwitchState {
  if (state[actor] === undefined) return state;
  const { [actor]: _released, ...rest } = state;
  return rest;
}

/** The open orders to cancel now: all working orders while engaged, none otherwise. */
export function ordersToCancel(state: KillSwitchState, orders: readonly Order[]): Order[] {
  if (!isKillSwitchEngaged(state)) return [];
  return orders.filter((o) => !isFinalStatus(o.status));
}
