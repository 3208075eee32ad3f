// Number and time formatting for the page. Data only ever reaches the DOM through textContent.

const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const count = (n) => (Number.isFinite(n) ? nf.format(n) : '–');
export const percent = (p) => (Number.isFinite(p) ? `${nf1.format(p * 100)}%` : '–');

/** 4.2 s, 1 min 05 s, 2 h 10 min */
export function seconds(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${nf1.format(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}

export function bytes(b) {
  if (!Number.isFinite(b)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${nf1.format(b)} ${units[i]}`;
}

export function duration(s) {
  if (!Number.isFinite(s)) return '–';
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
}

export function hourRange(ms) {
  const start = new Date(ms);
  const end = new Date(ms + 3_600_000);
  const f = (d) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return `${f(start)}–${f(end)}`;
}

export function hourStart(ms) {
  return new Date(ms).toLocaleTimeString(undefined, { hour: 'numeric' });
}

/** 900 → "15 min", 3600 → "1 h", 86400 → "1 day" */
export function periodLabel(s) {
  if (!Number.isFinite(s)) return '–';
  if (s >= 86400) return `${s / 86400} day${s === 86400 ? '' : 's'}`;
  return s >= 3600 ? `${s / 3600} h` : `${s / 60} min`;
}

export function startOfToday() {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d;
}

/** Creates an element with a class and text, never parsing HTML. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
