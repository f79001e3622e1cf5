use std::process::ExitCode;

use crate::args::{TextOrJson, VersionArgs};

/// `spawnsafe version`: the version, as `spawnsafe --version` prints it, or JSON.
pub fn version(args: VersionArgs) -> Result<ExitCode, String> {
    let version = env!("CARGO_PKG_VERSION");
    match args.output_format {
        TextOrJson::Text => println!("spawnsafe {version}"),
        TextOrJson::Json => println!(
            "{}",
            serde_json::json!({ "name": "spawnsafe", "version": version })
        ),
    }
    Ok(ExitCode::SUCCESS)
}
