import type { DeviceConfig } from '../config/device.ts';
import type { BreakdownPeriod, PrivacyConfig } from '../config/privacy.ts';
import type { MqttConfig } from '../config/telemetry.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The printable signage notice for the shop window. The EU AI Act (Art. 50(3)) asks deployers of an
 * emotion recognition or biometric categorisation system to inform the people exposed to it; this
 * page states, in plain words, that measurement is in use, what is inferred (emotion only when it is
 * switched on), that nothing is stored about individuals (or, with mqtt.visits on, that a record of
 * each visit is sent to the back office), and whom to contact. Config values are escaped: the
 * operator contact is free text.
 */
export function renderNotice(device: DeviceConfig, privacy: PrivacyConfig, mqtt: Pick<MqttConfig, 'enabled' | 'visits' | 'visitMaxAgeS'>): string {
  const inferred = ['approximate age band', 'gender', ...(privacy.emotion ? ['facial expression (emotion)'] : []), 'whether and how long people look at the screen'];
  const contact = device.operatorContact.trim();
  const place = [device.name, device.location]
    .filter((s) => s.trim() !== '')
    .map(escapeHtml)
    .join(' · ');
  const aiAct = privacy.emotion
    ? 'This is an emotion recognition and biometric categorisation system within the meaning of the EU AI Act. You are being informed of it as Article 50(3) requires.'
    : 'This is a biometric categorisation system within the meaning of the EU AI Act. You are being informed of it as Article 50(3) requires.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Notice: anonymous audience measurement</title>
<link rel="stylesheet" href="/assets/notice.css">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
</head>
<body>
${contact === '' ? '<p class="setup-warning no-print">No operator contact is configured: set <code>device.operatorContact</code> before printing this notice.</p>\n' : ''}<main class="notice">
  <div class="eye" aria-hidden="true">
    <svg viewBox="0 0 64 64" width="72" height="72"><path d="M4 32c7-12 17-19 28-19s21 7 28 19c-7 12-17 19-28 19S11 44 4 32z" fill="none" stroke="currentColor" stroke-width="4"/><circle cx="32" cy="32" r="9" fill="currentColor"/></svg>
  </div>
  <h1>Anonymous audience measurement in use</h1>
  <p class="lead">A camera at this screen counts, anonymously, how many people pass by and how many look at it.</p>
  <h2>What the software infers</h2>
  <ul>${inferred.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>
  <p>These are automatic estimates, made in this device's memory while you are in view.</p>
  <h2>What is kept</h2>
  <ul>
    <li><strong>No images or video</strong> are recorded, stored or sent anywhere.</li>
    ${mqtt.enabled && mqtt.visits ? visitRecords(privacy, mqtt.visitMaxAgeS) : '<li><strong>Nothing is stored about individuals</strong>: no faces, no identifiers, no profiles; you are not recognised or followed between visits.</li>'}
    <li>Only counts per minute are kept, and deleted after ${privacy.retentionDays} days. Groups (age band, gender${privacy.emotion ? ', expression' : ''}, content shown) are reported only for whole past periods of ${periodWords(privacy.breakdownPeriod)}, and never a group smaller than ${privacy.kAnonymity} people in its period.</li>
  </ul>
  <p class="act">${escapeHtml(aiAct)}</p>
  <h2>Questions?</h2>
  <p class="contact">${contact === '' ? 'Please ask a member of staff.' : escapeHtml(contact)}</p>
  ${place === '' ? '' : `<p class="place">${place}</p>`}
</main>
</body>
</html>
`;
}

/** mqtt.visits on: one record per person leaves the device, so the notice must say what it holds. */
function visitRecords(privacy: PrivacyConfig, maxAgeS: number): string {
  const fields = ['approximate age band', 'gender', ...(privacy.emotion ? ['facial expression'] : []), 'how long you were in view and looked at the screen, and when', 'the content shown'];
  return (
    '<li><strong>No faces, no identifiers, no profiles</strong>: you are not recognised or followed between visits.</li>\n' +
    `    <li><strong>A record of each visit is sent to the operator's back-office system</strong>: ${escapeHtml(fields.join(', '))}. It is not grouped with other people's; this device keeps it only until it is delivered, at most ${duration(maxAgeS)}.</li>`
  );
}

function duration(s: number): string {
  const [n, unit] = s % 3600 === 0 ? [s / 3600, 'hour'] : s >= 60 ? [Math.round(s / 60), 'minute'] : [s, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** '1h' → 'one hour', '15m' → '15 minutes', '1d' → 'one day'. */
function periodWords(p: BreakdownPeriod): string {
  const n = Number.parseInt(p, 10);
  const unit = p.endsWith('m') ? 'minute' : p.endsWith('h') ? 'hour' : 'day';
  return n === 1 ? `one ${unit}` : `${n} ${unit}s`;
}
