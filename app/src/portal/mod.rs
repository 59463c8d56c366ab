//! The demo portal: one host of the importer, and the proof of its
//! workflows. Its pages, the server functions behind them, its entities and
//! the destinations that store their imports; nothing of the importer
//! depends on it.

#[cfg(feature = "ssr")]
pub mod backend;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod server_fns;

use crate::{components, server_fns as importer_fns};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    Lazy, LazyRoute, ParamSegment, StaticSegment,
};

/// The HTML document around the app, rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: routes of the demo portal.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Bumped when a background import finishes, so record pages reload.
    provide_context(components::notifications::ImportsFinished::new());
    view! {
        <Stylesheet id="leptos" href="/pkg/csv-import.css"/>
        <Title text="csv-import"/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <TopBar/>
            <main id="main">
                <Routes fallback=|| view! { <p class="notice">"Page not found."</p> }>
                    <Route path=StaticSegment("") view={Lazy::<Home>::new()}/>
                    <Route path=StaticSegment("sign-in") view={Lazy::<SignIn>::new()}/>
                    <Route path=StaticSegment("clients") view={Lazy::<Clients>::new()}/>
                    <Route path=StaticSegment("leads") view={Lazy::<Leads>::new()}/>
                    <Route path=StaticSegment("companies") view={Lazy::<Companies>::new()}/>
                    <Route path=StaticSegment("coaches") view={Lazy::<Coaches>::new()}/>
                    <Route path=StaticSegment("accounts") view={Lazy::<Accounts>::new()}/>
                    <Route path=StaticSegment("tags") view={Lazy::<Tags>::new()}/>
                    <Route path=StaticSegment("crm") view={Lazy::<Crm>::new()}/>
                    <Route path=StaticSegment("partners") view={Lazy::<Partners>::new()}/>
                    <Route path=(StaticSegment("partners"), ParamSegment("id")) view={Lazy::<Partner>::new()}/>
                    <Route path=StaticSegment("team") view={Lazy::<Team>::new()}/>
                    <Route path=StaticSegment("partner-leads") view={Lazy::<PartnerLeads>::new()}/>
                    <Route path=StaticSegment("lead-form") view={Lazy::<LeadForm>::new()}/>
                    <Route path=StaticSegment("imports") view={Lazy::<Imports>::new()}/>
                    <Route path=StaticSegment("data") view={Lazy::<Data>::new()}/>
                    <Route path=StaticSegment("check") view={Lazy::<Check>::new()}/>
                    <Route path=(StaticSegment("examples"), StaticSegment("leptos-host")) view={Lazy::<LeptosHost>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}

/// The portal's pages, one route each. With the `split` feature each page's
/// view is a chunk of the wasm of its own, fetched when the page is first
/// shown; without it, the same routes are plain views.
macro_rules! pages {
    ($($page:ident => $view:expr;)*) => {$(
        struct $page;

        #[cfg(feature = "split")]
        #[leptos_router::lazy_route]
        impl LazyRoute for $page {
            fn data() -> Self {
                $page
            }

            fn view(_page: Self) -> AnyView {
                page($view)
            }
        }

        #[cfg(not(feature = "split"))]
        impl LazyRoute for $page {
            fn data() -> Self {
                $page
            }

            async fn view(_page: Self) -> AnyView {
                page($view)
            }
        }
    )*};
}

pages! {
    Home => view! { <self::pages::home::HomePage/> };
    SignIn => view! { <self::pages::sign_in::SignInPage/> };
    Clients => view! { <self::pages::records::RecordsPage entity="clients" template="clients" title="Clients"/> };
    Leads => view! { <self::pages::records::RecordsPage entity="leads" template="leads" title="Leads"/> };
    Companies => view! { <self::pages::records::RecordsPage entity="companies" template="companies" title="Companies"/> };
    Coaches => view! { <self::pages::coaches::CoachesPage/> };
    Accounts => view! { <self::pages::accounts::AccountsPage/> };
    Tags => view! { <self::pages::tags::TagsPage/> };
    Crm => view! { <self::pages::crm::CrmPage/> };
    Partners => view! { <self::pages::partners::PartnersPage/> };
    Partner => view! { <self::pages::partners::PartnerPage/> };
    Team => view! { <self::pages::partners::TeamPage/> };
    PartnerLeads => view! { <self::pages::partner_leads::PartnerLeadsPage/> };
    LeadForm => view! { <self::pages::lead_form::LeadFormPage/> };
    Imports => view! { <self::pages::imports::ImportsPage/> };
    Data => view! { <self::pages::data::DataPage/> };
    Check => view! { <self::pages::check::CheckPage/> };
    LeptosHost => view! { <self::pages::embed_example::LeptosHostExample/> };
}

/// A page's view, which marks the page as taken over by the wasm once it is
/// hydrated (tests, and curious people, wait for `data-hydrated`): with lazy
/// pages the app hydrates before its page does.
fn page(view: impl IntoView + 'static) -> AnyView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view.into_any()
}

/// Who sees a link of the navigation.
struct Shown {
    /// Users of the workspace (admin, staff, viewer, or nobody signed in).
    staff: bool,
    /// A partner's user, who sees the partner pages only.
    partner: bool,
}

const STAFF: Shown = Shown { staff: true, partner: false };
const BOTH: Shown = Shown { staff: true, partner: true };

/// The portal's pages, in the order of the navigation.
const NAV: [(&str, &str, Shown); 13] = [
    ("/clients", "Clients", STAFF),
    ("/leads", "Leads", STAFF),
    ("/companies", "Companies", STAFF),
    ("/coaches", "Coaches", STAFF),
    ("/accounts", "Client accounts", STAFF),
    ("/tags", "Tags", STAFF),
    ("/crm", "CRM clients", STAFF),
    ("/partners", "Partners", STAFF),
    ("/partner-leads", "Partner leads", BOTH),
    // A partner's user finds their team's IDs here.
    ("/team", "Team members", Shown { staff: false, partner: true }),
    ("/imports", "Imports", STAFF),
    ("/data", "Data management", STAFF),
    ("/check", "Check a file", BOTH),
];

/// The portal's navigation and who is signed in.
#[component]
fn TopBar() -> impl IntoView {
    let session = Resource::new(|| (), |_| importer_fns::auth::current_user::current_user());
    let logout = ServerAction::<importer_fns::auth::logout::Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = logout.value().get() {
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href("/sign-in");
            }
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/">"csv-import"</a>
            <nav aria-label="Main">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        // A partner's user sees only the partner pages:
                        // the others would answer 403.
                        let partner = matches!(session.await, Ok(Some(s)) if !s.role.sees_workspace());
                        NAV.iter()
                            .filter(|(_, _, shown)| if partner { shown.partner } else { shown.staff })
                            .map(|(href, label, _)| view! { <A href=*href>{*label}</A> })
                            .collect_view()
                    })}
                </Suspense>
            </nav>
            <div class="session">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match session.await {
                            // Only a signed-in user has imports to be told about.
                            Ok(Some(s)) => view! {
                                <components::notifications::Notifications/>
                                <span class="who">{format!("{} · {} ({})", s.email, s.workspace.name, s.role.as_str())}</span>
                                <button type="button" class="link-button" on:click=move |_| { logout.dispatch(importer_fns::auth::logout::Logout {}); }>
                                    "Sign out"
                                </button>
                            }.into_any(),
                            _ => view! { <a href="/sign-in">"Sign in"</a> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </header>
    }
}
