//! The studio's HTTP API (documented in docs/STUDIO.md): the page, frames, the project and its
//! drafts, the narration, the sync check and renders. Every request passes `guard` first; the
//! work itself runs on blocking threads, off the server's.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

use super::guard::Access;
use super::renders::{self, Renders};
use super::session::{Draft, SaveError, Session};

pub struct Studio {
    pub session: Session,
    pub renders: Renders,
    pub access: Access,
    pub voice: String,
}

type Shared = Arc<Studio>;

pub fn router(studio: Shared) -> Router {
    let limit = crate::project::limits::PROJECT_BYTES as usize;
    Router::new()
        .route("/", get(page))
        .route("/api/info", get(info))
        .route("/api/project", get(get_project).put(put_project))
        .route("/api/draft", get(get_draft).put(put_draft))
        .route("/api/frame", get(frame))
        .route("/api/audio", get(audio))
        .route("/api/sync", axum::routing::post(sync))
        .route("/api/render", axum::routing::post(start_render))
        .route("/api/render/{id}", get(render_status).delete(cancel_render))
        .route("/api/render/{id}/file", get(render_file))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(studio.clone(), guard))
        .with_state(studio)
}

/// Refuses requests without the token, or addressed to or sent from elsewhere.
async fn guard(State(s): State<Shared>, req: Request, next: Next) -> Response {
    if let Err(refusal) = check(&s.access, &req) {
        let status = match refusal {
            super::guard::Refusal::Token => StatusCode::UNAUTHORIZED,
            _ => StatusCode::FORBIDDEN,
        };
        return (status, Json(json!({ "error": refusal.message() }))).into_response();
    }
    // A body over the limit is refused before it is read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > crate::project::limits::PROJECT_BYTES) {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is over the {} MB limit for projects",
                crate::project::limits::PROJECT_BYTES >> 20
            ),
        );
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    res
}

fn check(access: &Access, req: &Request) -> Result<(), super::guard::Refusal> {
    let header = |name: header::HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
    let token = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")));
    access.check(header(header::HOST), header(header::ORIGIN), token)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// Runs blocking work off the server's threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")))
}

const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/studio.js");
const STYLE: &str = include_str!("page/studio.css");

async fn page() -> Response {
    let html = PAGE
        .replace("/*STYLE*/", STYLE)
        .replace("/*SCRIPT*/", SCRIPT);
    let mut res = html.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Nothing from elsewhere: no frames around it, no scripts or images but its own.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' blob: data:; media-src 'self'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

async fn info(State(s): State<Shared>) -> Response {
    let looks: Vec<&str> = crate::project::looks::BUILT_IN
        .iter()
        .map(|l| l.0)
        .collect();
    let presets: Vec<&str> = crate::project::presets::PRESETS
        .iter()
        .map(|p| p.name)
        .collect();
    Json(json!({
        "project": s.session.name(),
        "looks": looks,
        "presets": presets,
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

/// The project file as it is on disk; its version in `ETag`.
async fn get_project(State(s): State<Shared>) -> Response {
    let (text, version) = s.session.disk();
    let mut res = text.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        h.insert(header::ETAG, v);
    }
    res
}

fn body_text(body: Bytes) -> Result<String, Box<Response>> {
    String::from_utf8(body.to_vec()).map_err(|_| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "the project must be UTF-8 JSON",
        ))
    })
}

/// Saves the project: 200 with the new version, 422 with the problems, 409 when the file
/// changed on disk (or `If-Match` names another version).
async fn put_project(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let text = match body_text(body) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let expected = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_matches('"').to_string());
    let studio = s.clone();
    let saved = blocking(move || {
        let saved = studio.session.save(&text, expected.as_deref());
        (saved, studio.session.draft())
    })
    .await;
    match saved {
        Err(r) => r,
        Ok((Ok(version), draft)) => {
            Json(json!({ "version": version, "draft": draft_json(&draft) })).into_response()
        }
        Ok((Err(SaveError::Invalid(problems)), draft)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": "the project has problems; nothing was saved", "problems": problems, "draft": draft_json(&draft) })),
        )
            .into_response(),
        Ok((Err(SaveError::Changed), _)) => error(
            StatusCode::CONFLICT,
            format!(
                "{} changed on disk since the studio read it; nothing was saved (reload to see it)",
                s.session.name()
            ),
        ),
        Ok((Err(SaveError::Failed(e)), _)) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}"))
        }
    }
}

/// A draft as the page needs it: its problems and warnings, and the timeline of what the
/// preview shows (frame rate, length, where slides and distinct frames begin).
fn draft_json(d: &Draft) -> serde_json::Value {
    let timeline = d.prepared.as_ref().map(|p| {
        let fps = p.project.fps;
        let slides: Vec<_> = p
            .project
            .slides
            .iter()
            .map(|s| json!([s.start, s.end]))
            .collect();
        let runs: Vec<u64> = p.timeline.runs.iter().map(|r| r.start_frame).collect();
        json!({
            "fps": fps.as_f64(),
            "fps_num": fps.num,
            "fps_den": fps.den,
            "frames": p.timeline.frame_count,
            "duration": p.project.duration(),
            "width": p.project.width,
            "height": p.project.height,
            "slides": slides,
            "runs": runs,
        })
    });
    json!({
        "id": d.id,
        "valid": d.problems.is_empty(),
        "problems": d.problems,
        "warnings": d.warnings,
        "timeline": timeline,
    })
}

async fn get_draft(State(s): State<Shared>) -> Response {
    let d = s.session.draft();
    let mut v = draft_json(&d);
    v["text"] = json!(d.text);
    Json(v).into_response()
}

/// Checks an edit and makes it what the preview shows: 200, or 422 with its problems (the
/// preview keeping the last good draft).
async fn put_draft(State(s): State<Shared>, body: Bytes) -> Response {
    let text = match body_text(body) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    let studio = s.clone();
    match blocking(move || studio.session.set_draft(&text)).await {
        Err(r) => r,
        Ok(d) if d.problems.is_empty() => Json(draft_json(&d)).into_response(),
        Ok(d) => (StatusCode::UNPROCESSABLE_ENTITY, Json(draft_json(&d))).into_response(),
    }
}

#[derive(Deserialize)]
struct FrameQuery {
    t: f64,
    /// Absent or empty: full size.
    width: Option<String>,
}

/// The frame at `t` seconds as PNG; `X-Frame` and `X-Draft` say which.
async fn frame(
    State(s): State<Shared>,
    q: Result<Query<FrameQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return error(
            StatusCode::BAD_REQUEST,
            "t: give the time in seconds (?t=12.5)",
        );
    };
    let width = match q.width.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(w) => match w.parse::<u32>() {
            Ok(w) => Some(w),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("width: \"{w}\" is not a number of pixels"),
                )
            }
        },
    };
    let studio = s.clone();
    match blocking(move || studio.session.frame(q.t, width)).await {
        Err(r) => r,
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, format!("{e:#}")),
        Ok(Ok(f)) => {
            let mut res = Body::from(f.png.as_ref().clone()).into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            h.insert("x-frame", HeaderValue::from(f.frame));
            h.insert("x-draft", HeaderValue::from(f.draft));
            res
        }
    }
}

/// The narration the project names, for the page's player, with byte ranges (seeking).
async fn audio(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let Some(path) = s.session.narration() else {
        return error(
            StatusCode::NOT_FOUND,
            "the project has problems: no narration to play",
        );
    };
    let kind = match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("wav") => "audio/wav",
        Some("mp3") => "audio/mpeg",
        Some("ogg" | "oga" | "opus") => "audio/ogg",
        Some("m4a" | "aac" | "mp4") => "audio/mp4",
        Some("flac") => "audio/flac",
        Some("webm") => "audio/webm",
        _ => "application/octet-stream",
    };
    let range = range_of(&headers);
    send_file(&path, kind, range.as_deref(), None).await
}

fn range_of(headers: &HeaderMap) -> Option<String> {
    let range = headers.get(header::RANGE)?.to_str().ok()?;
    Some(range.to_string())
}

/// A file's bytes, whole or the one range asked for.
async fn send_file(
    path: &std::path::Path,
    kind: &'static str,
    range: Option<&str>,
    download: Option<&str>,
) -> Response {
    let Ok(mut file) = tokio::fs::File::open(path).await else {
        return error(StatusCode::NOT_FOUND, "the file is gone");
    };
    let Ok(len) = file.metadata().await.map(|m| m.len()) else {
        return error(StatusCode::NOT_FOUND, "the file is gone");
    };
    let wanted = range.and_then(|r| parse_range(r, len));
    if range.is_some() && wanted.is_none() {
        let mut res = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
            res.headers_mut().insert(header::CONTENT_RANGE, v);
        }
        return res;
    }
    let (start, end) = wanted.unwrap_or((0, len.saturating_sub(1)));
    let count = if len == 0 { 0 } else { end - start + 1 };
    if file.seek(std::io::SeekFrom::Start(start)).await.is_err() {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file");
    }
    let stream = tokio_util::io::ReaderStream::new(file.take(count));
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
    if wanted.is_some() {
        *res.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
            res.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    if let Some(name) = download {
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
    }
    res
}

/// `bytes=A-B`, `bytes=A-` or `bytes=-N` of a file of `len` bytes, as an inclusive range.
fn parse_range(given: &str, len: u64) -> Option<(u64, u64)> {
    let spec = given.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        (len.saturating_sub(n), len - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() {
            len - 1
        } else {
            b.parse::<u64>().ok()?.min(len - 1)
        };
        (start, end)
    };
    (start <= end && start < len).then_some((start, end))
}

/// Listens to the narration against the draft's words: the offset and drift, and every word
/// the voice puts more than a frame from where the draft has it, with where it would go.
async fn sync(State(s): State<Shared>) -> Response {
    let studio = s.clone();
    match blocking(move || super::check_sync(&studio.session, &studio.voice)).await {
        Err(r) => r,
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}")),
        Ok(Ok(v)) => Json(v).into_response(),
    }
}

async fn start_render(State(s): State<Shared>, body: Bytes) -> Response {
    let body: &[u8] = if body.is_empty() { b"{}" } else { &body };
    let request: renders::Request = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("render options: {e}")),
    };
    let draft = s.session.draft();
    if draft.prepared.is_none() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the project has problems; fix them before rendering",
        );
    }
    match s.renders.start(
        draft.text.clone(),
        s.session.base(),
        &s.session.name(),
        &request,
    ) {
        Ok(id) => (StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response(),
        Err(e) if e.starts_with("a render") => error(StatusCode::CONFLICT, e),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn render_status(State(s): State<Shared>, UrlPath(id): UrlPath<u64>) -> Response {
    match s.renders.status(id, s.access.token()) {
        Some(st) => Json(st).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no render {id}")),
    }
}

async fn cancel_render(State(s): State<Shared>, UrlPath(id): UrlPath<u64>) -> Response {
    match s.renders.cancel(id) {
        true => StatusCode::NO_CONTENT.into_response(),
        false => error(StatusCode::NOT_FOUND, format!("no render {id}")),
    }
}

async fn render_file(
    State(s): State<Shared>,
    UrlPath(id): UrlPath<u64>,
    headers: HeaderMap,
) -> Response {
    let Some((path, name)) = s.renders.file(id) else {
        return error(
            StatusCode::NOT_FOUND,
            format!("render {id} has no finished file"),
        );
    };
    let kind = match name.rsplit('.').next() {
        Some("mp4") => "video/mp4",
        Some("mov") => "video/quicktime",
        Some("webm") => "video/webm",
        _ => "video/x-matroska",
    };
    let range = range_of(&headers);
    send_file(&path, kind, range.as_deref(), Some(&name)).await
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-", 100), Some((0, 99)));
        assert_eq!(parse_range("bytes=10-19", 100), Some((10, 19)));
        assert_eq!(parse_range("bytes=90-200", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-2", 100), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
    }
}
