//! Evidence beyond a complete exception line, read the way an expert reads a
//! partial paste: the multiprocessing frames that show which mechanism was at
//! work (a child re-importing the main module, `Process.start()` pickling, a
//! queue's feeder thread), a message cut mid-word (completed when only one
//! known message starts that way), the body of a message whose first line was
//! lost, and one-line texts with no traceback at all (a frozen app's argument
//! parser rejecting `--multiprocessing-fork`).

use serde::Serialize;

use super::extra;
use super::signatures::{has_function, identify, is_library_frame, Identified};
use super::traceback::{Exception, Frame};

/// A line of the paste and what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub text: String,
    pub shows: String,
}

/// Frames that show a mechanism: (file suffix, function, what it shows).
const FRAME_EVIDENCE: &[(&str, &str, &str)] = &[
    ("multiprocessing/spawn.py", "_check_not_importing_main", "a process was started while the main module was still being imported (the bootstrapping RuntimeError is raised here)"),
    ("multiprocessing/spawn.py", "_fixup_main_from_path", "a spawn child was re-importing the main module as `__mp_main__`"),
    ("multiprocessing/spawn.py", "_fixup_main_from_name", "a spawn child was re-importing the main module (`python -m`) as `__mp_main__`"),
    ("multiprocessing/spawn.py", "spawn_main", "this ran in a spawn (or forkserver) child"),
    ("multiprocessing/forkserver.py", "main", "this ran in the fork server"),
    ("multiprocessing/popen_spawn_posix.py", "_launch", "`Process.start()` was launching a spawn child"),
    ("multiprocessing/popen_spawn_win32.py", "__init__", "`Process.start()` was launching a spawn child (Windows)"),
    ("multiprocessing/popen_forkserver.py", "_launch", "`Process.start()` was launching a forkserver child"),
    ("multiprocessing/reduction.py", "dump", "the process object was being pickled for the child"),
    ("multiprocessing/reduction.py", "dumps", "an object was being pickled to send it to another process"),
    ("multiprocessing/context.py", "set_start_method", "`set_start_method()` was called"),
    ("multiprocessing/queues.py", "_feed", "a queue's feeder thread was pickling an item put on the queue"),
    ("multiprocessing/pool.py", "_handle_tasks", "the pool was pickling a task to send it to a worker"),
    ("multiprocessing/pool.py", "worker", "this ran in a `Pool` worker"),
    ("concurrent/futures/process.py", "_process_worker", "this ran in a `ProcessPoolExecutor` worker"),
    ("multiprocessing/process.py", "start", "a process was being started"),
    ("multiprocessing/synchronize.py", "__getstate__", "a multiprocessing lock was being pickled"),
    ("torch/multiprocessing/spawn.py", "_wrap", "this ran in a `torch.multiprocessing.spawn` child"),
];

fn frame_text(frame: &Frame) -> String {
    let mut text = format!("File \"{}\"", frame.file);
    if let Some(line) = frame.line {
        text.push_str(&format!(", line {line}"));
    }
    if let Some(function) = &frame.function {
        text.push_str(&format!(", in {function}"));
    }
    text
}

/// The lines of one exception that the diagnosis rests on.
pub fn collect(exception: &Exception) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    if let Some(process) = &exception.process {
        evidence.push(Evidence {
            text: format!("Process {process}:"),
            shows: "a multiprocessing child printed this traceback".to_string(),
        });
    }
    let mut seen: Vec<&str> = Vec::new();
    for frame in &exception.frames {
        let path = frame.file.replace('\\', "/");
        let Some(function) = frame.function.as_deref() else {
            continue;
        };
        for (file, wanted, shows) in FRAME_EVIDENCE {
            if function == *wanted && path.ends_with(file) && !seen.contains(wanted) {
                seen.push(wanted);
                evidence.push(Evidence {
                    text: frame_text(frame),
                    shows: shows.to_string(),
                });
            }
        }
    }
    if !exception.truncated {
        let line = exception.summary();
        evidence.push(Evidence {
            text: line.chars().take(200).collect(),
            shows: "the exception".to_string(),
        });
    }
    for note in &exception.notes {
        evidence.push(Evidence {
            text: note.clone(),
            shows: "the path pickle took to the object that failed".to_string(),
        });
    }
    evidence
}

/// A copy of `exception` with the exception line it is missing.
fn with_exception(exception: &Exception, type_name: &str, message: &str) -> Exception {
    let mut synthesized = exception.clone();
    synthesized.type_name = type_name.to_string();
    synthesized.message = message.to_string();
    synthesized.truncated = false;
    synthesized
}

/// What the frames of a traceback that ends before its exception line say,
/// and a sentence on what is missing.
pub fn from_frames(exception: &Exception) -> Option<(Identified, String)> {
    let frames = &exception.frames;
    let last = frames.last()?;
    let last_source = last.source.as_deref().unwrap_or("");
    let missing = |raises: &str| {
        format!("the paste ends before the exception line; the last frame is where it comes from: {raises}")
    };
    if has_function(
        frames,
        "multiprocessing/spawn.py",
        "_check_not_importing_main",
    ) {
        let synthesized = with_exception(
            exception,
            "RuntimeError",
            "\n        An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase.",
        );
        return Some((
            identify(&synthesized)?,
            missing("`multiprocessing.spawn._check_not_importing_main` raises the bootstrapping `RuntimeError` (\"An attempt has been made to start a new process before the current process has finished its bootstrapping phase\")"),
        ));
    }
    if has_function(frames, "multiprocessing/context.py", "set_start_method")
        && last_source.contains("context has already been set")
    {
        let synthesized = with_exception(exception, "RuntimeError", "context has already been set");
        return Some((
            identify(&synthesized)?,
            missing("`set_start_method()` raises `RuntimeError: context has already been set`"),
        ));
    }
    if has_function(frames, "multiprocessing/process.py", "start") && last_source.contains("daemon")
    {
        let synthesized = with_exception(
            exception,
            "AssertionError",
            "daemonic processes are not allowed to have children",
        );
        return Some((
            identify(&synthesized)?,
            missing(
                "`Process.start()` asserts `daemonic processes are not allowed to have children`",
            ),
        ));
    }
    // A child re-importing the main module, stopped (where the paste ends) at
    // a line of the user's top level.
    let rerunning = has_function(frames, "multiprocessing/spawn.py", "_fixup_main_from_path")
        || has_function(frames, "multiprocessing/spawn.py", "_fixup_main_from_name");
    if rerunning && last.function.as_deref() == Some("<module>") && !is_library_frame(&last.file) {
        const STARTS: &[&str] = &[
            "Pool(",
            "Process(",
            "Executor(",
            "Manager(",
            ".start()",
            ".map(",
            ".submit(",
            "DataLoader(",
        ];
        if STARTS.iter().any(|start| last_source.contains(start)) {
            let synthesized = with_exception(
                exception,
                "RuntimeError",
                "\n        An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase.",
            );
            return Some((
                identify(&synthesized)?,
                missing("a spawn child re-importing the main module is starting processes at this line, which raises the bootstrapping `RuntimeError` (\"An attempt has been made to start a new process before the current process has finished its bootstrapping phase\")"),
            ));
        }
        return Some((
            extra::main_rerun_in_child(),
            missing("a spawn child re-importing the main module was running this line of its top level; the exception it raised there is not in the paste"),
        ));
    }
    let dumping = has_function(frames, "multiprocessing/reduction.py", "dump")
        || has_function(frames, "multiprocessing/reduction.py", "dumps");
    if dumping && extra::pickled_by_multiprocessing(exception) {
        return Some((
            extra::pickling_failed(exception, "(the exception line is not in the paste)"),
            missing("pickle raises there (`PicklingError`, `TypeError: cannot pickle ...` or `AttributeError: Can't pickle local object ...`); the exception line names the object"),
        ));
    }
    None
}

/// Known messages, for completing one that was cut: (type, message), `*`
/// standing for any text without a quote.
const TEMPLATES: &[(&str, &str)] = &[
    ("RuntimeError", "An attempt has been made to start a new process before the current process has finished its bootstrapping phase."),
    ("RuntimeError", "context has already been set"),
    ("RuntimeError", "* objects should only be shared between processes through inheritance"),
    ("RuntimeError", "Cannot re-initialize CUDA in forked subprocess. To use CUDA with multiprocessing, you must use the 'spawn' start method"),
    ("RuntimeError", "A SemLock created in a fork context is being shared with a process in a spawn context. This is not supported. Please use the same context to create multiprocessing objects and Process."),
    ("AssertionError", "daemonic processes are not allowed to have children"),
    ("EOFError", "EOF when reading a line"),
    ("ValueError", "cannot find context for '*'"),
    ("ValueError", "max_workers must be <= 61"),
    ("ValueError", "need at most 63 handles, got a sequence of length *"),
    ("AttributeError", "Can't get attribute '*' on <module '__mp_main__' from '*'>"),
    ("AttributeError", "Can't get attribute '*' on <module '__main__' (built-in)>"),
    ("AttributeError", "Can't pickle local object '*'"),
    ("TypeError", "cannot pickle '*' object"),
    ("NotImplementedError", "pool objects cannot be passed between processes or pickled"),
    ("PicklingError", "Can't pickle <function * at *>: attribute lookup * on * failed"),
    ("NameError", "name '*' is not defined"),
    ("AttributeError", "module '__main__' has no attribute '__spec__'"),
    ("ValueError", "I/O operation on closed file."),
    ("BrokenProcessPool", "A process in the process pool was terminated abruptly while the future was running or pending."),
];

/// Whether all of `text` matches the start of `template`; returns how much
/// of the template it used.
fn prefix_match(text: &[u8], template: &[u8]) -> Option<usize> {
    match (text.first(), template.first()) {
        (None, _) => Some(0),
        (Some(_), None) => None,
        (Some(_), Some(b'*')) => {
            // `*`: any run of characters without a quote, possibly empty.
            let mut taken = 0;
            loop {
                if let Some(used) = prefix_match(&text[taken..], &template[1..]) {
                    return Some(used + 1);
                }
                if taken >= text.len() || text[taken] == b'\'' {
                    return if taken == text.len() { Some(1) } else { None };
                }
                taken += 1;
            }
        }
        (Some(a), Some(b)) if a == b => prefix_match(&text[1..], &template[1..]).map(|n| n + 1),
        _ => None,
    }
}

/// A message cut short (the paste ends mid-word): the known message it is
/// the start of, when only one fits. Returns the completed copy.
pub fn complete(exception: &Exception) -> Option<Exception> {
    let message = exception
        .message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if message.len() < 12 {
        return None;
    }
    let short = exception.short_type();
    let mut fits = TEMPLATES.iter().filter_map(|(type_name, template)| {
        if *type_name != short {
            return None;
        }
        let used = prefix_match(message.as_bytes(), template.as_bytes())?;
        // The known text itself must have begun, not only a wildcard.
        let literal = template[..used].chars().filter(|&c| c != '*').count();
        (used < template.len() && literal >= 8).then(|| {
            // The rest of the template, its unknown parts left as `?`.
            format!("{message}{}", template[used..].replace('*', "?"))
        })
    });
    let completed = fits.next()?;
    if fits.next().is_some() {
        return None;
    }
    let mut copy = exception.clone();
    copy.message = completed;
    Some(copy)
}

/// Texts that name a failure on their own, with no exception line of their
/// own to parse: the body of a message whose first line was lost, a frozen
/// app's argument parser, a warning.
pub fn phrases(cleaned: &str) -> Vec<(Identified, Evidence)> {
    let mut found: Vec<(Identified, Evidence)> = Vec::new();
    for line in cleaned.lines() {
        let trimmed = line.trim();
        let identified = if trimmed.contains("An attempt has been made to start a new process")
            || trimmed.contains("finished its bootstrapping phase")
            || trimmed.contains("not using fork to start your")
            || trimmed.contains("you have forgotten to use the proper idiom")
            || trimmed.contains("line can be omitted if the program")
            || trimmed.contains("\"Safe importing of main module\"")
            // The message's last line (3.11.7, 3.12, 3.13), all that a tail may keep of
            // it; in CPython's library only `spawn.py` prints it.
            || trimmed.contains("section in https://docs.python.org/3/library/multiprocessing.html")
        {
            identify(&bare(
                "RuntimeError",
                "\n        An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase.",
            ))
            .map(|found| (found, "the body of the bootstrapping `RuntimeError`"))
        } else if trimmed.contains("context has already been set") {
            identify(&bare("RuntimeError", "context has already been set"))
                .map(|found| (found, "the message of `set_start_method()`'s RuntimeError"))
        } else if trimmed.contains("daemonic processes are not allowed to have children") {
            identify(&bare(
                "AssertionError",
                "daemonic processes are not allowed to have children",
            ))
            .map(|found| (found, "the message of `Process.start()`'s assertion"))
        } else if trimmed.contains(extra::CUDA_FORK) {
            Some((
                extra::cuda_or_threads(false),
                "PyTorch's CUDA-after-fork error",
            ))
        } else if trimmed.contains(extra::THREADS_FORK) {
            Some((
                extra::cuda_or_threads(true),
                "CPython 3.12+'s warning on fork in a multi-threaded process",
            ))
        } else if frozen_argument_error(trimmed) {
            Some((
                extra::frozen_respawn(),
                "an argument parser rejecting a spawn child's arguments",
            ))
        } else {
            None
        };
        if let Some((identified, shows)) = identified {
            if !found
                .iter()
                .any(|(seen, _)| seen.signature == identified.signature)
            {
                found.push((
                    identified,
                    Evidence {
                        text: trimmed.chars().take(200).collect(),
                        shows: shows.to_string(),
                    },
                ));
            }
        }
    }
    found
}

/// A line that says how a worker died without a traceback: the kernel's
/// out-of-memory killer, a crash, an exit code of a signal.
pub fn death_signs(cleaned: &str) -> Option<String> {
    const SIGNS: &[&str] = &[
        "Out of memory: Killed process",
        "oom-kill",
        "Killed",
        "Segmentation fault",
        "core dumped",
        "exitcode=-9",
        "exitcode=-11",
        "exit code -9",
        "exit code -11",
        "SIGKILL",
        "SIGSEGV",
    ];
    cleaned
        .lines()
        .map(str::trim)
        .find(|line| SIGNS.iter().any(|sign| line.contains(sign)) && line.len() < 300)
        .map(str::to_string)
}

fn bare(type_name: &str, message: &str) -> Exception {
    Exception {
        type_name: type_name.to_string(),
        message: message.to_string(),
        frames: Vec::new(),
        input_line: 0,
        chained_from: None,
        process: None,
        remote: false,
        bare: true,
        headerless: false,
        truncated: false,
        notes: Vec::new(),
    }
}

/// argparse (`error: unrecognized arguments: --multiprocessing-fork ...`),
/// optparse (`error: no such option: --multiprocessing-fork`), click
/// (`Error: No such option: --multiprocessing-fork`, `Got unexpected extra
/// arguments`), or a frozen interpreter rejecting `-B -s -c` / `-S -E -c`.
fn frozen_argument_error(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let rejects = lower.contains("unrecognized argument")
        || lower.contains("no such option")
        || lower.contains("unexpected extra argument")
        || lower.contains("unknown option")
        || lower.contains("invalid option")
        || lower.contains("error:");
    let child_arguments = line.contains("--multiprocessing-fork")
        || line.contains("spawn_main(")
        || line.contains("-B -s -c")
        || line.contains("-S -E -c")
        || line.contains("-s -c from multiprocessing");
    rejects && child_arguments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_templates_with_wildcards() {
        let t = b"Can't get attribute '*' on <module '__mp_main__' from '*'>";
        assert!(prefix_match(b"Can't get attribute 'work", t).is_some());
        assert!(prefix_match(b"Can't get attribute 'work' on <module '__mp", t).is_some());
        assert!(prefix_match(b"Can't get attribute 'work' on <module '__main__' (b", t).is_none());
        assert!(prefix_match(b"context has alr", b"context has already been set").is_some());
    }

    #[test]
    fn a_cut_message_is_completed_only_when_one_fits() {
        let mut exception = bare(
            "AttributeError",
            "Can't get attribute 'work' on <module '__mp_ma",
        );
        let completed = complete(&exception).unwrap();
        assert!(completed.message.contains("'__mp_main__' from '?'>"));
        exception.message = "Can't get attribute 'work' on <module '__".to_string();
        assert!(
            complete(&exception).is_none(),
            "two messages start this way"
        );
    }
}
