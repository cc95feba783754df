//! Facts about the running process that several modules need.

/// Whether this process runs as root (the embedded database then runs as `postgres`).
pub fn is_root() -> bool {
    effective_uid() == 0
}

#[expect(
    unsafe_code,
    reason = "geteuid is a plain syscall with no preconditions"
)]
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, touches no memory and always succeeds.
    unsafe { libc::geteuid() }
}
