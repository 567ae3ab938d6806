//! Repeated frames as skipped H.264 pictures: a constant-frame-rate stream that costs what the
//! distinct frames cost.
//!
//! libx264 encodes only the distinct frames. After each of its pictures, every repeat of that
//! frame becomes a P picture made here whose macroblocks are all P_Skip: with every motion
//! vector predicted as zero (the first row and column have no neighbours, the rest copy them)
//! and no residual, it decodes to an exact copy of the picture before it, in 6 to 8 bytes.
//!
//! What keeps the stream valid (ITU-T H.264 7.3, 7.4, 8.2.1, 8.2.4):
//! - x264 runs with no B-frames and one reference frame, so every picture is a reference and
//!   the only one each P picture predicts from is the one just before it, ours or x264's.
//! - The skipped pictures are reference pictures too: with `pic_order_cnt_type` 2 (x264's choice
//!   without B-frames) order comes from `frame_num`, and two non-reference pictures may not
//!   follow each other. Each takes the next `frame_num`, so x264's later slices are renumbered:
//!   `frame_num` is a fixed-width field after three Exp-Golomb codes, rewritten in place.
//! - They use a parameter set of their own (CAVLC, one reference, no weighted prediction, the
//!   deblocking filter off), stored beside x264's, so their slice data is a single
//!   `mb_skip_run` whatever x264 chose for its own pictures.
//!
//! Anything in x264's parameter sets outside these assumptions makes [`Repeater::new`] refuse,
//! and the caller encodes every frame instead.

/// Reads bits most significant first from an RBSP (emulation prevention already removed).
pub struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> BitReader<'a> {
    pub fn new(data: &'a [u8]) -> BitReader<'a> {
        BitReader { data, pos: 0 }
    }

    /// The position in bits from the start.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn bit(&mut self) -> Result<bool, String> {
        let byte = self
            .data
            .get(self.pos / 8)
            .ok_or("unexpected end of a NAL unit")?;
        let b = byte >> (7 - self.pos % 8) & 1;
        self.pos += 1;
        Ok(b == 1)
    }

    /// `u(n)`, n <= 32.
    pub fn bits(&mut self, n: u32) -> Result<u32, String> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v << 1 | self.bit()? as u32;
        }
        Ok(v)
    }

    /// `ue(v)`: unsigned Exp-Golomb.
    pub fn ue(&mut self) -> Result<u32, String> {
        let mut zeros = 0;
        while !self.bit()? {
            zeros += 1;
            if zeros > 31 {
                return Err("an Exp-Golomb code longer than 32 bits".into());
            }
        }
        Ok(((1u64 << zeros) - 1 + self.bits(zeros)? as u64) as u32)
    }

    /// `se(v)`: signed Exp-Golomb.
    pub fn se(&mut self) -> Result<i32, String> {
        let k = self.ue()? as i64;
        Ok(if k % 2 == 1 { (k + 1) / 2 } else { -k / 2 } as i32)
    }
}

/// Writes bits most significant first.
#[derive(Default)]
pub struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    pub fn bit(&mut self, b: bool) {
        if self.bits.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if b {
            *self.bytes.last_mut().expect("pushed") |= 1 << (7 - self.bits % 8);
        }
        self.bits += 1;
    }

    /// `u(n)`: the low `n` bits of `v`.
    pub fn bits(&mut self, n: u32, v: u32) {
        for i in (0..n).rev() {
            self.bit(v >> i & 1 == 1);
        }
    }

    pub fn ue(&mut self, v: u32) {
        let x = v as u64 + 1;
        let len = 64 - x.leading_zeros();
        for _ in 1..len {
            self.bit(false);
        }
        for i in (0..len).rev() {
            self.bit(x >> i & 1 == 1);
        }
    }

    pub fn se(&mut self, v: i32) {
        let k = if v > 0 {
            2 * v as i64 - 1
        } else {
            -2 * v as i64
        };
        self.ue(k as u32);
    }

    /// `rbsp_trailing_bits()`: a stop bit, then zeros to the byte boundary.
    pub fn finish(mut self) -> Vec<u8> {
        self.bit(true);
        self.bytes
    }
}

/// The NAL units of an Annex B byte stream (start codes removed; each begins with its header).
pub fn nal_units(stream: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i..i + 3] == [0, 0, 1] {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut units = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(stream.len(), |&n| n - 3);
        // A four-byte start code's leading zero, and any trailing_zero_8bits, belong to no unit.
        while end > s && stream[end - 1] == 0 {
            end -= 1;
        }
        units.push(&stream[s..end]);
    }
    units
}

/// Removes emulation prevention bytes (00 00 03 -> 00 00).
pub fn unescape(ebsp: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ebsp.len());
    let mut zeros = 0;
    for &b in ebsp {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// Inserts emulation prevention bytes so that no start code appears inside a NAL unit.
pub fn escape(rbsp: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rbsp.len() + rbsp.len() / 64);
    let mut zeros = 0;
    for &b in rbsp {
        if zeros >= 2 && b <= 3 {
            out.push(3);
            zeros = 0;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

const NAL_SLICE: u8 = 1;
const NAL_IDR: u8 = 5;
const NAL_SPS: u8 = 7;
const NAL_PPS: u8 = 8;

fn nal_type(unit: &[u8]) -> u8 {
    unit.first().map_or(0, |h| h & 0x1f)
}

/// What the skipped pictures depend on in a sequence parameter set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sps {
    pub id: u32,
    pub profile_idc: u32,
    pub log2_max_frame_num: u32,
    pub pic_order_cnt_type: u32,
    pub max_num_ref_frames: u32,
    pub gaps_in_frame_num_allowed: bool,
    pub width_mbs: u32,
    pub height_mbs: u32,
    pub frame_mbs_only: bool,
    pub separate_colour_planes: bool,
}

impl Sps {
    /// Parses the fields up to `frame_mbs_only_flag` from an SPS's RBSP (header byte included).
    pub fn parse(rbsp: &[u8]) -> Result<Sps, String> {
        let mut r = BitReader::new(rbsp.get(1..).ok_or("an empty SPS")?);
        let profile_idc = r.bits(8)?;
        r.bits(16)?; // constraint flags, level_idc
        let id = r.ue()?;
        let mut separate_colour_planes = false;
        if matches!(
            profile_idc,
            100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
        ) {
            let chroma_format_idc = r.ue()?;
            if chroma_format_idc == 3 {
                separate_colour_planes = r.bit()?;
            }
            r.ue()?; // bit_depth_luma_minus8
            r.ue()?; // bit_depth_chroma_minus8
            r.bit()?; // qpprime_y_zero_transform_bypass_flag
            if r.bit()? {
                return Err("the SPS carries scaling matrices".into());
            }
        }
        let log2_max_frame_num = r.ue()? + 4;
        let pic_order_cnt_type = r.ue()?;
        match pic_order_cnt_type {
            0 => {
                r.ue()?; // log2_max_pic_order_cnt_lsb_minus4
            }
            1 => return Err("pic_order_cnt_type 1 is not handled".into()),
            _ => {}
        }
        let max_num_ref_frames = r.ue()?;
        let gaps_in_frame_num_allowed = r.bit()?;
        let width_mbs = r.ue()? + 1;
        let height_mbs = r.ue()? + 1;
        let frame_mbs_only = r.bit()?;
        Ok(Sps {
            id,
            profile_idc,
            log2_max_frame_num,
            pic_order_cnt_type,
            max_num_ref_frames,
            gaps_in_frame_num_allowed,
            width_mbs,
            height_mbs: if frame_mbs_only {
                height_mbs
            } else {
                height_mbs * 2
            },
            frame_mbs_only,
            separate_colour_planes,
        })
    }

    /// Why repeats cannot be written as skipped pictures into this sequence, if they cannot.
    fn unsuitable(&self) -> Option<String> {
        if self.pic_order_cnt_type != 2 {
            return Some(format!(
                "pic_order_cnt_type is {} (B-frames?), not 2",
                self.pic_order_cnt_type
            ));
        }
        if self.max_num_ref_frames != 1 {
            return Some(format!(
                "{} reference frames, not 1",
                self.max_num_ref_frames
            ));
        }
        if !self.frame_mbs_only {
            return Some("interlaced coding".into());
        }
        if self.separate_colour_planes {
            return Some("separate colour planes".into());
        }
        None
    }
}

/// The slice header fields up to `frame_num`, and where that field lies in the RBSP.
struct SliceStart {
    first_mb: u32,
    pps_id: u32,
    /// Bit offset of `frame_num` in the RBSP, counted from the NAL header's first bit.
    frame_num_at: usize,
}

fn slice_start(rbsp: &[u8]) -> Result<SliceStart, String> {
    let mut r = BitReader::new(rbsp.get(1..).ok_or("an empty slice")?);
    let first_mb = r.ue()?;
    r.ue()?; // slice_type
    let pps_id = r.ue()?;
    Ok(SliceStart {
        first_mb,
        pps_id,
        frame_num_at: 8 + r.position(),
    })
}

/// Overwrites `width` bits at bit offset `at` with `value`.
fn put_bits(data: &mut [u8], at: usize, width: u32, value: u32) {
    for i in 0..width as usize {
        let bit = value >> (width as usize - 1 - i) & 1;
        let (byte, shift) = ((at + i) / 8, 7 - (at + i) % 8);
        data[byte] = data[byte] & !(1 << shift) | (bit as u8) << shift;
    }
}

/// Turns x264's pictures and the repeats between them into one constant-rate stream.
pub struct Repeater {
    sps: Sps,
    /// The id of the parameter set the skipped pictures use.
    pps_id: u32,
    /// `frame_num` of the last picture written; `None` before the first IDR.
    frame_num: Option<u32>,
}

impl Repeater {
    /// Reads x264's parameter sets (Annex B, as in the encoder's extradata) and refuses a
    /// sequence the skipped pictures cannot join.
    pub fn new(parameter_sets: &[u8]) -> Result<Repeater, String> {
        let mut sps = None;
        let mut pps_ids = Vec::new();
        for unit in nal_units(parameter_sets) {
            let rbsp = unescape(unit);
            match nal_type(unit) {
                NAL_SPS if sps.is_some() => return Err("more than one SPS".into()),
                NAL_SPS => sps = Some(Sps::parse(&rbsp)?),
                NAL_PPS => {
                    let mut r = BitReader::new(&rbsp[1..]);
                    pps_ids.push(r.ue()?);
                }
                _ => {}
            }
        }
        let sps = sps.ok_or("no SPS in the encoder's parameter sets")?;
        if let Some(why) = sps.unsuitable() {
            return Err(why);
        }
        let pps_id = pps_ids.iter().max().map_or(0, |m| m + 1);
        if pps_id > 255 {
            return Err("no free PPS id".into());
        }
        Ok(Repeater {
            sps,
            pps_id,
            frame_num: None,
        })
    }

    /// The skipped pictures' PPS as a NAL unit (header included, no start code).
    pub fn parameter_set(&self) -> Vec<u8> {
        let mut w = BitWriter::default();
        w.bits(8, 0x68); // nal_ref_idc 3, nal_unit_type 8
        w.ue(self.pps_id);
        w.ue(self.sps.id);
        w.bit(false); // entropy_coding_mode_flag: CAVLC
        w.bit(false); // bottom_field_pic_order_in_frame_present_flag
        w.ue(0); // num_slice_groups_minus1
        w.ue(0); // num_ref_idx_l0_default_active_minus1
        w.ue(0); // num_ref_idx_l1_default_active_minus1
        w.bit(false); // weighted_pred_flag
        w.bits(2, 0); // weighted_bipred_idc
        w.se(0); // pic_init_qp_minus26
        w.se(0); // pic_init_qs_minus26
        w.se(0); // chroma_qp_index_offset
        w.bit(true); // deblocking_filter_control_present_flag
        w.bit(false); // constrained_intra_pred_flag
        w.bit(false); // redundant_pic_cnt_present_flag
        escape(&w.finish())
    }

    fn next_frame_num(&mut self) -> Result<u32, String> {
        let last = self
            .frame_num
            .ok_or("the stream does not begin with an IDR picture")?;
        let next = (last + 1) % (1 << self.sps.log2_max_frame_num);
        self.frame_num = Some(next);
        Ok(next)
    }

    /// Renumbers one of x264's pictures (an Annex B access unit) to follow the pictures
    /// written so far, and returns it.
    pub fn picture(&mut self, access_unit: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(access_unit.len() + 8);
        let mut frame_num = None;
        for unit in nal_units(access_unit) {
            out.extend_from_slice(&[0, 0, 0, 1]);
            match nal_type(unit) {
                NAL_IDR => {
                    // An IDR picture starts numbering again at 0.
                    self.frame_num = Some(0);
                    out.extend_from_slice(unit);
                }
                NAL_SLICE => {
                    let mut rbsp = unescape(unit);
                    let s = slice_start(&rbsp)?;
                    if s.pps_id == self.pps_id {
                        return Err("a slice uses the skipped pictures' PPS id".into());
                    }
                    let n = match frame_num {
                        Some(n) if s.first_mb != 0 => n,
                        _ => self.next_frame_num()?,
                    };
                    frame_num = Some(n);
                    let bits = self.sps.log2_max_frame_num;
                    if s.frame_num_at + bits as usize > rbsp.len() * 8 {
                        return Err("a slice ends inside its header".into());
                    }
                    put_bits(&mut rbsp, s.frame_num_at, bits, n);
                    out.extend_from_slice(&escape(&rbsp));
                }
                _ => out.extend_from_slice(unit),
            }
        }
        Ok(out)
    }

    /// The next repeat of the picture before it: a P picture of skipped macroblocks (Annex B).
    pub fn repeat(&mut self) -> Result<Vec<u8>, String> {
        let frame_num = self.next_frame_num()?;
        let mut w = BitWriter::default();
        w.bits(8, 0x41); // nal_ref_idc 2 (a reference picture), nal_unit_type 1
        w.ue(0); // first_mb_in_slice
        w.ue(5); // slice_type: P, as every slice of the picture
        w.ue(self.pps_id);
        w.bits(self.sps.log2_max_frame_num, frame_num);
        // pic_order_cnt_type 2: no picture order fields.
        w.bit(false); // num_ref_idx_active_override_flag: one reference, from the PPS
        w.bit(false); // ref_pic_list_modification_flag_l0
        w.bit(false); // adaptive_ref_pic_marking_mode_flag: sliding window
        w.se(0); // slice_qp_delta
        w.ue(1); // disable_deblocking_filter_idc: off (no edge would be filtered anyway)
        w.ue(self.sps.width_mbs * self.sps.height_mbs); // mb_skip_run: every macroblock
        let mut out = vec![0, 0, 0, 1];
        out.extend_from_slice(&escape(&w.finish()));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_golomb_round_trips() {
        let mut w = BitWriter::default();
        let values = [0u32, 1, 2, 3, 7, 8, 254, 255, 8160, 65535, 1 << 20];
        for v in values {
            w.ue(v);
        }
        for v in [0i32, 1, -1, 2, -2, 26, -26, 1000] {
            w.se(v);
        }
        w.bits(5, 0b10110);
        let bytes = w.finish();
        let mut r = BitReader::new(&bytes);
        for v in values {
            assert_eq!(r.ue().unwrap(), v);
        }
        for v in [0i32, 1, -1, 2, -2, 26, -26, 1000] {
            assert_eq!(r.se().unwrap(), v);
        }
        assert_eq!(r.bits(5).unwrap(), 0b10110);
        assert!(r.bit().unwrap(), "the stop bit");
        // The table of 9.1: 0 -> 1, 1 -> 010, 2 -> 011, 3 -> 00100.
        let mut w = BitWriter::default();
        for v in [0, 1, 2, 3] {
            w.ue(v);
        }
        assert_eq!(w.bytes, [0b1010_0110, 0b0100_0000]);
    }

    #[test]
    fn emulation_prevention_round_trips() {
        let rbsp = [0u8, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0];
        let e = escape(&rbsp);
        assert_eq!(
            e,
            [0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 0, 0, 3, 3, 0, 0, 4, 0, 0]
        );
        assert_eq!(unescape(&e), rbsp);
        for w in e.windows(3) {
            assert!(!(w[0] == 0 && w[1] == 0 && w[2] <= 2), "{e:?}");
        }
    }

    #[test]
    fn splits_annex_b_streams() {
        let s = [
            0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 0, 0, 3, 1,
        ];
        assert_eq!(
            nal_units(&s),
            vec![&[0x67, 1, 2][..], &[0x68, 3], &[0x65, 0, 0, 3, 1]]
        );
    }

    use super::super::video::{self, Repeats, VideoSettings};
    use crate::frame::Yuv420;
    use crate::project::Fps;
    use ffmpeg_next as ffmpeg;

    /// A picture with moving content, so that x264 codes real P slices.
    fn picture(width: u32, height: u32, t: u32) -> Yuv420 {
        let mut data = vec![128u8; Yuv420::byte_len(width, height)];
        for y in 0..height {
            for x in 0..width {
                data[(y * width + x) as usize] = ((x * 3 + y + t * 7) % 200 + 16) as u8;
            }
        }
        Yuv420 {
            width,
            height,
            data,
        }
    }

    /// What libx264 writes under the settings gpucast gives it: its parameter sets and one
    /// access unit per frame of `frames` (each frame's time, as `Repeats::Skip` sends them).
    fn x264_stream(
        width: u32,
        height: u32,
        frames: &[u32],
        quality: u32,
    ) -> (Vec<u8>, Vec<Vec<u8>>) {
        let s = VideoSettings {
            quality: Some(quality),
            threads: 1,
            repeats: Repeats::Skip,
            ..VideoSettings::default()
        };
        let fps = Fps { num: 30, den: 1 };
        let mut enc = video::open("libx264", &s, width, height, fps, true).unwrap();
        let headers = super::super::extradata(&enc.encoder).to_vec();
        let mut units = Vec::new();
        let mut p = ffmpeg::Packet::empty();
        for &t in frames {
            let mut f = enc.frame(&picture(width, height, t)).unwrap();
            f.set_pts(Some(t as i64));
            enc.encoder.send_frame(&f).unwrap();
            while enc.encoder.receive_packet(&mut p).is_ok() {
                units.push(p.data().unwrap().to_vec());
            }
        }
        enc.encoder.send_eof().unwrap();
        while enc.encoder.receive_packet(&mut p).is_ok() {
            units.push(p.data().unwrap().to_vec());
        }
        (headers, units)
    }

    #[test]
    fn reads_the_parameter_sets_x264_writes() {
        let (headers, _) = x264_stream(200, 120, &[0], 23);
        let sps = nal_units(&headers)
            .into_iter()
            .find(|u| nal_type(u) == NAL_SPS)
            .map(|u| Sps::parse(&unescape(u)).unwrap())
            .unwrap();
        assert_eq!(sps.pic_order_cnt_type, 2, "{sps:?}");
        assert_eq!(sps.max_num_ref_frames, 1);
        assert_eq!(
            (sps.width_mbs, sps.height_mbs),
            (13, 8),
            "200x120 rounded up to 16"
        );
        assert!(sps.frame_mbs_only && !sps.gaps_in_frame_num_allowed);
        assert_eq!(sps.log2_max_frame_num, 4);
        // Lossless x264 uses the High 4:4:4 Predictive profile, whose SPS has more fields.
        let (headers, _) = x264_stream(64, 64, &[0], 0);
        let r = Repeater::new(&headers).unwrap();
        assert_eq!(r.sps.profile_idc, 244);
        assert_eq!((r.sps.width_mbs, r.sps.height_mbs), (4, 4));
        assert_eq!(r.pps_id, 1, "x264's PPS is 0");
    }

    #[test]
    fn refuses_streams_with_b_frames_or_more_references() {
        let s = VideoSettings {
            repeats: Repeats::Encode,
            threads: 1,
            ..VideoSettings::default()
        };
        let fps = Fps { num: 30, den: 1 };
        let enc = video::open("libx264", &s, 64, 64, fps, true).unwrap();
        let err = Repeater::new(super::super::extradata(&enc.encoder))
            .err()
            .unwrap();
        assert!(err.contains("pic_order_cnt_type is 0"), "{err}");
    }

    /// Frame_num of each slice in an access unit.
    fn frame_nums(unit: &[u8], log2_max: u32) -> Vec<(u8, u32)> {
        nal_units(unit)
            .into_iter()
            .filter(|u| matches!(nal_type(u), NAL_SLICE | NAL_IDR))
            .map(|u| {
                let rbsp = unescape(u);
                let s = slice_start(&rbsp).unwrap();
                let mut r = BitReader::new(&rbsp);
                r.bits(s.frame_num_at as u32).unwrap();
                (nal_type(u), r.bits(log2_max).unwrap())
            })
            .collect()
    }

    #[test]
    fn renumbers_x264_pictures_around_the_repeats() {
        // Frame times 0, 3, 4, 9: 2 repeats after the first, 4 after the third.
        let (headers, units) = x264_stream(96, 64, &[0, 3, 4, 9, 10], 23);
        assert_eq!(units.len(), 5);
        let mut r = Repeater::new(&headers).unwrap();
        let mut seen = Vec::new();
        for (unit, repeats) in units.iter().zip([2, 0, 4, 0, 0]) {
            let renumbered = r.picture(unit).unwrap();
            seen.extend(frame_nums(&renumbered, 4));
            // Only frame_num changed: the rest of every unit is x264's, bit for bit.
            let (a, b) = (nal_units(unit), nal_units(&renumbered));
            assert_eq!(a.len(), b.len());
            for (a, b) in a.iter().zip(&b) {
                let (mut a, mut b) = (unescape(a), unescape(b));
                assert_eq!(a.len(), b.len());
                if nal_type(&a) == NAL_SLICE {
                    let at = slice_start(&a).unwrap().frame_num_at;
                    put_bits(&mut a, at, 4, 0);
                    put_bits(&mut b, at, 4, 0);
                }
                assert!(a == b, "a unit changed beyond frame_num");
            }
            for _ in 0..repeats {
                let rep = r.repeat().unwrap();
                seen.extend(frame_nums(&rep, 4));
            }
        }
        let nums: Vec<u32> = seen.iter().map(|&(_, n)| n).collect();
        assert_eq!(nums, (0..11).collect::<Vec<_>>());
        assert_eq!(seen[0].0, NAL_IDR);
        assert!(seen[1..].iter().all(|&(t, _)| t == NAL_SLICE));
    }

    #[test]
    fn skipped_pictures_decode_to_copies() {
        let (width, height) = (96, 64);
        let times = [0u32, 1, 5, 6, 30];
        let (headers, units) = x264_stream(width, height, &times, 23);
        let mut r = Repeater::new(&headers).unwrap();
        let mut stream = headers.clone();
        stream.extend_from_slice(&[0, 0, 0, 1]);
        stream.extend_from_slice(&r.parameter_set());
        let mut access_units = Vec::new();
        for (i, unit) in units.iter().enumerate() {
            let mut au = if i == 0 { stream.clone() } else { Vec::new() };
            au.extend(r.picture(unit).unwrap());
            access_units.push(au);
            let next = times.get(i + 1).copied().unwrap_or(times[i] + 1);
            for _ in times[i] + 1..next {
                access_units.push(r.repeat().unwrap());
            }
        }
        assert_eq!(access_units.len(), 31);
        let skip = &access_units[2];
        assert!(skip.len() <= 4 + 8, "a repeat costs {} bytes", skip.len());

        let codec = ffmpeg::decoder::find(ffmpeg::codec::Id::H264).unwrap();
        let ctx = ffmpeg::codec::context::Context::new_with_codec(codec);
        let mut dec = ctx.decoder().video().unwrap();
        let mut lumas: Vec<Vec<u8>> = Vec::new();
        let mut f = ffmpeg::frame::Video::empty();
        let mut take = |dec: &mut ffmpeg::decoder::Video, lumas: &mut Vec<Vec<u8>>| {
            while dec.receive_frame(&mut f).is_ok() {
                let stride = f.stride(0);
                let y: Vec<u8> = (0..height as usize)
                    .flat_map(|row| f.data(0)[row * stride..row * stride + width as usize].to_vec())
                    .collect();
                lumas.push(y);
            }
        };
        for (i, au) in access_units.iter().enumerate() {
            let mut p = ffmpeg::Packet::copy(au);
            p.set_pts(Some(i as i64));
            dec.send_packet(&p).unwrap();
            take(&mut dec, &mut lumas);
        }
        dec.send_eof().unwrap();
        take(&mut dec, &mut lumas);
        assert_eq!(lumas.len(), 31, "every picture decodes");
        for (i, y) in lumas.iter().enumerate() {
            let coded = times.iter().rposition(|&t| t as usize <= i).unwrap();
            let first = times[coded] as usize;
            assert!(
                y == &lumas[first],
                "frame {i} is not a copy of frame {first}"
            );
            if coded > 0 {
                assert!(
                    y != &lumas[times[coded - 1] as usize],
                    "frame {i} should have changed"
                );
            }
        }
    }

    #[test]
    fn overwrites_bits_in_place() {
        let mut d = [0xffu8, 0x00];
        put_bits(&mut d, 6, 4, 0b0110);
        assert_eq!(d, [0b1111_1101, 0b1000_0000]);
    }
}
