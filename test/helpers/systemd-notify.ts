import type { ExecutionContext } from 'ava';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A stand-in for systemd-notify on PATH: it appends "<ms> <message>" to $NOTIFY_LOG. SdNotify hands
 * every message to systemd-notify (Node has no AF_UNIX datagram sockets), so this sees exactly what
 * systemd would be told, and when. `env` goes to the daemon: NOTIFY_SOCKET (any path: only the stand-in
 * reads it), WATCHDOG_USEC, and PATH with the stand-in first.
 */
export function fakeSystemdNotify(t: ExecutionContext, watchdogUsec = 200_000) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-notify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'systemd-notify');
  writeFileSync(script, '#!/bin/sh\nnow=$(date +%s%3N)\nfor a in "$@"; do case "$a" in --pid=*) ;; *) printf \'%s %s\\n\' "$now" "$a" >> "$NOTIFY_LOG";; esac; done\n');
  chmodSync(script, 0o755);
  const log = path.join(dir, 'notify.log');
  return {
    env: { NOTIFY_SOCKET: path.join(dir, 'notify.sock'), WATCHDOG_USEC: String(watchdogUsec), NOTIFY_LOG: log, PATH: `${dir}:${process.env.PATH}` },
    messages: () =>
      (existsSync(log) ? readFileSync(log, 'utf8') : '')
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ at: Number(l.slice(0, l.indexOf(' '))), msg: l.slice(l.indexOf(' ') + 1) })),
  };
}
