// Outgoing mail. The embedded default writes to the dev mailbox table (shown at /dev/mailbox)
// and prints the message to the log; production mail transport arrives with the portal issue.

import type { Database } from '@assent/db';
import { newId, schema } from '@assent/db';

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
