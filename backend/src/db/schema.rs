// Written by hand for both backends (the two migration folders create the same tables).

diesel::table! {
    cycles (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        months_per_bill -> Integer,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        name -> Text,
        is_organisation -> Bool,
        mailing_address -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        preferred_locale -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    premises (id) {
        id -> Text,
        service_address -> Text,
        parcel -> Nullable<Text>,
        inside_city -> Bool,
        cycle_id -> Text,
        route -> Text,
        read_sequence -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        number -> Text,
        customer_id -> Text,
        premise_id -> Text,
        status -> Text,
        occupant -> Text,
        opened_on -> Date,
        closed_on -> Nullable<Date>,
        deposit_required_cents -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        locale -> Text,
        customer_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        refresh_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        user_id -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        username -> Text,
        at -> Timestamp,
        succeeded -> Bool,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_username -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        reason -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        status -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        claimed_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        result -> Nullable<Text>,
        unique_key -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_runs (id) {
        id -> BigInt,
        job_id -> Text,
        instance -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    locks (name) {
        name -> Text,
        holder -> Text,
        acquired_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(premises -> cycles (cycle_id));
diesel::joinable!(accounts -> customers (customer_id));
diesel::joinable!(accounts -> premises (premise_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(job_runs -> jobs (job_id));

diesel::allow_tables_to_appear_in_same_query!(
    cycles,
    customers,
    premises,
    accounts,
    users,
    sessions,
    api_keys,
    login_attempts,
    audit_log,
    jobs,
    job_runs,
    locks,
);
