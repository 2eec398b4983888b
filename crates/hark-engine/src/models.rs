//! Model descriptions: the full parameter surface of each engine family,
//! as `hark models info --json` and `GET /v1/models/{id}` show it.

use serde::Serialize;
use serde_json::{json, Value};

use crate::engine::{MAX_SPEED, MIN_SPEED};
use crate::voice::{EngineKind, VoiceInfo};
use crate::VoiceCatalog;

/// One request parameter: name, type, allowed values and default.
#[derive(Debug, Clone, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<&'static str>>,
    pub default: Value,
    pub required: bool,
}

fn p(
    name: &'static str,
    kind: &'static str,
    description: &'static str,
    default: Value,
) -> ParamSpec {
    ParamSpec {
        name,
        kind,
        description,
        min: None,
        max: None,
        values: None,
        default,
        required: false,
    }
}

impl ParamSpec {
    fn range(mut self, min: f64, max: f64) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
    fn one_of(mut self, values: Vec<&'static str>) -> Self {
        self.values = Some(values);
        self
    }
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub engine: EngineKind,
    pub description: &'static str,
    pub languages: Vec<String>,
    pub voice_count: usize,
    pub default_voice: Option<String>,
    /// Whether synthesis runs where onnxruntime is needed.
    pub requires_onnxruntime: bool,
    /// Where word timestamps come from ("none": the engine gives none).
    pub timestamps: &'static str,
    pub parameters: Vec<ParamSpec>,
    pub voices: Vec<VoiceInfo>,
}

/// Describes one engine family with the voices the catalog holds for it.
pub fn describe(kind: EngineKind, catalog: &VoiceCatalog) -> ModelInfo {
    let voices: Vec<VoiceInfo> = catalog
        .voices()
        .filter(|v| v.engine == kind)
        .cloned()
        .collect();
    let mut languages: Vec<String> = voices
        .iter()
        .filter_map(|v| v.languages.first().cloned())
        .collect();
    languages.sort();
    languages.dedup();
    let default_voice = catalog
        .default_voice(Some(kind), None)
        .map(|e| e.info.id.to_string());
    let (name, description) = match kind {
        EngineKind::Piper => (
            "Piper VITS",
            "Neural VITS voices (Piper format) run with onnxruntime on CPU; phonemes from espeak-ng.",
        ),
        EngineKind::Kokoro => (
            "Kokoro-82M",
            "Kokoro-82M v1.0 (int8, Apache-2.0 weights) run with onnxruntime on CPU at 24 kHz: 54 voices (American and British English, Spanish, French, Hindi, Italian, Brazilian Portuguese; Japanese and Mandarin listed but unavailable), and weighted blends of them (af_bella:2+af_sky:1); phonemes from espeak-ng.",
        ),
        EngineKind::Espeak => (
            "espeak-ng",
            "espeak-ng's formant synthesizer: every installed language and variant, robotic but light and fast.",
        ),
    };
    let mut params = vec![
        p("text", "string", "Text to speak (UTF-8). Split into sentences and streamed chunk by chunk.", Value::Null).required(),
        p("voice", "string", if kind == EngineKind::Kokoro {
            "Voice id (UUID), name or slug; or a weighted blend of voices: name:weight+name:weight (weight optional, default 1), names or ids."
        } else {
            "Voice id (UUID), name or slug; see the voices list."
        }, json!(default_voice)),
        p("speed", "number", "Speaking rate as a multiple of the voice's natural rate.", json!(1.0))
            .range(MIN_SPEED as f64, MAX_SPEED as f64),
        p("language", "string", "Language of the text (BCP 47, e.g. en, en-US); must be one the voice speaks. 'auto' accepts the voice's.", json!("auto")),
        p("sentence_pause", "number", "Extra silence after each sentence, in seconds.", json!(0.0)).range(0.0, 10.0),
    ];
    if kind == EngineKind::Piper {
        params.push(p(
            "speaker",
            "string|integer",
            "Speaker of a multi-speaker voice, by name or number.",
            json!(0),
        ));
        params.push(
            p("noise_scale", "number", "Variation of the voice (VITS noise scale). Default: the voice's own (0.667 for most).", Value::Null)
                .range(0.0, 2.0),
        );
        params.push(
            p("noise_w", "number", "Variation of phoneme durations (VITS noise_w). Default: the voice's own (0.8 for most).", Value::Null)
                .range(0.0, 2.0),
        );
    }
    params.extend(output_params());
    ModelInfo {
        id: kind.model_id(),
        name,
        engine: kind,
        description,
        languages,
        voice_count: voices.len(),
        default_voice,
        requires_onnxruntime: kind != EngineKind::Espeak,
        timestamps: match kind {
            EngineKind::Piper => "model durations (duration predictor output)",
            EngineKind::Kokoro => {
                "model durations (duration predictor output, frames of 600 samples)"
            }
            EngineKind::Espeak => "none",
        },
        parameters: params,
        voices,
    }
}

/// The output format parameters every model shares.
pub fn output_params() -> Vec<ParamSpec> {
    use hark_audio::{MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};
    vec![
        p("container", "string", "Audio container. aac only in builds with the `aac` feature.", json!("wav"))
            .one_of(vec!["wav", "raw", "mp3", "opus", "flac", "aac", "mulaw", "alaw"]),
        p("encoding", "string", "Sample encoding for wav and raw.", json!("pcm_s16le"))
            .one_of(vec!["pcm_s16le", "pcm_f32le", "pcm_mulaw", "pcm_alaw"]),
        p("sample_rate", "integer", "Output sample rate in Hz; resampled from the voice's native rate. mp3: 8000-48000 in MPEG steps; opus: 8000, 12000, 16000, 24000 or 48000.", json!(24000))
            .range(MIN_SAMPLE_RATE as f64, MAX_SAMPLE_RATE as f64),
        p("bit_rate", "integer", "Bit rate of mp3, opus and aac. Default: the best the sample rate allows up to 192000 (opus: 64000); an impossible explicit value is an error that lists the possible ones.", Value::Null)
            .range(hark_audio::MIN_BIT_RATE as f64, hark_audio::MAX_BIT_RATE as f64),
    ]
}
