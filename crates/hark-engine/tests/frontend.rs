//! The text frontend through the real engine: markup, dictionaries and
//! language detection change what is said, not only how it is parsed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hark_engine::engine::detect_language;
use hark_engine::{Engine, EngineConfig, ErrorCode, SynthesisRequest};
use hark_text::dictionary::Dictionary;

fn home() -> PathBuf {
    std::env::var_os("HARK_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.hark"))
}

fn engine() -> Engine {
    Engine::new(EngineConfig::new(home())).expect("engine")
}

fn quiet(text: &str) -> SynthesisRequest {
    let mut r = SynthesisRequest::new(text);
    r.noise_scale = Some(0.0);
    r.noise_w = Some(0.0);
    r
}

fn audio(e: &Engine, r: SynthesisRequest) -> Vec<f32> {
    e.synthesize(r)
        .expect("starts")
        .collect_samples()
        .expect("synthesizes")
}

#[test]
fn language_auto_picks_a_voice_that_speaks_it() {
    assert_eq!(
        detect_language("Hola, ¿cómo estás? Me llamo Juan y vivo en Madrid con mi familia.")
            .as_deref(),
        Some("es")
    );
    assert_eq!(
        detect_language("<speak>Guten Tag, wie geht es Ihnen heute? Das Wetter ist schön.</speak>")
            .as_deref(),
        Some("de")
    );
    let e = engine();
    let mut r = quiet("Bonjour, je m'appelle Marie et j'habite à Paris depuis dix ans.");
    r.language = Some("auto".into());
    let v = e.resolve_voice(&r).expect("a voice");
    assert!(v.info.speaks("fr"), "{:?}", v.info.languages);
    // English text keeps the default neural voice.
    let mut r = quiet("The weather is lovely today, so we will walk to the park.");
    r.language = Some("auto".into());
    assert_eq!(e.resolve_voice(&r).expect("a voice").info.slug, "joe");
    // A named voice wins over detection.
    let mut r = quiet("Hola, ¿cómo estás? Me llamo Juan y vivo en Madrid.");
    r.language = Some("auto".into());
    r.voice = Some("joe".into());
    assert_eq!(e.resolve_voice(&r).expect("a voice").info.slug, "joe");
}

#[test]
fn breaks_and_rates_change_the_timing() {
    let e = engine();
    let plain = audio(&e, quiet("One. Two."));
    let broken = audio(
        &e,
        quiet(r#"<speak>One.<break time="1500ms"/>Two.</speak>"#),
    );
    let extra = (broken.len() as f32 - plain.len() as f32) / 22050.0;
    assert!((1.2..1.8).contains(&extra), "break added {extra} s");
    let normal = audio(&e, quiet("We walk slowly along the quiet river."));
    let slow = audio(
        &e,
        quiet(
            r#"<speak><prosody rate="slow">We walk slowly along the quiet river.</prosody></speak>"#,
        ),
    );
    let ratio = slow.len() as f32 / normal.len() as f32;
    assert!((1.15..1.4).contains(&ratio), "slow/normal = {ratio}");
}

#[test]
fn dictionaries_and_inline_ipa_change_the_sound() {
    let e = engine();
    let base = audio(&e, quiet("I like tomatoes."));
    let inline = audio(&e, quiet("I like [tomatoes](/təˈmɑːtoʊz/)."));
    assert_ne!(base, inline);
    let dict = Dictionary::from_api_json(
        "d",
        "d",
        r#"{"items": [{"word": "tomatoes", "pronunciation": "/təˈmɑːtoʊz/"}]}"#,
    )
    .expect("valid");
    let mut r = quiet("I like tomatoes.");
    r.dictionaries = vec![Arc::new(dict)];
    let via_dict = audio(&e, r);
    assert_eq!(
        via_dict, inline,
        "a dictionary IPA entry and inline IPA say the same"
    );
}

#[test]
fn word_timestamps_point_at_what_the_user_wrote() {
    let e = engine();
    let text = r#"<speak>Visit the <sub alias="World Wide Web">WWW</sub> on <say-as interpret-as="date" format="mdy">3/4/2024</say-as>.</speak>"#;
    let mut r = quiet(text);
    r.word_timestamps = true;
    let words: Vec<String> = e
        .synthesize(r)
        .expect("starts")
        .flat_map(|c| c.expect("chunk").words)
        .map(|w| w.word)
        .collect();
    assert!(words.contains(&"WWW".to_string()), "{words:?}");
    assert!(words.contains(&"3/4/2024".to_string()), "{words:?}");
    assert!(words.contains(&"Visit".to_string()), "{words:?}");
}

#[test]
fn bad_markup_is_refused_before_any_audio() {
    let e = engine();
    for bad in [
        "<speak>Hello <break time=\"1s\"></speak>",
        "<speak><audio src=\"x.mp3\"/></speak>",
        "<speak><phoneme alphabet=\"x-sampa\" ph=\"t@\">the</phoneme></speak>",
    ] {
        let err = e.synthesize(quiet(bad)).err().expect("refused");
        assert_eq!(err.code(), ErrorCode::InvalidRequest, "{bad}: {err}");
    }
    let err = e
        .synthesize(quiet("<speak><break time=\"1s\"/></speak>"))
        .err()
        .expect("refused");
    assert_eq!(err.code(), ErrorCode::EmptyText);
}
