import { createHash, randomBytes } from 'node:crypto';

/**
 * Browser sessions after a successful login, in memory only (a restart logs everyone out, which is
 * fine for a kiosk-sized dashboard). Stored by the SHA-256 of the cookie value, so the table itself
 * holds nothing that could be replayed, and bounded so a login loop cannot grow it without limit.
 */
export class SessionStore {
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxSessions = 1000,
  ) {}

  create(): { id: string; maxAgeS: number } {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    for (const [key, expires] of this.sessions) if (expires <= now) this.sessions.delete(key);
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(digest(id), now + this.ttlMs);
    return { id, maxAgeS: Math.floor(this.ttlMs / 1000) };
  }

  valid(id: string | undefined): boolean {
    if (!id) return false;
    const key = digest(id);
    const expires = this.sessions.get(key);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.sessions.delete(key);
      return false;
    }
    return true;
  }

  revoke(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
