//! `spawnsafe run` keeps the program under control: a missing script is
//! named as such, a hang is explained once, a flood of stderr is passed
//! through without being held, signals reach the program's whole process
//! group, and the program's tree does not outlive a killed spawnsafe.

use std::io::BufRead;
use std::process::{Command, Stdio};

mod run_support;
use run_support::{project, python, spawnsafe, text};

#[test]
fn a_missing_script_is_named_not_the_bootstrap() {
    let dir = tempfile::tempdir().unwrap();
    let run = spawnsafe(dir.path(), &["run", "--python", &python(), "missing.py"]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "spawnsafe: error: cannot run `missing.py`: no such file or directory\n"
    );
}

#[test]
fn a_directory_without_main_is_reported_as_python_does() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    let run = spawnsafe(dir.path(), &["run", "--python", &python(), "app"]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(": can't find '__main__' module in 'app'"),
        "{stderr}"
    );
    assert!(!stderr.contains("Traceback"), "{stderr}");
}

/// A Pool that respawns its dying workers until the timeout: the hazard is
/// explained once (the explanation shows the static finding; it is not
/// listed again, nor summed up in another line).
#[test]
fn a_hang_at_the_timeout_is_explained_once() {
    let dir = project(&[(
        "pool.py",
        "import multiprocessing\n\n\ndef square(x):\n    return x * x\n\n\nwith multiprocessing.Pool(2) as pool:\n    print(pool.map(square, [1, 2, 3]))\n",
    )]);
    let run = spawnsafe(
        dir.path(),
        &["run", "--python", &python(), "--timeout", "6", "pool.py"],
    );
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(124), "{stderr}");
    let diagnosis = &stderr[stderr.find("\nspawnsafe: ").expect("a diagnosis")..];
    assert!(
        diagnosis.contains("a Pool keeps replacing the workers"),
        "{diagnosis}"
    );
    assert_eq!(
        diagnosis.matches("SPS101 unguarded-process-start:").count(),
        1,
        "{diagnosis}"
    );
    assert_eq!(
        diagnosis.matches("pool.py:8:6: SPS101").count(),
        1,
        "{diagnosis}"
    );
    assert!(
        !diagnosis.contains("raised the bootstrapping"),
        "{diagnosis}"
    );
}

/// Text outside any traceback is evidence too: a frozen app's argument
/// parser rejecting a spawn child's arguments.
#[test]
fn the_diagnosis_reads_all_of_stderr() {
    let dir = project(&[(
        "app.py",
        "import sys\n\nif __name__ == '__main__':\n    sys.stderr.write('usage: app [-h] path\\napp: error: unrecognized arguments: --multiprocessing-fork pipe_handle=6\\n')\n    sys.exit(2)\n",
    )]);
    let run = spawnsafe(dir.path(), &["run", "--python", &python(), "app.py"]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("SPS403 freeze-support:"), "{stderr}");
}

/// The high-water mark of a process's resident memory, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// 100 MB on stderr pass through, but spawnsafe keeps only a bounded part
/// for the diagnosis, which still sees the traceback at the end.
#[cfg(target_os = "linux")]
#[test]
fn a_flood_of_stderr_is_passed_through_but_not_held() {
    let dir = project(&[(
        "noisy.py",
        "import sys\nfrom multiprocessing import Pool\n\nif __name__ == '__main__':\n    line = 'x' * 1023 + '\\n'\n    for _ in range(100 * 1024):\n        sys.stderr.write(line)\n    with Pool(1) as pool:\n        pool.map(lambda v: v, [1])\n",
    )]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(["run", "--python", &python(), "noisy.py"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = 0;
    let mut passed = 0u64;
    let mut tail = Vec::new();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = Vec::new();
    loop {
        line.clear();
        if stderr.read_until(b'\n', &mut line).unwrap() == 0 {
            break;
        }
        passed += line.len() as u64;
        if passed % (4 * 1024 * 1024) < line.len() as u64 {
            peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
        }
        if !line.starts_with(b"xxxx") {
            tail.extend_from_slice(&line);
        }
    }
    child.wait().unwrap();
    assert!(passed > 100 * 1024 * 1024, "{passed} bytes passed through");
    assert!(peak > 0, "the memory was measured");
    assert!(peak < 64 * 1024, "spawnsafe held {peak} KiB");
    let tail = String::from_utf8_lossy(&tail);
    assert!(tail.contains("SPS201 unpicklable-callable"), "{tail}");
}

/// Reads `ready <pids>` from the program: its own pid and its workers'.
fn ready_pids(stdout: &mut impl BufRead) -> Vec<i32> {
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let rest = line
        .strip_prefix("ready ")
        .unwrap_or_else(|| panic!("{line:?}"));
    rest.split_whitespace()
        .map(|pid| pid.parse().unwrap())
        .collect()
}

fn alive(pid: i32) -> bool {
    // A zombie is dead: it only waits for its parent to read its status.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let after = &stat[stat.rfind(')').unwrap() + 1..];
            !after.trim_start().starts_with('Z')
        })
        .unwrap_or(false)
}

/// Waits (a bounded number of rounds) for all of `pids` to end.
fn all_end(pids: &[i32]) -> bool {
    for _ in 0..200 {
        if !pids.iter().any(|&pid| alive(pid)) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}

const WORKERS: &str = "import os, signal, sys, time
from multiprocessing import Process, Queue


def work(queue, name):
    def stop(number, frame):
        # One write: the two workers' lines must not interleave.
        os.write(1, f'{name} stopped by {signal.Signals(number).name}\\n'.encode())
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    queue.put(os.getpid())
    time.sleep(120)


if __name__ == '__main__':
    queue = Queue()
    workers = [Process(target=work, args=(queue, f'worker{n}')) for n in range(2)]
    for worker in workers:
        worker.start()
    pids = [queue.get() for _ in workers]
    print('ready', os.getpid(), *pids, flush=True)
    try:
        for worker in workers:
            worker.join()
    except KeyboardInterrupt:
        pass
    print('parent done', flush=True)
";

/// SIGTERM and SIGINT sent to spawnsafe's pid alone reach every process of
/// the program's group: the workers too, not only the program.
#[cfg(unix)]
#[test]
fn signals_to_spawnsafe_reach_the_whole_group() {
    for signal in ["TERM", "INT"] {
        let dir = project(&[("workers.py", WORKERS)]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
            .args(["run", "--python", &python(), "workers.py"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let pids = ready_pids(&mut stdout);
        assert!(Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap()
            .success());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
        child.wait().unwrap();
        for worker in ["worker0", "worker1"] {
            assert!(
                rest.contains(&format!("{worker} stopped by SIG{signal}")),
                "SIG{signal}: {rest}"
            );
        }
        assert!(all_end(&pids), "SIG{signal}: {pids:?} still running");
    }
}

/// Runs `workers.py` of `dir` under `spawnsafe run`, waits until its three
/// processes are ready, SIGKILLs spawnsafe alone and returns their pids.
#[cfg(target_os = "linux")]
fn run_workers_then_kill_spawnsafe(dir: &std::path::Path) -> Vec<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spawnsafe"))
        .args(["run", "--python", &python(), "workers.py"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let pids = ready_pids(&mut stdout);
    assert_eq!(pids.len(), 3);
    child.kill().unwrap();
    child.wait().unwrap();
    pids
}

/// SIGKILL leaves spawnsafe no chance to clean up: the program dies with it
/// (`PR_SET_PDEATHSIG`) and the watchdog kills the rest of its group.
#[cfg(target_os = "linux")]
#[test]
fn killing_spawnsafe_kills_the_programs_tree() {
    let dir = project(&[("workers.py", WORKERS)]);
    let pids = run_workers_then_kill_spawnsafe(dir.path());
    assert!(all_end(&pids), "{pids:?} outlived spawnsafe");
}

/// A worker that left the program's process group (`os.setsid()`) is out of
/// reach of the group's SIGKILL: the watchdog finds it by the marker in its
/// environment when spawnsafe is killed. (In an interactive terminal, where
/// the program shares the terminal's group, the marker is how the watchdog
/// finds all of them.)
#[cfg(target_os = "linux")]
#[test]
fn killing_spawnsafe_kills_workers_that_left_the_group() {
    let escaping = WORKERS.replace(
        "def work(queue, name):\n",
        "def work(queue, name):\n    os.setsid()\n",
    );
    assert_ne!(escaping, WORKERS);
    let dir = project(&[("workers.py", &escaping)]);
    let pids = run_workers_then_kill_spawnsafe(dir.path());
    let survivors: Vec<i32> = pids
        .iter()
        .copied()
        .filter(|&pid| !all_end(&[pid]))
        .collect();
    for &pid in &survivors {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert!(survivors.is_empty(), "{survivors:?} outlived spawnsafe");
}

/// In an interactive terminal (here a pseudo-terminal from `script`, whose
/// shell stays the session leader, so that no SIGHUP follows spawnsafe's
/// death) the program shares the terminal's foreground group; killing
/// spawnsafe still ends the program and every worker.
#[cfg(target_os = "linux")]
#[test]
fn killing_spawnsafe_in_a_terminal_kills_the_programs_tree() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let dir = project(&[("workers.py", WORKERS)]);
    let command = format!(
        "'{}' run --python '{}' workers.py; sleep 60",
        env!("CARGO_BIN_EXE_spawnsafe"),
        python()
    );
    let mut terminal = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(terminal.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("ready ") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "no ready line");
    }
    let pids: Vec<i32> = line[line.find("ready ").unwrap() + 6..]
        .split_whitespace()
        .map(|pid| pid.parse().unwrap())
        .collect();
    assert_eq!(pids.len(), 3);
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pids[0])).unwrap();
    let spawnsafe = stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let comm = std::fs::read_to_string(format!("/proc/{spawnsafe}/comm")).unwrap();
    assert_eq!(comm.trim(), "spawnsafe");
    assert!(Command::new("kill")
        .args(["-KILL", &spawnsafe])
        .status()
        .unwrap()
        .success());
    let ended = all_end(&pids);
    for pid in &pids {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    let _ = terminal.kill();
    let _ = terminal.wait();
    assert!(ended, "{pids:?} outlived spawnsafe");
}
