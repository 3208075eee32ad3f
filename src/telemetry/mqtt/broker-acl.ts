import { MAX_INPUT_BYTES } from './inputs.ts';

/**
 * What clients other than Glance's own may publish on the embedded broker: only the input topics
 * (docs/mqtt.md). Everything under Glance's prefix is Glance's to say (a spoofed retained `status`
 * or `stats` would lie to every subscriber), and a broker that took any topic would be a free,
 * unbounded store for whoever reaches it.
 */
export interface ForeignPublishRules {
  /** Topics another client may publish to: `content/set`, `command` and, with Home Assistant, its status. */
  inputs: readonly string[];
  /** Of those, the ones it may retain (`content/set`: a player retains it so a restarted Glance picks it up). */
  retainable: readonly string[];
}

/**
 * A retained message outlives its sender and is replayed to every new subscriber, so a retained
 * payload must also be one Glance could accept: no larger than an input may be.
 */
export const MAX_RETAINED_BYTES = MAX_INPUT_BYTES;

/** Why another client may not publish this packet, or undefined when it may. */
export function foreignPublishRefusal(rules: ForeignPublishRules, packet: { topic: string; retain?: boolean; payload: Buffer | string }): string | undefined {
  const { topic } = packet;
  if (!rules.inputs.includes(topic)) return `publishing to ${quote(topic)} is not allowed (other clients may publish only to ${rules.inputs.join(', ')})`;
  if (!packet.retain) return undefined;
  if (!rules.retainable.includes(topic)) return `retained messages on ${topic} are not allowed`;
  const bytes = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
  if (bytes > MAX_RETAINED_BYTES) return `a retained message on ${topic} of ${bytes} bytes is over the ${MAX_RETAINED_BYTES}-byte limit`;
  return undefined;
}

/** Topics come from the wire: shortened and quoted before they go into a log line. */
function quote(topic: string): string {
  return JSON.stringify(topic.length > 80 ? `${topic.slice(0, 80)}…` : topic);
}
