//! Writing a fixed file back: in the encoding it was read in (UTF-8, with its
//! BOM, or its coding cookie's encoding), atomically (a temporary file in the
//! same directory, renamed over the original, with the original's
//! permissions), and never over a file that changed since it was read. A
//! file with several hard links is rewritten in place instead, so that its
//! other names see the fix too.

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
    let metadata = std::fs::metadata(&target).map_err(|err| WriteError::Io(err.to_string()))?;
    if has_other_links(&metadata) {
        return write_in_place(&target, original, contents);
    }
    let permissions = metadata.permissions();
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

/// A file with several hard links: renaming a new file over one of its
/// names would split it in two (the other names keep the old text).
#[cfg(unix)]
fn has_other_links(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink() > 1
}

#[cfg(not(unix))]
fn has_other_links(_metadata: &std::fs::Metadata) -> bool {
    false
}

/// Rewrites a file with several hard links through its own inode, so that
/// every name sees the fix. Not atomic: a crash mid-write leaves it partly
/// written, the price of keeping the links.
fn write_in_place(target: &Path, original: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    let io = |err: std::io::Error| WriteError::Io(err.to_string());
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(target)
        .map_err(io)?;
    let mut current = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut current).map_err(io)?;
    if current != original {
        return Err(WriteError::ChangedOnDisk);
    }
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).map_err(io)?;
    file.write_all(contents).map_err(io)?;
    file.set_len(contents.len() as u64).map_err(io)?;
    file.sync_all().map_err(io)
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

    #[cfg(unix)]
    #[test]
    fn a_file_with_hard_links_is_written_in_place() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("job.py");
        let other = directory.path().join("alias.py");
        std::fs::write(&path, b"old text\n").unwrap();
        std::fs::hard_link(&path, &other).unwrap();
        write_atomically(&path, b"old text\n", b"new\n").unwrap();
        assert_eq!(std::fs::read(&other).unwrap(), b"new\n");
        use std::os::unix::fs::MetadataExt;
        assert_eq!(std::fs::metadata(&path).unwrap().nlink(), 2);
        assert_eq!(
            write_atomically(&path, b"old text\n", b"x\n"),
            Err(WriteError::ChangedOnDisk)
        );
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
