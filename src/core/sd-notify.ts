import { spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { Liveness } from './health.ts';

/**
 * systemd notification (Type=notify, WatchdogSec). Node has no AF_UNIX datagram sockets, so like
 * zigbee2mqtt we hand the message to `systemd-notify`; with no NOTIFY_SOCKET nothing happens at all.
 */
export class SdNotify {
  private watchdogTimer: NodeJS.Timeout | undefined;
  /** Why pings are withheld now; undefined while they are sent. */
  private withheld: string | undefined;

  constructor(
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get enabled(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  /**
   * READY=1, then WATCHDOG=1 every WatchdogSec/2, but only while `live()` says the daemon does its
   * job (every stage's liveness: for inference, frames are being analysed or none is waiting). A
   * ping proves more than a running event loop, so a stuck pipeline is restarted by systemd once
   * pings have been withheld for WatchdogSec. Each change between live and not is logged and shown
   * in `systemctl status` (STATUS=).
   */
  ready(live: () => Liveness = () => ({ ok: true })): void {
    this.send('READY=1');
    const usec = Number(this.env.WATCHDOG_USEC);
    if (this.enabled && Number.isFinite(usec) && usec > 0) {
      const everyMs = Math.max(1, Math.floor(usec / 2000));
      this.watchdogTimer = setInterval(() => this.watchdogTick(live), everyMs);
      this.watchdogTimer.unref();
      this.log.info({ everyMs }, 'systemd watchdog enabled');
    }
  }

  private watchdogTick(live: () => Liveness): void {
    let state: Liveness;
    try {
      state = live();
    } catch (err) {
      state = { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    if (state.ok) {
      if (this.withheld !== undefined) {
        this.log.info('watchdog pings resumed');
        this.status('running');
      }
      this.withheld = undefined;
      this.send('WATCHDOG=1');
      return;
    }
    const reason = state.reason ?? 'not live';
    if (this.withheld !== reason) {
      this.log.warn({ reason }, 'watchdog ping withheld: systemd restarts the service if this lasts WatchdogSec');
      this.status(`not live: ${reason}`);
    }
    this.withheld = reason;
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
