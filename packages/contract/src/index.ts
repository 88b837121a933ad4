// @assent/contract: zod schemas of every HTTP request and response (OpenAPI from them) and the error codes.
export * from './admin/requests.ts';
export * from './admin/staff.ts';
export * from './admin/staff-accounts.ts';
export * from './common.ts';
export * from './config/assent-config.ts';
export * from './consents/experience.ts';
export * from './consents/identify.ts';
export * from './consents/record.ts';
export * from './errors.ts';
export * from './portal/history.ts';
export * from './portal/me.ts';
export * from './portal/requests.ts';
export * from './portal/session.ts';
export * from './receipts/receipt.ts';
export * from './requests/data-providers.ts';
export * from './server/server.ts';
export * from './webhooks/endpoints.ts';
