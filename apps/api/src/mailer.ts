// Outgoing mail. The embedded default writes to the dev mailbox table (shown at /dev/mailbox)
// and prints the message to the log; with SMTP_URL set, mail goes out over SMTP (nodemailer).

import type { Database } from '@assent/db';
import { newId, schema } from '@assent/db';
import { createTransport } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  body: string;
}

export interface Mailer {
  /** @throws when the message cannot be handed over. */
  send(mail: Mail): Promise<void>;
}

/** Development mailer: stores mail for /dev/mailbox and logs it. Never used in production. */
export function devMailer(database: Database, log: (line: string) => void = console.log): Mailer {
  return {
    async send(mail) {
      await database.db.insert(schema.devMailbox).values({ id: newId('mail'), ...mail });
      log(`[dev mailbox] to ${mail.to}: ${mail.subject}\n${mail.body}`);
    },
  };
}

/**
 * Real mail over SMTP (nodemailer). `url` is an SMTP URL such as `smtps://user:pass@host:465`
 * or `smtp://host:587` (STARTTLS when offered); `from` is the sender address.
 */
export function smtpMailer(smtp: { url: string; from: string }): Mailer {
  const transport = createTransport(smtp.url);
  return {
    async send(mail) {
      await transport.sendMail({
        from: smtp.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.body,
      });
    },
  };
}

/** The mailer configuration asks for: SMTP when `SMTP_URL` is set, else the dev mailbox. */
export function mailerFromConfig(
  config: { smtp: { url: string | undefined; from: string } },
  database: Database,
  log: (line: string) => void = console.log,
): Mailer {
  return config.smtp.url
    ? smtpMailer({ url: config.smtp.url, from: config.smtp.from })
    : devMailer(database, log);
}
