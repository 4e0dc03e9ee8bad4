-- Integrator keys an administrator can manage: a name to recognise the key by, an optional
-- expiry, the last time it was used (kept to the minute), and an optional list of the
-- operations (OpenAPI operationIds) it may call, e.g. a lobby kiosk that shows balances.
-- NULL operations: every operation the integrator role admits.
ALTER TABLE api_keys ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN operations TEXT;
