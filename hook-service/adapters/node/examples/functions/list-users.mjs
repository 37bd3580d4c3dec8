// Lists users with the admin token the gateway hands every function (@netlify/identity's admin API).
import { admin } from '@netlify/identity';

export default async () => {
  const users = await admin.listUsers();
  return Response.json({ emails: users.map((user) => user.email) });
};
