use std::process::ExitCode;

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};

/// `spawnsafe completions SHELL`: the shell's completion script, on stdout.
pub fn completions(args: CompletionsArgs) -> Result<ExitCode, String> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "spawnsafe", &mut script);
    crate::printer::write_stdout(&script)?;
    Ok(ExitCode::SUCCESS)
}
