-- The account search index is derived data. Every change to what an account is found by
-- (its number, holder, the holder's name, phones and mailing address, the service address and
-- parcel, the meters installed at the premise) notes the account here, by trigger, in the
-- changing transaction; the server re-indexes the noted accounts just before that
-- transaction commits (db::before_commit). No caller has to remember to re-index.
-- No primary key: concurrent transactions noting one account must not wait on each other.
CREATE TABLE search_pending (
    account_id TEXT NOT NULL
);

CREATE FUNCTION search_pending_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_pending (account_id) VALUES (NEW.id);
    RETURN NULL;
END $$;

CREATE FUNCTION search_pending_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE customer_id = NEW.id;
    RETURN NULL;
END $$;

CREATE FUNCTION search_pending_premise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE premise_id = NEW.id;
    RETURN NULL;
END $$;

CREATE FUNCTION search_pending_meter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_pending (account_id)
        SELECT id FROM accounts WHERE premise_id = OLD.premise_id;
    ELSE
        INSERT INTO search_pending (account_id)
        SELECT id FROM accounts WHERE premise_id = NEW.premise_id;
        IF TG_OP = 'UPDATE' AND OLD.premise_id IS DISTINCT FROM NEW.premise_id THEN
            INSERT INTO search_pending (account_id)
            SELECT id FROM accounts WHERE premise_id = OLD.premise_id;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER search_pending_account_insert AFTER INSERT ON accounts
    FOR EACH ROW EXECUTE FUNCTION search_pending_account();
CREATE TRIGGER search_pending_account_update
    AFTER UPDATE OF number, customer_id, premise_id ON accounts
    FOR EACH ROW EXECUTE FUNCTION search_pending_account();
CREATE TRIGGER search_pending_customer_update
    AFTER UPDATE OF name, mailing_address, phone, phone_alt ON customers
    FOR EACH ROW EXECUTE FUNCTION search_pending_customer();
CREATE TRIGGER search_pending_premise_update
    AFTER UPDATE OF service_address, parcel ON premises
    FOR EACH ROW EXECUTE FUNCTION search_pending_premise();
CREATE TRIGGER search_pending_meter_change
    AFTER INSERT OR UPDATE OF serial, status, premise_id OR DELETE ON meters
    FOR EACH ROW EXECUTE FUNCTION search_pending_meter();
