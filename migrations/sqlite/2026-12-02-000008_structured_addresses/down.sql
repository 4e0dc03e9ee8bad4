DROP TRIGGER search_pending_premise_update;
DROP TRIGGER search_pending_customer_update;

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

ALTER TABLE premises DROP COLUMN zip4;
ALTER TABLE premises DROP COLUMN zip;
ALTER TABLE premises DROP COLUMN state;
ALTER TABLE premises DROP COLUMN city;
ALTER TABLE premises DROP COLUMN unit;
ALTER TABLE premises DROP COLUMN post_direction;
ALTER TABLE premises DROP COLUMN suffix;
ALTER TABLE premises DROP COLUMN street;
ALTER TABLE premises DROP COLUMN pre_direction;
ALTER TABLE premises DROP COLUMN house_number;

ALTER TABLE customers DROP COLUMN foreign_address;
ALTER TABLE customers DROP COLUMN zip4;
ALTER TABLE customers DROP COLUMN zip;
ALTER TABLE customers DROP COLUMN state;
ALTER TABLE customers DROP COLUMN city;
ALTER TABLE customers DROP COLUMN unit;
ALTER TABLE customers DROP COLUMN post_direction;
ALTER TABLE customers DROP COLUMN suffix;
ALTER TABLE customers DROP COLUMN street;
ALTER TABLE customers DROP COLUMN pre_direction;
ALTER TABLE customers DROP COLUMN house_number;
