// The user-management console of /admin/: users listed and searched with paging, invitations, confirmation,
// roles in app_metadata, deletion, and the audit log. After each change the lists are read again before the
// message says it is done, so what the message reports is what the tables show.
import { getUser } from '/vendor/netlify-identity.js';
import * as api from '/js/admin-api.js';
import { onSubmit, say, sayError } from '/js/ui.js';

const $ = (id) => document.getElementById(id);
const users = { page: 1, filter: '', pages: 1 };
const audit = { page: 1, pages: 1 };

function cell(row, content) {
  const td = row.insertCell();
  if (content instanceof Node) td.append(content);
  else td.textContent = content ?? '';
  return td;
}

function button(label, testid, action) {
  const b = document.createElement('button');
  b.textContent = label;
  b.dataset.testid = testid;
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await action();
    } catch (error) {
      sayError(error);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

function userRow(user) {
  const row = document.createElement('tr');
  row.dataset.testid = 'user-row';
  row.dataset.email = user.email;
  cell(row, user.email);
  cell(row, user.confirmed_at ? 'yes' : 'no').dataset.testid = 'user-confirmed';
  cell(row, user.role);
  const roles = document.createElement('input');
  roles.value = ((user.app_metadata || {}).roles || []).join(', ');
  roles.dataset.testid = 'roles-input';
  roles.setAttribute('aria-label', `roles of ${user.email}`);
  cell(row, roles);
  const actions = cell(row, button('Save roles', 'save-roles', async () => {
    const list = roles.value.split(',').map((role) => role.trim()).filter(Boolean);
    await api.updateUser(user.id, { app_metadata: { roles: list } });
    await refresh();
    say(`Roles of ${user.email}: ${list.join(', ') || 'none'}.`);
  }));
  if (!user.confirmed_at) {
    actions.append(button('Confirm', 'confirm-user', async () => {
      await api.updateUser(user.id, { confirm: true });
      await refresh();
      say(`${user.email} is confirmed.`);
    }));
  }
  actions.append(button('Delete', 'delete-user', async () => {
    await api.deleteUser(user.id);
    await refresh();
    say(`${user.email} is deleted.`);
  }));
  return row;
}

function auditRow(entry) {
  const row = document.createElement('tr');
  row.dataset.testid = 'audit-row';
  const payload = entry.payload || {};
  cell(row, new Date(entry.created_at).toLocaleString());
  cell(row, payload.action);
  cell(row, payload.actor_username || payload.actor_id);
  cell(row, payload.traits ? JSON.stringify(payload.traits) : '');
  return row;
}

const pages = (total) => Math.max(1, Math.ceil(total / api.PER_PAGE));

async function showUsers() {
  const { items, total } = await api.listUsers(users.page, users.filter);
  users.pages = pages(total);
  $('users').replaceChildren(...items.map(userRow));
  $('users-page').textContent = `Page ${users.page} of ${users.pages} (${total} users)`;
  $('users-previous').disabled = users.page <= 1;
  $('users-next').disabled = users.page >= users.pages;
}

async function showAudit() {
  const { items, total } = await api.auditLog(audit.page);
  audit.pages = pages(total);
  $('audit').replaceChildren(...items.map(auditRow));
  $('audit-page').textContent = `Page ${audit.page} of ${audit.pages} (${total} entries)`;
  $('audit-previous').disabled = audit.page <= 1;
  $('audit-next').disabled = audit.page >= audit.pages;
}

const refresh = () => Promise.all([showUsers(), showAudit()]);

function pager(id, state, show, step) {
  $(id).addEventListener('click', () => {
    state.page = Math.min(Math.max(1, state.page + step), state.pages);
    show().catch(sayError);
  });
}
pager('users-previous', users, showUsers, -1);
pager('users-next', users, showUsers, 1);
pager('audit-previous', audit, showAudit, -1);
pager('audit-next', audit, showAudit, 1);

onSubmit('search-form', async ({ filter }) => {
  users.filter = filter;
  users.page = 1;
  await showUsers();
});

onSubmit('invite-form', async ({ email }, form) => {
  await api.invite(email);
  form.reset();
  await refresh();
  say(`Invitation sent to ${email}.`);
});

const me = await getUser();
$('admin-email').textContent = me ? me.email : '(nobody)';
refresh().catch(sayError);
