//! Finding and choosing a wgpu adapter (headless: no surface).
//!
//! Preference: an adapter named by `--adapter` (substring, case-insensitive), otherwise discrete,
//! integrated, virtual, then software (Cpu, e.g. lavapipe/llvmpipe), and for the same kind of
//! device Vulkan/Metal/DX12 before GL. Adapters that cannot run compute shaders are skipped.

use anyhow::Context as _;

pub(super) fn instance() -> wgpu::Instance {
    crate::native::quiet();
    // From the environment so that WGPU_BACKEND etc. work for debugging.
    wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env())
}

fn adapters(instance: &wgpu::Instance) -> Vec<wgpu::Adapter> {
    pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()))
}

/// One line describing an adapter: name, backend, device type, driver.
pub(super) fn describe(info: &wgpu::AdapterInfo) -> String {
    let driver = [info.driver.as_str(), info.driver_info.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let mut line = format!("{}, {:?}, {:?}", info.name, info.backend, info.device_type);
    if !driver.is_empty() {
        line += &format!(", {driver}");
    }
    line
}

/// Every adapter wgpu finds, one line each (for `gpucast probe`).
pub fn list_adapters() -> Vec<String> {
    adapters(&instance())
        .iter()
        .map(|a| {
            let mut line = describe(&a.get_info());
            if !can_compute(a) {
                line += " (no compute shaders: not usable)";
            }
            line
        })
        .collect()
}

fn can_compute(a: &wgpu::Adapter) -> bool {
    a.get_downlevel_capabilities()
        .flags
        .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
}

fn type_rank(t: wgpu::DeviceType) -> u8 {
    match t {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Cpu => 3,
        wgpu::DeviceType::Other => 4,
    }
}

fn backend_rank(b: wgpu::Backend) -> u8 {
    match b {
        wgpu::Backend::Vulkan | wgpu::Backend::Metal | wgpu::Backend::Dx12 => 0,
        wgpu::Backend::Gl => 1,
        wgpu::Backend::BrowserWebGpu | wgpu::Backend::Noop => 2,
    }
}

fn is_hardware(t: wgpu::DeviceType) -> bool {
    matches!(
        t,
        wgpu::DeviceType::DiscreteGpu
            | wgpu::DeviceType::IntegratedGpu
            | wgpu::DeviceType::VirtualGpu
    )
}

/// The adapter to use and why it was chosen, or why none is used.
pub(super) fn choose(
    instance: &wgpu::Instance,
    filter: Option<&str>,
    hardware_only: bool,
) -> anyhow::Result<(wgpu::Adapter, String)> {
    let all = adapters(instance);
    let listing = || {
        all.iter()
            .map(|a| describe(&a.get_info()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    anyhow::ensure!(!all.is_empty(), "no GPU adapter was found");
    let mut candidates: Vec<&wgpu::Adapter> = all.iter().filter(|a| can_compute(a)).collect();
    anyhow::ensure!(
        !candidates.is_empty(),
        "no GPU adapter can run compute shaders (found: {})",
        listing()
    );
    if let Some(name) = filter {
        let needle = name.to_lowercase();
        candidates.retain(|a| a.get_info().name.to_lowercase().contains(&needle));
        anyhow::ensure!(
            !candidates.is_empty(),
            "no usable GPU adapter's name contains {name:?} (found: {})",
            listing()
        );
    }
    candidates.sort_by_key(|a| {
        let info = a.get_info();
        (type_rank(info.device_type), backend_rank(info.backend))
    });
    let best = candidates[0];
    let info = best.get_info();
    if hardware_only && !is_hardware(info.device_type) {
        anyhow::bail!(
            "only a software adapter ({}) was found; --backend gpu would use it anyway",
            describe(&info)
        );
    }
    let mut why = match filter {
        Some(name) => format!("its name contains {name:?}"),
        None => match info.device_type {
            wgpu::DeviceType::DiscreteGpu => "discrete GPUs come first",
            wgpu::DeviceType::IntegratedGpu => "the best GPU found is an integrated one",
            wgpu::DeviceType::VirtualGpu => "the best GPU found is a virtual one",
            wgpu::DeviceType::Cpu => "no hardware GPU was found, only software rendering",
            wgpu::DeviceType::Other => "no GPU of a known type was found",
        }
        .to_string(),
    };
    if candidates.len() > 1 {
        why += &format!(
            "; {} other usable adapter{} ranked lower (GL after Vulkan for the same device)",
            candidates.len() - 1,
            if candidates.len() == 2 { "" } else { "s" }
        );
    }
    Ok((best.clone(), why))
}

/// A device with as much of the adapter's limits as it offers (big storage buffers), and a
/// handler that records errors instead of panicking, so that `finish` can report them.
pub(super) fn open_device(
    adapter: &wgpu::Adapter,
    errors: std::sync::Arc<std::sync::Mutex<Option<String>>>,
) -> anyhow::Result<(wgpu::Device, wgpu::Queue)> {
    let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
        label: Some("gpucast"),
        required_limits: adapter.limits(),
        memory_hints: wgpu::MemoryHints::Performance,
        ..Default::default()
    }))
    .with_context(|| format!("opening GPU device {}", describe(&adapter.get_info())))?;
    device.on_uncaptured_error(std::sync::Arc::new(move |e: wgpu::Error| {
        log::error!("GPU error: {e}");
        let mut slot = errors.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| e.to_string());
    }));
    Ok((device, queue))
}
