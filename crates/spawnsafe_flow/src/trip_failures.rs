//! Why an object cannot make the trip to a child process as an argument: the
//! error CPython raises, the mechanism behind it, and whether fork fails too.
//! What sends it decides: task arguments are pickled under every start method,
//! `Process` args only while spawn or forkserver create the child.

use crate::facts::Sender;
use crate::objects::{ErrorText, ObjectKind};
use spawnsafe_semantic::api::Pickler;

/// Why a value cannot make the trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripFailure {
    pub error: ErrorText,
    /// Why it fails, in words ("it cannot be pickled").
    pub mechanism: &'static str,
    /// It fails under fork too (and so under every start method).
    pub under_fork: bool,
}

/// Why `kind`, sent by `sender` and pickled by `pickler`, fails; `None` when it
/// makes the trip (a multiprocessing `Queue` in `Process` args, a lock under dill).
pub fn trip_failure(kind: &ObjectKind, sender: Sender, pickler: Pickler) -> Option<TripFailure> {
    let task = !sender.while_spawning();
    if let ObjectKind::SpawnShared { type_name, .. } = kind {
        // Pickled while the child is created: shared by inheritance, as documented.
        if !task {
            return None;
        }
        return Some(TripFailure {
            error: ErrorText::new(format!(
                "RuntimeError: {type_name} objects should only be shared between processes through inheritance"
            )),
            mechanism: "multiprocessing synchronization objects may only be pickled while a child process is being created",
            under_fork: true,
        });
    }
    // dill (`multiprocess`) pickles locks and files by value.
    if pickler.pickles_code_by_value() {
        return None;
    }
    match kind {
        ObjectKind::Process { started: true, .. } => Some(if task {
            TripFailure {
                error: ErrorText::new("TypeError: Pickling an AuthenticationString object is disallowed for security reasons"),
                mechanism: "a `Process` object holds the authentication key, which multiprocessing refuses to pickle outside process creation",
                under_fork: true,
            }
        } else {
            TripFailure {
                error: ErrorText::new("TypeError: cannot pickle 'weakref.ReferenceType' object")
                    .or("Python 3.8: 'weakref'"),
                mechanism: "a started `Process` holds its `Popen` finalizer, whose weak references cannot be pickled",
                under_fork: false,
            }
        }),
        ObjectKind::GuardFunction { name } => Some(TripFailure {
            error: ErrorText::new(format!(
                "AttributeError: Can't get attribute '{name}' on <module '__mp_main__' from '...'>"
            )),
            mechanism: "pickle sends a function by its name, and a spawn or forkserver child imports the script as `__mp_main__` without running its `if __name__ == \"__main__\":` block",
            under_fork: false,
        }),
        ObjectKind::RawFd { .. } => Some(TripFailure {
            error: ErrorText::new("OSError: [Errno 9] Bad file descriptor")
                .or("or reads that return nothing or block"),
            mechanism: "a spawn or forkserver child does not inherit the parent's file descriptors, so there the number is closed or names one of the child's own files",
            under_fork: false,
        }),
        _ => Some(TripFailure {
            error: kind.pickling_error(!task)?,
            mechanism: "it cannot be pickled",
            under_fork: sender.pickled_under_fork(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue() -> ObjectKind {
        ObjectKind::SpawnShared {
            written: "mp.Queue()".to_string(),
            type_name: "Queue",
        }
    }

    #[test]
    fn a_multiprocessing_queue_fails_as_a_task_argument_only() {
        let failure = trip_failure(&queue(), Sender::Pool, Pickler::Pickle).expect("fails");
        assert_eq!(
            failure.error.text,
            "RuntimeError: Queue objects should only be shared between processes through inheritance"
        );
        assert!(failure.under_fork);
        // `Process` args are pickled while the child is created: shared by inheritance.
        assert_eq!(
            trip_failure(&queue(), Sender::Process, Pickler::Pickle),
            None
        );
    }

    #[test]
    fn a_started_process_fails_differently_as_a_task_and_as_process_args() {
        let process = ObjectKind::Process {
            written: "p".to_string(),
            started: true,
        };
        let task = trip_failure(&process, Sender::Executor, Pickler::Pickle).expect("fails");
        assert!(task.error.text.contains("AuthenticationString"));
        assert!(task.under_fork);
        let args = trip_failure(&process, Sender::Process, Pickler::Pickle).expect("fails");
        assert!(args.error.text.contains("weakref.ReferenceType"));
        assert!(!args.under_fork);
    }

    #[test]
    fn dill_carries_what_never_pickles_but_not_the_spawn_only_objects() {
        assert_eq!(
            trip_failure(&ObjectKind::Generator, Sender::Pool, Pickler::Dill),
            None
        );
        assert!(trip_failure(&queue(), Sender::Pool, Pickler::Dill).is_some());
    }

    #[test]
    fn an_object_that_never_pickles_fails_under_fork_only_in_task_arguments() {
        let generator = trip_failure(&ObjectKind::Generator, Sender::Pool, Pickler::Pickle);
        assert!(generator.expect("fails").under_fork);
        let generator = trip_failure(&ObjectKind::Generator, Sender::Process, Pickler::Pickle);
        assert!(!generator.expect("fails").under_fork);
    }

    #[test]
    fn a_raw_descriptor_fails_only_where_the_child_does_not_inherit_it() {
        let fd = ObjectKind::RawFd {
            written: "os.dup(1)".to_string(),
        };
        let failure = trip_failure(&fd, Sender::Pool, Pickler::Pickle).expect("fails");
        assert!(!failure.under_fork);
        assert!(failure.error.text.contains("Bad file descriptor"));
    }
}
