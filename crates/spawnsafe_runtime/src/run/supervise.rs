//! Keeps the program's process tree under `spawnsafe run`'s control.
//!
//! When spawnsafe does not hold a terminal's foreground (CI, scripts, a
//! background job: where the issue of orphans arises), the program leads a
//! process group of its own, which spawnsafe can signal as a whole: SIGTERM,
//! SIGINT, SIGHUP and SIGQUIT sent to spawnsafe are forwarded to that group,
//! and a timeout kills it. When spawnsafe itself dies without a chance to
//! clean up (SIGKILL), the program does too (`PR_SET_PDEATHSIG` on Linux) and
//! a small watchdog process kills the rest of the group (the workers), then
//! (Linux) every process whose environment carries the run's marker
//! ([`RUN_MARKER`]): workers that left the group too.
//!
//! In an interactive terminal the program stays in spawnsafe's process group,
//! so that the terminal's own job control keeps working (Ctrl-C and Ctrl-Z
//! reach every process of the group, the program can read the terminal, and
//! `spawnsafe run x.py | less` does not take the terminal from `less`):
//! there spawnsafe ignores SIGINT and SIGQUIT (the program gets them from the
//! terminal), forwards SIGTERM and SIGHUP to the program's tree, and a
//! timeout kills that tree; if spawnsafe is killed, `PR_SET_PDEATHSIG` ends
//! the program and the watchdog ends the processes that carry the run's
//! marker (the workers, reparented by then).
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

/// The environment variable that marks every process of one run: the
/// program's, and (inherited) its workers'. The watchdog finds them by it
/// once spawnsafe is gone, whatever their group or parent by then.
pub const RUN_MARKER: &str = "SPAWNSAFE_RUN_MARKER";

/// A value of [`RUN_MARKER`] no other run shares.
pub fn run_marker_value() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

/// Linux: SIGKILLs every process whose environment holds `marker` (the
/// `NAME=value` bytes), reading `/proc` with system calls only (the caller
/// is a forked child, where only async-signal-safe calls are allowed).
/// Returns how many it signalled.
#[cfg(target_os = "linux")]
unsafe fn kill_marked(marker: &[u8]) -> usize {
    let proc_dir = libc::open(
        c"/proc".as_ptr(),
        libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
    );
    if proc_dir < 0 {
        return 0;
    }
    let own = libc::getpid();
    let mut killed = 0;
    let mut entries = [0u8; 8192];
    loop {
        let read = libc::syscall(
            libc::SYS_getdents64,
            proc_dir,
            entries.as_mut_ptr(),
            entries.len(),
        );
        if read <= 0 {
            break;
        }
        let mut offset = 0usize;
        while offset + 19 < read as usize {
            // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
            let length = u16::from_ne_bytes([entries[offset + 16], entries[offset + 17]]) as usize;
            if length < 20 || offset + length > read as usize {
                break;
            }
            let name = &entries[offset + 19..offset + length];
            let name = &name[..name
                .iter()
                .position(|&byte| byte == 0)
                .unwrap_or(name.len())];
            offset += length;
            if name.is_empty() || !name.iter().all(u8::is_ascii_digit) || name.len() > 9 {
                continue;
            }
            let pid = name.iter().fold(0 as libc::pid_t, |pid, digit| {
                pid * 10 + libc::pid_t::from(digit - b'0')
            });
            if pid == own {
                continue;
            }
            // "/proc/<pid>/environ\0"
            let mut path = [0u8; 32];
            let mut at = 0;
            for part in [b"/proc/".as_slice(), name, b"/environ\0".as_slice()] {
                path[at..at + part.len()].copy_from_slice(part);
                at += part.len();
            }
            if environ_holds(path.as_ptr().cast(), marker) {
                libc::kill(pid, libc::SIGKILL);
                killed += 1;
            }
        }
    }
    libc::close(proc_dir);
    killed
}

/// Does the environment file at `path` hold the variable `marker` (whole,
/// between NUL separators)?
#[cfg(target_os = "linux")]
unsafe fn environ_holds(path: *const libc::c_char, marker: &[u8]) -> bool {
    let file = libc::open(path, libc::O_RDONLY | libc::O_CLOEXEC);
    if file < 0 {
        return false;
    }
    // A window that keeps the previous chunk's tail, so a variable that
    // straddles two reads is still seen; one byte before it for the NUL.
    let mut window = [0u8; 4096 + 256];
    let keep = marker.len() + 1;
    let mut filled = 1; // a leading NUL: the first variable starts a "line"
    let mut found = false;
    if keep <= 256 {
        loop {
            let read = libc::read(
                file,
                window[filled..].as_mut_ptr().cast(),
                window.len() - filled,
            );
            if read <= 0 {
                break;
            }
            filled += read as usize;
            found = window[..filled].windows(keep + 1).any(|candidate| {
                candidate[0] == 0 && &candidate[1..keep] == marker && candidate[keep] == 0
            });
            if found {
                break;
            }
            let tail = filled.saturating_sub(keep + 1);
            window.copy_within(tail..filled, 0);
            filled -= tail;
        }
    }
    libc::close(file);
    found
}

impl Watchdog {
    #[cfg(unix)]
    pub fn start(group: Option<u32>, marker: &str) -> Option<Watchdog> {
        let marker = marker.as_bytes().to_vec();
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
                        if let Some(group) = group {
                            libc::kill(-(group as libc::pid_t), libc::SIGKILL);
                        }
                        // The processes the group does not hold: all of them
                        // in a terminal's group, workers that left the group.
                        // A few rounds, for processes started meanwhile.
                        #[cfg(target_os = "linux")]
                        for _ in 0..5 {
                            if kill_marked(&marker) == 0 {
                                break;
                            }
                            libc::usleep(20_000);
                        }
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
    pub fn start(_group: Option<u32>, _marker: &str) -> Option<Watchdog> {
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
