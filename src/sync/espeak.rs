//! A script spoken by espeak-ng, with where each word begins: the reference the aligner matches
//! the narration against.
//!
//! libespeak-ng is opened at run time (`dlopen`), so gpucast runs without it and only script
//! alignment asks for it (Debian: `apt-get install libespeak-ng1`). espeak keeps global state,
//! so every call holds one lock.

use std::ffi::{c_char, c_int, c_short, c_uint, c_void, CStr, CString};
use std::sync::Mutex;

const AUDIO_OUTPUT_SYNCHRONOUS: c_int = 2;
const CHARS_UTF8: c_uint = 1;
const POS_CHARACTER: c_int = 1;
const EVENT_LIST_TERMINATED: c_int = 0;
const EVENT_WORD: c_int = 1;
const PARAM_RATE: c_int = 1;

/// espeak_EVENT (speak_lib.h).
#[repr(C)]
struct Event {
    kind: c_int,
    unique_identifier: c_uint,
    /// 1-based character offset into the text.
    text_position: c_int,
    length: c_int,
    audio_position: c_int,
    sample: c_int,
    user_data: *mut c_void,
    id: [u8; 8],
}

type SynthCallback = unsafe extern "C" fn(*mut c_short, c_int, *mut Event) -> c_int;

/// espeak_Synth.
type SynthFn = unsafe extern "C" fn(
    *const c_void,
    usize,
    c_uint,
    c_int,
    c_uint,
    c_uint,
    *mut c_uint,
    *mut c_void,
) -> c_int;

struct Lib {
    synth_callback: unsafe extern "C" fn(SynthCallback),
    set_voice: unsafe extern "C" fn(*const c_char) -> c_int,
    set_parameter: unsafe extern "C" fn(c_int, c_int, c_int) -> c_int,
    synth: SynthFn,
    synchronize: unsafe extern "C" fn() -> c_int,
    rate: u32,
}

// The function pointers are plain code addresses; the lock serialises every call.
unsafe impl Send for Lib {}

static LIB: Mutex<Option<Result<Lib, String>>> = Mutex::new(None);

fn open() -> Result<Lib, String> {
    let mut handle = std::ptr::null_mut();
    for name in [c"libespeak-ng.so.1", c"libespeak-ng.so"] {
        handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if !handle.is_null() {
            break;
        }
    }
    if handle.is_null() {
        return Err(
            "aligning a script to the narration needs espeak-ng's library, \
                    libespeak-ng.so.1 (Debian and Ubuntu: apt-get install libespeak-ng1)"
                .into(),
        );
    }
    let symbol = |name: &CStr| -> Result<*mut c_void, String> {
        let p = unsafe { libc::dlsym(handle, name.as_ptr()) };
        if p.is_null() {
            Err(format!("libespeak-ng has no {}", name.to_string_lossy()))
        } else {
            Ok(p)
        }
    };
    // SAFETY: each symbol is cast to the signature speak_lib.h declares for it.
    unsafe {
        let initialize: unsafe extern "C" fn(c_int, c_int, *const c_char, c_int) -> c_int =
            std::mem::transmute(symbol(c"espeak_Initialize")?);
        let lib = Lib {
            synth_callback: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(SynthCallback)>(
                symbol(c"espeak_SetSynthCallback")?,
            ),
            set_voice: std::mem::transmute::<
                *mut c_void,
                unsafe extern "C" fn(*const c_char) -> c_int,
            >(symbol(c"espeak_SetVoiceByName")?),
            set_parameter: std::mem::transmute::<
                *mut c_void,
                unsafe extern "C" fn(c_int, c_int, c_int) -> c_int,
            >(symbol(c"espeak_SetParameter")?),
            synth: std::mem::transmute::<*mut c_void, SynthFn>(symbol(c"espeak_Synth")?),
            synchronize: std::mem::transmute::<*mut c_void, unsafe extern "C" fn() -> c_int>(
                symbol(c"espeak_Synchronize")?,
            ),
            rate: 0,
        };
        let rate = initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, std::ptr::null(), 0);
        if rate <= 0 {
            return Err("espeak-ng did not start (is espeak-ng-data installed?)".into());
        }
        Ok(Lib {
            rate: rate as u32,
            ..lib
        })
    }
}

/// Speech made by espeak for a list of words.
pub struct Spoken {
    pub rate: u32,
    pub samples: Vec<f32>,
    /// Where each word begins, in seconds; `None` where espeak gave the word no event of its
    /// own (it runs some short words together: "of the").
    pub starts: Vec<Option<f64>>,
}

struct Collect {
    samples: Vec<f32>,
    /// (1-based character position, sample) of each word event.
    words: Vec<(usize, usize)>,
}

unsafe extern "C" fn on_synth(wav: *mut c_short, n: c_int, events: *mut Event) -> c_int {
    let mut e = events;
    // SAFETY: espeak hands a list ended by EVENT_LIST_TERMINATED, each carrying the user_data
    // pointer given to espeak_Synth, which points at the caller's live `Collect`.
    unsafe {
        while !e.is_null() && (*e).kind != EVENT_LIST_TERMINATED {
            let collect = &mut *((*e).user_data as *mut Collect);
            if (*e).kind == EVENT_WORD && (*e).text_position > 0 {
                collect
                    .words
                    .push(((*e).text_position as usize, (*e).sample.max(0) as usize));
            }
            e = e.add(1);
        }
        if !wav.is_null() && n > 0 && !events.is_null() {
            let collect = &mut *((*events).user_data as *mut Collect);
            let pcm = std::slice::from_raw_parts(wav, n as usize);
            collect
                .samples
                .extend(pcm.iter().map(|&s| s as f32 / 32768.0));
        }
    }
    0
}

/// Speaks `words` (joined by spaces, punctuation kept so espeak pauses where the narrator
/// would) in `voice` at `wpm` words a minute.
pub fn speak(words: &[&str], voice: &str, wpm: u32) -> Result<Spoken, String> {
    let mut guard = LIB.lock().unwrap_or_else(|p| p.into_inner());
    let lib = match guard.get_or_insert_with(open) {
        Ok(lib) => lib,
        Err(e) => return Err(e.clone()),
    };
    let mut text = String::new();
    let mut word_at = Vec::with_capacity(words.len());
    for w in words {
        if !text.is_empty() {
            text.push(' ');
        }
        word_at.push(text.chars().count() + 1);
        // espeak reads a few characters as markup; words carry none that matter for timing.
        text.extend(
            w.chars()
                .map(|c| if c == '<' || c == '>' { ' ' } else { c }),
        );
    }
    let c_text = CString::new(text.replace('\0', " ")).map_err(|e| e.to_string())?;
    let c_voice = CString::new(voice).map_err(|e| e.to_string())?;
    let mut collect = Collect {
        samples: Vec::new(),
        words: Vec::new(),
    };
    // SAFETY: the callback and user data live through the synchronous call.
    let err = unsafe {
        (lib.synth_callback)(on_synth);
        if (lib.set_voice)(c_voice.as_ptr()) != 0 {
            return Err(format!("espeak-ng has no voice \"{voice}\""));
        }
        (lib.set_parameter)(PARAM_RATE, wpm as c_int, 0);
        let bytes = c_text.as_bytes_with_nul();
        let err = (lib.synth)(
            bytes.as_ptr() as *const c_void,
            bytes.len(),
            0,
            POS_CHARACTER,
            0,
            CHARS_UTF8,
            std::ptr::null_mut(),
            &mut collect as *mut Collect as *mut c_void,
        );
        (lib.synchronize)();
        err
    };
    if err != 0 {
        return Err(format!(
            "espeak-ng could not speak the script (error {err})"
        ));
    }
    let rate = lib.rate;
    let mut starts = vec![None; words.len()];
    let mut last = 0;
    for (pos, sample) in collect.words {
        // The word whose first character is at or before the event's position.
        let k = word_at.partition_point(|&a| a <= pos).saturating_sub(1);
        if k < last || starts[k].is_some() {
            continue;
        }
        starts[k] = Some(sample as f64 / rate as f64);
        last = k;
    }
    Ok(Spoken {
        rate,
        samples: collect.samples,
        starts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_get_their_starts_in_order() {
        // The test setup (scripts/setup-debian.sh --test) installs espeak-ng.
        let spoken = speak(&["Hello", "there,", "general", "Kenobi."], "en-us", 175).unwrap();
        assert_eq!(spoken.rate, 22_050);
        let secs = spoken.samples.len() as f64 / spoken.rate as f64;
        assert!(secs > 1.0 && secs < 5.0, "{secs}");
        let starts: Vec<f64> = spoken
            .starts
            .iter()
            .map(|s| s.expect("every word"))
            .collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    }
}
