//! Translations. `build.rs` turns `locales/en.json` into the [`Key`] enum and checks that
//! `locales/es.json` has exactly the same keys, so every string the UI shows is a compile-time
//! checked key. [`I18n::t`] reads the current-locale signal, so text re-renders on a switch.

use cistern_shared::complaints::{ComplaintCategory, ComplaintStatus};
use cistern_shared::contacts::{ContactChannel, ContactDirection};
use cistern_shared::dto::AccountStatus;
use cistern_shared::dto::Locale;
use cistern_shared::meters::{MeterKind, MeterStatus, MeterUnit, RegisterCode};
use cistern_shared::orders::{Occupant, OrderStatus, OrderType, Priority};
use cistern_shared::services::{ServiceStatus, ServiceType};
use cistern_shared::{ErrorCode, FieldCode, Role};
use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));

/// localStorage key under which the chosen language is remembered.
const STORAGE_KEY: &str = "cistern.locale";

/// The string for `key` in `locale`.
pub fn lookup(locale: Locale, key: Key) -> &'static str {
    match locale {
        Locale::En => TABLE_EN[key as usize],
        Locale::Es => TABLE_ES[key as usize],
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// Creates the signal from the remembered choice (or the browser's language) and keeps
    /// `<html lang>`, the document title and localStorage in step with it.
    pub fn provide() -> I18n {
        let locale = RwSignal::new(initial_locale());
        let i18n = I18n { locale };
        provide_context(i18n);
        Effect::new(move |_| {
            let loc = locale.get();
            apply_to_document(loc);
        });
        i18n
    }

    /// The current locale (tracked).
    pub fn locale(self) -> Locale {
        self.locale.get()
    }

    pub fn set_locale(self, loc: Locale) {
        remember(loc);
        self.locale.set(loc);
    }

    /// The string for `key` in the current locale (tracked: call it inside a reactive closure).
    pub fn t(self, key: Key) -> &'static str {
        lookup(self.locale.get(), key)
    }

    /// [`I18n::t`] with `{name}` placeholders filled in.
    pub fn tf(self, key: Key, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }
}

/// The i18n context; falls back to a fresh English one if none was provided (never panics).
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        locale: RwSignal::new(Locale::En),
    })
}

/// `tr!(DashboardTitle)` is a reactive closure yielding the current translation of that key.
#[macro_export]
macro_rules! tr {
    ($key:ident) => {{
        let i18n = $crate::i18n::use_i18n();
        move || i18n.t($crate::i18n::Key::$key)
    }};
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn initial_locale() -> Locale {
    if let Some(loc) = storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|v| Locale::parse(&v))
    {
        return loc;
    }
    let nav_lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    if nav_lang.to_ascii_lowercase().starts_with("es") {
        Locale::Es
    } else {
        Locale::En
    }
}

fn remember(loc: Locale) {
    if let Some(s) = storage() {
        // Private browsing may refuse storage; the choice then lasts for this page only.
        let _ = s.set_item(STORAGE_KEY, loc.as_str());
    }
}

fn apply_to_document(loc: Locale) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", loc.as_str());
        }
        doc.set_title(lookup(loc, Key::AppName));
    }
}

/// The key translating an API error code. Exhaustive, so a new `ErrorCode` without a
/// `error.<code>` entry in the locale files does not compile.
pub fn error_key(code: ErrorCode) -> Key {
    match code {
        ErrorCode::Unauthenticated => Key::ErrorUnauthenticated,
        ErrorCode::InvalidCredentials => Key::ErrorInvalidCredentials,
        ErrorCode::TooManyAttempts => Key::ErrorTooManyAttempts,
        ErrorCode::SignInBusy => Key::ErrorSignInBusy,
        ErrorCode::Forbidden => Key::ErrorForbidden,
        ErrorCode::NotFound => Key::ErrorNotFound,
        ErrorCode::ValidationFailed => Key::ErrorValidationFailed,
        ErrorCode::MalformedJson => Key::ErrorMalformedJson,
        ErrorCode::InvalidPath => Key::ErrorInvalidPath,
        ErrorCode::InvalidQuery => Key::ErrorInvalidQuery,
        ErrorCode::PayloadTooLarge => Key::ErrorPayloadTooLarge,
        ErrorCode::UnsupportedMediaType => Key::ErrorUnsupportedMediaType,
        ErrorCode::MethodNotAllowed => Key::ErrorMethodNotAllowed,
        ErrorCode::UsernameTaken => Key::ErrorUsernameTaken,
        ErrorCode::WrongPassword => Key::ErrorWrongPassword,
        ErrorCode::Conflict => Key::ErrorConflict,
        ErrorCode::DuplicateOpenOrder => Key::ErrorDuplicateOpenOrder,
        ErrorCode::PremiseOccupied => Key::ErrorPremiseOccupied,
        ErrorCode::OrderNotOpen => Key::ErrorOrderNotOpen,
        ErrorCode::ApproverMadeLastChange => Key::ErrorApproverMadeLastChange,
        ErrorCode::ChangedMeanwhile => Key::ErrorChangedMeanwhile,
        ErrorCode::RateScheduleNotDraft => Key::ErrorRateScheduleNotDraft,
        ErrorCode::RateScheduleNotApproved => Key::ErrorRateScheduleNotApproved,
        ErrorCode::AccountNotOpen => Key::ErrorAccountNotOpen,
        ErrorCode::ServiceStatusNotAllowed => Key::ErrorServiceStatusNotAllowed,
        ErrorCode::OwnAccess => Key::ErrorOwnAccess,
        ErrorCode::NotAnIntegrator => Key::ErrorNotAnIntegrator,
        ErrorCode::MeterSerialTaken => Key::ErrorMeterSerialTaken,
        ErrorCode::CycleCodeTaken => Key::ErrorCycleCodeTaken,
        ErrorCode::ImportInProgress => Key::ErrorImportInProgress,
        ErrorCode::ServiceUnavailable => Key::ErrorServiceUnavailable,
        ErrorCode::Internal => Key::ErrorInternal,
    }
}

pub fn role_key(role: Role) -> Key {
    match role {
        Role::Admin => Key::RoleAdmin,
        Role::FinanceDirector => Key::RoleFinanceDirector,
        Role::Lead => Key::RoleLead,
        Role::Clerk => Key::RoleClerk,
        Role::Field => Key::RoleField,
        Role::Auditor => Key::RoleAuditor,
        Role::Customer => Key::RoleCustomer,
        Role::Integrator => Key::RoleIntegrator,
    }
}

pub fn status_key(status: AccountStatus) -> Key {
    match status {
        AccountStatus::Pending => Key::StatusPending,
        AccountStatus::Active => Key::StatusActive,
        AccountStatus::Suspended => Key::StatusSuspended,
        AccountStatus::Final => Key::StatusFinal,
        AccountStatus::Closed => Key::StatusClosed,
    }
}

pub fn locale_key(loc: Locale) -> Key {
    match loc {
        Locale::En => Key::LangEn,
        Locale::Es => Key::LangEs,
    }
}

/// The key for a validation rule code sent in `FieldError::code`: every code has one, so no
/// field message reaches a user in the server's English.
pub fn field_rule_key(code: FieldCode) -> Key {
    match code {
        FieldCode::Required => Key::FieldErrorRequired,
        FieldCode::Length => Key::FieldErrorLength,
        FieldCode::PasswordLength => Key::FieldErrorPasswordLength,
        FieldCode::UsernameChars => Key::FieldErrorUsernameChars,
        FieldCode::Email => Key::FieldErrorEmail,
        FieldCode::Phone => Key::FieldErrorPhone,
        FieldCode::Range => Key::FieldErrorRange,
        FieldCode::Invalid => Key::FieldErrorInvalid,
        FieldCode::TooShort => Key::FieldErrorTooShort,
        FieldCode::TooLong => Key::FieldErrorTooLong,
        FieldCode::Unknown => Key::FieldErrorUnknown,
        FieldCode::Date => Key::FieldErrorDate,
        FieldCode::DateRange => Key::FieldErrorDateRange,
        FieldCode::Number => Key::FieldErrorNumber,
        FieldCode::OneOf => Key::FieldErrorOneOf,
        FieldCode::Conflict => Key::FieldErrorConflict,
        FieldCode::Taken => Key::FieldErrorTaken,
        FieldCode::Duplicate => Key::FieldErrorDuplicate,
        FieldCode::NotAllowed => Key::FieldErrorNotAllowed,
        FieldCode::Unchanged => Key::FieldErrorUnchanged,
        FieldCode::WrongPassword => Key::FieldErrorWrongPassword,
        FieldCode::ControlCharacters => Key::FieldErrorControlCharacters,
        FieldCode::BeyondSearchWindow => Key::FieldErrorBeyondSearchWindow,
        FieldCode::AddressStreet => Key::FieldErrorAddressStreet,
        FieldCode::AddressZip => Key::FieldErrorAddressZip,
        FieldCode::AddressState => Key::FieldErrorAddressState,
        FieldCode::AddressForeign => Key::FieldErrorAddressForeign,
        FieldCode::BeforeStart => Key::FieldErrorBeforeStart,
        FieldCode::BeforeMoveOut => Key::FieldErrorBeforeMoveOut,
        FieldCode::BeforeFrom => Key::FieldErrorBeforeFrom,
        FieldCode::NotInStock => Key::FieldErrorNotInStock,
        FieldCode::NoMeter => Key::FieldErrorNoMeter,
        FieldCode::NotInstalled => Key::FieldErrorNotInstalled,
        FieldCode::MeterInstalled => Key::FieldErrorMeterInstalled,
        FieldCode::Registers => Key::FieldErrorRegisters,
        FieldCode::Register => Key::FieldErrorRegister,
        FieldCode::Digits => Key::FieldErrorDigits,
        FieldCode::Multiplier => Key::FieldErrorMultiplier,
        FieldCode::ReadingRange => Key::FieldErrorReadingRange,
        FieldCode::Empty => Key::FieldErrorEmpty,
        FieldCode::TooLarge => Key::FieldErrorTooLarge,
        FieldCode::UnknownValue => Key::FieldErrorUnknownValue,
        FieldCode::UnknownReference => Key::FieldErrorUnknownReference,
        FieldCode::UnknownColumn => Key::FieldErrorUnknownColumn,
        FieldCode::MissingColumn => Key::FieldErrorMissingColumn,
        FieldCode::DuplicateColumn => Key::FieldErrorDuplicateColumn,
        FieldCode::UnknownFile => Key::FieldErrorUnknownFile,
        FieldCode::InvalidEncoding => Key::FieldErrorInvalidEncoding,
        FieldCode::InvalidJson => Key::FieldErrorInvalidJson,
        FieldCode::UnsupportedVersion => Key::FieldErrorUnsupportedVersion,
        FieldCode::InvalidId => Key::FieldErrorInvalidId,
        FieldCode::UnknownClass => Key::FieldErrorUnknownClass,
        FieldCode::Negative => Key::FieldErrorNegative,
        FieldCode::NotPositive => Key::FieldErrorNotPositive,
        FieldCode::OutOfRange => Key::FieldErrorOutOfRange,
        FieldCode::NotApplicable => Key::FieldErrorNotApplicable,
        FieldCode::TooMany => Key::FieldErrorTooMany,
        FieldCode::TiersNotIncreasing => Key::FieldErrorTiersNotIncreasing,
        FieldCode::OpenTierNotLast => Key::FieldErrorOpenTierNotLast,
        FieldCode::LastTierBounded => Key::FieldErrorLastTierBounded,
        FieldCode::InvalidMonth => Key::FieldErrorInvalidMonth,
        FieldCode::OverlappingSeasons => Key::FieldErrorOverlappingSeasons,
        FieldCode::SeasonGap => Key::FieldErrorSeasonGap,
        FieldCode::UnknownComponent => Key::FieldErrorUnknownComponent,
        FieldCode::SelfReference => Key::FieldErrorSelfReference,
        FieldCode::ForwardReference => Key::FieldErrorForwardReference,
        FieldCode::MinimumAboveMaximum => Key::FieldErrorMinimumAboveMaximum,
        FieldCode::MixedEffectiveBy => Key::FieldErrorMixedEffectiveBy,
        FieldCode::DuplicateVersion => Key::FieldErrorDuplicateVersion,
        FieldCode::OtherBook => Key::FieldErrorOtherBook,
        FieldCode::NoSchedules => Key::FieldErrorNoSchedules,
        FieldCode::InvalidPeriod => Key::FieldErrorInvalidPeriod,
        FieldCode::PeriodTooLong => Key::FieldErrorPeriodTooLong,
        FieldCode::PeriodOutsideCycle => Key::FieldErrorPeriodOutsideCycle,
        FieldCode::InvalidInput => Key::FieldErrorInvalidInput,
        FieldCode::NoRatesInEffect => Key::FieldErrorNoRatesInEffect,
        FieldCode::ConflictingVersions => Key::FieldErrorConflictingVersions,
        FieldCode::MeterSizeRequired => Key::FieldErrorMeterSizeRequired,
        FieldCode::UnknownMeterSize => Key::FieldErrorUnknownMeterSize,
        FieldCode::MissingAccountData => Key::FieldErrorMissingAccountData,
        FieldCode::MissingWinterAverage => Key::FieldErrorMissingWinterAverage,
        FieldCode::InvalidSchedule => Key::FieldErrorInvalidSchedule,
        FieldCode::UnsupportedFormatVersion => Key::FieldErrorUnsupportedFormatVersion,
        FieldCode::Overflow => Key::FieldErrorOverflow,
    }
}

/// The label key for a request field name sent in `FieldError::field`, if we know it. Nested
/// names (`new_customer.name`) are looked up whole, then by their last part.
pub fn field_label_key(field: &str) -> Option<Key> {
    whole_field_label(field).or_else(|| {
        field
            .rsplit_once('.')
            .and_then(|(_, last)| whole_field_label(last))
    })
}

fn whole_field_label(field: &str) -> Option<Key> {
    Some(match field {
        // An address's parts (`mailing_address_parts.zip`); a unit here is not a meter's.
        "mailing_address_parts.unit"
        | "new_customer.mailing_address_parts.unit"
        | "service_address_parts.unit"
        | "forwarding_address_parts.unit" => Key::AddressUnit,
        "house_number" => Key::AddressHouseNumber,
        "street" | "pre_direction" | "suffix" | "post_direction" => Key::AddressStreet,
        "city" => Key::AddressCity,
        "state" => Key::AddressState,
        "zip" | "zip4" => Key::AddressZip,
        "foreign" => Key::AddressForeign,
        "username" => Key::UsersUsername,
        "display_name" => Key::UsersDisplayName,
        "role" => Key::UsersRole,
        "password" => Key::LoginPassword,
        "locale" => Key::UsersLocale,
        "customer_id" => Key::FieldCustomer,
        "current_password" => Key::PasswordCurrent,
        "new_password" => Key::PasswordNew,
        "reason" => Key::ColReason,
        "name" => Key::FieldName,
        "mailing_address" => Key::FieldMailingAddress,
        "phone" => Key::FieldPhone,
        "phone_alt" => Key::FieldPhoneAlt,
        "email" => Key::FieldEmail,
        "service_address" => Key::FieldServiceAddress,
        "parcel" => Key::FieldParcel,
        "cycle_code" => Key::FieldCycle,
        "route" => Key::FieldRoute,
        "read_sequence" => Key::FieldReadSequence,
        "dwelling_units" => Key::FieldDwellingUnits,
        "notes" => Key::FieldNotes,
        "premise_id" => Key::FieldPremise,
        "account_id" => Key::FieldAccount,
        "meter_id" => Key::FieldMeter,
        "new_meter_id" => Key::FieldNewMeter,
        "owner_copy_customer_id" => Key::FieldOwnerCopy,
        "start_on" => Key::FieldStartOn,
        "occupant" => Key::FieldOccupant,
        "assigned_to" => Key::FieldAssignedTo,
        "due_on" => Key::FieldDueOn,
        "priority" => Key::FieldPriority,
        "instructions" => Key::FieldInstructions,
        "order_type" => Key::FieldOrderType,
        "completed_on" => Key::FieldCompletedOn,
        "reading" => Key::FieldReading,
        "new_reading" => Key::FieldNewReading,
        "move_out_on" => Key::FieldMoveOutOn,
        "move_in_on" => Key::FieldMoveInOn,
        "to_premise_id" => Key::FieldPremise,
        "forwarding_address" => Key::FieldForwardingAddress,
        "body" => Key::FieldNoteBody,
        "subject" => Key::FieldSubject,
        "description" => Key::FieldDescription,
        "resolution" => Key::FieldResolution,
        "serial" => Key::FieldSerial,
        "size" => Key::FieldSize,
        "kind" => Key::FieldMeterKind,
        "unit" => Key::FieldMeterUnit,
        "manufacturer" => Key::FieldManufacturer,
        "model" => Key::FieldModel,
        "endpoint_serial" => Key::FieldEndpointSerial,
        "registers" => Key::FieldRegisters,
        "effective_on" => Key::FieldEffectiveOn,
        "customer_class" => Key::FieldCustomerClass,
        "rate_code" => Key::FieldRateCode,
        "started_on" => Key::FieldStartedOn,
        "esu" => Key::FieldEsu,
        "from" => Key::FieldFrom,
        "to" => Key::FieldTo,
        "status" => Key::ColStatus,
        "category" => Key::FieldCategory,
        "channel" => Key::ColChannel,
        "direction" => Key::FieldDirection,
        "service_type" => Key::ColService,
        _ => return None,
    })
}

pub fn occupant_key(o: Occupant) -> Key {
    match o {
        Occupant::Owner => Key::OccupantOwner,
        Occupant::Tenant => Key::OccupantTenant,
    }
}

/// `owner` / `tenant` as the account DTO carries it.
pub fn occupant_text_key(s: &str) -> Option<Key> {
    Occupant::parse(s).map(occupant_key)
}

pub fn order_type_key(t: OrderType) -> Key {
    match t {
        OrderType::MeterSet => Key::OrderTypeMeterSet,
        OrderType::TurnOn => Key::OrderTypeTurnOn,
        OrderType::TurnOff => Key::OrderTypeTurnOff,
        OrderType::FinalRead => Key::OrderTypeFinalRead,
        OrderType::Reread => Key::OrderTypeReread,
        OrderType::LeakCheck => Key::OrderTypeLeakCheck,
        OrderType::ShutOffNonpayment => Key::OrderTypeShutOffNonpayment,
        OrderType::Reconnect => Key::OrderTypeReconnect,
        OrderType::MeterChange => Key::OrderTypeMeterChange,
        OrderType::Locate => Key::OrderTypeLocate,
    }
}

pub fn order_status_key(s: OrderStatus) -> Key {
    match s {
        OrderStatus::Open => Key::OrderStatusOpen,
        OrderStatus::Completed => Key::OrderStatusCompleted,
        OrderStatus::Cancelled => Key::OrderStatusCancelled,
    }
}

pub fn priority_key(p: Priority) -> Key {
    match p {
        Priority::Low => Key::PriorityLow,
        Priority::Normal => Key::PriorityNormal,
        Priority::High => Key::PriorityHigh,
        Priority::Urgent => Key::PriorityUrgent,
    }
}

pub fn meter_kind_key(k: MeterKind) -> Key {
    match k {
        MeterKind::PositiveDisplacement => Key::MeterKindPositiveDisplacement,
        MeterKind::Compound => Key::MeterKindCompound,
        MeterKind::Turbine => Key::MeterKindTurbine,
        MeterKind::Electromagnetic => Key::MeterKindElectromagnetic,
        MeterKind::Ultrasonic => Key::MeterKindUltrasonic,
    }
}

pub fn meter_unit_key(u: MeterUnit) -> Key {
    match u {
        MeterUnit::Ccf => Key::MeterUnitCcf,
        MeterUnit::CubicFeet => Key::MeterUnitCubicFeet,
        MeterUnit::Gallons => Key::MeterUnitGallons,
        MeterUnit::Kgal => Key::MeterUnitKgal,
    }
}

pub fn meter_status_key(s: MeterStatus) -> Key {
    match s {
        MeterStatus::InStock => Key::MeterStatusInStock,
        MeterStatus::Installed => Key::MeterStatusInstalled,
        MeterStatus::Removed => Key::MeterStatusRemoved,
        MeterStatus::Retired => Key::MeterStatusRetired,
    }
}

pub fn register_key(r: RegisterCode) -> Key {
    match r {
        RegisterCode::Main => Key::RegisterMain,
        RegisterCode::Low => Key::RegisterLow,
        RegisterCode::High => Key::RegisterHigh,
    }
}

pub fn service_type_key(t: ServiceType) -> Key {
    match t {
        ServiceType::Water => Key::ServiceTypeWater,
        ServiceType::Sewer => Key::ServiceTypeSewer,
        ServiceType::Stormwater => Key::ServiceTypeStormwater,
        ServiceType::Fee => Key::ServiceTypeFee,
    }
}

pub fn service_status_key(s: ServiceStatus) -> Key {
    match s {
        ServiceStatus::Active => Key::ServiceStatusActive,
        ServiceStatus::SeasonalOff => Key::ServiceStatusSeasonalOff,
        ServiceStatus::Inactive => Key::ServiceStatusInactive,
    }
}

pub fn contact_channel_key(c: ContactChannel) -> Key {
    match c {
        ContactChannel::Phone => Key::ContactChannelPhone,
        ContactChannel::Email => Key::ContactChannelEmail,
        ContactChannel::InPerson => Key::ContactChannelInPerson,
        ContactChannel::Letter => Key::ContactChannelLetter,
        ContactChannel::Portal => Key::ContactChannelPortal,
        ContactChannel::Text => Key::ContactChannelText,
    }
}

pub fn contact_direction_key(d: ContactDirection) -> Key {
    match d {
        ContactDirection::Inbound => Key::ContactDirectionInbound,
        ContactDirection::Outbound => Key::ContactDirectionOutbound,
    }
}

pub fn complaint_category_key(c: ComplaintCategory) -> Key {
    match c {
        ComplaintCategory::HighBill => Key::ComplaintCategoryHighBill,
        ComplaintCategory::WaterQuality => Key::ComplaintCategoryWaterQuality,
        ComplaintCategory::Leak => Key::ComplaintCategoryLeak,
        ComplaintCategory::Meter => Key::ComplaintCategoryMeter,
        ComplaintCategory::BillingError => Key::ComplaintCategoryBillingError,
        ComplaintCategory::Service => Key::ComplaintCategoryService,
        ComplaintCategory::Staff => Key::ComplaintCategoryStaff,
        ComplaintCategory::Other => Key::ComplaintCategoryOther,
    }
}

pub fn complaint_status_key(s: ComplaintStatus) -> Key {
    match s {
        ComplaintStatus::Open => Key::ComplaintStatusOpen,
        ComplaintStatus::InProgress => Key::ComplaintStatusInProgress,
        ComplaintStatus::Resolved => Key::ComplaintStatusResolved,
        ComplaintStatus::Closed => Key::ComplaintStatusClosed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_a_translation_in_both_locales() {
        for code in ErrorCode::ALL {
            let key = error_key(code);
            assert_eq!(key.name(), format!("error.{}", code.as_str()));
            assert!(!lookup(Locale::En, key).is_empty());
            assert!(!lookup(Locale::Es, key).is_empty());
        }
    }

    /// Every field code the server can send has its own message, in English and in Spanish
    /// (not the English copied): before the codes were an enum, six reached Spanish users in
    /// the server's English words.
    #[test]
    fn every_field_code_has_its_own_message_in_both_locales() {
        let mut seen = std::collections::HashSet::new();
        for code in FieldCode::ALL {
            let key = field_rule_key(*code);
            assert_eq!(key.name(), format!("field_error.{}", code.as_str()));
            assert!(seen.insert(key), "{code} shares a message");
            let (en, es) = (lookup(Locale::En, key), lookup(Locale::Es, key));
            assert!(!en.trim().is_empty() && !es.trim().is_empty(), "{code}");
            assert_ne!(en, es, "{code} is not translated into Spanish");
        }
    }

    /// Every value of the customer-information enums has its own key, named after the value
    /// (`order_type.meter_set`), present in both languages.
    #[test]
    fn enum_values_have_their_own_translations() {
        fn check(prefix: &str, pairs: Vec<(&str, Key)>) {
            let mut seen = std::collections::HashSet::new();
            for (value, key) in pairs {
                assert_eq!(key.name(), format!("{prefix}.{value}"));
                assert!(seen.insert(key), "{prefix}.{value} repeats a key");
                assert!(!lookup(Locale::Es, key).is_empty());
            }
        }
        check(
            "order_type",
            OrderType::ALL
                .iter()
                .map(|v| (v.as_str(), order_type_key(*v)))
                .collect(),
        );
        check(
            "order_status",
            OrderStatus::ALL
                .iter()
                .map(|v| (v.as_str(), order_status_key(*v)))
                .collect(),
        );
        check(
            "priority",
            Priority::ALL
                .iter()
                .map(|v| (v.as_str(), priority_key(*v)))
                .collect(),
        );
        check(
            "meter_kind",
            MeterKind::ALL
                .iter()
                .map(|v| (v.as_str(), meter_kind_key(*v)))
                .collect(),
        );
        check(
            "meter_unit",
            MeterUnit::ALL
                .iter()
                .map(|v| (v.as_str(), meter_unit_key(*v)))
                .collect(),
        );
        check(
            "meter_status",
            MeterStatus::ALL
                .iter()
                .map(|v| (v.as_str(), meter_status_key(*v)))
                .collect(),
        );
        check(
            "register",
            RegisterCode::ALL
                .iter()
                .map(|v| (v.as_str(), register_key(*v)))
                .collect(),
        );
        check(
            "service_type",
            ServiceType::ALL
                .iter()
                .map(|v| (v.as_str(), service_type_key(*v)))
                .collect(),
        );
        check(
            "service_status",
            ServiceStatus::ALL
                .iter()
                .map(|v| (v.as_str(), service_status_key(*v)))
                .collect(),
        );
        check(
            "contact_channel",
            ContactChannel::ALL
                .iter()
                .map(|v| (v.as_str(), contact_channel_key(*v)))
                .collect(),
        );
        check(
            "contact_direction",
            ContactDirection::ALL
                .iter()
                .map(|v| (v.as_str(), contact_direction_key(*v)))
                .collect(),
        );
        check(
            "complaint_category",
            ComplaintCategory::ALL
                .iter()
                .map(|v| (v.as_str(), complaint_category_key(*v)))
                .collect(),
        );
        check(
            "complaint_status",
            ComplaintStatus::ALL
                .iter()
                .map(|v| (v.as_str(), complaint_status_key(*v)))
                .collect(),
        );
        check(
            "occupant",
            Occupant::ALL
                .iter()
                .map(|v| (v.as_str(), occupant_key(*v)))
                .collect(),
        );
    }

    #[test]
    fn nested_field_names_find_their_labels() {
        assert_eq!(field_label_key("new_customer.name"), Some(Key::FieldName));
        assert_eq!(field_label_key("meter_id"), Some(Key::FieldMeter));
        assert_eq!(field_label_key("nonsense"), None);
        assert_eq!(
            field_rule_key(FieldCode::NotInStock),
            Key::FieldErrorNotInStock
        );
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("Page {page} of {pages}", &[("page", "2"), ("pages", "5")]),
            "Page 2 of 5"
        );
        assert_eq!(lookup(Locale::Es, Key::DashboardTitle), "Panel");
    }
}
