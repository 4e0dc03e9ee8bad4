-- The account search index is derived data. Every change to what an account is found by
-- (its number, holder, the holder's name, phones and mailing address, the service address and
-- parcel, the meters installed at the premise) notes the account here, by trigger, in the
-- changing transaction; the server re-indexes the noted accounts just before that
-- transaction commits (db::before_commit). No caller has to remember to re-index.
-- No primary key: concurrent transactions noting one account must not wait on each other.
CREATE TABLE search_pending (
    account_id TEXT NOT NULL
);

CREATE TRIGGER search_pending_account_insert AFTER INSERT ON accounts
BEGIN
    INSERT INTO search_pending (account_id) VALUES (NEW.id);
END;

CREATE TRIGGER search_pending_account_update
AFTER UPDATE OF number, customer_id, premise_id ON accounts
BEGIN
    INSERT INTO search_pending (account_id) VALUES (NEW.id);
END;

CREATE TRIGGER search_pending_customer_update
AFTER UPDATE OF name, mailing_address, phone, phone_alt ON customers
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE customer_id = NEW.id;
END;

CREATE TRIGGER search_pending_premise_update
AFTER UPDATE OF service_address, parcel ON premises
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE premise_id = NEW.id;
END;

CREATE TRIGGER search_pending_meter_insert AFTER INSERT ON meters
WHEN NEW.premise_id IS NOT NULL
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE premise_id = NEW.premise_id;
END;

CREATE TRIGGER search_pending_meter_update
AFTER UPDATE OF serial, status, premise_id ON meters
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts
    WHERE premise_id = NEW.premise_id OR premise_id = OLD.premise_id;
END;

CREATE TRIGGER search_pending_meter_delete AFTER DELETE ON meters
WHEN OLD.premise_id IS NOT NULL
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE premise_id = OLD.premise_id;
END;
