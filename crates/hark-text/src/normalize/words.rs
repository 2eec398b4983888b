//! Rules that start at a word or a symbol: abbreviations and titles,
//! dotted and plain initialisms, Roman numerals, weekday abbreviations,
//! URLs and e-mail addresses, and the default handling of punctuation and
//! symbols.

use super::lex::Kind;
use super::numwords::{
    digits_words, en_cardinal, en_digit, en_ordinal, es_cardinal, es_digit, es_ordinal, Gender,
};
use super::tables::{self, AbbrKind};
use super::{Cx, Lang};

/// Value of a Roman numeral in canonical form (`XIV`, not `XIIII` or
/// `IC`), 1..=3999.
fn roman_value(w: &str) -> Option<u64> {
    if w.is_empty() || w.len() > 15 {
        return None;
    }
    let val = |c: char| match c {
        'I' => Some(1u64),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let vals: Vec<u64> = w.chars().map(val).collect::<Option<_>>()?;
    let mut total = 0i64;
    for (k, &v) in vals.iter().enumerate() {
        let v = v as i64;
        match vals.get(k + 1) {
            Some(&next) if next as i64 > v => total -= v,
            _ => total += v,
        }
    }
    let total = u64::try_from(total).ok()?;
    // Only the canonical spelling round-trips.
    (total > 0 && total < 4000 && to_roman(total) == w).then_some(total)
}

fn to_roman(mut n: u64) -> String {
    const T: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Uppercase letters (any script) and apostrophes only: `DON'T`.
fn is_all_caps_word(w: &str) -> bool {
    w.chars().any(char::is_uppercase)
        && w.chars().all(|c| c.is_uppercase() || c == '\'' || c == '’')
}

fn is_all_caps(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase())
}

impl Cx<'_> {
    /// Handles a word token; returns the next token index.
    pub(super) fn word(&mut self, i: usize) -> usize {
        let w = self.text(i);
        if tables::currency_code(w).is_some() || tables::dollar_prefix(w).is_some() {
            if let Some(n) = self.numeric(i) {
                return n;
            }
        }
        let rules: [fn(&mut Self, usize) -> Option<usize>; 9] = [
            Self::dotted,
            Self::dr_st,
            Self::abbreviation,
            Self::month_word,
            Self::weekday,
            Self::roman,
            Self::with_slash,
            Self::times_x,
            Self::initialism,
        ];
        for rule in rules {
            if let Some(n) = rule(self, i) {
                return n;
            }
        }
        let span = self.span(i, i + 1);
        let w = self.text(i).to_string();
        self.out.word(&w, span);
        i + 1
    }

    fn month_word(&mut self, i: usize) -> Option<usize> {
        if self.lang == Lang::En {
            self.month_date(i)
        } else {
            None
        }
    }

    /// Whether the period at `dot` is the last thing on its line.
    fn at_end(&self, dot: usize) -> bool {
        match self.tok(dot + 1) {
            None => true,
            Some(t) if t.kind == Kind::Space => t.breaks > 0 || self.tok(dot + 2).is_none(),
            _ => false,
        }
    }

    /// Writes the period after an abbreviation if it also ends the
    /// sentence.
    fn abbr_period(&mut self, dot: usize, kind: AbbrKind) {
        let ends = match kind {
            AbbrKind::Final => self.period_ends_sentence(dot, true),
            AbbrKind::WeakFinal => self.period_ends_sentence(dot, false),
            AbbrKind::Plain => self.at_end(dot),
            AbbrKind::Title | AbbrKind::BeforeNum => false,
        };
        if ends {
            self.out.punct(".");
        }
    }

    /// Spells letters as separate words (`FBI` "f b i").
    fn spell(&mut self, letters: &str, span: std::ops::Range<usize>) {
        for c in letters.chars().filter(|c| c.is_alphabetic()) {
            let l = tables::letter(self.lang, c);
            self.out.word(&l, span.clone());
        }
    }

    /// Dotted abbreviations and initialisms: `e.g.`, `i.e.`, `U.S.`,
    /// `Ph.D.`, `a.m.`, Spanish `EE. UU.`, `p. ej.`, and single initials
    /// before a name (`John F. Kennedy`).
    fn dotted(&mut self, i: usize) -> Option<usize> {
        let part = |cx: &Self, j: usize| {
            cx.is(j, Kind::Word) && {
                let t = cx.text(j);
                t.chars().count() <= 3 && t.chars().all(char::is_alphabetic)
            }
        };
        if !part(self, i) {
            return None;
        }
        // (word token, dot token if any)
        let mut parts: Vec<(usize, Option<usize>)> = Vec::new();
        let mut adjacent_parts = 0;
        let mut spaced = false;
        let mut j = i;
        while parts.len() < 8 && part(self, j) {
            if self.is_punct(j + 1, '.') && !self.is_punct(j + 2, '.') {
                parts.push((j, Some(j + 1)));
                if !spaced {
                    adjacent_parts = parts.len();
                }
                if part(self, j + 2) {
                    j += 2;
                } else if let Some(n) = self.sp(j + 2).filter(|&n| {
                    part(self, n) && self.text(n).chars().count() <= 2 && self.is_punct(n + 1, '.')
                }) {
                    spaced = true;
                    j = n;
                } else {
                    break;
                }
            } else {
                // "e.g" without its last period.
                if !parts.is_empty() && !spaced && !self.is(j + 1, Kind::Num) {
                    parts.push((j, None));
                    adjacent_parts = parts.len();
                }
                break;
            }
        }
        let key = |ps: &[(usize, Option<usize>)]| -> String {
            ps.iter()
                .map(|&(w, _)| self.text(w).to_lowercase())
                .collect()
        };
        let end_of = |ps: &[(usize, Option<usize>)]| {
            ps.last()
                .map_or(i + 1, |&(w, d)| d.map_or(w + 1, |d| d + 1))
        };
        let known = tables::dotted(self.lang, &key(&parts));
        let parts = if known.is_some() {
            &parts[..]
        } else {
            &parts[..adjacent_parts.min(parts.len())]
        };
        let known = known.or_else(|| tables::dotted(self.lang, &key(parts)));
        let end = end_of(parts);
        let last_dot = parts.last().and_then(|p| p.1);
        if let Some((exp, kind)) = known {
            let span = self.span(i, end);
            self.out.words(exp, span);
            if let Some(d) = last_dot {
                self.abbr_period(d, kind);
            }
            return Some(end);
        }
        match parts.len() {
            0 => None,
            1 => {
                // A single capital initial before a name: "F." in "John F.
                // Kennedy" is the letter, and its period no sentence end.
                let w = self.text(i);
                let d = last_dot?;
                let single_cap = w.chars().count() == 1 && w.starts_with(char::is_uppercase);
                let n = self.sp(d + 1)?;
                if single_cap
                    && self.is_capitalized(n)
                    && !tables::is_opener(self.lang, self.text(n))
                {
                    let span = self.span(i, d + 1);
                    let w = w.to_string();
                    self.spell(&w, span);
                    Some(d + 1)
                } else {
                    None
                }
            }
            _ => {
                let letters: String = parts.iter().map(|&(w, _)| self.text(w)).collect();
                let span = self.span(i, end);
                self.spell(&letters, span);
                if let Some(d) = last_dot {
                    self.abbr_period(d, AbbrKind::WeakFinal);
                }
                Some(end)
            }
        }
    }

    /// English `Dr.` (doctor or drive) and `St.` (saint or street).
    fn dr_st(&mut self, i: usize) -> Option<usize> {
        let w = self.text(i);
        if self.lang != Lang::En || !(w == "Dr" || w == "St") {
            return None;
        }
        let dr = w == "Dr";
        let has_dot = self.is_punct(i + 1, '.') && !self.is_punct(i + 2, '.');
        let end = if has_dot { i + 2 } else { i + 1 };
        let next = self.next_nonspace(end);
        let next_cap = next.is_some_and(|n| self.is_capitalized(n));
        let next_opener =
            next_cap && next.is_some_and(|n| tables::is_opener(Lang::En, self.text(n)));
        let prev = self.prev_nonspace(i);
        let prev_cap = prev.is_some_and(|p| self.is_capitalized(p));
        let prev_num = prev.is_some_and(|p| {
            self.is(p, Kind::Num)
                || (p > 0 && self.is(p - 1, Kind::Num) && {
                    let s = self.text(p).to_ascii_lowercase();
                    matches!(s.as_str(), "st" | "nd" | "rd" | "th")
                })
        });
        let (exp, street) = if dr {
            if next_cap && !next_opener {
                ("doctor", false)
            } else if prev_cap || prev_num {
                ("drive", true)
            } else if has_dot {
                ("doctor", false)
            } else {
                return None;
            }
        } else if prev_num {
            ("street", true)
        } else if next_cap && !(prev_cap && next_opener) {
            ("saint", false)
        } else if has_dot || prev_cap {
            ("street", true)
        } else {
            return None;
        };
        let span = self.span(i, end);
        self.out.word(exp, span);
        if has_dot && street {
            self.abbr_period(i + 1, AbbrKind::WeakFinal);
        }
        Some(end)
    }

    /// Abbreviations from the language's table (`Mr.`, `etc.`, `No. 5`).
    fn abbreviation(&mut self, i: usize) -> Option<usize> {
        let a = tables::abbr(self.lang, self.text(i))?;
        let has_dot = self.is_punct(i + 1, '.') && !self.is_punct(i + 2, '.');
        if !has_dot && !a.bare {
            return None;
        }
        // A bare form must stand alone ("vs" but not "vs/").
        if !has_dot && matches!(self.kind(i + 1), Some(Kind::Punct)) && !self.is_punct(i + 1, ',') {
            return None;
        }
        let end = if has_dot { i + 2 } else { i + 1 };
        let next = self.next_nonspace(end);
        let ok = match a.kind {
            AbbrKind::Title => next.is_some_and(|n| self.is_capitalized(n)),
            AbbrKind::BeforeNum => next.is_some_and(|n| self.is(n, Kind::Num)),
            _ => true,
        };
        if !ok {
            return None;
        }
        let span = self.span(i, end);
        self.out.words(a.exp, span);
        if has_dot {
            self.abbr_period(i + 1, a.kind);
        }
        Some(end)
    }

    /// English weekday abbreviations in a date: `Mon., March 3`.
    fn weekday(&mut self, i: usize) -> Option<usize> {
        if self.lang != Lang::En {
            return None;
        }
        let w = self.text(i);
        let (_, full) = tables::WEEKDAYS_EN.iter().find(|(a, _)| *a == w)?;
        if !self.is_punct(i + 1, '.') {
            return None;
        }
        let in_date = self.is_punct(i + 2, ',')
            || self.sp(i + 2).is_some_and(|n| {
                self.is(n, Kind::Num) || tables::month(Lang::En, self.text(n)).is_some()
            });
        if !in_date {
            return None;
        }
        let span = self.span(i, i + 2);
        self.out.word(full, span);
        Some(i + 2)
    }

    /// Roman numerals in context (see [`super::normalize`]).
    fn roman(&mut self, i: usize) -> Option<usize> {
        let w = self.text(i);
        if self.lang == Lang::En && (w == "WWII" || w == "WWI") {
            let words = if w == "WWII" {
                "world war two"
            } else {
                "world war one"
            };
            let span = self.span(i, i + 1);
            self.out.words(words, span);
            return Some(i + 1);
        }
        let v = roman_value(w)?;
        let single = w.len() == 1;
        let small =
            w.len() >= 2 && w.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')) && v <= 89;
        let prev = self.prev_nonspace(i).filter(|&p| self.is(p, Kind::Word));
        let prev_text = prev.map(|p| self.text(p)).unwrap_or("");
        let prev_cap = prev.is_some_and(|p| self.is_capitalized(p));
        let span = self.span(i, i + 1);
        // Spanish "la II Guerra Mundial": a feminine ordinal before the noun.
        if self.lang == Lang::Es && v <= 10 {
            if let Some(n) = self.sp(i + 1) {
                if self.text(n) == "Guerra" {
                    let words = es_ordinal(v, Gender::Fem);
                    self.out.words(&words, span);
                    return Some(i + 1);
                }
            }
        }
        let words = if tables::is_roman_cue(self.lang, prev_text) {
            if single && !prev_cap {
                return None;
            }
            self.cardinal_words(v)
        } else if prev_cap && tables::is_regnal_name(prev_text) {
            match self.lang {
                Lang::En => format!("the {}", en_ordinal(v)),
                Lang::Es => {
                    #[rustfmt::skip]
                    const FEM: &[&str] = &[
                        "isabel", "maría", "juana", "catalina", "ana", "carlota", "mary",
                        "elizabeth", "victoria", "anne", "catherine",
                    ];
                    let fem = FEM.contains(&prev_text.to_lowercase().as_str());
                    if v <= 10 {
                        es_ordinal(v, if fem { Gender::Fem } else { Gender::Masc })
                    } else {
                        es_cardinal(v, Gender::Masc)
                    }
                }
            }
        } else if prev_cap && small && !is_all_caps(prev_text) {
            self.cardinal_words(v)
        } else {
            return None;
        };
        self.out.words(&words, span);
        Some(i + 1)
    }

    fn cardinal_words(&self, v: u64) -> String {
        match self.lang {
            Lang::En => en_cardinal(v),
            Lang::Es => es_cardinal(v, Gender::Masc),
        }
    }

    /// English `w/` "with" and `w/o` "without".
    fn with_slash(&mut self, i: usize) -> Option<usize> {
        if self.lang != Lang::En
            || !self.text(i).eq_ignore_ascii_case("w")
            || !self.is_punct(i + 1, '/')
        {
            return None;
        }
        if self.is(i + 2, Kind::Word) && self.text(i + 2).eq_ignore_ascii_case("o") {
            let span = self.span(i, i + 3);
            self.out.word("without", span);
            return Some(i + 3);
        }
        if self.is(i + 2, Kind::Word) || self.is(i + 2, Kind::Num) {
            return None;
        }
        let span = self.span(i, i + 2);
        self.out.word("with", span);
        Some(i + 2)
    }

    /// `x` glued to a number: "4x4" "four by four", "2.5x faster" "two
    /// point five times faster".
    fn times_x(&mut self, i: usize) -> Option<usize> {
        let w = self.text(i);
        if !(w == "x" || w == "X") || !(self.touches_prev(i) && i > 0 && self.is(i - 1, Kind::Num))
        {
            return None;
        }
        let en = self.lang == Lang::En;
        let word = if self.is(i + 1, Kind::Num) {
            if en {
                "by"
            } else {
                "por"
            }
        } else if matches!(self.kind(i + 1), Some(Kind::Word | Kind::Url)) {
            return None;
        } else if en {
            "times"
        } else {
            "veces"
        };
        let span = self.span(i, i + 1);
        self.out.word(word, span);
        Some(i + 1)
    }

    /// Up to two word tokens on each side of `i`, looking at most six
    /// tokens away (so the window is constant).
    fn nearby_words(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(4);
        let lo = i.saturating_sub(6);
        out.extend((lo..i).rev().filter(|&j| self.is(j, Kind::Word)).take(2));
        out.extend((i + 1..i + 7).filter(|&j| self.is(j, Kind::Word)).take(2));
        out
    }

    /// All-caps words: initialisms spelled, acronyms and shouting read.
    fn initialism(&mut self, i: usize) -> Option<usize> {
        let w = self.text(i);
        if w == "PhD" || w == "PhDs" {
            let span = self.span(i, i + 1);
            self.spell("PHD", span.clone());
            if w.ends_with('s') {
                self.out.append_s();
            }
            return Some(i + 1);
        }
        let (core, plural) = match w.strip_suffix('s') {
            Some(c) if is_all_caps(c) && c.len() >= 2 => (c, true),
            _ => (w, false),
        };
        if !is_all_caps(core) || !(2..=5).contains(&core.len()) {
            return None;
        }
        if tables::is_acronym_word(self.lang, core) {
            return None;
        }
        // Shouting: all-caps text around, recognizable as such because a
        // nearby capitalized word is too long or too common to be an
        // initialism ("THIS IS GREAT", "WATCH CNN NOW", but not "9 AM EST").
        let caps = |t: &str| t.chars().count() >= 2 && is_all_caps_word(t);
        let shouted = |t: &str| caps(t) && (t.chars().count() >= 6 || tables::is_common_caps(t));
        let near = self.nearby_words(i);
        let shouting = near.iter().any(|&n| shouted(self.text(n)))
            || (tables::is_common_caps(core) && near.iter().any(|&n| caps(self.text(n))));
        // Without a vowel it cannot be said as a word ("NY", "HQ").
        let sayable = tables::is_common_caps(core)
            || core
                .chars()
                .any(|c| matches!(c, 'A' | 'E' | 'I' | 'O' | 'U'));
        let span = self.span(i, i + 1);
        if shouting && sayable && !tables::is_known_initialism(core) {
            let lw = w.to_lowercase();
            self.out.word(&lw, span);
            return Some(i + 1);
        }
        let core = core.to_string();
        self.spell(&core, span);
        if plural {
            self.out.append_s();
        }
        Some(i + 1)
    }

    // -- addresses -----------------------------------------------------------

    /// Reads a URL or e-mail address the way one would dictate it: scheme,
    /// `www.`, query and fragment dropped ("hark dot dev slash docs").
    pub(super) fn url(&mut self, i: usize) {
        let span = self.span(i, i + 1);
        let s = self.text(i).to_string();
        let email = s.contains('@') && !s.contains("://");
        let mut body = s.as_str();
        if !email {
            if let Some(p) = body.find("://") {
                body = &body[p + 3..];
            }
            if body.len() > 4
                && body
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case("www."))
            {
                body = &body[4..];
            }
            if let Some(p) = body.find(['?', '#']) {
                body = &body[..p];
            }
            body = body.trim_end_matches('/');
        }
        let host_end = if email {
            body.len()
        } else {
            body.find('/').unwrap_or(body.len())
        };
        let tld_start = body[..host_end].rfind('.').map_or(usize::MAX, |p| p + 1);
        let en = self.lang == Lang::En;
        let mut k = 0;
        let bytes = body.as_bytes();
        while k < body.len() {
            let Some(c) = body[k..].chars().next() else {
                break;
            };
            if c.is_alphabetic() {
                let len = body[k..]
                    .char_indices()
                    .find(|(_, ch)| !ch.is_alphabetic())
                    .map_or(body.len() - k, |(p, _)| p);
                let run = &body[k..k + len];
                let is_tld = k == tld_start && k + len == host_end;
                let short_tld = is_tld && run.len() == 2 && !matches!(run, "co" | "me" | "to");
                if run.chars().count() == 1 || short_tld {
                    let r = run.to_string();
                    self.spell(&r, span.clone());
                } else {
                    let lw = run.to_lowercase();
                    self.out.word(&lw, span.clone());
                }
                k += len;
                continue;
            }
            if c.is_ascii_digit() {
                let len = bytes[k..].iter().take_while(|b| b.is_ascii_digit()).count();
                let words = if en {
                    digits_words(&body[k..k + len], en_digit)
                } else {
                    digits_words(&body[k..k + len], es_digit)
                };
                self.out.words(&words, span.clone());
                k += len;
                continue;
            }
            let w = match (c, en) {
                ('.', true) => "dot",
                ('.', false) => "punto",
                ('/', true) => "slash",
                ('/', false) => "barra",
                ('@', true) => "at",
                ('@', false) => "arroba",
                ('-', true) => "dash",
                ('-', false) => "guion",
                ('_', true) => "underscore",
                ('_', false) => "guion bajo",
                (':', true) => "colon",
                (':', false) => "dos puntos",
                ('~', true) => "tilde",
                ('~', false) => "virgulilla",
                ('+', true) => "plus",
                ('+', false) => "más",
                ('=', true) => "equals",
                ('=', false) => "igual",
                ('&', true) => "and",
                ('&', false) => "y",
                _ => "",
            };
            self.out.words(w, span.clone());
            k += c.len_utf8();
        }
    }

    // -- punctuation and symbols ---------------------------------------------

    /// Whether token `j` is at the start of a line (or of the text).
    fn line_start(&self, j: usize) -> bool {
        j == 0
            || self
                .tok(j - 1)
                .is_some_and(|t| t.kind == Kind::Space && t.breaks > 0)
            || (j == 1 && self.is(0, Kind::Space))
    }

    fn spaced_between_nums(&self, j: usize) -> bool {
        let before = j >= 2 && self.is(j - 1, Kind::Space) && self.is(j - 2, Kind::Num);
        let after = self.sp(j + 1).is_some_and(|n| self.is(n, Kind::Num));
        before && after
    }

    /// Handles a punctuation or symbol token no other rule took.
    pub(super) fn punct(&mut self, i: usize) -> usize {
        let Some(c) = self.punct_char(i) else {
            return i + 1;
        };
        let en = self.lang == Lang::En;
        let span = self.span(i, i + 1);
        let touches_word = |cx: &Self, j: usize| matches!(cx.kind(j), Some(Kind::Word | Kind::Num));
        match c {
            '.' => {
                let mut n = i;
                while self.is_punct(n, '.') {
                    n += 1;
                }
                if n - i >= 2 {
                    self.out.punct("...");
                    return n;
                }
                // "file.txt", "node.js": a dot inside a name is said.
                let inside = self.touches_prev(i)
                    && i > 0
                    && touches_word(self, i - 1)
                    && touches_word(self, i + 1)
                    && !self.is_capitalized(i + 1);
                if inside {
                    self.out.word(if en { "dot" } else { "punto" }, span);
                } else {
                    self.out.punct(".");
                }
            }
            '…' => self.out.punct("..."),
            ',' | '、' | '，' | '،' => self.out.punct(","),
            '。' | '｡' => self.out.punct("."),
            ';' | '；' => self.out.punct(";"),
            ':' | '：' => {
                // "3:2" is a score or ratio.
                if self.touches_prev(i)
                    && i > 0
                    && self.is(i - 1, Kind::Num)
                    && self.is(i + 1, Kind::Num)
                {
                    self.out.word(if en { "to" } else { "a" }, span);
                } else {
                    self.out.punct(":");
                }
            }
            '!' | '！' => {
                // "![alt](src)": an image, not an exclamation.
                if !self.is_punct(i + 1, '[') {
                    self.out.punct("!");
                }
            }
            '?' | '？' => self.out.punct("?"),
            '-' | '+' | '*' if self.line_start(i) && self.is(i + 1, Kind::Space) => {
                // A list bullet.
            }
            '-' | '\u{2212}' => {
                let glued = self.touches_prev(i)
                    && i > 0
                    && !self.is(i - 1, Kind::Word)
                    && self.is(i + 1, Kind::Num);
                if self.spaced_between_nums(i) {
                    self.out.word(if en { "minus" } else { "menos" }, span);
                } else if glued {
                    // "10:00-11:00", "5 a.m.-6 p.m.": a range.
                    self.out.word(if en { "to" } else { "a" }, span);
                } else if !self.touches_prev(i)
                    || self.is_punct(i + 1, '-')
                    || self.is(i + 1, Kind::Space)
                {
                    let mut n = i;
                    while self.is_punct(n, '-') {
                        n += 1;
                    }
                    if !self.touches_prev(i) || self.is(n, Kind::Space) {
                        self.out.soft_comma();
                    }
                    return n.max(i + 1);
                }
            }
            '–' | '—' | '―' => {
                let between_nums = self.touches_prev(i)
                    && i > 0
                    && self.is(i - 1, Kind::Num)
                    && self.is(i + 1, Kind::Num);
                if between_nums {
                    self.out.word(if en { "to" } else { "a" }, span);
                } else {
                    self.out.soft_comma();
                }
            }
            // Square brackets are mostly Markdown links: no pause.
            '[' | ']' => {}
            '(' | '{' => {
                if !self.touches_prev(i) {
                    self.out.soft_comma();
                }
            }
            ')' | '}' => {
                if !matches!(self.kind(i + 1), Some(Kind::Word | Kind::Num)) {
                    self.out.soft_comma();
                }
            }
            '|' => self.out.soft_comma(),
            '/' => {
                // "$5/month", "3 calls/day".
                let per = self.touches_prev(i)
                    && self.is(i + 1, Kind::Word)
                    && tables::is_per_word(self.text(i + 1));
                if per {
                    self.out.word(if en { "per" } else { "por" }, span);
                }
            }
            '*' | '×' | '✕' if c != '*' || self.spaced_between_nums(i) => {
                self.out.word(if en { "times" } else { "por" }, span);
            }
            '<' | '>' if self.spaced_between_nums(i) => {
                let w = match (c, en) {
                    ('<', true) => "less than",
                    ('<', false) => "menor que",
                    (_, true) => "greater than",
                    (_, false) => "mayor que",
                };
                self.out.words(w, span);
            }
            _ => {
                let w = match (c, en) {
                    ('&', true) => "and",
                    ('&', false) => "y",
                    ('@', true) => "at",
                    ('@', false) => "arroba",
                    ('+', true) => "plus",
                    ('+', false) => "más",
                    ('=', true) => "equals",
                    ('=', false) => "igual a",
                    ('÷', true) => "divided by",
                    ('÷', false) => "entre",
                    ('±', true) => "plus or minus",
                    ('±', false) => "más o menos",
                    ('≈', true) => "approximately",
                    ('≈', false) => "aproximadamente",
                    ('≠', true) => "is not equal to",
                    ('≠', false) => "distinto de",
                    ('≤', true) => "less than or equal to",
                    ('≤', false) => "menor o igual que",
                    ('≥', true) => "greater than or equal to",
                    ('≥', false) => "mayor o igual que",
                    ('%', true) => "percent",
                    ('%', false) => "por ciento",
                    ('‰', true) => "per mille",
                    ('‰', false) => "por mil",
                    ('°', true) => "degrees",
                    ('°', false) => "grados",
                    ('§', true) => "section",
                    ('§', false) => "sección",
                    _ => "",
                };
                self.out.words(w, span);
            }
        }
        i + 1
    }
}
