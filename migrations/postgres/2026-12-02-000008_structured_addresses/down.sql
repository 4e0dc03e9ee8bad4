DROP TRIGGER search_pending_premise_update ON premises;
DROP TRIGGER search_pending_customer_update ON customers;
CREATE TRIGGER search_pending_customer_update
    AFTER UPDATE OF name, mailing_address, phone, phone_alt ON customers
    FOR EACH ROW EXECUTE FUNCTION search_pending_customer();
CREATE TRIGGER search_pending_premise_update
    AFTER UPDATE OF service_address, parcel ON premises
    FOR EACH ROW EXECUTE FUNCTION search_pending_premise();

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
