import type { Logger } from 'pino';

/**
 * A typed event bus for low-rate events (faces per frame, visits, minute aggregates, health).
 * A listener that throws is logged and isolated: one broken consumer (say MQTT) must never stop
 * another (the store) from receiving the same event, nor crash the producer.
 *
 * A stage subscribes under itself as owner and its stop() calls removeListeners(this): one call
 * releases every event it listens to, so a listener added later cannot be forgotten at stop.
 */
export type Listener<T> = (payload: T) => void;

interface Subscription {
  readonly listener: Listener<never>;
  readonly owner: object | undefined;
}

export class EventBus<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<Subscription>>();

  constructor(private readonly log?: Pick<Logger, 'error'>) {}

  /** Subscribes; the returned function, or removeListeners(owner), unsubscribes. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>, owner?: object): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const sub: Subscription = { listener: listener as Listener<never>, owner };
    set.add(sub);
    return () => set!.delete(sub);
  }

  /** Removes every listener registered under owner, whatever the event. */
  removeListeners(owner: object): void {
    for (const set of this.listeners.values()) {
      for (const sub of set) if (sub.owner === owner) set.delete(sub);
    }
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const { listener } of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (err) {
        this.log?.error({ err, event: String(event) }, 'event listener failed');
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
