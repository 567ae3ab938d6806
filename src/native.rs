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
