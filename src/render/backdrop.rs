//! The pixels behind a frame's text: still backgrounds from the scene, and the frames of video
//! backgrounds. A clip's frames are decoded on a thread of their own ahead of drawing, in the
//! order the frames to be drawn will ask for them, through a short queue, so that decoding
//! overlaps drawing and encoding and memory stays flat whatever the clip's length. Without that
//! order known (a single frame) they are decoded when asked.

use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};

use crate::media::clip::Decoder;
use crate::project::VideoBackground;
use crate::scene::Scene;
use crate::timeline::{Backdrop, FrameKey};

/// Decoded frames a clip's thread may hold ready: enough to cover a batch, little memory.
const QUEUE: usize = 4;

/// Opaque RGBA8 at the output size.
pub type Pixels = Arc<Vec<u8>>;

/// A backdrop's pixels: `to` over `from` at `mix` / 255; `from` is None where one background
/// shows.
pub struct Layers {
    pub from: Option<Pixels>,
    pub to: Pixels,
    pub mix: u8,
}

type Decoded = anyhow::Result<(u32, Pixels)>;

enum Feed {
    /// Decoded when asked.
    Here(Option<Box<Decoder>>),
    /// Decoded ahead by a thread, in the order given.
    Ahead(Receiver<Decoded>),
}

struct Clip {
    video: VideoBackground,
    feed: Feed,
    /// The frame last handed out: frames in a row often show the same one.
    last: Option<(u32, Pixels)>,
}

pub struct Backdrops {
    scene: Arc<Scene>,
    /// Per background of the scene, its clip where it is a video. Behind a lock only so that a
    /// renderer holding this can be shared by its drawing threads; it is used through `&mut`.
    clips: Vec<Option<Mutex<Clip>>>,
}

impl Backdrops {
    pub fn new(scene: Arc<Scene>) -> Backdrops {
        let clips = scene
            .videos
            .iter()
            .map(|v| {
                v.as_ref().map(|video| {
                    Mutex::new(Clip {
                        video: video.clone(),
                        feed: Feed::Here(None),
                        last: None,
                    })
                })
            })
            .collect();
        Backdrops { scene, clips }
    }

    /// Starts decoding, on a thread per clip, every clip frame `keys` will ask for, in their
    /// order. Frames must then be asked for in that order (others are decoded when asked).
    pub fn decode_ahead<'a>(&mut self, keys: impl Iterator<Item = &'a FrameKey>) {
        if self.clips.iter().all(Option::is_none) {
            return;
        }
        let mut wanted: Vec<Vec<u32>> = vec![Vec::new(); self.clips.len()];
        for key in keys {
            for (bg, frame) in key.backdrop().layers() {
                let list = &mut wanted[bg as usize];
                if self.clips[bg as usize].is_some() && list.last() != Some(&frame) {
                    list.push(frame);
                }
            }
        }
        let (w, h) = (self.scene.width, self.scene.height);
        for (clip, frames) in self.clips.iter_mut().zip(wanted) {
            let Some(clip) = clip else { continue };
            let clip = clip.get_mut().unwrap_or_else(|p| p.into_inner());
            if frames.is_empty() {
                continue;
            }
            let (tx, rx) = mpsc::sync_channel::<Decoded>(QUEUE);
            let video = clip.video.clone();
            let spawned = std::thread::Builder::new()
                .name("gpucast-clip".into())
                .spawn(move || {
                    let mut decoder = match Decoder::open(&video.path, &video.clip, video.fit, w, h)
                    {
                        Ok(d) => d,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    };
                    for k in frames {
                        let decoded = decoder.frame(k as usize).map(|px| (k, Arc::new(px)));
                        let failed = decoded.is_err();
                        // The drawing side has stopped (done, or failed): so does decoding.
                        if tx.send(decoded).is_err() || failed {
                            return;
                        }
                    }
                });
            match spawned {
                Ok(_) => clip.feed = Feed::Ahead(rx),
                Err(e) => log::warn!("clip frames are decoded as drawn: {e}"),
            }
            clip.last = None;
        }
    }

    /// Whether any background is a video (then frames differ with the clip's).
    pub fn has_video(&self) -> bool {
        self.clips.iter().any(Option::is_some)
    }

    pub fn is_video(&self, bg: u16) -> bool {
        self.clips.get(bg as usize).is_some_and(Option::is_some)
    }

    /// The pixels of background `bg` showing clip frame `frame` (ignored for a still).
    pub fn layer(&mut self, bg: u16, frame: u32) -> anyhow::Result<Pixels> {
        let (w, h) = (self.scene.width, self.scene.height);
        let Some(Some(clip)) = self.clips.get_mut(bg as usize) else {
            let still = self.scene.backgrounds.get(bg as usize);
            return still.cloned().ok_or_else(|| {
                anyhow::anyhow!("frame key names background {bg}, not in the scene")
            });
        };
        let clip = clip.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some((k, px)) = &clip.last {
            if *k == frame {
                return Ok(px.clone());
            }
        }
        let got = match &mut clip.feed {
            Feed::Ahead(rx) => match rx.recv() {
                Ok(Ok((k, px))) if k == frame => Some(px),
                Ok(Err(e)) => return Err(e),
                // Asked out of the order given: decoded here from now on.
                Ok(Ok(_)) | Err(_) => {
                    clip.feed = Feed::Here(None);
                    None
                }
            },
            Feed::Here(_) => None,
        };
        let mut px = match got {
            Some(px) => px,
            None => {
                let Feed::Here(decoder) = &mut clip.feed else {
                    unreachable!("set just above")
                };
                if decoder.is_none() {
                    let v = &clip.video;
                    *decoder = Some(Box::new(Decoder::open(&v.path, &v.clip, v.fit, w, h)?));
                }
                Arc::new(decoder.as_mut().expect("opened").frame(frame as usize)?)
            }
        };
        if let Some(o) = &self.scene.layers.baked {
            o.lay_over(Arc::make_mut(&mut px).as_mut_slice(), w);
        }
        clip.last = Some((frame, px.clone()));
        Ok(px)
    }

    /// The pixels of `backdrop`.
    pub fn layers(&mut self, backdrop: Backdrop) -> anyhow::Result<Layers> {
        let to = self.layer(backdrop.to, backdrop.to_frame)?;
        let from = if (backdrop.from, backdrop.from_frame) == (backdrop.to, backdrop.to_frame) {
            None
        } else {
            Some(self.layer(backdrop.from, backdrop.from_frame)?)
        };
        Ok(Layers {
            from,
            to,
            mix: backdrop.mix,
        })
    }
}
