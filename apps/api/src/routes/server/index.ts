// The server API for the product's backend, under /v1/server/*: authenticated by a secret key
// (`Authorization: Bearer sk_…`), never by the widget's publishable key or origin.
import { secretKeyAuth } from '../../middleware/secret-key.ts';
import { router } from '../../openapi.ts';
import { eventExportRoutes } from './events.ts';
import { importRoutes } from './import.ts';
import { mayRoutes } from './may.ts';
import { subjectConsentRoutes } from './subject-consents.ts';

export const serverRoutes = router();
serverRoutes.openAPIRegistry.registerComponent('securitySchemes', 'secretKey', {
  type: 'http',
  scheme: 'bearer',
  description:
    "A property's secret key (`sk_…`, from `pnpm assent keys create`). Server-side only.",
});
serverRoutes.use('*', secretKeyAuth());
serverRoutes.route('/', mayRoutes);
serverRoutes.route('/', subjectConsentRoutes);
serverRoutes.route('/', importRoutes);
serverRoutes.route('/', eventExportRoutes);
