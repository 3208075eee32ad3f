import { spawn } from 'node:child_process';
import type { Logger } from 'pino';

/**
 * systemd notification (Type=notify, WatchdogSec). Node has no AF_UNIX datagram sockets, so like
 * zigbee2mqtt we hand the message to `systemd-notify`; with no NOTIFY_SOCKET nothing happens at all.
 */
export class SdNotify {
  private watchdogTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get enabled(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  ready(): void {
    this.send('READY=1');
    const usec = Number(this.env.WATCHDOG_USEC);
    if (this.enabled && Number.isFinite(usec) && usec > 0) {
      const everyMs = Math.max(1, Math.floor(usec / 2000));
      this.watchdogTimer = setInterval(() => this.send('WATCHDOG=1'), everyMs);
      this.watchdogTimer.unref();
      this.log.info({ everyMs }, 'systemd watchdog enabled');
    }
  }

  stopping(): void {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
    this.send('STOPPING=1');
  }

  status(text: string): void {
    this.send(`STATUS=${text}`);
  }

  private send(message: string): void {
    if (!this.enabled) return;
    try {
      const child = spawn('systemd-notify', [`--pid=${process.pid}`, message], { stdio: 'ignore', env: this.env });
      child.on('error', (err) => this.log.warn({ err }, 'systemd-notify failed'));
      child.unref();
    } catch (err) {
      this.log.warn({ err }, 'systemd-notify failed');
    }
  }
}
