use std::path::PathBuf;
use std::process::ExitCode;

use crate::args::DoctorArgs;

/// `spawnsafe doctor`: what the interpreter's setup means for multiprocessing.
pub fn doctor(args: DoctorArgs) -> Result<ExitCode, String> {
    use spawnsafe_runtime::doctor::{
        assess, facts_from_json, probe, render, render_json, session_probe, Status,
    };
    if args.session_probe {
        let binary = std::env::current_exe()
            .map_err(|err| format!("cannot find spawnsafe's own path: {err}"))?;
        print!("{}", session_probe(&binary));
        return Ok(ExitCode::SUCCESS);
    }
    let (python, facts) = match &args.facts {
        Some(path) => {
            let text = if path.as_os_str() == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                    .map_err(|err| format!("cannot read the facts from stdin: {err}"))?;
                text
            } else {
                std::fs::read_to_string(path)
                    .map_err(|err| format!("cannot read {}: {err}", path.display()))?
            };
            let facts = facts_from_json(&text)?;
            (PathBuf::from(&facts.executable), facts)
        }
        None => {
            let python = spawnsafe_runtime::run::find_python(args.python.as_deref())?;
            let facts = probe(&python)?;
            (python, facts)
        }
    };
    let checks = assess(&facts);
    if args.json {
        println!("{}", render_json(&python, &facts, &checks));
    } else {
        print!("{}", render(&checks));
    }
    let problem = checks.iter().any(|check| check.status == Status::Problem);
    Ok(if problem {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
