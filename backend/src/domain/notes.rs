//! Notes on an account (pinned ones first).

use cistern_shared::notes::{NoteDto, NoteInput};
use diesel::prelude::*;

use crate::db::models::AccountNote;
use crate::db::schema::{account_notes, accounts};
use crate::db::{now, DbConnection, WriteTx};
use crate::domain::audit::{self, Actor, Change};
use crate::domain::{new_id, user_name};
use crate::error::{ApiError, ApiResult};

pub fn notes_of(c: &mut DbConnection, account_id: &str) -> ApiResult<Vec<NoteDto>> {
    Ok(account_notes::table
        .filter(account_notes::account_id.eq(account_id))
        .select(AccountNote::as_select())
        .order((
            account_notes::pinned.desc(),
            account_notes::created_at.desc(),
        ))
        .load(c)?
        .into_iter()
        .map(NoteDto::from)
        .collect())
}

pub fn add_note(
    tx: &mut WriteTx<'_>,
    actor: &Actor,
    account_id: &str,
    input: &NoteInput,
) -> ApiResult<Vec<NoteDto>> {
    let exists: i64 = accounts::table
        .filter(accounts::id.eq(account_id))
        .count()
        .get_result(tx.db())?;
    if exists == 0 {
        return Err(ApiError::not_found());
    }
    let row = AccountNote {
        id: new_id(),
        account_id: account_id.to_owned(),
        body: input.body.trim().to_owned(),
        pinned: input.pinned,
        author_id: actor.user_id.clone(),
        author_name: user_name(tx, actor.user_id.as_deref())?,
        created_at: now(),
    };
    diesel::insert_into(account_notes::table)
        .values(&row)
        .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Change {
            action: "account.note",
            entity_type: "account",
            entity_id: account_id,
            before: None,
            after: audit::snapshot(input),
            reason: None,
        },
    )?;
    notes_of(tx, account_id)
}
