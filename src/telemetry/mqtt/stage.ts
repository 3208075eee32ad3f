import path from 'node:path';
import type { Logger } from 'pino';
import type { DeviceConfig } from '../../config/device.ts';
import type { EventBus } from '../../core/bus.ts';
import type { HealthRegistry } from '../../core/health.ts';
import { throwIfAborted, type Stage } from '../../core/stage.ts';
import { glanceVersion } from '../../core/version.ts';
import type { GlanceEvents, LiveView, MinuteClosed } from '../../core/types.ts';
import type { MqttConfig } from '../../config/telemetry.ts';
import { embeddedCredentials, embeddedTarget, externalTarget, type BrokerTarget } from './broker-target.ts';
import { discoveryMessages } from './discovery.ts';
import { EmbeddedBroker } from './embedded-broker.ts';
import type { Command } from './inputs.ts';
import { ContentThrottle } from './content-throttle.ts';
import { InputsHandler } from './inputs-handler.ts';
import { BrokerLink } from './link.ts';
import { breakdownMessage, commandResultMessage, liveMessage, statsMessage, statusMessage, visitMessage } from './messages.ts';
import { Outbox, type SqliteDatabase } from './outbox.ts';
import { OutboxPump } from './outbox-pump.ts';
import { OutboxWriter } from './outbox-writer.ts';
import { topicsFor, type Topics } from './topics.ts';
import { VisitExpiry } from './visit-expiry.ts';
import { healthMessage } from '../health/message.ts';
import { ProcessStats } from '../health/process-stats.ts';
import { WatchersWindow } from '../health/watchers-window.ts';
import { minuteStartMs } from '../minute-start.ts';

/**
 * What MQTT needs of the store: its connection (the outbox table lives in the same database) and,
 * when it offers one, a hook that runs inside the transaction writing each minute.
 */
export interface OutboxStore {
  readonly db: SqliteDatabase;
  onMinuteCommit?(hook: (closed: MinuteClosed) => void): () => void;
}

export interface MqttStageDeps {
  config: MqttConfig;
  device: DeviceConfig;
  log: Logger;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
  /** The store stage; its `store` (with the SQLite `db` holding the outbox table) exists once it started. */
  storeStage: { readonly store: OutboxStore | undefined };
  env?: NodeJS.ProcessEnv;
}

/** On stop, how long to keep publishing what is queued before saying offline. */
const STOP_DRAIN_MS = 2000;
const STOP_STATUS_MS = 2000;

/**
 * Publishes Glance's events to back-office systems over MQTT and takes their inputs (content now
 * playing, commands). Stats, and visits when mqtt.visits opts in, go through the SQLite outbox
 * (durable, in order, deleted on PUBACK; visit rows expire after mqtt.visitMaxAgeS); status, health,
 * live and command results are current state and are sent only while connected.
 */
export class MqttStage implements Stage {
  readonly name = 'mqtt';
  private topics!: Topics;
  private outbox: Outbox | undefined;
  private pump: OutboxPump | undefined;
  private writer: OutboxWriter | undefined;
  private expiry: VisitExpiry | undefined;
  private link: BrokerLink | undefined;
  private broker: EmbeddedBroker | undefined;
  private target: BrokerTarget | undefined;
  private inputs: InputsHandler | undefined;
  private process: ProcessStats | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly watchers = new WatchersWindow();
  private content: ContentThrottle | undefined;
  private latestLive: LiveView | undefined;
  private lastLivePublished: LiveView | undefined;
  private lastMinute: MinuteClosed | undefined;
  private readonly counts = { published: 0, live: 0, health: 0, commands: 0 };

  constructor(private readonly deps: MqttStageDeps) {}

  async start(signal: AbortSignal): Promise<void> {
    const { config, device, log, health } = this.deps;
    const store = this.deps.storeStage.store;
    if (!config.enabled) {
      log.info('mqtt disabled (mqtt.enabled: false)');
      // Nothing will deliver visit rows an earlier run queued: they go (stats rows wait for retention).
      if (store) new VisitExpiry(new Outbox(store.db, { max: config.outboxMax, log }), { visits: false, maxAgeS: 0, log }).start();
      return;
    }
    if (!store) throw new Error('mqtt: the store stage has not started (it must start before mqtt: the outbox lives in its database)');
    const env = this.deps.env ?? process.env;
    this.topics = topicsFor(config.prefix, device.id);
    this.outbox = new Outbox(store.db, { max: config.outboxMax, log });
    this.expiry = new VisitExpiry(this.outbox, { visits: config.visits, maxAgeS: config.visitMaxAgeS, log });
    this.expiry.start();
    if (this.outbox.depth > 0) log.info({ outboxDepth: this.outbox.depth }, `mqtt outbox: replaying ${this.outbox.depth} unsent message(s)`);
    this.process = new ProcessStats(store.db.name && store.db.name !== ':memory:' ? path.dirname(path.resolve(store.db.name)) : null);

    const clientId = `glance-${device.id}`;
    if (config.url) {
      this.target = externalTarget({ ...config, url: config.url }, env);
    } else {
      const { username, password } = embeddedCredentials(config, env);
      const { contentSet, command } = this.topics;
      // Home Assistant announces itself on <prefix>/status; that is the one other topic it publishes.
      const inputs = [contentSet, command, ...(config.homeAssistant ? [`${config.homeAssistantPrefix}/status`] : [])];
      this.broker = new EmbeddedBroker({ ...config.embedded, username, password, ownClientId: clientId, foreign: { inputs, retainable: [contentSet] }, log });
      const port = await this.broker.start();
      this.target = embeddedTarget(config.embedded.host, port, this.broker.ownLogin);
      log.info({ broker: this.target.display, auth: username !== undefined }, `embedded MQTT broker listening on ${config.embedded.host}:${port}`);
    }
    throwIfAborted(signal);

    const link = new BrokerLink({
      target: this.target,
      clientId,
      will: () => ({ topic: this.topics.status, payload: JSON.stringify(statusMessage(device.id, 'offline', 'connection lost')) }),
      reconnectMinMs: config.reconnectMinMs,
      reconnectMaxMs: Math.max(config.reconnectMinMs, config.reconnectMaxMs),
      log,
      onConnect: () => this.onConnect(),
      onClose: () => this.pump?.disconnected(),
      onMessage: (topic, payload) => this.inputs?.handle(topic, payload),
    });
    this.link = link;
    this.pump = new OutboxPump(this.outbox, link, log);
    const content = new ContentThrottle({ log, onChange: (contentId) => this.deps.bus.emit('contentChanged', { contentId }) });
    this.content = content;
    this.writer = new OutboxWriter(this.outbox, { log, onWritten: () => this.pump?.pump() });
    this.inputs = new InputsHandler({
      topics: this.topics,
      log,
      onContent: (id) => content.offer(id),
      onCommand: (cmd) => this.runCommand(cmd),
    });

    const { bus } = this.deps;
    if (config.visits) bus.on('visit', (visit) => this.enqueue(this.topics.visit, JSON.stringify(visitMessage(device.id, visit)), false), this);
    bus.on('live', (view) => (this.latestLive = view), this);
    if (typeof store.onMinuteCommit === 'function') {
      // Stats rows commit in the same transaction as their minute: a crash between the two cannot
      // lose a minute's message. The hook is left in place on stop (the store stops after us and
      // writes its last minutes then; they are queued for the next start).
      store.onMinuteCommit((closed) => this.onMinute(closed, true));
    } else {
      bus.on('minuteClosed', (closed) => this.onMinute(closed, false), this);
    }
    this.timers.push(setInterval(() => this.publishHealth(), config.healthIntervalS * 1000));
    if (config.liveIntervalS > 0) this.timers.push(setInterval(() => this.publishLive(), config.liveIntervalS * 1000));
    health.register('mqtt', () => this.probe());
    link.start();
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this);
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.content?.stop();
    this.expiry?.stop();
    const { link, pump } = this;
    if (link && pump) {
      // Stages upstream stopped first, so the last visits and minute are queued: send what we can.
      if (link.connected) await pump.drain(STOP_DRAIN_MS);
      await link.stop(() => this.publishAcked(this.topics.status, JSON.stringify(statusMessage(this.deps.device.id, 'offline', 'stopped')), true, STOP_STATUS_MS));
      pump.stop();
      this.writer?.stop();
      if (this.outbox && this.outbox.depth > 0) this.deps.log.info({ outboxDepth: this.outbox.depth }, 'mqtt: unsent messages stay in the outbox for the next start');
    }
    this.link = undefined;
    this.pump = undefined;
    await this.broker?.stop();
    this.broker = undefined;
    this.deps.health.unregister('mqtt');
  }

  private onConnect(): void {
    const { device, config } = this.deps;
    const link = this.link!;
    link.publish(this.topics.status, JSON.stringify(statusMessage(device.id, 'online', 'connected')), { qos: 1, retain: true });
    if (config.homeAssistant) {
      for (const m of discoveryMessages({ haPrefix: config.homeAssistantPrefix, device, topics: this.topics, version: glanceVersion(), liveEnabled: config.liveIntervalS > 0 })) {
        link.publish(m.topic, m.payload, { qos: 1, retain: true });
      }
    }
    link.subscribe([this.topics.contentSet, this.topics.command]);
    this.pump!.connected();
    this.publishHealth();
  }

  /** Durable path: into SQLite first (held in memory while the disk is full), then to the broker when connected. */
  private enqueue(topic: string, payload: string, retain: boolean, inStoreTransaction = false): void {
    const outbox = this.outbox;
    if (!outbox) return;
    if (!inStoreTransaction) {
      this.writer?.write({ topic, payload, qos: 1, retain });
      return;
    }
    // Inside the store's transaction a failure is the store's to handle (Store.onMinuteCommit).
    outbox.enqueue({ topic, payload, qos: 1, retain });
    // Not before the store's transaction has committed (or rolled back): then count and send.
    setImmediate(() => {
      if (this.outbox !== outbox || !this.pump) return;
      outbox.resync();
      this.pump.pump();
    });
  }

  private onMinute(closed: MinuteClosed, inStoreTransaction: boolean): void {
    if (!Number.isFinite(minuteStartMs(closed.minute))) {
      this.deps.log.error({ minute: closed.minute }, 'mqtt: a closed minute with an unreadable minute label; stats not published');
      return;
    }
    this.lastMinute = closed;
    this.watchers.add(closed);
    // The latest minute (and period) is retained so a subscriber that connects later sees it at once.
    this.enqueue(this.topics.stats, JSON.stringify(statsMessage(this.deps.device.id, closed)), true, inStoreTransaction);
    for (const period of closed.periods) this.enqueue(this.topics.breakdown, JSON.stringify(breakdownMessage(this.deps.device.id, period)), true, inStoreTransaction);
  }

  private runCommand(cmd: Command): void {
    const { device, log } = this.deps;
    this.counts.commands += 1;
    log.info({ command: cmd.command, requestId: cmd.requestId }, `mqtt command ${cmd.command}`);
    let reply: Parameters<typeof commandResultMessage>[1];
    switch (cmd.command) {
      case 'ping':
        reply = { ...cmd, ok: true, result: { uptime_s: Math.round(process.uptime()), outbox_depth: this.outbox?.depth ?? 0 } };
        break;
      case 'publish_stats': {
        const last = this.lastMinute;
        if (!last) {
          reply = { ...cmd, ok: false, error: 'no minute has closed since start' };
          break;
        }
        const msg = statsMessage(device.id, last);
        this.enqueue(this.topics.stats, JSON.stringify(msg), true);
        reply = { ...cmd, ok: true, result: { minute_start: msg.minute_start, stats_message_id: msg.message_id } };
        break;
      }
      case 'publish_health': {
        const id = this.publishHealth();
        reply = id ? { ...cmd, ok: true, result: { health_message_id: id } } : { ...cmd, ok: false, error: 'health could not be published' };
        break;
      }
    }
    this.publishDirect(this.topics.commandResult, JSON.stringify(commandResultMessage(device.id, reply)), false);
  }

  /** Current-state messages: sent only while connected (stale after an outage, so never queued). */
  private publishDirect(topic: string, payload: string, retain: boolean, qos: 0 | 1 = 1): boolean {
    const link = this.link;
    if (!link?.connected) return false;
    link.publish(topic, payload, { qos, retain }, (err) => {
      if (!err) this.counts.published += 1;
    });
    return true;
  }

  private publishAcked(topic: string, payload: string, retain: boolean, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.link?.publish(topic, payload, { qos: 1, retain }, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Publishes the retained health message; returns its message_id, or undefined when not connected. */
  private publishHealth(): string | undefined {
    const { device, health, log } = this.deps;
    if (!this.link?.connected || !this.process) return undefined;
    try {
      const msg = healthMessage(device.id, {
        snapshot: health.snapshot(),
        process: this.process.read(),
        mqttFallback: () => this.probe(),
        contentId: this.content?.contentId ?? null,
        latestLive: this.latestLive,
        watchersLastHour: this.watchers.lastHour,
      });
      if (this.publishDirect(this.topics.health, JSON.stringify(msg), true)) this.counts.health += 1;
      return msg.message_id;
    } catch (err) {
      log.error({ err }, 'mqtt: health message could not be built');
      return undefined;
    }
  }

  private publishLive(): void {
    const view = this.latestLive;
    if (!view || view === this.lastLivePublished) return;
    if (this.publishDirect(this.topics.live, JSON.stringify(liveMessage(this.deps.device.id, view)), false, 0)) {
      this.lastLivePublished = view;
      this.counts.live += 1;
    }
  }

  private probe(): Record<string, unknown> {
    const pump = this.pump;
    return {
      connected: this.link?.connected ?? false,
      broker: this.target?.display ?? null,
      embedded: this.broker !== undefined,
      last_error: this.link?.lastError ?? null,
      outbox_depth: this.outbox?.depth ?? 0,
      outbox_dropped: this.outbox?.dropped ?? 0,
      visits: this.deps.config.visits,
      visits_expired: this.expiry?.expired ?? 0,
      held_in_memory: this.writer?.waiting ?? 0,
      held_dropped: this.writer?.dropped ?? 0,
      in_flight: pump?.inFlight ?? 0,
      outbox_sent: pump?.counts.sent ?? 0,
      outbox_resent: pump?.counts.resent ?? 0,
      outbox_acked: pump?.counts.acked ?? 0,
      published: (pump?.counts.acked ?? 0) + this.counts.published,
      inputs_rejected: this.inputs?.rejected ?? 0,
      commands: this.counts.commands,
    };
  }
}
