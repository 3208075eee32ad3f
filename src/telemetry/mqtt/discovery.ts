import type { DeviceConfig } from '../../config/device.ts';
import type { Topics } from './topics.ts';

/**
 * Home Assistant MQTT discovery: retained config messages under `<haPrefix>/sensor/<node>/<object>/config`
 * that make HA create sensors reading our own topics. These follow Home Assistant's format, not a
 * glance.* schema. Availability follows the retained status topic (and its Last Will).
 */
export interface DiscoveryMessage {
  topic: string;
  payload: string;
}

interface SensorSpec {
  object: string;
  name: string;
  stateTopic: string;
  template: string;
  unit?: string;
  deviceClass?: string;
  stateClass?: 'measurement' | 'total';
  entityCategory?: 'diagnostic';
  icon?: string;
}

export function discoveryMessages(opts: {
  haPrefix: string;
  device: DeviceConfig;
  topics: Topics;
  version: string;
  /** People in view comes from the live topic when it is enabled, else from health. */
  liveEnabled: boolean;
}): DiscoveryMessage[] {
  const { haPrefix, device, topics, version, liveEnabled } = opts;
  const node = `glance_${device.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const sensors: SensorSpec[] = [
    {
      object: 'people_in_view',
      name: 'People in view',
      stateTopic: liveEnabled ? topics.live : topics.health,
      template: '{{ value_json.people_in_view }}',
      unit: 'people',
      stateClass: 'measurement',
      icon: 'mdi:account-group',
    },
    {
      object: 'watchers_last_hour',
      name: 'Watchers per hour',
      stateTopic: topics.health,
      template: '{{ value_json.watchers_last_hour }}',
      unit: 'people/h',
      stateClass: 'measurement',
      icon: 'mdi:eye',
    },
    { object: 'cpu_percent', name: 'CPU', stateTopic: topics.health, template: '{{ value_json.cpu_percent }}', unit: '%', stateClass: 'measurement', entityCategory: 'diagnostic' },
    {
      object: 'temperature_c',
      name: 'Temperature',
      stateTopic: topics.health,
      template: '{{ value_json.temperature_c }}',
      unit: '°C',
      deviceClass: 'temperature',
      stateClass: 'measurement',
      entityCategory: 'diagnostic',
    },
    {
      object: 'rss_bytes',
      name: 'Memory',
      stateTopic: topics.health,
      template: '{{ value_json.rss_bytes }}',
      unit: 'B',
      deviceClass: 'data_size',
      stateClass: 'measurement',
      entityCategory: 'diagnostic',
    },
    {
      object: 'disk_free_bytes',
      name: 'Disk free',
      stateTopic: topics.health,
      template: '{{ value_json.disk_free_bytes }}',
      unit: 'B',
      deviceClass: 'data_size',
      stateClass: 'measurement',
      entityCategory: 'diagnostic',
    },
    { object: 'outbox_depth', name: 'Unsent messages', stateTopic: topics.health, template: '{{ value_json.outbox_depth }}', stateClass: 'measurement', entityCategory: 'diagnostic' },
  ];
  const deviceBlock = {
    identifiers: [node],
    name: device.name,
    manufacturer: 'Glance',
    model: 'Glance audience analytics',
    sw_version: version,
    ...(device.location ? { suggested_area: device.location } : {}),
  };
  return sensors.map((s) => ({
    topic: `${haPrefix.replace(/\/+$/, '')}/sensor/${node}/${s.object}/config`,
    payload: JSON.stringify({
      name: s.name,
      unique_id: `${node}_${s.object}`,
      object_id: `${node}_${s.object}`,
      state_topic: s.stateTopic,
      value_template: s.template,
      availability_topic: topics.status,
      availability_template: '{{ value_json.state }}',
      payload_available: 'online',
      payload_not_available: 'offline',
      ...(s.unit ? { unit_of_measurement: s.unit } : {}),
      ...(s.deviceClass ? { device_class: s.deviceClass } : {}),
      ...(s.stateClass ? { state_class: s.stateClass } : {}),
      ...(s.entityCategory ? { entity_category: s.entityCategory } : {}),
      ...(s.icon ? { icon: s.icon } : {}),
      device: deviceBlock,
    }),
  }));
}
