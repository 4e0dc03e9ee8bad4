DROP TABLE search_vocab;
DROP INDEX search_terms_term;
DROP INDEX search_terms_account;
CREATE INDEX search_terms_account ON search_terms (account_id);
ALTER TABLE search_terms ALTER COLUMN term TYPE TEXT COLLATE "default";
ALTER TABLE search_terms ADD COLUMN sound TEXT NOT NULL DEFAULT '';
CREATE INDEX search_terms_term ON search_terms (term);
CREATE INDEX search_terms_sound ON search_terms (sound);
