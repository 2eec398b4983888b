//! [`Script`]: the one representation of "what to say" that markup parsing
//! and pronunciation dictionaries produce and the engine consumes.
//!
//! A script is a flat list of [`Piece`]s rather than a tree, because the
//! engine works left to right anyway (it streams chunks as it goes) and a
//! flat list is trivially bounded: there is nothing to recurse into. Nesting
//! that matters for speech (`<prosody>` inside `<prosody>`) is expressed as
//! paired start/end pieces.
//!
//! Every piece keeps the byte range of the user's input it came from, so
//! that word timestamps, captions and error messages can point at what the
//! user wrote (`GIF`, `<sub alias="…">WWW</sub>`) rather than at what was
//! spoken (`/dʒɪf/`, `World Wide Web`).

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// What to say, after markup and dictionaries: pieces in speaking order.
///
/// Produced by [`super::parse`] (and [`Script::plain`]), rewritten by
/// [`crate::dictionary::apply`], consumed by the engine.
///
/// # How the engine consumes it
///
/// 1. [`Script::blocks`] splits the script into speech blocks (each at one
///    rate) separated by pauses and boundaries. Nothing is synthesized
///    across a block edge: a `<break>`, `<s>`/`<p>` edge or rate change
///    always ends the current chunk.
/// 2. Inside a speech block, sentence chunking ([`crate::segment::chunk`])
///    runs on the block's text: the pieces' texts concatenated (a
///    `Phonemes` piece by its written word, with its inner spaces made
///    non-breaking so a chunk never splits it, and a space added around
///    `Phonemes`/`SayAs` pieces where the neighbours have none). Each chunk
///    then maps back to fragments of pieces: `Text` fragments are
///    normalized and phonemized as today, `SayAs` pieces are normalized
///    with their interpretation, `Phonemes` pieces contribute their IPA;
///    the chunk's phonemes are the fragments' phonemes joined by word
///    breaks, and one inference speaks them.
/// 3. The rate multiplies the request's speed (clamped to the API's speed
///    range) for every chunk of the block.
/// 4. A `Pause` adds that much silence; it replaces the usual
///    inter-sentence pause where it sits at a sentence end (as in SSML,
///    an explicit break overrides the prosodic one). A `Boundary` gets the
///    usual sentence pause, a paragraph perhaps a longer one.
/// 5. Word timestamps: a word the normalizer reports at range `r` of a
///    `Text` piece's text maps to the input with `map.source_of(r)`;
///    `Phonemes` and `SayAs` pieces report their `source`.
///
/// A voice that cannot take phonemes (plain espeak-ng) can synthesize
/// [`Script::to_text`] instead.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Script {
    /// The pieces, in speaking order.
    pub pieces: Vec<Piece>,
}

/// One piece of a [`Script`].
///
/// `source` is always a byte range of the original input (the request's
/// text field), on `char` boundaries. Pieces appear in input order, but
/// need not cover the input: markup itself (`<break/>`, the `](/…/)` of an
/// inline pronunciation) belongs to no piece.
///
/// `Text`, `Phonemes` and `SayAs` are *speech* pieces (see
/// [`Piece::is_speech`]): consecutive speech pieces form one stretch of
/// speech that the engine cuts into sentences across piece boundaries.
/// `Phonemes` and `SayAs` pieces are whole words: the engine should put a
/// word break before and after them even when the markup had no space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Piece {
    /// Plain text to normalize and phonemize as usual; may hold many
    /// sentences.
    ///
    /// `text` is what to *say*, which is not always a copy of the input:
    /// entities are decoded (`&amp;` -> `&`), markup between words is gone
    /// (`I <emphasis>really</emphasis> do` -> `I really do`), and `<sub>`
    /// aliases and dictionary respellings replace the written words. `map`
    /// says where each part of `text` came from, so a word the normalizer
    /// finds in `text` can be traced back to the input with
    /// [`SourceMap::source_of`].
    Text {
        text: String,
        source: Range<usize>,
        map: SourceMap,
    },
    /// A word (or several) whose pronunciation is given: `ipa` replaces what
    /// espeak-ng would produce. `text` is the written form, for captions and
    /// word timestamps; it is never spoken.
    Phonemes {
        ipa: String,
        text: String,
        source: Range<usize>,
    },
    /// Text to read in a given way (`<say-as>`): the normalizer applies
    /// `interpret_as` instead of guessing. `format` is the SSML `format`
    /// attribute, lowercased; for [`SayAs::Date`] one of `mdy dmy ymd md dm
    /// ym my d m y`, for [`SayAs::Time`] `hms12` or `hms24`, for the others
    /// passed through unchecked.
    SayAs {
        text: String,
        interpret_as: SayAs,
        format: Option<String>,
        source: Range<usize>,
    },
    /// Silence of `ms` milliseconds (always more than zero).
    Break { ms: u32, source: Range<usize> },
    /// The end of a sentence or paragraph that markup made explicit (`<s>`,
    /// `<p>`): the engine must not let a chunk run across it.
    Boundary {
        kind: BoundaryKind,
        source: Range<usize>,
    },
    /// From here until the matching [`Piece::RateEnd`], speak at `rate`
    /// times the voice's normal speed. The rate is absolute (already
    /// combined with any enclosing rate), so the engine only needs a stack
    /// to restore the previous rate at `RateEnd`. Always within
    /// [`super::MIN_RATE`]..=[`super::MAX_RATE`].
    RateStart { rate: f32, source: Range<usize> },
    /// Ends the innermost [`Piece::RateStart`].
    RateEnd { source: Range<usize> },
}

/// How a [`Piece::SayAs`] is to be read (SSML `interpret-as`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SayAs {
    /// A number as a quantity: "123" -> "one hundred twenty-three".
    Cardinal,
    /// A number as a rank: "3" -> "third".
    Ordinal,
    /// Letter by letter (`characters`, `spell-out`): "abc" -> "a b c".
    Characters,
    /// A date; `format` gives the order of its fields.
    Date,
    /// A time of day or duration; `format` may say 12- or 24-hour.
    Time,
    /// A telephone number, read in digit groups.
    Telephone,
    /// Digit by digit: "123" -> "one two three".
    Digits,
    /// Every character, punctuation included: "a-1" -> "a dash one".
    Verbatim,
}

impl SayAs {
    /// The SSML `interpret-as` value, or `None` if unsupported.
    /// `spell-out` is a common synonym of `characters`, `number` of
    /// `cardinal`.
    pub fn from_ssml(value: &str) -> Option<SayAs> {
        Some(match value.trim().to_ascii_lowercase().as_str() {
            "cardinal" | "number" => SayAs::Cardinal,
            "ordinal" => SayAs::Ordinal,
            "characters" | "spell-out" => SayAs::Characters,
            "date" => SayAs::Date,
            "time" => SayAs::Time,
            "telephone" => SayAs::Telephone,
            "digits" => SayAs::Digits,
            "verbatim" => SayAs::Verbatim,
            _ => return None,
        })
    }
}

/// What a [`Piece::Boundary`] ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryKind {
    /// `<s>`: a sentence; the engine's usual pause between sentences.
    Sentence,
    /// `<p>`: a paragraph; a somewhat longer pause.
    Paragraph,
}

impl Piece {
    /// The byte range of the input this piece came from.
    pub fn source(&self) -> Range<usize> {
        match self {
            Piece::Text { source, .. }
            | Piece::Phonemes { source, .. }
            | Piece::SayAs { source, .. }
            | Piece::Break { source, .. }
            | Piece::Boundary { source, .. }
            | Piece::RateStart { source, .. }
            | Piece::RateEnd { source } => source.clone(),
        }
    }

    /// Whether this piece is spoken (`Text`, `Phonemes`, `SayAs`), as
    /// opposed to controlling silence, chunking or rate.
    pub fn is_speech(&self) -> bool {
        matches!(
            self,
            Piece::Text { .. } | Piece::Phonemes { .. } | Piece::SayAs { .. }
        )
    }

    /// A `Text` piece that is an exact copy of `input[source]`.
    pub fn text_from(input: &str, source: Range<usize>) -> Option<Piece> {
        let text = input.get(source.clone())?;
        Some(Piece::Text {
            text: text.to_owned(),
            map: SourceMap::exact(text.len(), source.start),
            source,
        })
    }
}

/// A stretch of a [`Script`] as the engine should synthesize it; see
/// [`Script::blocks`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Block<'a> {
    /// Consecutive speech pieces (`Text`, `Phonemes`, `SayAs` only), to be
    /// spoken at `rate` times the normal speed. Sentence chunking applies
    /// *inside* the block, across piece boundaries.
    Speech { pieces: &'a [Piece], rate: f32 },
    /// Silence from `<break>`.
    Pause { ms: u32 },
    /// A sentence or paragraph end from `<s>`/`<p>`.
    Boundary(BoundaryKind),
}

impl Script {
    /// A script that says `text` as it is: one `Text` piece covering it all
    /// (no pieces at all for an empty string, since there is nothing to
    /// say).
    pub fn plain(text: &str) -> Script {
        let pieces = if text.is_empty() {
            Vec::new()
        } else {
            vec![Piece::Text {
                text: text.to_owned(),
                source: 0..text.len(),
                map: SourceMap::exact(text.len(), 0),
            }]
        };
        Script { pieces }
    }

    /// Whether there is any speech in the script (a script of only breaks
    /// is not worth synthesizing, and the engine reports "empty text").
    pub fn has_speech(&self) -> bool {
        self.pieces.iter().any(|p| match p {
            Piece::Text { text, .. } | Piece::SayAs { text, .. } => {
                text.chars().any(char::is_alphanumeric)
            }
            Piece::Phonemes { ipa, .. } => !ipa.trim().is_empty(),
            _ => false,
        })
    }

    /// The script flattened back to plain text: `Text` pieces as they are
    /// (so `<sub>` aliases and respellings appear as spoken), `Phonemes`
    /// and `SayAs` pieces by their written text, sentence and paragraph
    /// boundaries as blank lines (which [`crate::segment`] treats as
    /// sentence ends), breaks as spaces.
    ///
    /// For logs, cache keys, and voices that cannot take phonemes (plain
    /// espeak-ng voices), which then still say something sensible.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut need_space = false;
        for p in &self.pieces {
            match p {
                Piece::Text { text, .. } => {
                    if need_space && !text.starts_with(char::is_whitespace) {
                        out.push(' ');
                    }
                    out.push_str(text);
                    need_space = false;
                }
                Piece::Phonemes { text, .. } | Piece::SayAs { text, .. } => {
                    // Whole words: keep them apart from what precedes.
                    if need_space || out.ends_with(|c: char| !c.is_whitespace()) {
                        out.push(' ');
                    }
                    out.push_str(text);
                    need_space = true;
                }
                Piece::Boundary { .. } => {
                    let trimmed = out.trim_end().len();
                    out.truncate(trimmed);
                    if !out.is_empty() {
                        out.push_str("\n\n");
                    }
                    need_space = false;
                }
                Piece::Break { .. } => {
                    if !out.is_empty() && !out.ends_with(char::is_whitespace) {
                        out.push(' ');
                    }
                    need_space = false;
                }
                Piece::RateStart { .. } | Piece::RateEnd { .. } => {}
            }
        }
        out
    }

    /// Groups the pieces into what the engine synthesizes: runs of speech at
    /// one rate, separated by pauses and boundaries.
    ///
    /// A rate change ends a speech block because the speaking rate is a
    /// per-inference setting (Piper's `length_scale`). Rate pieces never
    /// appear in the output; their effect is the `rate` of each block.
    /// Unbalanced `RateEnd`s (impossible from [`super::parse`]) are ignored.
    pub fn blocks(&self) -> Vec<Block<'_>> {
        let mut out = Vec::new();
        let mut rates: Vec<f32> = Vec::new();
        let mut run_start: Option<usize> = None;
        let rate_of = |rates: &[f32]| rates.last().copied().unwrap_or(1.0);
        for (i, p) in self.pieces.iter().enumerate() {
            if p.is_speech() {
                run_start.get_or_insert(i);
                continue;
            }
            if let Some(s) = run_start.take() {
                if let Some(pieces) = self.pieces.get(s..i) {
                    out.push(Block::Speech {
                        pieces,
                        rate: rate_of(&rates),
                    });
                }
            }
            match p {
                Piece::Break { ms, .. } => out.push(Block::Pause { ms: *ms }),
                Piece::Boundary { kind, .. } => out.push(Block::Boundary(*kind)),
                Piece::RateStart { rate, .. } => rates.push(*rate),
                Piece::RateEnd { .. } => {
                    rates.pop();
                }
                _ => {}
            }
        }
        if let Some(s) = run_start {
            if let Some(pieces) = self.pieces.get(s..) {
                out.push(Block::Speech {
                    pieces,
                    rate: rate_of(&rates),
                });
            }
        }
        out
    }

    /// Checks what every script produced from `input` promises: each
    /// piece's `source` (and each `Text` piece's map) lies within `input`
    /// on `char` boundaries, sources never go backwards, `Text` maps cover
    /// their text exactly, breaks are positive, rates are in range and
    /// balanced. For tests and fuzzing; `Err` names the first violation.
    pub fn check(&self, input: &str) -> Result<(), String> {
        let valid = |r: &Range<usize>| r.start <= r.end && input.get(r.clone()).is_some();
        let mut last = 0usize;
        let mut depth = 0usize;
        for (i, p) in self.pieces.iter().enumerate() {
            let src = p.source();
            if !valid(&src) {
                return Err(format!(
                    "piece {i}: bad source {src:?} in {} bytes",
                    input.len()
                ));
            }
            if src.start < last {
                return Err(format!("piece {i}: source {src:?} goes back before {last}"));
            }
            last = src.start;
            match p {
                Piece::Text { text, source, map } => {
                    if text.is_empty() {
                        return Err(format!("piece {i}: empty text"));
                    }
                    if map.text_len() != text.len() {
                        return Err(format!(
                            "piece {i}: map covers {} bytes of {}",
                            map.text_len(),
                            text.len()
                        ));
                    }
                    let mut prev = source.start;
                    for s in map.spans() {
                        if !valid(&s.source) || s.source.start < prev || s.source.end > source.end {
                            return Err(format!("piece {i}: bad map span {s:?}"));
                        }
                        if text.get(s.text.clone()).is_none() {
                            return Err(format!("piece {i}: map span {s:?} splits a char"));
                        }
                        if s.exact && text.get(s.text.clone()) != input.get(s.source.clone()) {
                            return Err(format!("piece {i}: exact span {s:?} differs"));
                        }
                        prev = s.source.end;
                    }
                    if map.source_of(0..text.len()) != *source {
                        return Err(format!("piece {i}: source {source:?} is not the map's"));
                    }
                }
                Piece::Break { ms, .. } if *ms == 0 => {
                    return Err(format!("piece {i}: zero break"));
                }
                Piece::RateStart { rate, .. } => {
                    if !(super::MIN_RATE..=super::MAX_RATE).contains(rate) {
                        return Err(format!("piece {i}: rate {rate} out of range"));
                    }
                    depth += 1;
                }
                Piece::RateEnd { .. } => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| format!("piece {i}: unbalanced RateEnd"))?;
                }
                _ => {}
            }
        }
        if depth != 0 {
            return Err(format!("{depth} RateStart without RateEnd"));
        }
        Ok(())
    }
}

/// Where the bytes of a `Text` piece's text came from in the input.
///
/// A list of spans covering the text in order. An *exact* span is a
/// verbatim copy of its source (byte `k` of the span is byte `k` of the
/// source); any other span replaced its source as a whole (an entity, a
/// `<sub>` alias, a dictionary respelling), so a word inside it maps to
/// the whole source. Markup between spans (tags, comments) belongs to no
/// span. Plain text has a single exact span.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SourceMap {
    spans: Vec<MapSpan>,
}

/// One span of a [`SourceMap`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapSpan {
    /// Byte range in the piece's text.
    pub text: Range<usize>,
    /// Byte range in the input.
    pub source: Range<usize>,
    /// Whether `text` is a verbatim copy of `source`.
    pub exact: bool,
}

impl SourceMap {
    /// A map for text that is a verbatim copy of `len` input bytes starting
    /// at `source_start`.
    pub fn exact(len: usize, source_start: usize) -> SourceMap {
        let mut m = SourceMap::default();
        m.push_exact(len, source_start);
        m
    }

    /// A map for `len` bytes of text that replaced `source` as a whole.
    pub fn replaced(len: usize, source: Range<usize>) -> SourceMap {
        let mut m = SourceMap::default();
        m.push_replaced(len, source);
        m
    }

    /// The spans, in text order.
    pub fn spans(&self) -> &[MapSpan] {
        &self.spans
    }

    /// Length of the text the map covers.
    pub fn text_len(&self) -> usize {
        self.spans.last().map_or(0, |s| s.text.end)
    }

    /// Appends `len` text bytes copied from the input at `source_start`,
    /// merging with the previous span when both are contiguous copies.
    pub fn push_exact(&mut self, len: usize, source_start: usize) {
        if len == 0 {
            return;
        }
        let at = self.text_len();
        let source_end = source_start.saturating_add(len);
        if let Some(last) = self.spans.last_mut() {
            if last.exact && last.source.end == source_start {
                last.text.end = at + len;
                last.source.end = source_end;
                return;
            }
        }
        self.spans.push(MapSpan {
            text: at..at + len,
            source: source_start..source_end,
            exact: true,
        });
    }

    /// Appends `len` text bytes that replaced input `source` as a whole.
    pub fn push_replaced(&mut self, len: usize, source: Range<usize>) {
        if len == 0 {
            return;
        }
        let at = self.text_len();
        self.spans.push(MapSpan {
            text: at..at + len,
            source,
            exact: false,
        });
    }

    /// Appends another map, shifting its text offsets to follow this one.
    pub fn append(&mut self, other: &SourceMap) {
        for s in &other.spans {
            let len = s.text.end.saturating_sub(s.text.start);
            if s.exact {
                self.push_exact(len, s.source.start);
            } else {
                self.push_replaced(len, s.source.clone());
            }
        }
    }

    /// The input range that text range `range` came from.
    ///
    /// Inside exact spans this is byte-accurate; a range touching a replaced
    /// span grows to that span's whole source (a word of an alias points at
    /// the whole written form). Out-of-range or reversed input is clamped,
    /// never a panic, because ranges come from other components.
    pub fn source_of(&self, range: Range<usize>) -> Range<usize> {
        let len = self.text_len();
        let (Some(first), Some(last)) = (self.spans.first(), self.spans.last()) else {
            return 0..0;
        };
        let a = range.start.min(len);
        let b = range.end.min(len).max(a);
        // Start: the span containing byte `a` (or the last span at the end).
        let i = self.spans.partition_point(|s| s.text.end <= a);
        let start = match self.spans.get(i) {
            Some(s) if s.exact => s.source.start + (a - s.text.start),
            Some(s) => s.source.start,
            None => last.source.end,
        };
        // End: the span containing byte `b - 1` (or the first at zero).
        let end = if b == a && b < len {
            start
        } else if b == 0 {
            first.source.start
        } else {
            let j = self.spans.partition_point(|s| s.text.end < b);
            match self.spans.get(j) {
                Some(s) if s.exact => s.source.start + (b - s.text.start),
                Some(s) => s.source.end,
                None => last.source.end,
            }
        };
        start..end.max(start)
    }

    /// The map of text range `range`, rebased to start at zero. A replaced
    /// span cut by the range keeps its whole source.
    pub fn slice(&self, range: Range<usize>) -> SourceMap {
        let mut out = SourceMap::default();
        let a = range.start;
        let b = range.end.max(a);
        let i = self.spans.partition_point(|s| s.text.end <= a);
        for s in self.spans.iter().skip(i) {
            if s.text.start >= b {
                break;
            }
            let lo = s.text.start.max(a);
            let hi = s.text.end.min(b);
            if hi <= lo {
                continue;
            }
            if s.exact {
                out.push_exact(hi - lo, s.source.start + (lo - s.text.start));
            } else {
                out.push_replaced(hi - lo, s.source.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_of(parts: &[(usize, Option<Range<usize>>, usize)]) -> SourceMap {
        // (len, Some(replaced source) | None = exact at third field)
        let mut m = SourceMap::default();
        for (len, rep, at) in parts {
            match rep {
                Some(r) => m.push_replaced(*len, r.clone()),
                None => m.push_exact(*len, *at),
            }
        }
        m
    }

    #[test]
    fn exact_map_is_identity_with_offset() {
        let m = SourceMap::exact(10, 5);
        assert_eq!(m.source_of(0..10), 5..15);
        assert_eq!(m.source_of(2..4), 7..9);
        assert_eq!(m.source_of(10..10), 15..15);
        assert_eq!(m.source_of(3..3), 8..8);
        // Clamped, never panics.
        assert_eq!(m.source_of(8..100), 13..15);
        #[allow(clippy::reversed_empty_ranges)]
        let r = m.source_of(6..2);
        assert_eq!(r, 11..11);
        assert_eq!(SourceMap::default().source_of(0..3), 0..0);
    }

    #[test]
    fn replaced_span_maps_to_whole_source() {
        // "AT" exact at 10, "&" for "&amp;" at 12..17, "T" exact at 17.
        let m = map_of(&[(2, None, 10), (1, Some(12..17), 0), (1, None, 17)]);
        assert_eq!(m.text_len(), 4);
        assert_eq!(m.source_of(0..4), 10..18);
        assert_eq!(m.source_of(2..3), 12..17);
        assert_eq!(m.source_of(0..2), 10..12);
        assert_eq!(m.source_of(3..4), 17..18);
    }

    #[test]
    fn gaps_between_spans_are_skipped() {
        // "I " at 0, "really" at 12 (after "<emphasis>").
        let m = map_of(&[(2, None, 0), (6, None, 12)]);
        assert_eq!(m.spans().len(), 2);
        assert_eq!(m.source_of(2..8), 12..18);
        assert_eq!(m.source_of(0..1), 0..1);
        assert_eq!(m.source_of(0..8), 0..18);
    }

    #[test]
    fn contiguous_exact_spans_merge() {
        let m = map_of(&[(2, None, 0), (3, None, 2)]);
        assert_eq!(m.spans().len(), 1);
        assert_eq!(m.source_of(0..5), 0..5);
    }

    #[test]
    fn slice_and_append_round_trip() {
        let m = map_of(&[(2, None, 10), (5, Some(20..23), 0), (4, None, 30)]);
        let a = m.slice(0..4);
        let b = m.slice(4..11);
        assert_eq!(a.text_len(), 4);
        assert_eq!(b.text_len(), 7);
        assert_eq!(a.source_of(0..4), 10..23);
        assert_eq!(b.source_of(0..3), 20..23);
        assert_eq!(b.source_of(3..7), 30..34);
        let mut joined = a;
        joined.append(&b);
        assert_eq!(joined.source_of(0..11), 10..34);
        assert_eq!(joined.source_of(7..9), 30..32);
    }

    #[test]
    fn plain_and_to_text() {
        assert_eq!(Script::plain("").pieces, []);
        let s = Script::plain("Hello there.");
        assert_eq!(s.to_text(), "Hello there.");
        assert!(s.has_speech());
        assert!(s.check("Hello there.").is_ok());
        let s = Script {
            pieces: vec![
                Piece::text_from("Say tomato now", 0..4).unwrap(),
                Piece::Phonemes {
                    ipa: "təˈmɑːtoʊ".into(),
                    text: "tomato".into(),
                    source: 4..10,
                },
                Piece::Boundary {
                    kind: BoundaryKind::Paragraph,
                    source: 10..10,
                },
                Piece::Break {
                    ms: 300,
                    source: 10..10,
                },
                Piece::text_from("Say tomato now", 10..14).unwrap(),
            ],
        };
        assert_eq!(s.to_text(), "Say tomato\n\n now");
        assert!(s.check("Say tomato now").is_ok());
    }

    #[test]
    fn blocks_group_speech_and_track_rate() {
        let t = |a: usize, b: usize| Piece::text_from("abcdefghij", a..b).unwrap();
        let s = Script {
            pieces: vec![
                t(0, 1),
                Piece::RateStart {
                    rate: 1.5,
                    source: 1..1,
                },
                t(1, 2),
                Piece::Phonemes {
                    ipa: "a".into(),
                    text: "c".into(),
                    source: 2..3,
                },
                Piece::RateStart {
                    rate: 0.5,
                    source: 3..3,
                },
                t(3, 4),
                Piece::RateEnd { source: 4..4 },
                t(4, 5),
                Piece::RateEnd { source: 5..5 },
                Piece::Break {
                    ms: 200,
                    source: 5..5,
                },
                t(5, 6),
            ],
        };
        let blocks = s.blocks();
        let summary: Vec<String> = blocks
            .iter()
            .map(|b| match b {
                Block::Speech { pieces, rate } => format!("speech{}@{rate}", pieces.len()),
                Block::Pause { ms } => format!("pause{ms}"),
                Block::Boundary(k) => format!("{k:?}"),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "speech1@1",
                "speech2@1.5",
                "speech1@0.5",
                "speech1@1.5",
                "pause200",
                "speech1@1"
            ]
        );
        assert!(s.check("abcdefghij").is_ok());
    }

    #[test]
    fn check_catches_bad_ranges() {
        let s = Script {
            pieces: vec![Piece::Break {
                ms: 5,
                source: 0..2,
            }],
        };
        // "é" is two bytes: 0..1 would split it.
        assert!(s.check("é").is_ok());
        let s = Script {
            pieces: vec![Piece::Break {
                ms: 5,
                source: 0..1,
            }],
        };
        assert!(s.check("é").is_err());
        assert!(s.check("").is_err());
    }

    #[test]
    fn serde_round_trip() {
        let s = Script {
            pieces: vec![
                Piece::text_from("hi there", 0..8).unwrap(),
                Piece::SayAs {
                    text: "12".into(),
                    interpret_as: SayAs::Digits,
                    format: None,
                    source: 0..2,
                },
            ],
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"type\":\"say_as\""), "{json}");
        let back: Script = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
