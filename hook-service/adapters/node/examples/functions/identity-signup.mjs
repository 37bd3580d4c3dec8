// An identity event function as in Netlify's CLI template: give every confirmed user a role.
export const handler = async (event) => {
  const { user } = JSON.parse(event.body);
  return {
    statusCode: 200,
    body: JSON.stringify({
      app_metadata: { ...user.app_metadata, roles: ['member'] },
      user_metadata: { ...user.user_metadata, welcomed_by: 'identity-signup' },
    }),
  };
};
