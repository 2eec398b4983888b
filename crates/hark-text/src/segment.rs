//! Sentence segmentation and chunking for the speech frontend.
//!
//! The engine synthesizes one chunk at a time and streams it, so the units we
//! hand it have to be natural prosodic units: a sentence where possible, a
//! clause when a sentence is too long, and never a piece of a word. A
//! normalizer later runs on every sentence, so everything here is expressed as
//! byte ranges into the caller's original string rather than copied text.
//!
//! # How it works
//!
//! The text is cut once into whitespace-separated *tokens* (plus a few
//! zero-width cuts after CJK full stops, unspaced em dashes and CJK commas,
//! because those scripts and styles put no space where a break belongs). All
//! decisions are then made at the *gaps* between tokens, looking only at the
//! token before the gap, the token after it, and what the gap itself contains
//! (line breaks, a blank line, only non-breaking spaces). Every token is
//! inspected a constant number of times, so segmentation is linear in the
//! input; no step scans backwards or forwards an unbounded distance per
//! character, which is what makes naive regex splitters quadratic on inputs
//! like 200 KB of periods.
//!
//! # Sentence-end heuristics
//!
//! A token ends a sentence when, after stripping closing quotes/brackets, it
//! ends in terminal punctuation (`.` `!` `?` `…` `。` or a run of them) and
//! the next token is consistent with a new sentence starting. What
//! "consistent" means depends on what precedes the period:
//!
//! * `?` `!` and ellipses end a sentence unless the next word is lowercase
//!   (`"Wow!" she said`, `I was thinking... maybe`).
//! * CJK full stops (`。！？`) always end one: those scripts have no case.
//! * Titles that precede a name (`Mr.` `Dr.` `Prof.` `Gen.` …) and Latin
//!   connectives (`e.g.` `i.e.` `vs.` `cf.` `approx.`) never do. `St.`,
//!   `Jr.` and `Sr.` can also close a street name or a person's name, so they
//!   are treated like initials (below): `Main St. He left` splits,
//!   `St. Louis` and `King Jr. Day` do not.
//! * Abbreviations that precede a number (`No.` `Fig.` `Vol.` `p.` …) do not
//!   when a number follows, and otherwise behave like ordinary words, so
//!   `No. I disagree.` still splits.
//! * Other abbreviations (`etc.` `Inc.` `a.m.` `Ph.D.` months …) end a
//!   sentence only before an uppercase letter, never before a digit.
//! * Single initials (`John F. Kennedy`) and dotted initialisms (`U.S.`,
//!   `D.C.`) are the hardest case, because what follows them is usually a
//!   capitalised name (`U.S. Army`). They end a sentence only when the next
//!   word is a common sentence opener (`The`, `He`, `In`, `However`, …).
//! * A closing quote after the period (`"No." She left.`) overrides the
//!   abbreviation tables: quoted abbreviations are rare, quoted sentences are
//!   not.
//! * Anything else ends a sentence unless the next word starts lowercase.
//!
//! Independently of punctuation, a blank line (paragraph break), a line that
//! starts with a list bullet or a numbered marker (`1.`, `a)`), and the end
//! of a Markdown `#` heading line end a sentence. Numbered markers stay part
//! of their item (the normalizer may want to read "one"); symbol bullets are
//! left out of the segment because there is nothing to say for them.

use serde::{Deserialize, Serialize};

/// A piece of the input text, by byte range into the original string.
///
/// Ranges always lie on `char` boundaries, never start or end with
/// whitespace, and contain at least one speakable character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Segment {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// What ended the segment.
    pub kind: Boundary,
}

impl Segment {
    /// The segment's text within `source` (the string it was computed from).
    ///
    /// Returns `""` instead of panicking if `source` is some other string the
    /// range does not fit, since callers pass segments around separately from
    /// their text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the range is empty (never true for segments produced here).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What ended a segment: how long a pause a speaker would make after it.
///
/// Ordered from the longest pause to the shortest; [`Boundary::End`] means
/// the input simply ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Boundary {
    /// Terminal punctuation (`.` `!` `?` `…` `。`), a paragraph break, a new
    /// list item or the end of a heading line.
    Sentence,
    /// Clause punctuation: `,` `;` `:` dashes, or a `?`/`!`/`…` that did not
    /// end the sentence (`"Wow!" she said`).
    Clause,
    /// A forced break between words with no punctuation, made only because
    /// the sentence was longer than the chunk limit.
    Phrase,
    /// The input ended without terminal punctuation. Prosodically this is
    /// like [`Boundary::Sentence`], but a caller feeding text incrementally
    /// (e.g. from a language model) can use it to hold back the last segment
    /// until more text arrives, since it may be incomplete.
    End,
}

/// Splits `text` into sentences.
///
/// See the module documentation for the rules. Sentences that contain
/// nothing to speak (only punctuation, e.g. `"..."` or `"!"`) are dropped.
pub fn split_sentences(text: &str) -> Vec<Segment> {
    let toks = tokenize(text);
    sentence_spans(text, &toks)
        .into_iter()
        .map(|sp| span_segment(&toks, sp.first, sp.last, sp.kind))
        .collect()
}

/// Sentences, with every sentence longer than `max_chars` characters split
/// at the best boundaries inside it.
///
/// Break candidates are ranked: clause punctuation (`, ; : —` and
/// non-final `? ! …`) first, then before a conjunction, preposition or
/// relative pronoun (`and`, `but`, `because`, `which`, `with`, …) or a
/// parenthesis, then any other space. Breaks only ever happen between
/// tokens, so a word is never split; a single word longer than `max_chars`
/// (a URL, a long run of CJK text without punctuation) is kept whole.
/// Non-breaking spaces are respected.
///
/// Long sentences are split by bisection aimed at balance, not by greedy
/// fill. A sentence that needs `k = ceil(len / max_chars)` pieces is cut
/// near the point where the left side needs `k / 2` of them, trading
/// distance from that point against the rank of the break and any extra
/// chunk it causes (see `best_break`); then each side is split the same way.
/// Greedy fill always breaks near the limit rather than at the most natural
/// boundary close by, and strands short tails ("…, and so on.") that the
/// engine then synthesizes in isolation with odd prosody; balanced pieces
/// also keep per-chunk latency even while streaming. `max_chars` counts
/// `char`s; `0` is treated as `1`.
pub fn chunk(text: &str, max_chars: usize) -> Vec<Segment> {
    let max = max_chars.max(1);
    let toks = tokenize(text);
    let mut out = Vec::new();
    for sp in sentence_spans(text, &toks) {
        if piece_chars(&toks, sp.first, sp.last) <= max {
            out.push(span_segment(&toks, sp.first, sp.last, sp.kind));
        } else {
            split_long(text, &toks, sp, max, &mut out);
        }
    }
    out
}

/// Splits a sentence into clauses at `,` `;` `:` dashes (and their CJK
/// forms), for phonemizers that process one clause at a time.
///
/// Returns each clause's range, relative to `sentence`, together with the
/// punctuation that closes it, normalized to one of `, ; : — . ? ! …` so the
/// caller need not know every Unicode variant. The last clause carries the
/// sentence's terminal punctuation, if any, with kind
/// [`Boundary::Sentence`]; without any it has kind [`Boundary::End`] and
/// `None`. Punctuation is only a break when followed by whitespace (or, for
/// em dashes and CJK commas, by a word), so `1,234`, `3:30`, `http://` and
/// `1990–2000` stay whole. A `?`, `!` or `…` inside the sentence also closes
/// a clause. A single `.` does not, because inside a sentence it is almost
/// always an abbreviation.
pub fn split_clauses(sentence: &str) -> Vec<(Segment, Option<char>)> {
    let toks = tokenize(sentence);
    let mut out = Vec::new();
    let mut first = 0;
    for g in 0..toks.len() {
        if g + 1 == toks.len() {
            let last = tok_text(sentence, &toks[g]);
            let (kind, ch) = if let Some(ch) = terminal_char(last) {
                (Boundary::Sentence, Some(ch))
            } else if let Some(ch) = clause_punct(last) {
                (Boundary::Clause, Some(ch))
            } else {
                (Boundary::End, None)
            };
            push_clause(sentence, &toks, first, g, kind, ch, &mut out);
        } else if let Some((Rank::Clause, ch)) = gap_break(sentence, &toks, g) {
            push_clause(sentence, &toks, first, g, Boundary::Clause, ch, &mut out);
            first = g + 1;
        }
    }
    out
}

fn push_clause(
    text: &str,
    toks: &[Token],
    first: usize,
    last: usize,
    kind: Boundary,
    ch: Option<char>,
    out: &mut Vec<(Segment, Option<char>)>,
) {
    let seg = span_segment(toks, first, last, kind);
    if has_speakable(seg.text(text)) {
        out.push((seg, ch));
    }
}

// ---------------------------------------------------------------------------
// Tokens

/// What separated a token from the one before it.
#[derive(Debug, Clone, Copy, Default)]
struct Gap {
    /// Line breaks in the gap (`\r\n` counts once).
    newlines: u32,
    /// A blank line, form feed or paragraph separator: always a sentence end.
    paragraph: bool,
    /// Contains at least one whitespace character other than a non-breaking
    /// space. A gap of only NBSPs (`Mr.\u{a0}Smith`) is the author asking us
    /// not to break there.
    breaking: bool,
    /// A cut we made inside a run of non-space characters (after `。`, an
    /// unspaced em dash or a CJK comma). Breakable, but without whitespace.
    zero: bool,
}

impl Gap {
    fn line_break(&self) -> bool {
        self.newlines > 0 || self.paragraph
    }

    fn can_break(&self) -> bool {
        self.breaking || self.zero
    }
}

/// A run of non-space characters, with byte and char offsets (char offsets
/// make length checks in [`chunk`] O(1)).
#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    cstart: usize,
    cend: usize,
    /// The gap *before* this token.
    gap: Gap,
}

/// Cuts `text` into tokens in a single pass.
fn tokenize(text: &str) -> Vec<Token> {
    let mut toks = Vec::new();
    let mut gap = Gap::default();
    // (byte start, char start) of the token being built
    let mut cur: Option<(usize, usize)> = None;
    let mut prev: Option<char> = None;
    let mut cidx = 0usize;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let ci = cidx;
        cidx += 1;
        if c.is_whitespace() {
            if let Some((s, cs)) = cur.take() {
                toks.push(Token {
                    start: s,
                    end: i,
                    cstart: cs,
                    cend: ci,
                    gap,
                });
                gap = Gap::default();
            }
            match c {
                '\n' | '\u{0B}' | '\u{85}' | '\u{2028}' => gap.newlines += 1,
                // `\r\n` is counted at its `\n`.
                '\r' if !matches!(it.peek(), Some(&(_, '\n'))) => gap.newlines += 1,
                '\u{0C}' | '\u{2029}' => gap.paragraph = true,
                _ => {}
            }
            if gap.newlines >= 2 {
                gap.paragraph = true;
            }
            if !is_nonbreaking_space(c) {
                gap.breaking = true;
            }
            prev = None;
            continue;
        }
        if cur.is_none() {
            cur = Some((i, ci));
        }
        let split_after = if is_cjk_terminal(c) {
            // Keep `。」` and `？！` together, then cut: CJK puts no space
            // between sentences.
            while let Some(&(_, n)) = it.peek() {
                if is_closer(n) || is_terminal(n) {
                    it.next();
                    cidx += 1;
                } else {
                    break;
                }
            }
            true
        } else if is_inner_break(c) {
            // `word—word` and `你好，我` are clause boundaries with no space.
            prev.is_some_and(|p| !is_dash(p) && !is_opener(p))
                && it.peek().is_some_and(|&(_, n)| {
                    !n.is_whitespace() && !is_dash(n) && !is_closer(n) && !is_inner_break(n)
                })
        } else {
            false
        };
        if split_after {
            let end = it.peek().map_or(text.len(), |&(j, _)| j);
            if let Some((s, cs)) = cur.take() {
                toks.push(Token {
                    start: s,
                    end,
                    cstart: cs,
                    cend: cidx,
                    gap,
                });
            }
            gap = Gap {
                zero: true,
                ..Gap::default()
            };
            prev = None;
        } else {
            prev = Some(c);
        }
    }
    if let Some((s, cs)) = cur {
        toks.push(Token {
            start: s,
            end: text.len(),
            cstart: cs,
            cend: cidx,
            gap,
        });
    }
    toks
}

fn tok_text<'a>(text: &'a str, tok: &Token) -> &'a str {
    text.get(tok.start..tok.end).unwrap_or("")
}

fn span_segment(toks: &[Token], first: usize, last: usize, kind: Boundary) -> Segment {
    let start = toks.get(first).map_or(0, |t| t.start);
    let end = toks.get(last).map_or(start, |t| t.end);
    Segment { start, end, kind }
}

fn piece_chars(toks: &[Token], first: usize, last: usize) -> usize {
    match (toks.get(first), toks.get(last)) {
        (Some(a), Some(b)) => b.cend.saturating_sub(a.cstart),
        _ => 0,
    }
}

// ---------------------------------------------------------------------------
// Sentences

/// A sentence as an inclusive range of token indices.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: usize,
    last: usize,
    kind: Boundary,
}

fn sentence_spans(text: &str, toks: &[Token]) -> Vec<Span> {
    let mut spans = Vec::new();
    let push = |spans: &mut Vec<Span>, first: usize, last: usize, kind: Boundary| {
        let seg = span_segment(toks, first, last, kind);
        if has_speakable(seg.text(text)) {
            spans.push(Span { first, last, kind });
        }
    };
    let mut first: Option<usize> = None;
    // Inside a Markdown heading line: the line break ends the sentence.
    let mut heading = false;
    let mut i = 0;
    while i < toks.len() {
        let tok = toks[i];
        let s = tok_text(text, &tok);
        let line_start = i == 0 || tok.gap.line_break();
        let marker = line_start && is_list_marker(s);
        let bullet = line_start && (is_bullet(s) || is_heading_marker(s));
        if let Some(f) = first {
            if tok.gap.paragraph || (line_start && (heading || marker || bullet)) {
                push(&mut spans, f, i.saturating_sub(1), Boundary::Sentence);
                first = None;
                heading = false;
            }
        }
        if first.is_none() {
            if bullet {
                heading = is_heading_marker(s);
                i += 1;
                continue;
            }
            first = Some(i);
        }
        // "1." at the start of a line introduces an item; it ends nothing.
        if !marker {
            if let Some(term) = terminal(s) {
                // Closing quotes or stray `!` separated by spaces (`Bonjour ! »`)
                // still belong to this sentence.
                let mut j = i + 1;
                while j < toks.len()
                    && !toks[j].gap.line_break()
                    && is_closing_only(tok_text(text, &toks[j]))
                {
                    j += 1;
                }
                let next = toks.get(j).map(|t| (t, tok_text(text, t)));
                if ends_sentence(term, next) {
                    if let Some(f) = first.take() {
                        push(&mut spans, f, j - 1, Boundary::Sentence);
                    }
                    heading = false;
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if let Some(f) = first {
        push(&mut spans, f, toks.len().saturating_sub(1), Boundary::End);
    }
    spans
}

/// The terminal punctuation at the end of a token, classified.
#[derive(Debug, Clone, Copy)]
enum Term<'a> {
    /// `。！？`: always a sentence end.
    Cjk,
    /// A run containing `?` or `!`.
    Strong,
    /// `...`, `…`, `..`.
    Ellipsis,
    /// A single `.` after `word` (openers stripped). `quoted`: closing quotes
    /// or brackets followed the period.
    Period { word: &'a str, quoted: bool },
}

fn terminal(tok: &str) -> Option<Term<'_>> {
    let core = tok.trim_end_matches(is_closer);
    let quoted = core.len() < tok.len();
    let body = core.trim_end_matches(is_terminal);
    let run = core.get(body.len()..).unwrap_or("");
    if run.is_empty() {
        None
    } else if run.chars().any(is_cjk_terminal) {
        Some(Term::Cjk)
    } else if run.chars().any(|c| c != '.' && c != '…') {
        Some(Term::Strong)
    } else if run.len() > 1 {
        Some(Term::Ellipsis)
    } else {
        Some(Term::Period {
            word: body.trim_start_matches(is_opener),
            quoted,
        })
    }
}

/// The terminal punctuation of a token normalized to `. ? ! …`.
fn terminal_char(tok: &str) -> Option<char> {
    let core = tok.trim_end_matches(is_closer);
    let body = core.trim_end_matches(is_terminal);
    let run = core.get(body.len()..).unwrap_or("");
    if run.is_empty() {
        None
    } else if run
        .chars()
        .any(|c| matches!(c, '?' | '？' | '؟' | '⁇' | '⁈' | '⁉' | '‽' | '︖'))
    {
        Some('?')
    } else if run.chars().any(|c| matches!(c, '!' | '！' | '‼' | '︕')) {
        Some('!')
    } else if run.contains('…') || (run.len() > 1 && !run.chars().any(is_cjk_terminal)) {
        Some('…')
    } else {
        Some('.')
    }
}

/// Whether terminal punctuation `term` ends the sentence, given the next
/// token (with its gap) and its text.
fn ends_sentence(term: Term<'_>, next: Option<(&Token, &str)>) -> bool {
    let Some((next, nt)) = next else {
        return true;
    };
    if next.gap.paragraph || matches!(term, Term::Cjk) {
        return true;
    }
    if !next.gap.can_break() {
        return false;
    }
    match term {
        Term::Cjk => true,
        Term::Strong | Term::Ellipsis => !starts_lowercase(nt),
        Term::Period { word, quoted } => {
            let class = if quoted { Abbr::Plain } else { classify(word) };
            match class {
                Abbr::Title | Abbr::Always => false,
                Abbr::Numeric => !starts_number(nt) && !starts_lowercase(nt),
                Abbr::General => lead_char(nt).is_some_and(char::is_uppercase),
                Abbr::Initial => starts_sentence_word(nt),
                Abbr::Plain => !starts_lowercase(nt),
            }
        }
    }
}

/// How a word followed by a single period behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abbr {
    /// Precedes a name: never ends a sentence.
    Title,
    /// Latin connectives (`e.g.`, `vs.`): never end a sentence.
    Always,
    /// Precedes a number (`No. 5`): ends a sentence only if no number follows.
    Numeric,
    /// Ends a sentence only before an uppercase letter.
    General,
    /// Single initials, dotted initialisms and `St.`/`Jr.`/`Sr.`: end a
    /// sentence only before a common sentence-opening word.
    Initial,
    /// Not an abbreviation.
    Plain,
}

fn classify(word: &str) -> Abbr {
    // Longer "words" are URLs, numbers or ordinary words: no table entry is
    // this long, and the bound keeps the lowercase copy O(1).
    if word.is_empty() || word.len() > 16 {
        return Abbr::Plain;
    }
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    if let Some(class) = abbreviation(&lower) {
        // Titles are capitalized; lowercase `rep.` or `col.` is a word.
        if class == Abbr::Title && !word.chars().next().is_some_and(char::is_uppercase) {
            return Abbr::Plain;
        }
        // Street and name suffixes as well as titles: decided like initials.
        if class == Abbr::Title && matches!(lower.as_str(), "st" | "jr" | "sr") {
            return Abbr::Initial;
        }
        return class;
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return if c.is_alphabetic() {
            Abbr::Initial
        } else {
            Abbr::Plain
        };
    }
    if is_initialism(word) {
        Abbr::Initial
    } else {
        Abbr::Plain
    }
}

/// `U.S`, `D.C`, `U.S.A`: single letters joined by periods.
fn is_initialism(word: &str) -> bool {
    let mut letters = 0;
    let mut expect_letter = true;
    for c in word.chars() {
        if expect_letter {
            if !c.is_alphabetic() {
                return false;
            }
            letters += 1;
        } else if c != '.' {
            return false;
        }
        expect_letter = !expect_letter;
    }
    letters >= 2 && !expect_letter
}

fn abbreviation(lower: &str) -> Option<Abbr> {
    use Abbr::*;
    Some(match lower {
        "mr" | "mrs" | "ms" | "mx" | "messrs" | "mmes" | "mme" | "mlle" | "dr" | "drs" | "dra"
        | "prof" | "profs" | "sr" | "sra" | "srta" | "srs" | "jr" | "st" | "ste" | "sta"
        | "sto" | "mt" | "ft" | "gen" | "gov" | "sen" | "rep" | "reps" | "capt" | "cpt" | "col"
        | "lt" | "sgt" | "cpl" | "pvt" | "maj" | "adm" | "cmdr" | "cdr" | "brig" | "rev"
        | "hon" | "pres" | "supt" | "insp" | "atty" | "fr" | "ud" | "uds" | "lic" | "ing" => Title,
        "vs" | "v" | "cf" | "e.g" | "i.e" | "eg" | "ie" | "viz" | "approx" | "ca" | "incl"
        | "esp" | "resp" => Always,
        "no" | "nos" | "nr" | "nº" | "núm" | "num" | "fig" | "figs" | "vol" | "vols" | "ch"
        | "chap" | "sec" | "sect" | "art" | "arts" | "eq" | "eqs" | "ref" | "refs" | "tab"
        | "p" | "pp" | "pg" | "pág" | "págs" | "pt" | "pts" | "op" | "para" | "tel" | "ext"
        | "apt" | "rm" | "bldg" | "cap" | "ex" => Numeric,
        "etc" | "inc" | "ltd" | "co" | "corp" | "llc" | "plc" | "bros" | "jan" | "feb" | "mar"
        | "apr" | "jun" | "jul" | "aug" | "sep" | "sept" | "oct" | "nov" | "dec" | "mon"
        | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat" | "sun" | "a.m"
        | "p.m" | "ph.d" | "m.d" | "b.a" | "m.a" | "b.sc" | "m.sc" | "est" | "dept" | "depts"
        | "govt" | "univ" | "assn" | "assoc" | "intl" | "natl" | "misc" | "min" | "max" | "avg"
        | "al" | "yr" | "yrs" | "hr" | "hrs" | "mins" | "secs" | "lb" | "lbs" | "oz" | "ave"
        | "blvd" | "rd" | "ln" | "hwy" | "sq" | "ee.uu" => General,
        _ => return None,
    })
}

/// Words that commonly open an English (or Spanish) sentence. Used only
/// after initials, where the next word is usually a capitalized name.
#[rustfmt::skip]
fn is_sentence_opener(lower: &str) -> bool {
    matches!(
        lower,
        "a" | "an" | "the" | "this" | "that" | "these" | "those" | "it" | "its" | "i" | "he"
        | "she" | "we" | "they" | "you" | "his" | "her" | "their" | "our" | "my" | "your"
        | "there" | "here" | "what" | "when" | "where" | "why" | "how" | "who" | "which"
        | "if" | "but" | "and" | "or" | "so" | "yet" | "then" | "also" | "however" | "in"
        | "on" | "at" | "for" | "from" | "with" | "by" | "as" | "after" | "before"
        | "since" | "while" | "although" | "though" | "because" | "once" | "now"
        | "today" | "some" | "many" | "most" | "all" | "each" | "every" | "no" | "not"
        | "one" | "both" | "during" | "meanwhile" | "still" | "thus" | "therefore"
        | "yes" | "please" | "let" | "do" | "does" | "did" | "is" | "are" | "was"
        | "were" | "can" | "could" | "will" | "would" | "should" | "to" | "even" | "just"
        | "only" | "such" | "despite" | "instead" | "later" | "finally" | "first"
        | "next" | "last" | "indeed" | "perhaps" | "maybe" | "moreover" | "furthermore"
        | "besides" | "otherwise" | "hence" | "unlike" | "according" | "el" | "la"
        | "los" | "las" | "un" | "una" | "en" | "pero" | "y" | "es" | "si" | "ella"
        | "yo" | "este" | "esta" | "hay"
    )
}

/// Words a long sentence may be broken *before* (conjunctions, relative
/// pronouns, prepositions that open a phrase). `of` and `to` are absent on
/// purpose: "a cup | of tea" and "want | to go" are bad breaks.
#[rustfmt::skip]
fn is_break_word(lower: &str) -> bool {
    matches!(
        lower,
        "and" | "but" | "or" | "nor" | "yet" | "so" | "because" | "although" | "though"
        | "while" | "whereas" | "since" | "unless" | "until" | "if" | "when" | "whenever"
        | "where" | "wherever" | "whether" | "which" | "who" | "whom" | "whose" | "that"
        | "with" | "without" | "from" | "into" | "onto" | "upon" | "about" | "after"
        | "before" | "between" | "through" | "throughout" | "during" | "under" | "over"
        | "against" | "among" | "across" | "toward" | "towards" | "within" | "beyond"
        | "despite" | "except" | "like" | "in" | "on" | "at" | "by" | "for" | "as"
        | "than" | "then" | "y" | "e" | "o" | "u" | "ni" | "pero" | "sino" | "porque"
        | "aunque" | "cuando" | "donde" | "mientras" | "que" | "con" | "sin" | "para"
        | "hasta" | "desde"
    )
}

/// `1.`, `12)`, `(a)`, `b.`, `IV.` at the start of a line.
fn is_list_marker(tok: &str) -> bool {
    let t = tok.strip_prefix('(').unwrap_or(tok);
    let Some(body) = t.strip_suffix('.').or_else(|| t.strip_suffix(')')) else {
        return false;
    };
    let b = body.as_bytes();
    (!b.is_empty() && b.len() <= 3 && b.iter().all(u8::is_ascii_digit))
        || matches!(b, [c] if c.is_ascii_alphabetic())
        || (!b.is_empty() && b.len() <= 5 && b.iter().all(|c| b"IVXLC".contains(c)))
}

/// Symbol bullets that open a list item; left out of the item's segment.
fn is_bullet(tok: &str) -> bool {
    const BULLETS: &[&str] = &[
        "-", "*", "+", "•", "◦", "‣", "▪", "▫", "●", "○", "■", "□", "–", "—", "·", "⁃", "∙",
    ];
    BULLETS.contains(&tok)
}

fn is_heading_marker(tok: &str) -> bool {
    !tok.is_empty() && tok.len() <= 6 && tok.bytes().all(|b| b == b'#')
}

/// A token made only of closing quotes/brackets and terminal punctuation,
/// which belongs to the sentence before it.
fn is_closing_only(tok: &str) -> bool {
    tok.chars().all(|c| is_closer(c) || is_terminal(c))
}

/// The first character after any opening quotes, brackets, `¿` `¡` or
/// dialogue dashes; the first character if there is nothing else.
fn lead_char(tok: &str) -> Option<char> {
    tok.trim_start_matches(is_opener)
        .chars()
        .next()
        .or_else(|| tok.chars().next())
}

/// Whether the token starts like a sentence continuation: a lowercase
/// letter, except in words like `iPhone` and `eBay`.
fn starts_lowercase(tok: &str) -> bool {
    let mut chars = tok.trim_start_matches(is_opener).chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => !chars.next().is_some_and(char::is_uppercase),
        _ => false,
    }
}

/// A digit, `#` or a Roman numeral (`Vol. II`) follows.
fn starts_number(tok: &str) -> bool {
    let t = tok.trim_start_matches(is_opener);
    if t.starts_with(|c: char| c.is_numeric() || c == '#') {
        return true;
    }
    let word = t.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    word.len() >= 2 && word.bytes().all(|b| b"IVXLCDM".contains(&b))
}

/// Whether the token is a common sentence-opening word, capitalized, and not
/// itself an initial (`A. A. Milne`).
fn starts_sentence_word(tok: &str) -> bool {
    let t = tok.trim_start_matches(is_opener);
    let word_len = t.find(|c: char| !c.is_alphabetic()).unwrap_or(t.len());
    let word = t.get(..word_len).unwrap_or("");
    if word.is_empty() || word.len() > 16 || !word.starts_with(char::is_uppercase) {
        return false;
    }
    let rest = t.get(word_len..).unwrap_or("");
    if word.chars().count() == 1 && rest.starts_with('.') {
        return false;
    }
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    is_sentence_opener(&lower)
}

// ---------------------------------------------------------------------------
// Clauses and chunking

/// Quality of a break candidate, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rank {
    /// After clause punctuation.
    Clause,
    /// Before a conjunction/preposition or around a parenthesis.
    Word,
    /// Any other breakable gap.
    Space,
    /// Would strand a quote or bracket (`« | Bonjour`, `word | »`). Used
    /// only when a piece has no other break, so that the length limit still
    /// holds for everything but single words.
    Awkward,
}

impl Rank {
    /// Penalty in quarters of an ideal chunk length (see [`best_break`]).
    fn weight(self) -> usize {
        match self {
            Rank::Clause => 0,
            Rank::Word => 1,
            Rank::Space => 3,
            Rank::Awkward => 3,
        }
    }
}

/// The clause punctuation a token ends with (before closing quotes), as one
/// of `, ; : —`, or for a `?` `!` `…` run, that character.
fn clause_punct(tok: &str) -> Option<char> {
    let core = tok.trim_end_matches(is_closer);
    let last = core.chars().next_back()?;
    match last {
        ',' | '，' | '、' | '､' | '﹐' | '﹑' => Some(','),
        ';' | '；' | '﹔' => Some(';'),
        ':' | '：' | '﹕' => Some(':'),
        '—' | '―' | '–' | '‒' | '⸺' | '⸻' => Some('—'),
        '-' if core == "-" || core.ends_with("--") => Some('—'),
        _ => match terminal(tok) {
            Some(Term::Strong | Term::Ellipsis) => terminal_char(tok),
            _ => None,
        },
    }
}

/// Whether (and how well) the text may be broken in the gap after token `g`.
fn gap_break(text: &str, toks: &[Token], g: usize) -> Option<(Rank, Option<char>)> {
    let left_tok = toks.get(g)?;
    let right_tok = toks.get(g + 1)?;
    if !right_tok.gap.can_break() {
        return None;
    }
    let left = tok_text(text, left_tok);
    let right = tok_text(text, right_tok);
    if is_closing_only(right) || left.chars().all(|c| is_opener(c) && !is_dash(c)) {
        return Some((Rank::Awkward, None));
    }
    if let Some(ch) = clause_punct(left) {
        return Some((Rank::Clause, Some(ch)));
    }
    let t = right.trim_start_matches(is_opener);
    let word_len = t.find(|c: char| !c.is_alphabetic()).unwrap_or(t.len());
    let word = t.get(..word_len).unwrap_or("");
    let lower: String = if word.len() <= 10 {
        word.chars().flat_map(char::to_lowercase).collect()
    } else {
        String::new()
    };
    if is_break_word(&lower) || right.starts_with('(') || left.ends_with(')') {
        return Some((Rank::Word, None));
    }
    Some((Rank::Space, None))
}

/// Splits one over-long sentence by balanced bisection (see [`chunk`]).
///
/// Uses an explicit stack so pathological inputs cannot overflow the call
/// stack; left halves are pushed last so pieces come out in text order.
fn split_long(text: &str, toks: &[Token], sp: Span, max: usize, out: &mut Vec<Segment>) {
    // Rank of the gap after token `sp.first + k`, computed once.
    let ranks: Vec<Option<(Rank, Option<char>)>> = (sp.first..sp.last)
        .map(|g| gap_break(text, toks, g))
        .collect();
    let rank_at = |g: usize| ranks.get(g.wrapping_sub(sp.first)).copied().flatten();
    let mut stack = vec![(sp.first, sp.last)];
    while let Some((a, b)) = stack.pop() {
        let len = piece_chars(toks, a, b);
        let best = if len > max {
            best_break(toks, a, b, len, max, &rank_at)
        } else {
            None
        };
        match best {
            Some(g) => {
                stack.push((g + 1, b));
                stack.push((a, g));
            }
            None => {
                let kind = if b == sp.last {
                    sp.kind
                } else if matches!(rank_at(b), Some((Rank::Clause, _))) {
                    Boundary::Clause
                } else {
                    Boundary::Phrase
                };
                let seg = span_segment(toks, a, b, kind);
                if has_speakable(seg.text(text)) {
                    out.push(seg);
                }
            }
        }
    }
}

/// The best gap to cut tokens `a..=b` (of `len` chars) at, if any.
///
/// The piece needs `k = ceil(len / max)` chunks; the cut is aimed at the
/// point where the left side holds `k / 2` of them. Each candidate costs its
/// distance from that point, plus a penalty for its rank and for every chunk
/// it adds beyond `k`, all in quarters of an ideal chunk length `len / k`.
/// The penalties are soft on purpose: an extra chunk at a clause boundary
/// sounds better than the minimum number of chunks cut mid-phrase.
fn best_break(
    toks: &[Token],
    a: usize,
    b: usize,
    len: usize,
    max: usize,
    rank_at: &impl Fn(usize) -> Option<(Rank, Option<char>)>,
) -> Option<usize> {
    let base = toks.get(a)?.cstart;
    let pieces = len.div_ceil(max).max(2);
    let target = len / pieces * (pieces / 2);
    let ideal = len / pieces;
    // Compared as (awkward, cost): an awkward cut only wins when there is
    // no other.
    let mut best: Option<((bool, usize), usize)> = None;
    for g in a..b {
        let Some((rank, _)) = rank_at(g) else {
            continue;
        };
        let left = toks.get(g)?.cend.saturating_sub(base);
        let right = len.saturating_sub(toks.get(g + 1)?.cstart.saturating_sub(base));
        let extra = (left.div_ceil(max) + right.div_ceil(max)).saturating_sub(pieces);
        let cost = 4 * left.abs_diff(target) + (rank.weight() + EXTRA_CHUNK_WEIGHT * extra) * ideal;
        let key = (rank == Rank::Awkward, cost);
        if best.is_none_or(|(k, _)| key < k) {
            best = Some((key, g));
        }
    }
    best.map(|(_, g)| g)
}

/// Penalty for each chunk a cut adds, in quarters of an ideal chunk.
const EXTRA_CHUNK_WEIGHT: usize = 1;

// ---------------------------------------------------------------------------
// Character classes

fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉' | '‽' | '؟' | '।' | '॥'
    ) || is_cjk_terminal(c)
}

fn is_cjk_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡' | '︒' | '︕' | '︖')
}

/// Characters after which we cut even without a following space.
fn is_inner_break(c: char) -> bool {
    matches!(c, '—' | '―' | '⸺' | '⸻' | '，' | '、' | '､' | '；' | '：')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '⸺' | '⸻')
}

/// Quotes of every convention, since `“` closes a German quote and `»` a
/// Danish one.
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '„' | '‚' | '«' | '»' | '‹' | '›'
    )
}

/// Closing quotes and brackets, plus Markdown emphasis (`**Done.**`).
#[rustfmt::skip]
fn is_closer(c: char) -> bool {
    is_quote(c)
        || matches!(
            c,
            ')' | ']' | '}' | '」' | '』' | '】' | '〕' | '〉' | '》' | '）' | '］' | '｝' | '〗'
            | '〙' | '〛' | '｣' | '*' | '_'
        )
}

/// Opening quotes and brackets, Spanish `¿ ¡`, dialogue dashes and Markdown
/// emphasis: skipped when looking at how the next sentence starts.
#[rustfmt::skip]
fn is_opener(c: char) -> bool {
    is_quote(c)
        || is_dash(c)
        || matches!(
            c,
            '(' | '[' | '{' | '¿' | '¡' | '「' | '『' | '【' | '〔' | '〈' | '《' | '（' | '［' | '｛'
            | '〖' | '〘' | '〚' | '｢' | '*' | '_'
        )
}

fn is_nonbreaking_space(c: char) -> bool {
    matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// Punctuation and invisible characters: nothing a voice would say.
/// Symbols such as `$ % & + =`, emoji and letters are speakable (the
/// normalizer decides how).
fn is_silent(c: char) -> bool {
    if c.is_alphanumeric() {
        // Includes letters inside punctuation blocks, such as `々` and `〇`.
        return false;
    }
    if c.is_ascii() {
        return c.is_ascii_whitespace()
            || c.is_ascii_control()
            || (c.is_ascii_punctuation()
                && !matches!(
                    c,
                    '$' | '%' | '&' | '@' | '+' | '=' | '<' | '>' | '^' | '~' | '|'
                ));
    }
    c.is_whitespace()
        || c.is_control()
        || is_terminal(c)
        || is_closer(c)
        || is_opener(c)
        || is_inner_break(c)
        || matches!(
            c,
            '\u{2010}'..='\u{2027}'
                | '\u{2032}'..='\u{205E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{200B}'..='\u{200F}'
                | '\u{FEFF}'
                | '\u{3000}'..='\u{303F}'
                | '\u{FF01}'..='\u{FF03}'
                | '\u{FF07}'..='\u{FF0A}'
                | '\u{FF0C}'..='\u{FF0F}'
                | '\u{FF1A}'..='\u{FF1B}'
                | '\u{FF1F}'..='\u{FF20}'
                | '\u{FF3B}'..='\u{FF3D}'
                | '\u{FF3F}'
                | '\u{FF5B}'
                | '\u{FF5D}'
                | '\u{FF5F}'..='\u{FF65}'
                | '\u{25A0}'..='\u{25FF}'
                | '¡' | '¿' | '«' | '»' | '·' | '§' | '¶'
        )
}

fn has_speakable(s: &str) -> bool {
    s.chars().any(|c| !is_silent(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    fn sents(text: &str) -> Vec<&str> {
        split_sentences(text).iter().map(|s| s.text(text)).collect()
    }

    fn chunks(text: &str, max: usize) -> Vec<&str> {
        chunk(text, max).iter().map(|s| s.text(text)).collect()
    }

    fn clauses(text: &str) -> Vec<(&str, Option<char>)> {
        split_clauses(text)
            .iter()
            .map(|(s, c)| (s.text(text), *c))
            .collect()
    }

    // --- basic terminal punctuation -------------------------------------

    #[test]
    fn splits_at_terminal_punctuation() {
        assert_eq!(
            sents("Hello world. How are you? I'm fine! Thanks"),
            ["Hello world.", "How are you?", "I'm fine!", "Thanks"]
        );
        assert_eq!(sents("No punctuation at all"), ["No punctuation at all"]);
    }

    #[test]
    fn kinds_distinguish_terminated_and_unterminated() {
        let text = "One. Two";
        let segs = split_sentences(text);
        assert_eq!(segs[0].kind, Boundary::Sentence);
        assert_eq!(segs[1].kind, Boundary::End);
        assert_eq!(split_sentences("Done.")[0].kind, Boundary::Sentence);
    }

    #[test]
    fn punctuation_runs_stay_together() {
        assert_eq!(
            sents("What?! Really... Yes."),
            ["What?!", "Really...", "Yes."]
        );
        assert_eq!(sents("Wait!!! Who?"), ["Wait!!!", "Who?"]);
    }

    #[test]
    fn closing_quotes_and_brackets_belong_to_the_sentence() {
        assert_eq!(
            sents("He said \"Stop.\" Then he left."),
            ["He said \"Stop.\"", "Then he left."]
        );
        assert_eq!(
            sents("(This is an aside.) Next one."),
            ["(This is an aside.)", "Next one."]
        );
        assert_eq!(sents("«Bonjour !» Il part."), ["«Bonjour !»", "Il part."]);
        assert_eq!(
            sents("Il dit « Bonjour ! » Puis rien."),
            ["Il dit « Bonjour ! »", "Puis rien."]
        );
        assert_eq!(
            sents("It was **done.** Next."),
            ["It was **done.**", "Next."]
        );
    }

    #[test]
    fn next_sentence_may_start_with_quote_or_digit() {
        assert_eq!(
            sents("He left. \"Bye,\" she said."),
            ["He left.", "\"Bye,\" she said."]
        );
        assert_eq!(
            sents("It ended in 1990. 2000 was new."),
            ["It ended in 1990.", "2000 was new."]
        );
    }

    #[test]
    fn no_split_before_lowercase() {
        assert_eq!(sents("\"Wow!\" she said."), ["\"Wow!\" she said."]);
        assert_eq!(sents("Where? nowhere."), ["Where? nowhere."]);
        assert_eq!(sents("It is approx. five."), ["It is approx. five."]);
        // ...but a camel-cased brand is not a lowercase continuation.
        assert_eq!(sents("I left. iPhones sold."), ["I left.", "iPhones sold."]);
    }

    // --- abbreviations ----------------------------------------------------

    #[test]
    fn titles_never_end_a_sentence() {
        assert_eq!(
            sents("Mr. Smith met Dr. Jones and Mrs. Brown at St. Mary's. They talked."),
            [
                "Mr. Smith met Dr. Jones and Mrs. Brown at St. Mary's.",
                "They talked."
            ]
        );
        assert_eq!(sents("Dr. Who? Dr. No."), ["Dr. Who?", "Dr. No."]);
        // Street and name suffixes end a sentence before a sentence opener.
        assert_eq!(
            sents("He lives on Main St. He likes it."),
            ["He lives on Main St.", "He likes it."]
        );
        assert_eq!(sents("Visit St. Louis soon."), ["Visit St. Louis soon."]);
        assert_eq!(
            sents("Prof. Green and Ms. White came."),
            ["Prof. Green and Ms. White came."]
        );
        assert_eq!(
            sents("Martin Luther King Jr. Day is soon."),
            ["Martin Luther King Jr. Day is soon."]
        );
        assert_eq!(
            sents("El Sr. García y la Sra. López."),
            ["El Sr. García y la Sra. López."]
        );
        // Lowercase "rep." is the word, not the title.
        assert_eq!(
            sents("One more rep. Then rest."),
            ["One more rep.", "Then rest."]
        );
    }

    #[test]
    fn latin_connectives_never_end_a_sentence() {
        assert_eq!(
            sents("Fruit, e.g. Apples, i.e. Red ones, vs. Pears. Done."),
            ["Fruit, e.g. Apples, i.e. Red ones, vs. Pears.", "Done."]
        );
        assert_eq!(
            sents("Roe v. Wade was decided."),
            ["Roe v. Wade was decided."]
        );
    }

    #[test]
    fn number_abbreviations() {
        assert_eq!(
            sents("See Fig. 3 and No. 5 for details."),
            ["See Fig. 3 and No. 5 for details."]
        );
        assert_eq!(sents("Read Vol. II now."), ["Read Vol. II now."]);
        assert_eq!(sents("No. I disagree."), ["No.", "I disagree."]);
        assert_eq!(
            sents("\"No.\" She turned away."),
            ["\"No.\"", "She turned away."]
        );
    }

    #[test]
    fn general_abbreviations_end_before_uppercase() {
        assert_eq!(
            sents("We bought apples, pears, etc. The store closed."),
            ["We bought apples, pears, etc.", "The store closed."]
        );
        assert_eq!(
            sents("Apples, pears, etc. and more."),
            ["Apples, pears, etc. and more."]
        );
        assert_eq!(
            sents("We met at 9 a.m. The day was long."),
            ["We met at 9 a.m.", "The day was long."]
        );
        assert_eq!(
            sents("We met at 9 a.m. on Monday."),
            ["We met at 9 a.m. on Monday."]
        );
        assert_eq!(
            sents("He works at Acme Inc. She works at home."),
            ["He works at Acme Inc.", "She works at home."]
        );
        assert_eq!(
            sents("Acme Inc. announced results."),
            ["Acme Inc. announced results."]
        );
        assert_eq!(sents("Due Jan. 5 at noon."), ["Due Jan. 5 at noon."]);
        assert_eq!(
            sents("She has a Ph.D. He does not."),
            ["She has a Ph.D.", "He does not."]
        );
        assert_eq!(sents("Ends with etc."), ["Ends with etc."]);
    }

    #[test]
    fn initialisms_end_only_before_sentence_openers() {
        assert_eq!(
            sents("He moved to the U.S. He liked it."),
            ["He moved to the U.S.", "He liked it."]
        );
        assert_eq!(
            sents("The U.S. Army is large."),
            ["The U.S. Army is large."]
        );
        assert_eq!(
            sents("Washington, D.C. The capital."),
            ["Washington, D.C.", "The capital."]
        );
        assert_eq!(
            sents("The U.K. Parliament sat."),
            ["The U.K. Parliament sat."]
        );
    }

    #[test]
    fn single_initials() {
        assert_eq!(
            sents("J. R. R. Tolkien wrote books. John F. Kennedy was president."),
            [
                "J. R. R. Tolkien wrote books.",
                "John F. Kennedy was president."
            ]
        );
        assert_eq!(sents("A. A. Milne wrote it."), ["A. A. Milne wrote it."]);
        assert_eq!(
            sents("He met Malcolm X. He spoke."),
            ["He met Malcolm X.", "He spoke."]
        );
        assert_eq!(
            sents("Take vitamin C. It helps."),
            ["Take vitamin C.", "It helps."]
        );
    }

    // --- things that look like periods ----------------------------------

    #[test]
    fn decimals_and_versions() {
        assert_eq!(
            sents("Pi is 3.14 and e is 2.718. Version v1.2.3 is out."),
            ["Pi is 3.14 and e is 2.718.", "Version v1.2.3 is out."]
        );
        assert_eq!(
            sents("It costs $1,234.56 today."),
            ["It costs $1,234.56 today."]
        );
        assert_eq!(
            sents("Costs rose 4.5. Then fell."),
            ["Costs rose 4.5.", "Then fell."]
        );
    }

    #[test]
    fn ellipsis() {
        assert_eq!(
            sents("I was thinking... maybe not."),
            ["I was thinking... maybe not."]
        );
        assert_eq!(
            sents("I was thinking… maybe not."),
            ["I was thinking… maybe not."]
        );
        assert_eq!(
            sents("I was thinking... Maybe not."),
            ["I was thinking...", "Maybe not."]
        );
        assert_eq!(sents("Wait . . . What?"), ["Wait . . .", "What?"]);
        assert_eq!(sents("Wait . . . what?"), ["Wait . . . what?"]);
    }

    #[test]
    fn urls_and_emails() {
        assert_eq!(
            sents("Visit example.com/a.b or mail john.doe@mail.com for info."),
            ["Visit example.com/a.b or mail john.doe@mail.com for info."]
        );
        assert_eq!(
            sents("See https://x.org/v1.2/?q=a.b. Then go."),
            ["See https://x.org/v1.2/?q=a.b.", "Then go."]
        );
        assert_eq!(
            sents("Go to example.com. Then log in."),
            ["Go to example.com.", "Then log in."]
        );
        assert_eq!(sents("Hello.World is a name."), ["Hello.World is a name."]);
    }

    // --- line structure -------------------------------------------------

    #[test]
    fn numbered_lists() {
        assert_eq!(
            sents("Steps:\n1. First step\n2. Second step.\n3) Third"),
            ["Steps:", "1. First step", "2. Second step.", "3) Third"]
        );
        assert_eq!(sents("1. Only item"), ["1. Only item"]);
        // Not at the start of a line: an ordinary number ending a sentence.
        assert_eq!(
            sents("I counted to 5. Then stopped."),
            ["I counted to 5.", "Then stopped."]
        );
    }

    #[test]
    fn bullets() {
        assert_eq!(
            sents("Items:\n- apples\n- pears\n• plums"),
            ["Items:", "apples", "pears", "plums"]
        );
        let text = "List\n* one";
        let segs = split_sentences(text);
        assert_eq!(segs[1].start, text.find("one").unwrap());
        // A dash inside a line is not a bullet.
        assert_eq!(sents("apples - pears"), ["apples - pears"]);
    }

    #[test]
    fn paragraph_breaks() {
        let text = "Title\n\nBody text here\r\n\r\nMore";
        assert_eq!(sents(text), ["Title", "Body text here", "More"]);
        let kinds: Vec<_> = split_sentences(text).iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [Boundary::Sentence, Boundary::Sentence, Boundary::End]
        );
        assert_eq!(sents("a\n  \nb"), ["a", "b"]);
        // A single line break is just a space (hard-wrapped prose).
        assert_eq!(sents("line one\nline two"), ["line one\nline two"]);
        assert_eq!(sents("He said.\nthen left"), ["He said.\nthen left"]);
    }

    #[test]
    fn markdown_headings() {
        assert_eq!(
            sents("# Title\nSome text.\n## Sub\nMore"),
            ["Title", "Some text.", "Sub", "More"]
        );
        assert_eq!(sents("Issue #5 is open."), ["Issue #5 is open."]);
    }

    #[test]
    fn non_breaking_space_glues() {
        assert_eq!(sents("Hello.\u{a0}World."), ["Hello.\u{a0}World."]);
        assert_eq!(sents("Hello. World."), ["Hello.", "World."]);
    }

    // --- scripts --------------------------------------------------------

    #[test]
    fn spanish_inverted_marks() {
        assert_eq!(
            sents("¿Cómo estás? ¡Muy bien! Gracias."),
            ["¿Cómo estás?", "¡Muy bien!", "Gracias."]
        );
        assert_eq!(sents("¿Dónde? preguntó él."), ["¿Dónde? preguntó él."]);
        assert_eq!(sents("Vino. —Hola, dijo."), ["Vino.", "—Hola, dijo."]);
    }

    #[test]
    fn cjk_without_spaces() {
        assert_eq!(
            sents("你好。我很好！你呢？"),
            ["你好。", "我很好！", "你呢？"]
        );
        assert_eq!(sents("「はい。」そうです。"), ["「はい。」", "そうです。"]);
        assert_eq!(sents("他说：你好。。。好吧"), ["他说：你好。。。", "好吧"]);
    }

    #[test]
    fn multibyte_ranges() {
        let text = "Café au lait. Ça va? 😀 Sí, señor. 日本語です。";
        let segs = split_sentences(text);
        assert_eq!(
            sents(text),
            ["Café au lait.", "Ça va?", "😀 Sí, señor.", "日本語です。"]
        );
        for s in &segs {
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
    }

    // --- dropping and trimming ------------------------------------------

    #[test]
    fn drops_unspeakable_segments() {
        assert!(split_sentences("!").is_empty());
        assert!(split_sentences("...").is_empty());
        assert!(split_sentences("   \n\n  ").is_empty());
        assert!(split_sentences("").is_empty());
        assert_eq!(sents("Hi. ... Bye."), ["Hi. ...", "Bye."]);
        assert_eq!(sents("Hi.\n\n—\n\nBye."), ["Hi.", "Bye."]);
        assert_eq!(sents("Price: $5. 😀"), ["Price: $5.", "😀"]);
    }

    #[test]
    fn trims_whitespace() {
        let text = "  Hello.  \n ";
        let segs = split_sentences(text);
        assert_eq!(
            segs,
            [Segment {
                start: 2,
                end: 8,
                kind: Boundary::Sentence
            }]
        );
    }

    // --- clauses --------------------------------------------------------

    #[test]
    fn clauses_split_at_clause_punctuation() {
        assert_eq!(
            clauses("Hello, world; this is: a test — really."),
            [
                ("Hello,", Some(',')),
                ("world;", Some(';')),
                ("this is:", Some(':')),
                ("a test —", Some('—')),
                ("really.", Some('.')),
            ]
        );
        let segs = split_clauses("One, two");
        assert_eq!(segs[0].0.kind, Boundary::Clause);
        assert_eq!(segs[1].0.kind, Boundary::End);
        assert_eq!(segs[1].1, None);
    }

    #[test]
    fn clauses_keep_numbers_times_urls_and_ranges() {
        assert_eq!(
            clauses("It costs 1,234 at 3:30 on http://x.y"),
            [("It costs 1,234 at 3:30 on http://x.y", None)]
        );
        assert_eq!(
            clauses("From 1990–2000 it grew."),
            [("From 1990–2000 it grew.", Some('.'))]
        );
        assert_eq!(
            clauses("A well-known fact."),
            [("A well-known fact.", Some('.'))]
        );
    }

    #[test]
    fn clauses_unspaced_dashes_and_cjk() {
        assert_eq!(
            clauses("He came—finally—home."),
            [
                ("He came—", Some('—')),
                ("finally—", Some('—')),
                ("home.", Some('.'))
            ]
        );
        assert_eq!(
            clauses("我很好，你呢？"),
            [("我很好，", Some(',')), ("你呢？", Some('?'))]
        );
        assert_eq!(
            clauses("\"Wow!\" she said."),
            [("\"Wow!\"", Some('!')), ("she said.", Some('.'))]
        );
        assert_eq!(
            clauses("—Hola, dijo."),
            [("—Hola,", Some(',')), ("dijo.", Some('.'))]
        );
        assert_eq!(clauses("Yes -- no"), [("Yes --", Some('—')), ("no", None)]);
        assert_eq!(clauses("Mr. Smith came."), [("Mr. Smith came.", Some('.'))]);
        assert_eq!(clauses("Really?!"), [("Really?!", Some('?'))]);
    }

    #[test]
    fn clause_offsets_are_relative_to_the_sentence() {
        let text = "Skip. Hi, there.";
        let s = split_sentences(text)[1];
        let sentence = s.text(text);
        let cl = split_clauses(sentence);
        assert_eq!(cl[1].0.text(sentence), "there.");
        assert_eq!(
            &text[s.start + cl[1].0.start..s.start + cl[1].0.end],
            "there."
        );
    }

    // --- chunking -------------------------------------------------------

    #[test]
    fn short_sentences_are_untouched() {
        let text = "One. Two, three. Four";
        assert_eq!(chunk(text, 100), split_sentences(text));
    }

    #[test]
    fn chunk_prefers_clause_punctuation() {
        let text = "The quick brown fox jumps high, and the lazy dog sleeps on the warm mat.";
        let got = chunks(text, 50);
        assert_eq!(
            got,
            [
                "The quick brown fox jumps high,",
                "and the lazy dog sleeps on the warm mat."
            ]
        );
        let kinds: Vec<_> = chunk(text, 50).iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [Boundary::Clause, Boundary::Sentence]);
    }

    #[test]
    fn chunk_uses_every_clause_when_pieces_are_small() {
        let text = "It was the best of times, it was the worst of times, it was the age of \
                    wisdom, it was the age of foolishness, it was the epoch of belief.";
        let got = chunks(text, 40);
        assert_eq!(
            got,
            [
                "It was the best of times,",
                "it was the worst of times,",
                "it was the age of wisdom,",
                "it was the age of foolishness,",
                "it was the epoch of belief."
            ]
        );
    }

    #[test]
    fn chunk_prefers_conjunctions_over_bare_spaces() {
        let text = "we walked down the long road home because the buses were not running tonight";
        let got = chunks(text, 60);
        assert_eq!(
            got,
            [
                "we walked down the long road home",
                "because the buses were not running tonight"
            ]
        );
        assert_eq!(chunk(text, 60)[0].kind, Boundary::Phrase);
        assert_eq!(chunk(text, 60)[1].kind, Boundary::End);
    }

    #[test]
    fn chunk_falls_back_to_spaces_and_balances() {
        let text = "aaaa bbbb cccc dddd eeee ffff gggg hhhh";
        let got = chunks(text, 20);
        assert_eq!(got, ["aaaa bbbb cccc dddd", "eeee ffff gggg hhhh"]);
        // 3 pieces needed: roughly equal thirds, not 20 + 20 + tail.
        let text = "aa bb cc dd ee ff gg hh ii jj kk ll mm nn oo";
        let got = chunks(text, 20);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|c| c.len() >= 11), "{got:?}");
    }

    #[test]
    fn chunk_keeps_long_words_whole() {
        let url = "https://example.com/a/very/long/path/that/goes/on/and/on";
        let text = format!("See {url} now.");
        let got = chunks(&text, 10);
        assert_eq!(got, ["See", url, "now."]);
        assert_eq!(chunks("supercalifragilistic", 5), ["supercalifragilistic"]);
    }

    #[test]
    fn chunk_respects_nbsp_and_quotes() {
        let text = "Mr.\u{a0}Smith went home «quickly»";
        for c in chunks(text, 8) {
            assert!(c != "Smith" && c != "»" && !c.starts_with('»'), "{c:?}");
        }
    }

    #[test]
    fn chunk_zero_max_does_not_panic() {
        assert_eq!(chunks("a b", 0), ["a", "b"]);
    }

    // --- properties -----------------------------------------------------

    /// Characters that exercise the rules, mixed with arbitrary ones.
    fn text_strategy() -> impl Strategy<Value = String> {
        let interesting = prop::sample::select(vec![
            "a", "Z", "I", "é", "Ç", "😀", "中", "日", "1", "9", " ", " ", " ", "\n", "\n\n",
            "\r\n", "\u{a0}", "\t", ".", ".", "!", "?", "…", "...", ",", ";", ":", "—", "–", "-",
            "\"", "'", "(", ")", "«", "»", "¿", "¡", "。", "，", "！", "「", "」", "#", "*", "•",
            "Mr.", "etc.", "U.S.", "J.", "3.14", "e.g.", "1.", "a)", "No.", "and ", "because ",
            "x@y.com", "\u{200b}", "\u{301}", "A", "b",
        ]);
        let piece = prop_oneof![
            3 => interesting.prop_map(str::to_owned),
            1 => any::<char>().prop_map(|c| c.to_string()),
        ];
        prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
    }

    fn is_word_char(c: char) -> bool {
        c.is_alphanumeric()
    }

    /// Invariants every segmentation must satisfy.
    fn check_segments(text: &str, segs: &[Segment]) {
        let mut prev_end = 0;
        for s in segs {
            assert!(s.start < s.end, "empty segment {s:?}");
            assert!(s.start >= prev_end, "overlap/order {s:?}");
            assert!(s.end <= text.len());
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            let t = s.text(text);
            assert_eq!(t, t.trim(), "untrimmed {t:?}");
            assert!(has_speakable(t), "nothing to speak in {t:?}");
            // Never between two letters/digits.
            let before = text[..s.start].chars().next_back();
            let after = text[s.end..].chars().next();
            assert!(
                !(before.is_some_and(is_word_char) && t.starts_with(is_word_char)),
                "{t:?}"
            );
            assert!(
                !(after.is_some_and(is_word_char) && t.ends_with(is_word_char)),
                "{t:?}"
            );
            prev_end = s.end;
        }
        // Nothing speakable is lost.
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() {
                assert!(
                    segs.iter().any(|s| s.start <= i && i < s.end),
                    "lost {c:?} at {i} in {text:?}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn prop_sentences(text in text_strategy()) {
            check_segments(&text, &split_sentences(&text));
        }

        #[test]
        fn prop_sentences_arbitrary(text in any::<String>()) {
            check_segments(&text, &split_sentences(&text));
        }

        #[test]
        fn prop_chunks(text in text_strategy(), max in 0usize..40) {
            let segs = chunk(&text, max);
            check_segments(&text, &segs);
            let sentences = split_sentences(&text);
            for s in &segs {
                // Within one sentence.
                prop_assert!(sentences.iter().any(|x| x.start <= s.start && s.end <= x.end));
                // Over the limit only if there was nowhere to break.
                let t = s.text(&text);
                if t.chars().count() > max.max(1) {
                    prop_assert!(
                        !t.chars().any(|c| c.is_whitespace() && !is_nonbreaking_space(c)),
                        "breakable chunk {:?} over {}", t, max
                    );
                }
            }
        }

        #[test]
        fn prop_clauses(text in text_strategy()) {
            let cl = split_clauses(&text);
            let segs: Vec<Segment> = cl.iter().map(|(s, _)| *s).collect();
            check_segments(&text, &segs);
        }
    }

    // --- performance ----------------------------------------------------

    fn assert_fast(what: &str, limit: Duration, f: impl FnOnce()) {
        let t = Instant::now();
        f();
        let took = t.elapsed();
        eprintln!("{what}: {took:?}");
        assert!(took < limit, "{what} took {took:?}");
    }

    #[test]
    fn linear_time_on_degenerate_inputs() {
        let n = 200_000;
        let inputs = [
            ("no punctuation", "word ".repeat(n / 5)),
            ("only periods", ".".repeat(n)),
            ("spaced periods", ". ".repeat(n / 2)),
            ("one long token", "a.".repeat(n / 2)),
            ("abbreviations", "Mr. ".repeat(n / 4)),
            ("openers", "(".repeat(n)),
            ("commas", "a, ".repeat(n / 3)),
            ("newlines", "a\n".repeat(n / 2)),
            ("cjk", "你好。".repeat(n / 9)),
        ];
        for (what, text) in &inputs {
            assert_fast(what, Duration::from_secs(2), || {
                let s = split_sentences(text);
                let c = chunk(text, 200);
                assert!(s.len() <= c.len() || c.is_empty());
            });
        }
    }

    #[test]
    fn one_megabyte_of_prose() {
        let para = "Mr. Smith arrived at 9 a.m. on Jan. 5, e.g. before the U.S. Army did. \
                    \"Really?!\" she asked... He nodded; the rest — as they say — is history, \
                    and v1.2.3 costs $1,234.56 at example.com/a.b today. ¿Qué? ¡Nada! 你好。\n\n";
        let text = para.repeat(1_000_000 / para.len() + 1);
        assert_fast("1 MB", Duration::from_secs(5), || {
            let s = split_sentences(&text);
            assert!(s.len() > 10_000);
            let c = chunk(&text, 40);
            assert!(c.len() >= s.len());
        });
    }
}
