-- Search as built (backend/src/domain/search.rs): one row per distinct word per account,
-- found through a covering index on (term, account_id); sound-alike keys move to the
-- vocabulary, the distinct alphabetic words that a misspelling is matched against.
-- Terms compare byte by byte ("C"), as in SQLite: prefix ranges (term >= 'gar' AND
-- term < 'gas') use the index and both backends agree on the order.
DROP INDEX search_terms_sound;
DROP INDEX search_terms_term;
ALTER TABLE search_terms DROP COLUMN sound;
ALTER TABLE search_terms ALTER COLUMN term TYPE TEXT COLLATE "C";
CREATE INDEX search_terms_term ON search_terms (term, account_id);
-- An account's words for a word range: reindexing deletes by account, and a search for a
-- very common word walks accounts in number order and looks up each one's words.
DROP INDEX search_terms_account;
CREATE INDEX search_terms_account ON search_terms (account_id, term);

CREATE TABLE search_vocab (
    term TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    sound TEXT NOT NULL
);
CREATE INDEX search_vocab_sound ON search_vocab (sound);
