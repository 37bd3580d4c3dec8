// A protected function: Netlify (and Tessera's function gateway) verify the caller's bearer token and hand the
// function its claims as context.clientContext.user. Without a valid token there is no user, and it says so.
export const handler = async (event, context) => {
  const user = context.clientContext && context.clientContext.user;
  if (!user) {
    return json(401, { error: 'Sign in first: this function answers only a signed-in visitor.' });
  }
  return json(200, { message: `Hello ${user.email}, the function knows who you are.`, user });
};

function json(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
