//! glibc's allocator, tuned for this process. Opening a 50,000-task plan sends the window a
//! ~15 MB answer built on one of the async runtime's threads; by default glibc then keeps the
//! freed memory: each thread gets its own arena, and after a large block is freed it raises its
//! mmap threshold so that the next large blocks come from the heap, which is rarely returned.
//! Measured with `scripts/bench-launch.sh` (50,000-task file on the Gantt): the app process's
//! PSS 150 MB with the defaults, 96 MB with a fixed 256 KiB mmap threshold and two arenas.

/// Call first thing in `main`, before any thread starts.
// One of the two unsafe calls in the workspace (renderer_choice has the other): glibc offers no safe way to set these, and setting
// them through GLIBC_TUNABLES would need the app to re-execute itself.
#[allow(unsafe_code)]
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before other threads exist. A
    // refused setting (return value 0) leaves glibc's default, which is only less thrifty.
    unsafe {
        // Blocks of 256 KiB and more are mapped on their own and go back to the system when
        // freed; setting the threshold also stops glibc from raising it dynamically.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        // The UI's requests are few and short; two arenas avoid one per runtime thread.
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
