/**
 * @module Webhook bodies. `standard` follows the Standard Webhooks payload shape
 * `{ type, timestamp, data }`; `slack` and `discord` are those services' incoming-webhook
 * formats (`text` with mrkdwn, `content` with markdown) so a user can point notify at a channel.
 */
import { receiverFields, type OutgoingNotification } from '../channel.ts';
import { WebhookFormat } from './endpoints-sql.ts';

/** The JSON body sent to an endpoint of `format`. */
export function webhookBody(format: WebhookFormat, n: OutgoingNotification): string {
  switch (format) {
    case WebhookFormat.Slack:
      return JSON.stringify({ text: `*${n.title}*\n${n.body}` });
    case WebhookFormat.Discord:
      // Discord caps content at 2,000 characters.
      return JSON.stringify({
        content: `**${n.title}**\n${n.body}`.slice(0, 2_000),
        allowed_mentions: { parse: [] },
      });
    default:
      return JSON.stringify({
        type: `notification.${n.kind}`,
        timestamp: n.createdAt,
        data: {
          ...receiverFields(n),
          ...(n.items ? { items: n.items } : {}),
        },
      });
  }
}
