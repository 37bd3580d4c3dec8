-- Who a user is, as access tokens show it: the fields of the internal lookup (platform's IdentityView), published
-- for auth-service's refresh grant, which reads it in the statement that finds the presented token instead of
-- calling here once per refresh. A contract with another service: a later release may add columns at the end
-- ("create or replace view" allows nothing else), never drop, rename or retype one; PostgreSQL refuses to drop or
-- retype a users column the view reads until the view is changed (docs/decisions/2026-12-04-identity-view.md).
create view token_identities as
    select id, aud, email, role, confirmed_at is not null as confirmed, app_metadata, user_metadata, session_epoch,
           kept_session_id
    from users;
