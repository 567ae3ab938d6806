// gpucast frame shader: draws every frame of a batch straight into YUV 4:2:0 planes.
//
// One invocation owns an 8x2 pixel block of one frame (z = frame in the batch), so that its Y rows
// are two whole u32 words each and its 4 U and 4 V samples are one word each: every store is a
// plain u32 store, no atomics. Rows are `params.stride` bytes (the width rounded up to 8); the
// CPU crops the padding when it copies frames out.
//
// Per pixel it reproduces the CPU renderer (src/render/cpu.rs) bit for bit, as far as f32
// arithmetic allows: background, the live layers under the text (src/layers/draw.rs, in
// integers), then each glyph bitmap of the pixel's tile in scene order that
// its word's state draws (in the colour of its layer in that state's look), composited like tiny-skia's high-precision pipeline (premultiplied
// sprite value from integer div255, times opacity in f32, source-over, rounded back to u8 after
// every glyph), the live layers above the text, then RGB -> YUV with the integer formula of src/render/color.rs.
//
// Every struct here is mirrored by a #[repr(C)] struct in src/render/gpu/mod.rs: keep in sync.

struct Params {
    width: u32,
    height: u32,
    // Bytes per Y row in `out`: width rounded up to a multiple of 8.
    stride: u32,
    tiles_x: u32,
    atlas_width: u32,
    // Bytes per frame in `out`: stride * height * 3 / 2.
    frame_bytes: u32,
    // 1/255 as computed in f32 on the CPU, exactly tiny-skia's normalisation factor.
    inv255: f32,
    // MODE_RGBA: write straight RGBA (stride * height * 4 bytes a frame) rather than YUV;
    // MODE_TRANSPARENT: start from nothing rather than the background.
    mode: u32,
    // Where the colour atlas starts in `atlas`, in words.
    color_base: u32,
    // Where the live layers' table starts in `background`, in words, and how many there are.
    layers_at: u32,
    layer_count: u32,
    _pad0: u32,
}

// Keep in sync with `scene::GlyphInstance`.
struct GlyphInstance {
    x: i32,
    y: i32,
    atlas_x: u32,
    atlas_y: u32,
    width: u32,
    height: u32,
    word: u32,
    // Bits 0-2: the word states (0 upcoming, 1 current, 2 spoken) that draw it; bit 3: steady
    // (its word never pops: drawn at any pop step); bits 8-9: its layer (0 fill, 1 outline,
    // 2 shadow, 3 box); bit 10: solid (coverage 255, no atlas texel); bits 11-14: the pop or
    // glide step; bit 15: a colour glyph's fill (colour atlas); bits 16-31: its looks.
    paint: u32,
}

struct SlideInfo {
    // Where this slide's tile table starts in `tiles`.
    tile_base: u32,
    // Where its looks' colours start in `tiles`: RGBA8 (r in the low byte) per look, layer and
    // state, tiles[look_base + look * 12 + layer * 3 + state].
    look_base: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
// The scene's opaque RGBA8 backgrounds one after another, one u32 per pixel (r in the low
// byte), width x height each.
@group(0) @binding(1) var<storage, read> background: array<u32>;
// A8 glyph atlas, 4 texels per u32 (first texel in the low byte), atlas_width texels per row;
// then, from word `color_base`, the colour atlas: premultiplied RGBA8 texels (r in the low
// byte), atlas_width per row.
@group(0) @binding(2) var<storage, read> atlas: array<u32>;
// The glyph instances of every slide, concatenated.
@group(0) @binding(3) var<storage, read> glyphs: array<GlyphInstance>;
// Per slide at `tile_base`: tiles_x * tiles_y + 1 absolute offsets into this same array, then the
// glyph lists they delimit (indices into `glyphs`, ascending = drawing order); then at
// `look_base` the colours of the slide's looks.
@group(0) @binding(4) var<storage, read> tiles: array<u32>;
@group(0) @binding(5) var<storage, read> slides: array<SlideInfo>;
// Per frame of the batch, 15 words: slide, fade (0 = blank frame: background only), opacity
// (f32 bits), offset of its word states (2 bits per word, 16 words per u32) in this same array,
// the wiped word (0xffffffff: none), the column (i32 bits) from which it shows its upcoming
// look rather than its current one, and the backdrop: where the background faded from and the
// one faded to start in `background` or `video` (in pixels), and how far, 0 to 255 (255: `to`
// alone); then the popping word (0xffffffff: none), its pop step, and the step other current
// words draw at; then the word whose box glides (0xffffffff: none) and 1 + its glide step;
// then where the frame's live layer values start in this same array (one word each).
@group(0) @binding(6) var<storage, read> frames: array<u32>;
@group(0) @binding(7) var<storage, read_write> out: array<u32>;
// The video backgrounds' frames this batch shows, opaque RGBA8 like `background`, uploaded per
// batch. A backdrop offset with VIDEO_LAYER set points here.
@group(0) @binding(8) var<storage, read> video: array<u32>;
const VIDEO_LAYER: u32 = 0x80000000u;

// Pixel `p` of the backdrop layer starting at `base`.
fn layer_pixel(base: u32, p: u32) -> u32 {
    if (base & VIDEO_LAYER) != 0u {
        return video[(base & ~VIDEO_LAYER) + p];
    }
    return background[base + p];
}

const TILE: u32 = 16u;
// Words per frame header in `frames`: keep in sync with tables::HEADER_WORDS.
const HEADER: u32 = 15u;
// Words per live layer in the table at `params.layers_at` (src/render/gpu/tables.rs,
// `layer_table`): kind | above << 8, x, y, width, height (x, y as i32 bits), where its values
// start, its picture (in `background`, in words) or colour, its track's colour, then a
// waveform's bars, pitch, bar width, lead and thickness.
const LAYER_WORDS: u32 = 16u;
const PICTURE: u32 = 0u;
const PROGRESS: u32 = 1u;
const BARS: u32 = 2u;
const MIRROR: u32 = 3u;
const LINE: u32 = 4u;
// `paint` bit of box bodies: full coverage over the instance, no atlas texel.
const STEADY: u32 = 8u;
const SOLID: u32 = 1024u;
// `paint` bit of colour glyphs' fills: their own premultiplied colour from the colour atlas.
const COLOR: u32 = 32768u;
const BLOCK_W: u32 = 8u;
// Keep in sync with tables::MODE_*.
const MODE_RGBA: u32 = 1u;
const MODE_TRANSPARENT: u32 = 2u;

// BT.709 limited range, 16.16 fixed point: keep in sync with src/render/color.rs.
const KY = vec3<i32>(11966, 40254, 4064);
const KU = vec3<i32>(-6595, -22189, 28784);
const KV = vec3<i32>(28784, -26145, -2639);

fn div255(x: u32) -> u32 {
    return (x + 127u) / 255u;
}

fn atlas_texel(x: u32, y: u32) -> u32 {
    let i = y * params.atlas_width + x;
    return (atlas[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu;
}

fn unpack(p: u32) -> vec3<u32> {
    return vec3<u32>(p & 0xffu, (p >> 8u) & 0xffu, (p >> 16u) & 0xffu);
}

// tiny-skia's store: clamp to [0, 1], scale, round half to even (cvtps2dq).
fn unnorm(v: vec3<f32>) -> vec3<u32> {
    return vec3<u32>(round(clamp(v, vec3<f32>(0.0), vec3<f32>(1.0)) * 255.0));
}

fn luma(c: vec3<u32>) -> u32 {
    let y = dot(KY, vec3<i32>(c));
    return u32(16 + ((y + 32768) >> 16u));
}

fn chroma_round(x: i32) -> u32 {
    return u32(clamp(128 + ((x + (1 << 17u)) >> 18u), 0, 255));
}

// Straight RGBA8 as premultiplied colour (xyz) and alpha (w).
fn solid(c: u32) -> vec4<u32> {
    let a = c >> 24u;
    let rgb = unpack(c);
    return vec4<u32>(div255(rgb.x * a), div255(rgb.y * a), div255(rgb.z * a), a);
}

// The line's row at column `lx`, as layers::draw's `line_y`.
fn line_y(t: u32, lx: i32, height: i32, vals: u32) -> i32 {
    let bars = i32(background[t + 8u]);
    let pitch = i32(background[t + 9u]);
    let first = i32(background[t + 11u]) + pitch / 2;
    var i = 0;
    var f = 0;
    if lx <= first {
        i = 0;
    } else {
        i = (lx - first) / pitch;
        f = (lx - first) % pitch;
    }
    if i >= bars - 1 {
        i = bars - 1;
        f = 0;
    }
    let at = vals + 1u;
    let v0 = i32(frames[at + u32(i)]);
    let p0 = height / 2 + select(v0, -v0, i % 2 == 0);
    if f == 0 {
        return p0;
    }
    let v1 = i32(frames[at + u32(i + 1)]);
    let p1 = height / 2 + select(v1, -v1, (i + 1) % 2 == 0);
    return p0 + (p1 - p0) * f / pitch;
}

// Layer `t`'s premultiplied colour and alpha at (lx, ly) inside it, as layers::draw's `source`.
fn layer_source(t: u32, lx: i32, ly: i32, vals: u32) -> vec4<u32> {
    let kind = background[t] & 0xffu;
    let width = i32(background[t + 3u]);
    let height = i32(background[t + 4u]);
    if kind == PICTURE {
        let p = background[background[t + 6u] + u32(ly * width + lx)];
        return vec4<u32>(unpack(p), p >> 24u);
    }
    if kind == PROGRESS {
        return solid(select(background[t + 7u], background[t + 6u], lx < i32(frames[vals + 1u])));
    }
    let pitch = i32(background[t + 9u]);
    var inside = false;
    if kind == LINE {
        let here = line_y(t, lx, height, vals);
        let before = line_y(t, max(lx - 1, 0), height, vals);
        let thick = i32(background[t + 12u]);
        let top = min(here, before) - thick / 2;
        let bottom = max(here, before) - thick / 2 + thick;
        inside = ly >= top && ly < bottom;
    } else {
        let rel = lx - i32(background[t + 11u]);
        let bars = i32(background[t + 8u]);
        if rel >= 0 && rel < pitch * bars && rel % pitch < i32(background[t + 10u]) {
            let h = i32(frames[vals + 1u + u32(rel / pitch)]);
            if kind == BARS {
                inside = ly >= height - h;
            } else {
                let top = (height - h) / 2;
                inside = ly >= top && ly < top + h;
            }
        }
    }
    if !inside {
        return vec4<u32>(0u);
    }
    return solid(background[t + 6u]);
}

// The live layers `above` (1) or under (0) the text over the block's pixels, as layers::draw.
fn draw_layers(px: ptr<function, array<u32, 16>>, x0: u32, y0: u32, values: u32, above: u32) {
    for (var l = 0u; l < params.layer_count; l++) {
        let t = params.layers_at + l * LAYER_WORDS;
        if (background[t] >> 8u) != above {
            continue;
        }
        let vals = values + background[t + 5u];
        let level = frames[vals];
        if level == 0u {
            continue;
        }
        let lx0 = bitcast<i32>(background[t + 1u]);
        let ly0 = bitcast<i32>(background[t + 2u]);
        let w = i32(background[t + 3u]);
        let h = i32(background[t + 4u]);
        if lx0 >= i32(x0 + BLOCK_W) || lx0 + w <= i32(x0) || ly0 >= i32(y0 + 2u) || ly0 + h <= i32(y0) {
            continue;
        }
        for (var i = 0u; i < 16u; i++) {
            let x = i32(x0 + (i % BLOCK_W));
            let y = i32(y0 + i / BLOCK_W);
            if x >= i32(params.width) || x < lx0 || x >= lx0 + w || y < ly0 || y >= ly0 + h {
                continue;
            }
            let src = layer_source(t, x - lx0, y - ly0, vals);
            if src.w == 0u {
                continue;
            }
            let a = div255(src.w * level);
            let d = (*px)[i];
            let dc = unpack(d);
            let o = vec3<u32>(div255(src.x * level), div255(src.y * level), div255(src.z * level))
                + (dc * (255u - a) + vec3<u32>(127u)) / 255u;
            let oa = a + div255((d >> 24u) * (255u - a));
            (*px)[i] = o.x | (o.y << 8u) | (o.z << 16u) | (oa << 24u);
        }
    }
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let x0 = gid.x * BLOCK_W;
    let y0 = gid.y * 2u;
    if x0 >= params.stride || y0 >= params.height {
        return;
    }
    let f = gid.z;
    let slide = frames[f * HEADER];
    let fade = frames[f * HEADER + 1u];
    let opacity = bitcast<f32>(frames[f * HEADER + 2u]);
    let states_at = frames[f * HEADER + 3u];
    let wipe_word = frames[f * HEADER + 4u];
    let wipe_split = bitcast<i32>(frames[f * HEADER + 5u]);
    let bg_from = frames[f * HEADER + 6u];
    let bg_to = frames[f * HEADER + 7u];
    let bg_mix = frames[f * HEADER + 8u];
    let pop_word = frames[f * HEADER + 9u];
    let pop_step = frames[f * HEADER + 10u];
    let pop_rest = frames[f * HEADER + 11u];
    let glide_word = frames[f * HEADER + 12u];
    let glide_step = frames[f * HEADER + 13u];
    let values = frames[f * HEADER + 14u];

    // The block's pixels, premultiplied RGBA (r in the low byte); columns past the width stay
    // black and are cropped on the CPU.
    let transparent = (params.mode & MODE_TRANSPARENT) != 0u;
    var px: array<u32, 16>;
    for (var i = 0u; i < 16u; i++) {
        let x = x0 + (i % BLOCK_W);
        let y = y0 + i / BLOCK_W;
        if transparent {
            px[i] = 0u;
        } else if x < params.width {
            let p = y * params.width + x;
            let to = layer_pixel(bg_to, p);
            if bg_mix == 255u {
                px[i] = to;
            } else {
                // As the CPU: div255(from * (255 - mix) + to * mix) per channel.
                let a = unpack(layer_pixel(bg_from, p));
                let b = unpack(to);
                let m = (a * (255u - bg_mix) + b * bg_mix + vec3<u32>(127u)) / 255u;
                px[i] = m.x | (m.y << 8u) | (m.z << 16u) | (255u << 24u);
            }
        } else {
            px[i] = 0u;
        }
    }
    if !transparent {
        draw_layers(&px, x0, y0, values, 0u);
    }

    if fade != 0u {
        let s = slides[slide];
        let tile = (y0 / TILE) * params.tiles_x + x0 / TILE;
        let first = tiles[s.tile_base + tile];
        let last = tiles[s.tile_base + tile + 1u];
        let inv255 = params.inv255;
        for (var k = first; k < last; k++) {
            let g = glyphs[tiles[k]];
            let word_state = (frames[states_at + g.word / 16u] >> ((g.word % 16u) * 2u)) & 3u;
            let wiped = g.word == wipe_word;
            if !wiped && ((g.paint >> word_state) & 1u) == 0u {
                continue;
            }
            // The step this word draws at, as GlyphInstance::drawn_at: a box's glide step, or
            // anything else's pop step (Scene::glide_step_of, Scene::pop_step_of).
            var step = 0u;
            if word_state == 1u {
                if ((g.paint >> 8u) & 3u) == 3u {
                    step = select(0u, glide_step, g.word == glide_word);
                } else if (g.paint & STEADY) != 0u {
                    step = (g.paint >> 11u) & 15u;
                } else {
                    step = select(pop_rest, pop_step, g.word == pop_word);
                }
            }
            if !wiped && ((g.paint >> 11u) & 15u) != step {
                continue;
            }
            // The part of the glyph inside this block (and inside the frame).
            let bx0 = max(g.x, i32(x0));
            let bx1 = min(g.x + i32(g.width), min(i32(x0 + BLOCK_W), i32(params.width)));
            let by0 = max(g.y, i32(y0));
            let by1 = min(g.y + i32(g.height), i32(y0 + 2u));
            for (var y = by0; y < by1; y++) {
                for (var x = bx0; x < bx1; x++) {
                    // A wiped word shows its current look left of the split, upcoming right.
                    var state = word_state;
                    if wiped {
                        state = select(0u, 1u, x < wipe_split);
                        if ((g.paint >> state) & 1u) == 0u {
                            continue;
                        }
                    }
                    let color = tiles[s.look_base + (g.paint >> 16u) * 12u + ((g.paint >> 8u) & 3u) * 3u + state];
                    let rgb = unpack(color);
                    let ca = color >> 24u;
                    let ax = g.atlas_x + u32(x - g.x);
                    let ay = g.atlas_y + u32(y - g.y);
                    // The CPU's cached premultiplied sprite texel: a colour glyph's own, dimmed
                    // by the state colour's alpha, or the state colour at the coverage.
                    var alpha: u32;
                    var sprite: vec3<u32>;
                    if (g.paint & COLOR) != 0u {
                        let t = atlas[params.color_base + ay * params.atlas_width + ax];
                        alpha = div255((t >> 24u) * ca);
                        let c = unpack(t);
                        sprite = vec3<u32>(div255(c.x * ca), div255(c.y * ca), div255(c.z * ca));
                    } else {
                        var cov = 255u;
                        if (g.paint & SOLID) == 0u {
                            cov = atlas_texel(ax, ay);
                        }
                        alpha = div255(cov * ca);
                        sprite = vec3<u32>(div255(rgb.x * alpha), div255(rgb.y * alpha), div255(rgb.z * alpha));
                    }
                    // tiny-skia: gather (u8 / 255), scale by opacity, source-over, store.
                    let src = vec3<f32>(sprite) * inv255 * opacity;
                    let sa = f32(alpha) * inv255 * opacity;
                    let i = u32(y - i32(y0)) * BLOCK_W + u32(x - i32(x0));
                    let dst = vec3<f32>(unpack(px[i])) * inv255;
                    let o = unnorm(dst * (1.0 - sa) + src);
                    // Alpha alike (over an opaque background it stays 255).
                    let da = f32(px[i] >> 24u) * inv255;
                    let oa = u32(round(clamp(da * (1.0 - sa) + sa, 0.0, 1.0) * 255.0));
                    px[i] = o.x | (o.y << 8u) | (o.z << 16u) | (oa << 24u);
                }
            }
        }
    }

    if !transparent {
        draw_layers(&px, x0, y0, values, 1u);
    }

    let base = f * params.frame_bytes;
    if (params.mode & MODE_RGBA) != 0u {
        // Straight RGBA, as CpuRenderer::rgba: premultiplied colour divided by alpha, rounded.
        for (var i = 0u; i < 16u; i++) {
            let p = px[i];
            let a = p >> 24u;
            var c = unpack(p);
            if a != 0u && a != 255u {
                c = min((c * 255u + vec3<u32>(a / 2u)) / a, vec3<u32>(255u));
            }
            let at = base / 4u + (y0 + i / BLOCK_W) * params.stride + x0 + (i % BLOCK_W);
            out[at] = c.x | (c.y << 8u) | (c.z << 16u) | (a << 24u);
        }
        return;
    }

    // Y: two u32 words per row. U, V: the four 2x2 blocks' chroma, one word each.
    var y_words = array<u32, 4>(0u, 0u, 0u, 0u);
    var u_word = 0u;
    var v_word = 0u;
    for (var c = 0u; c < 4u; c++) {
        let p00 = unpack(px[2u * c]);
        let p01 = unpack(px[2u * c + 1u]);
        let p10 = unpack(px[BLOCK_W + 2u * c]);
        let p11 = unpack(px[BLOCK_W + 2u * c + 1u]);
        let shift0 = ((2u * c) % 4u) * 8u;
        let word = (2u * c) / 4u;
        y_words[word] |= (luma(p00) << shift0) | (luma(p01) << (shift0 + 8u));
        y_words[2u + word] |= (luma(p10) << shift0) | (luma(p11) << (shift0 + 8u));
        let sum = vec3<i32>(p00 + p01 + p10 + p11);
        u_word |= chroma_round(dot(KU, sum)) << (c * 8u);
        v_word |= chroma_round(dot(KV, sum)) << (c * 8u);
    }
    let row0 = (base + y0 * params.stride + x0) / 4u;
    let row1 = row0 + params.stride / 4u;
    out[row0] = y_words[0];
    out[row0 + 1u] = y_words[1];
    out[row1] = y_words[2];
    out[row1 + 1u] = y_words[3];
    let cstride = params.stride / 2u;
    let u_at = base + params.stride * params.height + (y0 / 2u) * cstride + x0 / 2u;
    let v_at = u_at + cstride * (params.height / 2u);
    out[u_at / 4u] = u_word;
    out[v_at / 4u] = v_word;
}
