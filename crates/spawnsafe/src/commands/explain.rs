use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::args::ExplainArgs;

/// `spawnsafe explain`: names the failure in a traceback or log.
pub fn explain(args: ExplainArgs) -> Result<ExitCode, String> {
    let bytes = match &args.file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read(path).map_err(|err| format!("cannot read `{}`: {err}", path.display()))?
        }
        _ => {
            let mut contents = Vec::new();
            std::io::stdin()
                .read_to_end(&mut contents)
                .map_err(|err| format!("cannot read standard input: {err}"))?;
            contents
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut path_map = Vec::new();
    for mapping in &args.path_map {
        let (from, to) = mapping
            .split_once('=')
            .ok_or_else(|| format!("`--path-map {mapping}`: expected FROM=TO"))?;
        path_map.push((from.to_string(), PathBuf::from(to)));
    }
    let options = spawnsafe_runtime::explain::ExplainOptions {
        check_local: !args.no_check,
        base_dir: None,
        path_map,
    };
    let explanation = spawnsafe_runtime::explain::explain(&text, &options);
    let out = if args.json {
        spawnsafe_runtime::explain::render_json(&explanation)
    } else {
        spawnsafe_runtime::explain::render_text(&explanation)
    };
    crate::printer::write_stdout(out.as_bytes())?;
    Ok(if explanation.is_known() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
