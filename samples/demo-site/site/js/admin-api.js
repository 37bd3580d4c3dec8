// GoTrue's admin API, called from the browser with the signed-in admin's own access token.
// (@netlify/identity's `admin` namespace is server-only: it wants the operator token a Netlify Function gets.)
import { accessToken } from '/js/session.js';

const BASE = '/.netlify/identity';

/** A page of a listing: the items, the 1-based page, and the total the server reports in X-Total-Count. */
async function page(path, params, pick) {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '' && value != null));
  const response = await call('GET', `${path}?${query}`);
  const total = Number(response.headers.get('X-Total-Count') || 0);
  return { items: pick(await response.json()), total };
}

async function call(method, path, body) {
  const token = await accessToken();
  const response = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    throw new Error(error.msg || error.error_description || `${method} ${path} answered ${response.status}`);
  }
  return response;
}

export const PER_PAGE = 10;

export const listUsers = (pageNumber, filter) =>
  page('/admin/users', { page: pageNumber, per_page: PER_PAGE, filter }, (body) => body.users);

export const auditLog = (pageNumber) => page('/admin/audit', { page: pageNumber, per_page: PER_PAGE }, (body) => body);

export const invite = (email) => call('POST', '/invite', { email });

export const updateUser = (id, changes) => call('PUT', `/admin/users/${encodeURIComponent(id)}`, changes);

export const deleteUser = (id) => call('DELETE', `/admin/users/${encodeURIComponent(id)}`);
