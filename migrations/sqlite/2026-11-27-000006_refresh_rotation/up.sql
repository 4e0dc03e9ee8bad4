-- Refresh-token rotation: the token just replaced stays valid for a few seconds (two browser
-- tabs refreshing at once), and a replaced token presented later means it was stolen.
ALTER TABLE sessions ADD COLUMN previous_refresh_hash TEXT;
ALTER TABLE sessions ADD COLUMN rotated_at TIMESTAMP;
CREATE INDEX sessions_previous_refresh ON sessions (previous_refresh_hash);
