-- No query looks refresh tokens up by session (rotation goes by id, logout by user), and every grant paid for
-- keeping this index.
drop index if exists refresh_tokens_by_session;
