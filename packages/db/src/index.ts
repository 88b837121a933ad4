export {
  type CreateDbOptions,
  createDb,
  type Database,
  type Db,
  databaseOf,
} from './client.ts';
export { DataDirInUseError } from './data-dir-lock.ts';
export { newId } from './ids.ts';
export * as schema from './schema.ts';
