//! The command line: `csv-import [serve|validate|parse|sample|templates|user]`.

mod check;
mod import;

use crate::error::Error;
use clap::{Parser, Subcommand, ValueEnum};
use csv_import_core::Template;
use std::process::ExitCode;

/// csv-import: check and import CSV files against templates.
#[derive(Debug, Parser)]
#[command(name = "csv-import", version, about)]
pub struct Cli {
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (the default).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:3000.
        #[arg(long)]
        addr: Option<String>,
        /// Database URL: sqlite://PATH or postgres://... (env DATABASE_URL).
        #[arg(long, env = "DATABASE_URL", default_value = crate::db::DEFAULT_URL)]
        database_url: String,
        /// Demo mode (SQLite only): seed the demo workspaces and accounts, whose
        /// password is public, and list them on the sign-in page. Off unless
        /// asked for (env CSV_IMPORT_DEMO=1); never on a server others can reach.
        #[arg(long, env = "CSV_IMPORT_DEMO", value_parser = clap::builder::BoolishValueParser::new())]
        demo: bool,
        /// Accepted for older scripts: demo mode is off unless --demo.
        #[arg(long, hide = true)]
        no_demo: bool,
        /// The origin browsers reach the server at, e.g. https://imports.example.com
        /// (env CSV_IMPORT_PUBLIC_ORIGIN); defaults to http:// and the listen address.
        /// Requests that change something are accepted only from its pages (and the allow-list's).
        #[arg(long, value_name = "URL", env = "CSV_IMPORT_PUBLIC_ORIGIN")]
        public_origin: Option<String>,
        /// Behind a reverse proxy: take the client's address (which failed sign-ins
        /// are counted by) from Forwarded / X-Forwarded-For, the right-most hop that
        /// is not a loopback or private-network address (env CSV_IMPORT_TRUST_FORWARDED=1).
        #[arg(long, env = "CSV_IMPORT_TRUST_FORWARDED", value_parser = clap::builder::BoolishValueParser::new())]
        trust_forwarded: bool,
        /// An origin whose pages may embed the importer, e.g. https://portal.example.com;
        /// repeatable, or comma-separated in CSV_IMPORT_ALLOWED_ORIGINS.
        #[arg(long = "allow-origin", value_name = "ORIGIN", env = "CSV_IMPORT_ALLOWED_ORIGINS", value_delimiter = ',')]
        allowed_origins: Vec<String>,
        /// A folder of template files (*.toml) to offer beside the built-in ones; a
        /// file may replace a built-in template by taking its name (env CSV_IMPORT_TEMPLATES).
        #[arg(long, value_name = "DIR", env = "CSV_IMPORT_TEMPLATES")]
        templates: Option<std::path::PathBuf>,
    },
    /// Manage the users who may sign in.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check a CSV file against a template without importing it.
    /// Exit 0: every row valid; 1: some rows invalid; 2: a file error or bad usage.
    Validate {
        #[command(flatten)]
        read: ReadArgs,
        /// A built-in template name, or a path to a template .toml file.
        #[arg(long, short)]
        template: String,
        /// Map a column to a field (HEADER=FIELD), or ignore it (HEADER=); repeatable.
        /// HEADER may be #N for the N-th column.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
        /// Also print the normalised valid rows (JSON only).
        #[arg(long)]
        records: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the error report CSV (invalid rows plus an `errors` column) here.
        #[arg(long, value_name = "PATH")]
        error_report: Option<String>,
        /// The CSV file or workbook; `-` for standard input.
        file: String,
    },
    /// Import a CSV file into a workspace, as the import modal would: the valid rows
    /// go to the template's destination and the import shows in the history with its
    /// error report. Exit 0: every row imported; 1: some rows skipped; 2: a file
    /// error or bad usage.
    Import {
        #[command(flatten)]
        read: ReadArgs,
        /// The template's name (built-in, or from --templates).
        #[arg(long, short)]
        template: String,
        /// Map a column to a field (HEADER=FIELD), or ignore it (HEADER=); repeatable.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
        /// The workspace's slug, e.g. acme.
        #[arg(long)]
        workspace: String,
        /// The member the import is recorded as (by email); defaults to the
        /// workspace's first admin.
        #[arg(long = "as", value_name = "EMAIL")]
        user: Option<String>,
        /// A folder of template files (*.toml) beside the built-in ones (env CSV_IMPORT_TEMPLATES).
        #[arg(long, value_name = "DIR", env = "CSV_IMPORT_TEMPLATES")]
        templates: Option<std::path::PathBuf>,
        /// Database URL: sqlite://PATH or postgres://... (env DATABASE_URL).
        #[arg(long, env = "DATABASE_URL", default_value = crate::db::DEFAULT_URL)]
        database_url: String,
        /// The CSV file; `-` for standard input.
        file: String,
    },
    /// Show what the importer reads from a file: header and cells as decoded.
    Parse {
        #[command(flatten)]
        read: ReadArgs,
        /// Output format (JSON only for now).
        #[arg(long, value_enum, default_value_t = ParseFormat::Json)]
        format: ParseFormat,
        /// The CSV file; `-` for standard input.
        file: String,
    },
    /// Print a template's sample CSV file, which validates clean.
    Sample {
        /// A built-in template name, or a path to a template .toml file.
        #[arg(long, short)]
        template: String,
    },
    /// List the built-in templates and their fields.
    Templates {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// `csv-import user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to a workspace (created if missing) with a role; an
    /// existing user gets the new name, password and role. The password is
    /// read from CSV_IMPORT_PASSWORD, or else asked for on standard input.
    Add {
        /// The email the user signs in with.
        #[arg(long)]
        email: String,
        /// The user's name.
        #[arg(long)]
        name: String,
        /// The workspace's slug, e.g. acme.
        #[arg(long)]
        workspace: String,
        /// The workspace's display name, if it is created (defaults to the slug).
        #[arg(long)]
        workspace_name: Option<String>,
        /// The user's role in the workspace.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Database URL: sqlite://PATH or postgres://... (env DATABASE_URL).
        #[arg(long, env = "DATABASE_URL", default_value = crate::db::DEFAULT_URL)]
        database_url: String,
    },
}

/// A role on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// May import with every template.
    Admin,
    /// May import clients and leads.
    Staff,
    /// May look, not import.
    Viewer,
}

impl From<RoleArg> for app::model::Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => app::model::Role::Admin,
            RoleArg::Staff => app::model::Role::Staff,
            RoleArg::Viewer => app::model::Role::Viewer,
        }
    }
}

/// How the file is read.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Force an encoding (a WHATWG label: utf-8, windows-1252, utf-16le, ...).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Force a delimiter: , ; | or tab.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// For a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods): the sheet to read, by
    /// name or 1-based position. Needed when the workbook has several sheets.
    #[arg(long, value_name = "NAME|INDEX")]
    pub sheet: Option<String>,
    /// The header's line (a workbook's row number), when it is not the row
    /// found: the rows above it are ignored. By default the first of the
    /// first 20 rows that names the most of the template's fields.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For programs: one JSON object.
    Json,
}

/// Output formats of `parse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    /// One JSON object.
    Json,
}

/// Run a parsed command line; the exit code follows the command's contract.
pub fn run(cli: Cli) -> ExitCode {
    // No command is `serve` with its defaults and environment variables.
    let command = match cli.command {
        Some(command) => command,
        None => match Cli::try_parse_from(["csv-import", "serve"]) {
            Ok(Cli { command: Some(command) }) => command,
            Ok(_) => return ExitCode::from(2),
            Err(e) => e.exit(),
        },
    };
    let result = match command {
        Command::Serve {
            addr,
            database_url,
            demo,
            no_demo: _,
            public_origin,
            allowed_origins,
            trust_forwarded,
            templates,
        } => serve(crate::serve::ServeConfig {
            addr,
            database_url,
            demo,
            allowed_origins,
            public_origin,
            trust_forwarded,
            templates,
        }),
        Command::User { command: UserCommand::Add { email, name, workspace, workspace_name, role, database_url } } => {
            user_add(&database_url, email, name, workspace, workspace_name, role.into())
        }
        Command::Validate { read, template, map, records, format, error_report, file } => {
            check::validate(&read, &template, &map, records, format, error_report.as_deref(), &file)
        }
        Command::Import { read, template, map, workspace, user, templates, database_url, file } => {
            init_logs();
            match templates.as_deref().map(app::backend::templates::register_dir).transpose() {
                Err(e) => Err(Error::Usage(format!("--templates: {e}"))),
                // A receiver without its secret would refuse every batch: say so first.
                Ok(_) => match app::backend::webhook::missing_secret(&template) {
                    Some(problem) => Err(Error::Usage(problem)),
                    None => import::import(&import::ImportArgs {
                        read: &read,
                        template: &template,
                        map: &map,
                        workspace: &workspace,
                        user: user.as_deref(),
                        database_url: &database_url,
                        file: &file,
                    }),
                },
            }
        }
        Command::Parse { read, format: ParseFormat::Json, file } => check::parse(&read, &file),
        Command::Sample { template } => load_template(&template).map(|t| {
            print!("{}", csv_import_core::sample::sample_csv(&t));
            ExitCode::SUCCESS
        }),
        Command::Templates { format } => Ok(check::templates(format)),
    };
    result.unwrap_or_else(|e| {
        eprintln!("csv-import: {e}");
        ExitCode::from(2)
    })
}

fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Runtime::new().map_err(|source| Error::Io { path: "tokio runtime".into(), source })
}

fn serve(config: crate::serve::ServeConfig) -> Result<ExitCode, Error> {
    init_logs();
    runtime()?.block_on(crate::serve::serve(config))?;
    Ok(ExitCode::SUCCESS)
}

/// `csv-import user add`.
fn user_add(
    database_url: &str,
    email: String,
    name: String,
    workspace: String,
    workspace_name: Option<String>,
    role: app::model::Role,
) -> Result<ExitCode, Error> {
    init_logs();
    let password = match std::env::var("CSV_IMPORT_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprint!("Password for {email} (at least {} characters): ", app::backend::auth::MIN_PASSWORD);
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|source| Error::Io { path: "standard input".into(), source })?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let new = app::backend::auth::NewUser {
        email,
        name,
        password,
        workspace_slug: workspace,
        workspace_name,
        role,
    };
    let added = runtime()?.block_on(async {
        let db = crate::db::connect(database_url).await?;
        app::backend::auth::add_user(&db, &new).await.map_err(Error::from)
    })?;
    let slug = new.workspace_slug.trim().to_lowercase();
    println!(
        "{} {} {} workspace {slug}{} as {}.",
        if added.created_user { "Added" } else { "Updated" },
        new.email.trim().to_lowercase(),
        if added.created_user { "to" } else { "in" },
        if added.created_workspace { " (new)" } else { "" },
        new.role.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

/// A built-in template by name, or a template file by path.
pub fn load_template(name_or_path: &str) -> Result<Template, Error> {
    if name_or_path.ends_with(".toml") || name_or_path.contains('/') {
        let text = std::fs::read_to_string(name_or_path)
            .map_err(|source| Error::Io { path: name_or_path.to_string(), source })?;
        return Template::from_toml(&text).map_err(|e| Error::Template(format!("{name_or_path}: {e}")));
    }
    csv_import_core::builtin::get(name_or_path).ok_or_else(|| {
        let names: Vec<&str> = csv_import_core::builtin::SOURCES.iter().map(|(n, _)| *n).collect();
        Error::Template(format!("no template is named {name_or_path:?}; built-in: {}", names.join(", ")))
    })
}

/// The bytes of FILE, or of standard input for `-`.
fn read_input(file: &str) -> Result<Vec<u8>, Error> {
    if file == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|source| Error::Io { path: "standard input".into(), source })?;
        Ok(bytes)
    } else {
        std::fs::read(file).map_err(|source| Error::Io { path: file.to_string(), source })
    }
}
