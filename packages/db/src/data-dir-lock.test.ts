// The embedded data folder is held by one process at a time: a second opener (an operator
// command while `pnpm start` runs) is refused instead of silently working on a stale copy.
// Real PGlite folders (the lock exists only for them, so the Postgres pass runs these too),
// opened without migrations to keep them quick: the lock is taken before PGlite starts.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from './client.ts';
import { DataDirInUseError, LOCK_FILE } from './data-dir-lock.ts';

const dirs: string[] = [];
const children: ChildProcess[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'assent-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Another process that opens `dir` with createDb() and keeps it open until killed. */
async function holdInChild(dir: string): Promise<ChildProcess> {
  const client = fileURLToPath(new URL('./client.ts', import.meta.url));
  const script = `const { createDb } = await import(${JSON.stringify(client)});
await createDb({ dataDir: ${JSON.stringify(dir)}, migrate: false });
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

describe('embedded data folder lock', () => {
  it('refuses a second process while the first holds the folder, and takes over once it died', async () => {
    const dir = folder();
    const child = await holdInChild(dir);
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(lock.pid).toBe(child.pid);

    const refused = await createDb({ dataDir: dir, migrate: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect(refused).toMatchObject({ pid: child.pid, lockFile: join(dir, LOCK_FILE) });

    // Killed without cleanup (a crash): the lock stays behind, stale, and is replaced.
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    const database = await createDb({ dataDir: dir, migrate: false });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await database.close();
  });

  it('refuses a second open in the same process and releases the folder on close', async () => {
    const dir = folder();
    const first = await createDb({ dataDir: dir, migrate: false });
    await expect(createDb({ dataDir: dir, migrate: false })).rejects.toBeInstanceOf(
      DataDirInUseError,
    );
    await first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await createDb({ dataDir: dir, migrate: false });
    await again.close();
  });

  it('treats a lock naming this pid, but not held by this process, as stale (a reused pid)', async () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid }));
    const database = await createDb({ dataDir: dir, migrate: false });
    await database.close();
  });

  it('takes no lock for a throw-away in-memory database', async () => {
    const a = await createDb({ dataDir: 'memory://', migrate: false });
    const b = await createDb({ dataDir: 'memory://', migrate: false });
    await Promise.all([a.close(), b.close()]);
  });
});
