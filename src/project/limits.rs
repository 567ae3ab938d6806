//! The largest projects gpucast takes: far beyond any real lecture, small enough that nothing
//! is exhausted before an error can be given. Each is checked before anything of that size is
//! allocated.

/// Project file size.
pub const PROJECT_BYTES: u64 = 256 << 20;
/// A font file's size (the largest CJK collections are about 120 MB).
pub const FONT_BYTES: u64 = 256 << 20;
/// Frame width and height, in pixels.
pub const SIDE: i64 = 8192;
/// Video (audio) length, in seconds: 24 hours.
/// Layers a project may draw (each held once at its size, flattened into one frame-size image).
pub const LAYERS: usize = 64;
pub const DURATION: f64 = 24.0 * 3600.0;
/// Slides in a project.
pub const SLIDES: usize = 100_000;
/// The distinct backgrounds, fitted at output size, together (16 at 1920x1080): they are
/// held in memory and in one GPU storage buffer, whose size adapters limit to 128 MiB.
pub const BACKGROUND_BYTES: u64 = 128 << 20;
/// Characters in a word's `speaker`.
pub const SPEAKER_CHARS: usize = 100;
/// Words in a project.
pub const WORDS: usize = 1_000_000;
/// Characters in one word, and in one slide's `text`.
pub const WORD_CHARS: usize = 1_000;
pub const TEXT_CHARS: usize = 100_000;
/// Outline width, shadow offset and blur, in pixels.
pub const EFFECT: f64 = 200.0;
/// `font_size` in pixels, and `line_height` as a multiple of it.
pub const FONT_SIZE: (f64, f64) = (1.0, 2000.0);
pub const LINE_HEIGHT: (f64, f64) = (0.1, 10.0);
/// Background image width and height, and pixels in all (a 16K photo is 16384 x 9216).
pub const IMAGE_SIDE: u32 = 16384;
pub const IMAGE_PIXELS: u64 = 16384 * 16384;

/// Decoder limits for a background image: a file that claims more (a decompression bomb)
/// is an error before its pixels are allocated.
pub fn image() -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(IMAGE_SIDE);
    l.max_image_height = Some(IMAGE_SIDE);
    l.max_alloc = Some(IMAGE_PIXELS * 4 + (64 << 20));
    l
}
