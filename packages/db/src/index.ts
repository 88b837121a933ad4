export { type CreateDbOptions, createDb, type Database, type Db } from './client.ts';
export { newId } from './ids.ts';
export * as schema from './schema.ts';
