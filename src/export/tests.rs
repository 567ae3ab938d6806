use std::path::Path;

use super::*;
use crate::media::audio::AudioInfo;

/// A project resolved from its JSON with `seconds` of narration (a stand-in file, never
/// decoded), and its scene.
fn project(json: &str, seconds: f64) -> (Project, Scene) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("narration.wav"), b"").unwrap();
    let file = Path::new("talk.json");
    let raw = crate::project::parse(file, json).unwrap();
    let audio = AudioInfo {
        duration: seconds,
        sample_rate: 48000,
        channels: 1,
        damage: None,
    };
    let project = crate::project::from_raw(raw, dir.path(), file, Some(audio)).unwrap();
    let scene = Scene::build(&project).unwrap();
    (project, scene)
}

/// Words `text` one after another from `start`, each `step` seconds, said for `said` of it.
fn words(text: &str, start: f64, step: f64, said: f64) -> String {
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let s = start + i as f64 * step;
            format!(
                r#"{{"text": "{w}", "start": {s:.3}, "end": {:.3}}}"#,
                s + said
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn sized(font_size: u32, style: &str, slides: &str) -> String {
    format!(
        r#"{{"video": {{"width": 640, "height": 360, "fps": 30}}, "audio": "narration.wav",
            "style": {{"font_size": {font_size} {style}}}, "slides": [{slides}]}}"#
    )
}

fn small(style: &str, slides: &str) -> String {
    sized(32, style, slides)
}

fn two_slides(style: &str) -> (Project, Scene) {
    let slides = format!(
        r#"{{"start": 0.5, "end": 3.0, "words": [{}]}},
           {{"start": 3.0, "end": 6.0, "words": [{}]}}"#,
        words(
            "one two three four five six seven eight nine ten eleven twelve",
            0.8,
            0.18,
            0.15
        ),
        words("and then the last slide", 3.25, 0.5, 0.5),
    );
    project(&small(style, &slides), 6.5)
}

#[test]
fn the_extension_or_format_picks_and_a_wrong_one_names_the_choices() {
    let pick = |out: &str, f: Option<&str>| choose(Path::new(out), f).map(|f| f.name);
    assert_eq!(pick("a.srt", None).unwrap(), "srt");
    assert_eq!(pick("a.VTT", None).unwrap(), "vtt");
    assert_eq!(pick("a.ass", None).unwrap(), "ass");
    assert_eq!(pick("a.fcpxml", None).unwrap(), "fcpxml");
    assert_eq!(pick("a.json", None).unwrap(), "whisperx");
    assert_eq!(pick("a.txt", Some("webvtt")).unwrap(), "vtt");
    assert_eq!(pick("a.json", Some("JSON")).unwrap(), "whisperx");
    let err = pick("a.txt", None).unwrap_err().to_string();
    assert!(err.contains("cannot tell the format of a.txt"), "{err}");
    assert!(
        err.contains("srt (.srt), vtt (.vtt), ass (.ass), fcpxml (.fcpxml), whisperx (.json)"),
        "{err}"
    );
    let err = pick("a.srt", Some("docx")).unwrap_err().to_string();
    assert!(
        err.starts_with("--format: \"docx\" is not a format"),
        "{err}"
    );
    assert!(err.contains("whisperx (.json)"), "{err}");
    let err = pick("a.srt", Some("vtt")).unwrap_err().to_string();
    assert!(
        err.contains("--format vtt does not match the output a.srt"),
        "{err}"
    );
}

#[test]
fn blocks_are_the_captions_cues() {
    let (p, scene) = two_slides("");
    let doc = Doc::from_parts(&p, &scene, "talk");
    assert_eq!(doc.blocks.len(), doc.cues.len());
    for (b, c) in doc.blocks.iter().zip(&doc.cues) {
        assert_eq!((b.start, b.end), (c.start, c.end));
        let lines: Vec<Vec<(String, f64)>> = b
            .lines
            .iter()
            .map(|l| l.iter().map(|w| (w.text.clone(), w.start)).collect())
            .collect();
        assert_eq!(lines, c.lines);
    }
    // Twelve words at 32 px in 640 px take more than one line.
    assert!(doc.blocks[0].lines.len() > 1);
    assert_eq!(doc.styles.len(), 1);
}

#[test]
fn the_bundled_font_is_named_and_sized_as_its_file_says() {
    let data = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
    let read = fonts::from_data(data, 0).unwrap();
    assert_eq!(
        fonts::describe(&crate::project::FontChoice::Bundled).unwrap(),
        read
    );
    assert_eq!(read.family, "DejaVu Sans");
    assert!((read.cell - 1.1640625).abs() < 1e-9);
    assert!(fonts::from_data(b"not a font", 0).is_none());
}

/// The Dialogue lines of an ASS file: (start, end, name, text).
fn dialogues(ass: &str) -> Vec<(String, String, String, String)> {
    ass.lines()
        .filter_map(|l| l.strip_prefix("Dialogue: "))
        .map(|l| {
            let f: Vec<&str> = l.splitn(10, ',').collect();
            (f[1].into(), f[2].into(), f[4].into(), f[9].into())
        })
        .collect()
}

/// `H:MM:SS.cc` in centiseconds.
fn cs(t: &str) -> i64 {
    let (h, rest) = t.split_once(':').unwrap();
    let (m, rest) = rest.split_once(':').unwrap();
    let (s, c) = rest.split_once('.').unwrap();
    ((h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()) * 60 + s.parse::<i64>().unwrap())
        * 100
        + c.parse::<i64>().unwrap()
}

/// The syllables of a karaoke line: (start in centiseconds from the line's start, text).
fn syllables(text: &str) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').unwrap();
        let tags = &rest[open + 1..close];
        let after = &rest[close + 1..];
        let next = after.find('{').unwrap_or(after.len());
        if let Some(k) = tags.split('\\').find_map(|t| {
            t.strip_prefix("kf")
                .or_else(|| t.strip_prefix('k'))
                .and_then(|d| d.parse::<i64>().ok())
        }) {
            out.push((at, after[..next].to_string()));
            at += k;
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(&after[..next]);
        }
        rest = &after[next..];
    }
    out
}

#[test]
fn ass_is_karaoke_in_the_projects_colours_and_frame() {
    let (p, scene) = two_slides("");
    let ass = ass::write(&Doc::from_parts(&p, &scene, "talk")).unwrap();
    for line in [
        "ScriptType: v4.00+",
        "PlayResX: 640",
        "PlayResY: 360",
        "WrapStyle: 2",
        // 32 px to the em is 37.25 in DejaVu's cell; current #ffd54a, upcoming #b8c2d6; the
        // lecture look starts regular, centred in the 640 x 360 frame's text box.
        "Style: Default,DejaVu Sans,37.25,&H004AD5FF,&H00D6C2B8,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,5,",
    ] {
        assert!(ass.contains(line), "{line} missing from\n{ass}");
    }
    let d = dialogues(&ass);
    assert_eq!(d.len(), 2);
    assert_eq!(
        (d[0].0.as_str(), d[0].1.as_str()),
        ("0:00:00.50", "0:00:03.00")
    );
    assert_eq!(
        (d[1].0.as_str(), d[1].1.as_str()),
        ("0:00:03.00", "0:00:06.00")
    );
    // The fade, the gap before the first word as an empty syllable, then one word a syllable.
    assert!(
        d[0].3.starts_with("{\\fad(250,250)\\k30}{\\k18"),
        "{}",
        d[0].3
    );
    let s = syllables(&d[0].3);
    assert_eq!(s[0], (0, String::new()));
    assert_eq!(s[1].1, "one ");
    assert!(
        d[0].3.contains("\\N"),
        "lines break as laid out: {}",
        d[0].3
    );
    // The spoken look (#ffffff) differs from the current one: each word turns at its end.
    assert!(d[0].3.contains("\\t(450,450,\\1c&HFFFFFF&)"), "{}", d[0].3);
    assert!(d[0].3.contains("\\1c&H4AD5FF&\\t("), "{}", d[0].3);
}

#[test]
fn karaoke_times_do_not_drift_and_follow_each_word() {
    // 150 words a third of a second apart: rounding each duration would drift by seconds.
    let list: Vec<String> = (0..150).map(|i| format!("w{i}")).collect();
    let slides = format!(
        r#"{{"start": 0.0, "end": 51.0, "words": [{}]}}"#,
        words(&list.join(" "), 0.0, 1.0 / 3.0, 0.2)
    );
    let style = r#", "current": {"wipe": true}"#;
    let (p, scene) = project(&sized(8, style, &slides), 52.0);
    let doc = Doc::from_parts(&p, &scene, "talk");
    let ass = ass::write(&doc).unwrap();
    let d = dialogues(&ass);
    assert_eq!(d.len(), 1);
    assert!(d[0].3.contains("\\kf"), "a wiped look sweeps: {}", d[0].3);
    let start = cs(&d[0].0);
    let heard: Vec<(i64, String)> = syllables(&d[0].3)
        .into_iter()
        .filter(|(_, t)| !t.trim().is_empty())
        .collect();
    assert_eq!(heard.len(), 150);
    for (i, (at, text)) in heard.iter().enumerate() {
        assert_eq!(text.trim_end_matches("\\N").trim(), format!("w{i}"));
        let exact = i as f64 / 3.0 * 100.0;
        assert!(
            ((start + at) as f64 - exact).abs() <= 0.5 + 1e-9,
            "word {i} at {} cs, said at {exact:.2} cs",
            start + at
        );
    }
    // A swept word ends at its own end (0.2 s): a gap syllable holds the rest.
    assert!(d[0].3.contains("{\\kf20"), "{}", d[0].3);
}

#[test]
fn ass_text_keeps_braces_and_backslashes_out_of_the_markup() {
    assert_eq!(ass::escape("{a}\\N"), "\u{FF5B}a}\\\u{2060}N");
    assert_eq!(ass::colour([0x11, 0x22, 0x33, 0xff]), "&H00332211");
    assert_eq!(ass::colour([0x11, 0x22, 0x33, 0x80]), "&H7F332211");
    assert_eq!(ass::colour([0, 0, 0, 0]), "&HFF000000");
    assert_eq!(ass::time(ass::centis(3725.006)), "1:02:05.01");
    assert_eq!(ass::num(37.25), "37.25");
    assert_eq!(ass::num(40.0), "40");
    assert_eq!(ass::num(-0.001), "0");
}

#[test]
fn ass_names_speakers_and_places_an_off_centre_box() {
    let slides = r#"{"start": 0.0, "end": 2.0, "words": [
        {"text": "hi", "start": 0.0, "end": 0.5, "speaker": "SPEAKER_01"},
        {"text": "there,", "start": 0.5, "end": 1.0, "speaker": "SPEAKER_01"},
        {"text": "you", "start": 1.0, "end": 1.5, "speaker": "A, B"}]}"#;
    let style = r#", "safe_area": {"bottom": 100}, "fade": 0"#;
    let (p, scene) = project(&small(style, slides), 3.0);
    let ass = ass::write(&Doc::from_parts(&p, &scene, "talk")).unwrap();
    let d = dialogues(&ass);
    assert_eq!(d[0].2, "SPEAKER_01");
    // The text box is 100 px shorter at the bottom: its middle is 50 px above the frame's.
    assert!(d[0].3.starts_with("{\\pos(320,130)\\k"), "{}", d[0].3);
    assert!(!d[0].3.contains("\\fad"), "{}", d[0].3);
}

#[test]
fn fcpxml_times_are_whole_frames_in_the_frame_rate() {
    let ntsc = Fps {
        num: 30000,
        den: 1001,
    };
    assert_eq!(fcpxml::time(1, ntsc), "1001/30000s");
    assert_eq!(fcpxml::time(3, ntsc), "3003/30000s");
    assert_eq!(fcpxml::time(0, ntsc), "0s");
    assert_eq!(fcpxml::time(60, Fps { num: 30, den: 1 }), "2s");
    assert_eq!(fcpxml::time(61, Fps { num: 30, den: 1 }), "61/30s");
    assert_eq!(
        fcpxml::xml("a<b & \"c\"\u{1}"),
        "a&lt;b &amp; &quot;c&quot;"
    );
}

#[test]
fn fcpxml_has_a_title_per_slide_in_a_gap() {
    let style = r##", "upcoming": {"outline": {"width": 3, "color": "#000000"},
        "shadow": {"offset": [4, 4], "blur": 2, "color": "#00000080"}}"##;
    let (p, scene) = two_slides(style);
    let x = fcpxml::write(&Doc::from_parts(&p, &scene, "a & b")).unwrap();
    for part in [
        "<fcpxml version=\"1.9\">",
        "<format id=\"r1\" frameDuration=\"1/30s\" width=\"640\" height=\"360\"",
        "<effect id=\"r2\" name=\"Basic Title\" uid=\".../Titles.localized/Bumper:Opener.localized/Basic Title.localized/Basic Title.moti\"/>",
        "<project name=\"a &amp; b\">",
        // 6.5 s at 30 fps.
        "<sequence format=\"r1\" duration=\"195/30s\"",
        "<gap name=\"Gap\" offset=\"0s\" start=\"0s\" duration=\"195/30s\">",
        // Slide one from frame 15 to frame 90.
        "<title ref=\"r2\" lane=\"1\" offset=\"15/30s\" duration=\"75/30s\"",
        "<title ref=\"r2\" lane=\"1\" offset=\"3s\" duration=\"3s\"",
        "<text><text-style ref=\"ts2\">and then the last slide</text-style></text>",
        "font=\"DejaVu Sans\" fontSize=\"32\" fontColor=\"1 1 1 1\" bold=\"1\" strokeColor=\"0 0 0 1\" strokeWidth=\"-3\" shadowColor=\"0 0 0 0.502\" shadowOffset=\"5.66 315\" shadowBlurRadius=\"2\" alignment=\"center\"",
    ] {
        assert!(x.contains(part), "{part} missing from\n{x}");
    }
    assert_eq!(x.matches("<title ").count(), 2);
    assert_eq!(x.matches("</title>").count(), 2);
}

#[test]
fn whisperx_json_has_a_segment_per_slide_and_every_word_again() {
    let slides = r#"{"start": 0.25, "end": 2.0, "words": [
        {"text": "我们", "start": 0.3, "end": 0.6, "speaker": "B"},
        {"text": "今天", "start": 0.6, "end": 0.9, "speaker": "A"},
        {"text": "ok", "start": 0.9, "end": 1.2345, "speaker": "A"}]},
        {"start": 2.0, "end": 3.0, "words": [{"text": "bye", "start": 2.1, "end": 2.4}]}"#;
    let (p, scene) = project(&small("", slides), 3.0);
    let json = whisperx::write(&Doc::from_parts(&p, &scene, "talk")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let seg = &v["segments"][0];
    assert_eq!(seg["start"], 0.25);
    assert_eq!(seg["end"], 2.0);
    assert_eq!(seg["text"], "我们今天ok");
    assert_eq!(seg["speaker"], "A");
    assert_eq!(seg["words"][2]["end"], 1.235);
    assert_eq!(seg["words"][0]["speaker"], "B");
    assert!(v["segments"][1].get("speaker").is_none());
    assert!(v["segments"][1]["words"][0].get("speaker").is_none());
    assert_eq!(v["word_segments"].as_array().unwrap().len(), 4);
    assert_eq!(v["word_segments"][3]["word"], "bye");
    // gpucast reads it back as WhisperX.
    let input = crate::import::Input {
        text: &json,
        json: Some(&v),
        lines: None,
        script: None,
    };
    let format = crate::import::find_format("whisperx").unwrap();
    assert!((format.detect)(&input));
    assert_eq!((format.parse)(&input).unwrap().len(), 4);
}
