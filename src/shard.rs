//! One video as N parts rendered apart (`render --shard I/N`) and joined (`gpucast join`).
//!
//! The cuts are planned from the timeline alone, so every machine, and the join, finds the
//! same ones: each nominal cut k × F / N moves to the nearest run start (a frame that is drawn
//! anyway), keeping at least two frames a part. A part is video only, its timestamps the whole
//! video's frame numbers, and it records what it was made from ([`PartTags`]). The join
//! accepts a set of parts only if they are exactly the N parts of this project made with the
//! same settings and each is whole ([`order`]); the FFmpeg side is `encode::join`.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::timeline::Timeline;

/// Part `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// `I/N`, or `auto/N` with I from the scheduler; also says where I came from.
    pub fn parse(given: &str) -> anyhow::Result<(Shard, String)> {
        let bad = || anyhow::anyhow!("--shard {given}: give I/N (part I of N, from 0) or auto/N");
        let (i, n) = given.split_once('/').ok_or_else(bad)?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        anyhow::ensure!(count > 0, "--shard {given}: N must be at least 1");
        let (index, from) = if i.trim() == "auto" {
            let (i, var) = scheduler_index("--shard auto")?;
            (i, format!("{var}={i}"))
        } else {
            (
                i.trim().parse::<usize>().map_err(|_| bad())?,
                "--shard".into(),
            )
        };
        anyhow::ensure!(
            index < count as usize,
            "--shard {given}: part {index} does not exist: parts are numbered 0 to {}",
            count - 1
        );
        Ok((
            Shard {
                index: index as u32,
                count,
            },
            from,
        ))
    }
}

/// The index a scheduler gave this task: Slurm's array task id, a Kubernetes Indexed Job's
/// completion index, or an AWS Batch array job's child index; `what` names the option in errors.
pub fn scheduler_index(what: &str) -> anyhow::Result<(usize, &'static str)> {
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    ] {
        if let Ok(v) = std::env::var(var) {
            let i = v
                .trim()
                .parse::<usize>()
                .map_err(|_| anyhow::anyhow!("{what}: {var}={v:?} is not an index"))?;
            return Ok((i, var));
        }
    }
    anyhow::bail!(
        "{what}: none of SLURM_ARRAY_TASK_ID (Slurm array job), JOB_COMPLETION_INDEX \
         (Kubernetes indexed job) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) is set"
    )
}

/// The frames of each of `count` parts: contiguous, covering the video, at least two each.
pub fn cuts(timeline: &Timeline, count: u32) -> anyhow::Result<Vec<Range<u64>>> {
    let total = timeline.frame_count;
    let n = count as u64;
    anyhow::ensure!(
        n > 0 && total >= 2 * n,
        "--shard: the video has {total} frames, too few for {count} parts (at least 2 frames each)"
    );
    let starts: Vec<u64> = timeline.runs.iter().map(|r| r.start_frame).collect();
    let mut bounds = vec![0u64];
    for k in 1..n {
        let target = (k as u128 * total as u128 / n as u128) as u64;
        let prev = *bounds.last().expect("starts with 0");
        // Room for this part and every later one to hold two frames.
        let (lo, hi) = (prev + 2, total - 2 * (n - k));
        let nearest = {
            let i = starts.partition_point(|&s| s < target);
            [i.checked_sub(1), Some(i)]
                .into_iter()
                .flatten()
                .filter_map(|j| starts.get(j).copied())
                .filter(|s| (lo..=hi).contains(s))
                .min_by_key(|&s| s.abs_diff(target))
        };
        bounds.push(nearest.unwrap_or_else(|| target.clamp(lo, hi)));
    }
    bounds.push(total);
    Ok(bounds.windows(2).map(|w| w[0]..w[1]).collect())
}

/// What a part records about itself, as metadata in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartTags {
    /// `fingerprint::content` of the project it was rendered from.
    pub content: String,
    /// The render settings and the encoder used, as text (parts must agree on it).
    pub settings: String,
    pub shard: Shard,
    pub frames: Range<u64>,
    /// The whole video's frame count.
    pub total: u64,
}

const CONTENT: &str = "gpucast_content";
const SETTINGS: &str = "gpucast_settings";
const SHARD: &str = "gpucast_shard";
const FRAMES: &str = "gpucast_frames";

impl PartTags {
    pub fn to_metadata(&self) -> Vec<(&'static str, String)> {
        vec![
            (CONTENT, self.content.clone()),
            (SETTINGS, self.settings.clone()),
            (SHARD, self.shard.to_string()),
            (
                FRAMES,
                format!(
                    "{}-{} of {}",
                    self.frames.start, self.frames.end, self.total
                ),
            ),
        ]
    }

    /// The tags read back from a file's metadata; `None` if they are not all there and sound.
    pub fn from_metadata(get: &dyn Fn(&str) -> Option<String>) -> Option<PartTags> {
        let shard = get(SHARD)?;
        let (i, n) = shard.split_once('/')?;
        let shard = Shard {
            index: i.parse().ok()?,
            count: n.parse().ok()?,
        };
        let frames = get(FRAMES)?;
        let (range, total) = frames.split_once(" of ")?;
        let (a, b) = range.split_once('-')?;
        let (a, b, total) = (a.parse().ok()?, b.parse().ok()?, total.parse().ok()?);
        (shard.index < shard.count && a < b && b <= total).then_some(PartTags {
            content: get(CONTENT)?,
            settings: get(SETTINGS)?,
            shard,
            frames: a..b,
            total,
        })
    }
}

/// A part file as the join finds it.
#[derive(Debug, Clone)]
pub struct PartFile {
    pub path: PathBuf,
    /// `None`: the file has no (sound) part tags.
    pub tags: Option<PartTags>,
    /// The video stream's codec and its parameters (codec name, size, extradata): parts are
    /// joined by copying, so these must be identical.
    pub stream: String,
    /// The frame numbers of its video packets, in file order.
    pub frames: Vec<u64>,
}

/// Checks that `parts` are exactly the parts of the project whose content fingerprint is
/// `content` and whose timeline is `timeline`, each complete and all made alike, and returns
/// them in order. Every problem names the part file.
pub fn order<'a>(
    parts: &'a [PartFile],
    content: &str,
    timeline: &Timeline,
) -> anyhow::Result<Vec<&'a PartFile>> {
    anyhow::ensure!(!parts.is_empty(), "join: give the parts to join");
    let name = |p: &PartFile| p.path.display().to_string();
    let mut tagged = Vec::with_capacity(parts.len());
    for p in parts {
        let tags = p.tags.as_ref().ok_or_else(|| {
            anyhow::anyhow!(
                "{} is not a gpucast part: it records no shard (render parts with --shard I/N)",
                name(p)
            )
        })?;
        tagged.push((p, tags));
    }
    let (first, t0) = tagged[0];
    for &(p, t) in &tagged {
        anyhow::ensure!(
            t.content == content,
            "{} was rendered from another project or other input files than this one \
             (recorded {}, this project is {content})",
            name(p),
            t.content
        );
        anyhow::ensure!(
            t.shard.count == t0.shard.count,
            "{} is part {} but {} is part {}: parts of different splits cannot be joined",
            name(p),
            t.shard,
            name(first),
            t0.shard
        );
        anyhow::ensure!(
            t.settings == t0.settings,
            "{} was rendered with other settings than {}:\n  {}\n  {}",
            name(p),
            name(first),
            t.settings,
            t0.settings
        );
        anyhow::ensure!(
            p.stream == first.stream,
            "{}'s video stream differs from {}'s (another encoder or encoder version): \
             parts are joined without re-encoding, so they must match\n  {}\n  {}",
            name(p),
            name(first),
            p.stream,
            first.stream
        );
    }
    let count = t0.shard.count;
    let expected = cuts(timeline, count)?;
    let mut by_index: HashMap<u32, &PartFile> = HashMap::new();
    for &(p, t) in &tagged {
        if let Some(other) = by_index.insert(t.shard.index, p) {
            anyhow::bail!(
                "{} and {} are both part {}: give each part once",
                name(other),
                name(p),
                t.shard
            );
        }
        let want = &expected[t.shard.index as usize];
        anyhow::ensure!(
            t.frames == *want && t.total == timeline.frame_count,
            "{} holds frames {}-{} of {}, but part {} of this project is frames {}-{} of {}",
            name(p),
            t.frames.start,
            t.frames.end,
            t.total,
            t.shard,
            want.start,
            want.end,
            timeline.frame_count
        );
        check_whole(p, &t.frames)?;
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| {
            let r = &expected[i as usize];
            format!("{i}/{count} (frames {}-{})", r.start, r.end)
        })
        .collect();
    anyhow::ensure!(
        missing.is_empty(),
        "join: missing part{} {}",
        if missing.len() == 1 { "" } else { "s" },
        missing.join(", ")
    );
    Ok((0..count).map(|i| by_index[&i]).collect())
}

/// A part holds one packet per frame of its range, in order; anything else is a damaged or
/// truncated file.
fn check_whole(p: &PartFile, want: &Range<u64>) -> anyhow::Result<()> {
    let found = p.frames.len() as u64;
    let in_order = p.frames.iter().copied().eq(want.start..want.start + found);
    anyhow::ensure!(
        in_order,
        "{} is damaged: its frames are not numbered {}-{} in order",
        p.path.display(),
        want.start,
        want.end
    );
    anyhow::ensure!(
        found == want.end - want.start,
        "{} is truncated: it holds frames {}-{} of {}-{}",
        p.path.display(),
        want.start,
        want.start + found,
        want.start,
        want.end
    );
    Ok(())
}

/// Refuses a part's output name that is not Matroska: parts are written as .mkv.
pub fn check_part_name(path: &Path) -> anyhow::Result<()> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    anyhow::ensure!(
        ext.as_deref() == Some("mkv"),
        "--shard: parts are Matroska files: name {} with .mkv",
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Fps;
    use crate::timeline::{FrameKey, Run};

    fn timeline(total: u64, starts: &[u64]) -> Timeline {
        let mut runs = Vec::new();
        for (i, &s) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(total);
            runs.push(Run {
                start_frame: s,
                frames: end - s,
                key: FrameKey::Blank {
                    backdrop: crate::timeline::Backdrop::only(0),
                    layers: Vec::new(),
                },
            });
        }
        Timeline {
            fps: Fps { num: 30, den: 1 },
            frame_count: total,
            runs,
        }
    }

    #[test]
    fn cuts_move_to_the_nearest_run_start_and_cover_the_video() {
        let t = timeline(100, &[0, 10, 22, 48, 53, 70, 90]);
        assert_eq!(cuts(&t, 1).unwrap(), vec![0..100]);
        // Nominal 50: 48 and 53 are run starts, 48 nearer.
        assert_eq!(cuts(&t, 2).unwrap(), vec![0..48, 48..100]);
        // Nominal 33 and 66: 22 (11 away) vs 48 (15): 22; 70 (4 away).
        assert_eq!(cuts(&t, 3).unwrap(), vec![0..22, 22..70, 70..100]);
        // One long run: no run start near, the nominal frame is used.
        let t = timeline(100, &[0]);
        assert_eq!(cuts(&t, 4).unwrap(), vec![0..25, 25..50, 50..75, 75..100]);
        // Every part keeps two frames, even when run starts crowd together.
        let t = timeline(10, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let c = cuts(&t, 5).unwrap();
        assert!(c.iter().all(|r| r.end - r.start == 2), "{c:?}");
        assert!(cuts(&t, 6).unwrap_err().to_string().contains("too few"));
        assert!(cuts(&t, 0).is_err());
    }

    #[test]
    fn shard_specs_are_checked() {
        let (s, from) = Shard::parse("2/4").unwrap();
        assert_eq!((s.index, s.count, from.as_str()), (2, 4, "--shard"));
        for bad in ["4/4", "1/0", "x/2", "2", "-1/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(Shard::parse("4/4")
            .unwrap_err()
            .to_string()
            .contains("0 to 3"));
    }

    #[test]
    fn tags_round_trip() {
        let t = PartTags {
            content: "sha256:ab".into(),
            settings: "x".into(),
            shard: Shard { index: 1, count: 3 },
            frames: 10..20,
            total: 30,
        };
        let map: HashMap<&str, String> = t.to_metadata().into_iter().collect();
        let back = PartTags::from_metadata(&|k| map.get(k).cloned()).unwrap();
        assert_eq!(back, t);
        assert!(PartTags::from_metadata(&|_| None).is_none());
    }

    #[test]
    fn joins_refuse_what_is_not_the_whole_set() {
        let tl = timeline(100, &[0, 48]);
        let part = |i: u32, n: u32, frames: Range<u64>| PartFile {
            path: PathBuf::from(format!("part-{i}.mkv")),
            tags: Some(PartTags {
                content: "c".into(),
                settings: "s".into(),
                shard: Shard { index: i, count: n },
                frames: frames.clone(),
                total: 100,
            }),
            stream: "h264".into(),
            frames: frames.collect(),
        };
        let ok = vec![part(1, 2, 48..100), part(0, 2, 0..48)];
        let got = order(&ok, "c", &tl).unwrap();
        assert_eq!(got[0].path, Path::new("part-0.mkv"));
        let err = |parts: Vec<PartFile>| order(&parts, "c", &tl).unwrap_err().to_string();
        assert!(err(vec![part(0, 2, 0..48)]).contains("missing part 1/2 (frames 48-100)"));
        assert!(err(vec![part(0, 2, 0..48), part(0, 2, 0..48)]).contains("both part 0/2"));
        assert!(err(vec![part(0, 2, 0..48), part(0, 1, 0..100)]).contains("different splits"));
        let mut foreign = part(1, 2, 48..100);
        foreign.tags.as_mut().unwrap().content = "other".into();
        assert!(err(vec![part(0, 2, 0..48), foreign])
            .contains("part-1.mkv was rendered from another project"));
        let mut short = part(1, 2, 48..100);
        short.frames.truncate(30);
        assert!(err(vec![part(0, 2, 0..48), short])
            .contains("part-1.mkv is truncated: it holds frames 48-78 of 48-100"));
        let mut other = part(1, 2, 48..100);
        other.tags.as_mut().unwrap().settings = "t".into();
        assert!(err(vec![part(0, 2, 0..48), other]).contains("other settings"));
        let mut other = part(1, 2, 48..100);
        other.stream = "hevc".into();
        assert!(err(vec![part(0, 2, 0..48), other]).contains("video stream differs"));
        let mut untagged = part(1, 2, 48..100);
        untagged.tags = None;
        assert!(err(vec![part(0, 2, 0..48), untagged]).contains("not a gpucast part"));
    }
}
