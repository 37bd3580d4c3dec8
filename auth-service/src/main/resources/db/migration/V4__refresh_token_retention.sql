-- Rotation and logout now delete the tokens they end, and a sweep deletes expired ones (ExpiredTokenSweep), which
-- finds them by issue time. Revoked rows were never read again: they go now.
delete from refresh_tokens where revoked;
create index refresh_tokens_by_created_at on refresh_tokens (created_at);
