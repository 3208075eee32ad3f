// Fetch helpers. A 401 means the dashboard wants a login; callers show the login form.

export class AuthRequired extends Error {}

export async function getJson(path, params) {
  const url = params ? `${path}?${new URLSearchParams(params)}` : path;
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) throw new AuthRequired('login required');
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = (await res.json()).message ?? message;
    } catch {
      /* not JSON */
    }
    throw new Error(`${path}: ${res.status} ${message}`);
  }
  return res.json();
}

export async function login(token) {
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (res.status === 204) return { ok: true };
  let message = 'login failed';
  try {
    message = (await res.json()).message ?? message;
  } catch {
    /* not JSON */
  }
  return { ok: false, message: res.status === 429 ? 'Too many attempts. Wait a minute and try again.' : message };
}

export async function logout() {
  await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
}
