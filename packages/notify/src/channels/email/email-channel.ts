/**
 * @module The email channel: nodemailer over SMTP, HTML and text bodies from the LiquidJS
 * templates in the user's locale. The notification id travels as `X-Notification-Id` and in the
 * `Message-ID`, so a mailbox (or a mail filter) can drop a repeat. 5xx answers about the
 * recipient are permanent; everything else (4xx, connection refused, timeouts) is retried.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { Channel } from '../../kinds.ts';
import { describe, type NotificationChannel, type OutgoingNotification } from '../channel.ts';
import type { EmailTemplates } from './templates.ts';

export interface EmailChannelOptions {
  transport: SMTPTransport.Options;
  from: string;
  templates: EmailTemplates;
  /** Where links point (the dashboard's public URL); without it a mail carries no link. */
  baseUrl?: string;
  /**
   * The link of a notification that carries only a reference to it (a verification mail: its
   * token is stored nowhere), made as the mail is rendered and kept in no row.
   */
  linkOf?: (notification: OutgoingNotification) => string | undefined;
}

export interface EmailChannel extends NotificationChannel {
  close(): Promise<void>;
}

export function createEmailChannel(options: EmailChannelOptions): EmailChannel {
  const transporter = nodemailer.createTransport({ pool: true, maxConnections: 4, ...options.transport });
  const domain = /@([^>\s]+)/.exec(options.from)?.[1] ?? 'tickline.local';
  return {
    channel: Channel.Email,
    async send({ notification: stored, target }) {
      const link = options.linkOf?.(stored);
      const notification = link === undefined ? stored : { ...stored, data: { ...stored.data, url: link } };
      const mail = await options.templates.render(
        notification,
        options.baseUrl ? { baseUrl: options.baseUrl } : {},
      );
      try {
        const info = await transporter.sendMail({
          from: options.from,
          to: target,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${notification.id}@${domain}>`,
          headers: { 'X-Notification-Id': notification.id, 'X-Notification-Kind': notification.kind },
        });
        return { outcome: 'delivered', excerpt: info.response };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        const response = (error as { response?: string }).response;
        if (typeof code === 'number' && code >= 550 && code <= 554) {
          return { outcome: 'rejected', statusCode: code, excerpt: response ?? '', error: describe(error) };
        }
        return { outcome: 'retry', ...(code ? { statusCode: code } : {}), error: describe(error) };
      }
    },
    async close() {
      transporter.close();
    },
  };
}
