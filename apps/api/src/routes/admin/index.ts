// The staff admin API, mounted at /admin/api (REQUIREMENTS S5-S7). Each route names the
// permission it requires in its description and in `x-required-permissions`.
import { router } from '../../openapi.ts';
import { alertRoutes } from './alerts.ts';
import type { AdminEnv } from './auth.ts';
import { requestRoutes } from './requests.ts';
import { sessionRoutes } from './session.ts';
import { staffRoutes } from './staff.ts';
import { subjectRoutes } from './subjects.ts';

export const adminRoutes = router<AdminEnv>();
adminRoutes.route('/', sessionRoutes);
adminRoutes.route('/', subjectRoutes);
adminRoutes.route('/', staffRoutes);
adminRoutes.route('/', alertRoutes);
adminRoutes.route('/', requestRoutes);
adminRoutes.openAPIRegistry.registerComponent('securitySchemes', 'staffBearer', {
  type: 'http',
  scheme: 'bearer',
  description: 'Token from POST /admin/api/sign-in (password + TOTP).',
});
