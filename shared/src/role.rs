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

    /// Roles that use the staff console.
    pub const STAFF: [Role; 6] = [
        Role::Admin,
        Role::FinanceDirector,
        Role::Lead,
        Role::Clerk,
        Role::Field,
        Role::Auditor,
    ];

    /// Roles that can be assigned service orders (field work).
    pub const ASSIGNABLE: [Role; 3] = [Role::Field, Role::Lead, Role::Admin];

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
}

crate::text_column!(Role);
