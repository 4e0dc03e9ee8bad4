//! Domain rules as plain functions over a database connection. Handlers call these; these
//! never see HTTP.

pub mod accounts;
pub mod audit;
pub mod cis;
pub mod consumption;
pub mod import;
pub mod jobs;
pub mod moves;
pub mod orders;
pub mod rates;
pub mod search;
pub mod sheets;
pub mod users;

/// Clamps a 1-based page number and a page size (1..=200, default 50).
pub fn paging(page: Option<i64>, per_page: Option<i64>) -> (i64, i64) {
    let per_page = per_page.unwrap_or(50).clamp(1, 200);
    let page = page.unwrap_or(1).clamp(1, 1_000_000);
    (page, per_page)
}

/// A new primary key: a UUIDv7, so keys sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn paging_is_clamped() {
        assert_eq!(super::paging(None, None), (1, 50));
        assert_eq!(super::paging(Some(0), Some(10_000)), (1, 200));
        assert_eq!(super::paging(Some(-5), Some(0)), (1, 1));
        assert_eq!(super::paging(Some(3), Some(20)), (3, 20));
    }
}
