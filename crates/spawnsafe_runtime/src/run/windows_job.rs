//! Windows: the program's whole process tree dies with spawnsafe. The program
//! is put in a job object with `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`; the
//! processes it starts join the job (the default), and when the last handle
//! to the job closes (spawnsafe ends, however it ends: the system closes its
//! handles) every process in the job is terminated. The timeout ends the
//! tree with `TerminateJobObject`.
//!
//! NOT COMPILED ON THIS PROJECT'S BUILD MACHINE: it builds only for a
//! Windows target, and the machine the code was written on has no Windows
//! standard library. Written against windows-sys 0.61 (the version in
//! Cargo.lock); check it on Windows CI before relying on it.
//!
//! A gap, said plainly: the program is assigned to the job just after it
//! starts (`std::process::Command` cannot start it suspended), so a process
//! it started in that first instant would not be in the job. Python takes far
//! longer than that to import the main module and start workers.

use std::os::windows::io::AsRawHandle;
use std::process::Child;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JobObjectExtendedLimitInformation,
    SetInformationJobObject, TerminateJobObject, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
};

/// A job holding the program's tree. Dropping it closes the handle, which
/// kills what is still in the job.
pub struct TreeJob {
    handle: HANDLE,
}

impl TreeJob {
    /// Puts `child` (and so what it starts from now on) in a new
    /// kill-on-close job; `None` when the system refuses (for example a
    /// parent job that forbids nested jobs on old Windows).
    pub fn attach(child: &Child) -> Option<TreeJob> {
        // SAFETY: plain Win32 calls on a handle this function creates and
        // owns, and on the child's process handle, which `child` keeps open.
        unsafe {
            let handle = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if handle.is_null() {
                return None;
            }
            let job = TreeJob { handle };
            let mut limits: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            let size = std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32;
            let limited = SetInformationJobObject(
                job.handle,
                JobObjectExtendedLimitInformation,
                (&limits as *const JOBOBJECT_EXTENDED_LIMIT_INFORMATION).cast(),
                size,
            );
            if limited == 0 {
                return None;
            }
            if AssignProcessToJobObject(job.handle, child.as_raw_handle() as HANDLE) == 0 {
                return None;
            }
            Some(job)
        }
    }

    /// Ends every process in the job (the timeout).
    pub fn terminate(&self) {
        // SAFETY: the handle is open until `drop`.
        unsafe {
            TerminateJobObject(self.handle, 1);
        }
    }

    /// The run is over: the job stays open until spawnsafe exits, so that
    /// what the program left running still ends with spawnsafe.
    pub fn keep_until_exit(self) {
        std::mem::forget(self);
    }
}

impl Drop for TreeJob {
    fn drop(&mut self) {
        // SAFETY: closes the handle `attach` created, once.
        unsafe {
            CloseHandle(self.handle);
        }
    }
}
