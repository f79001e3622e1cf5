//! A bound method pickles its instance: `method.__reduce__` returns
//! `(getattr, (obj, name))` (`Objects/classobject.c` `method___reduce___impl`),
//! so sending `pool.starmap` sends the pool and fails as the pool does
//! ("NotImplementedError: pool objects cannot be passed between processes or
//! pickled"). Only the methods each kind of object has count: an attribute
//! that is data (`f.name`, `proc.pid`) is a plain value.

use crate::objects::ObjectKind;

const POOL_METHODS: &[&str] = &[
    "apply",
    "apply_async",
    "map",
    "map_async",
    "imap",
    "imap_unordered",
    "starmap",
    "starmap_async",
    "close",
    "terminate",
    "join",
];
const EXECUTOR_METHODS: &[&str] = &["submit", "map", "shutdown"];
const FILE_METHODS: &[&str] = &[
    "read",
    "readline",
    "readlines",
    "write",
    "writelines",
    "flush",
    "close",
    "seek",
    "tell",
];
const LOCK_METHODS: &[&str] = &[
    "acquire",
    "release",
    "locked",
    "wait",
    "notify",
    "notify_all",
    "set",
    "clear",
    "is_set",
    "put",
    "get",
];
const THREAD_METHODS: &[&str] = &["start", "join", "is_alive", "run"];
const CONNECTION_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "cursor",
    "commit",
    "rollback",
    "close",
];

/// Whether `method` is a method of objects of this kind, so that the bound
/// method carries the object.
pub fn is_method_of(kind: &ObjectKind, method: &str) -> bool {
    let methods = match kind {
        ObjectKind::Pool { .. } => POOL_METHODS,
        ObjectKind::Executor { .. } => EXECUTOR_METHODS,
        ObjectKind::File { .. } => FILE_METHODS,
        ObjectKind::ThreadPrimitive { .. } => LOCK_METHODS,
        ObjectKind::Thread { .. } | ObjectKind::Process { .. } => THREAD_METHODS,
        ObjectKind::SqliteConnection => CONNECTION_METHODS,
        _ => return false,
    };
    methods.contains(&method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_carry_their_object_and_data_attributes_do_not() {
        let pool = ObjectKind::Pool {
            written: "multiprocessing.Pool".to_string(),
        };
        assert!(is_method_of(&pool, "starmap"));
        assert!(!is_method_of(&pool, "_processes"));
        let file = ObjectKind::File { class: None };
        assert!(is_method_of(&file, "write"));
        assert!(!is_method_of(&file, "name"));
        assert!(!is_method_of(&ObjectKind::Generator, "send"));
    }
}
