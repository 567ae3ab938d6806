//! A 3GPP timed-text (`mov_text`, `tx3g`) track: the slides' text as subtitles inside the MP4.
//!
//! Nothing needs encoding: a sample is the UTF-8 text after its 16-bit length, and the sample
//! description (codec extradata) is a fixed record with the default look (3GPP TS 26.245,
//! section 5.16). Writing it directly avoids FFmpeg's subtitle encoder and its ASS input.

use ffmpeg::{format, Packet, Rational};
use ffmpeg_next as ffmpeg;

use crate::captions::Cue;

/// Cue times are kept in milliseconds.
pub const TIME_BASE: Rational = Rational(1, 1000);

/// TextSampleEntry after the sample entry header: display flags, centred at the bottom,
/// transparent background, a zero default text box (the player's choice), one style record
/// (font 1, plain, 18 px, opaque white) and a font table naming font 1 "Sans".
const SAMPLE_DESCRIPTION: [u8; 47] = [
    0, 0, 0, 0,    // displayFlags
    0x01, // horizontal justification: centre
    0xff, // vertical justification: bottom (-1)
    0, 0, 0, 0, // background colour RGBA
    0, 0, 0, 0, 0, 0, 0, 0, // default text box: top, left, bottom, right
    0, 0, 0, 0, // style record: startChar, endChar
    0, 1,  // font ID
    0,  // face style flags
    18, // font size
    0xff, 0xff, 0xff, 0xff, // text colour RGBA
    0, 0, 0, 17, b'f', b't', b'a', b'b', // FontTableBox, 17 bytes
    0, 1, // one entry
    0, 1, // font ID 1
    4, b'S', b'a', b'n', b's',
];

/// Adds the subtitle stream (before the header is written); returns its index.
pub fn add_stream(octx: &mut format::context::Output) -> anyhow::Result<usize> {
    let mut st = octx.add_stream(ffmpeg::encoder::find(ffmpeg::codec::Id::MOV_TEXT))?;
    st.set_time_base(TIME_BASE);
    // SAFETY: the stream's codec parameters belong to `octx` and are not shared; extradata
    // must be allocated with av_malloc (with padding), as FFmpeg frees it.
    unsafe {
        let par = (*st.as_mut_ptr()).codecpar;
        (*par).codec_type = ffmpeg::ffi::AVMediaType::AVMEDIA_TYPE_SUBTITLE;
        (*par).codec_id = ffmpeg::ffi::AVCodecID::AV_CODEC_ID_MOV_TEXT;
        let size = SAMPLE_DESCRIPTION.len();
        let data =
            ffmpeg::ffi::av_mallocz(size + ffmpeg::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize)
                as *mut u8;
        anyhow::ensure!(!data.is_null(), "out of memory");
        std::ptr::copy_nonoverlapping(SAMPLE_DESCRIPTION.as_ptr(), data, size);
        (*par).extradata = data;
        (*par).extradata_size = size as i32;
    }
    Ok(st.index())
}

/// One packet per cue, in milliseconds from the start.
pub fn packets(cues: &[Cue], stream: usize) -> Vec<Packet> {
    cues.iter()
        .filter_map(|c| {
            let text = c.text();
            // A sample holds at most 65,535 bytes of text; longer slides are cut at a character.
            let mut end = text.len().min(u16::MAX as usize);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut data = Vec::with_capacity(end + 2);
            data.extend_from_slice(&(end as u16).to_be_bytes());
            data.extend_from_slice(&text.as_bytes()[..end]);
            let start = (c.start * 1000.0).round() as i64;
            let stop = (c.end * 1000.0).round() as i64;
            (stop > start).then(|| {
                let mut p = Packet::copy(&data);
                p.set_pts(Some(start));
                p.set_dts(Some(start));
                p.set_duration(stop - start);
                p.set_stream(stream);
                p
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_table_box_is_as_long_as_it_says() {
        let ftab = &SAMPLE_DESCRIPTION[30..];
        assert_eq!(&ftab[4..8], b"ftab");
        assert_eq!(
            u32::from_be_bytes([ftab[0], ftab[1], ftab[2], ftab[3]]) as usize,
            ftab.len()
        );
    }
}
