//! Writing a fixed file back: in the encoding it was read in (UTF-8, with its
//! BOM, or its coding cookie's encoding), atomically (a temporary file in the
//! same directory, renamed over the original, with the original's
//! permissions), and never over a file that changed since it was read.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why a fixed file was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// The file on disk is no longer what was checked.
    ChangedOnDisk,
    /// The fixed text has a character the file's encoding cannot store.
    Unencodable {
        encoding: String,
        character: char,
    },
    Io(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::ChangedOnDisk => {
                write!(f, "the file changed on disk while it was checked; not overwritten")
            }
            WriteError::Unencodable {
                encoding,
                character,
            } => write!(
                f,
                "the fixed text has {character:?}, which the file's encoding `{encoding}` cannot store"
            ),
            WriteError::Io(message) => write!(f, "cannot write the fixed file: {message}"),
        }
    }
}

/// The bytes of `text` in the file's encoding: `encoding` is the coding
/// cookie's (None for UTF-8), `has_bom` whether the file started with a UTF-8 BOM.
pub fn encode(text: &str, encoding: Option<&str>, has_bom: bool) -> Result<Vec<u8>, WriteError> {
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if has_bom {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    match encoding {
        None => bytes.extend_from_slice(text.as_bytes()),
        Some(name) => {
            let codec = crate::codec::Codec::by_name(name)
                .ok_or_else(|| WriteError::Io(format!("unknown encoding `{name}`")))?;
            let encoded = codec
                .encode(text)
                .map_err(|character| WriteError::Unencodable {
                    encoding: name.to_string(),
                    character,
                })?;
            bytes.extend_from_slice(&encoded);
        }
    }
    Ok(bytes)
}

/// Replaces the file at `path` with `contents`, unless its bytes are no
/// longer `original`. A symbolic link is followed: its target is rewritten.
pub fn write_atomically(path: &Path, original: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    let target: PathBuf =
        std::fs::canonicalize(path).map_err(|err| WriteError::Io(err.to_string()))?;
    let current = std::fs::read(&target).map_err(|err| WriteError::Io(err.to_string()))?;
    if current != original {
        return Err(WriteError::ChangedOnDisk);
    }
    let permissions = std::fs::metadata(&target)
        .map_err(|err| WriteError::Io(err.to_string()))?
        .permissions();
    let directory = target
        .parent()
        .ok_or_else(|| WriteError::Io("the file has no directory".to_string()))?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".spawnsafe-fix-")
        .tempfile_in(directory)
        .map_err(|err| WriteError::Io(err.to_string()))?;
    temporary
        .write_all(contents)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|err| WriteError::Io(err.to_string()))?;
    std::fs::set_permissions(temporary.path(), permissions)
        .map_err(|err| WriteError::Io(err.to_string()))?;
    // Last look: a write that raced the checks above is not overwritten.
    let current = std::fs::read(&target).map_err(|err| WriteError::Io(err.to_string()))?;
    if current != original {
        return Err(WriteError::ChangedOnDisk);
    }
    temporary
        .persist(&target)
        .map_err(|err| WriteError::Io(err.error.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_in_the_files_own_encoding() {
        assert_eq!(encode("é", Some("iso-8859-1"), false).unwrap(), b"\xe9");
        assert_eq!(encode("x", None, true).unwrap(), b"\xEF\xBB\xBFx");
        assert!(matches!(
            encode("€", Some("iso-8859-1"), false),
            Err(WriteError::Unencodable {
                character: '€', ..
            })
        ));
        assert_eq!(encode("é", Some("cp1252"), false).unwrap(), b"\xe9");
    }

    #[test]
    fn writes_atomically_and_keeps_permissions() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("job.py");
        std::fs::write(&path, b"old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
        }
        write_atomically(&path, b"old\n", b"new\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o751);
        }
        assert_eq!(
            write_atomically(&path, b"old\n", b"newer\n"),
            Err(WriteError::ChangedOnDisk)
        );
        assert_eq!(std::fs::read_dir(directory.path()).unwrap().count(), 1);
    }
}
