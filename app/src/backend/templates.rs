//! The templates the server knows: a host's own, registered at start-up
//! (from Rust code, or TOML files with `serve --templates DIR`), and the
//! built-in ones. A host's template may take a built-in name: it is then
//! the one used.

use csv_import_core::Template;
use std::sync::{OnceLock, RwLock};

fn registry() -> &'static RwLock<Vec<Template>> {
    static REGISTRY: OnceLock<RwLock<Vec<Template>>> = OnceLock::new();
    REGISTRY.get_or_init(|| RwLock::new(Vec::new()))
}

/// Register `template` (checked first), in place of one of the same name.
pub fn register(template: Template) -> Result<(), String> {
    template.check()?;
    let mut all = registry().write().unwrap_or_else(|e| e.into_inner());
    all.retain(|t| t.name != template.name);
    all.push(template);
    Ok(())
}

/// Register every `*.toml` file of `dir` (sorted by name); the first file
/// that does not read or parse is an error that names it.
pub fn register_dir(dir: &std::path::Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut names = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let template = Template::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = template.name.clone();
        register(template).map_err(|e| format!("{}: {e}", path.display()))?;
        names.push(name);
    }
    Ok(names)
}

/// The template called `name`: a registered one, else a built-in one.
pub fn get(name: &str) -> Option<Template> {
    let registered = registry().read().unwrap_or_else(|e| e.into_inner()).iter().find(|t| t.name == name).cloned();
    registered.or_else(|| csv_import_core::builtin::get(name))
}

/// Every template: the built-in ones (or the registered ones that replace
/// them), then the other registered ones.
pub fn all() -> Vec<Template> {
    let registered = registry().read().unwrap_or_else(|e| e.into_inner()).clone();
    let mut all: Vec<Template> = csv_import_core::builtin::all()
        .into_iter()
        .map(|builtin| registered.iter().find(|t| t.name == builtin.name).cloned().unwrap_or(builtin))
        .collect();
    all.extend(registered.into_iter().filter(|t| csv_import_core::builtin::get(&t.name).is_none()));
    all
}

/// The names of [`all`], without reading the templates.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = csv_import_core::builtin::SOURCES.iter().map(|(name, _)| name.to_string()).collect();
    let registered = registry().read().unwrap_or_else(|e| e.into_inner());
    for template in registered.iter() {
        if !names.contains(&template.name) {
            names.push(template.name.clone());
        }
    }
    names
}
