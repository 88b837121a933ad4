// The portal account: step-up with a fresh emailed code (R7), the customer's profile fields and
// their correction (rectification, PIPL 46; GDPR 16; R3), and signing out everywhere.
import {
  ProfileInput,
  ProfileView,
  SignedIn,
  SignInLinkInput,
  StepUpOutput,
  StepUpStartInput,
  type StepUpStartInputBody,
  StepUpVerifyInput,
} from '@assent/contract';
import { schema } from '@assent/db';
import { createRoute, z } from '@hono/zod-openapi';
import { eq, inArray } from 'drizzle-orm';
import { deleteCookie, getCookie } from 'hono/cookie';
import { recordAudit } from '../domain/audit.ts';
import { verifyIdentityToken } from '../domain/identity.ts';
import {
  endAllSessions,
  requireStepUp,
  STEP_UP_MS,
  signInWithLink,
  startStepUp,
  verifyStepUp,
} from '../domain/portal-auth.ts';
import { propertyByKey } from '../domain/properties.ts';
import { createRequest, transition } from '../domain/requests/requests.ts';
import { subjectsByEmail } from '../domain/subjects.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, registerPortalSecuritySchemes, router } from '../openapi.ts';
import { type PortalEnv, requireSession, SESSION_COOKIE, setSessionCookie } from './portal.ts';

const link = createRoute({
  method: 'post',
  path: '/sign-in/link',
  summary: 'Sign in with a link signed by the product',
  description:
    "For a customer already signed in to the product: its backend signs the same identity token as the widget's `identify` (HS256 with the property's identity secret, ≤ 10 minutes, with an `email` claim) and links to `/portal/?pk=<publishable key>&token=<token>`. One session per token; counts as step-up (R7). 401 `invalid_token` otherwise.",
  request: {
    body: { content: { 'application/json': { schema: SignInLinkInput } }, required: true },
  },
  security: [{ portalCsrf: [] }],
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: SignedIn } } },
    ...errorResponses('csrf_failed', 'invalid_token', 'rate_limited'),
  },
});
const stepUpStart = createRoute({
  method: 'post',
  path: '/step-up/start',
  summary: 'Email a fresh code to the signed-in address',
  description:
    'Emails a confirmation code for export, deletion or correction (R7). The JSON body is optional: a `zh` `locale` sends the email in Simplified Chinese; another `locale`, none, or no body sends it in English. Step-up and sign-in codes share one cap per address (5 in 15 minutes): past it nothing is sent and, unlike sign-in (which stays silent), the answer is 429 `rate_limited` with `Retry-After` (seconds until the next code can go, at most 900). The per-network limit (ASSENT_RATE_LIMIT_SIGN_IN) answers 429 `rate_limited` too.',
  request: {
    body: { content: { 'application/json': { schema: StepUpStartInput } }, required: false },
  },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    202: {
      description: 'Sent',
      content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } },
    },
    ...errorResponses('unauthorized', 'csrf_failed', 'rate_limited'),
  },
});
const stepUpVerify = createRoute({
  method: 'post',
  path: '/step-up/verify',
  summary: 'Confirm the fresh code: export, deletion and correction are open for 10 minutes (R7)',
  request: {
    body: { content: { 'application/json': { schema: StepUpVerifyInput } }, required: true },
  },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    200: { description: 'Stepped up', content: { 'application/json': { schema: StepUpOutput } } },
    ...errorResponses(
      'unauthorized',
      'csrf_failed',
      'invalid_code',
      'too_many_attempts',
      'rate_limited',
    ),
  },
});
const getProfile = createRoute({
  method: 'get',
  path: '/profile',
  summary: 'The profile fields held per property',
  security: [{ portalSession: [] }],
  responses: {
    200: { description: 'Profile', content: { 'application/json': { schema: ProfileView } } },
    ...errorResponses('unauthorized'),
  },
});
const putProfile = createRoute({
  method: 'post',
  path: '/profile',
  summary: 'Correct profile fields (rectification)',
  description:
    'Needs step-up (R7). Recorded as a completed `rectification` request and an audit event naming the fields changed (never their values).',
  request: { body: { content: { 'application/json': { schema: ProfileInput } }, required: true } },
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    200: { description: 'Corrected', content: { 'application/json': { schema: ProfileView } } },
    ...errorResponses('unauthorized', 'csrf_failed', 'not_found', 'step_up_required'),
  },
});
const signOutEverywhere = createRoute({
  method: 'post',
  path: '/sign-out-everywhere',
  summary: 'End every session of this address',
  security: [{ portalSession: [], portalCsrf: [] }],
  responses: {
    204: { description: 'Signed out everywhere' },
    ...errorResponses('unauthorized', 'csrf_failed'),
  },
});

export const portalAccountRoutes = router<PortalEnv>();
registerPortalSecuritySchemes(portalAccountRoutes.openAPIRegistry);
for (const path of ['/step-up/*', '/profile', '/sign-out-everywhere'])
  portalAccountRoutes.use(path, requireSession);

async function profiles(deps: PortalEnv['Variables']['deps'], email: string) {
  const db = deps.database.db;
  const subjects = await subjectsByEmail(db, email, deps.keyring);
  if (subjects.length === 0) return { subjects, profiles: [] };
  const rows = await db
    .select()
    .from(schema.subjectProfiles)
    .where(
      inArray(
        schema.subjectProfiles.subjectId,
        subjects.map((s) => s.id),
      ),
    );
  const props = await db
    .select({ id: schema.properties.id, name: schema.properties.name })
    .from(schema.properties)
    .where(
      inArray(
        schema.properties.id,
        subjects.map((s) => s.propertyId),
      ),
    );
  return {
    subjects,
    profiles: subjects.map((s) => {
      const p = rows.find((r) => r.subjectId === s.id);
      return {
        propertyId: s.propertyId,
        propertyName: props.find((x) => x.id === s.propertyId)?.name ?? s.propertyId,
        name: p?.name ?? null,
        phone: p?.phone ?? null,
      };
    }),
  };
}

portalAccountRoutes
  .openapi(link, async (c) => {
    const { database, clock, keyring } = c.get('deps');
    const now = clock();
    const body = c.req.valid('json');
    const property = await propertyByKey(database.db, body.publishableKey);
    if (!property) throw new ApiError('invalid_token', 'The identity token is invalid or expired.');
    const claims = await verifyIdentityToken(property, body.token, now, keyring);
    const session = await signInWithLink(database.db, claims.email, body.token, now, keyring);
    setSessionCookie(c, session.token);
    return c.json({ email: session.email }, 200);
  })
  .openapi(stepUpStart, async (c) => {
    const { database, mailer, clock, keyring } = c.get('deps');
    // Without a JSON body the validator is skipped (the body is optional): English.
    const locale = (c.req.valid('json') as StepUpStartInputBody | undefined)?.locale;
    const issued = await startStepUp(database.db, mailer, c.get('email'), clock(), keyring, locale);
    if (!issued.sent) {
      // Signed in already, so saying "not sent" reveals nothing; silence would only confuse.
      c.header('Retry-After', String(issued.retryAfterS));
      throw new ApiError(
        'rate_limited',
        `Too many codes were sent to your address; retry in ${issued.retryAfterS} s.`,
      );
    }
    return c.json({ ok: true as const }, 202);
  })
  .openapi(stepUpVerify, async (c) => {
    const { database, clock, keyring } = c.get('deps');
    const now = clock();
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) throw new ApiError('unauthorized');
    await verifyStepUp(database.db, token, c.get('email'), c.req.valid('json').code, now, keyring);
    return c.json({ stepUpUntil: new Date(now + STEP_UP_MS).toISOString() }, 200);
  })
  .openapi(getProfile, async (c) => {
    const deps = c.get('deps');
    const { database, clock } = deps;
    const { subjects, profiles: list } = await profiles(deps, c.get('email'));
    if (subjects.length > 0)
      await database.db.transaction((tx) =>
        recordAudit(
          tx,
          {
            actor: { type: 'subject', id: subjects[0]?.id },
            action: 'subject.profile_read',
            target: 'subject_profiles',
          },
          clock(),
        ),
      );
    return c.json({ profiles: list }, 200);
  })
  .openapi(putProfile, async (c) => {
    const deps = c.get('deps');
    const { database, clock, config, keyring } = deps;
    const now = clock();
    const body = c.req.valid('json');
    await requireStepUp(database.db, getCookie(c, SESSION_COOKIE), now);
    const subject = (await subjectsByEmail(database.db, c.get('email'), keyring)).find(
      (s) => s.propertyId === body.propertyId,
    );
    if (!subject) throw new ApiError('not_found', 'No records of yours at this property.');
    const [property] = await database.db
      .select()
      .from(schema.properties)
      .where(eq(schema.properties.id, subject.propertyId));
    await database.db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(schema.subjectProfiles)
        .where(eq(schema.subjectProfiles.subjectId, subject.id));
      const next = {
        name: body.name === undefined ? (before?.name ?? null) : body.name || null,
        phone: body.phone === undefined ? (before?.phone ?? null) : body.phone || null,
      };
      const fields = (['name', 'phone'] as const).filter((f) => (before?.[f] ?? null) !== next[f]);
      await tx
        .insert(schema.subjectProfiles)
        .values({
          subjectId: subject.id,
          propertyId: subject.propertyId,
          ...next,
          updatedAt: new Date(now),
        })
        .onConflictDoUpdate({
          target: schema.subjectProfiles.subjectId,
          set: { ...next, updatedAt: new Date(now) },
        });
      const actor = { type: 'subject' as const, id: subject.id };
      const req = await createRequest(
        tx,
        config,
        {
          subjectId: subject.id,
          propertyId: subject.propertyId,
          jurisdiction: property?.jurisdiction ?? 'DEFAULT',
          type: 'rectification',
          verified: true,
          actor,
          details: { fields },
        },
        now,
      );
      await transition(tx, req.id, 'in_progress', { actor }, now);
      await transition(
        tx,
        req.id,
        'completed',
        { actor, note: fields.join(', ') || 'no change' },
        now,
      );
      await recordAudit(
        tx,
        {
          actor,
          action: 'subject.rectify',
          subjectId: subject.id,
          target: `subject_profiles:${fields.join(',')}`,
          details: { requestId: req.id, fields },
        },
        now,
      );
    });
    return c.json({ profiles: (await profiles(deps, c.get('email'))).profiles }, 200);
  })
  .openapi(signOutEverywhere, async (c) => {
    const { database, keyring } = c.get('deps');
    await endAllSessions(database.db, c.get('email'), keyring);
    deleteCookie(c, SESSION_COOKIE, { path: '/portal' });
    return c.body(null, 204);
  });
