DROP INDEX users_username_lower;
DROP INDEX service_orders_one_open_per_type;
ALTER TABLE service_orders DROP COLUMN allow_duplicate;
