-- Addresses with structure: bills, notices, postal presort, the Intelligent Mail barcode and
-- the county's tax roll need an address's parts. Premises get the service address in parts,
-- customers the mailing address in parts (or `foreign_address`, a free-form address outside
-- the United States: `foreign` itself is an SQL keyword). The text columns `service_address`
-- and `mailing_address` stay: they hold the one display form (`Address::one_line`), written by
-- the same code that writes the parts. All parts NULL: not yet split (rows from before this
-- migration are split by the server after migrating, see `db::addresses::backfill`; a text that
-- does not read as an address stays unsplit).

ALTER TABLE customers ADD COLUMN house_number TEXT;
ALTER TABLE customers ADD COLUMN pre_direction TEXT;
ALTER TABLE customers ADD COLUMN street TEXT;
ALTER TABLE customers ADD COLUMN suffix TEXT;
ALTER TABLE customers ADD COLUMN post_direction TEXT;
ALTER TABLE customers ADD COLUMN unit TEXT;
ALTER TABLE customers ADD COLUMN city TEXT;
ALTER TABLE customers ADD COLUMN state TEXT;
ALTER TABLE customers ADD COLUMN zip TEXT;
ALTER TABLE customers ADD COLUMN zip4 TEXT;
ALTER TABLE customers ADD COLUMN foreign_address TEXT;

ALTER TABLE premises ADD COLUMN house_number TEXT;
ALTER TABLE premises ADD COLUMN pre_direction TEXT;
ALTER TABLE premises ADD COLUMN street TEXT;
ALTER TABLE premises ADD COLUMN suffix TEXT;
ALTER TABLE premises ADD COLUMN post_direction TEXT;
ALTER TABLE premises ADD COLUMN unit TEXT;
ALTER TABLE premises ADD COLUMN city TEXT;
ALTER TABLE premises ADD COLUMN state TEXT;
ALTER TABLE premises ADD COLUMN zip TEXT;
ALTER TABLE premises ADD COLUMN zip4 TEXT;

-- The search index triggers (migration 000007) list the columns whose change re-indexes an
-- account: the parts join them.
DROP TRIGGER search_pending_premise_update;
DROP TRIGGER search_pending_customer_update;

CREATE TRIGGER search_pending_customer_update
AFTER UPDATE OF name, mailing_address, phone, phone_alt, house_number, pre_direction, street, suffix, post_direction, unit, city, state, zip, zip4, foreign_address ON customers
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE customer_id = NEW.id;
END;

CREATE TRIGGER search_pending_premise_update
AFTER UPDATE OF service_address, parcel, house_number, pre_direction, street, suffix, post_direction, unit, city, state, zip, zip4 ON premises
BEGIN
    INSERT INTO search_pending (account_id)
    SELECT id FROM accounts WHERE premise_id = NEW.id;
END;
