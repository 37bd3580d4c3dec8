// The signed-in visitor's access token, for calls the client library does not make itself (a function, the
// admin API). @netlify/identity keeps it in the nf_jwt cookie, which is also what the edge's Role rules read.
import { refreshSession } from '/vendor/netlify-identity.js';

/** The current access token, refreshed first when it is close to expiry; null when nobody is signed in. */
export async function accessToken() {
  await refreshSession();
  const match = /(?:^|; )nf_jwt=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : null;
}
