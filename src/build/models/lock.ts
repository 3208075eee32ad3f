import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A lock file so two builds into the same folder (npm postinstall and a test run, two test
 * workers) do not convert the same model at once. A lock older than `staleMs` belonged to a
 * process that died and is taken over.
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, staleMs = 120_000): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(file).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > staleMs) await rm(file, { force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}
