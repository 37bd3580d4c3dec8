// The seed's "Protect a Netlify Function" example, unchanged but for the TypeScript types.
import { getUser } from '@netlify/identity';

export default async (req, context) => {
  const user = await getUser();
  if (!user) return new Response('Unauthorized', { status: 401 });
  return Response.json({ id: user.id, email: user.email });
};
