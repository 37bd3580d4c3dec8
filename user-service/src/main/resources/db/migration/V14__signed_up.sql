-- Whether a signup made the user. Only such an unconfirmed user may be taken over by a signup with another
-- password: one an admin created (or invited) carries what the admin gave it, and being mailed a confirmation (a
-- signup with the admin's password resends one) does not make it a signup's. Users from before this column count
-- as not made by a signup, the safe side: a signup with another password is then answered as a registered address.
alter table users add column signed_up boolean not null default false;
