// A Lambda-style (v1) function reading the clientContext as Netlify's docs show.
export const handler = async (event, context) => {
  const { identity, user } = context.clientContext;
  const custom = JSON.parse(Buffer.from(context.clientContext.custom.netlify, 'base64').toString('utf8'));
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      identityUrl: identity.url,
      hasToken: typeof identity.token === 'string' && identity.token.split('.').length === 3,
      user: user ?? null,
      customMatches: custom.identity.url === identity.url && custom.identity.token === identity.token,
      path: event.path,
      query: event.queryStringParameters,
      sawContextHeader: 'x-tessera-client-context' in event.headers,
    }),
  };
};
