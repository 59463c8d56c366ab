//! The Tags page: the workspace's tags, which client-accounts
//! files may name; admins add and delete them. A tag that accounts carry
//! cannot be deleted (the server says so).

use crate::portal::server_fns::tags::add_tag::add_tag;
use crate::portal::server_fns::tags::delete_tag::delete_tag;
use crate::portal::server_fns::tags::list_tags::list_tags;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// List, add and delete tags.
#[component]
pub fn TagsPage() -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    let tags = Resource::new(move || reload.get(), move |_| list_tags());
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = name.get_untracked();
        spawn_local(async move {
            match add_tag(value.clone()).await {
                Ok(()) => {
                    message.set(Some((true, format!("Tag \"{}\" added.", value.trim()))));
                    name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => message.set(Some((false, e.to_string()))),
            }
        });
    };
    let remove = move |id: i64, tag: String| {
        spawn_local(async move {
            match delete_tag(id).await {
                Ok(()) => {
                    message.set(Some((true, format!("Tag \"{tag}\" deleted."))));
                    reload.update(|n| *n += 1);
                }
                Err(e) => message.set(Some((false, e.to_string()))),
            }
        });
    };
    view! {
        <div class="page-head"><h1>"Tags"</h1></div>
        <p class="hint">"A client-accounts file may only name tags listed here. Only admins may add or delete tags."</p>
        <form class="search" on:submit=add>
            <label>
                "New tag "
                <input type="text" maxlength="100" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            " "
            <button type="submit" class="primary">"Add tag"</button>
        </form>
        {move || message.get().map(|(ok, text)| if ok {
            view! { <p class="success" role="status">{text}</p> }.into_any()
        } else {
            view! { <p class="error" role="alert">{text}</p> }.into_any()
        })}
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match tags.await {
                    Ok(list) if list.is_empty() => view! { <p class="notice">"No tags yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="records tags">
                            <thead><tr><th scope="col">"Tag"</th><th scope="col">"Accounts"</th><th scope="col"></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|t| { let tag = t.name.clone(); let key = t.name.clone(); view! {
                                    <tr data-tag=key>
                                        <td>{t.name}</td>
                                        <td>{t.accounts}</td>
                                        <td>
                                            <button type="button" on:click=move |_| remove(t.id, tag.clone())>"Delete"</button>
                                        </td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
