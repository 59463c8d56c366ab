//! Step 2: each column of the file and the field it goes to; the encoding
//! and delimiter, changeable.

use super::state::{ModalState, Step};
use csv_import_core::map::{MatchKind, Override};
use leptos::prelude::*;

#[component]
pub fn MappingStep(state: ModalState) -> impl IntoView {
    let template = state.template();
    let fields: Vec<(String, String, bool)> =
        template.fields.iter().map(|f| (f.key.clone(), f.header().to_string(), f.required)).collect();

    // The choices confirmed last time for a file with these headers.
    Effect::new(move |_| untrack(|| super::remembered::recall(state)));

    let set_field = move |index: usize, field: Option<String>| {
        let column = format!("#{}", index + 1);
        state.options.update(|o| {
            o.overrides.retain(|x| x.column != column);
            o.overrides.push(Override { column, field });
        });
        state.recheck();
    };
    let reread = move || {
        state.options.update(|o| o.overrides.clear());
        leptos::task::spawn_local(async move { state.analyze().await });
    };

    let blocking = move || {
        state.analysis.with(|a| {
            a.as_ref()
                .map(|a| a.report.file_errors.iter().filter(|e| e.code.stops_checking()).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let encoding = move || state.analysis.with(|a| a.as_ref().map(|a| a.report.encoding.clone()).unwrap_or_default());
    let delimiter = move || state.analysis.with(|a| a.as_ref().map(|a| a.report.delimiter.clone()).unwrap_or_default());

    let rows = move || {
        let fields = fields.clone();
        state.analysis.with(|analysis| {
            let Some(analysis) = analysis else { return Vec::new() };
            analysis
                .report
                .columns
                .iter()
                .enumerate()
                .map(|(k, column)| {
                    let samples: Vec<String> = analysis.samples.get(k).cloned().unwrap_or_default();
                    let index = column.index;
                    let selected = column.field.clone().unwrap_or_default();
                    let text = crate::i18n::text();
                    let how = match column.how {
                        MatchKind::Exact | MatchKind::Normalized => text.how_name,
                        MatchKind::Synonym => text.how_alias,
                        MatchKind::Similar => text.how_similar,
                        MatchKind::Content => column
                            .looks_like
                            .map(|kind| kind.reason(crate::i18n::locale().core_lang()))
                            .unwrap_or(text.how_similar),
                        MatchKind::Remembered => text.how_remembered,
                        MatchKind::Chosen => text.how_chosen,
                        MatchKind::Attribute => text.how_attribute,
                        _ => text.how_ignored,
                    };
                    let secret = column
                        .field
                        .as_deref()
                        .and_then(|k| template.field(k))
                        .is_some_and(|f| f.kind == csv_import_core::FieldType::Password);
                    let label_id = format!("map-col-{index}");
                    let options = fields.clone();
                    view! {
                        <tr class:unmapped=column.field.is_none() && column.attribute.is_none()>
                            <th scope="row" id=label_id.clone()>{column.header.clone()}</th>
                            <td class="samples">
                                {if secret { "••••••••".to_string() } else { samples.join(" · ") }}
                            </td>
                            <td>
                                {match &column.attribute {
                                    Some(name) => view! { <span>{(crate::i18n::text().attribute)(name)}</span> }.into_any(),
                                    None => view! {
                                        <select
                                            aria-labelledby=label_id
                                            on:change=move |ev| {
                                                let value = event_target_value(&ev);
                                                set_field(index, (!value.is_empty()).then_some(value));
                                            }
                                        >
                                            <option value="" selected=selected.is_empty()>{crate::i18n::text().ignore_column}</option>
                                            {options
                                                .into_iter()
                                                .map(|(key, label, required)| {
                                                    let is_selected = key == selected;
                                                    let text = if required { (crate::i18n::text().required_field)(&label) } else { label };
                                                    view! { <option value=key selected=is_selected>{text}</option> }
                                                })
                                                .collect_view()}
                                        </select>
                                    }.into_any(),
                                }}
                            </td>
                            <td class="match-kind">{how}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    // A workbook has no encoding or delimiter to change.
    let is_text = move || state.analysis.with(|a| a.as_ref().is_none_or(|a| a.report.sheet.is_none()));

    view! {
        <div class="file-settings">
            <Show when=is_text>
            <label>
                {crate::i18n::text().encoding_label}
                <select on:change=move |ev| {
                    let value = event_target_value(&ev);
                    state.options.update(|o| o.encoding = (!value.is_empty()).then_some(value));
                    reread();
                }>
                    <option value="" selected=move || state.options.with(|o| o.encoding.is_none())>
                        {move || (crate::i18n::text().detected)(&encoding())}
                    </option>
                    {crate::i18n::text().encodings
                        .iter()
                        .map(|(value, label)| {
                            let value = value.to_string();
                            let chosen = value.clone();
                            view! {
                                <option
                                    value=value
                                    selected=move || state.options.with(|o| o.encoding.as_deref() == Some(chosen.as_str()))
                                >
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {crate::i18n::text().delimiter_label}
                <select on:change=move |ev| {
                    let value = event_target_value(&ev);
                    state.options.update(|o| o.delimiter = (!value.is_empty()).then_some(value));
                    reread();
                }>
                    <option value="" selected=move || state.options.with(|o| o.delimiter.is_none())>
                        {move || (crate::i18n::text().detected)((crate::i18n::text().delimiter_name)(&delimiter()))}
                    </option>
                    {crate::i18n::text().delimiters
                        .iter()
                        .map(|(value, label)| {
                            let chosen = value.to_string();
                            view! {
                                <option
                                    value=*value
                                    selected=move || state.options.with(|o| o.delimiter.as_deref() == Some(chosen.as_str()))
                                >
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            </Show>
            <super::sheets::HeaderRowChoice state/>
            <span class="file-name">{move || state.file_name.get()}</span>
        </div>
        <super::upload::ReadingProgress state/>
        <table class="mapping">
            <caption class="visually-hidden">{crate::i18n::text().mapping_caption}</caption>
            <thead>
                <tr>
                    <th scope="col">{crate::i18n::text().col_column}</th>
                    <th scope="col">{crate::i18n::text().col_samples}</th>
                    <th scope="col">{crate::i18n::text().col_field}</th>
                    <th scope="col">{crate::i18n::text().col_how}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {move || {
            let problems = blocking();
            (!problems.is_empty()).then(|| view! {
                <div class="error" role="alert" id="mapping-problems">
                    <p>{crate::i18n::text().fix_mapping}</p>
                    <ul>{problems.into_iter().map(|p| view! { <li>{p.message}</li> }).collect_view()}</ul>
                </div>
            })
        }}
        <super::remembered::ForgetRemembered state/>
        <footer class="modal-footer">
            <button type="button" on:click=move |_| {
                state.analysis.set(None);
                state.step.set(Step::Upload);
            }>{crate::i18n::text().back}</button>
            <button
                type="button"
                class="primary"
                disabled=move || !blocking().is_empty()
                aria-describedby=move || (!blocking().is_empty()).then_some("mapping-problems")
                on:click=move |_| {
                    super::remembered::remember(state);
                    state.step.set(Step::Review)
                }
            >
                {crate::i18n::text().next_review}
            </button>
        </footer>
    }
}
