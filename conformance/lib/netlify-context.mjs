// The two globals @netlify/identity reads in server mode (inside a Netlify Function): the request context with a
// cookie jar, and the identity context Netlify hands to functions.
export function cookieJar() {
  const jar = new Map();
  return {
    jar,
    get: (name) => jar.get(name)?.value,
    set: (cookie) => jar.set(cookie.name, cookie),
    delete: (name) => jar.delete(name),
  };
}

export function installFunctionContext(base, identityContext) {
  const cookies = cookieJar();
  globalThis.Netlify = { context: { url: new URL(`${base}/some/page`), cookies } };
  if (identityContext) {
    globalThis.netlifyIdentityContext = identityContext;
  } else {
    delete globalThis.netlifyIdentityContext;
  }
  return cookies;
}
