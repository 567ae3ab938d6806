//! Output files by extension: WebM (VP9 + Opus) for the web, Matroska and MOV beside MP4, and
//! the refusals, all before any file is written.

mod common;

use common::*;

const FPS: f64 = 30.0;

#[test]
fn webm_is_vp9_and_opus_in_sync() {
    let fx = fixture(320, 180, 6.0, "");
    let out = fx.dir.path().join("out.webm");
    render_cpu(&fx.project, &out, &[]);
    let v = decode_video(&out, FPS);
    assert_eq!(v.frames.len(), 180);
    assert_eq!((v.width, v.height), (320, 180));
    let a = decode_audio(&out);
    assert_eq!(a.codec, "OPUS");
    assert_eq!(a.rate, 48000);
    let len = a.samples.len() as f64 / a.rate as f64;
    assert!((len - 6.0).abs() < 0.03, "audio lasts {len}");
    assert_clicks_on_words(&a, &fx.word_starts);
    // The picture changes where the timeline says: compare with the MP4 of the same project
    // (both lossy, so by which frames differ from the one before, on the luma's mean).
    let mp4 = fx.dir.path().join("out.mp4");
    render_cpu(&fx.project, &mp4, &[]);
    let m = decode_video(&mp4, FPS);
    let mean =
        |f: &Vec<u8>| f[..320 * 180].iter().map(|&x| x as f64).sum::<f64>() / (320.0 * 180.0);
    for (i, (a, b)) in v.frames.iter().zip(&m.frames).enumerate() {
        assert!(
            (mean(&a.1) - mean(&b.1)).abs() < 1.0,
            "frame {i} differs between WebM and MP4"
        );
    }
}

#[test]
fn mkv_and_mov_hold_h264_and_aac() {
    let fx = fixture(160, 90, 3.0, "");
    for name in ["out.mkv", "out.mov"] {
        let out = fx.dir.path().join(name);
        render_cpu(&fx.project, &out, &[]);
        assert_eq!(decode_video(&out, FPS).frames.len(), 90, "{name}");
        assert_eq!(decode_audio(&out).codec, "AAC", "{name}");
    }
    // VP9 in Matroska too.
    let out = fx.dir.path().join("vp9.mkv");
    render_cpu(&fx.project, &out, &["--codec", "vp9"]);
    assert_eq!(decode_video(&out, FPS).frames.len(), 90);
}

#[test]
fn outputs_gpucast_cannot_write_are_refused_first() {
    let fx = fixture(160, 90, 2.0, "");
    let p = fx.project.to_str().unwrap();
    let dir = fx.dir.path();
    let vtt = dir.join("c.vtt");
    for (out, extra, expect) in [
        ("x.avi", vec![], "-o "),
        ("x.avi", vec![], "gpucast writes .mp4, .mov, .mkv or .webm"),
        (
            "x.webm",
            vec!["--codec", "h264"],
            "--codec h264 cannot go in a .webm file",
        ),
        (
            "x.mp4",
            vec!["--codec", "vp9"],
            "--codec vp9 cannot go in a .mp4 file",
        ),
        (
            "x.webm",
            vec!["--soft-subtitles"],
            "--soft-subtitles needs an .mp4 or .mov output",
        ),
    ] {
        let o = dir.join(out);
        let mut args = vec![
            "render",
            p,
            "-o",
            o.to_str().unwrap(),
            "--captions",
            vtt.to_str().unwrap(),
        ];
        args.extend(extra.iter().copied());
        let r = gpucast(&args);
        assert!(!r.status.success(), "{out} {extra:?} was accepted");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(err.contains(expect), "{err}");
        assert!(!o.exists());
        assert!(!vtt.exists(), "nothing, not even the captions, is written");
    }
}
