use serde::{Deserialize, Serialize};

/// Who a signed-in principal is. Every API operation names the roles it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "server", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administrator: users, configuration, jobs.
    Admin,
    /// Finance director: approvals and reports.
    FinanceDirector,
    /// Accounting technician, the lead worker of the specialists.
    Lead,
    /// Accounting specialist: payments, calls, daily billing work.
    Clerk,
    /// Meter reader and service-order field staff.
    Field,
    /// Read-only access to everything, including the audit trail.
    Auditor,
    /// Self-service portal user: own accounts only.
    Customer,
    /// Machine client authenticated by API key.
    Integrator,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::FinanceDirector,
        Role::Lead,
        Role::Clerk,
        Role::Field,
        Role::Auditor,
        Role::Customer,
        Role::Integrator,
    ];

    /// Roles that use the staff console: [`sets::STAFF`].
    pub const STAFF: &'static [Role] = sets::STAFF;

    /// Roles that can be assigned service orders, because they may complete them:
    /// [`sets::FIELD_WORK`].
    pub const ASSIGNABLE: &'static [Role] = sets::FIELD_WORK;

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::FinanceDirector => "finance_director",
            Role::Lead => "lead",
            Role::Clerk => "clerk",
            Role::Field => "field",
            Role::Auditor => "auditor",
            Role::Customer => "customer",
            Role::Integrator => "integrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        Role::STAFF.contains(&self)
    }
}

/// The role sets operations admit, defined once for the server and the client: the server's
/// `Allow<...>` extractor refuses every other role, the OpenAPI document's `security` of each
/// operation lists the same roles in the same order, and the client shows a link or a button
/// only to the roles its operation admits. Order is the order the spec lists them in.
pub mod sets {
    use super::Role::{self, *};

    /// System administration: users, API keys, jobs.
    pub const ADMIN: &[Role] = &[Admin];
    /// The audit trail.
    pub const AUDIT: &[Role] = &[Admin, Auditor];
    /// Conversion imports: bringing a city over from its previous system.
    pub const IMPORT: &[Role] = &[Admin, Lead];
    /// Everyone who uses the staff console.
    pub const STAFF: &[Role] = &[Admin, FinanceDirector, Lead, Clerk, Field, Auditor];
    /// Account reads: staff plus machine clients.
    pub const ACCOUNT_READ: &[Role] = &[
        Admin,
        FinanceDirector,
        Lead,
        Clerk,
        Field,
        Auditor,
        Integrator,
    ];
    /// Account reads where a customer may see their own.
    pub const ACCOUNT_READ_OWN: &[Role] = &[
        Admin,
        FinanceDirector,
        Lead,
        Clerk,
        Field,
        Auditor,
        Integrator,
        Customer,
    ];
    /// The customer portal.
    pub const CUSTOMER: &[Role] = &[Customer];
    /// Anyone signed in, by password or API key.
    pub const SIGNED_IN: &[Role] = &[
        Admin,
        FinanceDirector,
        Lead,
        Clerk,
        Field,
        Auditor,
        Customer,
        Integrator,
    ];
    /// People with passwords (everyone signed in but machine clients).
    pub const PEOPLE: &[Role] = &[
        Admin,
        FinanceDirector,
        Lead,
        Clerk,
        Field,
        Auditor,
        Customer,
    ];
    /// Daily customer-information work: records, move-ins and -outs, orders, complaints.
    pub const CLERK_WORK: &[Role] = &[Admin, Lead, Clerk];
    /// Reference data a city sets up once: billing cycles.
    pub const REFERENCE_DATA: &[Role] = &[Admin, Lead];
    /// The lead's desk: assigning field work, vendor files, system development charges.
    pub const LEAD_WORK: &[Role] = &[Admin, Lead];
    /// Completing service orders in the field (and so being assigned them).
    pub const FIELD_WORK: &[Role] = &[Admin, Lead, Field];
    /// The meter inventory.
    pub const METER_KEEPERS: &[Role] = &[Admin, Lead, Field];
    /// Rate schedules: read, list, export and validate (staff and machine clients).
    pub const RATE_READ: &[Role] = &[
        Admin,
        FinanceDirector,
        Lead,
        Clerk,
        Field,
        Auditor,
        Integrator,
    ];
    /// Rate schedules: create, edit and import drafts.
    pub const RATE_EDIT: &[Role] = &[Admin, Lead];
    /// Rate schedules: approve (never the draft's last editor) and retire.
    pub const RATE_APPROVE: &[Role] = &[FinanceDirector, Lead];
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn customers_and_integrators_are_not_staff() {
        assert!(!Role::Customer.is_staff());
        assert!(!Role::Integrator.is_staff());
        assert!(Role::Auditor.is_staff());
    }

    #[test]
    fn sets_name_each_role_once() {
        for set in [
            sets::ADMIN,
            sets::AUDIT,
            sets::IMPORT,
            sets::STAFF,
            sets::ACCOUNT_READ,
            sets::ACCOUNT_READ_OWN,
            sets::CUSTOMER,
            sets::SIGNED_IN,
            sets::PEOPLE,
            sets::CLERK_WORK,
            sets::LEAD_WORK,
            sets::REFERENCE_DATA,
            sets::FIELD_WORK,
            sets::METER_KEEPERS,
            sets::RATE_READ,
            sets::RATE_EDIT,
            sets::RATE_APPROVE,
        ] {
            let mut sorted = set.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), set.len(), "{set:?}");
            assert!(!set.is_empty());
        }
        assert_eq!(sets::SIGNED_IN.len(), Role::ALL.len());
        assert!(sets::STAFF.iter().all(|r| r.is_staff()));
    }
}

crate::text_column!(Role);
