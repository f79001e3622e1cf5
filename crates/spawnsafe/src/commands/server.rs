use std::process::ExitCode;

/// `spawnsafe server`: the Language Server on stdin/stdout.
pub fn server() -> Result<ExitCode, String> {
    Ok(ExitCode::from(spawnsafe_server::serve() as u8))
}
