// A browser for @netlify/identity's browser mode: happy-dom's window, document (cookies), localStorage and
// history, at the suite's origin. Node's own fetch stays in place, so requests reach the real suite.
import { Window } from 'happy-dom';

export function installBrowser(origin) {
  const window = new Window({ url: `${origin}/` });
  globalThis.window = window;
  globalThis.document = window.document;
  globalThis.localStorage = window.localStorage;
  globalThis.history = window.history;
  globalThis.location = window.location;
  return window;
}

/** Puts a link's fragment in the address bar, as following a mail link would. */
export function arriveWithHash(window, hash) {
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${hash}`);
}
