// GET /v1/experience: purposes + notices for a locale, the device's state, what to ask, and
// the age gate (C12). Key and device may come as query parameters: no CORS preflight.
import { Experience, type ExperienceBody, ExperienceQuery } from '@assent/contract';
import { planAsk } from '@assent/policy';
import { createRoute } from '@hono/zod-openapi';
import type { TypedResponse } from 'hono';
import { lastDecisions, statesOf } from '../domain/consents.ts';
import { experienceJson } from '../domain/experience-view.ts';
import { appendDecisionsGpc } from '../domain/gpc.ts';
import { purposesFor, resolveLocale } from '../domain/properties.ts';
import { cachedDeviceStateAt } from '../domain/state-cache.ts';
import { deviceKey } from '../domain/subjects.ts';
import { confirmPropertyVersion, widgetDevice } from '../middleware/property.ts';
import { errorResponses, registerWidgetSecuritySchemes, router } from '../openapi.ts';
import { requestEvidence } from './request-evidence.ts';

const route = createRoute({
  method: 'get',
  path: '/experience',
  summary: 'The consent experience for this device',
  description:
    "One round trip for the widget: the property, each purpose with its notice in the best matching locale (`xx-YY` → `xx` → default) and the device's current state, what to ask now (nothing when nothing is due; REQUIREMENTS C10, C11), and the age gate (`age`: whether the widget asks the age before a grant, the age asked about, and the purposes a guardian must grant for a younger person; C12, PIPL 31, GDPR 8). With `Sec-GPC: 1` (or `?gpc=1`) the GPC-opt-out purposes are denied with `source=gpc` first, asking nothing (C13, 11 CCR §7025).\n\n" +
    'Credentials, two equivalent ways: the headers `X-Assent-Key` + `X-Assent-Device`, or the query parameters `?key=pk_…&device=…` (with `locale` and `gpc=1`). The widget uses the query form: a GET without custom headers is a CORS *simple request*, so the browser sends no preflight and the banner waits for one round trip, not two. A device cookie (`assent_device`), sent when the API sets it itself (ASSENT_DEVICE_COOKIE), wins over both; the answer then refreshes it (`Set-Cookie`, 400 days) and allows credentials for the exact origin.',
  request: { query: ExperienceQuery },
  // The headers, or equally the query form `?key=pk_…&device=…` (ExperienceQuery, described
  // above): OpenAPI has no "header or query" scheme, so the query form is its documented parameters.
  security: [{ publishableKey: [], device: [] }],
  responses: {
    200: { description: 'The experience', content: { 'application/json': { schema: Experience } } },
    ...errorResponses('unauthorized', 'origin_not_allowed'),
  },
});

export const experienceRoutes = router().openapi(route, async (c) => {
  const { database, clock } = c.get('deps');
  const now = clock();
  const key = deviceKey(widgetDevice(c));
  // The device's subject and state with the property's configuration version: from the state
  // cache (state-cache.ts) or in one round trip; the property and its purposes come from the
  // process cache, confirmed by that version.
  const device = await cachedDeviceStateAt(database, c.get('property').id, key);
  const property = await confirmPropertyVersion(c, device.version);
  const purposes = await purposesFor(database.db, property);
  const locale = resolveLocale(property, c.req.valid('query').locale);
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
  // Personal (this device's state) and keyed by a device id that may sit in the URL: never cached.
  c.header('Cache-Control', 'private, no-store');
  // Serialized by hand around parts built once per configuration version and locale; tests
  // parse every answer with the contract's `Experience` schema.
  return c.body(
    experienceJson(property, purposes, locale, {
      states,
      ask,
      gpc: { honoured: gpc, optedOut },
    }) as Uint8Array<ArrayBuffer>,
    200,
    { 'content-type': 'application/json' },
  ) as unknown as TypedResponse<ExperienceBody, 200, 'json'>;
});
registerWidgetSecuritySchemes(experienceRoutes.openAPIRegistry);
