/** One line of `glance doctor`: what was checked, whether it is fine, and why. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

export type Check = () => Promise<CheckResult | CheckResult[]>;

/** Runs every check with a time limit; a check that throws or hangs is a failure, not a crash. */
export async function runChecks(checks: Check[], timeoutMs = 15000): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const r = await Promise.race([check(), timeout]);
      results.push(...(Array.isArray(r) ? r : [r]));
    } catch (err) {
      results.push({ name: check.name || 'check', status: 'fail', detail: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
  return results;
}

export function formatResults(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length), 8);
  const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;
  return `${results.map((r) => `${mark[r.status]}  ${r.name.padEnd(width)}  ${r.detail}`).join('\n')}\n`;
}
