use super::*;
use crate::project::from_json;
use glyphon::fontdb;

fn layout(json_style: &str, words: &[&str], size: (u32, u32)) -> (Layout, Project) {
    let dir = tempfile::tempdir().unwrap();
    let words_json: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                r#"{{"text": {}, "start": {}, "end": {}}}"#,
                serde_json::to_string(w).unwrap(),
                i as f64 * 0.5,
                i as f64 * 0.5 + 0.4
            )
        })
        .collect();
    let json = format!(
        r#"{{"video": {{"width": {}, "height": {}}}, "audio": "a.wav", "style": {json_style},
            "slides": [{{"start": 0, "words": [{}]}}]}}"#,
        size.0,
        size.1,
        words_json.join(",")
    );
    let p = from_json(&json, dir.path(), 60.0);
    (build(&p).expect("layout succeeds"), p)
}

const SENTENCE: &[&str] = &[
    "The",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "the",
    "lazy",
    "dog,",
    "while",
    "seven",
    "bright",
    "engineers",
    "render",
    "narrated",
    "slides.",
];

#[test]
fn glyphs_stay_inside_their_fixed_slots() {
    let (l, _) = layout(r#"{"font_size": 40, "margin": 40}"#, SENTENCE, (640, 360));
    let s = &l.slides[0];
    assert_eq!(s.slots.len(), SENTENCE.len());
    for g in &s.glyphs {
        let slot = s.slots[g.word as usize];
        // Glyph bitmaps may overhang their advance by a few pixels (italic-like shapes, 'j').
        let slack = 4.0;
        assert!(g.x as f32 >= slot.x - slack, "{g:?} left of {slot:?}");
        assert!(
            (g.x + g.width as i32) as f32 <= slot.x + slot.width + slack,
            "{g:?} right of {slot:?}"
        );
    }
    // Every word has bitmaps for every state: upcoming (regular) apart from current and
    // spoken (bold, which share theirs); none pops, so all are steady.
    for w in 0..SENTENCE.len() as u32 {
        for states in [0b001, 0b110] {
            let paint = states | GlyphInstance::STEADY;
            assert!(
                s.glyphs.iter().any(|g| g.word == w && g.paint == paint),
                "word {w} states {states:b}"
            );
        }
    }
}

#[test]
fn lines_wrap_inside_the_margins_without_overlap() {
    let (l, p) = layout(r#"{"font_size": 40, "margin": 40}"#, SENTENCE, (640, 360));
    let s = &l.slides[0];
    let margin = p.slides[0].style.margin;
    let lines = s.slots.iter().map(|s| s.line).max().unwrap() + 1;
    assert!(lines >= 3, "{lines} lines");
    for slot in &s.slots {
        assert!(
            slot.x >= margin - 0.5 && slot.x + slot.width <= 640.0 - margin + 0.5,
            "{slot:?}"
        );
    }
    for pair in s.slots.windows(2) {
        if pair[0].line == pair[1].line {
            assert!(pair[0].x + pair[0].width < pair[1].x, "{pair:?}");
            assert_eq!(pair[0].y, pair[1].y);
        } else {
            assert_eq!(pair[1].line, pair[0].line + 1);
            assert!(pair[1].y > pair[0].y);
        }
    }
}

#[test]
fn alignment_places_lines() {
    let words = &["one", "two"];
    let (l, _) = layout(
        r#"{"font_size": 30, "margin": 50, "align": "left", "vertical_align": "top"}"#,
        words,
        (640, 360),
    );
    let s = &l.slides[0].slots;
    assert_eq!(s[0].x, 50.0);
    assert_eq!(s[0].y, 50.0);
    let (l, _) = layout(
        r#"{"font_size": 30, "margin": 50, "align": "right", "vertical_align": "bottom"}"#,
        words,
        (640, 360),
    );
    let s = &l.slides[0].slots;
    assert!((s[1].x + s[1].width - 590.0).abs() < 1e-3);
    assert!((s[1].y + s[1].height - 310.0).abs() < 1e-3);
    let (l, _) = layout(r#"{"font_size": 30, "margin": 50}"#, words, (640, 360));
    let s = &l.slides[0].slots;
    let (left, right) = (s[0].x, 640.0 - (s[1].x + s[1].width));
    assert!((left - right).abs() < 1e-3, "{left} vs {right}");
}

#[test]
fn right_to_left_text_starts_at_the_right() {
    let (l, _) = layout(
        r#"{"font_size": 30, "margin": 20}"#,
        &["שלום", "עולם"],
        (640, 360),
    );
    let s = &l.slides[0];
    assert!(s.slots[0].x > s.slots[1].x, "{:?}", s.slots);
    assert!(l.missing_glyphs.is_empty(), "{:?}", l.missing_glyphs);
}

#[test]
fn accents_cyrillic_arabic_shape_with_the_bundled_font() {
    let (l, _) = layout(
        r#"{"font_size": 30}"#,
        &["Crème", "brûlée", "Привет", "مرحبا"],
        (640, 360),
    );
    assert!(l.missing_glyphs.is_empty(), "{:?}", l.missing_glyphs);
    assert!(l.slides[0].glyphs.len() >= 2 * (5 + 6 + 6));
}

#[test]
fn characters_no_font_has_are_reported_once() {
    let (l, _) = layout(
        r#"{"font_size": 30}"#,
        &["a\u{10FFFD}b", "\u{10FFFD}"],
        (640, 360),
    );
    assert_eq!(l.missing_glyphs, vec!['\u{10FFFD}']);
}

#[test]
fn fonts_by_family_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let font =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/DejaVuSans-Bold.ttf");
    let json = format!(
        r#"{{"audio": "a.wav", "style": {{"font": {}}}, "slides": [{{"start": 0, "text": "hello"}}]}}"#,
        serde_json::to_string(&font).unwrap()
    );
    let p = from_json(&json, dir.path(), 10.0);
    assert!(build(&p).is_ok());

    let json = r#"{"audio": "a.wav", "style": {"font": "No Such Family"}, "slides": [{"start": 0, "text": "x"}]}"#;
    let p = from_json(json, dir.path(), 10.0);
    let err = build(&p)
        .err()
        .expect("unknown family is an error")
        .to_string();
    assert!(
        err.contains("style.font: no installed font family is named \"No Such Family\""),
        "{err}"
    );
}

/// Looks that all use one weight need no room for the other: the words are spaced like text.
/// Mixed looks draw bold by thickening the regular glyphs (regular slots) unless the bold face
/// is asked for, which needs slots as wide as the bold word.
#[test]
fn a_single_weight_style_gets_slots_of_that_weight() {
    let regular = r#"{"font_size": 40, "margin": 40,
        "upcoming": {"weight": "regular"}, "current": {"weight": "regular"}, "spoken": {"weight": "regular"}}"#;
    let mixed = r#"{"font_size": 40, "margin": 40, "bold": "font"}"#;
    let synthetic = r#"{"font_size": 40, "margin": 40}"#;
    let bold = r#"{"font_size": 40, "margin": 40,
        "upcoming": {"weight": "bold"}, "current": {"weight": "bold"}, "spoken": {"weight": "bold"}}"#;
    let width = |style: &str| -> f32 {
        let (l, _) = layout(style, &["engineers"], (640, 360));
        l.slides[0].slots[0].width
    };
    let (r, m, b) = (width(regular), width(mixed), width(bold));
    assert!(r < b, "regular {r} narrower than bold {b}");
    assert_eq!(m, b, "mixed looks with the bold face keep the wider slot");
    assert_eq!(width(synthetic), r, "synthetic bold keeps the regular slot");
    let mut fonts = Fonts::new();
    let (_, p) = layout(regular, &["engineers"], (640, 360));
    let faces = fonts.faces(&p.slides[0].style).unwrap();
    let shaped = shape(
        &mut fonts.system,
        "engineers",
        &faces[0],
        Metrics::new(40.0, 50.0),
    );
    assert!((r - shaped.width).abs() < 0.01, "{r} vs {}", shaped.width);
}

/// The safe area keeps text out of its edges (on top of the margin), alignment works inside what
/// is left, and `vertical_offset` moves the whole block without changing it.
#[test]
fn safe_area_and_vertical_offset_place_the_text() {
    let base = r#""font_size": 30, "margin": 20, "safe_area": {"top": 50, "right": 120, "bottom": 100, "left": 10}"#;
    let slots = |extra: &str| {
        let (l, _) = layout(&format!("{{{base}{extra}}}"), SENTENCE, (640, 480));
        l.slides[0].slots.clone()
    };
    for align in ["top", "center", "bottom"] {
        let s = slots(&format!(r#", "vertical_align": "{align}""#));
        let top = s.iter().map(|w| w.y).fold(f32::MAX, f32::min);
        let bottom = s.iter().map(|w| w.y + w.height).fold(f32::MIN, f32::max);
        let left = s.iter().map(|w| w.x).fold(f32::MAX, f32::min);
        let right = s.iter().map(|w| w.x + w.width).fold(f32::MIN, f32::max);
        assert!(
            left >= 30.0 - 0.01 && right <= 640.0 - 140.0 + 0.01,
            "{align}: {left}..{right}"
        );
        assert!(
            top >= 70.0 - 0.01 && bottom <= 480.0 - 120.0 + 0.01,
            "{align}: {top}..{bottom}"
        );
        match align {
            "top" => assert!((top - 70.0).abs() < 0.01),
            "bottom" => assert!((bottom - 360.0).abs() < 0.01),
            _ => assert!(((top + bottom) / 2.0 - 215.0).abs() < 0.01),
        }
    }
    let plain = slots("");
    let moved = slots(r#", "vertical_offset": -25"#);
    for (a, b) in plain.iter().zip(&moved) {
        assert_eq!((a.x, a.width, a.line), (b.x, b.width, b.line));
        assert!((a.y - 25.0 - b.y).abs() < 1e-3);
    }
}

/// Mixed lines follow the Unicode bidirectional algorithm: in a right-to-left slide a run of
/// Latin words (or a number) reads left to right inside it, and in a left-to-right slide an
/// Arabic phrase reads right to left; slots stay in spoken order, so highlighting follows the
/// narration.
#[test]
fn mixed_direction_lines_are_ordered_by_the_bidi_algorithm() {
    let xs = |words: &[&str]| -> Vec<f32> {
        let (l, _) = layout(r#"{"font_size": 20, "margin": 10}"#, words, (1200, 200));
        let s = &l.slides[0].slots;
        assert!(s.iter().all(|w| w.line == 0), "one line");
        s.iter().map(|w| w.x).collect()
    };
    // "Hello world" inside an Arabic sentence, then the year 2024.
    let x = xs(&["مرحبا", "hello", "world", "بالعالم", "2024", "اليوم"]);
    assert!(
        x[0] > x[1],
        "the first (Arabic) word is rightmost of the pair: {x:?}"
    );
    assert!(x[1] < x[2], "Latin run reads left to right: {x:?}");
    assert!(x[3] < x[1], "the Arabic after the run is left of it: {x:?}");
    assert!(x[5] < x[4] && x[4] < x[3], "{x:?}");
    // An Arabic phrase inside an English sentence.
    let x = xs(&["I", "said", "مرحبا", "بالعالم", "today"]);
    assert!(
        x[0] < x[1] && x[1] < x[3] && x[3] < x[2] && x[2] < x[4],
        "{x:?}"
    );
}

/// Lines end only where UAX #14 allows: never before a closing mark ("。", "」") or after an
/// opening one ("「"), whatever the room; every word is on exactly one line, in order.
#[test]
fn lines_break_only_where_uax14_allows() {
    let words = [
        "我们", "今天", "学习", "。", "「", "机器", "」", "学习", "。",
    ];
    let breaks = crate::segment::breaks(&words);
    let widths = [100.0f32; 9];
    let gaps = [0.0f32; 8];
    for room in [150.0, 250.0, 350.0, 450.0, 1000.0] {
        let lines = super::wrap(&widths, &gaps, &breaks, room);
        let mut next = 0;
        for &(first, end, w) in &lines {
            assert_eq!(first, next, "room {room}: {lines:?}");
            assert!(
                !["。", "」"].contains(&words[first]),
                "room {room}: {lines:?}"
            );
            assert_ne!(words[end - 1], "「", "room {room}: {lines:?}");
            assert_eq!(w, 100.0 * (end - first) as f32);
            next = end;
        }
        assert_eq!(next, words.len());
    }
    // Latin breaks at every space, as before.
    let latin = super::wrap(&[100.0; 4], &[20.0; 3], &[true; 3], 230.0);
    assert_eq!(latin, [(0, 2, 220.0), (2, 4, 220.0)]);
}

/// Every script the bundled fonts promise is drawn from them, not from the machine's fonts:
/// each glyph's face is built into the binary or lies in the bundled font folder.
#[test]
fn every_script_is_drawn_from_the_bundled_fonts() {
    let dir = font_dir().expect("the source tree's assets/fonts is found");
    let samples = [
        ("Latin", "Façade"),
        ("Greek", "Καλημέρα"),
        ("Cyrillic", "Привет"),
        ("Arabic", "مرحبا"),
        ("Hebrew", "שלום"),
        ("Devanagari", "नमस्ते"),
        ("Chinese", "机器学习"),
        ("Japanese", "こんにちは"),
        ("Korean", "안녕하세요"),
        ("emoji", "🚀🎉👍🏽🇫🇷"),
    ];
    let mut fonts = Fonts::new();
    let (_, p) = layout(r#"{"font_size": 30}"#, &["x"], (640, 360));
    let faces = fonts.faces(&p.slides[0].style).unwrap();
    for (script, text) in samples {
        for face in &faces {
            let shaped = shape(&mut fonts.system, text, face, Metrics::new(30.0, 36.0));
            assert!(!shaped.glyphs.is_empty(), "{script}");
            for g in &shaped.glyphs {
                assert_ne!(g.glyph_id, 0, "{script}: {text} has a missing glyph");
                let source = &fonts.system.db().face(g.font_id).unwrap().source;
                let bundled = match source {
                    fontdb::Source::Binary(_) => true,
                    fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => {
                        path.starts_with(&dir)
                    }
                };
                assert!(bundled, "{script}: {text} drawn from {source:?}");
            }
        }
    }
}
