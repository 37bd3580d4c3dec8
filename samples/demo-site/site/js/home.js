// The home page: signup, login, logout, OAuth, every mailed link (handleAuthCallback), account settings and a
// protected function call, with the unmodified @netlify/identity client.
import * as identity from '/vendor/netlify-identity.js';
import { accessToken } from '/js/session.js';
import { onSubmit, say, sayError, showOnly } from '/js/ui.js';

const PANELS = ['signed-out', 'signed-in', 'new-password', 'invite'];
const $ = (id) => document.getElementById(id);
let inviteToken = null;

function render(user) {
  showOnly(PANELS, user ? 'signed-in' : 'signed-out');
  if (!user) return;
  $('signed-in-email').textContent = user.email;
  $('signed-in-roles').textContent = user.roles && user.roles.length ? `(roles: ${user.roles.join(', ')})` : '';
  $('profile-name').value = user.name || '';
  $('pending-email').textContent = user.pendingEmail ? `Waiting for confirmation of ${user.pendingEmail}.` : '';
}

/** What each kind of mailed link (or an OAuth return) leads to. */
async function followCallback(result) {
  switch (result.type) {
    case 'confirmation':
      say('Your email address is confirmed. Welcome!');
      return render(result.user);
    case 'oauth':
      say(`Signed in with ${result.user.provider || 'your provider'}.`);
      return render(result.user);
    case 'recovery':
      say('Choose a new password to finish recovering your account.');
      return showOnly(PANELS, 'new-password');
    case 'invite':
      inviteToken = result.token;
      say('You were invited. Choose a password to accept.');
      return showOnly(PANELS, 'invite');
    case 'email_change':
      say(result.user.pendingEmail
        ? `Confirmed. The change to ${result.user.pendingEmail} completes when the link sent to the other address`
          + ' is opened too.'
        : `Your email address is now ${result.user.email}.`);
      return render(result.user);
    default:
      return render(await identity.getUser());
  }
}

const PROVIDER_NAMES = { github: 'GitHub', gitlab: 'GitLab', google: 'Google', bitbucket: 'Bitbucket',
  facebook: 'Facebook' };

async function renderOAuthButtons() {
  const settings = await identity.getSettings();
  const box = $('oauth-buttons');
  for (const [provider, enabled] of Object.entries(settings.providers)) {
    if (!enabled || provider === 'email') continue;
    const button = document.createElement('button');
    button.id = `oauth-${provider}`;
    button.dataset.testid = `oauth-${provider}`;
    button.textContent = `Continue with ${PROVIDER_NAMES[provider] || provider}`;
    button.addEventListener('click', () => identity.oauthLogin(provider));
    box.append(button);
  }
}

onSubmit('signup-form', async ({ name, email, password }) => {
  const user = await identity.signup(email, password, name ? { full_name: name } : {});
  if (user.confirmedAt) {
    say('Welcome! You are signed in.');
    render(user);
  } else {
    say(`Almost there: open the confirmation link we sent to ${email}.`);
  }
});

onSubmit('login-form', async ({ email, password }) => {
  render(await identity.login(email, password));
  say('Welcome back.');
});

onSubmit('recover-form', async ({ email }) => {
  await identity.requestPasswordRecovery(email);
  say(`If ${email} has an account, a recovery link is on its way.`);
});

onSubmit('new-password-form', async ({ password }) => {
  render(await identity.updateUser({ password }));
  say('Your new password is saved.');
});

onSubmit('invite-form', async ({ password }) => {
  render(await identity.acceptInvite(inviteToken, password));
  say('Welcome! Your account is ready.');
});

onSubmit('profile-form', async ({ name }) => {
  render(await identity.updateUser({ data: { full_name: name } }));
  say('Your profile is saved.');
});

onSubmit('password-form', async ({ password }, form) => {
  render(await identity.updateUser({ password }));
  form.reset();
  say('Your password is changed.');
});

onSubmit('email-form', async ({ email }) => {
  render(await identity.updateUser({ email }));
  say(`To finish, open the confirmation link sent to ${email} (and the one sent to your current address, if any).`);
});

$('logout').addEventListener('click', async () => {
  try {
    await identity.logout();
    render(null);
    say('You are signed out.');
  } catch (error) {
    sayError(error);
  }
});

$('call-function').addEventListener('click', async () => {
  const token = await accessToken();
  const response = await fetch('/.netlify/functions/whoami', {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  $('function-result').textContent = JSON.stringify(await response.json(), null, 2);
});

try {
  const result = await identity.handleAuthCallback();
  if (result) await followCallback(result);
  else render(await identity.getUser());
} catch (error) {
  sayError(error);
  render(await identity.getUser());
} finally {
  $('loading').hidden = true;
}
renderOAuthButtons().catch(sayError);
