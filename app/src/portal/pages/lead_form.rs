//! The lead registration form editor: an admin adds, removes,
//! orders and edits the fields (label, key, type, required, options). The
//! `partner-leads` import follows the saved form: its sample file, its
//! required columns and its checks.

use crate::portal::pages::local_time::LocalTime;
use crate::portal::server_fns::partners::get_lead_form::get_lead_form;
use crate::portal::server_fns::partners::save_lead_form::save_lead_form;
use crate::portal::server_fns::partners::{FormField, FormFieldType, LeadForm};
use leptos::prelude::*;

/// One field being edited: its values as signals, with a stable id.
#[derive(Clone, Copy)]
struct Draft {
    id: u32,
    label: RwSignal<String>,
    key: RwSignal<String>,
    kind: RwSignal<FormFieldType>,
    required: RwSignal<bool>,
    /// Options of a select, comma-separated.
    options: RwSignal<String>,
}

impl Draft {
    fn new(id: u32, field: FormField) -> Draft {
        Draft {
            id,
            label: RwSignal::new(field.label),
            key: RwSignal::new(field.key),
            kind: RwSignal::new(field.kind),
            required: RwSignal::new(field.required),
            options: RwSignal::new(field.options.join(", ")),
        }
    }

    fn field(&self) -> FormField {
        FormField {
            label: self.label.get_untracked(),
            key: self.key.get_untracked(),
            kind: self.kind.get_untracked(),
            required: self.required.get_untracked(),
            options: self
                .options
                .get_untracked()
                .split(',')
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect(),
        }
    }
}

/// The form editor.
#[component]
pub fn LeadFormPage() -> impl IntoView {
    let form = Resource::new(|| (), |_| get_lead_form());
    view! {
        <div class="page-head">
            <h1>"Lead registration form"</h1>
            <a class="button" href="/templates/partner-leads/sample.csv" download="partner-leads-sample.csv">"Download CSV template"</a>
        </div>
        <p class="hint">
            "These are the fields of a lead. A lead import needs a column for every required field, plus Partner ID and Partner User ID; the CSV template and the import's checks follow this form as soon as it is saved."
        </p>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <Editor form/> }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Editor(form: LeadForm) -> impl IntoView {
    let may_edit = form.may_edit;
    let next_id = StoredValue::new(form.fields.len() as u32);
    let drafts = RwSignal::new(
        form.fields.into_iter().enumerate().map(|(i, f)| Draft::new(i as u32, f)).collect::<Vec<_>>(),
    );
    let updated = RwSignal::new(form.updated_at);
    let message = RwSignal::new(None::<Result<String, String>>);
    let save = Action::new(move |fields: &Vec<FormField>| {
        let fields = fields.clone();
        async move {
            match save_lead_form(fields).await {
                Ok(saved) => {
                    updated.set(saved.updated_at);
                    // New ids: the rows show the saved values (keys made from labels).
                    let first = next_id.get_value();
                    next_id.set_value(first + saved.fields.len() as u32);
                    drafts.set(saved.fields.into_iter().enumerate().map(|(i, f)| Draft::new(first + i as u32, f)).collect());
                    message.set(Some(Ok("Form saved. Lead imports now follow it.".into())));
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        }
    });
    let add = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        drafts.update(|d| d.push(Draft::new(id, FormField::default())));
    };
    let remove = move |id: u32| drafts.update(|d| d.retain(|x| x.id != id));
    let move_up = move |id: u32| {
        drafts.update(|d| {
            if let Some(i) = d.iter().position(|x| x.id == id).filter(|i| *i > 0) {
                d.swap(i, i - 1);
            }
        })
    };
    view! {
        {(!may_edit).then(|| view! { <p class="notice">"Only an admin may change the form."</p> })}
        <form class="lead-form" on:submit=move |ev| {
            ev.prevent_default();
            let fields: Vec<FormField> = drafts.with_untracked(|d| d.iter().map(Draft::field).collect());
            message.set(None);
            save.dispatch(fields);
        }>
            <table class="records form-fields">
                <thead>
                    <tr>
                        <th scope="col">"Label"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Required"</th>
                        <th scope="col">"Options (select)"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || drafts.get() key=|d| d.id let:d>
                        <tr class="form-field">
                            <td>
                                <input
                                    type="text"
                                    aria-label="Label"
                                    required
                                    maxlength="100"
                                    disabled=!may_edit
                                    prop:value=move || d.label.get()
                                    on:input=move |ev| d.label.set(event_target_value(&ev))
                                />
                            </td>
                            <td>
                                <input
                                    type="text"
                                    aria-label="Key"
                                    placeholder="made from the label"
                                    maxlength="60"
                                    disabled=!may_edit
                                    prop:value=move || d.key.get()
                                    on:input=move |ev| d.key.set(event_target_value(&ev))
                                />
                            </td>
                            <td>
                                <select
                                    aria-label="Type"
                                    disabled=!may_edit
                                    on:change=move |ev| {
                                        if let Some(kind) = FormFieldType::parse(&event_target_value(&ev)) {
                                            d.kind.set(kind);
                                        }
                                    }
                                >
                                    {FormFieldType::ALL.into_iter().map(|t| view! {
                                        <option value=t.as_str() selected=move || d.kind.get() == t>{t.as_str()}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td>
                                <input
                                    type="checkbox"
                                    aria-label="Required"
                                    disabled=!may_edit
                                    prop:checked=move || d.required.get()
                                    on:change=move |ev| d.required.set(event_target_checked(&ev))
                                />
                            </td>
                            <td>
                                <input
                                    type="text"
                                    aria-label="Options"
                                    placeholder=move || (d.kind.get() == FormFieldType::Select).then_some("Small, Medium, Large")
                                    disabled=move || !may_edit || d.kind.get() != FormFieldType::Select
                                    prop:value=move || d.options.get()
                                    on:input=move |ev| d.options.set(event_target_value(&ev))
                                />
                            </td>
                            <td class="row-actions">
                                {may_edit.then(|| view! {
                                    <button type="button" class="icon-button" aria-label="Move up" on:click=move |_| move_up(d.id)>"↑"</button>
                                    <button type="button" class="icon-button" aria-label="Remove field" on:click=move |_| remove(d.id)>"×"</button>
                                })}
                            </td>
                        </tr>
                    </For>
                    <tr class="form-field reserved">
                        <td>"Partner ID"</td><td><code>"partner_id"</code></td><td>"id"</td><td>"yes"</td>
                        <td class="hint" colspan="2">"Always last; must be a partner of this workspace."</td>
                    </tr>
                    <tr class="form-field reserved">
                        <td>"Partner User ID"</td><td><code>"partner_user_id"</code></td><td>"id"</td><td>"yes"</td>
                        <td class="hint" colspan="2">"Must be on that partner's team."</td>
                    </tr>
                </tbody>
            </table>
            {may_edit.then(|| view! {
                <div class="form-actions">
                    <button type="button" on:click=add>"Add field"</button>
                    <button type="submit" class="primary" disabled=move || save.pending().get()>"Save form"</button>
                </div>
            })}
        </form>
        {move || message.get().map(|m| match m {
            Ok(text) => view! { <p class="success" role="status">{text}</p> }.into_any(),
            Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
        })}
        <p class="hint">
            {move || match updated.get() {
                Some(at) => view! { "Saved " <LocalTime value=at/> "." }.into_any(),
                None => "This is the default form; no one has changed it yet.".into_any(),
            }}
        </p>
    }
}
