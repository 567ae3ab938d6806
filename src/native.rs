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

/// Keeps the process's memory flat however long the video: glibc raises its threshold for
/// serving large blocks from fresh mappings each time such a block is freed, after which the
/// blocks that come and go all through a render (audio chunks, packets, the muxer's growing
/// index) are carved from the heap and leave holes in it that are never returned. Measured on a
/// 30-minute narration at 48 kHz stereo: peak RSS 16% over a 1-minute one with the moving
/// threshold, 6% with it fixed at glibc's default of 128 KiB, at the same speed. The CLI calls
/// it; a library should not retune its host's allocator, so the Python module does not.
pub fn steady_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
