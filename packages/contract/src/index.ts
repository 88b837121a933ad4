// @assent/contract: zod schemas of every HTTP request and response (OpenAPI from them) and the error codes.
export * from './common.ts';
export * from './consents/experience.ts';
export * from './consents/identify.ts';
export * from './consents/record.ts';
export * from './errors.ts';
export * from './portal/me.ts';
export * from './portal/session.ts';
