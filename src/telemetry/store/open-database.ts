import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ResourceError } from '../../core/errors.ts';

export const DB_FILE = 'glance.db';

/** SQLite failures that mean "this file or directory cannot be used", not a bug: exit code 3. */
const RESOURCE_CODES = /^SQLITE_(CANTOPEN|READONLY|NOTADB|CORRUPT|FULL|IOERR|PERM|AUTH|BUSY|LOCKED)/;

/**
 * Opens <dataDir>/glance.db, creating the directory if needed. Every way this can fail on the
 * machine (missing parent, no permission, read-only disk, a file that is not a database) becomes a
 * ResourceError naming the path, and nothing existing is modified or removed.
 */
export function openDatabase(dataDir: string, opts: { maxVersion?: number } = {}): { db: Database.Database; dir: string; file: string } {
  const dir = path.resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
  } catch (err) {
    throw new ResourceError(`storage.dataDir ${dir}: cannot create it (${errCode(err)})`, { cause: err });
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new ResourceError(`storage.dataDir ${dir} is not writable (${errCode(err)})`, { cause: err });
  }
  const file = path.join(dir, DB_FILE);
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    // Refuse a newer schema before any pragma below rewrites the file header: such a file stays byte-identical.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (opts.maxVersion !== undefined && version > opts.maxVersion) {
      throw new ResourceError(`database ${file} has schema version ${version}, newer than this Glance understands (${opts.maxVersion}); run the newer Glance, or move the file away to start empty (it is left untouched)`);
    }
    // WAL: readers (dashboard queries) never block the minute writer. FULL: a committed minute
    // survives a power cut too, at one fsync per minute.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new ResourceError(`database ${file}: cannot use WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    // Temporary tables and sorts stay in memory: nothing may be written outside the data directory.
    db.pragma('temp_store = MEMORY');
    // Deleted rows (retention) are overwritten, not left readable in free pages.
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return { db, dir, file };
  } catch (err) {
    db?.close();
    throw asResourceError(err, file);
  }
}

/** Converts SQLite's "cannot use this file" errors into a ResourceError naming the file. */
export function asResourceError(err: unknown, file: string): unknown {
  if (err instanceof ResourceError) return err;
  const code = errCode(err);
  if (!RESOURCE_CODES.test(code)) return err;
  const hint =
    code === 'SQLITE_NOTADB'
      ? ': the file is not a SQLite database; move it away (Glance does not overwrite it)'
      : code.startsWith('SQLITE_CORRUPT')
        ? ': the database is damaged; restore it from backups/ or move it away'
        : code.startsWith('SQLITE_FULL')
          ? ': the disk is full'
          : '';
  return new ResourceError(`database ${file}: ${code} ${(err as Error).message}${hint}`, { cause: err });
}

function errCode(err: unknown): string {
  return String((err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? err);
}
