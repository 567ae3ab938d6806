//! Distinct frames drawn per second at 1080p by each backend, against the encoder alone.
//!
//! `cargo bench --bench render`. The scene is a 1080p fixture (the same generator as the tests).
//! - cpu/full: a whole frame (slide starts and fade steps are drawn this way);
//! - cpu/incremental: a frame where one word changed state (most distinct frames);
//! - gpu/batch: a batch of distinct frames drawn, with and without readback (skipped without an
//!   adapter; on lavapipe the "GPU" is the CPU);
//! - x264/repeated-frame: libx264 (veryfast, CRF 23, 4 threads) encoding a 1080p frame that
//!   repeats the previous one, the encoder's floor per frame, for comparison.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gpucast::render::{cpu::CpuRenderer, RenderOptions, Renderer};
use gpucast::timeline::FrameKey;

fn keys() -> (gpucast::Prepared, common::Fixture) {
    let fx = common::fixture(1920, 1080, 12.0, "");
    let p = gpucast::prepare(&fx.project).expect("fixture is valid");
    (p, fx)
}

/// Consecutive distinct keys of the first slide where only word states change.
fn incremental_pairs(p: &gpucast::Prepared) -> Vec<(FrameKey, FrameKey)> {
    p.timeline
        .runs
        .windows(2)
        .filter_map(|w| match (&w[0].key, &w[1].key) {
            (
                a @ FrameKey::Slide {
                    slide: s1,
                    fade: 255,
                    ..
                },
                b @ FrameKey::Slide {
                    slide: s2,
                    fade: 255,
                    ..
                },
            ) if s1 == s2 => Some((a.clone(), b.clone())),
            _ => None,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let (p, _fx) = keys();
    let scene = p.scene.clone();
    let opts = RenderOptions::default();
    let full_key = p
        .timeline
        .runs
        .iter()
        .find(|r| matches!(r.key, FrameKey::Slide { .. }))
        .expect("a slide")
        .key
        .clone();

    let mut g = c.benchmark_group("1080p");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));

    // Fade steps differ in opacity, so each is drawn whole (over the cached background frame).
    let fades: Vec<FrameKey> = p
        .timeline
        .runs
        .iter()
        .filter(|r| matches!(r.key, FrameKey::Slide { fade, .. } if fade < 255))
        .map(|r| r.key.clone())
        .collect();
    assert!(fades.len() >= 2);
    g.bench_function("cpu/full", |b| {
        let mut r = CpuRenderer::new(scene.clone(), &opts).unwrap();
        let mut i = 0;
        b.iter(|| {
            i += 1;
            r.submit(std::slice::from_ref(&fades[i % fades.len()]))
                .unwrap();
            r.finish().unwrap()
        })
    });

    let pairs = incremental_pairs(&p);
    assert!(!pairs.is_empty());
    // Two frames per iteration: the pair's first is incremental from the previous pair's last
    // (same slide and fade) or whole when the slide changed; its second is incremental.
    g.throughput(Throughput::Elements(2));
    g.bench_function("cpu/incremental", |b| {
        let mut r = CpuRenderer::new(scene.clone(), &opts).unwrap();
        let mut i = 0;
        b.iter(|| {
            let (a, bk) = &pairs[i % pairs.len()];
            i += 1;
            r.submit(&[a.clone(), bk.clone()]).unwrap();
            r.finish().unwrap()
        })
    });
    g.throughput(Throughput::Elements(1));

    match gpucast::render::gpu::GpuRenderer::new(scene.clone(), &opts, false) {
        Ok(mut gpu) => {
            let batch = gpu.batch_size();
            let keys: Vec<FrameKey> = p
                .timeline
                .runs
                .iter()
                .take(batch)
                .map(|r| r.key.clone())
                .collect();
            g.throughput(Throughput::Elements(keys.len() as u64));
            g.bench_function(format!("gpu/batch-of-{}/with-readback", keys.len()), |b| {
                b.iter(|| {
                    gpu.submit(&keys).unwrap();
                    gpu.finish().unwrap()
                })
            });
            g.bench_function(format!("gpu/batch-of-{}/draw-only", keys.len()), |b| {
                b.iter(|| gpu.draw_and_wait(&keys).unwrap())
            });
            g.throughput(Throughput::Elements(1));
        }
        Err(e) => eprintln!("gpu benchmarks skipped: {e:#}"),
    }

    let mut enc = gpucast::encode::video::open(
        "libx264",
        &gpucast::VideoSettings::default(),
        1920,
        1080,
        p.project.fps,
        true,
    )
    .expect("libx264 opens");
    let frame = gpucast::render::render_one(gpucast::Backend::Cpu, scene.clone(), &opts, &full_key)
        .unwrap();
    let mut f = enc.frame(&frame).unwrap();
    let mut pts = 0i64;
    g.bench_function("x264/repeated-frame", |b| {
        b.iter(|| {
            f.set_pts(Some(pts));
            pts += 1;
            enc.encoder.send_frame(&f).unwrap();
            let mut pk = ffmpeg_next::Packet::empty();
            while enc.encoder.receive_packet(&mut pk).is_ok() {}
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
