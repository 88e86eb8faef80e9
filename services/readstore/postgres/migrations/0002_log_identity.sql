-- Which log this store is a fold of (key 'log_id', services/common/identity.py), as schema.sql's
-- `meta`: a store never takes the facts of another log (services/projector/logbinding.py).
CREATE TABLE meta (
    key ctext PRIMARY KEY,
    value ctext NOT NULL
);
