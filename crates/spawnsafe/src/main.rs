//! The `spawnsafe` command line: a thin layer over `spawnsafe_linter`.
//! `args` is what clap parses, `settings` what `check` validates it into,
//! `commands` one file per subcommand, `printer` all that `check` prints.

use std::process::ExitCode;

use clap::Parser;

mod args;
mod commands;
mod printer;
mod settings;

use args::{Cli, Command};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Check(args) => commands::check::check(args),
        Command::Rule(args) => commands::rule::rule(args),
        Command::Run(args) => commands::run::run(args),
        Command::Doctor(args) => commands::doctor::doctor(args),
        Command::Explain(args) => commands::explain::explain(args),
        Command::Server(_) => commands::server::server(),
        Command::Version(args) => commands::version::version(args),
        Command::Completions(args) => commands::completions::completions(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("spawnsafe: error: {message}");
            ExitCode::from(2)
        }
    }
}
