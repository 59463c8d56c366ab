//! Sign in, with the demo accounts listed when the demo seed is on.

use crate::portal::server_fns::demo_accounts::demo_accounts;
use crate::server_fns::auth::login::Login;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SignInPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(session)) = login.value().get() {
            // A partner's user works on the partner pages only.
            let home = if session.role == crate::model::Role::External { "/partner-leads" } else { "/clients" };
            // A full load, so every part of the page sees the new session.
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(home);
            }
        }
    });
    let error = move || login.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    let accounts = Resource::new(|| (), |_| demo_accounts());
    view! {
        <section class="sign-in">
            <h1>"Sign in"</h1>
            <ActionForm action=login attr:class="form" attr:aria-describedby="sign-in-error">
                <label>"Email" <input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password" <input type="password" name="password" autocomplete="current-password" required/></label>
                <button type="submit" class="primary" disabled=move || login.pending().get()>"Sign in"</button>
            </ActionForm>
            <p id="sign-in-error" class="error" role="alert" hidden=move || error().is_none()>{error}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = accounts.await.unwrap_or_default();
                    let password = list.first().map(|a| a.password.clone()).unwrap_or_default();
                    (!list.is_empty()).then(|| view! {
                        <aside class="demo-accounts" aria-labelledby="demo-heading">
                            <h2 id="demo-heading">"Demo accounts"</h2>
                            <p>"Password for all of them: " <code>{password}</code></p>
                            <ul>
                                {list.into_iter().map(|a| {
                                    let what = match a.role {
                                        crate::model::Role::Admin => "may import everything",
                                        crate::model::Role::Staff => "may import clients and leads",
                                        crate::model::Role::Viewer => "may look, not import",
                                        crate::model::Role::External => "a partner's user: imports leads for their partner",
                                    };
                                    view! { <li><code>{a.email}</code>{format!(" — {}, {what}", a.workspace)}</li> }
                                }).collect_view()}
                            </ul>
                        </aside>
                    })
                })}
            </Suspense>
        </section>
    }
}
