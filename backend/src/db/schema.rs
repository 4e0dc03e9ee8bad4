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
        phone_alt -> Nullable<Text>,
        notify_email -> Bool,
        notify_text -> Bool,
        notify_mail -> Bool,
        updated_at -> Nullable<Timestamp>,
        house_number -> Nullable<Text>,
        pre_direction -> Nullable<Text>,
        street -> Nullable<Text>,
        suffix -> Nullable<Text>,
        post_direction -> Nullable<Text>,
        unit -> Nullable<Text>,
        city -> Nullable<Text>,
        state -> Nullable<Text>,
        zip -> Nullable<Text>,
        zip4 -> Nullable<Text>,
        foreign_address -> Nullable<Text>,
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
        dwelling_units -> Integer,
        notes -> Nullable<Text>,
        updated_at -> Nullable<Timestamp>,
        house_number -> Nullable<Text>,
        pre_direction -> Nullable<Text>,
        street -> Nullable<Text>,
        suffix -> Nullable<Text>,
        post_direction -> Nullable<Text>,
        unit -> Nullable<Text>,
        city -> Nullable<Text>,
        state -> Nullable<Text>,
        zip -> Nullable<Text>,
        zip4 -> Nullable<Text>,
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
        owner_copy_customer_id -> Nullable<Text>,
        paperless -> Bool,
        autopay -> Bool,
        final_read_on -> Nullable<Date>,
        closing_bill_pending -> Bool,
        updated_at -> Nullable<Timestamp>,
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
        previous_refresh_hash -> Nullable<Text>,
        rotated_at -> Nullable<Timestamp>,
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
        name -> Text,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        operations -> Nullable<Text>,
    }
}

diesel::table! {
    sign_in_throttle (key) {
        key -> Text,
        window_start -> Timestamp,
        attempts -> BigInt,
        in_flight -> BigInt,
        failures -> BigInt,
        refused -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        generation -> BigInt,
        issued_at -> Timestamp,
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

diesel::table! {
    meters (id) {
        id -> Text,
        serial -> Text,
        size -> Text,
        kind -> Text,
        unit -> Text,
        manufacturer -> Nullable<Text>,
        model -> Nullable<Text>,
        endpoint_serial -> Nullable<Text>,
        status -> Text,
        premise_id -> Nullable<Text>,
        installed_on -> Nullable<Date>,
        removed_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    meter_registers (meter_id, code) {
        meter_id -> Text,
        code -> Text,
        digits -> Integer,
        multiplier -> Text,
    }
}

diesel::table! {
    meter_reads (id) {
        id -> Text,
        meter_id -> Text,
        register_code -> Text,
        premise_id -> Nullable<Text>,
        account_id -> Nullable<Text>,
        read_on -> Date,
        reading -> BigInt,
        kind -> Text,
        source -> Text,
        service_order_id -> Nullable<Text>,
        note -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    services (id) {
        id -> Text,
        premise_id -> Text,
        service_type -> Text,
        customer_class -> Text,
        rate_code -> Text,
        status -> Text,
        esu -> Nullable<Text>,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    service_orders (id) {
        id -> Text,
        number -> Text,
        order_type -> Text,
        status -> Text,
        priority -> Text,
        premise_id -> Text,
        account_id -> Nullable<Text>,
        meter_id -> Nullable<Text>,
        new_meter_id -> Nullable<Text>,
        assigned_to -> Nullable<Text>,
        due_on -> Date,
        instructions -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        completed_by -> Nullable<Text>,
        completed_on -> Nullable<Date>,
        reading -> Nullable<BigInt>,
        new_reading -> Nullable<BigInt>,
        completion_notes -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        allow_duplicate -> Bool,
    }
}

diesel::table! {
    account_notes (id) {
        id -> Text,
        account_id -> Text,
        body -> Text,
        pinned -> Bool,
        author_id -> Nullable<Text>,
        author_name -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        customer_id -> Text,
        account_id -> Nullable<Text>,
        channel -> Text,
        direction -> Text,
        subject -> Text,
        body -> Nullable<Text>,
        staff_id -> Nullable<Text>,
        staff_name -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        number -> Text,
        customer_id -> Text,
        account_id -> Nullable<Text>,
        category -> Text,
        description -> Text,
        owner_id -> Nullable<Text>,
        status -> Text,
        resolution -> Nullable<Text>,
        opened_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    vendors (id) {
        id -> Text,
        name -> Text,
        category -> Text,
        contact_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        notes -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sdc_charges (id) {
        id -> Text,
        premise_id -> Text,
        permit_number -> Text,
        service_type -> Text,
        amount_cents -> BigInt,
        assessed_on -> Date,
        paid_on -> Nullable<Date>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    winter_averages (premise_id, season) {
        premise_id -> Text,
        season -> Text,
        average_ccf -> Text,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Accounts whose search terms are rebuilt before the transaction commits (filled by
    /// triggers; the table has no key, `account_id` stands in for diesel).
    search_pending (account_id) {
        account_id -> Text,
    }
}

diesel::table! {
    /// One row per distinct word per account (see `domain::search`).
    search_terms (account_id, term) {
        account_id -> Text,
        term -> Text,
        field -> Text,
    }
}

diesel::table! {
    /// The distinct alphabetic search words and their sound-alike keys.
    search_vocab (term) {
        term -> Text,
        sound -> Text,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    import_batches (id) {
        id -> Text,
        checksum -> Text,
        kind -> Text,
        summary -> Text,
        imported_by -> Nullable<Text>,
        imported_at -> Timestamp,
    }
}

diesel::joinable!(premises -> cycles (cycle_id));
diesel::joinable!(meters -> premises (premise_id));
diesel::joinable!(meter_registers -> meters (meter_id));
diesel::joinable!(meter_reads -> meters (meter_id));
diesel::joinable!(services -> premises (premise_id));
diesel::joinable!(service_orders -> premises (premise_id));
diesel::joinable!(account_notes -> accounts (account_id));
diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(complaints -> customers (customer_id));
diesel::joinable!(sdc_charges -> premises (premise_id));
diesel::joinable!(winter_averages -> premises (premise_id));
diesel::joinable!(search_terms -> accounts (account_id));
diesel::joinable!(accounts -> customers (customer_id));
diesel::joinable!(accounts -> premises (premise_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(job_runs -> jobs (job_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
    cycles,
    customers,
    premises,
    accounts,
    users,
    sessions,
    api_keys,
    sign_in_throttle,
    refresh_tokens,
    audit_log,
    jobs,
    job_runs,
    locks,
    rate_schedules,
    meters,
    meter_registers,
    meter_reads,
    services,
    service_orders,
    account_notes,
    contacts,
    complaints,
    vendors,
    sdc_charges,
    winter_averages,
    search_terms,
    counters,
    import_batches,
);

diesel::table! {
    rate_schedules (id) {
        id -> Text,
        book_id -> Text,
        version -> Integer,
        title -> Text,
        effective_date -> Date,
        status -> Text,
        document -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        retired_by -> Nullable<Text>,
        retired_at -> Nullable<Timestamp>,
    }
}
