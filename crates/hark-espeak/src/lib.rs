//! Safe access to espeak-ng, which Hark uses twice: as the phonemizer in front
//! of the neural voices, and as a synthesizer of its own (100+ languages).
//!
//! espeak-ng keeps all of its state in globals (current voice, parameters,
//! callback), so every call goes through one process-wide lock. Calls are
//! short (phonemizing 200 characters takes well under a millisecond;
//! synthesis runs at ~100x real time and is done one sentence at a time), so
//! the lock is never held for long.

use std::ffi::{c_char, c_int, c_short, c_void, CStr, CString};
use std::sync::{Mutex, MutexGuard, OnceLock};

use espeakng_sys as sys;

/// What can go wrong talking to espeak-ng.
#[derive(Debug, thiserror::Error)]
pub enum EspeakError {
    #[error("espeak-ng could not be initialized (is the espeak-ng-data package installed?)")]
    Init,
    #[error("espeak-ng has no voice or language named '{0}'")]
    UnknownVoice(String),
    #[error("espeak-ng failed to synthesize (error {0})")]
    Synth(i32),
}

/// One entry of espeak-ng's voice list: a language, or a variant (a timbre
/// that applies on top of any language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspeakVoice {
    /// Human name, e.g. "English (America)" or "Klatt".
    pub name: String,
    /// Language tags in priority order, e.g. ["en-us", "en"]; "variant" for variants.
    pub languages: Vec<String>,
    /// File under espeak-ng-data/voices, e.g. "gmw/en-US" or "!v/klatt"; the stable key.
    pub identifier: String,
    /// 0 unknown, 1 male, 2 female.
    pub gender: u8,
}

impl EspeakVoice {
    /// The name to give `espeak_SetVoiceByName`: the identifier's last part for
    /// languages ("en-US" -> "en-us"), and `<lang>+<variant>` for variants.
    pub fn is_variant(&self) -> bool {
        self.identifier.starts_with("!v/")
    }
}

struct State {
    sample_rate: u32,
    /// Voice currently selected, so repeated calls skip the (slow) reload.
    current_voice: Option<String>,
    /// Rate currently set, in words per minute.
    current_rate: Option<i32>,
}

static STATE: OnceLock<Result<Mutex<State>, ()>> = OnceLock::new();

fn state() -> Result<MutexGuard<'static, State>, EspeakError> {
    let cell = STATE.get_or_init(|| {
        // DONT_EXIT: without it espeak-ng calls exit() when its data is missing.
        let rate = unsafe {
            sys::espeak_Initialize(
                sys::espeak_AUDIO_OUTPUT_AUDIO_OUTPUT_SYNCHRONOUS,
                0,
                std::ptr::null(),
                0x8000,
            )
        };
        if rate <= 0 {
            return Err(());
        }
        unsafe { sys::espeak_SetSynthCallback(Some(synth_callback)) };
        Ok(Mutex::new(State {
            sample_rate: rate as u32,
            current_voice: None,
            current_rate: None,
        }))
    });
    match cell {
        // A panic while holding the lock leaves espeak usable: take the guard anyway.
        Ok(m) => Ok(m.lock().unwrap_or_else(|p| p.into_inner())),
        Err(()) => Err(EspeakError::Init),
    }
}

impl State {
    fn select_voice(&mut self, voice: &str) -> Result<(), EspeakError> {
        if self.current_voice.as_deref() == Some(voice) {
            return Ok(());
        }
        let name = CString::new(voice).map_err(|_| EspeakError::UnknownVoice(voice.into()))?;
        let rc = unsafe { sys::espeak_SetVoiceByName(name.as_ptr()) };
        if rc != sys::espeak_ERROR_EE_OK {
            self.current_voice = None;
            return Err(EspeakError::UnknownVoice(voice.into()));
        }
        self.current_voice = Some(voice.to_string());
        // A new voice resets the rate.
        self.current_rate = None;
        Ok(())
    }
}

/// Sample rate of espeak-ng's own synthesizer (22050 Hz on Debian).
pub fn sample_rate() -> Result<u32, EspeakError> {
    Ok(state()?.sample_rate)
}

/// IPA phonemes of one clause, as espeak-ng speaks it with `voice` (e.g.
/// "en-us"). Words are separated by spaces; espeak-ng's own clause breaks
/// inside the text also become spaces. Punctuation is not kept: callers
/// split clauses themselves and add the punctuation they need.
pub fn phonemize(voice: &str, text: &str) -> Result<String, EspeakError> {
    let mut st = state()?;
    st.select_voice(voice)?;
    // Interior NULs would cut the text short; they carry no speech anyway.
    let clean: String = text.chars().filter(|&c| c != '\0').collect();
    let c_text = CString::new(clean).map_err(|_| EspeakError::Synth(-1))?;
    let mut ptr: *const c_void = c_text.as_ptr().cast();
    let mut out = String::new();
    // espeak-ng consumes one clause per call and sets ptr to NULL at the end.
    while !ptr.is_null() {
        let ph = unsafe {
            sys::espeak_TextToPhonemes(
                &mut ptr,
                sys::espeakCHARS_UTF8 as c_int,
                0x02, // espeakPHONEMES_IPA
            )
        };
        if ph.is_null() {
            break;
        }
        let s = unsafe { CStr::from_ptr(ph) }.to_string_lossy();
        let s = s.trim();
        if !s.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(s);
        }
    }
    drop(st);
    Ok(out)
}

/// Languages and variants installed with espeak-ng.
pub fn list_voices() -> Result<Vec<EspeakVoice>, EspeakError> {
    let _st = state()?;
    let mut all = unsafe { read_voice_list(std::ptr::null_mut()) };
    let variant = CString::new("variant").map_err(|_| EspeakError::Init)?;
    let mut spec = sys::espeak_VOICE {
        name: std::ptr::null(),
        languages: variant.as_ptr(),
        identifier: std::ptr::null(),
        gender: 0,
        age: 0,
        variant: 0,
        xx1: 0,
        score: 0,
        spare: std::ptr::null_mut(),
    };
    all.extend(unsafe { read_voice_list(&mut spec) });
    Ok(all)
}

/// Reads espeak-ng's NULL-terminated voice array. Caller holds the lock.
unsafe fn read_voice_list(spec: *mut sys::espeak_VOICE) -> Vec<EspeakVoice> {
    let mut out = Vec::new();
    let list = sys::espeak_ListVoices(spec);
    if list.is_null() {
        return out;
    }
    let mut i = 0;
    loop {
        let v = *list.add(i);
        if v.is_null() {
            break;
        }
        let v = &*v;
        out.push(EspeakVoice {
            name: cstr(v.name),
            languages: read_languages(v.languages),
            identifier: cstr(v.identifier),
            gender: v.gender,
        });
        i += 1;
    }
    out
}

unsafe fn cstr(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// espeak-ng packs languages as (priority byte, NUL-terminated string)* then a 0 byte.
unsafe fn read_languages(mut p: *const c_char) -> Vec<String> {
    let mut langs = Vec::new();
    if p.is_null() {
        return langs;
    }
    while *p != 0 {
        p = p.add(1); // priority
        let s = CStr::from_ptr(p);
        let len = s.to_bytes().len();
        if len == 0 {
            break;
        }
        langs.push(s.to_string_lossy().into_owned());
        p = p.add(len + 1);
    }
    langs
}

/// Where the synthesis callback sends samples; returns false to stop.
type Sink<'a> = &'a mut dyn FnMut(&[i16]) -> bool;

unsafe extern "C" fn synth_callback(
    wav: *mut c_short,
    n: c_int,
    events: *mut sys::espeak_EVENT,
) -> c_int {
    if events.is_null() {
        return 0;
    }
    let user = (*events).user_data as *mut Sink;
    if user.is_null() {
        return 0;
    }
    if !wav.is_null() && n > 0 {
        let samples = std::slice::from_raw_parts(wav, n as usize);
        if !(*user)(samples) {
            return 1; // abort synthesis
        }
    }
    0
}

/// Synthesizes `text` with espeak-ng's formant synthesizer, handing 16-bit
/// samples at [`sample_rate`] to `sink` as they are made; `sink` returns
/// false to stop early (the client went away). `rate_wpm` is espeak's speed
/// (175 normal, 80-450).
pub fn synthesize(
    voice: &str,
    text: &str,
    rate_wpm: i32,
    mut sink: impl FnMut(&[i16]) -> bool,
) -> Result<(), EspeakError> {
    let mut st = state()?;
    st.select_voice(voice)?;
    let rate = rate_wpm.clamp(80, 450);
    if st.current_rate != Some(rate) {
        unsafe { sys::espeak_SetParameter(sys::espeak_PARAMETER_espeakRATE, rate, 0) };
        st.current_rate = Some(rate);
    }
    let clean: String = text.chars().filter(|&c| c != '\0').collect();
    let bytes = clean.len() + 1;
    let c_text = CString::new(clean).map_err(|_| EspeakError::Synth(-1))?;
    let mut dyn_sink: &mut dyn FnMut(&[i16]) -> bool = &mut sink;
    let user: *mut Sink = &mut dyn_sink;
    let rc = unsafe {
        sys::espeak_Synth(
            c_text.as_ptr().cast(),
            bytes,
            0,
            sys::espeak_POSITION_TYPE_POS_CHARACTER,
            0,
            sys::espeakCHARS_UTF8,
            std::ptr::null_mut(),
            user.cast(),
        )
    };
    drop(st);
    if rc != sys::espeak_ERROR_EE_OK {
        return Err(EspeakError::Synth(rc));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phonemizes_english_as_ipa() {
        let ph = phonemize("en-us", "This is a test").unwrap();
        assert_eq!(ph, "ðɪs ɪz ɐ tˈɛst");
    }

    #[test]
    fn unknown_voice_is_an_error() {
        assert!(matches!(
            phonemize("xx-nonexistent", "hi"),
            Err(EspeakError::UnknownVoice(_))
        ));
    }

    #[test]
    fn lists_languages_and_variants() {
        let v = list_voices().unwrap();
        assert!(
            v.iter().filter(|v| !v.is_variant()).count() > 100,
            "{}",
            v.len()
        );
        assert!(v.iter().any(|v| v.is_variant()));
        let en = v
            .iter()
            .find(|v| v.languages.first().map(|s| s.as_str()) == Some("en-us"));
        assert!(en.is_some());
    }

    #[test]
    fn synthesizes_audio_and_can_stop() {
        let mut n = 0usize;
        synthesize("en-us", "Hello there, this is espeak.", 175, |s| {
            n += s.len();
            true
        })
        .unwrap();
        let sr = sample_rate().unwrap() as usize;
        assert!(n > sr / 2 && n < sr * 5, "{n} samples");
        let mut calls = 0;
        synthesize(
            "en-us",
            "A much longer text. With several sentences. And more.",
            175,
            |_| {
                calls += 1;
                false
            },
        )
        .unwrap();
        assert_eq!(calls, 1);
    }
}
