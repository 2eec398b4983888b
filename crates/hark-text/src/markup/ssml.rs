//! The SSML reader: `quick-xml` events in, [`Piece`]s out.
//!
//! `quick-xml` does the XML tokenizing (tags, attributes, references,
//! CDATA, comments) and reports byte positions; this module keeps its own
//! element stack (so mismatched and unclosed tags get messages that name
//! both ends), decides what each element means, and accumulates running
//! text with a [`SourceMap`] so that text split by inline markup or
//! entities is still one `Text` piece with exact positions.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::script::{BoundaryKind, Piece, SayAs, Script, SourceMap};
use super::{
    check_ipa, tidy, MarkupError, MAX_BREAK_MS, MAX_DEPTH, MAX_PIECES, MAX_RATE,
    MAX_TOTAL_BREAK_MS, MIN_RATE,
};

/// The elements we understand, listed in "unknown element" errors.
const SUPPORTED: &str = "speak, p, s, break, say-as, sub, phoneme, prosody, emphasis, lang, \
                         voice, mark, w, token";

/// `<break>` with neither `time` nor `strength`: SSML's default strength,
/// medium.
const DEFAULT_BREAK_MS: u32 = 400;

pub(super) fn parse(input: &str) -> Result<Script, MarkupError> {
    // quick-xml would skip a byte-order mark itself, but then its positions
    // would be off by three; skip it here and add the offset back.
    let base = if input.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let body = input.get(base..).unwrap_or("");
    let mut reader = Reader::from_str(body);
    {
        let cfg = reader.config_mut();
        // We match end tags ourselves, to name the opening tag in errors.
        cfg.check_end_names = false;
        cfg.allow_unmatched_ends = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let mut p = Parser::new(input);
    loop {
        let start = base + to_usize(reader.buffer_position());
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let at = base + to_usize(reader.error_position());
                return Err(p.xml_error(&e, at));
            }
        };
        let end = base + to_usize(reader.buffer_position());
        let range = start..end;
        match event {
            Event::Start(e) => p.open(&e, range, false)?,
            Event::Empty(e) => p.open(&e, range, true)?,
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                p.close(&name, range)?;
            }
            Event::Text(_) => {
                let raw = p.slice(range.clone())?;
                p.chars(raw, range, true)?;
            }
            Event::CData(_) => {
                // `<![CDATA[` ... `]]>`: the content is verbatim input.
                let inner = range.start + 9..range.end.saturating_sub(3);
                let raw = p.slice(inner.clone())?;
                p.chars(raw, inner, true)?;
            }
            Event::GeneralRef(r) => {
                let decoded = p.reference(&r, range.start)?;
                p.chars(&decoded, range, false)?;
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
            Event::DocType(_) => {
                return Err(p.err(range.start, "<!DOCTYPE> is not allowed in SSML"));
            }
            Event::Eof => break,
        }
    }
    p.finish()
}

fn to_usize(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

/// An open element.
struct Frame {
    /// The name as written, to match the closing tag.
    name: String,
    kind: Kind,
    /// The opening tag's range.
    open: Range<usize>,
}

enum Kind {
    Speak,
    Boundary(BoundaryKind),
    /// `<break>`: no content allowed.
    Empty,
    /// Content is read as usual.
    Transparent,
    /// `<prosody>`; `true` if it pushed a rate.
    Prosody(bool),
    /// An element whose content is text only, collected here.
    Leaf(Leaf, String),
}

enum Leaf {
    SayAs(SayAs, Option<String>),
    Sub(String),
    Phoneme(String),
}

impl Leaf {
    fn element(&self) -> &'static str {
        match self {
            Leaf::SayAs(..) => "say-as",
            Leaf::Sub(_) => "sub",
            Leaf::Phoneme(_) => "phoneme",
        }
    }
}

#[derive(PartialEq)]
enum Root {
    NotSeen,
    Open,
    Closed,
}

struct Parser<'a> {
    input: &'a str,
    stack: Vec<Frame>,
    /// Enclosing absolute rates of open `<prosody rate>` elements.
    rates: Vec<f32>,
    pieces: Vec<Piece>,
    /// Running text not yet emitted as a piece.
    text: String,
    map: SourceMap,
    root: Root,
    total_break_ms: u64,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        Parser {
            input,
            stack: Vec::new(),
            rates: Vec::new(),
            pieces: Vec::new(),
            text: String::new(),
            map: SourceMap::default(),
            root: Root::NotSeen,
            total_break_ms: 0,
        }
    }

    fn err(&self, at: usize, msg: impl Into<String>) -> MarkupError {
        MarkupError::at(self.input, at, msg)
    }

    fn slice(&self, range: Range<usize>) -> Result<&'a str, MarkupError> {
        self.input
            .get(range.clone())
            .ok_or_else(|| self.err(range.start, "internal error: markup position out of range"))
    }

    /// "line 3, column 5", for messages that mention a second place.
    fn place(&self, at: usize) -> String {
        let e = MarkupError::at(self.input, at, "");
        format!("line {}, column {}", e.line, e.column)
    }

    fn xml_error(&self, e: &quick_xml::Error, at: usize) -> MarkupError {
        use quick_xml::errors::{IllFormedError, SyntaxError};
        let msg = match e {
            quick_xml::Error::IllFormed(IllFormedError::UnclosedReference) => {
                "'&' must start an entity such as &amp; or &lt; (write a literal & as &amp;)"
                    .to_owned()
            }
            quick_xml::Error::Syntax(SyntaxError::UnclosedTag) => {
                "unclosed tag: '<' without a matching '>' (write a literal < as &lt;)".to_owned()
            }
            quick_xml::Error::Syntax(
                SyntaxError::UnclosedDoubleQuotedAttributeValue
                | SyntaxError::UnclosedSingleQuotedAttributeValue,
            ) => "attribute value without a closing quote".to_owned(),
            other => format!("malformed SSML: {other}"),
        };
        self.err(at, msg)
    }

    /// Resolves `&name;` / `&#N;` / `&#xH;`.
    fn reference(&self, r: &BytesRef<'_>, at: usize) -> Result<String, MarkupError> {
        let name = String::from_utf8_lossy(r);
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) if !c.is_control() || matches!(c, '\t' | '\n' | '\r') => {
                    Ok(c.to_string())
                }
                _ => Err(self.err(at, format!("invalid character reference &{name};"))),
            };
        }
        match resolve_xml_entity(&name) {
            Some(s) => Ok(s.to_owned()),
            None => Err(self.err(
                at,
                format!(
                    "unknown entity &{name}; (SSML knows only &amp; &lt; &gt; &quot; &apos; \
                     and numeric references such as &#233;)"
                ),
            )),
        }
    }

    /// Character data: `raw` is the decoded text of input `span`, `exact`
    /// if it is a verbatim copy of it.
    fn chars(&mut self, raw: &str, span: Range<usize>, exact: bool) -> Result<(), MarkupError> {
        let speakable = |s: &str| s.chars().any(|c| !c.is_whitespace() && c != '\u{feff}');
        let Some(top) = self.stack.last_mut() else {
            if speakable(raw) {
                let what = if self.root == Root::Closed {
                    "text after </speak>"
                } else {
                    "text before <speak>"
                };
                return Err(MarkupError::at(
                    self.input,
                    span.start,
                    format!("{what}: all text must be inside the <speak> element"),
                ));
            }
            return Ok(());
        };
        match &mut top.kind {
            Kind::Empty => {
                if speakable(raw) {
                    let msg = format!("<{}> must be empty, but contains text", top.name);
                    return Err(MarkupError::at(self.input, span.start, msg));
                }
            }
            Kind::Leaf(_, content) => content.push_str(raw),
            _ => {
                if exact {
                    self.map.push_exact(raw.len(), span.start);
                } else {
                    self.map.push_replaced(raw.len(), span);
                }
                self.text.push_str(raw);
            }
        }
        Ok(())
    }

    /// Emits the running text as a `Text` piece.
    fn flush(&mut self) -> Result<(), MarkupError> {
        if self.text.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.text);
        let map = std::mem::take(&mut self.map);
        let source = map.source_of(0..text.len());
        self.push_piece(Piece::Text { text, source, map })
    }

    /// Appends a piece (flushing running text first for non-text pieces).
    fn push(&mut self, piece: Piece) -> Result<(), MarkupError> {
        self.flush()?;
        self.push_piece(piece)
    }

    fn push_piece(&mut self, piece: Piece) -> Result<(), MarkupError> {
        if self.pieces.len() >= MAX_PIECES {
            let at = piece.source().start;
            return Err(self.err(
                at,
                format!(
                    "the document is too complex: more than {MAX_PIECES} pieces of text and markup"
                ),
            ));
        }
        self.pieces.push(piece);
        Ok(())
    }

    fn open(
        &mut self,
        e: &BytesStart<'_>,
        tag: Range<usize>,
        empty: bool,
    ) -> Result<(), MarkupError> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let at = tag.start;
        if name.is_empty() {
            return Err(self.err(at, "'<' must start a tag name (write a literal < as &lt;)"));
        }
        match self.stack.last() {
            None if self.root == Root::Closed => {
                return Err(self.err(
                    at,
                    format!("<{name}> after </speak>: the document must have one <speak> element"),
                ));
            }
            None if name != "speak" => {
                return Err(self.err(
                    at,
                    format!("the document must start with <speak>, found <{name}>"),
                ));
            }
            Some(f) => match &f.kind {
                Kind::Empty => {
                    return Err(self.err(
                        at,
                        format!("<{}> must be empty, but contains <{name}>", f.name),
                    ));
                }
                Kind::Leaf(leaf, _) => {
                    return Err(self.err(
                        at,
                        format!(
                            "<{}> may contain only text, but contains <{name}>",
                            leaf.element()
                        ),
                    ));
                }
                _ => {}
            },
            None => {}
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.err(
                at,
                format!("elements are nested more than {MAX_DEPTH} deep"),
            ));
        }
        let attrs = self.attributes(e, &name, at)?;
        let get = |key: &str| attrs.iter().find(|a| a.key == key);
        let kind = match name.as_str() {
            "speak" => {
                if !self.stack.is_empty() {
                    return Err(self.err(at, "<speak> cannot be nested inside another element"));
                }
                self.root = Root::Open;
                Kind::Speak
            }
            "p" => {
                self.push(boundary(BoundaryKind::Paragraph, &tag))?;
                Kind::Boundary(BoundaryKind::Paragraph)
            }
            "s" => {
                self.push(boundary(BoundaryKind::Sentence, &tag))?;
                Kind::Boundary(BoundaryKind::Sentence)
            }
            "break" => {
                let mut ms = DEFAULT_BREAK_MS;
                if let Some(a) = get("strength") {
                    ms = strength_ms(&a.value).ok_or_else(|| {
                        self.err(a.at, format!(
                            "<break strength=\"{}\">: strength must be none, x-weak, weak, medium, strong or x-strong",
                            a.value
                        ))
                    })?;
                }
                if let Some(a) = get("time") {
                    ms = parse_time(&a.value).map_err(|m| {
                        self.err(a.at, format!("<break time=\"{}\">: {m}", a.value))
                    })?;
                }
                self.total_break_ms += u64::from(ms);
                if self.total_break_ms > MAX_TOTAL_BREAK_MS {
                    return Err(self.err(
                        at,
                        format!(
                            "breaks add up to more than {} minutes of silence",
                            MAX_TOTAL_BREAK_MS / 60_000
                        ),
                    ));
                }
                if ms > 0 {
                    self.push(Piece::Break {
                        ms,
                        source: tag.clone(),
                    })?;
                }
                Kind::Empty
            }
            "say-as" => {
                let Some(a) = get("interpret-as") else {
                    return Err(self.err(at, "<say-as> needs an interpret-as attribute"));
                };
                let how = SayAs::from_ssml(&a.value).ok_or_else(|| {
                    self.err(a.at, format!(
                        "<say-as interpret-as=\"{}\">: unsupported; use cardinal, ordinal, characters, \
                         spell-out, date, time, telephone, digits or verbatim",
                        a.value
                    ))
                })?;
                let format = match get("format") {
                    Some(f) => Some(check_format(how, &f.value).map_err(|m| {
                        self.err(f.at, format!("<say-as format=\"{}\">: {m}", f.value))
                    })?),
                    None => None,
                };
                Kind::Leaf(Leaf::SayAs(how, format), String::new())
            }
            "sub" => {
                let alias = get("alias").map(|a| a.value.trim().to_owned());
                match alias {
                    Some(alias) if !alias.is_empty() => Kind::Leaf(Leaf::Sub(alias), String::new()),
                    _ => {
                        return Err(self.err(
                            at,
                            "<sub> needs a non-empty alias attribute: the text to say",
                        ))
                    }
                }
            }
            "phoneme" => {
                if let Some(a) = get("alphabet") {
                    let alphabet = a.value.trim().to_ascii_lowercase();
                    if alphabet.contains("sampa") {
                        return Err(self.err(
                            a.at,
                            format!(
                                "<phoneme alphabet=\"{}\">: X-SAMPA is not supported; write the \
                             pronunciation in IPA with alphabet=\"ipa\"",
                                a.value
                            ),
                        ));
                    }
                    if alphabet != "ipa" {
                        return Err(self.err(
                            a.at,
                            format!(
                            "<phoneme alphabet=\"{}\">: unsupported alphabet; use alphabet=\"ipa\"",
                            a.value
                        ),
                        ));
                    }
                }
                let Some(a) = get("ph") else {
                    return Err(self.err(
                        at,
                        "<phoneme> needs a ph attribute with the IPA pronunciation",
                    ));
                };
                let ipa = strip_slashes(&a.value).to_owned();
                check_ipa(&ipa)
                    .map_err(|m| self.err(a.at, format!("<phoneme ph=\"{}\">: {m}", a.value)))?;
                Kind::Leaf(Leaf::Phoneme(ipa), String::new())
            }
            "prosody" => match get("rate") {
                Some(a) => {
                    let current = self.rates.last().copied().unwrap_or(1.0);
                    let rate = parse_rate(&a.value, current).map_err(|m| {
                        self.err(a.at, format!("<prosody rate=\"{}\">: {m}", a.value))
                    })?;
                    self.push(Piece::RateStart {
                        rate,
                        source: tag.clone(),
                    })?;
                    self.rates.push(rate);
                    Kind::Prosody(true)
                }
                None => Kind::Prosody(false),
            },
            "emphasis" | "lang" | "voice" | "w" | "token" | "mark" => Kind::Transparent,
            "audio" => return Err(self.err(
                at,
                "<audio> is not supported: Hark cannot insert recorded audio; remove the element",
            )),
            _ => {
                return Err(self.err(
                    at,
                    format!("unknown SSML element <{name}>; supported elements: {SUPPORTED}"),
                ))
            }
        };
        self.stack.push(Frame {
            name: name.clone(),
            kind,
            open: tag.clone(),
        });
        if empty {
            // `<x/>`: closed where it opened.
            self.close(&name, tag.end..tag.end)?;
        }
        Ok(())
    }

    fn close(&mut self, name: &str, tag: Range<usize>) -> Result<(), MarkupError> {
        let Some(top) = self.stack.last() else {
            let msg = if self.root == Root::Closed {
                format!("</{name}> after </speak>")
            } else {
                format!("closing tag </{name}> without an opening tag")
            };
            return Err(self.err(tag.start, msg));
        };
        if top.name != name {
            let msg = format!(
                "mismatched closing tag </{name}>: expected </{}> to close the <{}> at {}",
                top.name,
                top.name,
                self.place(top.open.start)
            );
            return Err(self.err(tag.start, msg));
        }
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        match frame.kind {
            Kind::Speak => {
                self.flush()?;
                self.root = Root::Closed;
            }
            Kind::Boundary(kind) => self.push(boundary(kind, &tag))?,
            Kind::Prosody(true) => {
                self.rates.pop();
                self.push(Piece::RateEnd { source: tag })?;
            }
            Kind::Prosody(false) | Kind::Transparent | Kind::Empty => {}
            Kind::Leaf(leaf, content) => {
                // Timestamps point at the written content; an element
                // without content points at itself.
                let content_range = trim_range(self.input, frame.open.end..tag.start);
                let source = if content_range.is_empty() {
                    frame.open.start..tag.end.max(frame.open.end)
                } else {
                    content_range
                };
                let written = content.trim().to_owned();
                match leaf {
                    Leaf::SayAs(interpret_as, format) => {
                        if !written.is_empty() {
                            self.push(Piece::SayAs {
                                text: written,
                                interpret_as,
                                format,
                                source,
                            })?;
                        }
                    }
                    Leaf::Sub(alias) => {
                        self.map.push_replaced(alias.len(), source);
                        self.text.push_str(&alias);
                    }
                    Leaf::Phoneme(ipa) => self.push(Piece::Phonemes {
                        ipa,
                        text: written,
                        source,
                    })?,
                }
            }
        }
        Ok(())
    }

    fn attributes(
        &self,
        e: &BytesStart<'_>,
        element: &str,
        at: usize,
    ) -> Result<Vec<Attr>, MarkupError> {
        let mut out = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| {
                use quick_xml::events::attributes::AttrError;
                // Positions are relative to the tag after its '<'.
                let (pos, what) = match err {
                    AttrError::ExpectedEq(p) => {
                        (p, "an attribute name must be followed by =\"value\"")
                    }
                    AttrError::ExpectedValue(p) => (p, "attribute without a value"),
                    AttrError::UnquotedValue(p) | AttrError::ExpectedQuote(p, _) => {
                        (p, "attribute values must be in quotes")
                    }
                    AttrError::Duplicated(p, _) => (p, "the same attribute is given twice"),
                };
                self.err(
                    at.saturating_add(1).saturating_add(pos),
                    format!("<{element}>: {what}"),
                )
            })?;
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let pos = offset_in(self.input, &a.value).unwrap_or(at);
            let value = a
                .normalized_value_with(XmlVersion::Implicit1_0, 1, resolve_xml_entity)
                .map_err(|err| {
                    self.err(
                        pos,
                        format!("<{element} {key}=...>: bad attribute value: {err}"),
                    )
                })?;
            out.push(Attr {
                key,
                value: match value {
                    Cow::Borrowed(s) => s.to_owned(),
                    Cow::Owned(s) => s,
                },
                at: pos,
            });
        }
        Ok(out)
    }

    fn finish(mut self) -> Result<Script, MarkupError> {
        if let Some(f) = self.stack.last() {
            return Err(self.err(
                f.open.start,
                format!("<{}> is never closed: add </{}>", f.name, f.name),
            ));
        }
        if self.root == Root::NotSeen {
            return Err(self.err(self.input.len(), "no <speak> element"));
        }
        self.flush()?;
        Ok(Script {
            pieces: tidy(self.pieces),
        })
    }
}

struct Attr {
    key: String,
    value: String,
    /// Byte offset of the value in the input, for error positions.
    at: usize,
}

fn boundary(kind: BoundaryKind, tag: &Range<usize>) -> Piece {
    Piece::Boundary {
        kind,
        source: tag.clone(),
    }
}

/// Byte offset of `part` inside `input`, when `part` borrows from it
/// (quick-xml hands out slices of the input for unmodified values).
fn offset_in(input: &str, part: &[u8]) -> Option<usize> {
    let off = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    (off.checked_add(part.len())? <= input.len() && input.is_char_boundary(off)).then_some(off)
}

/// `range` of `input` without leading and trailing whitespace.
fn trim_range(input: &str, range: Range<usize>) -> Range<usize> {
    let Some(s) = input.get(range.clone()) else {
        return range.start..range.start;
    };
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    let start = range.start + lead;
    start..start + t.len()
}

/// `/təˈmɑːtoʊ/` -> `təˈmɑːtoʊ`: people paste IPA with its conventional
/// slashes.
pub(super) fn strip_slashes(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('/')
        .and_then(|x| x.strip_suffix('/'))
        .unwrap_or(t)
        .trim()
}

fn strength_ms(v: &str) -> Option<u32> {
    Some(match v.trim().to_ascii_lowercase().as_str() {
        "none" => 0,
        "x-weak" => 100,
        "weak" => 200,
        "medium" => 400,
        "strong" => 700,
        "x-strong" => 1200,
        _ => return None,
    })
}

/// An unsigned decimal (`12`, `1.5`, `.5`), without exponents or signs,
/// so `inf`, `NaN` and `1e9` are not numbers here.
fn parse_decimal(s: &str) -> Option<f64> {
    let ok = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && s.chars().filter(|&c| c == '.').count() <= 1
        && s.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// SSML time designation: `500ms`, `2s`, `1.5s`.
fn parse_time(v: &str) -> Result<u32, String> {
    let v = v.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return Err("time must be a duration such as 500ms or 2s".into());
    };
    let Some(x) = parse_decimal(num.trim_end()) else {
        return Err("time must be a duration such as 500ms or 2s".into());
    };
    let ms = x * scale;
    if ms > f64::from(MAX_BREAK_MS) {
        return Err(format!(
            "breaks can be at most {} seconds",
            MAX_BREAK_MS / 1000
        ));
    }
    Ok(ms.round() as u32)
}

/// `<prosody rate>` as an absolute multiple of the normal speed, given
/// the enclosing rate `current` (for relative `+10%`/`-10%`).
fn parse_rate(v: &str, current: f32) -> Result<f32, String> {
    let t = v.trim().to_ascii_lowercase();
    let usage = "rate must be x-slow, slow, medium, fast, x-fast, a percentage such as 80% or \
                 +10%, or a multiplier such as 1.2";
    let rate: f64 = match t.as_str() {
        "x-slow" => 0.6,
        "slow" => 0.8,
        "medium" | "default" => 1.0,
        "fast" => 1.25,
        "x-fast" => 1.6,
        _ => {
            let (sign, body) = match (t.strip_prefix('+'), t.strip_prefix('-')) {
                (Some(b), _) => (Some(1.0), b),
                (_, Some(b)) => (Some(-1.0), b),
                _ => (None, t.as_str()),
            };
            let (percent, num) = match body.strip_suffix('%') {
                Some(n) => (true, n.trim_end()),
                None => (false, body),
            };
            let x = parse_decimal(num).ok_or(usage)?;
            match (sign, percent) {
                (None, true) => x / 100.0,
                (None, false) => x,
                (Some(s), true) => f64::from(current) * (1.0 + s * x / 100.0),
                (Some(_), false) => return Err(usage.into()),
            }
        }
    };
    let (lo, hi) = (f64::from(MIN_RATE), f64::from(MAX_RATE));
    if !(lo..=hi).contains(&rate) {
        return Err(format!(
            "that is {rate:.2} times the normal speed; the rate must be between {MIN_RATE} and {MAX_RATE}"
        ));
    }
    Ok((rate as f32).clamp(MIN_RATE, MAX_RATE))
}

/// Lowercased `format`, checked where we know the valid values.
fn check_format(how: SayAs, v: &str) -> Result<String, String> {
    const DATE: [&str; 10] = ["mdy", "dmy", "ymd", "md", "dm", "ym", "my", "d", "m", "y"];
    const TIME: [&str; 2] = ["hms12", "hms24"];
    let f = v.trim().to_ascii_lowercase();
    let allowed: &[&str] = match how {
        SayAs::Date => &DATE,
        SayAs::Time => &TIME,
        _ => return Ok(f),
    };
    if allowed.contains(&f.as_str()) {
        Ok(f)
    } else {
        let what = if how == SayAs::Date { "date" } else { "time" };
        Err(format!(
            "{what} format must be one of {}",
            allowed.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Block, MarkupError, Piece, Script};
    use super::*;

    fn ok(input: &str) -> Script {
        let short: String = input.chars().take(200).collect();
        let s = parse(input).unwrap_or_else(|e| panic!("{short:?}: {e}"));
        s.check(input).unwrap_or_else(|e| panic!("{short:?}: {e}"));
        s
    }

    fn fail(input: &str) -> MarkupError {
        match parse(input) {
            Ok(s) => panic!("{input:?} parsed: {s:?}"),
            Err(e) => e,
        }
    }

    /// Compact rendering of pieces for assertions.
    fn show(s: &Script) -> Vec<String> {
        s.pieces
            .iter()
            .map(|p| match p {
                Piece::Text { text, .. } => format!("T:{text}"),
                Piece::Phonemes { ipa, text, .. } => format!("P:{text}={ipa}"),
                Piece::SayAs {
                    text,
                    interpret_as,
                    format,
                    ..
                } => format!(
                    "S:{text}/{interpret_as:?}/{}",
                    format.as_deref().unwrap_or("")
                ),
                Piece::Break { ms, .. } => format!("B:{ms}"),
                Piece::Boundary { kind, .. } => format!("|{kind:?}"),
                Piece::RateStart { rate, .. } => format!("R:{rate}"),
                Piece::RateEnd { .. } => "R:end".into(),
            })
            .collect()
    }

    fn src<'a>(input: &'a str, p: &Piece) -> &'a str {
        &input[p.source()]
    }

    #[test]
    fn speak_root_with_attributes() {
        let input = r#"<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">Hello there.</speak>"#;
        let s = ok(input);
        assert_eq!(show(&s), ["T:Hello there."]);
        assert_eq!(src(input, &s.pieces[0]), "Hello there.");
        assert_eq!(show(&ok("<speak/>")), Vec::<String>::new());
        assert_eq!(
            show(&ok("<?xml version=\"1.0\"?>\n<speak>Hi</speak>\n")),
            ["T:Hi"]
        );
        assert_eq!(show(&ok("\u{feff}<speak>Hi</speak>")), ["T:Hi"]);
    }

    #[test]
    fn breaks() {
        let s =
            ok(r#"<speak>A<break time="500ms"/>B<break time="2s"/>C<break time="1.5S"/>D</speak>"#);
        assert_eq!(
            show(&s),
            ["T:A", "B:500", "T:B", "B:2000", "T:C", "B:1500", "T:D"]
        );
        let s = ok(
            r#"<speak>A<break strength="x-weak"/>B<break strength="strong"/>C<break/>D<break strength="none"/>E</speak>"#,
        );
        assert_eq!(
            show(&s),
            ["T:A", "B:100", "T:B", "B:700", "T:C", "B:400", "T:DE"]
        );
        // time wins over strength
        let s = ok(r#"<speak>A<break strength="x-strong" time="250ms"/>B</speak>"#);
        assert_eq!(show(&s), ["T:A", "B:250", "T:B"]);
        // non-self-closing form
        let s = ok(r#"<speak>A<break time="1s"></break>B</speak>"#);
        assert_eq!(show(&s), ["T:A", "B:1000", "T:B"]);
        assert_eq!(
            ok(r#"<speak>A<break time="10s"/>B</speak>"#).pieces.len(),
            3
        );
        let input = r#"<speak>A <break time="1s"/> B</speak>"#;
        let s = ok(input);
        assert_eq!(src(input, &s.pieces[1]), r#"<break time="1s"/>"#);
    }

    #[test]
    fn bad_breaks() {
        let input = r#"<speak>A<break time="fast"/></speak>"#;
        let e = fail(input);
        assert!(e.message.contains("time=\"fast\""), "{e}");
        assert_eq!(e.position, input.find("fast").unwrap());
        assert!(fail(r#"<speak><break time="11s"/></speak>"#)
            .message
            .contains("at most 10 seconds"));
        assert!(fail(r#"<speak><break time="10001ms"/></speak>"#)
            .message
            .contains("at most"));
        for bad in [
            "500",
            "-1s",
            "1e3ms",
            "s",
            "NaNs",
            "infs",
            "1..2s",
            "5 minutes",
        ] {
            let e = fail(&format!(r#"<speak><break time="{bad}"/></speak>"#));
            assert!(e.message.contains("duration"), "{bad}: {e}");
        }
        assert!(fail(r#"<speak><break strength="loud"/></speak>"#)
            .message
            .contains("x-strong"));
        assert!(fail(r#"<speak><break>text</break></speak>"#)
            .message
            .contains("must be empty"));
        assert!(fail(r#"<speak><break><s/></break></speak>"#)
            .message
            .contains("must be empty"));
        let many = r#"<break time="10s"/>"#.repeat(61);
        assert!(fail(&format!("<speak>{many}</speak>"))
            .message
            .contains("10 minutes"));
    }

    #[test]
    fn say_as() {
        let input = r#"<speak>Call <say-as interpret-as="telephone">555-1234</say-as> on <say-as interpret-as="date" format="MDY">3/4/2024</say-as>, room <say-as interpret-as="spell-out"> ab </say-as>.</speak>"#;
        let s = ok(input);
        assert_eq!(
            show(&s),
            [
                "T:Call ",
                "S:555-1234/Telephone/",
                "T: on ",
                "S:3/4/2024/Date/mdy",
                "T:, room ",
                "S:ab/Characters/",
                "T:."
            ]
        );
        assert_eq!(src(input, &s.pieces[1]), "555-1234");
        assert_eq!(src(input, &s.pieces[5]), "ab");
        for (v, want) in [
            ("cardinal", SayAs::Cardinal),
            ("number", SayAs::Cardinal),
            ("ordinal", SayAs::Ordinal),
            ("characters", SayAs::Characters),
            ("time", SayAs::Time),
            ("digits", SayAs::Digits),
            ("verbatim", SayAs::Verbatim),
        ] {
            let s = ok(&format!(
                r#"<speak><say-as interpret-as="{v}">12</say-as></speak>"#
            ));
            assert!(
                matches!(&s.pieces[0], Piece::SayAs { interpret_as, .. } if *interpret_as == want)
            );
        }
        let s = ok(r#"<speak><say-as interpret-as="time" format="hms24">14:30</say-as></speak>"#);
        assert_eq!(show(&s), ["S:14:30/Time/hms24"]);
        // Entities inside are decoded; empty say-as says nothing.
        let s = ok(
            r#"<speak><say-as interpret-as="characters">A&amp;B</say-as><say-as interpret-as="digits"> </say-as></speak>"#,
        );
        assert_eq!(show(&s), ["S:A&B/Characters/"]);
    }

    #[test]
    fn bad_say_as() {
        assert!(fail(r#"<speak><say-as>1</say-as></speak>"#)
            .message
            .contains("interpret-as"));
        let e = fail(r#"<speak><say-as interpret-as="currency">1</say-as></speak>"#);
        assert!(
            e.message.contains("currency") && e.message.contains("cardinal"),
            "{e}"
        );
        assert!(
            fail(r#"<speak><say-as interpret-as="date" format="yy">1</say-as></speak>"#)
                .message
                .contains("date format")
        );
        assert!(
            fail(r#"<speak><say-as interpret-as="time" format="mdy">1</say-as></speak>"#)
                .message
                .contains("hms12")
        );
        let e = fail(
            r#"<speak><say-as interpret-as="digits">1<emphasis>2</emphasis></say-as></speak>"#,
        );
        assert!(e.message.contains("only text"), "{e}");
    }

    #[test]
    fn sub_alias() {
        let input = r#"<speak>I use <sub alias="World Wide Web">WWW</sub> daily.</speak>"#;
        let s = ok(input);
        assert_eq!(show(&s), ["T:I use World Wide Web daily."]);
        let Piece::Text { text, map, source } = &s.pieces[0] else {
            panic!()
        };
        assert_eq!(
            &input[source.clone()],
            r#"I use <sub alias="World Wide Web">WWW</sub> daily."#
        );
        let w = text.find("Wide").unwrap();
        // A word of the alias points at the written form.
        assert_eq!(&input[map.source_of(w..w + 4)], "WWW");
        let d = text.find("daily").unwrap();
        assert_eq!(&input[map.source_of(d..d + 5)], "daily");
        assert_eq!(&input[map.source_of(0..1)], "I");
        assert!(fail(r#"<speak><sub>x</sub></speak>"#)
            .message
            .contains("alias"));
        assert!(fail(r#"<speak><sub alias=" ">x</sub></speak>"#)
            .message
            .contains("alias"));
        // Alias entities are decoded.
        assert_eq!(
            show(&ok(r#"<speak><sub alias="AT&amp;T">ATT</sub></speak>"#)),
            ["T:AT&T"]
        );
    }

    #[test]
    fn phonemes() {
        let input =
            r#"<speak>Say <phoneme alphabet="ipa" ph="təˈmɑːtoʊ">tomato</phoneme> please.</speak>"#;
        let s = ok(input);
        assert_eq!(show(&s), ["T:Say ", "P:tomato=təˈmɑːtoʊ", "T: please."]);
        assert_eq!(src(input, &s.pieces[1]), "tomato");
        // Alphabet defaults to IPA; slashes are stripped.
        let s = ok(r#"<speak><phoneme ph="/dʒɪf/">GIF</phoneme></speak>"#);
        assert_eq!(show(&s), ["P:GIF=dʒɪf"]);
        // Empty content: the source is the element itself.
        let input = r#"<speak>a <phoneme ph="ə"/> b</speak>"#;
        let s = ok(input);
        assert_eq!(src(input, &s.pieces[1]), r#"<phoneme ph="ə"/>"#);
    }

    #[test]
    fn bad_phonemes() {
        let e =
            fail(r#"<speak><phoneme alphabet="x-sampa" ph="t@'mA:toU">tomato</phoneme></speak>"#);
        assert!(e.message.contains("X-SAMPA is not supported"), "{e}");
        assert!(
            fail(r#"<speak><phoneme alphabet="klingon" ph="a">x</phoneme></speak>"#)
                .message
                .contains("unsupported alphabet")
        );
        assert!(fail(r#"<speak><phoneme>x</phoneme></speak>"#)
            .message
            .contains("ph attribute"));
        let e = fail(r#"<speak><phoneme ph="t@ma">x</phoneme></speak>"#);
        assert!(e.message.contains("'@'"), "{e}");
        assert!(fail(r#"<speak><phoneme ph="">x</phoneme></speak>"#)
            .message
            .contains("empty"));
    }

    #[test]
    fn prosody_rates() {
        let s = ok(
            r#"<speak><prosody rate="slow">a<prosody rate="+50%">b</prosody></prosody><prosody rate="x-fast" pitch="+2st" volume="loud">c</prosody><prosody pitch="low">d</prosody></speak>"#,
        );
        assert_eq!(
            show(&s),
            ["R:0.8", "T:a", "R:1.2", "T:b", "R:end", "R:end", "R:1.6", "T:c", "R:end", "T:d"]
        );
        let rate = |v: &str| match &ok(&format!(
            r#"<speak><prosody rate="{v}">a</prosody></speak>"#
        ))
        .pieces[0]
        {
            Piece::RateStart { rate, .. } => *rate,
            p => panic!("{p:?}"),
        };
        assert_eq!(rate("80%"), 0.8);
        assert_eq!(rate("1.2"), 1.2);
        assert_eq!(rate("x-slow"), 0.6);
        assert_eq!(rate("medium"), 1.0);
        assert_eq!(rate("fast"), 1.25);
        assert_eq!(rate("-20%"), 0.8);
        assert_eq!(rate(" 200 % "), 2.0);
        let blocks = ok(r#"<speak>a<prosody rate="50%">b</prosody>c</speak>"#);
        let rates: Vec<f32> = blocks
            .blocks()
            .iter()
            .filter_map(|b| match b {
                Block::Speech { rate, .. } => Some(*rate),
                _ => None,
            })
            .collect();
        assert_eq!(rates, [1.0, 0.5, 1.0]);
    }

    #[test]
    fn bad_rates() {
        for bad in [
            "fastest", "abc", "10%%", "5", "0.1", "+1", "NaN", "inf", "-100%", "1e1",
        ] {
            let e = fail(&format!(
                r#"<speak><prosody rate="{bad}">a</prosody></speak>"#
            ));
            assert!(e.message.starts_with("<prosody rate="), "{bad}: {e}");
        }
        // Relative rates compound and are checked against the limits.
        let nested = r#"<prosody rate="+100%">"#.repeat(3);
        let e = fail(&format!("<speak>{nested}a</speak>"));
        assert!(e.message.contains("between 0.25 and 4"), "{e}");
    }

    #[test]
    fn paragraphs_and_sentences() {
        let input = "<speak>\n  <p>\n    <s>First one</s>\n    <s>Second one</s>\n  </p>\n  <p>Next para.</p>\n</speak>";
        let s = ok(input);
        assert_eq!(
            show(&s),
            [
                "T:First one",
                "|Sentence",
                "T:Second one",
                "|Paragraph",
                "T:Next para."
            ]
        );
        let boundary = s
            .pieces
            .iter()
            .find(|p| matches!(p, Piece::Boundary { .. }))
            .unwrap();
        assert_eq!(src(input, boundary), "</s>");
        // Text around a sentence element is separated from it.
        let s = ok("<speak>Intro <s>inside</s> outro</speak>");
        assert_eq!(
            show(&s),
            ["T:Intro ", "|Sentence", "T:inside", "|Sentence", "T: outro"]
        );
        // A break between boundaries stays; boundaries merge.
        let s = ok(r#"<speak><p>A</p><break time="1s"/><p>B</p></speak>"#);
        assert_eq!(show(&s), ["T:A", "|Paragraph", "B:1000", "T:B"]);
        assert_eq!(s.to_text(), "A\n\nB");
    }

    #[test]
    fn transparent_elements() {
        let input = r#"<speak>I <emphasis level="strong">really</emphasis> like <lang xml:lang="fr-FR">ça</lang><mark name="here"/> and <voice name="x">this</voice>.</speak>"#;
        let s = ok(input);
        assert_eq!(show(&s), ["T:I really like ça and this."]);
        let Piece::Text { text, map, .. } = &s.pieces[0] else {
            panic!()
        };
        let r = text.find("really").unwrap();
        assert_eq!(&input[map.source_of(r..r + 6)], "really");
        let c = text.find("ça").unwrap();
        assert_eq!(&input[map.source_of(c..c + "ça".len())], "ça");
        // A word split by markup maps across it.
        let input = "<speak>re<emphasis>ally</emphasis></speak>";
        let s = ok(input);
        assert_eq!(src(input, &s.pieces[0]), "re<emphasis>ally");
    }

    #[test]
    fn audio_and_unknown_elements() {
        let input = "<speak>Hi <audio src=\"x.mp3\"/></speak>";
        let e = fail(input);
        assert!(e.message.contains("<audio> is not supported"), "{e}");
        assert_eq!(e.position, input.find("<audio").unwrap());
        let input = "<speak>\nHi <foo>x</foo></speak>";
        let e = fail(input);
        assert!(e.message.contains("unknown SSML element <foo>"), "{e}");
        assert_eq!((e.line, e.column), (2, 4));
        assert!(fail("<speak><amazon:effect>x</amazon:effect></speak>")
            .message
            .contains("<amazon:effect>"));
    }

    #[test]
    fn entities() {
        let input =
            "<speak>AT&amp;T &lt;3 &quot;q&quot; &apos;a&apos; &gt; caf&#233; &#x1F600;</speak>";
        let s = ok(input);
        assert_eq!(show(&s), ["T:AT&T <3 \"q\" 'a' > café 😀"]);
        let Piece::Text { text, map, .. } = &s.pieces[0] else {
            panic!()
        };
        assert_eq!(&input[map.source_of(0..4)], "AT&amp;T");
        let e = text.find("é").unwrap();
        assert_eq!(&input[map.source_of(e..e + 2)], "&#233;");
        let cafe = text.find("café").unwrap();
        assert_eq!(&input[map.source_of(cafe..cafe + 5)], "caf&#233;");
        // CDATA is verbatim text.
        let s = ok("<speak><![CDATA[a < b & c]]></speak>");
        assert_eq!(show(&s), ["T:a < b & c"]);
    }

    #[test]
    fn bad_entities() {
        let e = fail("<speak>a &nbsp; b</speak>");
        assert!(e.message.contains("unknown entity &nbsp;"), "{e}");
        assert_eq!(e.position, 9);
        assert!(fail("<speak>a & b</speak>").message.contains("&amp;"));
        assert!(fail("<speak>&#0;</speak>")
            .message
            .contains("invalid character reference"));
        assert!(fail("<speak>&#1;</speak>")
            .message
            .contains("invalid character reference"));
        assert!(fail("<speak>&#xD800;</speak>")
            .message
            .contains("invalid character reference"));
        assert!(fail(r#"<speak><sub alias="&bogus;">x</sub></speak>"#)
            .message
            .contains("alias"));
    }

    #[test]
    fn structural_errors() {
        // Unclosed element at the end.
        let input = "<speak><p>Hello";
        let e = fail(input);
        assert!(e.message.contains("<p> is never closed"), "{e}");
        assert_eq!(e.position, 7);
        assert!(fail("<speak>Hello")
            .message
            .contains("<speak> is never closed"));
        // Mismatched.
        let input = "<speak><p><s>Hi</p></speak>";
        let e = fail(input);
        assert!(
            e.message
                .contains("mismatched closing tag </p>: expected </s>")
                && e.message.contains("line 1, column 11"),
            "{e}"
        );
        assert_eq!(e.position, input.find("</p>").unwrap());
        // Stray closing tag.
        assert!(fail("<speak>a</b></speak>").message.contains("mismatched"));
        assert!(fail("<speak>a</speak></speak>")
            .message
            .contains("after </speak>"));
        // Unclosed '<'.
        let e = fail("<speak>a <break time=\"1s\"");
        assert!(
            e.message.contains("quote") || e.message.contains("unclosed"),
            "{e}"
        );
        assert!(fail("<speak>a <b").message.contains("unclosed tag"));
        // Text or elements outside the root.
        assert!(fail("<speak>a</speak> trailing")
            .message
            .contains("text after </speak>"));
        assert!(fail("<speak>a</speak><speak>b</speak>")
            .message
            .contains("after </speak>"));
        assert!(fail("<?xml version=\"1.0\"?><p>x</p>")
            .message
            .contains("must start with <speak>"));
        assert!(fail("<?xml version=\"1.0\"?>")
            .message
            .contains("no <speak>"));
        assert!(fail("<speak><speak>x</speak></speak>")
            .message
            .contains("nested"));
        assert!(fail("<?xml version=\"1.0\"?><!DOCTYPE speak><speak/>")
            .message
            .contains("DOCTYPE"));
        // Duplicate and malformed attributes.
        let input = r#"<speak><break time="1s" time="2s"/></speak>"#;
        let e = fail(input);
        assert!(e.message.contains("given twice"), "{e}");
        assert_eq!(e.position, input.rfind("time").unwrap());
        assert!(fail(r#"<speak><break time/></speak>"#)
            .message
            .contains("attribute"));
        assert!(fail(r#"<speak><break time=1s/></speak>"#)
            .message
            .contains("quotes"));
        assert!(fail("<speak>< p>x</speak>").message.contains("tag name"));
    }

    #[test]
    fn depth_limit() {
        let ok_depth = format!(
            "<speak>{}x{}</speak>",
            "<emphasis>".repeat(MAX_DEPTH - 1),
            "</emphasis>".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(show(&ok(&ok_depth)), ["T:x"]);
        let too_deep = format!(
            "<speak>{}x{}</speak>",
            "<emphasis>".repeat(MAX_DEPTH),
            "</emphasis>".repeat(MAX_DEPTH)
        );
        let e = fail(&too_deep);
        assert!(e.message.contains("nested more than 32"), "{e}");
        // Very deep input is rejected early, not recursed into.
        let huge = format!("<speak>{}", "<p>".repeat(100_000));
        assert!(fail(&huge).message.contains("nested"));
    }

    #[test]
    fn piece_limit() {
        let body = "a<break time=\"1ms\"/>".repeat(MAX_PIECES / 2 + 1);
        let e = fail(&format!("<speak>{body}</speak>"));
        assert!(e.message.contains("too complex"), "{e}");
    }

    #[test]
    fn whitespace_only_text_is_dropped_between_blocks() {
        let s = ok("<speak>\n <break time=\"1s\"/>\n <phoneme ph=\"a\">x</phoneme> <phoneme ph=\"b\">y</phoneme>\n</speak>");
        assert_eq!(show(&s), ["B:1000", "P:x=a", "T: ", "P:y=b"]);
    }

    #[test]
    fn comments_and_processing_instructions_are_ignored() {
        let input = "<speak>a<!-- note -->b<?pi x?>c</speak>";
        let s = ok(input);
        assert_eq!(show(&s), ["T:abc"]);
    }

    #[test]
    fn large_documents_parse_in_linear_time() {
        let para = "<p><s>Hello <emphasis>there</emphasis>, AT&amp;T &#233;.</s> \
                    <s>Call <say-as interpret-as=\"digits\">123</say-as> \
                    <sub alias=\"doctor\">Dr.</sub> <phoneme ph=\"ə\">a</phoneme>\
                    <break time=\"1ms\"/></s></p>\n";
        let n = 1_000;
        let input = format!("<speak>{}</speak>", para.repeat(n));
        let t = std::time::Instant::now();
        let s = ok(&input);
        let took = t.elapsed();
        eprintln!("{} KB of SSML: {took:?}", input.len() / 1000);
        assert!(s.pieces.len() >= 7 * n);
        assert!(took.as_secs_f64() < 1.0, "{took:?}");
    }

    #[test]
    fn multibyte_positions() {
        let input =
            "<speak>日本語 <break time=\"1s\"/> ça 😀 <phoneme ph=\"ɑ\">é</phoneme></speak>";
        let s = ok(input);
        assert_eq!(src(input, &s.pieces[0]), "日本語 ");
        assert_eq!(src(input, &s.pieces[3]), "é");
        let e = fail("<speak>日本語 <bad/></speak>");
        assert_eq!(e.column, 12);
    }
}
