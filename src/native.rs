//! What the native libraries gpucast loads (Mesa's Vulkan layers, SVT-AV1) read from the
//! environment, set before they read it. Both print to stderr on their own on a healthy headless
//! machine: Mesa's device-select layer says "error: XDG_RUNTIME_DIR is invalid or not set" where
//! there is no Wayland session, and SVT-AV1 prints its configuration banner. A line that says
//! "error" when nothing is wrong teaches users to ignore errors, so both are silenced unless the
//! user set the variables.

use std::sync::Once;

const DEFAULTS: [(&str, &str); 2] = [
    // Device selection is gpucast's own (`--adapter`); the layer adds nothing headless.
    ("NODEVICE_SELECT", "1"),
    ("SVT_LOG", "1"),
];

/// Sets the defaults above, once per process. Setting the environment races with threads
/// reading it, so this runs as early as each entry point allows: first thing in the CLI's
/// `main`, when the Python module is imported, and in any case before the first Vulkan instance
/// or encoder is made.
pub fn quiet() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (key, value) in DEFAULTS {
            if std::env::var_os(key).is_none() {
                std::env::set_var(key, value);
            }
        }
    });
}

/// Keeps the process's memory flat however long the video. glibc raises its threshold for
/// serving large blocks from fresh mappings each time such a block is freed, after which the
/// blocks that come and go all through a render (audio chunks, packets, the muxer's growing
/// index) are carved from the heap and leave holes in it that it does not return on its own.
/// Fixing the threshold kept the holes away but sent every frame-sized buffer to a fresh
/// mapping, to be faulted in page by page: 30% slower at 1080p (3.7 s against 2.8 s for the
/// 60 s fixture; five times the system time). So the threshold moves as glibc likes, and a
/// thread hands the free pages back every half second (`malloc_trim` releases whole free pages
/// anywhere in every arena; it takes well under a millisecond here). The CLI calls it; a
/// library should not retune its host's allocator, so the Python module does not.
pub fn steady_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let spawned = std::thread::Builder::new()
            .name("heap-trim".into())
            .spawn(|| loop {
                std::thread::sleep(std::time::Duration::from_millis(500));
                // SAFETY: malloc_trim only returns free memory to the system.
                unsafe {
                    libc::malloc_trim(0);
                }
            });
        // Without the thread memory may grow a little with length; nothing else changes.
        drop(spawned);
    }
}
