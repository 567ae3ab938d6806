"use strict";
// The studio's page. It holds the project as the user edits it (a JSON object), sends every
// edit to the server as a draft (checked and laid out there), and shows the frames the server
// draws of it. Nothing here draws text: the preview is the render.

const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
const api = (path, params = {}) => {
  const q = new URLSearchParams(params);
  q.set("token", token);
  return `${path}?${q}`;
};

const studio = {
  ready: false,
  project: null,     // the draft as the page has it
  version: null,     // the file's version when read or last saved
  draft: null,       // the server's answer for the latest draft: id, problems, timeline
  timeline: null,    // the last good draft's timeline (what the preview shows)
  slide: 0,
  selected: 0,       // the selected word of the current slide
  time: 0,
  shown: null,       // the frame on screen: {t, frame, draft, width}
  latencies: [],     // ms from a scrub to its frame on screen
  undo: [], redo: [],
  sync: null,
  render: null,
  saved: true,
};
window.studio = studio;

function status(text, error = false) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

// ---- drafts -------------------------------------------------------------------------------

let draftTimer = null;
let draftSeq = 0;

function edit(change) {
  studio.undo.push(JSON.stringify(studio.project));
  if (studio.undo.length > 500) studio.undo.shift();
  studio.redo = [];
  change(studio.project);
  changed();
}

function changed() {
  studio.saved = JSON.stringify(studio.project) === studio.savedJson;
  $("save").disabled = studio.saved;
  renderWords();
  renderLane();
  clearTimeout(draftTimer);
  draftTimer = setTimeout(sendDraft, 120);
  $("undo").disabled = studio.undo.length === 0;
  $("redo").disabled = studio.redo.length === 0;
}

function text() {
  return JSON.stringify(studio.project, null, 1) + "\n";
}

async function sendDraft() {
  const seq = ++draftSeq;
  studio.pending = true;
  const r = await fetch(api("/api/draft"), { method: "PUT", body: text() });
  const d = await r.json();
  if (seq !== draftSeq) return;
  studio.pending = false;
  takeDraft(d);
}

function takeDraft(d) {
  studio.draft = d;
  if (d.timeline) studio.timeline = d.timeline;
  renderProblems();
  renderMarks();
  renderLane();
  renderWords();
  show(studio.time, true);
}

function undo() {
  if (!studio.undo.length) return;
  studio.redo.push(JSON.stringify(studio.project));
  studio.project = JSON.parse(studio.undo.pop());
  changed();
}

function redo() {
  if (!studio.redo.length) return;
  studio.undo.push(JSON.stringify(studio.project));
  studio.project = JSON.parse(studio.redo.pop());
  changed();
}

async function save() {
  clearTimeout(draftTimer);
  status("saving…");
  const headers = studio.version ? { "If-Match": `"${studio.version}"` } : {};
  const r = await fetch(api("/api/project"), { method: "PUT", body: text(), headers });
  const d = await r.json();
  if (d.draft) takeDraft(d.draft);
  if (r.ok) {
    studio.version = d.version;
    studio.savedJson = JSON.stringify(studio.project);
    studio.saved = true;
    $("save").disabled = true;
    status("saved");
  } else if (r.status === 422) {
    status(`not saved: ${d.problems.length} problem${d.problems.length === 1 ? "" : "s"}`, true);
    tab("problems");
  } else {
    status(d.error || `not saved (${r.status})`, true);
  }
}

// ---- frames -------------------------------------------------------------------------------

const frames = new Map();   // "draft:run:width" -> object URL
const blobs = new Map();    // object URL -> the PNG as received
const decoded = new Map();  // object URL -> an image holding it decoded
let wanted = null;          // the latest time asked for
let fetching = false;

function width() {
  const v = $("size").value;
  return v === "full" ? null : Number(v);
}

function frameAt(t) {
  const tl = studio.timeline;
  const f = Math.floor(t * tl.fps_num / tl.fps_den + 1e-6);
  return Math.max(0, Math.min(tl.frames - 1, f));
}

function runOf(frame) {
  const runs = studio.timeline.runs;
  let lo = 0, hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid] <= frame) lo = mid; else hi = mid - 1;
  }
  return lo;
}

function keyOf(t) {
  const id = studio.draft && studio.draft.timeline ? studio.draft.id : studio.shownDraft;
  return `${id}:${runOf(frameAt(t))}:${width() || "full"}`;
}

async function fetchFrame(t) {
  const params = { t: t.toFixed(6) };
  if (width()) params.width = width();
  const r = await fetch(api("/api/frame", params));
  if (!r.ok) throw new Error((await r.json()).error);
  const draft = Number(r.headers.get("x-draft"));
  const frame = Number(r.headers.get("x-frame"));
  const blob = await r.blob();
  const url = URL.createObjectURL(blob);
  blobs.set(url, blob);
  // Decoded now, off the moment it is shown: swapping it in costs nothing then.
  const img = new Image();
  img.src = url;
  await img.decode().catch(() => {});
  decoded.set(url, img);
  studio.shownDraft = draft;
  const key = `${draft}:${runOf(frame)}:${width() || "full"}`;
  if (frames.has(key)) forget(url); else frames.set(key, url);
  if (frames.size > 600) {
    const [k, old] = frames.entries().next().value;
    frames.delete(k);
    forget(old);
  }
  return { url: frames.get(key), draft, frame };
}

// Shows the frame at `t`: from the page's cache, or asked of the server (the latest time wins
// while one is on its way).
function show(t, fresh = false, started = performance.now()) {
  if (!studio.timeline) return;
  t = Math.max(0, Math.min(t, studio.timeline.duration - 1e-6));
  studio.time = t;
  $("clock").textContent = t.toFixed(3);
  if (document.activeElement !== $("scrub")) $("scrub").value = t;
  placePlayhead();
  followSlide(t);
  if (fresh) { for (const u of frames.values()) forget(u); frames.clear(); }
  const cached = frames.get(keyOf(t));
  if (cached) { display(cached, t, started); return; }
  wanted = { t, started };
  pump();
}

async function pump() {
  if (fetching || !wanted) return;
  const { t, started } = wanted;
  wanted = null;
  fetching = true;
  try {
    const f = await fetchFrame(t);
    if (!wanted) display(f.url, t, started, f);
  } catch (e) {
    status(String(e.message || e), true);
  } finally {
    fetching = false;
    pump();
  }
}

function forget(url) {
  URL.revokeObjectURL(url);
  blobs.delete(url);
  decoded.delete(url);
}

function display(url, t, started, f) {
  const img = $("preview");
  if (img.src !== url) img.src = url;
  img.decode().catch(() => {}).then(() => {
    studio.shown = { t, url, png: blobs.get(url), frame: f ? f.frame : frameAt(t), width: width() };
    if (started !== undefined && studio.scrubbing) {
      studio.latencies.push(performance.now() - started);
      studio.scrubbing = false;
    }
  });
}

// While playing, the frames of the next two seconds are asked for ahead of the clock.
let ahead = 0;
async function prefetch(t) {
  if (ahead >= 2 || !studio.timeline) return;
  const tl = studio.timeline;
  const end = Math.min(tl.duration - 1e-6, t + 2);
  let f = frameAt(t);
  const last = frameAt(end);
  let run = runOf(f);
  while (run < tl.runs.length && tl.runs[run] <= last) {
    const start = Math.max(tl.runs[run], f);
    const at = (start + 0.5) * tl.fps_den / tl.fps_num;
    if (!frames.has(`${studio.shownDraft}:${run}:${width() || "full"}`) && at < tl.duration) {
      ahead++;
      fetchFrame(at).catch(() => {}).finally(() => { ahead--; });
      return;
    }
    run++;
  }
}

// ---- playback -----------------------------------------------------------------------------

const audio = $("narration");

function togglePlay() {
  if (audio.paused) {
    if (Math.abs(audio.currentTime - studio.time) > 0.05) audio.currentTime = studio.time;
    audio.play().catch((e) => status(`cannot play the narration: ${e.message}`, true));
  } else {
    audio.pause();
  }
}

function tick() {
  if (!audio.paused) {
    show(audio.currentTime);
    prefetch(audio.currentTime);
  }
  requestAnimationFrame(tick);
}

audio.addEventListener("play", () => { $("play").textContent = "Pause"; });
audio.addEventListener("pause", () => { $("play").textContent = "Play"; });

// ---- slides and words ---------------------------------------------------------------------

function slides() { return studio.project.slides || []; }

function span(i) {
  const tl = studio.timeline;
  if (tl && tl.slides[i]) return tl.slides[i];
  const s = slides()[i] || {};
  return [s.start || 0, s.end || (s.start || 0) + 1];
}

function followSlide(t) {
  const tl = studio.timeline;
  if (!tl || studio.dragging) return;
  let i = 0;
  for (let k = 0; k < tl.slides.length; k++) if (tl.slides[k][0] <= t + 1e-9) i = k;
  if (i !== studio.slide) {
    studio.slide = i;
    studio.selected = 0;
    renderWords();
    renderLane();
  }
}

function goSlide(i) {
  i = Math.max(0, Math.min(slides().length - 1, i));
  studio.slide = i;
  studio.selected = 0;
  renderWords();
  renderLane();
  show(span(i)[0] + 1e-4);
}

const fmt = (v) => (typeof v === "number" ? v.toFixed(3) : "");
function frameLength() {
  const tl = studio.timeline;
  return tl ? tl.fps_den / tl.fps_num : 1 / 30;
}

function flagged(path) {
  return studio.sync && studio.sync.off.find((w) => w.path === path);
}

function renderWords() {
  const slide = slides()[studio.slide];
  const body = $("wordtable").tBodies[0];
  body.textContent = "";
  $("slide").textContent = slide
    ? `Slide ${studio.slide + 1} of ${slides().length}: ${fmt(span(studio.slide)[0])}–${fmt(span(studio.slide)[1])}`
    : "no slides";
  const area = $("slidetext");
  if (!slide) return;
  if (!slide.words) {
    area.hidden = false;
    area.value = slide.text || "";
    area.onchange = () => edit((p) => { p.slides[studio.slide].text = area.value; });
    return;
  }
  area.hidden = true;
  const problems = (studio.draft && studio.draft.problems) || [];
  slide.words.forEach((w, j) => {
    const path = `slides[${studio.slide}].words[${j}]`;
    const tr = document.createElement("tr");
    tr.dataset.word = j;
    if (j === studio.selected) tr.className = "sel";
    if (problems.some((p) => p.startsWith(path + ":") || p.startsWith(path + "."))) tr.classList.add("bad");
    const cell = (input) => { const td = document.createElement("td"); td.append(input); tr.append(td); return td; };
    const word = document.createElement("input");
    word.value = w.text || "";
    word.className = "text";
    word.onchange = () => edit((p) => { p.slides[studio.slide].words[j].text = word.value; });
    cell(word);
    for (const field of ["start", "end"]) {
      const input = document.createElement("input");
      input.className = `time ${field}`;
      input.value = fmt(w[field]);
      input.inputMode = "decimal";
      input.onchange = () => {
        const v = Number(input.value);
        if (input.value.trim() === "" || !Number.isFinite(v)) { input.classList.add("bad"); return; }
        edit((p) => { p.slides[studio.slide].words[j][field] = Math.round(v * 1000) / 1000; });
      };
      input.onkeydown = (e) => {
        if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
        e.preventDefault();
        const step = frameLength() * (e.shiftKey ? 10 : 1) * (e.key === "ArrowUp" ? 1 : -1);
        const v = Math.max(0, Math.round((Number(input.value) + step) * 1000) / 1000);
        edit((p) => { p.slides[studio.slide].words[j][field] = v; });
        const again = $("wordtable").querySelector(`tr[data-word="${j}"] input.${field}`);
        if (again) again.focus();
        show(v + 1e-4);
      };
      cell(input);
    }
    const flag = document.createElement("td");
    flag.className = "flag";
    const f = flagged(path);
    if (f) {
      const ms = Math.round((f.voice_start - f.start) * 1000);
      flag.textContent = `voice ${ms > 0 ? "+" : ""}${ms} ms `;
      const b = document.createElement("button");
      b.textContent = "apply";
      b.onclick = () => applySync([f]);
      flag.append(b);
    }
    tr.append(flag);
    tr.onclick = (e) => {
      if (studio.selected !== j) {
        studio.selected = j;
        for (const row of body.rows) row.classList.toggle("sel", row === tr);
        renderLane();
      }
      if (e.target.tagName !== "INPUT" || !e.target.classList.contains("time")) return;
      show((w.start || 0) + 1e-4);
    };
    body.append(tr);
  });
}

function split() {
  const i = studio.slide, j = studio.selected;
  const slide = slides()[i];
  if (!slide || !slide.words || j === 0) { status("select a word after the first to split there", true); return; }
  edit((p) => {
    const s = p.slides[i];
    const rest = { ...s, start: s.words[j].start, words: s.words.slice(j) };
    delete rest.background; delete rest.translation; delete rest.text;
    s.words = s.words.slice(0, j);
    delete s.end;
    if (rest.end === undefined) delete rest.end;
    p.slides.splice(i + 1, 0, rest);
  });
  goSlide(i + 1);
}

function merge() {
  const i = studio.slide;
  const [a, b] = [slides()[i], slides()[i + 1]];
  if (!a || !b) { status("no next slide to merge with", true); return; }
  if (!a.words || !b.words) { status("only slides of timed words can be merged", true); return; }
  edit((p) => {
    const s = p.slides[i], n = p.slides[i + 1];
    s.words = s.words.concat(n.words);
    if (n.end !== undefined) s.end = n.end; else delete s.end;
    p.slides.splice(i + 1, 1);
  });
}

// ---- the lane: the slide's words on a time axis -------------------------------------------

function laneScale() {
  const [a, b] = span(studio.slide);
  const w = $("lane").clientWidth || 1;
  return { a, b, px: w / Math.max(b - a, 1e-3) };
}

// Slide boundaries over the scrub bar.
function renderMarks() {
  const marks = $("marks");
  marks.textContent = "";
  const tl = studio.timeline;
  if (!tl) return;
  $("scrub").max = tl.duration;
  for (const [start] of tl.slides) {
    const m = document.createElement("span");
    m.style.left = `${(100 * start) / tl.duration}%`;
    marks.append(m);
  }
}

function placePlayhead() {
  const { a, px } = laneScale();
  $("playhead").style.left = `${(studio.time - a) * px}px`;
}

function renderLane() {
  const lane = $("lane");
  for (const el of [...lane.querySelectorAll(".w")]) el.remove();
  const slide = slides()[studio.slide];
  if (!slide || !slide.words) return;
  const { a, px } = laneScale();
  slide.words.forEach((w, j) => {
    if (typeof w.start !== "number" || typeof w.end !== "number") return;
    const el = document.createElement("div");
    el.className = "w" + (j === studio.selected ? " sel" : "");
    el.style.left = `${(w.start - a) * px}px`;
    el.style.width = `${Math.max(4, (w.end - w.start) * px)}px`;
    el.textContent = w.text || "";
    for (const side of ["l", "r"]) {
      const h = document.createElement("div");
      h.className = `edge ${side}`;
      el.append(h);
    }
    el.onmousedown = (e) => drag(e, j, e.target.classList.contains("l") ? "start" : e.target.classList.contains("r") ? "end" : "both");
    lane.append(el);
  });
  placePlayhead();
}

function drag(e, j, what) {
  e.preventDefault();
  const { px } = laneScale();
  const w = slides()[studio.slide].words[j];
  const from = { x: e.clientX, start: w.start, end: w.end };
  const before = JSON.stringify(studio.project);
  studio.dragging = true;
  studio.selected = j;
  const snap = (v) => Math.max(0, Math.round(v * 1000) / 1000);
  const move = (m) => {
    const dt = (m.clientX - from.x) / px;
    if (what !== "end") w.start = snap(Math.min(from.start + dt, what === "both" ? Infinity : w.end));
    if (what !== "start") w.end = snap(Math.max(from.end + dt, what === "both" ? -Infinity : w.start));
    renderLane();
    show((what === "end" ? w.end : w.start) + 1e-4);
  };
  const up = () => {
    removeEventListener("mousemove", move);
    removeEventListener("mouseup", up);
    studio.dragging = false;
    if (JSON.stringify(studio.project) !== before) {
      studio.undo.push(before);
      studio.redo = [];
      changed();
    }
  };
  addEventListener("mousemove", move);
  addEventListener("mouseup", up);
}

// ---- problems -----------------------------------------------------------------------------

function renderProblems() {
  const d = studio.draft || { problems: [], warnings: [] };
  const list = $("problemlist");
  list.textContent = "";
  const add = (text, kind) => {
    const li = document.createElement("li");
    li.className = kind;
    li.textContent = text;
    li.onclick = () => jump(text);
    list.append(li);
  };
  d.problems.forEach((p) => add(p, "problem"));
  d.warnings.forEach((w) => add(w, "warning"));
  const n = d.problems.length;
  $("count").textContent = n ? `(${n})` : d.warnings.length ? `(${d.warnings.length} warnings)` : "";
  if (n) status(`${n} problem${n === 1 ? "" : "s"}: the preview shows the last good edit`, true);
  else status(studio.saved ? "" : "edited (not saved)");
}

// `slides[3].words[5].end: ...` opens slide 3 with word 5 selected, at the word.
function jump(text) {
  const m = /^slides\[(\d+)\](?:\.words\[(\d+)\])?/.exec(text);
  if (!m) return;
  const i = Number(m[1]);
  goSlide(i);
  if (m[2] !== undefined) {
    studio.selected = Number(m[2]);
    const w = (slides()[i].words || [])[studio.selected];
    renderWords();
    renderLane();
    if (w && typeof w.start === "number") show(w.start + 1e-4);
  }
  tab("words");
}

// ---- sync ---------------------------------------------------------------------------------

async function checkSync() {
  $("check").disabled = true;
  $("syncsummary").textContent = "listening to the narration…";
  try {
    const r = await fetch(api("/api/sync"), { method: "POST" });
    const d = await r.json();
    if (!r.ok) throw new Error(d.error);
    studio.sync = d;
    $("syncsummary").textContent =
      `${d.words} words: offset ${d.offset_ms.toFixed(0)} ms, drift ${d.drift_s_per_hour.toFixed(2)} s an hour; ` +
      `${d.off.length} words more than a frame from the voice` + (d.unplaced ? ` (${d.unplaced})` : "");
    const list = $("synclist");
    list.textContent = "";
    for (const w of d.off) {
      const li = document.createElement("li");
      const ms = Math.round((w.voice_start - w.start) * 1000);
      li.textContent = `${w.path} "${w.text}": ${w.start.toFixed(3)} → ${w.voice_start.toFixed(3)} (${ms > 0 ? "+" : ""}${ms} ms)`;
      li.onclick = () => jump(w.path);
      list.append(li);
    }
    $("applyall").hidden = d.off.length === 0;
    renderWords();
  } catch (e) {
    $("syncsummary").textContent = `no check: ${e.message}`;
  } finally {
    $("check").disabled = false;
  }
}

function applySync(list) {
  edit((p) => {
    for (const w of list) {
      const m = /^slides\[(\d+)\]\.words\[(\d+)\]$/.exec(w.path);
      const word = m && p.slides[Number(m[1])] && (p.slides[Number(m[1])].words || [])[Number(m[2])];
      if (!word) continue;
      word.start = Math.round(w.voice_start * 1000) / 1000;
      word.end = Math.round(w.voice_end * 1000) / 1000;
    }
  });
  const done = new Set(list.map((w) => w.path));
  studio.sync.off = studio.sync.off.filter((w) => !done.has(w.path));
  $("applyall").hidden = studio.sync.off.length === 0;
  renderWords();
}

// ---- looks --------------------------------------------------------------------------------

const DEFAULTS = {
  upcoming: { weight: "regular", color: "#b8c2d6" },
  current: { weight: "bold", color: "#ffd54a" },
  spoken: { weight: "bold", color: "#ffffff" },
};

function get(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function set(obj, path, value) {
  const keys = path.split(".");
  const chain = [obj];
  for (const k of keys.slice(0, -1)) {
    const o = chain[chain.length - 1];
    if (typeof o[k] !== "object" || o[k] === null) o[k] = {};
    chain.push(o[k]);
  }
  const o = chain[chain.length - 1];
  const last = keys[keys.length - 1];
  if (value === undefined || value === "") delete o[last]; else o[last] = value;
  // Leave no empty objects behind.
  for (let i = chain.length - 1; i > 0 && !Object.keys(chain[i]).length; i--) delete chain[i - 1][keys[i - 1]];
}

function control(box, label, path, kind, options) {
  const l = document.createElement("label");
  const s = document.createElement("span");
  s.textContent = label;
  l.append(s);
  let input;
  if (kind === "select") {
    input = document.createElement("select");
    for (const o of options) {
      const opt = document.createElement("option");
      opt.value = o; opt.textContent = o || "(none)";
      input.append(opt);
    }
  } else {
    input = document.createElement("input");
    input.type = kind;
    if (kind === "number") input.step = "any";
  }
  input.dataset.path = path;
  const read = () => {
    const v = get(studio.project, path);
    const fallback = get(DEFAULTS, path.replace(/^style\./, ""));
    if (kind === "checkbox") input.checked = v === true;
    else if (kind === "color") input.value = (typeof v === "string" ? v : fallback || "#000000").slice(0, 7);
    else input.value = v ?? (kind === "select" ? (fallback || "") : "");
  };
  read();
  input.refresh = read;
  input.onchange = () => {
    let v;
    if (kind === "checkbox") v = input.checked || undefined;
    else if (kind === "number") v = input.value === "" ? undefined : Number(input.value);
    else if (kind === "color") {
      // Keep the alpha the project gave the colour.
      const old = get(studio.project, path);
      v = input.value + (typeof old === "string" && old.length === 9 ? old.slice(7) : "");
    } else v = input.value || undefined;
    edit((p) => set(p, path, v));
  };
  l.append(input);
  box.append(l);
}

function renderLooks(info) {
  const root = $("looks");
  root.textContent = "";
  const group = (title) => {
    const f = document.createElement("fieldset");
    const l = document.createElement("legend");
    l.textContent = title;
    f.append(l);
    root.append(f);
    return f;
  };
  const g = group("Whole project");
  control(g, "named look", "look", "select", ["", ...info.looks]);
  control(g, "preset", "preset", "select", ["", ...info.presets]);
  control(g, "font size", "style.font_size", "number");
  control(g, "capitals", "style.uppercase", "checkbox");
  control(g, "slide fade (s)", "style.fade", "number");
  control(g, "pop (×)", "style.current.scale", "number");
  control(g, "pop time (ms)", "style.pop_ms", "number");
  control(g, "entrance", "style.current.enter", "select", ["", "fade", "rise", "drop", "bounce", "typewriter"]);
  control(g, "karaoke wipe", "style.current.wipe", "checkbox");
  for (const state of ["upcoming", "current", "spoken"]) {
    const s = group(`${state} words`);
    const at = `style.${state}`;
    control(s, "colour", `${at}.color`, "color");
    control(s, "weight", `${at}.weight`, "select", ["regular", "bold"]);
    control(s, "outline (px)", `${at}.outline.width`, "number");
    control(s, "outline colour", `${at}.outline.color`, "color");
    control(s, "shadow blur", `${at}.shadow.blur`, "number");
    control(s, "shadow colour", `${at}.shadow.color`, "color");
    control(s, "box colour", `${at}.box.color`, "color");
    control(s, "box radius", `${at}.box.radius`, "number");
    control(s, "hidden", `${at}.hidden`, "checkbox");
  }
}

function refreshLooks() {
  for (const input of $("looks").querySelectorAll("[data-path]")) input.refresh();
}

// ---- render -------------------------------------------------------------------------------

async function startRender() {
  const body = JSON.stringify({ format: $("format").value, speed: $("speed").value });
  const r = await fetch(api("/api/render"), { method: "POST", body, headers: { "Content-Type": "application/json" } });
  const d = await r.json();
  if (!r.ok) { status(d.error, true); return; }
  studio.render = { id: d.id, state: "running" };
  $("render").disabled = true;
  $("cancel").hidden = false;
  $("progress").hidden = false;
  $("download").hidden = true;
  pollRender();
}

async function pollRender() {
  const id = studio.render.id;
  const r = await fetch(api(`/api/render/${id}`));
  const d = await r.json();
  studio.render = d;
  const p = $("progress");
  p.max = Math.max(1, d.frames_total);
  p.value = d.frames_done;
  const left = d.seconds_left == null ? "" : `, ${Math.ceil(d.seconds_left)} s left`;
  $("rendering").textContent = d.state === "running"
    ? `${d.frames_done} / ${d.frames_total} frames, ${d.frames_per_second.toFixed(0)} frames/s${left}`
    : d.state === "done" ? `rendered in ${d.seconds.toFixed(1)} s`
    : d.state === "cancelled" ? "render cancelled" : `render failed: ${d.error}`;
  if (d.state === "running") { setTimeout(pollRender, 400); return; }
  $("render").disabled = false;
  $("cancel").hidden = true;
  p.hidden = d.state !== "done";
  if (d.state === "done") {
    const a = $("download");
    a.href = d.download;
    a.download = d.file_name;
    a.textContent = `Download ${d.file_name} (${(d.bytes / 1e6).toFixed(1)} MB)`;
    a.hidden = false;
  }
}

async function cancelRender() {
  if (studio.render) await fetch(api(`/api/render/${studio.render.id}`), { method: "DELETE" });
}

// ---- wiring -------------------------------------------------------------------------------

function tab(name) {
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("on", b.dataset.tab === name);
  for (const t of document.querySelectorAll(".tab")) t.hidden = t.id !== name;
}

async function start() {
  const info = await (await fetch(api("/api/info"))).json();
  $("name").textContent = info.project;
  document.title = `${info.project}: gpucast studio`;
  const r = await fetch(api("/api/project"));
  studio.version = (r.headers.get("etag") || "").replace(/"/g, "");
  studio.project = JSON.parse(await r.text());
  studio.savedJson = JSON.stringify(studio.project);
  // The file as it is now is what the preview shows first (the server may hold an older
  // page's draft).
  const d = await (await fetch(api("/api/draft"), { method: "PUT", body: text() })).json();
  audio.src = api("/api/audio");
  renderLooks(info);
  $("scrub").max = d.timeline ? d.timeline.duration : 1;
  $("save").disabled = true;
  $("undo").disabled = $("redo").disabled = true;
  takeDraft(d);
  requestAnimationFrame(tick);
  studio.ready = true;
}

$("scrub").addEventListener("input", (e) => {
  audio.pause();
  studio.scrubbing = true;
  show(Number(e.target.value), false, performance.now());
});
$("scrub").addEventListener("change", () => $("scrub").blur());
$("play").onclick = togglePlay;
$("size").onchange = () => show(studio.time);
$("undo").onclick = () => { undo(); refreshLooks(); };
$("redo").onclick = () => { redo(); refreshLooks(); };
$("save").onclick = save;
$("prev").onclick = () => goSlide(studio.slide - 1);
$("next").onclick = () => goSlide(studio.slide + 1);
$("split").onclick = split;
$("merge").onclick = merge;
$("check").onclick = checkSync;
$("applyall").onclick = () => applySync(studio.sync.off.slice());
$("render").onclick = startRender;
$("cancel").onclick = cancelRender;
for (const b of document.querySelectorAll("nav button")) b.onclick = () => tab(b.dataset.tab);
addEventListener("resize", renderLane);
addEventListener("keydown", (e) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
  else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z" && !typing) {
    e.preventDefault();
    if (e.shiftKey) redo(); else undo();
    refreshLooks();
  } else if (e.key === " " && !typing) { e.preventDefault(); togglePlay(); }
});
addEventListener("beforeunload", (e) => { if (!studio.saved) e.preventDefault(); });
start().catch((e) => status(`cannot load the project: ${e.message}`, true));
