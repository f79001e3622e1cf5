use std::path::PathBuf;
use std::process::ExitCode;

use crate::args::RunArgs;

/// Whether `spawnsafe run ... -- COMMAND` was given: clap drops the `--`, so
/// the raw arguments tell a command from a script.
fn run_has_command_separator() -> bool {
    let arguments: Vec<String> = std::env::args().collect();
    let Some(run) = arguments.iter().position(|argument| argument == "run") else {
        return false;
    };
    let mut words = arguments[run + 1..].iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--" => return true,
            "--python" | "--timeout" | "--start-method" | "-m" => {
                words.next();
            }
            option if option.starts_with('-') => {}
            _ => return false,
        }
    }
    false
}

/// `spawnsafe run`: the program with the start method forced, then the diagnosis.
pub fn run(args: RunArgs) -> Result<ExitCode, String> {
    use spawnsafe_runtime::run::{Program, RunOptions};
    let program = match (&args.module, run_has_command_separator()) {
        (Some(_), true) => {
            return Err("give either `-m MODULE` or `-- COMMAND`, not both".to_string())
        }
        (Some(module), false) => Program::Module(module.clone(), args.args.clone()),
        (None, true) => {
            if args.args.is_empty() {
                return Err("`--` needs a command to run".to_string());
            }
            Program::Command(args.args.clone())
        }
        (None, false) => {
            let (script, rest) = args
                .args
                .split_first()
                .ok_or("nothing to run: give a script, `-m MODULE` or `-- COMMAND`")?;
            Program::Script(PathBuf::from(script), rest.to_vec())
        }
    };
    let timeout = match args.timeout {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Some(std::time::Duration::from_secs_f64(seconds))
        }
        Some(_) => return Err("`--timeout` must be a positive number of seconds".to_string()),
        None => None,
    };
    let options = RunOptions {
        start_method: args.start_method.clone(),
        python: args.python.clone(),
        timeout,
        echo_stderr: !args.json,
    };
    let outcome = spawnsafe_runtime::run::run(&program, &options)?;
    let diagnosis = spawnsafe_runtime::run::diagnose(&program, &outcome, &args.start_method);
    if args.json {
        eprintln!("{}", diagnosis.to_json(&outcome));
    } else if let Some(text) = diagnosis.render() {
        eprint!("{text}");
    }
    let code = if outcome.timed_out {
        124
    } else {
        outcome.exit_code
    };
    Ok(ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1)))
}
