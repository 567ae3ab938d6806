//! Frames for VAAPI encoders: a device, a pool of GPU surfaces, and the upload of each frame.
//!
//! The `*_vaapi` encoders take no system-memory frames: they need `hw_frames_ctx` set before
//! opening, and every frame uploaded into a surface of that pool. Surfaces are NV12, the format
//! every VAAPI driver encodes from, so our I420 planes are interleaved on the way. Each distinct
//! frame is uploaded once; its repeats send the same surface again.
//!
//! This path can only run where a VAAPI device exists (/dev/dri/renderD*). Where none does,
//! creating the device fails with FFmpeg's error and the next encoder is tried.

use std::ptr;

use ffmpeg::ffi;
use ffmpeg::{format, frame};
use ffmpeg_next as ffmpeg;

use crate::frame::Yuv420;

/// A VAAPI device and its surface pool. Owns one reference to each.
pub struct VaapiFrames {
    device: *mut ffi::AVBufferRef,
    frames: *mut ffi::AVBufferRef,
    width: u32,
    height: u32,
}

// The references are only used from the thread that owns the encoder.
unsafe impl Send for VaapiFrames {}

fn check(ret: i32, what: &str) -> Result<(), String> {
    if ret < 0 {
        Err(format!("{what}: {}", ffmpeg::Error::from(ret)))
    } else {
        Ok(())
    }
}

impl VaapiFrames {
    /// Opens the default VAAPI device and a pool of `width`×`height` NV12 surfaces.
    pub fn new(width: u32, height: u32) -> Result<VaapiFrames, String> {
        let mut out = VaapiFrames {
            device: ptr::null_mut(),
            frames: ptr::null_mut(),
            width,
            height,
        };
        // SAFETY: FFmpeg C API used as documented; `out`'s Drop releases whatever was created.
        unsafe {
            check(
                ffi::av_hwdevice_ctx_create(
                    &mut out.device,
                    ffi::AVHWDeviceType::AV_HWDEVICE_TYPE_VAAPI,
                    ptr::null(),
                    ptr::null_mut(),
                    0,
                ),
                "no VAAPI device",
            )?;
            out.frames = ffi::av_hwframe_ctx_alloc(out.device);
            if out.frames.is_null() {
                return Err("cannot allocate VAAPI frames".into());
            }
            let ctx = (*out.frames).data as *mut ffi::AVHWFramesContext;
            (*ctx).format = ffi::AVPixelFormat::AV_PIX_FMT_VAAPI;
            (*ctx).sw_format = ffi::AVPixelFormat::AV_PIX_FMT_NV12;
            (*ctx).width = width as i32;
            (*ctx).height = height as i32;
            // The encoder's reference frames plus the frames in flight.
            (*ctx).initial_pool_size = 32;
            check(ffi::av_hwframe_ctx_init(out.frames), "VAAPI surface pool")?;
        }
        Ok(out)
    }

    /// Points the encoder at the surface pool. Call before opening it.
    ///
    /// # Safety
    /// `ctx` must be a valid, unopened encoder context.
    pub unsafe fn attach(&self, ctx: *mut ffi::AVCodecContext) {
        (*ctx).pix_fmt = ffi::AVPixelFormat::AV_PIX_FMT_VAAPI;
        (*ctx).hw_frames_ctx = ffi::av_buffer_ref(self.frames);
    }

    /// Uploads one frame into a new surface.
    pub fn upload(&self, yuv: &Yuv420) -> Result<frame::Video, String> {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut nv12 = frame::Video::new(format::Pixel::NV12, self.width, self.height);
        let (y, u, v) = yuv.planes();
        let ys = nv12.stride(0);
        for (row, src) in y.chunks_exact(w).enumerate() {
            nv12.data_mut(0)[row * ys..row * ys + w].copy_from_slice(src);
        }
        let cs = nv12.stride(1);
        let uv = nv12.data_mut(1);
        for row in 0..h / 2 {
            let dst = &mut uv[row * cs..row * cs + w];
            let (ur, vr) = (
                &u[row * w / 2..(row + 1) * w / 2],
                &v[row * w / 2..(row + 1) * w / 2],
            );
            for (i, pair) in dst.chunks_exact_mut(2).enumerate() {
                pair[0] = ur[i];
                pair[1] = vr[i];
            }
        }
        // SAFETY: a fresh AVFrame is filled by FFmpeg from the pool and owned by the wrapper.
        unsafe {
            let hw = ffi::av_frame_alloc();
            if hw.is_null() {
                return Err("cannot allocate a frame".into());
            }
            let mut surface = frame::Video::wrap(hw);
            check(
                ffi::av_hwframe_get_buffer(self.frames, surface.as_mut_ptr(), 0),
                "no free VAAPI surface",
            )?;
            check(
                ffi::av_hwframe_transfer_data(surface.as_mut_ptr(), nv12.as_ptr(), 0),
                "uploading to VAAPI",
            )?;
            Ok(surface)
        }
    }
}

impl Drop for VaapiFrames {
    fn drop(&mut self) {
        // SAFETY: each pointer is null or a reference this struct owns.
        unsafe {
            ffi::av_buffer_unref(&mut self.frames);
            ffi::av_buffer_unref(&mut self.device);
        }
    }
}
