-- Secure email change: the link mailed to the current address has its own token. The change completes once both
-- the current-address token and the new-address token (email_change_token_hash) are used; a used token is cleared.
alter table users add column email_change_token_current_hash text;
