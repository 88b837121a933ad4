// GET /v1/experience: purposes + notices for a locale, the device's state, and what to ask.
import { Experience, ExperienceQuery } from '@assent/contract';
import { planAsk } from '@assent/policy';
import { createRoute } from '@hono/zod-openapi';
import { deviceState, lastDecisions, statesOf } from '../domain/consents.ts';
import { appendDecisionsGpc } from '../domain/gpc.ts';
import { noticeFor, purposesFor, resolveLocale } from '../domain/properties.ts';
import { purposeView } from '../domain/purpose-view.ts';
import { deviceKey } from '../domain/subjects.ts';
import { errorResponses, router } from '../openapi.ts';
import { requestEvidence } from './request-evidence.ts';

const route = createRoute({
  method: 'get',
  path: '/experience',
  summary: 'The consent experience for this device',
  description:
    "One round trip for the widget: the property, each purpose with its notice in the best matching locale (`xx-YY` → `xx` → default) and the device's current state, and what to ask now (nothing when nothing is due; REQUIREMENTS C10, C11). With `Sec-GPC: 1` the GPC-opt-out purposes are denied with `source=gpc` first, asking nothing (C13, 11 CCR §7025).",
  request: { query: ExperienceQuery },
  responses: {
    200: { description: 'The experience', content: { 'application/json': { schema: Experience } } },
    ...errorResponses('unauthorized', 'origin_not_allowed'),
  },
});

export const experienceRoutes = router().openapi(route, async (c) => {
  const { database, clock } = c.get('deps');
  const property = c.get('property');
  const now = clock();
  const locale = resolveLocale(property, c.req.valid('query').locale);
  const key = deviceKey(c.req.header('x-assent-device'));
  // Round trips: the property (with its config version) in the middleware, the rate limit,
  // then this one query for the device's subject and state; purposes come from the cache.
  const [purposes, device] = await Promise.all([
    purposesFor(database.db, property),
    deviceState(database.db, property.id, key),
  ]);
  let { subjectId, last } = device;
  let optedOut: string[] = [];
  const gpc = c.req.header('sec-gpc') === '1' || c.req.valid('query').gpc === '1';
  if (gpc) {
    const evidence = requestEvidence(c, true);
    ({ subjectId, optedOut } = await appendDecisionsGpc(database.db, {
      property,
      key,
      subjectId,
      purposes,
      locale,
      now,
      evidence,
    }));
  }
  if (optedOut.length > 0) last = await lastDecisions(database.db, subjectId);
  const states = statesOf(purposes, last, now);
  const ask = planAsk(
    purposes.map((p) => p.rule),
    states,
    now,
  );
  return c.json(
    {
      property: {
        id: property.id,
        name: property.name,
        locale,
        locales: property.locales,
        controller: property.controller,
      },
      purposes: purposes.flatMap((p) => {
        const notice = noticeFor(p, locale, property.defaultLocale);
        const state = states.get(p.row.key);
        return notice && state ? [purposeView(p, notice, state)] : [];
      }),
      ask,
      gpc: { honoured: gpc, optedOut },
    },
    200,
  );
});
