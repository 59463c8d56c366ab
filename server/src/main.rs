use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = csv_import::cli::Cli::parse();
    csv_import::cli::run(cli)
}
