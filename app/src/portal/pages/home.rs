//! The home page: the built-in templates, what each expects, and its sample file.

use crate::server_fns::templates::list_templates::list_templates;
use csv_import_core::{Field, Template};
use leptos::prelude::*;

/// Lists every template with its required columns and a sample download.
#[component]
pub fn HomePage() -> impl IntoView {
    let templates = Resource::new(|| (), |_| list_templates());
    view! {
        <h1>"Import templates"</h1>
        <p class="lead">
            "Each template says which columns a CSV file needs. Download a sample, fill it in, and import it."
        </p>
        <Suspense fallback=|| view! { <p aria-busy="true">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                match templates.await {
                    Ok(list) => view! {
                        <ul class="template-list">
                            {list.into_iter().map(|t| view! { <TemplateCard template=t/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert">{format!("The templates could not be loaded: {e}")}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One template: its required columns, and the rest on request.
#[component]
fn TemplateCard(template: Template) -> impl IntoView {
    let (open, set_open) = signal(false);
    let sample_href = format!("/templates/{}/sample.csv", template.name);
    let download = format!("{}-sample.csv", template.name);
    let required: Vec<Field> = template.fields.iter().filter(|f| f.required).cloned().collect();
    let optional: Vec<Field> = template.fields.iter().filter(|f| !f.required).cloned().collect();
    let details_id = format!("columns-{}", template.name);
    let has_optional = !optional.is_empty();
    view! {
        <li class="template-card" data-template=template.name.clone()>
            <h2>{template.label.clone()}</h2>
            <p class="template-name"><code>{template.name.clone()}</code></p>
            <p>{template.description.clone()}</p>
            <p class="columns-heading">"Required columns"</p>
            <ul class="columns required-columns">
                {required.into_iter().map(|f| view! { <li><ColumnName field=f/></li> }).collect_view()}
            </ul>
            <Show when=move || has_optional>
                <button
                    type="button"
                    class="link-button"
                    aria-expanded=move || open.get().to_string()
                    aria-controls=details_id.clone()
                    on:click=move |_| set_open.update(|o| *o = !*o)
                >
                    {move || if open.get() { "Hide optional columns" } else { "Show optional columns" }}
                </button>
            </Show>
            <ul class="columns optional-columns" id=format!("columns-{}", template.name) hidden=move || !open.get()>
                {optional.into_iter().map(|f| view! { <li><ColumnName field=f/></li> }).collect_view()}
            </ul>
            <a class="button" href=sample_href download=download>"Download sample CSV"</a>
        </li>
    }
}

/// A column's header with its type.
#[component]
fn ColumnName(field: Field) -> impl IntoView {
    let header = field.header().to_string();
    let kind = if field.repeatable { format!("{}, repeatable", field.kind.as_str()) } else { field.kind.as_str().to_string() };
    view! {
        <code>{header}</code>
        <span class="column-type">{kind}</span>
    }
}
