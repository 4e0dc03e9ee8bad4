-- Foundation: people who sign in, their sessions, the audit trail, jobs and locks, and the
-- first customer-information records (cycles, customers, premises, accounts).
-- Timestamps are UTC; business dates are DATE. Money is integer cents, never a float.

CREATE TABLE cycles (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    months_per_bill INTEGER NOT NULL CHECK (months_per_bill IN (1, 2))
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    is_organisation BOOLEAN NOT NULL DEFAULT 0,
    mailing_address TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    preferred_locale TEXT NOT NULL DEFAULT 'en' CHECK (preferred_locale IN ('en', 'es')),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE premises (
    id TEXT PRIMARY KEY NOT NULL,
    service_address TEXT NOT NULL,
    parcel TEXT,
    inside_city BOOLEAN NOT NULL DEFAULT 1,
    cycle_id TEXT NOT NULL REFERENCES cycles (id),
    route TEXT NOT NULL,
    read_sequence INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX premises_cycle ON premises (cycle_id, route, read_sequence);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    premise_id TEXT NOT NULL REFERENCES premises (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'final', 'closed')),
    occupant TEXT NOT NULL CHECK (occupant IN ('owner', 'tenant')),
    opened_on DATE NOT NULL,
    closed_on DATE,
    deposit_required_cents BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX accounts_customer ON accounts (customer_id);
CREATE INDEX accounts_premise ON accounts (premise_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'finance_director', 'lead', 'clerk', 'field', 'auditor', 'customer', 'integrator')),
    password_hash TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    locale TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'es')),
    customer_id TEXT REFERENCES customers (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    refresh_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_username TEXT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    reason TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

-- The audit trail is append-only: the database itself refuses to change or remove a row.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    lease_until TIMESTAMP,
    finished_at TIMESTAMP,
    result TEXT,
    unique_key TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL REFERENCES jobs (id),
    instance TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome TEXT
);
CREATE INDEX job_runs_job ON job_runs (job_id);

CREATE TABLE locks (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    acquired_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
