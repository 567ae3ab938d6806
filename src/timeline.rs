//! Frame planning: which slide, which word states and which fade level every frame shows.
//!
//! Frame i shows time i / fps. A change at time s first shows on frame ceil(s × fps), computed
//! with exact rational fps and a 1 µs tolerance so that decimal timings land on the frame they
//! name. Consecutive frames with equal keys collapse into runs; each run is drawn once.

use crate::project::{Fps, Project, TIME_EPSILON};

/// The state of one word at one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum WordState {
    Upcoming = 0,
    Current = 1,
    Spoken = 2,
}

/// The background a frame shows, as indices into `Scene::backgrounds`: `to` over `from` at
/// `mix` / 255 while a slide's own background fades in; otherwise one background
/// (`from == to`, `mix == 255`), so that equal pictures have equal keys. A video background
/// also names the clip's frame it shows (0 for a still).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Backdrop {
    pub from: u16,
    pub to: u16,
    pub mix: u8,
    pub from_frame: u32,
    pub to_frame: u32,
}

impl Backdrop {
    pub const fn only(background: u16) -> Backdrop {
        Backdrop::only_at(background, 0)
    }

    pub const fn only_at(background: u16, frame: u32) -> Backdrop {
        Backdrop {
            from: background,
            to: background,
            mix: 255,
            from_frame: frame,
            to_frame: frame,
        }
    }

    fn fading(from: (u16, u32), to: (u16, u32), mix: u8) -> Backdrop {
        match mix {
            _ if from == to => Backdrop::only_at(to.0, to.1),
            0 => Backdrop::only_at(from.0, from.1),
            255 => Backdrop::only_at(to.0, to.1),
            _ => Backdrop {
                from: from.0,
                to: to.0,
                mix,
                from_frame: from.1,
                to_frame: to.1,
            },
        }
    }

    /// The (background, clip frame) pairs it shows.
    pub fn layers(&self) -> impl Iterator<Item = (u16, u32)> {
        let from = (self.from, self.from_frame);
        let to = (self.to, self.to_frame);
        std::iter::once(to).chain((from != to).then_some(from))
    }
}

/// Everything that decides a frame's pixels. Equal keys draw identical frames.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FrameKey {
    /// The background and layers, no text: outside every slide, or a slide's text fully faded
    /// out.
    Blank {
        backdrop: Backdrop,
        layers: LayerValues,
    },
    Slide {
        backdrop: Backdrop,
        layers: LayerValues,
        slide: usize,
        /// Text opacity, 0 (never stored: that is `Blank`) to 255.
        fade: u8,
        states: Vec<WordState>,
        /// The current word being wiped (karaoke fill), when its look asks for it.
        wipe: Option<Wipe>,
        /// The current word growing to its look's `scale`; None once grown (or without one).
        pop: Option<Pop>,
        /// The current word's box on its way from the word before: `step` eighths of the way
        /// (the same easing as the pop); None once there (or without a gliding box).
        glide: Option<Pop>,
    },
}

/// What the scene's live layers show in a frame (`layers::Motion`): empty where there are none.
pub type LayerValues = Vec<u16>;

/// How far the current word has popped (or its box glided): `step` of `project::POP_STEPS`
/// (0: its own size; the word before's place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pop {
    pub word: u32,
    pub step: u32,
}

/// The pop step `since` seconds after a word became current, easing out over `pop` seconds;
/// None once it is fully grown.
fn pop_step(since: f64, pop: f64) -> Option<u32> {
    let p = if pop <= 0.0 {
        1.0
    } else {
        (since / pop).clamp(0.0, 1.0)
    };
    let eased = 1.0 - (1.0 - p) * (1.0 - p);
    let step = (eased * crate::project::POP_STEPS as f64).round() as u32;
    (step < crate::project::POP_STEPS).then_some(step)
}

impl FrameKey {
    pub fn backdrop(&self) -> Backdrop {
        match self {
            FrameKey::Blank { backdrop, .. } | FrameKey::Slide { backdrop, .. } => *backdrop,
        }
    }

    /// The live layers' values.
    pub fn layers(&self) -> &[u16] {
        match self {
            FrameKey::Blank { layers, .. } | FrameKey::Slide { layers, .. } => layers,
        }
    }

    /// What the frame shows over its backdrop: None for a blank frame.
    pub fn text(&self) -> Option<SlideText<'_>> {
        match self {
            FrameKey::Blank { .. } => None,
            FrameKey::Slide {
                slide,
                fade,
                states,
                wipe,
                pop,
                glide,
                ..
            } => Some(SlideText {
                slide: *slide,
                fade: *fade,
                states,
                wipe: *wipe,
                pop: *pop,
                glide: *glide,
            }),
        }
    }
}

/// A slide frame's text, as its `FrameKey` holds it: what both renderers draw over the
/// backdrop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlideText<'a> {
    pub slide: usize,
    pub fade: u8,
    pub states: &'a [WordState],
    pub wipe: Option<Wipe>,
    pub pop: Option<Pop>,
    pub glide: Option<Pop>,
}

/// How far a wiped word is filled: `px` whole pixels from its slot's left edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wipe {
    pub word: u32,
    pub px: u32,
}

/// A stretch of consecutive frames that all show the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub start_frame: u64,
    pub frames: u64,
    pub key: FrameKey,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    pub fps: Fps,
    pub frame_count: u64,
    pub runs: Vec<Run>,
}

impl Timeline {
    pub fn distinct_frames(&self) -> usize {
        self.runs.len()
    }

    /// How long the distinct frames stay on screen: the mean over them of log2 of the frames
    /// each is shown, counting up to one second's worth (0 when every frame differs, about 2
    /// for a lecture's word-by-word highlight at 30 fps, log2 of the rate for still slides).
    /// An encoder told each frame's duration spends bits by it; this says how much it will.
    pub fn stills(&self) -> f64 {
        if self.runs.is_empty() {
            return 0.0;
        }
        let second = self.fps.as_f64().round().max(1.0);
        let sum: f64 = self
            .runs
            .iter()
            .map(|r| (r.frames.max(1) as f64).min(second).log2())
            .sum();
        sum / self.runs.len() as f64
    }

    /// Frames `frames` only (a shard's part): the runs that overlap them, cut to fit, still
    /// numbered as in the whole video.
    pub fn part(&self, frames: std::ops::Range<u64>) -> Timeline {
        let runs = self
            .runs
            .iter()
            .filter_map(|r| {
                let start = r.start_frame.max(frames.start);
                let end = (r.start_frame + r.frames).min(frames.end);
                (start < end).then(|| Run {
                    start_frame: start,
                    frames: end - start,
                    key: r.key.clone(),
                })
            })
            .collect();
        Timeline {
            fps: self.fps,
            frame_count: frames.end.min(self.frame_count) - frames.start.min(self.frame_count),
            runs,
        }
    }

    /// The run (distinct frame) that frame `frame` belongs to.
    pub fn run_at(&self, frame: u64) -> Option<usize> {
        let i = self
            .runs
            .partition_point(|r| r.start_frame + r.frames <= frame);
        self.runs
            .get(i)
            .is_some_and(|r| r.start_frame <= frame)
            .then_some(i)
    }

    /// The key of one frame (for `gpucast frame`).
    pub fn key_at(&self, frame: u64) -> Option<&FrameKey> {
        self.run_at(frame).map(|i| &self.runs[i].key)
    }
}

/// The first frame that shows a change happening at `t` seconds: ceil(t × fps).
pub fn first_frame_at(t: f64, fps: Fps) -> u64 {
    let x = t * fps.num as f64 / fps.den as f64;
    // Decimal timings rarely multiply exactly (0.3 × 30 = 9.000000000000002).
    let eps = TIME_EPSILON * fps.as_f64();
    (x - eps).ceil().max(0.0) as u64
}

/// The time frame `i` shows.
pub fn frame_time(i: u64, fps: Fps) -> f64 {
    i as f64 * fps.den as f64 / fps.num as f64
}

/// What the timeline needs of where a word was laid out: its slot's width turns a wiped word's
/// progress into whole pixels (so that frames that would draw alike share one key), and its
/// line tells whether a box can glide to it from the word before. Layout decides it; the caller
/// passes it in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordPlace {
    pub width: f32,
    pub line: u32,
}

/// Plans every frame of the project; `slot(slide, word)` is where layout placed a word, and
/// `layers(frame, values)` gives what its live layers show.
pub fn plan(
    project: &Project,
    slot: &dyn Fn(usize, usize) -> WordPlace,
    layers: &dyn Fn(u64, &mut LayerValues),
) -> Timeline {
    let fps = project.fps;
    let frame_count = project.frame_count();
    let mut runs: Vec<Run> = Vec::new();
    let mut push = |frame: u64, key: FrameKey| match runs.last_mut() {
        Some(last) if last.key == key => last.frames += 1,
        _ => runs.push(Run {
            start_frame: frame,
            frames: 1,
            key,
        }),
    };

    // Frame ranges of each slide and of each word's states, computed once.
    struct SlideFrames {
        first: u64,
        end: u64,
        words: Vec<(u64, u64)>,
    }
    let slides: Vec<SlideFrames> = project
        .slides
        .iter()
        .map(|s| SlideFrames {
            first: first_frame_at(s.start, fps),
            end: first_frame_at(s.end, fps),
            words: s
                .words
                .iter()
                .map(|w| (first_frame_at(w.start, fps), first_frame_at(w.end, fps)))
                .collect(),
        })
        .collect();

    // Which background each slide shows; a slide's shows from its first frame until the next
    // slide's, fading in over the slide before's for its style's `background_fade`. The video
    // opens on the first slide's. A clip plays from the frame its background comes on screen,
    // on through the slides in a row that share it.
    let (backgrounds, slide_bg) = project.backgrounds();
    let since: Vec<u64> = (0..slides.len())
        .scan(0u64, |clock, k| {
            if k > 0 && slide_bg[k] != slide_bg[k - 1] {
                *clock = slides[k].first;
            }
            Some(*clock)
        })
        .collect();
    let clip_frame = |bg: u16, since: u64, frame: u64| -> (u16, u32) {
        match backgrounds[bg as usize] {
            crate::project::Background::Video(v) => (
                bg,
                v.frame_at(frame_time(frame - since.min(frame), fps)) as u32,
            ),
            _ => (bg, 0),
        }
    };
    let layer = |k: usize, frame: u64| clip_frame(slide_bg[k], since[k], frame);
    let mut shown = 0; // slides whose first frame has come
    let mut slide_i = 0;
    let mut values = LayerValues::new();
    for frame in 0..frame_count {
        layers(frame, &mut values);
        while shown < slides.len() && slides[shown].first <= frame {
            shown += 1;
        }
        let backdrop = match shown.checked_sub(1) {
            None if slides.is_empty() => {
                let (bg, clip_frame) = clip_frame(0, 0, frame);
                Backdrop::only_at(bg, clip_frame)
            }
            None | Some(0) => {
                let (bg, clip_frame) = layer(0, frame);
                Backdrop::only_at(bg, clip_frame)
            }
            Some(k) => {
                let before = layer(k - 1, frame);
                let slide = &project.slides[k];
                let fade = slide.style.background_fade;
                let a = if fade <= 0.0 {
                    1.0
                } else {
                    ((frame_time(frame, fps) - slide.start) / fade).clamp(0.0, 1.0)
                };
                Backdrop::fading(before, layer(k, frame), (a * 255.0).round() as u8)
            }
        };
        while slide_i < slides.len() && slides[slide_i].end <= frame {
            slide_i += 1;
        }
        let key = match slides.get(slide_i) {
            Some(sf) if sf.first <= frame => {
                let slide = &project.slides[slide_i];
                let fade = fade_level(slide.start, slide.end, slide.style.fade, frame, fps);
                if fade == 0 {
                    FrameKey::Blank {
                        backdrop,
                        layers: values.clone(),
                    }
                } else {
                    let states: Vec<WordState> = sf
                        .words
                        .iter()
                        .map(|&(s, e)| {
                            if frame < s {
                                WordState::Upcoming
                            } else if frame < e {
                                WordState::Current
                            } else {
                                WordState::Spoken
                            }
                        })
                        .collect();
                    // Only the first current word wipes, pops or glides, as its looks say.
                    let first = states.iter().position(|s| *s == WordState::Current);
                    let current =
                        first.map(|w| (w, slide.looks_of(w)[WordState::Current as usize]));
                    let since = |w: usize| frame_time(frame, fps) - slide.words[w].start;
                    let wipe = current.filter(|(_, l)| l.wipe).map(|(w, _)| {
                        let word = &slide.words[w];
                        let t = frame_time(frame, fps);
                        let p =
                            ((t - word.start) / (word.end - word.start).max(1e-9)).clamp(0.0, 1.0);
                        Wipe {
                            word: w as u32,
                            px: (p * slot(slide_i, w).width as f64).floor() as u32,
                        }
                    });
                    // The pop and an entrance take the same steps, over their own time.
                    let grows = |l: &crate::project::Look| match l.enter {
                        Some(e) => Some(e.seconds as f64),
                        None => (l.scale != 1.0).then_some(slide.style.pop),
                    };
                    let pop = current.and_then(|(w, l)| Some((w, grows(&l)?))).and_then(
                        |(w, seconds)| {
                            pop_step(since(w), seconds).map(|step| Pop {
                                word: w as u32,
                                step,
                            })
                        },
                    );
                    let glide = current.and_then(|(w, l)| match l.word_box {
                        Some(b)
                            if b.glide > 0.0
                                && w > 0
                                && slot(slide_i, w - 1).line == slot(slide_i, w).line =>
                        {
                            pop_step(since(w), b.glide as f64).map(|step| Pop {
                                word: w as u32,
                                step,
                            })
                        }
                        _ => None,
                    });
                    FrameKey::Slide {
                        backdrop,
                        layers: values.clone(),
                        slide: slide_i,
                        fade,
                        states,
                        wipe,
                        pop,
                        glide,
                    }
                }
            }
            _ => FrameKey::Blank {
                backdrop,
                layers: values.clone(),
            },
        };
        push(frame, key);
    }
    Timeline {
        fps,
        frame_count,
        runs,
    }
}

/// Text opacity at a frame: linear in over `fade` s after start, out over `fade` s before end.
fn fade_level(start: f64, end: f64, fade: f64, frame: u64, fps: Fps) -> u8 {
    if fade <= 0.0 {
        return 255;
    }
    let t = frame_time(frame, fps);
    let a = ((t - start) / fade).min((end - t) / fade).clamp(0.0, 1.0);
    (a * 255.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{AudioInfo, Background, FontChoice, Look, Slide, Style, TextBlock, Word};

    /// Every word laid out 100 px wide on one line.
    fn slot100(_: usize, _: usize) -> WordPlace {
        WordPlace {
            width: 100.0,
            line: 0,
        }
    }

    fn style(fade: f64) -> Style {
        let look = Look {
            bold: false,
            color: [255; 4],
            outline: None,
            shadow: None,
            word_box: None,
            wipe: false,
            scale: 1.0,
            hidden: false,
            enter: None,
        };
        Style {
            font: FontChoice::Bundled,
            bold_font: None,
            synthetic_bold: false,
            font_size: 20.0,
            line_height: 1.25,
            margin: 10.0,
            safe_area: [0.0; 4],
            vertical_offset: 0.0,
            align: crate::project::Align::Center,
            vertical_align: crate::project::Align::Center,
            looks: [look; 3],
            fade,
            background_fade: 0.5,
            pop: 0.12,
            uppercase: false,
            line_chars: None,
            label: TextBlock {
                font_size: 6.0,
                look,
                above: true,
            },
            translation: TextBlock {
                font_size: 7.0,
                look,
                above: false,
            },
            field: "style".into(),
        }
    }

    fn project(fps: Fps, duration: f64, slides: Vec<SlideTimes>, fade: f64) -> Project {
        Project {
            width: 64,
            height: 36,
            fps,
            audio: "a.wav".into(),
            audio_info: AudioInfo {
                duration,
                sample_rate: 48000,
                channels: 1,
                damage: None,
            },
            background: Background::Color([0, 0, 0]),
            music: None,
            layers: Vec::new(),
            slides: slides
                .into_iter()
                .map(|(start, end, words)| Slide {
                    start,
                    end,
                    words: words
                        .into_iter()
                        .map(|(s, e)| Word {
                            text: "w".into(),
                            start: s,
                            end: e,
                            speaker: None,
                            confidence: None,
                            looks: None,
                        })
                        .collect(),
                    style: style(fade),
                    background: None,
                    label: None,
                    translation: None,
                })
                .collect(),
            warnings: vec![],
        }
    }

    /// (start, end, [(word start, word end)])
    type SlideTimes = (f64, f64, Vec<(f64, f64)>);

    const FPS30: Fps = Fps { num: 30, den: 1 };

    const BLANK: FrameKey = FrameKey::Blank {
        backdrop: Backdrop::only(0),
        layers: Vec::new(),
    };

    fn states_at(t: &Timeline, frame: u64) -> Option<Vec<WordState>> {
        match t.key_at(frame)? {
            FrameKey::Blank { .. } => None,
            FrameKey::Slide { states, .. } => Some(states.clone()),
        }
    }

    #[test]
    fn ceil_rule_on_decimal_times() {
        assert_eq!(first_frame_at(0.3, FPS30), 9);
        assert_eq!(first_frame_at(0.30001, FPS30), 10);
        assert_eq!(first_frame_at(0.0, FPS30), 0);
        assert_eq!(first_frame_at(1.0 / 30.0, FPS30), 1);
        assert_eq!(first_frame_at(0.034, FPS30), 2);
    }

    #[test]
    fn word_changes_on_ceil_frame() {
        let p = project(
            FPS30,
            2.0,
            vec![(0.0, 2.0, vec![(0.3, 0.62), (0.66, 1.1)])],
            0.0,
        );
        let t = plan(&p, &slot100, &|_, _| {});
        assert_eq!(t.frame_count, 60);
        use WordState::*;
        assert_eq!(states_at(&t, 8).unwrap(), vec![Upcoming, Upcoming]);
        assert_eq!(states_at(&t, 9).unwrap(), vec![Current, Upcoming]);
        // 0.62 × 30 = 18.6 -> frame 19
        assert_eq!(states_at(&t, 18).unwrap(), vec![Current, Upcoming]);
        assert_eq!(states_at(&t, 19).unwrap(), vec![Spoken, Upcoming]);
        // 0.66 × 30 = 19.8 -> frame 20; 1.1 × 30 = 33 -> frame 33
        assert_eq!(states_at(&t, 20).unwrap(), vec![Spoken, Current]);
        assert_eq!(states_at(&t, 32).unwrap(), vec![Spoken, Current]);
        assert_eq!(states_at(&t, 33).unwrap(), vec![Spoken, Spoken]);
        // runs: [0,9) [9,19) [19,20) [20,33) [33,60)
        let starts: Vec<u64> = t.runs.iter().map(|r| r.start_frame).collect();
        assert_eq!(starts, vec![0, 9, 19, 20, 33]);
        assert_eq!(t.runs.iter().map(|r| r.frames).sum::<u64>(), 60);
    }

    #[test]
    fn fractional_fps() {
        let fps = Fps {
            num: 30000,
            den: 1001,
        };
        let p = project(fps, 10.0, vec![(0.0, 10.0, vec![(1.0, 2.0)])], 0.0);
        let t = plan(&p, &slot100, &|_, _| {});
        // round(10 × 29.97002997) = 300
        assert_eq!(t.frame_count, 300);
        // 1.0 s × 29.97 = 29.97 -> frame 30; frame 29 shows t = 0.9676 s
        assert_eq!(states_at(&t, 29).unwrap(), vec![WordState::Upcoming]);
        assert_eq!(states_at(&t, 30).unwrap(), vec![WordState::Current]);
        // 2.0 × 29.97 = 59.94 -> frame 60
        assert_eq!(states_at(&t, 59).unwrap(), vec![WordState::Current]);
        assert_eq!(states_at(&t, 60).unwrap(), vec![WordState::Spoken]);
    }

    #[test]
    fn gaps_between_slides_are_blank() {
        let p = project(
            FPS30,
            4.0,
            vec![(0.5, 1.5, vec![(0.6, 0.8)]), (2.0, 4.0, vec![(2.1, 2.5)])],
            0.0,
        );
        let t = plan(&p, &slot100, &|_, _| {});
        assert_eq!(t.key_at(14), Some(&BLANK));
        assert!(matches!(
            t.key_at(15),
            Some(FrameKey::Slide { slide: 0, .. })
        ));
        assert!(matches!(
            t.key_at(44),
            Some(FrameKey::Slide { slide: 0, .. })
        ));
        assert_eq!(t.key_at(45), Some(&BLANK));
        assert_eq!(t.key_at(59), Some(&BLANK));
        assert!(matches!(
            t.key_at(60),
            Some(FrameKey::Slide { slide: 1, .. })
        ));
        assert_eq!(t.key_at(120), None);
    }

    #[test]
    fn fades_in_and_out_linearly() {
        // fade 0.1 s = 3 frames at 30 fps
        let p = project(FPS30, 2.0, vec![(0.0, 1.0, vec![(0.5, 0.6)])], 0.1);
        let t = plan(&p, &slot100, &|_, _| {});
        let fade = |f| match t.key_at(f) {
            Some(FrameKey::Slide { fade, .. }) => *fade,
            _ => 0,
        };
        assert_eq!(t.key_at(0), Some(&BLANK), "fully transparent at start");
        assert_eq!(fade(1), 85);
        assert_eq!(fade(2), 170);
        assert_eq!(fade(3), 255);
        assert_eq!(fade(26), 255);
        assert_eq!(fade(27), 255);
        assert_eq!(fade(28), 170);
        assert_eq!(fade(29), 85);
        assert_eq!(t.key_at(30), Some(&BLANK));
    }

    #[test]
    fn runs_cover_every_frame_once() {
        let p = project(
            FPS30,
            3.0,
            vec![
                (0.0, 1.5, vec![(0.1, 0.5), (0.5, 1.0)]),
                (1.5, 3.0, vec![(1.6, 2.0)]),
            ],
            0.25,
        );
        let t = plan(&p, &slot100, &|_, _| {});
        let mut next = 0;
        for r in &t.runs {
            assert_eq!(r.start_frame, next);
            assert!(r.frames > 0);
            next += r.frames;
        }
        assert_eq!(next, t.frame_count);
        for w in t.runs.windows(2) {
            assert_ne!(w[0].key, w[1].key, "adjacent runs must differ");
        }
    }

    #[test]
    fn stills_count_each_distinct_frame_up_to_a_second() {
        let p = project(FPS30, 3.0, vec![(0.0, 3.0, vec![(0.1, 0.5)])], 0.0);
        let mut t = plan(&p, &slot100, &|_, _| {});
        let key = t.runs[0].key.clone();
        let run = |start_frame, frames| Run {
            start_frame,
            frames,
            key: key.clone(),
        };
        // Shown 1, 4 and 90 frames: 0, 2 and log2(30) (a second's worth at most).
        t.runs = vec![run(0, 1), run(1, 4), run(5, 90)];
        assert!((t.stills() - (0.0 + 2.0 + 30f64.log2()) / 3.0).abs() < 1e-12);
        t.runs.clear();
        assert_eq!(t.stills(), 0.0);
    }
}
