-- Rate schedules as versioned data (docs/rates.md). One row is one version of one rate book:
-- `book_id` is the document's `id`, shared by its versions; `document` is the JSON exactly as
-- it was sent (export gives it back byte for byte). Drafts may change; an approved version
-- never does, and a retired one is only kept for history. The approver must differ from the
-- last editor (maker-checker), here as in the application.

CREATE TABLE rate_schedules (
    id TEXT PRIMARY KEY NOT NULL,
    book_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    title TEXT NOT NULL,
    effective_date DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'retired')),
    document TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_by TEXT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    approved_by TEXT REFERENCES users (id),
    approved_at TIMESTAMP,
    retired_by TEXT REFERENCES users (id),
    retired_at TIMESTAMP,
    UNIQUE (book_id, version),
    CHECK (status = 'draft' OR approved_at IS NOT NULL),
    CHECK (status <> 'retired' OR retired_at IS NOT NULL),
    CHECK (approved_by IS NULL OR updated_by IS NULL OR approved_by <> updated_by)
);
CREATE INDEX rate_schedules_book ON rate_schedules (book_id, status, effective_date);
-- Two approved versions of one rate book never take effect on the same day.
CREATE UNIQUE INDEX rate_schedules_one_approved_per_day
    ON rate_schedules (book_id, effective_date) WHERE status = 'approved';

-- Approved versions are immutable: only their retirement may be written, and nothing but a
-- draft may be deleted.
CREATE TRIGGER rate_schedules_approved_immutable BEFORE UPDATE ON rate_schedules
WHEN OLD.status <> 'draft' AND (
    NEW.document IS NOT OLD.document OR NEW.book_id IS NOT OLD.book_id
    OR NEW.version IS NOT OLD.version OR NEW.effective_date IS NOT OLD.effective_date
    OR NEW.title IS NOT OLD.title OR NEW.approved_by IS NOT OLD.approved_by
    OR NEW.approved_at IS NOT OLD.approved_at OR OLD.status = 'retired'
    OR NEW.status = 'draft'
)
BEGIN SELECT RAISE(ABORT, 'approved rate schedules are immutable'); END;
CREATE TRIGGER rate_schedules_no_delete BEFORE DELETE ON rate_schedules
WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'only a draft rate schedule may be deleted'); END;
