//! The csv-import web app: the pages, the import modal and the server
//! functions they call. Built twice: with `ssr` into the server, with
//! `hydrate` into the browser's wasm.

pub mod model;
pub mod pages;
pub mod server_fns;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    StaticSegment,
};

/// The HTML document around the app, rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
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
    // Tells tests (and curious people) that the wasm has taken over the page.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/csv-import.css"/>
        <Title text="csv-import"/>
        <Router>
            <header class="topbar">
                <a class="brand" href="/">"csv-import"</a>
            </header>
            <main id="main">
                <Routes fallback=|| view! { <p class="notice">"Page not found."</p> }>
                    <Route path=StaticSegment("") view=pages::home::HomePage/>
                </Routes>
            </main>
        </Router>
    }
}
