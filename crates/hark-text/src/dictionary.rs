//! Pronunciation dictionaries: per-request word lists that say how to
//! pronounce names, brands and jargon that espeak-ng gets wrong.
//!
//! An entry maps a written word (or phrase) either to a *respelling*, plain
//! text read in its place (`Hark` -> `hahrk`), or to *IPA* used instead of
//! espeak-ng's phonemes (`GIF` -> `/dʒɪf/`). Respellings are easier to
//! write; IPA is exact. [`apply`] rewrites a [`Script`] with them, after
//! markup parsing and before normalization, so dictionaries work the same
//! for plain text and SSML, and never inside pronunciations the markup
//! already fixed.
//!
//! # Matching
//!
//! * Whole words only: a match must not start or end inside a word, where a
//!   word character is a letter or digit, or an apostrophe or hyphen between
//!   two of them. So `Hark` matches in `Hark, hark!` but not in `Harker`,
//!   `Hark's` or `Hark-like`.
//! * Case-insensitive unless the entry is `case_sensitive` (`US` the country
//!   vs `us`).
//! * Entries may be phrases (`New York`); any run of whitespace in the text
//!   matches the single space of the entry. Punctuation inside an entry
//!   (`Node.js`, `C++`, `AT&T`) must match literally.
//! * Dictionaries apply in the order given: a word matched by one is not
//!   seen by the later ones, so the first dictionary wins conflicts. Within
//!   one dictionary the leftmost match wins, then the longest, then a
//!   case-sensitive entry over a case-insensitive one.
//! * Replacements are not matched again (a respelling that happens to
//!   contain another entry's word is read as written), so applying is one
//!   pass and cannot loop.
//!
//! # Cost
//!
//! All entries of all dictionaries are compiled into one Aho-Corasick
//! automaton over case-folded text ([`Lexicon`]), so the text is scanned
//! once regardless of the number of entries, and candidate matches are
//! then filtered by the word-boundary and case rules. 10,000 entries over
//! 100 KB of text take milliseconds. A server that reuses a dictionary set
//! across requests can keep the [`Lexicon`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

use crate::markup::{check_ipa, Piece, Script, SourceMap};

/// Most entries in one dictionary.
pub const MAX_ENTRIES: usize = 10_000;

/// Longest word or phrase of an entry, in chars.
pub const MAX_WORD_CHARS: usize = 100;

/// Longest respelling, in chars. IPA has its own limit,
/// [`crate::markup::MAX_IPA_CHARS`].
pub const MAX_RESPELLING_CHARS: usize = 200;

/// A named list of pronunciations. Serialized as is (serde JSON) for
/// storage; see [`ApiItems`] for the API's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dictionary {
    pub id: String,
    pub name: String,
    pub entries: Vec<Entry>,
}

/// One word and how to say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The written word or phrase, trimmed, inner whitespace as single
    /// spaces.
    pub word: String,
    pub pronunciation: Pronunciation,
    /// Match only this exact capitalization.
    #[serde(default)]
    pub case_sensitive: bool,
}

/// How to say an entry's word.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pronunciation {
    /// Text read instead of the word, e.g. `hahrk`; it is normalized and
    /// phonemized like any other text.
    Respelling(String),
    /// IPA phonemes used instead of espeak-ng's, without slashes. Written
    /// between slashes in the API: `/hɑːrk/`.
    Ipa(String),
}

impl Pronunciation {
    /// Reads the API form: `/…/` is IPA, anything else a respelling.
    /// Surrounding whitespace is trimmed and inner whitespace runs become
    /// single spaces; nothing is validated here (see
    /// [`Dictionary::validate`]).
    pub fn from_api(s: &str) -> Pronunciation {
        let t = s.trim();
        match t.strip_prefix('/').and_then(|x| x.strip_suffix('/')) {
            Some(ipa) if t.len() >= 2 => Pronunciation::Ipa(collapse_ws(ipa)),
            _ => Pronunciation::Respelling(collapse_ws(t)),
        }
    }

    /// The API form: IPA between slashes, respellings as they are.
    pub fn to_api(&self) -> String {
        match self {
            Pronunciation::Respelling(r) => r.clone(),
            Pronunciation::Ipa(ipa) => format!("/{ipa}/"),
        }
    }
}

/// The API's body for a dictionary's entries:
/// `{"items": [{"word": "Hark", "pronunciation": "hahrk"},
/// {"word": "GIF", "pronunciation": "/dʒɪf/", "case_sensitive": true}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApiItems {
    pub items: Vec<ApiItem>,
}

/// One item of [`ApiItems`]. Unknown fields are rejected, so that a typo
/// such as `case_sensitve` is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiItem {
    pub word: String,
    pub pronunciation: String,
    #[serde(default)]
    pub case_sensitive: bool,
}

/// Why a dictionary was rejected: `item` is the index of the offending
/// entry (`items[3]` in the API body) when one is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryError {
    pub message: String,
    pub item: Option<usize>,
}

impl DictionaryError {
    fn new(message: impl Into<String>) -> Self {
        DictionaryError {
            message: message.into(),
            item: None,
        }
    }

    fn item(i: usize, message: impl Into<String>) -> Self {
        DictionaryError {
            message: message.into(),
            item: Some(i),
        }
    }
}

impl fmt::Display for DictionaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Some(i) => write!(f, "items[{i}]: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DictionaryError {}

impl Dictionary {
    /// A dictionary from the API's items, cleaned up (whitespace) and
    /// validated.
    pub fn from_api_items(
        id: impl Into<String>,
        name: impl Into<String>,
        items: Vec<ApiItem>,
    ) -> Result<Dictionary, DictionaryError> {
        if items.len() > MAX_ENTRIES {
            return Err(DictionaryError::new(format!(
                "{} items; a dictionary holds at most {MAX_ENTRIES}",
                items.len()
            )));
        }
        let entries = items
            .into_iter()
            .map(|it| Entry {
                word: collapse_ws(&it.word),
                pronunciation: Pronunciation::from_api(&it.pronunciation),
                case_sensitive: it.case_sensitive,
            })
            .collect();
        let d = Dictionary {
            id: id.into(),
            name: name.into(),
            entries,
        };
        d.validate()?;
        Ok(d)
    }

    /// [`Dictionary::from_api_items`] from the API's JSON body.
    pub fn from_api_json(
        id: impl Into<String>,
        name: impl Into<String>,
        json: &str,
    ) -> Result<Dictionary, DictionaryError> {
        let body: ApiItems = serde_json::from_str(json)
            .map_err(|e| DictionaryError::new(format!("invalid dictionary JSON: {e}")))?;
        Dictionary::from_api_items(id, name, body.items)
    }

    /// The entries in the API's shape (for `GET` responses).
    pub fn to_api_items(&self) -> ApiItems {
        ApiItems {
            items: self
                .entries
                .iter()
                .map(|e| ApiItem {
                    word: e.word.clone(),
                    pronunciation: e.pronunciation.to_api(),
                    case_sensitive: e.case_sensitive,
                })
                .collect(),
        }
    }

    /// The storage form: this struct as JSON.
    pub fn to_json(&self) -> Result<String, DictionaryError> {
        serde_json::to_string(self)
            .map_err(|e| DictionaryError::new(format!("cannot serialize dictionary: {e}")))
    }

    /// Reads the storage form, validating it (a file edited by hand is as
    /// untrusted as a request).
    pub fn from_json(json: &str) -> Result<Dictionary, DictionaryError> {
        let d: Dictionary = serde_json::from_str(json)
            .map_err(|e| DictionaryError::new(format!("invalid dictionary file: {e}")))?;
        d.validate()?;
        Ok(d)
    }

    /// Checks every entry: a word of 1 to [`MAX_WORD_CHARS`] chars with at
    /// least one letter or digit and no control characters; a non-empty
    /// respelling of at most [`MAX_RESPELLING_CHARS`] chars or plausible
    /// IPA ([`check_ipa`]); no two entries for the same word (same
    /// case-folded word, or the same exact word for case-sensitive ones);
    /// at most [`MAX_ENTRIES`] entries.
    pub fn validate(&self) -> Result<(), DictionaryError> {
        if self.entries.len() > MAX_ENTRIES {
            return Err(DictionaryError::new(format!(
                "{} entries; a dictionary holds at most {MAX_ENTRIES}",
                self.entries.len()
            )));
        }
        let mut seen: HashMap<(String, Option<String>), usize> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            check_word(&e.word).map_err(|m| DictionaryError::item(i, m))?;
            check_pronunciation(&e.pronunciation).map_err(|m| DictionaryError::item(i, m))?;
            let key = (
                fold_str(&e.word),
                e.case_sensitive.then(|| collapse_ws(&e.word)),
            );
            if let Some(j) = seen.insert(key, i) {
                return Err(DictionaryError::item(
                    i,
                    format!("\"{}\" is already in items[{j}]", e.word),
                ));
            }
        }
        Ok(())
    }
}

fn check_word(w: &str) -> Result<(), String> {
    if w.trim().is_empty() {
        return Err("word is empty".into());
    }
    let n = w.chars().count();
    if n > MAX_WORD_CHARS {
        return Err(format!(
            "word is {n} characters long; the limit is {MAX_WORD_CHARS}"
        ));
    }
    if w.chars().any(char::is_control) {
        return Err("word contains a control character".into());
    }
    if !w.chars().any(char::is_alphanumeric) {
        return Err(format!("word \"{w}\" has no letter or digit"));
    }
    Ok(())
}

fn check_pronunciation(p: &Pronunciation) -> Result<(), String> {
    match p {
        Pronunciation::Respelling(r) => {
            if r.trim().is_empty() {
                return Err("pronunciation is empty".into());
            }
            let n = r.chars().count();
            if n > MAX_RESPELLING_CHARS {
                return Err(format!(
                    "pronunciation is {n} characters long; the limit is {MAX_RESPELLING_CHARS}"
                ));
            }
            if r.chars().any(char::is_control) {
                return Err("pronunciation contains a control character".into());
            }
            if !r.chars().any(char::is_alphanumeric) {
                return Err(format!(
                    "pronunciation \"{r}\" has no letter; write a respelling such as \
                     \"hahrk\" or IPA between slashes such as \"/hɑːrk/\""
                ));
            }
            Ok(())
        }
        Pronunciation::Ipa(ipa) => check_ipa(ipa).map_err(|m| format!("pronunciation: {m}")),
    }
}

/// Trimmed, with whitespace runs as single spaces.
fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The case- and space-insensitive form both entries and text are matched
/// in: lowercase, whitespace runs as one space. Per-char lowercasing (not
/// `str::to_lowercase`) so that text and entries fold the same way
/// regardless of context.
fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.extend(c.to_lowercase());
            in_ws = false;
        }
    }
    out
}

/// Applies `dicts`, in priority order, to the `Text` pieces of `script`.
///
/// Matched words become `Phonemes` pieces (IPA entries) or are replaced
/// inside their `Text` piece (respellings, so the sentence around them is
/// still normalized as one), in both cases with `source` pointing at the
/// word as the user wrote it. `Phonemes`, `SayAs` and all other pieces are
/// left alone.
///
/// Builds a [`Lexicon`] each call; keep one to apply the same set often.
/// Dictionaries are expected to be validated; invalid entries are skipped
/// or applied as they are, never a panic. If the automaton cannot be built
/// (only for sizes far beyond [`MAX_ENTRIES`]), the script is returned
/// unchanged.
pub fn apply(script: Script, dicts: &[&Dictionary]) -> Script {
    match Lexicon::new(dicts) {
        Ok(lex) => lex.apply(script),
        Err(_) => script,
    }
}

/// Dictionaries compiled for matching: one automaton over all their
/// entries.
#[derive(Debug, Clone)]
pub struct Lexicon {
    ac: Option<AhoCorasick>,
    /// For each automaton pattern, the entries that fold to it.
    candidates: Vec<Vec<Candidate>>,
}

#[derive(Debug, Clone)]
struct Candidate {
    /// Position of the dictionary in the list: lower wins.
    dict: usize,
    /// For case-sensitive entries, the word with single spaces.
    exact: Option<String>,
    pronunciation: Pronunciation,
}

/// A match that passed the boundary and case checks.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    dict: usize,
    case_sensitive: bool,
    pattern: usize,
    candidate: usize,
}

impl Lexicon {
    /// Compiles `dicts` (first has priority).
    pub fn new(dicts: &[&Dictionary]) -> Result<Lexicon, DictionaryError> {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut candidates: Vec<Vec<Candidate>> = Vec::new();
        for (d, dict) in dicts.iter().enumerate() {
            for e in &dict.entries {
                let folded = fold_str(&e.word);
                if !folded.chars().any(char::is_alphanumeric) {
                    continue;
                }
                let id = *ids.entry(folded.clone()).or_insert_with(|| {
                    patterns.push(folded);
                    candidates.push(Vec::new());
                    patterns.len() - 1
                });
                if let Some(list) = candidates.get_mut(id) {
                    list.push(Candidate {
                        dict: d,
                        exact: e.case_sensitive.then(|| collapse_ws(&e.word)),
                        pronunciation: e.pronunciation.clone(),
                    });
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| {
                        DictionaryError::new(format!("cannot compile dictionaries: {e}"))
                    })?,
            )
        };
        Ok(Lexicon { ac, candidates })
    }

    /// See [`apply`].
    pub fn apply(&self, script: Script) -> Script {
        if self.ac.is_none() {
            return script;
        }
        let mut pieces = Vec::with_capacity(script.pieces.len());
        for p in script.pieces {
            match p {
                Piece::Text { text, source, map } => {
                    self.apply_text(text, source, map, &mut pieces);
                }
                other => pieces.push(other),
            }
        }
        Script { pieces }
    }

    fn apply_text(&self, text: String, source: Range<usize>, map: SourceMap, out: &mut Vec<Piece>) {
        let chosen = self.choose(&text);
        if chosen.is_empty() {
            out.push(Piece::Text { text, source, map });
            return;
        }
        let mut acc = TextAcc::default();
        let mut cursor = 0usize;
        for (&start, &(end, found)) in &chosen {
            let Some(cand) = self
                .candidates
                .get(found.pattern)
                .and_then(|l| l.get(found.candidate))
            else {
                continue;
            };
            acc.copy(&text, &map, cursor..start);
            let word_source = map.source_of(start..end);
            match &cand.pronunciation {
                Pronunciation::Ipa(ipa) => {
                    acc.flush(out);
                    out.push(Piece::Phonemes {
                        ipa: ipa.clone(),
                        text: text.get(start..end).unwrap_or("").to_owned(),
                        source: word_source,
                    });
                }
                Pronunciation::Respelling(r) => {
                    acc.text.push_str(r);
                    acc.map.push_replaced(r.len(), word_source);
                }
            }
            cursor = end;
        }
        acc.copy(&text, &map, cursor..text.len());
        acc.flush(out);
    }

    /// The matches to replace in `text`, by start: (end, match).
    fn choose(&self, text: &str) -> BTreeMap<usize, (usize, Found)> {
        let mut chosen: BTreeMap<usize, (usize, Found)> = BTreeMap::new();
        let Some(ac) = &self.ac else {
            return chosen;
        };
        let (folded, origin) = fold_with_origin(text);
        let Ok(iter) = ac.try_find_overlapping_iter(folded.as_str()) else {
            return chosen;
        };
        let mut found: Vec<Found> = Vec::new();
        for m in iter {
            let (fs, fe) = (m.start(), m.end());
            // Both ends must fall between original characters, not inside
            // the lowercase expansion of one.
            let starts_char = fs == 0 || origin.get(fs) != origin.get(fs.saturating_sub(1));
            let ends_char =
                fe >= folded.len() || origin.get(fe) != origin.get(fe.saturating_sub(1));
            if !starts_char || !ends_char {
                continue;
            }
            let Some(&start) = origin.get(fs) else {
                continue;
            };
            let end = if fe >= folded.len() {
                text.len()
            } else {
                match origin.get(fe) {
                    Some(&e) => e,
                    None => continue,
                }
            };
            let Some(matched) = text.get(start..end) else {
                continue;
            };
            if !whole_word(text, start, end) {
                continue;
            }
            let pattern = m.pattern().as_usize();
            let Some(cands) = self.candidates.get(pattern) else {
                continue;
            };
            for (ci, c) in cands.iter().enumerate() {
                if let Some(exact) = &c.exact {
                    if !eq_collapsed(matched, exact) {
                        continue;
                    }
                }
                found.push(Found {
                    start,
                    end,
                    dict: c.dict,
                    case_sensitive: c.exact.is_some(),
                    pattern,
                    candidate: ci,
                });
            }
        }
        // Earlier dictionaries first; within one, leftmost, then longest,
        // then case-sensitive.
        found.sort_by(|a, b| {
            a.dict
                .cmp(&b.dict)
                .then(a.start.cmp(&b.start))
                .then((b.end.saturating_sub(b.start)).cmp(&a.end.saturating_sub(a.start)))
                .then(b.case_sensitive.cmp(&a.case_sensitive))
        });
        for f in found {
            let overlaps = chosen
                .range(..f.end)
                .next_back()
                .is_some_and(|(_, &(end, _))| end > f.start);
            if !overlaps {
                chosen.insert(f.start, (f.end, f));
            }
        }
        chosen
    }
}

/// Running text of a rewritten `Text` piece.
#[derive(Default)]
struct TextAcc {
    text: String,
    map: SourceMap,
}

impl TextAcc {
    /// Appends `text[range]`, with its part of `map`.
    fn copy(&mut self, text: &str, map: &SourceMap, range: Range<usize>) {
        if let Some(s) = text.get(range.clone()) {
            if !s.is_empty() {
                self.text.push_str(s);
                self.map.append(&map.slice(range));
            }
        }
    }

    fn flush(&mut self, out: &mut Vec<Piece>) {
        if self.text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let map = std::mem::take(&mut self.map);
        let source = map.source_of(0..text.len());
        out.push(Piece::Text { text, source, map });
    }
}

/// [`fold_str`] of `text` without the trim, and for each byte of the
/// result the byte offset in `text` of the character it came from.
fn fold_with_origin(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let mut in_ws = false;
    let mut buf = [0u8; 4];
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if !in_ws {
                out.push(' ');
                origin.push(i);
            }
            in_ws = true;
            continue;
        }
        in_ws = false;
        for l in c.to_lowercase() {
            out.push_str(l.encode_utf8(&mut buf));
            origin.extend(std::iter::repeat_n(i, l.len_utf8()));
        }
    }
    (out, origin)
}

/// Whether the characters around `text[start..end]` leave it a whole word
/// (see the module documentation for what a word character is).
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let Some(m) = text.get(start..end) else {
        return false;
    };
    let (Some(first), Some(last)) = (m.chars().next(), m.chars().next_back()) else {
        return false;
    };
    if first.is_alphanumeric() {
        if let Some((i, _)) = text.get(..start).and_then(|s| s.char_indices().next_back()) {
            if is_word_at(text, i) {
                return false;
            }
        }
    }
    if last.is_alphanumeric() && end < text.len() && is_word_at(text, end) {
        return false;
    }
    true
}

/// Whether the character at byte `i` of `text` is part of a word: a letter
/// or digit, a combining mark, or an apostrophe or hyphen between two
/// letters or digits (`don't`, `Wi-Fi`).
fn is_word_at(text: &str, i: usize) -> bool {
    let Some(c) = text.get(i..).and_then(|s| s.chars().next()) else {
        return false;
    };
    if c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c) {
        return true;
    }
    if !matches!(c, '\'' | '’' | '-' | '‐' | '‑') {
        return false;
    }
    let before = text
        .get(..i)
        .and_then(|s| s.chars().next_back())
        .is_some_and(char::is_alphanumeric);
    let after = text
        .get(i + c.len_utf8()..)
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphanumeric);
    before && after
}

/// `a == b` treating every whitespace run in `a` as one space (`b` has
/// single spaces already).
fn eq_collapsed(a: &str, b: &str) -> bool {
    let mut bs = b.chars().peekable();
    let mut in_ws = false;
    for c in a.chars() {
        if c.is_whitespace() {
            if in_ws {
                continue;
            }
            in_ws = true;
            if bs.next() != Some(' ') {
                return false;
            }
        } else {
            in_ws = false;
            if bs.next() != Some(c) {
                return false;
            }
        }
    }
    bs.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::parse;
    use proptest::prelude::*;
    use std::time::Instant;

    fn dict(items: &[(&str, &str, bool)]) -> Dictionary {
        let items = items
            .iter()
            .map(|(w, p, cs)| ApiItem {
                word: w.to_string(),
                pronunciation: p.to_string(),
                case_sensitive: *cs,
            })
            .collect();
        Dictionary::from_api_items("d", "test", items).unwrap()
    }

    fn show(s: &Script) -> Vec<String> {
        s.pieces
            .iter()
            .map(|p| match p {
                Piece::Text { text, .. } => format!("T:{text}"),
                Piece::Phonemes { ipa, text, .. } => format!("P:{text}={ipa}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn run(text: &str, dicts: &[&Dictionary]) -> Script {
        let s = apply(parse(text).unwrap(), dicts);
        s.check(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        s
    }

    #[test]
    fn api_shape_parses() {
        let json = r#"{"items": [{"word": "Hark", "pronunciation": "hahrk"},
                       {"word": "GIF", "pronunciation": "/dʒɪf/", "case_sensitive": true},
                       {"word": "  New   York ", "pronunciation": " / nuː ˈjɔːrk / "}]}"#;
        let d = Dictionary::from_api_json("id1", "Brands", json).unwrap();
        assert_eq!(d.id, "id1");
        assert_eq!(d.name, "Brands");
        assert_eq!(
            d.entries,
            [
                Entry {
                    word: "Hark".into(),
                    pronunciation: Pronunciation::Respelling("hahrk".into()),
                    case_sensitive: false
                },
                Entry {
                    word: "GIF".into(),
                    pronunciation: Pronunciation::Ipa("dʒɪf".into()),
                    case_sensitive: true
                },
                Entry {
                    word: "New York".into(),
                    pronunciation: Pronunciation::Ipa("nuː ˈjɔːrk".into()),
                    case_sensitive: false
                },
            ]
        );
        let api = d.to_api_items();
        assert_eq!(api.items[1].pronunciation, "/dʒɪf/");
        assert_eq!(api.items[0].pronunciation, "hahrk");
        // Storage round trip.
        let stored = d.to_json().unwrap();
        assert!(stored.contains(r#""ipa":"dʒɪf""#), "{stored}");
        assert_eq!(Dictionary::from_json(&stored).unwrap(), d);
    }

    #[test]
    fn validation_errors() {
        let err = |json: &str| Dictionary::from_api_json("i", "n", json).unwrap_err();
        let e = err(
            r#"{"items": [{"word": "ok", "pronunciation": "fine"}, {"word": " ", "pronunciation": "x"}]}"#,
        );
        assert_eq!(e.item, Some(1));
        assert_eq!(e.to_string(), "items[1]: word is empty");
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        let e = err(&format!(
            r#"{{"items": [{{"word": "{long}", "pronunciation": "x"}}]}}"#
        ));
        assert!(e.message.contains("limit is 100"), "{e}");
        assert!(err(r#"{"items": [{"word": "x", "pronunciation": ""}]}"#)
            .message
            .contains("empty"));
        assert!(err(r#"{"items": [{"word": "x", "pronunciation": "//"}]}"#)
            .message
            .contains("empty"));
        let e = err(r#"{"items": [{"word": "x", "pronunciation": "/h3llo/"}]}"#);
        assert!(e.message.contains("'3'"), "{e}");
        let e = err(r#"{"items": [{"word": "x", "pronunciation": "/a,b/"}]}"#);
        assert!(e.message.contains("','"), "{e}");
        assert!(err(r#"{"items": [{"word": "x", "pronunciation": "?!"}]}"#)
            .message
            .contains("no letter"));
        assert!(err(r#"{"items": [{"word": "--", "pronunciation": "x"}]}"#)
            .message
            .contains("no letter"));
        assert!(
            err(r#"{"items": [{"word": "a\u0001", "pronunciation": "x"}]}"#)
                .message
                .contains("control")
        );
        let e = err(
            r#"{"items": [{"word": "Hark", "pronunciation": "a"}, {"word": "hark", "pronunciation": "b"}]}"#,
        );
        assert_eq!(e.to_string(), "items[1]: \"hark\" is already in items[0]");
        // Same word case-sensitive and not: allowed; two case-sensitive
        // spellings: allowed.
        dict(&[
            ("US", "/juː ɛs/", true),
            ("us", "uss", false),
            ("Us", "uhs", true),
        ]);
        assert!(
            err(r#"{"items": [{"word": "x", "pronunciation": "y", "case_sensitve": true}]}"#)
                .message
                .contains("unknown field")
        );
        assert!(err("[]").message.contains("invalid dictionary JSON"));
        let many: Vec<String> = (0..=MAX_ENTRIES)
            .map(|i| format!(r#"{{"word": "w{i}", "pronunciation": "x"}}"#))
            .collect();
        let e = err(&format!(r#"{{"items": [{}]}}"#, many.join(",")));
        assert!(e.message.contains("at most 10000"), "{e}");
        // Stored files are validated too.
        assert!(Dictionary::from_json(
            r#"{"id":"a","name":"b","entries":[{"word":"","pronunciation":{"respelling":"x"}}]}"#
        )
        .is_err());
    }

    #[test]
    fn respelling_and_ipa() {
        let d = dict(&[("Hark", "hahrk", false), ("GIF", "/dʒɪf/", false)]);
        let input = "I built Hark to read GIF files.";
        let s = run(input, &[&d]);
        assert_eq!(
            show(&s),
            ["T:I built hahrk to read ", "P:GIF=dʒɪf", "T: files."]
        );
        // The respelled word still points at what the user wrote.
        let Piece::Text { text, map, .. } = &s.pieces[0] else {
            panic!()
        };
        let r = text.find("hahrk").unwrap();
        assert_eq!(&input[map.source_of(r..r + 5)], "Hark");
        assert_eq!(&input[map.source_of(0..1)], "I");
        assert_eq!(&input[s.pieces[1].source()], "GIF");
    }

    #[test]
    fn case_rules() {
        let d = dict(&[("GIF", "/dʒɪf/", true), ("hark", "hahrk", false)]);
        assert_eq!(
            show(&run("GIF gif Gif", &[&d])),
            ["P:GIF=dʒɪf", "T: gif Gif"]
        );
        assert_eq!(show(&run("HARK Hark hark", &[&d])), ["T:hahrk hahrk hahrk"]);
        // At the same place a case-sensitive entry beats an insensitive one.
        let d = dict(&[("us", "uss", false), ("US", "/juː ɛs/", true)]);
        assert_eq!(show(&run("US us Us", &[&d])), ["P:US=juː ɛs", "T: uss uss"]);
        // Non-ASCII case folding.
        let d = dict(&[("Ærø", "airuh", false)]);
        assert_eq!(show(&run("ÆRØ ærø", &[&d])), ["T:airuh airuh"]);
    }

    #[test]
    fn word_boundaries() {
        let d = dict(&[("Hark", "hahrk", false)]);
        for text in [
            "Harker",
            "Harks",
            "deHark",
            "Hark's",
            "Hark-like",
            "x-Hark",
            "Hark2",
            "_Hark",
        ] {
            let s = run(text, &[&d]);
            // "_" is not a word character, so only "_Hark" matches.
            if text == "_Hark" {
                assert_eq!(show(&s), ["T:_hahrk"], "{text}");
            } else {
                assert_eq!(show(&s), [format!("T:{text}")], "{text}");
            }
        }
        assert_eq!(
            show(&run("Hark! (Hark) \"Hark\", Hark. Hark-", &[&d])),
            ["T:hahrk! (hahrk) \"hahrk\", hahrk. hahrk-"]
        );
        // Entries with punctuation match it literally.
        let d = dict(&[
            ("Node.js", "node jay ess", false),
            ("C++", "C plus plus", false),
            ("AT&T", "/eɪ tiː ən tiː/", false),
        ]);
        assert_eq!(
            show(&run("Node.js, C++ and AT&T; notNode.js", &[&d])),
            [
                "T:node jay ess, C plus plus and ",
                "P:AT&T=eɪ tiː ən tiː",
                "T:; notNode.js"
            ]
        );
        // Turkish dotted capital I lowercases to two chars; no panic, no
        // match in the middle of its expansion.
        let d = dict(&[("i", "eye", false)]);
        run("İ i İi", &[&d]);
    }

    #[test]
    fn multi_word_entries() {
        let d = dict(&[("New York", "/nuː ˈjɔːrk/", false), ("York", "yawk", false)]);
        let input = "From New\n  York to York.";
        let s = run(input, &[&d]);
        assert_eq!(
            show(&s),
            ["T:From ", "P:New\n  York=nuː ˈjɔːrk", "T: to yawk."]
        );
        assert_eq!(&input[s.pieces[1].source()], "New\n  York");
        // Longest match wins within one dictionary.
        let d = dict(&[
            ("New", "noo", false),
            ("New York", "en why", false),
            ("New York City", "en why see", false),
        ]);
        assert_eq!(
            show(&run("New York City, New York, New", &[&d])),
            ["T:en why see, en why, noo"]
        );
    }

    #[test]
    fn dictionary_order() {
        let a = dict(&[("Hark", "first", false)]);
        let b = dict(&[
            ("Hark", "second", false),
            ("York", "yawk", false),
            ("New York", "en why", false),
        ]);
        assert_eq!(show(&run("Hark", &[&a, &b])), ["T:first"]);
        assert_eq!(show(&run("Hark", &[&b, &a])), ["T:second"]);
        // The first dictionary wins even over a longer, earlier-starting
        // match of a later one.
        let c = dict(&[("York", "york-first", false)]);
        assert_eq!(show(&run("New York", &[&c, &b])), ["T:New york-first"]);
        assert_eq!(show(&run("New York", &[&b, &c])), ["T:en why"]);
        // Replacements are not matched again.
        let loopy = dict(&[("a", "b", false), ("b", "a", false)]);
        assert_eq!(show(&run("a b", &[&loopy])), ["T:b a"]);
    }

    #[test]
    fn leaves_markup_pronunciations_alone() {
        let d = dict(&[("tomato", "tomahto", false), ("GIF", "/gɪf/", false)]);
        let input = r#"<speak>A <phoneme ph="təˈmeɪtoʊ">tomato</phoneme>, a tomato, <say-as interpret-as="characters">GIF</say-as>.</speak>"#;
        let s = run(input, &[&d]);
        assert_eq!(
            show(&s)[..3],
            ["T:A ", "P:tomato=təˈmeɪtoʊ", "T:, a tomahto, "]
        );
        assert!(matches!(&s.pieces[3], Piece::SayAs { text, .. } if text == "GIF"));
        // Inline IPA in plain text is left alone too.
        let s = run("[tomato](/təˈmeɪtoʊ/) tomato", &[&d]);
        assert_eq!(show(&s), ["P:tomato=təˈmeɪtoʊ", "T: tomahto"]);
    }

    #[test]
    fn works_through_entities_and_inline_markup() {
        let d = dict(&[("AT&T", "A T and T", false), ("really", "reely", false)]);
        let input = "<speak>AT&amp;T is <emphasis>really</emphasis> big</speak>";
        let s = run(input, &[&d]);
        assert_eq!(show(&s), ["T:A T and T is reely big"]);
        let Piece::Text { text, map, .. } = &s.pieces[0] else {
            panic!()
        };
        assert_eq!(&input[map.source_of(0.."A T and T".len())], "AT&amp;T");
        let r = text.find("reely").unwrap();
        assert_eq!(&input[map.source_of(r..r + 5)], "really");
    }

    #[test]
    fn no_dictionaries_or_no_matches_change_nothing() {
        let input = "Nothing to see here.";
        let s = parse(input).unwrap();
        assert_eq!(apply(s.clone(), &[]), s);
        let d = dict(&[("zebra", "zeebra", false)]);
        assert_eq!(apply(s.clone(), &[&d]), s);
        let empty = Dictionary {
            id: "e".into(),
            name: "e".into(),
            entries: vec![Entry {
                word: "  ".into(),
                pronunciation: Pronunciation::Respelling(String::new()),
                case_sensitive: false,
            }],
        };
        // An unvalidated, invalid entry is skipped, not matched everywhere.
        assert_eq!(apply(s.clone(), &[&empty]), s);
    }

    #[test]
    fn performance_10k_entries_100kb() {
        // 10,000 entries: invented words, a few phrases, some IPA.
        let mut items = Vec::new();
        for i in 0..MAX_ENTRIES {
            let word = if i % 10 == 0 {
                format!("brand{i} corp")
            } else {
                format!("term{i}x")
            };
            let pronunciation = if i % 2 == 0 {
                format!("respelled{i}")
            } else {
                "/tɜːm/".to_string()
            };
            items.push(ApiItem {
                word,
                pronunciation,
                case_sensitive: i % 3 == 0,
            });
        }
        let d = Dictionary::from_api_items("p", "perf", items).unwrap();
        let mut text = String::new();
        let mut i = 0usize;
        while text.len() < 100_000 {
            text.push_str("The quick brown fox, ");
            text.push_str(&format!("term{}x ", (i * 7919) % MAX_ENTRIES));
            text.push_str(&format!("Brand{} Corp ", (i * 10) % MAX_ENTRIES));
            text.push_str("jumps over the lazy dog. ");
            i += 1;
        }
        let t = Instant::now();
        let s = apply(Script::plain(&text), &[&d]);
        let took = t.elapsed();
        eprintln!(
            "10k entries x {} bytes: {took:?}, {} pieces",
            text.len(),
            s.pieces.len()
        );
        assert!(s.pieces.len() > 1000);
        s.check(&text).unwrap();
        assert!(took.as_secs_f64() < 2.0, "{took:?}");
    }

    fn arb_text() -> impl Strategy<Value = String> {
        let frag = prop::sample::select(vec![
            "Hark", "hark", "HARK", "Harker", "New", "York", "New York", "GIF", "gif", " ", "  ",
            "\n", "'", "-", "'s", ".", ",", "İ", "ß", "é", "\u{301}", "😀", "a", "b",
        ]);
        prop::collection::vec(
            prop_oneof![4 => frag.prop_map(str::to_owned), 1 => any::<char>().prop_map(|c| c.to_string())],
            0..30,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn prop_apply_keeps_invariants(text in arb_text()) {
            let d1 = dict(&[("Hark", "hahrk", false), ("New York", "/nuː jɔːrk/", false), ("i", "eye", false)]);
            let d2 = dict(&[("GIF", "/dʒɪf/", true), ("York", "yawk", false), ("é", "ay", false)]);
            for input in [text.clone(), format!("<speak>{}</speak>", text.replace('&', "&amp;").replace('<', "&lt;"))] {
                let Ok(script) = parse(&input) else { continue };
                let out = apply(script, &[&d1, &d2]);
                if let Err(e) = out.check(&input) {
                    return Err(TestCaseError::fail(format!("{e} for {input:?}")));
                }
                for p in &out.pieces {
                    if let Piece::Phonemes { text: w, source, .. } = p {
                        prop_assert!(!w.is_empty());
                        prop_assert!(source.end > source.start);
                    }
                }
            }
        }
    }
}
