//! From a request's text to what each inference speaks.
//!
//! text -> [`hark_text::markup::parse`] (SSML or inline `[word](/IPA/)`)
//! -> [`hark_text::dictionary::apply`] -> [`Script`] -> [`plan`]: chunks of
//! speech (each one inference, at one rate) and silences -> per chunk,
//! [`phonemize`] (IPA clauses with the user's words, for neural voices)
//! or [`spoken_text`] (for espeak-ng voices).
//!
//! Plain text is one `Text` piece covering the input, so its chunks are
//! exactly [`chunk_ranges`] of the text: markup support costs plain
//! requests nothing.

use std::collections::HashSet;
use std::ops::Range;

use hark_text::markup::{Block, BoundaryKind, Piece, SayAs, Script, SourceMap};
use hark_text::normalize::{self, Normalized};

use crate::EngineError;

/// Longest chunk synthesized in one inference, in characters.
pub const MAX_CHUNK_CHARS: usize = 400;
/// The first chunk is cut shorter (at a clause where there is one): the
/// part of synthesis that must see a whole chunk before any audio (the
/// split voice's front) grows faster than the chunk, so a long first
/// sentence would delay the first audio.
pub const FIRST_CHUNK_CHARS: usize = 140;

/// Stands for spaces and punctuation inside a word-like piece (inline IPA,
/// `<say-as>`) while chunks are planned, so no chunk boundary falls inside it.
const JOINER: char = '\u{2060}';

/// One step of synthesis, in order.
#[derive(Debug, Clone)]
pub enum Step {
    Speak(Chunk),
    /// Silence, in seconds. `soft` silences are the usual pause after a
    /// sentence; an explicit `<break>` right after one replaces it.
    Silence {
        seconds: f32,
        soft: bool,
    },
}

/// What one inference says.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// Byte range of the request text it speaks.
    pub source: Range<usize>,
    pub parts: Vec<Part>,
    /// Multiple of the request's speed (`<prosody rate>`).
    pub rate: f32,
}

/// A piece of a chunk.
#[derive(Debug, Clone)]
pub enum Part {
    /// Text to normalize and phonemize; `map` leads back to the input.
    Text { text: String, map: SourceMap },
    /// Text to read as `kind` says.
    SayAs {
        text: String,
        kind: SayAs,
        format: Option<String>,
        source: Range<usize>,
    },
    /// A word whose pronunciation is given.
    Phonemes {
        ipa: String,
        text: String,
        source: Range<usize>,
    },
}

impl Part {
    fn source(&self) -> Range<usize> {
        match self {
            Part::Text { text, map } => map.source_of(0..text.len()),
            Part::SayAs { source, .. } | Part::Phonemes { source, .. } => source.clone(),
        }
    }
}

/// Parses the request text and applies the dictionaries. Malformed SSML is
/// an invalid request naming the problem and where it is.
pub fn script(
    text: &str,
    dictionaries: &[std::sync::Arc<hark_text::dictionary::Dictionary>],
) -> Result<Script, EngineError> {
    let script = hark_text::markup::parse(text)
        .map_err(|e| EngineError::invalid("text", format!("invalid markup: {e}")))?;
    if dictionaries.is_empty() {
        return Ok(script);
    }
    let dicts: Vec<&hark_text::dictionary::Dictionary> =
        dictionaries.iter().map(|d| d.as_ref()).collect();
    Ok(hark_text::dictionary::apply(script, &dicts))
}

/// Cuts a script into steps: each speech block into sentence chunks (the
/// very first chunk shorter, see [`FIRST_CHUNK_CHARS`]), with
/// `sentence_pause` seconds after each sentence (twice that after a
/// paragraph) and `<break>`s as silences.
pub fn plan(script: &Script, sentence_pause: f32) -> Vec<Step> {
    plan_merged(script, sentence_pause, None)
}

/// [`plan`], and with `merge`, neighbouring sentences after the first chunk
/// joined into chunks of up to that many characters when no pause is
/// asked between them: engines that pay a fixed cost per inference
/// (Kokoro) run fewer, longer ones. Each sentence is still phonemized on
/// its own ([`phonemize`]).
pub fn plan_merged(script: &Script, sentence_pause: f32, merge: Option<usize>) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let soft = |steps: &mut Vec<Step>, seconds: f32| {
        if seconds <= 0.0 || !matches!(steps.last(), Some(Step::Speak(_))) {
            return;
        }
        steps.push(Step::Silence {
            seconds,
            soft: true,
        });
    };
    for block in script.blocks() {
        match block {
            Block::Speech { pieces, rate } => {
                let (text, segs) = join(pieces);
                let first = !steps.iter().any(|s| matches!(s, Step::Speak(_)));
                let mut used = HashSet::new();
                let mut ranges = chunk_ranges(&text, first);
                if let Some(limit) = merge.filter(|_| sentence_pause <= 0.0) {
                    ranges = merge_sentences(&text, ranges, first, limit);
                }
                for (range, sentence_end) in ranges {
                    let chunk = collect(pieces, &segs, range, rate, &mut used);
                    if chunk.parts.is_empty() {
                        continue;
                    }
                    steps.push(Step::Speak(chunk));
                    if sentence_end {
                        soft(&mut steps, sentence_pause);
                    }
                }
            }
            Block::Pause { ms } => {
                if let Some(Step::Silence { soft: true, .. }) = steps.last() {
                    steps.pop();
                }
                steps.push(Step::Silence {
                    seconds: ms as f32 / 1000.0,
                    soft: false,
                });
            }
            Block::Boundary(kind) => {
                let seconds = match kind {
                    BoundaryKind::Sentence => sentence_pause,
                    BoundaryKind::Paragraph => 2.0 * sentence_pause,
                };
                match steps.last_mut() {
                    Some(Step::Silence {
                        seconds: s,
                        soft: true,
                    }) => *s = s.max(seconds),
                    _ => soft(&mut steps, seconds),
                }
            }
        }
    }
    // The pause between sentences is not owed after the last one.
    if let Some(Step::Silence { soft: true, .. }) = steps.last() {
        steps.pop();
    }
    steps
}

/// Joins each sentence to the chunk before it while the two fit in
/// `limit` characters; with `keep_first`, the first chunk stays alone (the
/// first audio should not wait for more).
fn merge_sentences(
    text: &str,
    ranges: Vec<(Range<usize>, bool)>,
    keep_first: bool,
    limit: usize,
) -> Vec<(Range<usize>, bool)> {
    let mut out: Vec<(Range<usize>, bool)> = Vec::with_capacity(ranges.len());
    for (range, ends) in ranges {
        if out.len() > usize::from(keep_first) {
            if let Some((last, last_ends)) = out.last_mut() {
                let joined = last.start..range.end;
                let fits = text
                    .get(joined.clone())
                    .is_some_and(|t| t.chars().count() <= limit);
                if *last_ends && fits {
                    *last = joined;
                    *last_ends = ends;
                    continue;
                }
            }
        }
        out.push((range, ends));
    }
    out
}

/// The speech pieces of a block as one text for sentence chunking, and
/// which byte range of it each piece occupies.
fn join(pieces: &[Piece]) -> (String, Vec<(Range<usize>, usize)>) {
    let mut text = String::new();
    let mut segs = Vec::with_capacity(pieces.len());
    let mut space_after = false;
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Text { text: t, .. } => {
                if space_after && !t.starts_with(char::is_whitespace) {
                    text.push(' ');
                }
                let start = text.len();
                text.push_str(t);
                segs.push((start..text.len(), i));
                space_after = false;
            }
            Piece::Phonemes { text: t, .. } | Piece::SayAs { text: t, .. } => {
                if !text.is_empty() && !text.ends_with(char::is_whitespace) {
                    text.push(' ');
                }
                let start = text.len();
                // A whole word for the chunker: its inner spaces and marks
                // must not look like boundaries.
                let word: String = t
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { JOINER })
                    .collect();
                if word.chars().any(char::is_alphanumeric) {
                    text.push_str(&word);
                } else {
                    text.push_str("word");
                }
                segs.push((start..text.len(), i));
                space_after = true;
            }
            _ => {}
        }
    }
    (text, segs)
}

/// The parts of `pieces` that fall in `range` of the joined text. A
/// word-like piece goes whole into the first chunk that touches it.
fn collect(
    pieces: &[Piece],
    segs: &[(Range<usize>, usize)],
    range: Range<usize>,
    rate: f32,
    used: &mut HashSet<usize>,
) -> Chunk {
    let mut parts = Vec::new();
    for (seg, i) in segs {
        let lo = seg.start.max(range.start);
        let hi = seg.end.min(range.end);
        if hi <= lo {
            continue;
        }
        match pieces.get(*i) {
            Some(Piece::Text { text, map, .. }) => {
                let (a, b) = (lo - seg.start, hi - seg.start);
                if let Some(frag) = text.get(a..b) {
                    if frag.chars().any(char::is_alphanumeric) {
                        parts.push(Part::Text {
                            text: frag.to_string(),
                            map: map.slice(a..b),
                        });
                    }
                }
            }
            Some(Piece::SayAs {
                text,
                interpret_as,
                format,
                source,
            }) if used.insert(*i) => parts.push(Part::SayAs {
                text: text.clone(),
                kind: *interpret_as,
                format: format.clone(),
                source: source.clone(),
            }),
            Some(Piece::Phonemes { ipa, text, source }) if used.insert(*i) => {
                parts.push(Part::Phonemes {
                    ipa: ipa.clone(),
                    text: text.clone(),
                    source: source.clone(),
                })
            }
            _ => {}
        }
    }
    let source = match (parts.first(), parts.last()) {
        (Some(f), Some(l)) => f.source().start..l.source().end.max(f.source().start),
        _ => 0..0,
    };
    Chunk {
        source,
        parts,
        rate,
    }
}

/// Cuts text into the chunks synthesized one inference each: sentences up
/// to [`MAX_CHUNK_CHARS`], and (when `first`) the first one shortened to
/// [`FIRST_CHUNK_CHARS`] at its best inner boundary. Each range is paired
/// with whether it ends a sentence.
pub fn chunk_ranges(text: &str, first: bool) -> Vec<(Range<usize>, bool)> {
    use hark_text::segment::{chunk, Boundary};
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    let segments = chunk(text, MAX_CHUNK_CHARS);
    for (i, seg) in segments.iter().enumerate() {
        let ends_sentence = matches!(seg.kind, Boundary::Sentence | Boundary::End);
        let piece = text.get(seg.start..seg.end).unwrap_or("");
        if !piece.chars().any(|c| c.is_alphanumeric()) {
            continue;
        }
        if first && i == 0 && piece.chars().count() > FIRST_CHUNK_CHARS {
            let inner = chunk(piece, FIRST_CHUNK_CHARS);
            if let Some(head) = inner.first() {
                let cut = seg.start + head.end;
                out.push((seg.start + head.start..cut, false));
                // The rest of the first sentence goes as one chunk.
                let rest = text.get(cut..seg.end).unwrap_or("");
                let rest_start = rest
                    .find(|c: char| !c.is_whitespace())
                    .map(|o| cut + o)
                    .unwrap_or(seg.end);
                if text
                    .get(rest_start..seg.end)
                    .is_some_and(|r| r.chars().any(|c| c.is_alphanumeric()))
                {
                    out.push((rest_start..seg.end, ends_sentence));
                }
                continue;
            }
        }
        out.push((seg.start..seg.end, ends_sentence));
    }
    out
}

/// How text is read: the language whose rules apply, and whether to
/// normalize at all.
#[derive(Debug, Clone)]
pub struct Reader {
    pub lang_tag: String,
    pub normalize: bool,
}

impl Reader {
    fn normalize(&self, text: &str) -> Normalized {
        if self.normalize {
            normalize::normalize_tagged(text, &self.lang_tag)
        } else {
            normalize::passthrough(text)
        }
    }

    fn say_as(&self, text: &str, kind: SayAs, format: Option<&str>) -> String {
        normalize::say_as(text, kind, format, &self.lang_tag)
    }
}

/// IPA for one stretch of a chunk, ending in its punctuation, and the
/// user's words it speaks.
#[derive(Debug, Clone)]
pub struct Clause {
    pub phonemes: String,
    pub words: Vec<SpokenWord>,
}

/// A word as spoken, and where the user wrote it.
#[derive(Debug, Clone)]
pub struct SpokenWord {
    /// Byte range of the request text.
    pub source: Range<usize>,
    /// The spoken form (for its phoneme count).
    pub said: String,
    /// Given pronunciation, when there is one.
    pub ipa: Option<String>,
}

impl SpokenWord {
    /// Roughly how many phonemes the word takes, to share a clause's time
    /// among its words.
    pub fn phoneme_count(&self, espeak_voice: &str) -> usize {
        let count = |p: &str| {
            p.chars()
                .filter(|ch| !matches!(ch, 'ˈ' | 'ˌ' | ' '))
                .count()
        };
        match &self.ipa {
            Some(ipa) => count(ipa).max(1),
            None => hark_espeak::phonemize(espeak_voice, &self.said)
                .map(|p| count(&p))
                .unwrap_or(1),
        }
    }
}

/// The chunk as IPA clauses in `espeak_voice`'s phonology, for voices that
/// take phonemes (Piper, Kokoro). Given pronunciations go in as they are.
pub fn phonemize(
    chunk: &Chunk,
    espeak_voice: &str,
    reader: &Reader,
) -> Result<Vec<Clause>, EngineError> {
    let mut out: Vec<Clause> = Vec::new();
    let append = |out: &mut Vec<Clause>, more: Vec<Clause>| {
        if more.is_empty() {
            return;
        }
        if let Some(last) = out.last_mut() {
            if !last.phonemes.is_empty() && !last.phonemes.ends_with(' ') {
                last.phonemes.push(' ');
            }
        }
        out.extend(more);
    };
    for part in &chunk.parts {
        match part {
            Part::Text { text, map } => {
                let norm = reader.normalize(text);
                let spoken = norm.text.as_str();
                // Sentence by sentence, so each one's final punctuation
                // shapes its prosody even in a chunk of several.
                for seg in hark_text::segment::chunk(spoken, MAX_CHUNK_CHARS) {
                    let Some(sentence) = spoken.get(seg.start..seg.end) else {
                        continue;
                    };
                    let clauses = crate::piper::phonemize_clauses(espeak_voice, sentence)?;
                    let more = clauses
                        .into_iter()
                        .map(|c| {
                            let at = seg.start + c.text.start..seg.start + c.text.end;
                            Clause {
                                words: norm
                                    .words
                                    .iter()
                                    .filter(|w| at.contains(&w.output.start))
                                    .map(|w| SpokenWord {
                                        source: map.source_of(w.input.clone()),
                                        said: spoken
                                            .get(w.output.clone())
                                            .unwrap_or("")
                                            .to_string(),
                                        ipa: None,
                                    })
                                    .collect(),
                                phonemes: c.phonemes,
                            }
                        })
                        .collect();
                    append(&mut out, more);
                }
            }
            Part::SayAs {
                text,
                kind,
                format,
                source,
            } => {
                let spoken = reader.say_as(text, *kind, format.as_deref());
                let clauses = crate::piper::phonemize_clauses(espeak_voice, &spoken)?;
                let more = clauses
                    .into_iter()
                    .map(|c| Clause {
                        words: vec![SpokenWord {
                            source: source.clone(),
                            said: spoken.get(c.text.clone()).unwrap_or("").to_string(),
                            ipa: None,
                        }],
                        phonemes: c.phonemes,
                    })
                    .collect();
                append(&mut out, more);
            }
            Part::Phonemes { ipa, text, source } => append(
                &mut out,
                vec![Clause {
                    phonemes: ipa.clone(),
                    words: vec![SpokenWord {
                        source: source.clone(),
                        said: text.clone(),
                        ipa: Some(ipa.clone()),
                    }],
                }],
            ),
        }
    }
    Ok(out)
}

/// The chunk as plain words, for voices that read text themselves
/// (espeak-ng): given pronunciations fall back to their written form.
pub fn spoken_text(chunk: &Chunk, reader: &Reader) -> String {
    let mut out = String::new();
    for part in &chunk.parts {
        let said = match part {
            Part::Text { text, .. } => reader.normalize(text).text,
            Part::SayAs {
                text, kind, format, ..
            } => reader.say_as(text, *kind, format.as_deref()),
            Part::Phonemes { text, .. } => text.clone(),
        };
        if !out.is_empty() && !out.ends_with(char::is_whitespace) {
            out.push(' ');
        }
        out.push_str(&said);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(text: &str, pause: f32) -> Vec<Step> {
        let script = script(text, &[]).expect("parses");
        plan(&script, pause)
    }

    fn speak(s: &Step) -> Option<&Chunk> {
        match s {
            Step::Speak(c) => Some(c),
            _ => None,
        }
    }

    #[test]
    fn plain_text_plans_as_sentence_chunks() {
        let text = "Hello there. How are you today? Fine.";
        let s = steps(text, 0.0);
        let ranges: Vec<_> = s
            .iter()
            .filter_map(speak)
            .map(|c| c.source.clone())
            .collect();
        let expected: Vec<_> = chunk_ranges(text, true)
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(ranges, expected);
        assert_eq!(ranges.len(), 3);
    }

    #[test]
    fn sentence_pauses_and_breaks() {
        let s = steps("One. Two.", 0.3);
        assert!(matches!(s[1], Step::Silence { soft: true, .. }));
        assert_eq!(s.len(), 3, "no pause after the last sentence");
        // An explicit break right after a sentence replaces its pause.
        let s = steps(r#"<speak>One.<break time="1s"/>Two.</speak>"#, 0.3);
        let silences: Vec<f32> = s
            .iter()
            .filter_map(|x| match x {
                Step::Silence { seconds, .. } => Some(*seconds),
                _ => None,
            })
            .collect();
        assert_eq!(silences, vec![1.0]);
    }

    #[test]
    fn later_sentences_merge_up_to_the_limit() {
        let text = "One. Two two. Three three three. Four.";
        let script = script(text, &[]).expect("parses");
        let sources = |steps: Vec<Step>| -> Vec<String> {
            steps
                .iter()
                .filter_map(speak)
                .map(|c| text[c.source.clone()].to_string())
                .collect()
        };
        assert_eq!(
            sources(plan_merged(&script, 0.0, Some(400))),
            vec!["One.", "Two two. Three three three. Four."]
        );
        assert_eq!(
            sources(plan_merged(&script, 0.0, Some(20))),
            vec!["One.", "Two two.", "Three three three.", "Four."]
        );
        assert_eq!(
            sources(plan_merged(&script, 0.0, Some(30))),
            vec!["One.", "Two two. Three three three.", "Four."]
        );
        // A pause between sentences keeps them apart.
        assert_eq!(sources(plan_merged(&script, 0.2, Some(400))).len(), 4);
        // Each sentence is phonemized on its own, with its full stop.
        let steps = plan_merged(&script, 0.0, Some(400));
        let last = steps.iter().filter_map(speak).last().expect("a chunk");
        let reader = Reader {
            lang_tag: "en-US".into(),
            normalize: true,
        };
        let clauses = phonemize(last, "en-us", &reader).expect("phonemizes");
        assert_eq!(clauses.len(), 3);
        assert!(
            clauses[0].phonemes.trim_end().ends_with('.'),
            "{:?}",
            clauses[0].phonemes
        );
    }

    #[test]
    fn rates_and_atomic_pieces() {
        let text = r#"<speak>Say <prosody rate="slow">the number <say-as interpret-as="digits">123 45</say-as> now</prosody>.</speak>"#;
        let s = steps(text, 0.0);
        let chunks: Vec<&Chunk> = s.iter().filter_map(speak).collect();
        // "Say", then the slow part; the lone "." after it says nothing.
        assert_eq!(chunks.len(), 2, "{chunks:?}");
        assert_eq!(chunks[1].rate, 0.8);
        let say = chunks[1]
            .parts
            .iter()
            .find_map(|p| match p {
                Part::SayAs { text, source, .. } => Some((text.clone(), source.clone())),
                _ => None,
            })
            .expect("say-as part");
        assert_eq!(say.0, "123 45");
        assert_eq!(&text[say.1], "123 45");
    }

    #[test]
    fn inline_ipa_is_spoken_as_given() {
        let text = "I like [tomatoes](/təˈmɑːtoʊz/) a lot.";
        let s = steps(text, 0.0);
        let chunk = s.iter().find_map(speak).expect("a chunk");
        let reader = Reader {
            lang_tag: "en-US".into(),
            normalize: true,
        };
        let clauses = phonemize(chunk, "en-us", &reader).expect("phonemizes");
        let all: String = clauses.iter().map(|c| c.phonemes.as_str()).collect();
        assert!(all.contains("təˈmɑːtoʊz"), "{all}");
        let words: Vec<&str> = clauses
            .iter()
            .flat_map(|c| c.words.iter())
            .map(|w| &text[w.source.clone()])
            .collect();
        assert!(
            words.contains(&"[tomatoes](/təˈmɑːtoʊz/)") || words.contains(&"tomatoes"),
            "{words:?}"
        );
        assert_eq!(spoken_text(chunk, &reader), "I like tomatoes a lot.");
    }

    #[test]
    fn malformed_ssml_is_an_invalid_request() {
        let e = script("<speak>Hello <break time=\"1s\"></speak>", &[]).expect_err("rejected");
        assert_eq!(e.code(), crate::ErrorCode::InvalidRequest);
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Whatever the markup, planning never panics, every chunk says
        /// something, and every source range lies within the input on
        /// character boundaries, in order.
        #[test]
        fn plans_stay_inside_the_input(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::string::string_regex("[a-zA-Z0-9 ,.!?'$%:/-]{0,40}").expect("regex"),
                proptest::strategy::Just("<break time=\"300ms\"/>".to_string()),
                proptest::strategy::Just("<s>".to_string()),
                proptest::strategy::Just("</s>".to_string()),
                proptest::strategy::Just("<say-as interpret-as=\"digits\">12 3</say-as>".to_string()),
                proptest::strategy::Just("<phoneme alphabet=\"ipa\" ph=\"təˈmɑːtoʊ\">tomato</phoneme>".to_string()),
                proptest::strategy::Just("<prosody rate=\"fast\">quick words</prosody>".to_string()),
                proptest::strategy::Just("[word](/wɜːd/)".to_string()),
                proptest::strategy::Just("ünïcödé … ".to_string()),
            ], 0..12),
            ssml in proptest::bool::ANY,
            pause in 0.0f32..1.0,
        ) {
            let body = parts.concat();
            let text = if ssml { format!("<speak>{body}</speak>") } else { body };
            let Ok(script) = script(&text, &[]) else { return Ok(()); };
            let mut last = 0;
            for step in plan(&script, pause) {
                if let Step::Speak(c) = step {
                    proptest::prop_assert!(!c.parts.is_empty());
                    proptest::prop_assert!(text.get(c.source.clone()).is_some(), "{:?} in {:?}", c.source, text);
                    proptest::prop_assert!(c.source.start >= last, "chunks go back: {:?}", c.source);
                    last = c.source.start;
                }
            }
        }
    }
}
