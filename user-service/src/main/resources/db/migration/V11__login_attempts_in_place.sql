-- Every password check updates its row's last_attempt_at, and an index on that column made each such update write a
-- new row version and new index entries; without it PostgreSQL updates the row in place (a heap-only tuple) and
-- prunes the old version itself, which matters where autovacuum is slow or off. The sweep that used the index runs
-- every ten minutes and reads the table sequentially instead. Free room in each page keeps the updates in place.
drop index login_attempts_by_age;
alter table login_attempts set (fillfactor = 80);
