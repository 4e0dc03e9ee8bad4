-- "At most one" rules the database enforces (issue 9, point 5): a read-then-write check is
-- only the friendly answer; under concurrency (several connections, several instances on
-- PostgreSQL) the index below is what refuses the second row. The workflows map each index's
-- violation to its own error code (`db::violates_unique`).
--
-- One open account per premise is kept by a row lock instead (move-in locks the premise row
-- before it checks): the conversion import may carry a legacy city's premises with two open
-- accounts (it does not refuse them), so an index there could fail this migration or a later
-- import.

-- One open service order of a type per premise, unless the request allowed a duplicate: the
-- choice is stored on the order, so the index can leave allowed duplicates out.
ALTER TABLE service_orders ADD COLUMN allow_duplicate BOOLEAN NOT NULL DEFAULT FALSE;
-- Open duplicates from before this rule (allowed ones, or a race's) stay: the oldest of each
-- premise and type is the one the rule counts, the later ones are marked as allowed, so the
-- index below cannot fail on an existing database.
UPDATE service_orders SET allow_duplicate = TRUE
WHERE status = 'open' AND EXISTS (
    SELECT 1 FROM service_orders o
    WHERE o.premise_id = service_orders.premise_id
      AND o.order_type = service_orders.order_type
      AND o.status = 'open'
      AND (o.created_at < service_orders.created_at
           OR (o.created_at = service_orders.created_at AND o.id < service_orders.id))
);
CREATE UNIQUE INDEX service_orders_one_open_per_type ON service_orders (premise_id, order_type)
WHERE status = 'open' AND NOT allow_duplicate;

-- Usernames are unique without regard to case, and sign-in finds them so (usernames are
-- ASCII, so both backends' lower() agree). Names that differed only in case were allowed
-- before: the later ones get their id's tail appended (`Clerk` -> `Clerk-3f9a0c21`), so the
-- index cannot fail; the earliest keeps its name. An administrator renames them afterwards.
UPDATE users SET username = username || '-' || substr(id, length(id) - 7)
WHERE EXISTS (
    SELECT 1 FROM users u
    WHERE lower(u.username) = lower(users.username)
      AND (u.created_at < users.created_at
           OR (u.created_at = users.created_at AND u.id < users.id))
);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));

-- Meter serials were unique already (`meters_serial_key`); account, order and complaint
-- numbers too. The counters behind the numbers exist from the start (customer_information).
