//! `/staff/users` (admin): list, create, activate/deactivate, reset password.

use cistern_shared::dto::{
    CreateUserRequest, Locale, ResetPasswordRequest, UpdateUserRequest, UserDto,
};
use cistern_shared::query::PageQuery;
use cistern_shared::Role;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use crate::api::{use_api, use_auth};
use crate::components::{
    col, loaded_or, ErrorAlert, Pager, StatusMessage, Submit, SubmitButton, Table, TextField,
};
use crate::format;
use crate::i18n::{locale_key, role_key, use_i18n, Key};
use crate::tr;

const PER_PAGE: i64 = 20;

#[component]
pub fn UsersPage() -> impl IntoView {
    let auth = use_auth();
    let is_admin = Memo::new(move |_| auth.role() == Some(Role::Admin));
    move || {
        if is_admin.get() {
            view! { <UsersAdmin /> }.into_any()
        } else {
            view! {
                <div class="page-head"><h1>{tr!(UsersTitle)}</h1></div>
                <div class="alert alert-error" role="alert"><p>{tr!(ErrorForbidden)}</p></div>
            }
            .into_any()
        }
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let api = use_api();
    let auth = use_auth();
    let i18n = use_i18n();
    let page = RwSignal::new(1_i64);
    let data = LocalResource::new(move || {
        let p = page.get();
        let query = PageQuery {
            page: Some(p),
            per_page: Some(PER_PAGE),
        };
        async move { api.users(&query).await }
    });
    let me = Memo::new(move |_| auth.user().map(|u| u.id).unwrap_or_default());
    let status = RwSignal::new(None::<String>);
    let row = Submit::new();
    let row_error = row.error;
    // (id, username) of the user whose password is being reset.
    let resetting = RwSignal::new(None::<(String, String)>);
    let total = Signal::derive(move || {
        data.get()
            .and_then(|r| r.ok())
            .map(|p| p.total)
            .unwrap_or(0)
    });

    let toggle = move |u: UserDto| {
        let activate = !u.active;
        status.set(None);
        let body = UpdateUserRequest {
            active: Some(activate),
            ..Default::default()
        };
        row.send(
            async move { api.update_user(&u.id, &body).await },
            move |updated| {
                let key = if updated.active {
                    Key::UsersActivated
                } else {
                    Key::UsersDeactivated
                };
                status.try_set(Some(i18n.tf(key, &[("username", &updated.username)])));
                data.refetch();
            },
        );
    };

    view! {
        <div class="page-head">
            <h1>{tr!(UsersTitle)}</h1>
        </div>
        <StatusMessage message=status />
        <ErrorAlert error=row_error />
        {move || loaded_or(data.get(), |v| match v {
            p if p.items.is_empty() => view! { <p class="empty">{tr!(UsersNone)}</p> }.into_any(),
            p => {
                view! {
                    <Table columns=vec![col(Key::ColUsername), col(Key::ColName), col(Key::ColRole), col(Key::ColState), col(Key::ColCreated), col(Key::ColActions)] id="user-table">
                                {p
                                    .items
                                    .into_iter()
                                    .map(|u| {
                                        let is_me = u.id == me.get_untracked();
                                        let role = u.role;
                                        let active = u.active;
                                        let uname = u.username.clone();
                                        let uname2 = u.username.clone();
                                        let uid = u.id.clone();
                                        let u_for_toggle = u.clone();
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    {u.username.clone()}
                                                    {is_me.then(|| view! { " " <span class="muted">{tr!(UsersSelf)}</span> })}
                                                </th>
                                                <td>{u.display_name.clone()}</td>
                                                <td>{move || i18n.t(role_key(role))}</td>
                                                <td>
                                                    <span class=if active { "badge badge-active" } else { "badge badge-closed" }>
                                                        {move || if active { i18n.t(Key::UsersActive) } else { i18n.t(Key::UsersInactive) }}
                                                    </span>
                                                </td>
                                                <td>{format::timestamp(u.created_at)}</td>
                                                <td class="actions">
                                                    {(!is_me)
                                                        .then(|| {
                                                            let u = u_for_toggle.clone();
                                                            let uname = uname.clone();
                                                            view! {
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-small btn-secondary"
                                                                    aria-label=move || {
                                                                        let k = if active { Key::UsersDeactivateNamed } else { Key::UsersActivateNamed };
                                                                        i18n.tf(k, &[("username", &uname)])
                                                                    }
                                                                    on:click=move |_| toggle(u.clone())
                                                                >
                                                                    {move || if active { i18n.t(Key::UsersDeactivate) } else { i18n.t(Key::UsersActivate) }}
                                                                </button>
                                                            }
                                                        })}
                                                    {(role != Role::Integrator)
                                                        .then(|| {
                                                            let uname = uname2.clone();
                                                            let uname_label = uname2.clone();
                                                            let uid = uid.clone();
                                                            view! {
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-small btn-secondary"
                                                                    aria-label=move || i18n.tf(Key::UsersResetNamed, &[("username", &uname_label)])
                                                                    on:click=move |_| {
                                                                        status.set(None);
                                                                        resetting.set(Some((uid.clone(), uname.clone())));
                                                                    }
                                                                >
                                                                    {tr!(UsersResetPassword)}
                                                                </button>
                                                            }
                                                        })}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                    </Table>
                }
                    .into_any()
            }
        })}
        <Pager page=page per_page=PER_PAGE total=total on_page=Callback::new(move |p| page.set(p)) />
        {move || {
            resetting
                .get()
                .map(|(id, username)| {
                    view! { <ResetPasswordForm id=id username=username resetting=resetting status=status /> }
                })
        }}
        <CreateUserForm on_created=Callback::new(move |u: UserDto| {
            status.set(Some(i18n.tf(Key::UsersCreated, &[("username", &u.username)])));
            data.refetch();
        }) />
    }
}

#[component]
fn ResetPasswordForm(
    id: String,
    username: String,
    resetting: RwSignal<Option<(String, String)>>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let submit = Submit::new();
    let error = submit.error;
    let local = RwSignal::new(None::<Key>);
    let input_ref = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input_ref.get() {
            let _ = el.focus();
        }
    });
    let title_name = username.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        let new_password = password.get_untracked();
        error.set(None);
        if new_password.chars().count() < 10 {
            local.set(Some(Key::PasswordTooShort));
            return;
        }
        local.set(None);
        let id = id.clone();
        let username = username.clone();
        let body = ResetPasswordRequest { new_password };
        submit.send(
            async move { api.reset_password(&id, &body).await },
            move |()| {
                status.try_set(Some(
                    i18n.tf(Key::UsersResetDone, &[("username", &username)]),
                ));
                resetting.try_set(None);
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="reset-title" id="reset-password">
            <h2 id="reset-title">{move || i18n.tf(Key::UsersResetFor, &[("username", &title_name)])}</h2>
            <ErrorAlert error=error local=local />
            <form class="form form-inline" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="reset-new-password">{tr!(PasswordNew)}</label>
                    <input
                        id="reset-new-password"
                        type="password"
                        autocomplete="new-password"
                        required=true
                        aria-describedby="reset-hint"
                        node_ref=input_ref
                        bind:value=password
                    />
                    <p class="hint" id="reset-hint">{tr!(PasswordNewHint)}</p>
                </div>
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::UsersResetSave />
                    <button type="button" class="btn btn-secondary" on:click=move |_| resetting.set(None)>
                        {tr!(CommonCancel)}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn CreateUserForm(on_created: Callback<UserDto>) -> impl IntoView {
    let api = use_api();
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Clerk);
    let password = RwSignal::new(String::new());
    let locale = RwSignal::new(Locale::En);
    let customer_id = RwSignal::new(String::new());
    let submit = Submit::new();
    let error = submit.error;

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if submit.is_busy() {
            return;
        }
        error.set(None);
        let pw = password.get_untracked();
        let cid = customer_id.get_untracked().trim().to_string();
        let req = CreateUserRequest {
            username: username.get_untracked().trim().to_string(),
            display_name: display_name.get_untracked().trim().to_string(),
            role: role.get_untracked(),
            password: (!pw.is_empty()).then_some(pw),
            locale: locale.get_untracked(),
            customer_id: (!cid.is_empty()).then_some(cid),
        };
        submit.send(async move { api.create_user(&req).await }, move |u| {
            username.try_set(String::new());
            display_name.try_set(String::new());
            password.try_set(String::new());
            customer_id.try_set(String::new());
            on_created.run(u);
        });
    };

    view! {
        <section class="card" aria-labelledby="create-user-title">
            <h2 id="create-user-title">{tr!(UsersCreateTitle)}</h2>
            <ErrorAlert error=error id="create-user-error" />
            <form class="form form-grid" on:submit=on_submit novalidate>
                <TextField
                    id="new-username"
                    label=Key::UsersUsername
                    value=username
                    hint=Key::UsersUsernameHint
                    autocomplete="off"
                    required=true
                />
                <TextField
                    id="new-display-name"
                    label=Key::UsersDisplayName
                    value=display_name
                    autocomplete="off"
                    required=true
                />
                <div class="field">
                    <label for="new-role">{tr!(UsersRole)}</label>
                    <select
                        id="new-role"
                        on:change=move |ev| {
                            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                                role.set(r);
                            }
                        }
                        prop:value=move || role.get().as_str()
                    >
                        {Role::ALL
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <option value=r.as_str() selected=move || role.get() == r>
                                        {move || i18n.t(role_key(r))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-locale">{tr!(UsersLocale)}</label>
                    <select
                        id="new-locale"
                        on:change=move |ev| {
                            if let Some(l) = Locale::parse(&event_target_value(&ev)) {
                                locale.set(l);
                            }
                        }
                        prop:value=move || locale.get().as_str()
                    >
                        {[Locale::En, Locale::Es]
                            .into_iter()
                            .map(|l| {
                                view! {
                                    <option value=l.as_str() selected=move || locale.get() == l>
                                        {move || i18n.t(locale_key(l))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <TextField
                    id="new-password"
                    label=Key::UsersPassword
                    value=password
                    hint=Key::UsersPasswordHint
                    input_type="password"
                    autocomplete="new-password"
                />
                <TextField id="new-customer-id" label=Key::UsersCustomerId value=customer_id hint=Key::UsersCustomerIdHint />
                <div class="form-actions">
                    <SubmitButton submit=submit label=Key::UsersCreate busy_label=Key::CommonSaving />
                </div>
            </form>
        </section>
    }
}
