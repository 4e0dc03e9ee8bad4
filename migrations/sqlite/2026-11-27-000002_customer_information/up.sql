-- Customer information: who is served where, through which meter, since when, and the field
-- work that keeps it true. Money is integer cents; multipliers are exact decimal text.

ALTER TABLE customers ADD COLUMN phone_alt TEXT;
ALTER TABLE customers ADD COLUMN notify_email BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN notify_text BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN notify_mail BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE customers ADD COLUMN updated_at TIMESTAMP;

ALTER TABLE premises ADD COLUMN dwelling_units INTEGER NOT NULL DEFAULT 1;
ALTER TABLE premises ADD COLUMN notes TEXT;
ALTER TABLE premises ADD COLUMN updated_at TIMESTAMP;

-- (No REFERENCES here: SQLite cannot drop a column that has one; the domain checks it.)
ALTER TABLE accounts ADD COLUMN owner_copy_customer_id TEXT;
ALTER TABLE accounts ADD COLUMN paperless BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN autopay BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN final_read_on DATE;
ALTER TABLE accounts ADD COLUMN closing_bill_pending BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN updated_at TIMESTAMP;

CREATE TABLE meters (
    id TEXT PRIMARY KEY NOT NULL,
    serial TEXT NOT NULL UNIQUE,
    size TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('positive_displacement', 'compound', 'turbine', 'electromagnetic', 'ultrasonic')),
    unit TEXT NOT NULL CHECK (unit IN ('ccf', 'cubic_feet', 'gallons', 'kgal')),
    manufacturer TEXT,
    model TEXT,
    endpoint_serial TEXT,
    status TEXT NOT NULL CHECK (status IN ('in_stock', 'installed', 'removed', 'retired')),
    premise_id TEXT REFERENCES premises (id),
    installed_on DATE,
    removed_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX meters_premise ON meters (premise_id);

-- A plain meter has one register ('main'); a compound meter has 'low' and 'high'.
CREATE TABLE meter_registers (
    meter_id TEXT NOT NULL REFERENCES meters (id),
    code TEXT NOT NULL CHECK (code IN ('main', 'low', 'high')),
    digits INTEGER NOT NULL CHECK (digits BETWEEN 3 AND 10),
    multiplier TEXT NOT NULL,
    PRIMARY KEY (meter_id, code)
);

CREATE TABLE meter_reads (
    id TEXT PRIMARY KEY NOT NULL,
    meter_id TEXT NOT NULL REFERENCES meters (id),
    register_code TEXT NOT NULL,
    premise_id TEXT REFERENCES premises (id),
    account_id TEXT REFERENCES accounts (id),
    read_on DATE NOT NULL,
    reading BIGINT NOT NULL CHECK (reading >= 0),
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'regular', 'final', 'reread', 'estimated', 'change_out_final', 'change_out_initial', 'conversion')),
    source TEXT NOT NULL CHECK (source IN ('field', 'office', 'import', 'conversion')),
    service_order_id TEXT,
    note TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meter_reads_meter ON meter_reads (meter_id, register_code, read_on);
CREATE INDEX meter_reads_account ON meter_reads (account_id, read_on);

CREATE TABLE services (
    id TEXT PRIMARY KEY NOT NULL,
    premise_id TEXT NOT NULL REFERENCES premises (id),
    service_type TEXT NOT NULL CHECK (service_type IN ('water', 'sewer', 'stormwater', 'fee')),
    customer_class TEXT NOT NULL,
    rate_code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'seasonal_off', 'inactive')),
    esu TEXT,
    started_on DATE NOT NULL,
    ended_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX services_premise ON services (premise_id);

CREATE TABLE service_orders (
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    order_type TEXT NOT NULL CHECK (order_type IN ('meter_set', 'turn_on', 'turn_off', 'final_read', 'reread', 'leak_check', 'shut_off_nonpayment', 'reconnect', 'meter_change', 'locate')),
    status TEXT NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    premise_id TEXT NOT NULL REFERENCES premises (id),
    account_id TEXT REFERENCES accounts (id),
    meter_id TEXT REFERENCES meters (id),
    new_meter_id TEXT REFERENCES meters (id),
    assigned_to TEXT REFERENCES users (id),
    due_on DATE NOT NULL,
    instructions TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    completed_by TEXT,
    completed_on DATE,
    reading BIGINT,
    new_reading BIGINT,
    completion_notes TEXT,
    cancel_reason TEXT
);
CREATE INDEX service_orders_status ON service_orders (status, due_on);
CREATE INDEX service_orders_assignee ON service_orders (assigned_to, status);
CREATE INDEX service_orders_premise ON service_orders (premise_id, order_type, status);

CREATE TABLE account_notes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT 0,
    author_id TEXT,
    author_name TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX account_notes_account ON account_notes (account_id, created_at);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    account_id TEXT REFERENCES accounts (id),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'in_person', 'letter', 'portal', 'text')),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    subject TEXT NOT NULL,
    body TEXT,
    staff_id TEXT,
    staff_name TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id, at);

CREATE TABLE complaints (
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    account_id TEXT REFERENCES accounts (id),
    category TEXT NOT NULL CHECK (category IN ('high_bill', 'water_quality', 'leak', 'meter', 'billing_error', 'service', 'staff', 'other')),
    description TEXT NOT NULL,
    owner_id TEXT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    resolution TEXT,
    opened_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX complaints_status ON complaints (status, opened_at);

CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    contact_name TEXT,
    phone TEXT,
    email TEXT,
    notes TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);

-- System development charges: one-time connection charges recorded against a premise.
CREATE TABLE sdc_charges (
    id TEXT PRIMARY KEY NOT NULL,
    premise_id TEXT NOT NULL REFERENCES premises (id),
    permit_number TEXT NOT NULL,
    service_type TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    assessed_on DATE NOT NULL,
    paid_on DATE,
    notes TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sdc_premise ON sdc_charges (premise_id);

-- Winter-average history brought over from a previous system (later computed from reads).
CREATE TABLE winter_averages (
    premise_id TEXT NOT NULL REFERENCES premises (id),
    season TEXT NOT NULL,
    average_ccf TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (premise_id, season)
);

-- Search: normalised words and their sound-alike keys, one row per word per account.
CREATE TABLE search_terms (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    term TEXT NOT NULL,
    sound TEXT NOT NULL,
    field TEXT NOT NULL
);
CREATE INDEX search_terms_term ON search_terms (term);
CREATE INDEX search_terms_sound ON search_terms (sound);
CREATE INDEX search_terms_account ON search_terms (account_id);

-- Counters for human-readable numbers (service orders, complaints).
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);

-- Conversion imports already applied, so a repeated run is recognised.
CREATE TABLE import_batches (
    id TEXT PRIMARY KEY NOT NULL,
    checksum TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    imported_by TEXT,
    imported_at TIMESTAMP NOT NULL
);

INSERT INTO counters (name, value) VALUES ('service_order', 0), ('complaint', 0), ('account', 0);
