DROP INDEX sessions_previous_refresh;
ALTER TABLE sessions DROP COLUMN rotated_at;
ALTER TABLE sessions DROP COLUMN previous_refresh_hash;
