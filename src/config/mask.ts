import { MASK } from './secret.ts';

/**
 * The one place credentials are hidden before text is shown: logs, /api/health, the retained MQTT
 * `health`, /api/config and `glance config check` all go through these two functions, so a form of
 * credential that one of them misses cannot reach the others either.
 */

/**
 * scheme://USERINFO@ in any text. The userinfo runs to the last @ before the path (a password may
 * hold an unencoded @), and a `"` ends it so a URL inside JSON cannot swallow the next field.
 */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/?#\s"]*)@/gi;

/**
 * key=value where the key names a secret: query parameters (?token=…&pass=…) and GStreamer element
 * properties (rtspsrc user-pw=…, proxy-pw=…). The key is one of these words, alone or as the last
 * part after - _ or . (access_token, client_secret), so `passthrough=`, `bypass=` or `tokenize=`
 * are left alone; a quoted value is masked whole.
 */
const SECRET_PARAM = /(^|[?&;,\s'"{])((?:[\w.-]*[-_.])?(?:pass|passwd|password|passphrase|pwd|pw|token|secret|api[-_]?key|apikey|auth)\s*=\s*)("[^"]*"|'[^']*'|[^&#\s"']*)/gi;

/**
 * Hides every password and token in a text, keeping enough to recognise what it was: user names,
 * hosts and parameter names stay. `rtsp://admin:pw@cam` → `rtsp://admin:***@cam`,
 * `mqtts://:pw@host` → `mqtts://:***@host`, `…/live?token=abc` → `…/live?token=***`,
 * `rtspsrc location=rtsp://cam user-pw=pw` → `… user-pw=***`.
 */
export function maskCredentials(text: string): string {
  return text
    .replace(URL_USERINFO, (_all, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
    })
    .replace(SECRET_PARAM, (_all, before: string, key: string) => `${before}${key}${MASK}`);
}

const SECRET_KEYS = new Set(['password', 'token', 'key']);

/**
 * A deep copy of a config with every secret masked: values under a secret key (password, token, key)
 * become ***, and every other string goes through maskCredentials (capture.source, mqtt.url, …).
 */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (SECRET_KEYS.has(key) && value !== undefined) {
    // File and credential references are not secret themselves, but keep output uniform.
    return typeof value === 'string' ? MASK : value;
  }
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return typeof value === 'string' ? maskCredentials(value) : value;
}
