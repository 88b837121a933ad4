// @assent/policy: the consent rules, pure and dependency-free, shared by API, widget and portal.
export * from './age.ts';
export * from './ask.ts';
export * from './dpv.ts';
export * from './gpc.ts';
export * from './separate.ts';
export * from './state.ts';
export type * from './types.ts';
