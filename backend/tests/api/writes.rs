//! Every write endpoint, run with a valid body, and its effect read back: through a GET, or
//! for sessions and passwords through signing in (operations.rs holds the requests).

use crate::helpers::{spawn, Auth, Db};
use crate::operations::{
    acting_role, assert_effect, assert_table_matches_spec, is_write, prepare, spec_operations,
};

/// POSTs that read: they answer, and change nothing (audit_trail.rs checks they record nothing).
const READS_BY_POST: &[&str] = &[
    "POST /api/v1/rate-quotes",
    "POST /api/v1/rate-schedules/validate",
];

async fn every_write_shows_its_effect(db: Db) {
    let app = spawn(db).await;
    let spec = app.get("/api/openapi.json", &Auth::None).await.body;
    assert_table_matches_spec(&spec);
    let creds = app.all_roles().await;
    let admin = &creds["admin"];
    for (op, roles) in spec_operations(&spec) {
        if !is_write(&op) {
            continue;
        }
        let role = acting_role(&roles);
        let req = prepare(&app, &creds, &op, role).await;
        let auth = creds.get(role).cloned().unwrap_or(Auth::None);
        let r = req.send(&app, &auth).await;
        assert!(
            r.status.is_success(),
            "{op} as {role}: {} {}",
            r.status,
            r.text
        );
        if READS_BY_POST.contains(&op.as_str()) {
            assert!(req.effect.is_none(), "{op} reads");
            continue;
        }
        assert!(
            req.effect.is_some(),
            "{op}: no effect to check in operations.rs"
        );
        assert_effect(&app, &op, &req, &r, admin).await;
    }
}

crate::on_both_databases!(every_write_shows_its_effect);
