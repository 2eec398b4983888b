//! Request markup: SSML, and inline pronunciations in plain text, turned
//! into a [`Script`].
//!
//! A request's text is either SSML (it starts with `<speak`, or an XML
//! declaration, after optional whitespace) or plain text. Plain text may
//! carry inline pronunciations in a Markdown-like form,
//! `[tomato](/təˈmɑːtoʊ/)`; everything else in it is left to the
//! normalizer. Both produce the same [`Script`], so the engine has one
//! input path, and pronunciation dictionaries
//! ([`crate::dictionary::apply`]) work on either.
//!
//! # SSML support
//!
//! | element | effect |
//! | --- | --- |
//! | `<speak>` | the root; attributes (`version`, `xml:lang`, `xmlns`) are ignored |
//! | `<p>`, `<s>` | [`Piece::Boundary`] at start and end: chunks never span them |
//! | `<break time strength>` | [`Piece::Break`]; `time` (`500ms`, `2s`, at most 10 s) wins over `strength`: `none` 0, `x-weak` 100, `weak` 200, `medium` 400 (also the default), `strong` 700, `x-strong` 1200 ms |
//! | `<say-as interpret-as format>` | [`Piece::SayAs`]; see [`SayAs::from_ssml`] for the values; `format` is checked for `date` and `time` |
//! | `<sub alias>` | the alias is spoken; word timestamps point at the written content |
//! | `<phoneme alphabet="ipa" ph>` | [`Piece::Phonemes`]; other alphabets (X-SAMPA) are rejected |
//! | `<prosody rate>` | [`Piece::RateStart`]/[`Piece::RateEnd`]: `x-slow` 0.6, `slow` 0.8, `medium`/`default` 1, `fast` 1.25, `x-fast` 1.6, `80%` (of normal), `+10%`/`-10%` (of the enclosing rate), `1.2`; `pitch`, `volume`, `duration` are accepted and ignored |
//! | `<emphasis>`, `<lang>`, `<voice>`, `<w>`, `<token>` | content is read normally (one voice per request) |
//! | `<mark>` | ignored |
//! | `<audio>` | error: not supported |
//!
//! Anything else is an error naming the element and where it is, as is
//! malformed XML, a bad attribute value, an unknown entity, or a document
//! over the limits ([`MAX_DEPTH`], [`MAX_BREAK_MS`], [`MAX_TOTAL_BREAK_MS`],
//! [`MAX_PIECES`]). We reject rather than guess because a request that
//! silently reads markup aloud, or drops half of it, is worse than a 400
//! that says what to fix.
//!
//! Parsing is a single streaming pass over `quick-xml` events with an
//! explicit element stack, so deeply nested input cannot overflow the call
//! stack, and the work is linear in the input.

mod inline;
mod ipa;
mod script;
mod ssml;

use std::fmt;

pub use ipa::{check_ipa, MAX_IPA_CHARS};
pub use script::{Block, BoundaryKind, MapSpan, Piece, SayAs, Script, SourceMap};

/// Deepest element nesting accepted in SSML (`<speak>` counts). Real
/// documents use a handful of levels; the limit keeps per-element state
/// small.
pub const MAX_DEPTH: usize = 32;

/// Longest single `<break>`, in milliseconds. Longer silences are almost
/// always a unit mistake (`time="5000s"`).
pub const MAX_BREAK_MS: u32 = 10_000;

/// Most silence all breaks of one request may add up to, in milliseconds
/// (10 minutes). Without it, a few kilobytes of `<break time="10s"/>`
/// would ask for hours of audio.
pub const MAX_TOTAL_BREAK_MS: u64 = 600_000;

/// Most pieces one request may produce. Pieces are already linear in the
/// input; this caps the per-piece work of the engine for a pathological
/// document made only of markup.
pub const MAX_PIECES: usize = 20_000;

/// Slowest `<prosody rate>` accepted, as a multiple of the normal speed
/// (the same range as the API's `speed`).
pub const MIN_RATE: f32 = 0.25;

/// Fastest `<prosody rate>` accepted.
pub const MAX_RATE: f32 = 4.0;

/// Why a request's markup was rejected, and where.
///
/// `message` names the element, attribute or character at fault and, where
/// it helps, what would be accepted; `position` is the byte offset in the
/// input, `line` and `column` (1-based, column in characters) the same for
/// people. The server reports it as an invalid request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    pub message: String,
    pub position: usize,
    pub line: usize,
    pub column: usize,
}

impl MarkupError {
    /// An error at byte `position` of `input` (clamped into it).
    pub fn at(input: &str, position: usize, message: impl Into<String>) -> MarkupError {
        let (position, line, column) = line_col(input, position);
        MarkupError {
            message: message.into(),
            position,
            line,
            column,
        }
    }
}

impl fmt::Display for MarkupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for MarkupError {}

/// Turns a request's text into a [`Script`]: SSML if it starts with
/// `<speak` or `<?xml` (after whitespace or a byte-order mark), otherwise
/// plain text with inline `[word](/IPA/)` pronunciations.
///
/// Plain text is never rejected except for exceeding [`MAX_PIECES`]; a
/// bracketed link that is not a valid pronunciation stays text. SSML is
/// rejected when malformed or unsupported; see the module documentation.
pub fn parse(input: &str) -> Result<Script, MarkupError> {
    if is_ssml(input) {
        ssml::parse(input)
    } else {
        inline::parse(input)
    }
}

/// Whether [`parse`] treats `input` as SSML.
pub fn is_ssml(input: &str) -> bool {
    let t = input.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.starts_with("<?xml") {
        return true;
    }
    match t.strip_prefix("<speak") {
        Some(rest) => rest
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '>' || c == '/'),
        None => false,
    }
}

/// Byte offset clamped to `input` and moved back to a char boundary, with
/// its 1-based line and column (in chars).
fn line_col(input: &str, position: usize) -> (usize, usize, usize) {
    let mut pos = position.min(input.len());
    while pos > 0 && !input.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = input.get(..pos).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (pos, line, column)
}

/// The usual shape of a script, so the engine need not special-case
/// markup leftovers: whitespace-only text next to non-speech pieces or at
/// either end is dropped, and boundaries are dropped when nothing was
/// said since the previous one (or since the start) or nothing is said
/// after them, with runs of boundaries merged into the strongest.
fn tidy(pieces: Vec<Piece>) -> Vec<Piece> {
    let speechy = |p: Option<&Piece>| p.is_some_and(Piece::is_speech);
    let blank = |p: &Piece| matches!(p, Piece::Text { text, .. } if text.trim().is_empty());
    // Pass 1: whitespace-only text that does not separate two speech pieces.
    let mut kept: Vec<Piece> = Vec::with_capacity(pieces.len());
    for (i, p) in pieces.iter().enumerate() {
        if blank(p) {
            let prev = i.checked_sub(1).and_then(|j| pieces.get(j));
            if !(speechy(prev) && speechy(pieces.get(i + 1))) {
                continue;
            }
        }
        kept.push(p.clone());
    }
    // Pass 2: boundaries.
    let mut out: Vec<Piece> = Vec::with_capacity(kept.len());
    // Index in `out` of a boundary waiting for speech to follow it.
    let mut pending: Option<usize> = None;
    let mut spoke = false;
    for p in kept {
        match p {
            Piece::Boundary { kind, .. } => {
                if let Some(Piece::Boundary { kind: k, .. }) = pending.and_then(|j| out.get_mut(j))
                {
                    *k = (*k).max(kind);
                } else if spoke {
                    pending = Some(out.len());
                    out.push(p);
                }
            }
            p => {
                if p.is_speech() {
                    spoke = true;
                    pending = None;
                }
                out.push(p);
            }
        }
    }
    if let Some(j) = pending {
        out.remove(j);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn detects_ssml() {
        assert!(is_ssml("<speak>hi</speak>"));
        assert!(is_ssml("  \n<speak version=\"1.0\">"));
        assert!(is_ssml("\u{feff}<speak/>"));
        assert!(is_ssml("<?xml version=\"1.0\"?><speak></speak>"));
        assert!(!is_ssml("<speaker>"));
        assert!(!is_ssml("say <speak>"));
        assert!(!is_ssml("a < b"));
    }

    #[test]
    fn error_display_has_line_and_column() {
        let e = MarkupError::at("ab\ncdé\nf", 7, "bad");
        assert_eq!((e.line, e.column, e.position), (2, 4, 7));
        assert_eq!(e.to_string(), "bad (line 2, column 4)");
        // Inside a multibyte char: moved back to its start.
        let e = MarkupError::at("é", 1, "x");
        assert_eq!(e.position, 0);
        let e = MarkupError::at("ab", 99, "x");
        assert_eq!((e.position, e.column), (2, 3));
    }

    /// Inputs mixing SSML fragments, link syntax and arbitrary text.
    fn markupish() -> impl Strategy<Value = String> {
        let frag = prop::sample::select(vec![
            "<speak>",
            "</speak>",
            "<p>",
            "</p>",
            "<s>",
            "</s>",
            "<break time=\"1s\"/>",
            "<break/>",
            "<say-as interpret-as=\"digits\">",
            "</say-as>",
            "<sub alias=\"x y\">",
            "</sub>",
            "<phoneme alphabet=\"ipa\" ph=\"ab\">",
            "</phoneme>",
            "<prosody rate=\"slow\">",
            "<prosody rate=\"+10%\">",
            "</prosody>",
            "<emphasis>",
            "</emphasis>",
            "<mark name=\"a\"/>",
            "&amp;",
            "&lt;",
            "&#233;",
            "&bogus;",
            "<!-- c -->",
            "<![CDATA[x<y]]>",
            "[word](/wɜːd/)",
            "[a b](/x/)",
            "[",
            "](/",
            "/)",
            "hello",
            "world",
            " ",
            "\n",
            "é",
            "😀",
            "<",
            ">",
            "&",
            "\"",
            "=",
        ]);
        let piece = prop_oneof![
            4 => frag.prop_map(str::to_owned),
            1 => any::<char>().prop_map(|c| c.to_string()),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    /// What [`parse`] promises for any input.
    fn check_parse(input: &str) -> Result<(), TestCaseError> {
        match parse(input) {
            Ok(script) => {
                if let Err(e) = script.check(input) {
                    return Err(TestCaseError::fail(format!("{e} for {input:?}")));
                }
                let out: usize = script
                    .pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Text { text, .. } | Piece::SayAs { text, .. } => text.len(),
                        Piece::Phonemes { ipa, text, .. } => ipa.len() + text.len(),
                        _ => 0,
                    })
                    .sum();
                prop_assert!(out <= 2 * input.len() + 16, "{out} bytes from {input:?}");
                prop_assert!(script.pieces.len() <= MAX_PIECES);
            }
            Err(e) => {
                prop_assert!(e.position <= input.len());
                prop_assert!(input.is_char_boundary(e.position));
                prop_assert!(!e.message.is_empty());
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn prop_parse_never_panics_markupish(body in markupish()) {
            check_parse(&body)?;
            check_parse(&format!("<speak>{body}</speak>"))?;
        }

        #[test]
        fn prop_parse_never_panics_arbitrary(body in any::<String>()) {
            check_parse(&body)?;
            check_parse(&format!("<speak>{body}</speak>"))?;
        }
    }
}
