// One process at a time on an embedded PGlite data folder. A PGlite is a whole Postgres
// running inside the process that opened it, with its own buffer cache and WAL and no
// knowledge of other openers: a second process on the same folder (an operator command while
// `pnpm start` runs) reads stale pages, its writes are not seen by the first, and the first
// overwrites them when it flushes. The opener holds `assent.lock` (its pid) in the folder; a
// lock whose process is gone is stale and replaced.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/** Name of the lock file inside the data folder. */
export const LOCK_FILE = 'assent.lock';

/** Thrown by createDb() when another live process holds the embedded data folder. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    /** Absolute path of the data folder. */
    readonly dataDir: string,
    /** Process id of the holder (this process's own when it opened the folder twice). */
    readonly pid: number,
    /** The lock file to delete by hand if that process is not an Assent process after all. */
    readonly lockFile: string,
  ) {
    super(
      `The embedded database ${dataDir} is already open in process ${pid}; PGlite allows one process per data folder (lock: ${lockFile}).`,
    );
  }
}

/** Folders this process holds, so a pid equal to ours tells a double open from a stale lock. */
const held = new Set<string>();

/**
 * Takes the folder's lock (creating the lock file exclusively, so two openers cannot both win),
 * replacing a stale one left by a process that no longer runs.
 * @returns release(): removes the lock file if it is still ours (idempotent; also runs at exit).
 * @throws DataDirInUseError when a live process (or this one) holds the folder.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const file = resolve(dir, LOCK_FILE);
  const content = `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = holderPid(file);
      if (pid !== undefined && (held.has(dir) || (pid !== process.pid && alive(pid))))
        throw new DataDirInUseError(dir, pid, file);
      unlinkSync(file); // stale: its process is gone (or the file is unreadable)
    }
  }
  held.add(dir);
  const release = () => {
    process.off('exit', release);
    if (!held.delete(dir)) return;
    try {
      if (readFileSync(file, 'utf8') === content) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return release;
}

function holderPid(file: string): number | undefined {
  try {
    const pid = Number((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
