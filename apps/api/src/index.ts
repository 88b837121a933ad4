export { type App, createApp } from './app.ts';
export type { Clock, Deps } from './context.ts';
export { applyPropertyConfig, type PropertyConfigInput } from './domain/property-config.ts';
export { type Config, loadConfig } from './env.ts';
export { devMailer, type Mailer } from './mailer.ts';
export {
  DEMO_IDENTITY_SECRET,
  DEMO_PUBLISHABLE_KEY,
  DEMO_SECRET_KEY,
  demoPropertyConfig,
} from './seed/demo-property.ts';
export { type RunningApi, startApi } from './server.ts';
