//! Text normalization: written forms to plain spoken words.
//!
//! espeak-ng, which turns our text into phonemes, reads many written forms
//! badly or not at all the way a person would: `$7` as "dollar seven",
//! `St.` as a sentence end, `06:40` without context, `km` as letters. On the
//! Joe voice that costs 10-30 % word error (measured with Whisper) on
//! sentences with dates, times, money and abbreviations, against 0 % on
//! plain sentences. [`normalize`] rewrites such forms into ordinary words
//! *before* phonemization.
//!
//! Every output word carries a [`WordLink`] back to the input bytes it
//! speaks, so that word timestamps measured on the audio can be mapped to the
//! user's original words (`"five dollars"` both point at `"$5"`).
//!
//! # Shape of the output
//!
//! Words are separated by one space (or a line break where the input had
//! one). Sentence punctuation `. , ; : ! ?` and `...` stays attached to the
//! word before it, because the phonemizer uses it for prosody; punctuation
//! that only looked like it (the `.` of `Dr.`, a decimal point, the `:` of a
//! time, thousands separators) is consumed, and brackets and dashes become
//! commas. Quotes, Markdown markup and emoji are dropped. Generated words are
//! lowercase; words passed through keep their case.
//!
//! # How it works
//!
//! The input is cut into tokens once (`lex.rs`); then a single left-to-right
//! pass tries, at each token, a fixed list of patterns that look at most a
//! small constant number of tokens ahead or behind (phone numbers, times,
//! dates, quantities with currency, units or percent, abbreviations, Roman
//! numerals, initialisms, ...). The first pattern that matches writes its
//! words and says how many tokens it consumed; otherwise the token is passed
//! through. Because no pattern scans an unbounded distance, normalization is
//! linear in the input, and because every written form has a bounded
//! expansion (long digit runs are read digit by digit), the output is at most
//! a small multiple of the input.
//!
//! See [`normalize`] for the heuristics that decide ambiguous cases.

mod lex;
mod numeric;
mod numwords;
mod say_as;
mod tables;
mod words;

#[cfg(test)]
mod tests;

use std::ops::Range;

pub use say_as::say_as;

use lex::{Kind, Tok};
use serde::{Deserialize, Serialize};

/// Normalized text and, for each word in it, where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalized {
    /// The text to phonemize.
    pub text: String,
    /// One entry per output word, in output order.
    pub words: Vec<WordLink>,
}

impl Normalized {
    /// The text of output word `i`, or `""` if there is none.
    pub fn word(&self, i: usize) -> &str {
        self.words
            .get(i)
            .and_then(|w| self.text.get(w.output.clone()))
            .unwrap_or("")
    }

    /// The output words, in order.
    pub fn word_texts(&self) -> impl Iterator<Item = &str> {
        (0..self.words.len()).map(|i| self.word(i))
    }
}

/// One output word and the byte range of the input it speaks.
///
/// Several output words may share one input span (`"$5"` -> "five
/// dollars"); input spans never go backwards from one word to the next.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WordLink {
    /// Byte range of the word in [`Normalized::text`].
    pub output: Range<usize>,
    /// Byte range in the input text.
    pub input: Range<usize>,
}

/// A language the normalizer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// The language of a BCP-47 tag (`en-US` -> `En`, `es-419` -> `Es`),
    /// or `None` for languages without rules (use [`passthrough`] or
    /// [`normalize_tagged`] for them).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").trim();
        if primary.eq_ignore_ascii_case("en") || primary.eq_ignore_ascii_case("eng") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("es") || primary.eq_ignore_ascii_case("spa") {
            Some(Lang::Es)
        } else {
            None
        }
    }
}

/// How to read an all-numeric date like `3/4/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DateOrder {
    /// `3/4/2024` is March 4th (United States).
    #[default]
    MonthFirst,
    /// `3/4/2024` is the 3rd of April (most of the world, and Spanish).
    DayFirst,
}

/// Normalization settings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Options {
    /// Order of month and day in numeric dates. When one reading is
    /// impossible (`25/12/2024`), the other is used regardless.
    pub date_order: DateOrder,
}

impl Options {
    /// Options suited to a BCP-47 tag: day-first dates everywhere except
    /// US-style English (`en`, `en-US`, `en-CA`, `en-PH`).
    pub fn for_tag(tag: &str) -> Options {
        let lower = tag.to_ascii_lowercase().replace('_', "-");
        let month_first = match Lang::from_tag(tag) {
            Some(Lang::En) => {
                let region = lower.split('-').nth(1).unwrap_or("us");
                matches!(region, "us" | "ca" | "ph" | "um" | "pr")
            }
            _ => false,
        };
        Options {
            date_order: if month_first {
                DateOrder::MonthFirst
            } else {
                DateOrder::DayFirst
            },
        }
    }
}

/// Normalizes `text` for language `lang`.
///
/// Heuristics for the ambiguous cases (all local: they look at the
/// neighbouring words only):
///
/// * **Years vs. cardinals.** A bare four-digit number 1100-2099 (no
///   separators, decimals or attached symbols) is a year when the word
///   before it is a year cue (`in`, `since`, `by`, `from`, `until`,
///   `during`, `born`, a month, ...). Otherwise the word after it decides:
///   punctuation, the end, a capitalized word, an era (`AD`, `BC`) or a word
///   that typically follows a year (`was`, `and`, `when`, `we`, ...) makes
///   it a year ("It was 1999.", "the summer of 1969."); any other lowercase
///   word makes it a count ("1999 apples", "a crowd of 1500 people"), as
///   does a count cue before it (`about`, `over`, `page`, `than`, ...). Two
///   such numbers joined by a dash are a year range ("1939–1945"). Spanish
///   reads years as cardinals, so it needs no rule.
/// * **Identifiers.** After `call`/`dial` a 3-6 digit number is read digit
///   by digit ("nine one one"); after `flight`, `room`, `gate`, `Boeing`, ...
///   a 3-4 digit number is read in pairs ("twelve thirty four").
/// * **`Dr.`** is "doctor" before a capitalized word that is not a common
///   sentence opener, otherwise "drive" after a capitalized word or a
///   number. **`St.`** is "street" after a number or ordinal (`42nd St.`),
///   or after a capitalized word when a sentence opener follows (`Main St.
///   He left`); before any other capitalized word it is "saint" (`St.
///   Louis`). Their period is kept as a sentence end only when they mean
///   drive/street and a sentence opener or the end of the text follows.
/// * **Initialisms.** All-caps words of 2-5 letters (plus a plural `s`)
///   are spelled letter by letter unless they are on a list of acronyms said
///   as words (`NASA`, `NATO`, `UNESCO`, `NASDAQ`, `LASER`, ...). Next to
///   another all-caps word (shouting: `THIS IS GREAT`) they are read as
///   words unless they are well-known initialisms (`FBI`, `CNN`). Dotted
///   forms (`U.S.`, `Ph.D.`) are always spelled. English "a" is spelled
///   "eigh", because espeak-ng reads a lone "a" as the article.
/// * **Roman numerals** are read only after a cue word (`Chapter XII`,
///   `World War II`: cardinal), after a regnal name (`Henry VIII`: "the
///   eighth"; Spanish `Felipe VI`: "sexto", `Alfonso XIII`: "trece"), or as a
///   cardinal after another capitalized word when made of I, V, X, L only
///   and at least two letters long (`Super Bowl LVIII`, `Rocky II`). A lone
///   `I` is the pronoun unless a capitalized cue (`Part I`) or a regnal name
///   precedes it.
/// * **Numeric dates** follow [`Options::date_order`], except that a
///   reading with a month above 12 is swapped and `.`-separated dates are
///   always day first. `3/4` without a year is a fraction when the
///   denominator is a common one (2-6, 8, 10, 12, 16, 32, 64, 100, 1000),
///   else a month and day when it can be one (`9/11`).
/// * **Separators.** English: `,` groups thousands, `.` is the decimal
///   point (`1.2.3` is a version, read with "dot"). Spanish: `.` groups
///   thousands and `,` is the decimal comma, but `,` followed by exactly
///   three digits is taken as a thousands separator as in the Americas
///   (`5,000 km`), and a `.` followed by other than three digits is a
///   decimal point (`1.5 kg` "uno punto cinco").
/// * **Scale letters.** `k`, `K`, `M`, `bn` after a number are thousand,
///   million, billion; `m`, `b`, `B`, `T` only after a currency (`$5m`),
///   since elsewhere they are meters, bits or labels (`Apt. 4B`).
pub fn normalize(text: &str, lang: Lang, opts: &Options) -> Normalized {
    let toks = lex::tokenize(text);
    let mut cx = Cx {
        src: text,
        toks,
        lang,
        opts,
        out: Out::default(),
    };
    let mut i = 0;
    while i < cx.toks.len() {
        let next = cx.step(i);
        // Every step consumes at least its own token.
        i = next.max(i + 1);
    }
    cx.out.finish()
}

/// Normalizes for a BCP-47 tag, with [`Options::for_tag`]; languages
/// without rules get [`passthrough`].
pub fn normalize_tagged(text: &str, tag: &str) -> Normalized {
    match Lang::from_tag(tag) {
        Some(lang) => normalize(text, lang, &Options::for_tag(tag)),
        None => passthrough(text),
    }
}

/// No rewriting, only whitespace cleanup: words are the whitespace-separated
/// runs of `text`, joined by single spaces (line breaks kept).
pub fn passthrough(text: &str) -> Normalized {
    let mut out = Out::default();
    let mut start = None;
    let mut breaks = 0u8;
    let mut newlines = 0u8;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.gap(breaks);
                out.word(&text[s..i], s..i);
                breaks = 0;
                newlines = 0;
            }
            if c == '\n' {
                newlines = newlines.saturating_add(1);
                breaks = breaks.max(newlines.min(2));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out.finish()
}

/// Entry point for fuzzing: normalizes `data` (as lossy UTF-8) in every
/// language and date order and panics if any output invariant is broken.
pub fn fuzz_entry(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for lang in [Lang::En, Lang::Es] {
        for date_order in [DateOrder::MonthFirst, DateOrder::DayFirst] {
            let n = normalize(&text, lang, &Options { date_order });
            if let Err(e) = check_invariants(&text, &n) {
                panic!(
                    "normalize invariant broken ({lang:?}, {date_order:?}): {e}; input {text:?}"
                );
            }
        }
    }
    if let Err(e) = check_invariants(&text, &passthrough(&text)) {
        panic!("passthrough invariant broken: {e}; input {text:?}");
    }
}

/// Checks what every [`Normalized`] promises about `input`: valid,
/// in-order ranges, words without whitespace, and bounded length.
pub(crate) fn check_invariants(input: &str, n: &Normalized) -> Result<(), String> {
    if n.text.len() > 20 * input.len() + 100 {
        return Err(format!(
            "output {} bytes for {} input bytes",
            n.text.len(),
            input.len()
        ));
    }
    let mut last_out = 0usize;
    let mut last_in = 0usize;
    for (k, w) in n.words.iter().enumerate() {
        let Some(word) = n.text.get(w.output.clone()) else {
            return Err(format!("word {k}: bad output range {:?}", w.output));
        };
        if input.get(w.input.clone()).is_none() {
            return Err(format!("word {k}: bad input range {:?}", w.input));
        }
        if word.is_empty() || word.contains(char::is_whitespace) {
            return Err(format!("word {k}: {word:?} is empty or has whitespace"));
        }
        if w.output.start < last_out {
            return Err(format!("word {k}: output range out of order"));
        }
        if w.input.start < last_in || w.input.end < w.input.start {
            return Err(format!(
                "word {k}: input range {:?} goes backwards",
                w.input
            ));
        }
        last_out = w.output.end;
        last_in = w.input.start;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Output

/// Accumulates output words, separators and punctuation.
#[derive(Debug, Default)]
struct Out {
    text: String,
    words: Vec<WordLink>,
    /// Pending separator before the next word: 0 none yet, 1 space, 2 line
    /// break, 3 blank line.
    gap: u8,
    /// A bracket or dash asked for a pause before the next word.
    comma: bool,
}

const PUNCT: &[char] = &['.', ',', ';', ':', '!', '?'];

fn punct_rank(p: &str) -> u8 {
    match p {
        "." | "!" | "?" | "..." => 3,
        ";" | ":" => 2,
        _ => 1,
    }
}

impl Out {
    fn gap(&mut self, breaks: u8) {
        self.gap = self.gap.max(breaks.min(2) + 1);
    }

    fn soft_comma(&mut self) {
        if !self.text.is_empty() {
            self.comma = true;
        }
    }

    /// Appends one word (no whitespace inside) linked to `input`.
    fn word(&mut self, w: &str, input: Range<usize>) {
        if w.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            if self.comma && !self.text.ends_with(PUNCT) {
                self.text.push(',');
            }
            self.text.push_str(match self.gap {
                3 => "\n\n",
                2 => "\n",
                _ => " ",
            });
        }
        self.comma = false;
        self.gap = 0;
        let start = self.text.len();
        self.text.push_str(w);
        self.words.push(WordLink {
            output: start..self.text.len(),
            input,
        });
    }

    /// Appends space-separated words, all linked to `input`.
    fn words(&mut self, ws: &str, input: Range<usize>) {
        for w in ws.split(' ').filter(|w| !w.is_empty()) {
            self.word(w, input.clone());
        }
    }

    /// Appends sentence punctuation to the last word. Runs of punctuation
    /// collapse to the strongest mark, so `etc.,` or `?!` read cleanly.
    fn punct(&mut self, p: &str) {
        if self.words.is_empty() {
            return;
        }
        self.comma = false;
        let trimmed = self.text.trim_end_matches(PUNCT);
        if trimmed.len() < self.text.len() {
            let existing = &self.text[trimmed.len()..];
            if punct_rank(p) <= punct_rank(existing) {
                return;
            }
            let keep = trimmed.len();
            self.text.truncate(keep);
        }
        self.text.push_str(p);
    }

    /// Appends `'s` to the last word, for the plural of a spelled
    /// initialism ("CEOs" -> "c e o's"): espeak-ng reads a bare "os" after a
    /// letter as a word.
    fn append_s(&mut self) {
        if let Some(last) = self.words.last_mut() {
            if last.output.end == self.text.len() {
                self.text.push_str("'s");
                last.output.end = self.text.len();
            }
        }
    }

    fn finish(self) -> Normalized {
        Normalized {
            text: self.text,
            words: self.words,
        }
    }
}

// ---------------------------------------------------------------------------
// Normalization context

/// The state of one normalization: source, tokens and output.
struct Cx<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    lang: Lang,
    opts: &'a Options,
    out: Out,
}

impl<'a> Cx<'a> {
    fn tok(&self, j: usize) -> Option<Tok> {
        self.toks.get(j).copied()
    }

    fn kind(&self, j: usize) -> Option<Kind> {
        self.toks.get(j).map(|t| t.kind)
    }

    fn text(&self, j: usize) -> &'a str {
        self.toks
            .get(j)
            .and_then(|t| self.src.get(t.start..t.end))
            .unwrap_or("")
    }

    fn is(&self, j: usize, k: Kind) -> bool {
        self.kind(j) == Some(k)
    }

    fn is_punct(&self, j: usize, c: char) -> bool {
        self.is(j, Kind::Punct) && self.text(j).starts_with(c)
    }

    /// The first character of a punctuation token.
    fn punct_char(&self, j: usize) -> Option<char> {
        if self.is(j, Kind::Punct) {
            self.text(j).chars().next()
        } else {
            None
        }
    }

    /// Index after one same-line space at `j`, if there is one.
    fn sp(&self, j: usize) -> Option<usize> {
        match self.tok(j) {
            Some(t) if t.kind == Kind::Space && t.breaks == 0 => Some(j + 1),
            _ => None,
        }
    }

    /// `j`, or the index after a same-line space at `j`.
    fn opt_sp(&self, j: usize) -> usize {
        self.sp(j).unwrap_or(j)
    }

    /// The nearest token before `i`, skipping one space.
    fn prev_nonspace(&self, i: usize) -> Option<usize> {
        let p = i.checked_sub(1)?;
        if self.is(p, Kind::Space) {
            p.checked_sub(1)
        } else {
            Some(p)
        }
    }

    /// The nearest token from `j` on, skipping one space.
    fn next_nonspace(&self, j: usize) -> Option<usize> {
        let n = if self.is(j, Kind::Space) { j + 1 } else { j };
        (n < self.toks.len()).then_some(n)
    }

    /// The word right before `i` (one space allowed), lowercased.
    fn prev_word_lower(&self, i: usize) -> Option<String> {
        let p = self.prev_nonspace(i)?;
        self.is(p, Kind::Word).then(|| self.text(p).to_lowercase())
    }

    /// Whether token `j` touches the token before it (no space between).
    fn touches_prev(&self, j: usize) -> bool {
        j > 0 && !self.is(j - 1, Kind::Space)
    }

    /// Byte range from the start of token `a` to the end of token `b - 1`.
    fn span(&self, a: usize, b: usize) -> Range<usize> {
        let start = self.tok(a).map_or(self.src.len(), |t| t.start);
        let end = b
            .checked_sub(1)
            .and_then(|l| self.tok(l))
            .map_or(start, |t| t.end)
            .max(start);
        start..end
    }

    fn is_capitalized(&self, j: usize) -> bool {
        self.is(j, Kind::Word) && self.text(j).starts_with(char::is_uppercase)
    }

    /// Whether a period at token `dot` ends the sentence. `strong`: any
    /// capitalized word after it counts (`etc. The` and `Inc. Apple`);
    /// otherwise only a common sentence opener does (`Jr. Day` is not an
    /// end, `Main St. He` is).
    fn period_ends_sentence(&self, dot: usize, strong: bool) -> bool {
        let j = dot + 1;
        match self.tok(j) {
            None => true,
            Some(t) if t.kind == Kind::Space => {
                if t.breaks > 0 {
                    return true;
                }
                match self.tok(j + 1) {
                    None => true,
                    Some(n) if n.kind == Kind::Word => {
                        let w = self.text(j + 1);
                        w.starts_with(char::is_uppercase)
                            && (strong || tables::is_opener(self.lang, w))
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Handles token `i`; returns the index of the next unhandled token.
    fn step(&mut self, i: usize) -> usize {
        let Some(t) = self.tok(i) else {
            return i + 1;
        };
        match t.kind {
            Kind::Space => {
                self.out.gap(t.breaks);
                i + 1
            }
            Kind::Skip => i + 1,
            Kind::Url => {
                self.url(i);
                i + 1
            }
            Kind::Num => self.numeric(i).unwrap_or(i + 1),
            Kind::Word => self.word(i),
            Kind::Punct => self.numeric(i).unwrap_or_else(|| self.punct(i)),
        }
    }
}
