//! Notes on an account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;
#[cfg(feature = "server")]
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct NoteDto {
    pub id: String,
    pub body: String,
    pub pinned: bool,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema, Validate))]
pub struct NoteInput {
    #[cfg_attr(
        feature = "server",
        validate(length(min = 1, max = 4000, code = "required"))
    )]
    pub body: String,
    #[serde(default)]
    pub pinned: bool,
}
