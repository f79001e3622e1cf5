//! Keeps the program's process tree under `spawnsafe run`'s control.
//!
//! When spawnsafe does not hold a terminal's foreground (CI, scripts, a
//! background job: where the issue of orphans arises), the program leads a
//! process group of its own, which spawnsafe can signal as a whole: SIGTERM,
//! SIGINT, SIGHUP and SIGQUIT sent to spawnsafe are forwarded to that group,
//! and a timeout kills it. When spawnsafe itself dies without a chance to
//! clean up (SIGKILL), the program does too (`PR_SET_PDEATHSIG` on Linux) and
//! a small watchdog process kills the rest of the group (the workers).
//!
//! In an interactive terminal the program stays in spawnsafe's process group,
//! so that the terminal's own job control keeps working (Ctrl-C and Ctrl-Z
//! reach every process of the group, the program can read the terminal, and
//! `spawnsafe run x.py | less` does not take the terminal from `less`):
//! there spawnsafe ignores SIGINT and SIGQUIT (the program gets them from the
//! terminal), forwards SIGTERM and SIGHUP to the program's tree, and a
//! timeout kills that tree; `PR_SET_PDEATHSIG` still ends the program if
//! spawnsafe is killed, but not its workers.
//!
//! On Windows the program is put in a job object with
//! `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE` (`windows_job.rs`: the whole tree
//! dies when spawnsafe's handle closes, however it ends), and the timeout
//! ends the job, then `taskkill /T`. Forwarding Ctrl-Break
//! (`CREATE_NEW_PROCESS_GROUP`, `GenerateConsoleCtrlEvent`) is not built.

use std::process::{Command, Stdio};

/// How the program's processes are held.
#[derive(Debug, Clone, Copy)]
pub struct Supervision {
    /// The program leads a process group of its own (else it shares
    /// spawnsafe's, in an interactive terminal).
    pub own_group: bool,
}

/// Prepares `command`: a process group of its own unless spawnsafe holds a
/// terminal's foreground, and (Linux) death with spawnsafe.
#[cfg(unix)]
pub fn supervise(command: &mut Command) -> Supervision {
    use std::os::unix::process::CommandExt as _;
    // SAFETY: isatty, tcgetpgrp and getpgrp only read state.
    let interactive = unsafe { libc::isatty(0) == 1 && libc::tcgetpgrp(0) == libc::getpgrp() };
    let own_group = !interactive;
    // SAFETY: the closure runs between fork and exec and makes only
    // async-signal-safe calls (setpgid, prctl).
    unsafe {
        command.pre_exec(move || {
            if own_group && libc::setpgid(0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    Supervision { own_group }
}

#[cfg(not(unix))]
pub fn supervise(_command: &mut Command) -> Supervision {
    Supervision { own_group: false }
}

/// The signals to pass on to the program, as a bit per signal number: set by
/// the handler (which may only do async-signal-safe work), read by the wait loop.
#[cfg(unix)]
static PENDING_SIGNALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(unix)]
const FORWARDED_SIGNALS: [libc::c_int; 4] =
    [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGQUIT];

#[cfg(unix)]
extern "C" fn note_signal(signal: libc::c_int) {
    PENDING_SIGNALS.fetch_or(1 << signal, std::sync::atomic::Ordering::SeqCst);
}

/// Catches SIGTERM, SIGINT, SIGHUP and SIGQUIT until dropped, to pass them on
/// to the program's group (a no-op off Unix). Installed before the program
/// starts: a caught signal is reset to its default in the program, an
/// ignored one would stay ignored.
pub struct ForwardSignals {
    supervision: Supervision,
    #[cfg(unix)]
    previous: [libc::sighandler_t; 4],
}

impl ForwardSignals {
    /// Installed before the program starts (see the type's documentation).
    /// Sharing the terminal's group, SIGINT and SIGQUIT are ignored instead:
    /// the terminal sends them to the program itself.
    pub fn new(supervision: Supervision) -> Self {
        #[cfg(unix)]
        {
            PENDING_SIGNALS.store(0, std::sync::atomic::Ordering::SeqCst);
            let handler = note_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SAFETY: the handler only sets bits of an atomic; the old
            // dispositions are put back in `drop`. An ignored signal stays
            // ignored in the program, so SIGINT/SIGQUIT are ignored only by
            // the caller after the program started (`ignore_terminal_signals`).
            let previous = FORWARDED_SIGNALS.map(|signal| unsafe { libc::signal(signal, handler) });
            ForwardSignals {
                supervision,
                previous,
            }
        }
        #[cfg(not(unix))]
        ForwardSignals { supervision }
    }

    /// Sharing the terminal's group: from now on spawnsafe leaves Ctrl-C and
    /// Ctrl-\\ to the program (call once the program has started).
    pub fn ignore_terminal_signals(&self) {
        #[cfg(unix)]
        if !self.supervision.own_group {
            // SAFETY: SIG_IGN runs no code; `drop` restores the dispositions.
            unsafe {
                libc::signal(libc::SIGINT, libc::SIG_IGN);
                libc::signal(libc::SIGQUIT, libc::SIG_IGN);
            }
        }
    }

    /// Sends the program the signals spawnsafe received since the last call:
    /// to its whole group, or to its tree when it shares spawnsafe's group.
    pub fn pass_on(&self, pid: u32) {
        #[cfg(unix)]
        {
            let pending = PENDING_SIGNALS.swap(0, std::sync::atomic::Ordering::SeqCst);
            for signal in FORWARDED_SIGNALS {
                if pending & (1 << signal) == 0 {
                    continue;
                }
                if self.supervision.own_group {
                    // SAFETY: kill(2) on the group the program leads (its
                    // leader is not reaped yet, so the id is not reused).
                    unsafe {
                        libc::kill(-(pid as libc::pid_t), signal);
                    }
                } else {
                    for member in tree(pid) {
                        // SAFETY: kill(2) on the program and its descendants.
                        unsafe {
                            libc::kill(member as libc::pid_t, signal);
                        }
                    }
                }
            }
        }
        #[cfg(not(unix))]
        let _ = pid;
    }
}

impl Drop for ForwardSignals {
    fn drop(&mut self) {
        #[cfg(unix)]
        for (signal, previous) in FORWARDED_SIGNALS.into_iter().zip(self.previous) {
            // SAFETY: restores the dispositions `new` replaced.
            unsafe {
                libc::signal(signal, previous);
            }
        }
    }
}

/// A process that kills the program's group if spawnsafe dies before the
/// run ends: it waits on a pipe that only spawnsafe writes to; end of file
/// without the "done" byte means spawnsafe is gone.
pub struct Watchdog {
    #[cfg(unix)]
    pid: libc::pid_t,
    #[cfg(unix)]
    done: libc::c_int,
}

impl Watchdog {
    #[cfg(unix)]
    pub fn start(group: u32) -> Option<Watchdog> {
        let mut fds: [libc::c_int; 2] = [0; 2];
        // SAFETY: plain system calls on descriptors this function owns; the
        // forked child makes only async-signal-safe calls (close, signal,
        // read, kill, _exit) and never returns.
        unsafe {
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return None;
            }
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
            match libc::fork() {
                -1 => {
                    libc::close(fds[0]);
                    libc::close(fds[1]);
                    None
                }
                0 => {
                    libc::close(fds[1]);
                    // Holds none of spawnsafe's output open.
                    for fd in 0..3 {
                        libc::close(fd);
                    }
                    // Signals meant for spawnsafe's group are not for the watchdog.
                    for signal in FORWARDED_SIGNALS {
                        libc::signal(signal, libc::SIG_IGN);
                    }
                    let mut byte = 0u8;
                    let mut read = -1;
                    for _ in 0..100 {
                        read = libc::read(fds[0], (&mut byte as *mut u8).cast(), 1);
                        if read >= 0 {
                            break;
                        }
                    }
                    if read != 1 {
                        libc::kill(-(group as libc::pid_t), libc::SIGKILL);
                    }
                    libc::_exit(0);
                }
                pid => {
                    libc::close(fds[0]);
                    Some(Watchdog { pid, done: fds[1] })
                }
            }
        }
    }

    #[cfg(not(unix))]
    pub fn start(_group: u32) -> Option<Watchdog> {
        None
    }

    /// The run ended normally: the watchdog leaves without killing anything.
    pub fn stand_down(self) {
        #[cfg(unix)]
        // SAFETY: writes to and closes the pipe end this watchdog owns, and
        // reaps its own child.
        unsafe {
            libc::write(self.done, [1u8].as_ptr().cast(), 1);
            libc::close(self.done);
            libc::waitpid(self.pid, std::ptr::null_mut(), 0);
        }
    }
}

/// Kills the program's process group (when it has one) and every descendant
/// of the program (an unguarded Pool keeps respawning workers: all of them
/// must go; a worker that started a session of its own left the group).
/// Descendants are found through `/proc` where there is one.
#[cfg(windows)]
pub fn kill_tree(pid: u32, _supervision: Supervision) {
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(windows))]
pub fn kill_tree(pid: u32, supervision: Supervision) {
    let family = tree(pid);
    if supervision.own_group {
        // SAFETY: kill(2) on the group the program leads.
        unsafe {
            libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
        }
    }
    // The parent first, so that it cannot start new workers.
    for member in family {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(member.to_string())
            .stderr(Stdio::null())
            .status();
    }
}

/// The program and its descendants, parents first.
#[cfg(not(windows))]
fn tree(pid: u32) -> Vec<u32> {
    let mut family = vec![pid];
    let mut index = 0;
    while index < family.len() {
        family.extend(children_of(family[index]));
        index += 1;
    }
    family
}

#[cfg(not(windows))]
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (comm) state ppid ...`: comm may hold spaces and parentheses.
            let after_name = &stat[stat.rfind(')')? + 1..];
            let parent: u32 = after_name.split_whitespace().nth(1)?.parse().ok()?;
            (parent == pid).then_some(child)
        })
        .collect()
}
