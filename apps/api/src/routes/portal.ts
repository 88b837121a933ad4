// The portal's JSON API (/portal/api): sign in with an emailed code, see every consent linked
// to the email (with what is due for re-confirmation, C10, and any restriction in force,
// GDPR 18), grant or withdraw with one action (PIPL 15, 44; GDPR 7(3), 15).
import {
  PortalDecisionInput,
  PortalDecisionOutput,
  PortalMe,
  SignedIn,
  SignInStartInput,
  SignInVerifyInput,
} from '@assent/contract';
import { schema } from '@assent/db';
import { checkDecisions, planAsk } from '@assent/policy';
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { appendDecisions, lastDecisions, statesOf } from '../domain/consents.ts';
import {
  endSession,
  SESSION_IDLE_MS,
  sessionEmail,
  startSignIn,
  verifySignIn,
} from '../domain/portal-auth.ts';
import { loadPurposes, noticeFor, propertyById, resolveLocale } from '../domain/properties.ts';
import { noticeView, purposeView } from '../domain/purpose-view.ts';
import { activeRestrictions } from '../domain/requests/restriction.ts';
import { stateChanged } from '../domain/state-cache.ts';
import { subjectsByEmail } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, registerPortalSecuritySchemes, router } from '../openapi.ts';
import { requestEvidence } from './request-evidence.ts';

export const SESSION_COOKIE = 'assent_portal';
/** Header every state-changing portal call must carry; a cross-site form or fetch cannot send it without CORS. */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'assent-portal';

export type PortalEnv = AppEnv & { Variables: AppEnv['Variables'] & { email: string } };

/** Refuses state-changing requests without the CSRF header (403 `csrf_failed`). */
const csrfGuard = createMiddleware<PortalEnv>(async function csrfGuard(c, next) {
  if (
    c.req.method !== 'GET' &&
    c.req.method !== 'HEAD' &&
    c.req.header(CSRF_HEADER) !== CSRF_VALUE
  ) {
    throw new ApiError('csrf_failed', `Send ${CSRF_HEADER}: ${CSRF_VALUE}.`);
  }
  await next();
});

/** Requires a live session (401 `unauthorized`) and exposes its email. */
export const requireSession = createMiddleware<PortalEnv>(async function requireSession(c, next) {
  const { database, clock, keyring } = c.get('deps');
  const token = getCookie(c, SESSION_COOKIE);
  const email = await sessionEmail(database.db, token, clock(), keyring);
  if (!email || !token) throw new ApiError('unauthorized', 'Sign in first.');
  c.set('email', email);
  // The server just renewed the session's idle time: the cookie's lifetime follows, so an
  // active customer is not signed out 30 minutes after signing in.
  setSessionCookie(c, token);
  await next();
});

/**
 * Sets the portal session cookie: HttpOnly, SameSite=Lax, Path=/portal, Secure unless the API
 * is plain-HTTP localhost, living `SESSION_IDLE_MS` (30 min) from now; set at sign-in and again
 * on every request the session answers.
 */
export function setSessionCookie(c: Context<PortalEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: c.get('deps').config.secureCookies,
    sameSite: 'Lax',
    path: '/portal',
    maxAge: SESSION_IDLE_MS / 1000,
  });
}

const start = createRoute({
  method: 'post',
  path: '/sign-in/start',
  summary: 'Email a sign-in code',
  description:
    'Always 202, whether or not the address is known; at most 5 codes per address per 15 minutes. The email is in Simplified Chinese for a `zh` `locale`, in English otherwise.',
  request: {
    body: { content: { 'application/json': { schema: SignInStartInput } }, required: true },
  },
  security: [{ portalCsrf: [] }],
  responses: {
    202: {
      description: 'Sent if possible',
      content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } },
    },
    ...errorResponses('csrf_failed'),
  },
});
const verify = createRoute({
  method: 'post',
  path: '/sign-in/verify',
  summary: 'Exchange a code for a session',
  description:
    'Sets the HttpOnly, SameSite=Lax session cookie (Secure outside localhost); 30-minute idle timeout. 5 wrong codes lock the code.',
  request: {
    body: { content: { 'application/json': { schema: SignInVerifyInput } }, required: true },
  },
  security: [{ portalCsrf: [] }],
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: SignedIn } } },
    ...errorResponses('csrf_failed', 'invalid_code', 'too_many_attempts'),
  },
});
const me = createRoute({
  method: 'get',
  path: '/me',
  summary: "Everything the signed-in customer's email is linked to",
  description:
    'Per property: every purpose with its current notice, state and the notice the current decision was made under (downloadable as text or HTML, C7); `reconfirm`, the grants due for re-confirmation now (ending within the reminder window, expired, or stale after a material notice change; C8, C10); `restriction`, a restriction of processing in force (GDPR 18; PIPL 44).',
  request: { query: z.object({ locale: z.string().max(35).optional() }) },
  security: [{ portalSession: [] }],
  responses: {
    200: {
      description: 'Consents by property',
      content: { 'application/json': { schema: PortalMe } },
    },
    ...errorResponses('unauthorized'),
  },
});
const decide = createRoute({
  method: 'post',
  path: '/consents',
  summary: 'Grant, refuse or withdraw one purpose',
  description:
    'A separate-consent purpose is granted only with `surface: separate_dialog`, after the portal showed its necessity and impact (422 `separate_consent_required`; PIPL 29, 30).',
  request: {
    body: { content: { 'application/json': { schema: PortalDecisionInput } }, required: true },
  },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    201: {
      description: 'Recorded',
      content: { 'application/json': { schema: PortalDecisionOutput } },
    },
    ...errorResponses(
      'unauthorized',
      'csrf_failed',
      'not_found',
      'unknown_purpose',
      'necessary_purpose',
      'separate_consent_required',
    ),
  },
});
const signOut = createRoute({
  method: 'post',
  path: '/sign-out',
  summary: 'End the session',
  description:
    'Needs no live session (only the CSRF header): ends the session of the `assent_portal` cookie when one is sent and clears the cookie; 204 either way.',
  security: [{ portalCsrf: [] }],
  responses: { 204: { description: 'Signed out' }, ...errorResponses('csrf_failed') },
});
const config = createRoute({
  method: 'get',
  path: '/config',
  summary: 'Portal settings',
  security: [],
  responses: {
    200: {
      description: 'Settings',
      content: { 'application/json': { schema: z.object({ devMailbox: z.boolean() }) } },
    },
  },
});

export const portalRoutes = router<PortalEnv>();
registerPortalSecuritySchemes(portalRoutes.openAPIRegistry);
portalRoutes.use(csrfGuard);
portalRoutes.use('/me', requireSession);
portalRoutes.use('/consents', requireSession);

portalRoutes
  .openapi(config, (c) => c.json({ devMailbox: c.get('deps').config.devMailbox }, 200))
  .openapi(start, async (c) => {
    const { database, mailer, clock, keyring } = c.get('deps');
    const { email, locale } = c.req.valid('json');
    await startSignIn(database.db, mailer, email, clock(), keyring, locale);
    return c.json({ ok: true as const }, 202);
  })
  .openapi(verify, async (c) => {
    const { database, clock, keyring } = c.get('deps');
    const { email, code } = c.req.valid('json');
    const token = await verifySignIn(database.db, email, code, clock(), keyring);
    setSessionCookie(c, token);
    return c.json({ email: email.trim().toLowerCase() }, 200);
  })
  .openapi(signOut, async (c) => {
    await endSession(c.get('deps').database.db, getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/portal' });
    return c.body(null, 204);
  });

portalRoutes
  .openapi(me, async (c) => {
    const { database, clock, keyring } = c.get('deps');
    const email = c.get('email');
    const now = clock();
    const subjects = await subjectsByEmail(database.db, email, keyring);
    const restrictions = await activeRestrictions(
      database.db,
      subjects.map((s) => s.id),
    );
    const properties = [];
    for (const subject of subjects) {
      const property = await propertyById(database.db, subject.propertyId);
      if (!property) continue;
      const locale = resolveLocale(property, c.req.valid('query').locale);
      const purposes = await loadPurposes(database.db, property.id);
      const last = await lastDecisions(database.db, subject.id);
      const states = statesOf(purposes, last, now);
      const eventIds = new Map(
        (
          await database.db
            .select({
              purposeId: schema.consentStates.purposeId,
              eventId: schema.consentStates.eventId,
            })
            .from(schema.consentStates)
            .where(eq(schema.consentStates.subjectId, subject.id))
        ).map((r) => [r.purposeId, r.eventId]),
      );
      const restriction = restrictions.find((r) => r.subjectId === subject.id);
      properties.push({
        property: { id: property.id, name: property.name },
        purposes: purposes.flatMap((p) => {
          const current = noticeFor(p, locale, property.defaultLocale);
          const state = states.get(p.row.key);
          if (!current || !state) return [];
          const decision = last.get(p.row.id);
          const agreed = decision ? p.notices.find((n) => n.id === decision.noticeId) : undefined;
          const eventId = decision ? eventIds.get(p.row.id) : undefined;
          const file = eventId ? `/portal/api/events/${eventId}/notice` : null;
          return [
            {
              ...purposeView(p, current, state),
              agreedNotice: agreed ? noticeView(agreed) : null,
              agreedNoticeFile: file ? { text: `${file}/txt`, html: `${file}/html` } : null,
              source: decision?.source ?? null,
            },
          ];
        }),
        // The same rule the widget asks by (policy.planAsk), so both agree on what is due.
        reconfirm: planAsk(
          purposes.filter((p) => noticeFor(p, locale, property.defaultLocale)).map((p) => p.rule),
          states,
          now,
        ).reconfirm,
        restriction: restriction
          ? {
              requestId: restriction.requestId,
              status: restriction.status,
              since: new Date(restriction.since).toISOString(),
            }
          : null,
      });
    }
    return c.json({ email, properties }, 200);
  })
  .openapi(decide, async (c) => {
    const { database, clock, keyring } = c.get('deps');
    const email = c.get('email');
    const body = c.req.valid('json');
    const subject = (await subjectsByEmail(database.db, email, keyring)).find(
      (s) => s.propertyId === body.propertyId,
    );
    const property = subject ? await propertyById(database.db, body.propertyId) : null;
    // Another customer's property or subject looks exactly like a missing one.
    if (!subject || !property)
      throw new ApiError('not_found', 'No consents of yours at this property.');
    const purposes = await loadPurposes(database.db, property.id);
    const purpose = purposes.find((p) => p.row.key === body.purpose);
    const violation = checkDecisions(
      [{ purpose: body.purpose, decision: body.decision, source: 'portal', surface: body.surface }],
      new Map(purposes.map((p) => [p.row.key, p.rule])),
    )[0];
    if (violation)
      throw new ApiError(
        violation.code,
        `${violation.code.replaceAll('_', ' ')}: ${violation.purpose}`,
      );
    const locale = resolveLocale(property, body.locale);
    const shown = purpose ? noticeFor(purpose, locale, property.defaultLocale) : null;
    if (!purpose || !shown) throw new ApiError('unknown_purpose', body.purpose);
    const now = clock();
    const [event] = await database.db.transaction((tx) =>
      appendDecisions(tx, {
        property,
        subjectId: subject.id,
        decisions: [{ purpose, notice: shown, decision: body.decision }],
        source: 'portal',
        surface: body.surface ?? 'portal_consents',
        locale,
        collectedAt: new Date(now),
        evidence: requestEvidence(c, c.req.header('sec-gpc') === '1'),
      }),
    );
    if (!event) throw new Error('no event recorded');
    void stateChanged(database, { subjects: [subject.id] });
    return c.json(
      {
        eventId: event.id,
        purpose: event.purpose,
        decision: event.decision,
        collectedAt: event.collectedAt.toISOString(),
      },
      201,
    );
  });
