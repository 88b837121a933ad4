// Development-only pages: the mailbox where the embedded default "sends" sign-in codes.
// Mounted only when config.devMailbox is on (never in production).
import { schema } from '@assent/db';
import { desc } from 'drizzle-orm';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../context.ts';

export const devRoutes = new Hono<AppEnv>()
  .get('/mailbox.json', async (c) => {
    const mails = await c
      .get('deps')
      .database.db.select()
      .from(schema.devMailbox)
      .orderBy(desc(schema.devMailbox.createdAt))
      .limit(50);
    return c.json({ mails });
  })
  .get('/mailbox', async (c) => {
    const mails = await c
      .get('deps')
      .database.db.select()
      .from(schema.devMailbox)
      .orderBy(desc(schema.devMailbox.createdAt))
      .limit(50);
    return c.html(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Assent dev mailbox</title>
          <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
            article { border: 1px solid #ccc; border-radius: 8px; padding: 0.75rem 1rem; margin: 0.75rem 0; }
            h2 { font-size: 1rem; margin: 0; } p { margin: 0.25rem 0; } small { color: #555; }
          </style>
        </head>
        <body>
          <main>
            <h1>Dev mailbox</h1>
            <p>Mail the embedded default would have sent (development only). <a href="/portal/">Open the portal</a></p>
            ${mails.length === 0 ? html`<p>No mail yet.</p>` : ''}
            ${mails.map(
              (m) => html`<article>
                <h2>${m.subject}</h2>
                <p><small>To ${m.to}, ${m.createdAt.toISOString()}</small></p>
                <p>${m.body}</p>
              </article>`,
            )}
          </main>
        </body>
      </html>`);
  });
