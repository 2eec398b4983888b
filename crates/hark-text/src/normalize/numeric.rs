//! Rules that start at a number (or at a sign, currency symbol or bracket
//! right before one): phone numbers, times, dates, decades, fractions, and
//! quantities with their currency, scale, unit, percent or ordinal suffix.
//!
//! Each rule first analyzes a bounded window of tokens without writing
//! anything, and only writes once it is sure it matches, so rules can be
//! tried in order until one applies.

use std::ops::Range;

use super::lex::Kind;
use super::numwords::{
    digits_words, en_cardinal, en_digit, en_ordinal, en_plural_last, en_year, es_cardinal,
    es_digit, es_needs_de, es_ordinal, parse_small, Gender,
};
use super::tables::{self, Currency, Unit};
use super::{Cx, DateOrder, Lang};

/// A written number: the digits of its integer part with separators
/// removed, its fractional digits, and the tokens it spans.
#[derive(Debug, Clone)]
pub(super) struct NumLit {
    /// Integer digits; empty for `.5`.
    int: String,
    /// Fractional digits, if any.
    frac: Option<String>,
    /// The word for the decimal separator ("point", "coma", "punto").
    frac_word: &'static str,
    /// For `1.2.3`-style versions: every part, read joined by "dot".
    dotted: Vec<String>,
    /// Written with thousands separators.
    grouped: bool,
    first: usize,
    end: usize,
}

impl NumLit {
    fn value(&self) -> Option<u64> {
        parse_small(&self.int)
    }

    fn is_int(&self) -> bool {
        self.frac.is_none() && self.dotted.is_empty() && !self.int.is_empty()
    }

    fn is_one(&self) -> bool {
        self.is_int() && self.value() == Some(1)
    }

    /// A plain integer written with exactly `digits` digits, no separators.
    fn plain_digits(&self, digits: usize) -> Option<u64> {
        (self.is_int() && !self.grouped && self.int.len() == digits)
            .then(|| self.value())
            .flatten()
    }
}

/// What follows a quantity's number.
#[derive(Debug, Clone, Copy)]
enum Suffix {
    None,
    Percent,
    Unit(&'static Unit),
    /// `km/h`: first unit "per" second unit.
    Per(&'static Unit, &'static Unit),
    Ordinal(Gender),
}

/// A number with everything attached to it.
struct Qty {
    start: usize,
    about: bool,
    hash: bool,
    /// `Some(true)` minus, `Some(false)` plus.
    sign: Option<bool>,
    cur: Option<&'static Currency>,
    num: NumLit,
    dash: Option<usize>,
    to: Option<NumLit>,
    /// Scale (1 thousand .. 4 trillion) and its token range.
    scale: Option<(u8, Range<usize>)>,
    suffix: Suffix,
    suffix_toks: Range<usize>,
    /// A period after an abbreviated unit that also ends the sentence.
    period: bool,
    end: usize,
}

/// Whether a 4-digit value can be a year.
fn year_range(v: u64) -> bool {
    (1100..=2099).contains(&v)
}

fn two_digit_year(v: u64) -> u64 {
    if v < 50 {
        2000 + v
    } else {
        1900 + v
    }
}

impl Cx<'_> {
    /// Tries every number rule at token `i`.
    pub(super) fn numeric(&mut self, i: usize) -> Option<usize> {
        let t = self.tok(i)?;
        match t.kind {
            Kind::Num => {}
            Kind::Punct => {
                let c = self.punct_char(i)?;
                let starts = matches!(
                    c,
                    '(' | '+' | '-' | '\u{2212}' | '~' | '≈' | '#' | '\'' | '\u{2019}' | '.'
                ) || tables::currency_symbol(c).is_some();
                if !starts {
                    return None;
                }
            }
            Kind::Word => {
                let w = self.text(i);
                if tables::currency_code(w).is_none() && tables::dollar_prefix(w).is_none() {
                    return None;
                }
            }
            _ => return None,
        }
        if let Some(n) = self.phone(i) {
            return Some(n);
        }
        if let Some(n) = self.time(i) {
            return Some(n);
        }
        if let Some(n) = self.numeric_date(i) {
            return Some(n);
        }
        if self.lang == Lang::En {
            if let Some(n) = self.day_month(i) {
                return Some(n);
            }
            if let Some(n) = self.decade(i) {
                return Some(n);
            }
        }
        if let Some(n) = self.fraction(i) {
            return Some(n);
        }
        self.quantity(i)
    }

    // -- reading helpers -------------------------------------------------

    fn cardinal(&self, n: u64, g: Gender) -> String {
        match self.lang {
            Lang::En => en_cardinal(n),
            Lang::Es => es_cardinal(n, g),
        }
    }

    fn digits(&self, s: &str) -> String {
        match self.lang {
            Lang::En => digits_words(s, en_digit),
            Lang::Es => digits_words(s, es_digit),
        }
    }

    fn ordinal(&self, n: u64, g: Gender) -> String {
        match self.lang {
            Lang::En => en_ordinal(n),
            Lang::Es => es_ordinal(n, g),
        }
    }

    /// An integer written in digits: as a number, or digit by digit when it
    /// has a leading zero (`007`) or more digits than we name.
    fn int_words(&self, int: &str, grouped: bool, g: Gender) -> String {
        if int.len() > 1 && int.starts_with('0') && !grouped {
            return self.digits(int);
        }
        match parse_small(int) {
            Some(v) => self.cardinal(v, g),
            None => self.digits(int),
        }
    }

    fn frac_words(&self, f: &str) -> String {
        match self.lang {
            // "tres coma catorce": Spanish reads short decimals as a number.
            Lang::Es if f.len() <= 2 && !f.starts_with('0') => match parse_small(f) {
                Some(v) => es_cardinal(v, Gender::Masc),
                None => self.digits(f),
            },
            _ => self.digits(f),
        }
    }

    fn read_num(&self, n: &NumLit, g: Gender) -> String {
        if !n.dotted.is_empty() {
            let dot = match self.lang {
                Lang::En => " dot ",
                Lang::Es => " punto ",
            };
            return n
                .dotted
                .iter()
                .map(|p| self.int_words(p, false, Gender::Masc))
                .collect::<Vec<_>>()
                .join(dot);
        }
        let mut s = String::new();
        if !n.int.is_empty() {
            let g = if n.frac.is_some() { Gender::Masc } else { g };
            s = self.int_words(&n.int, n.grouped, g);
        }
        if let Some(f) = &n.frac {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(n.frac_word);
            s.push(' ');
            s.push_str(&self.frac_words(f));
        }
        s
    }

    // -- number literal --------------------------------------------------

    /// How many `sep` + three-digit groups follow token `k`.
    fn groups(&self, mut k: usize, sep: char) -> usize {
        let mut n = 0;
        while self.is_punct(k, sep) && self.is(k + 1, Kind::Num) && self.text(k + 1).len() == 3 {
            n += 1;
            k += 2;
        }
        n
    }

    /// Parses the number starting at token `j`: digits with thousands
    /// separators and a decimal part in the language's convention (`1,234.5`
    /// / `1.234,5`; a separator used for two or more groups is taken as a
    /// thousands separator in either language), or `.5`.
    pub(super) fn parse_num(&self, j: usize) -> Option<NumLit> {
        let (thou, dec, dec_word) = match self.lang {
            Lang::En => (',', '.', "point"),
            Lang::Es => ('.', ',', "coma"),
        };
        if self.is_punct(j, '.')
            && self.is(j + 1, Kind::Num)
            && !(self.touches_prev(j) && matches!(self.kind(j - 1), Some(Kind::Num | Kind::Word)))
        {
            let point = match self.lang {
                Lang::En => "point",
                Lang::Es => "punto",
            };
            return Some(NumLit {
                int: String::new(),
                frac: Some(self.text(j + 1).to_string()),
                frac_word: point,
                dotted: Vec::new(),
                grouped: false,
                first: j,
                end: j + 2,
            });
        }
        if !self.is(j, Kind::Num) {
            return None;
        }
        let mut int = self.text(j).to_string();
        let mut k = j + 1;
        let mut grouped = false;
        let mut dec = dec;
        let mut dec_word = dec_word;
        if int.len() <= 3 && !int.starts_with('0') {
            let g1 = self.groups(k, thou);
            // Spanish writers in the Americas group thousands with commas
            // ("5,000 km"); a decimal with exactly three digits is rarer.
            let min_alt = if self.lang == Lang::Es { 1 } else { 2 };
            let (n, sep) = if g1 >= 1 {
                (g1, thou)
            } else {
                let g2 = self.groups(k, dec);
                if g2 >= min_alt {
                    (g2, dec)
                } else {
                    (0, thou)
                }
            };
            for _ in 0..n {
                int.push_str(self.text(k + 1));
                k += 2;
            }
            grouped = n > 0;
            if grouped && sep == dec {
                // "1.500.000,5" read the other way round: the remaining
                // separator is the decimal one.
                dec = thou;
                dec_word = if dec == '.' { "point" } else { "coma" };
            }
        }
        let mut lit = NumLit {
            int,
            frac: None,
            frac_word: dec_word,
            dotted: Vec::new(),
            grouped,
            first: j,
            end: k,
        };
        // Spanish also sees "3.5" (Mexico, software) as a decimal point.
        let alt_point = self.lang == Lang::Es && !grouped && dec == ',';
        let sep = if self.is_punct(k, dec) {
            Some(dec)
        } else if alt_point && self.is_punct(k, '.') {
            Some('.')
        } else {
            None
        };
        if let Some(sep) = sep {
            if self.is(k + 1, Kind::Num) {
                let more = self.is_punct(k + 2, sep) && self.is(k + 3, Kind::Num);
                if more && sep == ',' {
                    // "1,2,3" is a list.
                } else if more && !grouped {
                    // "1.2.3": a version or an address, read part by part.
                    let mut parts = vec![lit.int.clone()];
                    let mut m = k;
                    while self.is_punct(m, sep) && self.is(m + 1, Kind::Num) && parts.len() < 16 {
                        parts.push(self.text(m + 1).to_string());
                        m += 2;
                    }
                    lit.dotted = parts;
                    lit.end = m;
                } else if !more {
                    lit.frac = Some(self.text(k + 1).to_string());
                    if sep == '.' && self.lang == Lang::Es {
                        lit.frac_word = "punto";
                    }
                    lit.end = k + 2;
                }
            }
        }
        Some(lit)
    }

    // -- phone numbers ---------------------------------------------------

    /// `555-123-4567`, `(555) 123-4567`, `1-800-555-1234`, `+1 555 123 4567`:
    /// read digit by digit in groups, with commas between groups for pauses.
    fn phone(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        let mut plus = None;
        if self.is_punct(j, '+') && self.is(j + 1, Kind::Num) {
            if self.touches_prev(j) && matches!(self.kind(j - 1), Some(Kind::Num | Kind::Word)) {
                return None;
            }
            plus = Some(j);
            j += 1;
        }
        // (first token, end token, digits, in parentheses)
        let mut groups: Vec<(usize, usize, &str, bool)> = Vec::new();
        let mut seps: Vec<char> = Vec::new();
        loop {
            if groups.len() >= 6 {
                break;
            }
            if self.is_punct(j, '(') && self.is(j + 1, Kind::Num) && self.is_punct(j + 2, ')') {
                groups.push((j, j + 3, self.text(j + 1), true));
                j += 3;
            } else if self.is(j, Kind::Num) {
                groups.push((j, j + 1, self.text(j), false));
                j += 1;
            } else {
                break;
            }
            let group_start = |k: usize| {
                self.is(k, Kind::Num) || (self.is_punct(k, '(') && self.is(k + 1, Kind::Num))
            };
            let paren = groups.last().is_some_and(|g| g.3);
            if let Some(c @ ('-' | '.')) = self.punct_char(j) {
                if group_start(j + 1) {
                    seps.push(c);
                    j += 1;
                    continue;
                }
            } else if let Some(n) = self.sp(j) {
                if group_start(n) && (plus.is_some() || paren) {
                    seps.push(' ');
                    j = n;
                    continue;
                }
            } else if paren && self.is(j, Kind::Num) {
                seps.push(' ');
                continue;
            }
            break;
        }
        let lens: Vec<usize> = groups.iter().map(|g| g.2.len()).collect();
        let total: usize = lens.iter().sum();
        let first_paren = groups.first().is_some_and(|g| g.3);
        let same_sep = seps.windows(2).all(|w| w[0] == w[1]);
        let ok = if plus.is_some() {
            groups.len() >= 2
                && (8..=15).contains(&total)
                && lens.iter().all(|&l| l <= 4)
                && lens.first().is_some_and(|&l| l <= 3)
        } else if first_paren {
            lens == [3, 3, 4]
        } else {
            same_sep
                && !seps.contains(&' ')
                && (lens == [3, 3, 4] || (lens == [1, 3, 3, 4] && groups[0].2 == "1"))
        };
        // Longer chains ("555-123-4567-89") are something else.
        let tail_digits = matches!(self.punct_char(j), Some('-' | '.' | '/'))
            && self.is(j + 1, Kind::Num)
            || self.is(j, Kind::Word);
        if !ok || tail_digits {
            return None;
        }
        if let Some(p) = plus {
            let w = match self.lang {
                Lang::En => "plus",
                Lang::Es => "más",
            };
            let span = self.span(p, p + 1);
            self.out.word(w, span);
        }
        let n = groups.len();
        for (k, (a, b, digits, _)) in groups.into_iter().enumerate() {
            let words = self.digits(digits);
            let span = self.span(a, b);
            self.out.words(&words, span);
            if k + 1 < n {
                self.out.punct(",");
            }
        }
        Some(j)
    }

    // -- times -------------------------------------------------------------

    /// `a.m.`/`pm`/`A.M.`/`p. m.` at `k` (touching or after one space):
    /// `(is_pm, end, keep_period)`.
    fn ampm(&self, k: usize) -> Option<(bool, usize, bool)> {
        let m = self.opt_sp(k);
        if !self.is(m, Kind::Word) {
            return None;
        }
        let w = self.text(m).to_ascii_lowercase();
        match w.as_str() {
            "am" | "pm" => {
                // "5 pm." keeps its period as ordinary punctuation.
                Some((w == "pm", m + 1, false))
            }
            "a" | "p" => {
                if !self.is_punct(m + 1, '.') {
                    return None;
                }
                let n = if self.is(m + 2, Kind::Word) {
                    m + 2
                } else {
                    self.sp(m + 2)?
                };
                if !self.text(n).eq_ignore_ascii_case("m") {
                    return None;
                }
                if self.is_punct(n + 1, '.') && !self.is_punct(n + 2, '.') {
                    let period = self.period_ends_sentence(n + 1, true);
                    Some((w == "p", n + 2, period))
                } else {
                    Some((w == "p", n + 1, false))
                }
            }
            _ => None,
        }
    }

    /// `7:30`, `06:40`, `23:15`, `9:45 a.m.`, `7:30:15`, `5pm`, `5 p.m.`.
    fn time(&mut self, i: usize) -> Option<usize> {
        if !self.is(i, Kind::Num) || self.text(i).len() > 2 {
            return None;
        }
        let h = parse_small(self.text(i))?;
        let (m, sec, k) = if self.is_punct(i + 1, ':')
            && self.is(i + 2, Kind::Num)
            && self.text(i + 2).len() == 2
        {
            let m = parse_small(self.text(i + 2))?;
            if h > 24 || m > 59 {
                return None;
            }
            let mut k = i + 3;
            let mut sec = None;
            if self.is_punct(k, ':') && self.is(k + 1, Kind::Num) && self.text(k + 1).len() == 2 {
                let s = parse_small(self.text(k + 1))?;
                if s > 59 {
                    return None;
                }
                sec = Some(s);
                k += 2;
            }
            // "12:30.5" (a stopwatch) or "1:23:45:67" is not a time of day.
            if (self.is_punct(k, '.') || self.is_punct(k, ':')) && self.is(k + 1, Kind::Num) {
                return None;
            }
            (Some(m), sec, k)
        } else {
            (None, None, i + 1)
        };
        let ampm = self.ampm(k).filter(|_| (1..=12).contains(&h));
        if m.is_none() && ampm.is_none() {
            return None;
        }
        let (end, pm, period) = match ampm {
            Some((pm, end, period)) => (end, Some(pm), period),
            None => {
                // "13:00 h", "13:00 hrs": the unit only restates the time.
                let n = self.opt_sp(k);
                let w = self.text(n);
                if self.is(n, Kind::Word) && matches!(w, "h" | "hrs" | "hs" | "H") {
                    (n + 1, None, false)
                } else {
                    (k, None, false)
                }
            }
        };
        let words = match self.lang {
            Lang::En => self.en_time(h, m, sec, pm),
            Lang::Es => self.es_time(h, m, sec, pm),
        };
        let span = self.span(i, end);
        self.out.words(&words, span);
        if period {
            self.out.punct(".");
        }
        Some(end)
    }

    fn en_time(&self, h: u64, m: Option<u64>, sec: Option<u64>, pm: Option<bool>) -> String {
        let mins = |m: u64| {
            if m < 10 {
                format!("oh {}", en_cardinal(m))
            } else {
                en_cardinal(m)
            }
        };
        let mut s = match (m, pm) {
            (Some(0) | None, Some(_)) => en_cardinal(h),
            (Some(m), Some(_)) => format!("{} {}", en_cardinal(h), mins(m)),
            (Some(0), None) => match h {
                0 => "midnight".to_string(),
                1..=12 => format!("{} o'clock", en_cardinal(h)),
                _ => format!("{} hundred", en_cardinal(h)),
            },
            (Some(m), None) => format!("{} {}", en_cardinal(h), mins(m)),
            (None, None) => en_cardinal(h),
        };
        if let Some(p) = pm {
            s.push_str(if p { " p m" } else { " eigh m" });
        }
        if let Some(x) = sec {
            s.push_str(&format!(
                " and {} {}",
                en_cardinal(x),
                if x == 1 { "second" } else { "seconds" }
            ));
        }
        s
    }

    fn es_time(&self, h: u64, m: Option<u64>, sec: Option<u64>, pm: Option<bool>) -> String {
        let hour = es_cardinal(h, Gender::Fem);
        let mut s = match m {
            Some(0) if h == 0 && pm.is_none() => "medianoche".to_string(),
            None => hour,
            Some(0) if pm.is_some() => hour,
            Some(0) => format!("{hour} en punto"),
            Some(15) => format!("{hour} y cuarto"),
            Some(30) => format!("{hour} y media"),
            Some(m) if m < 30 => format!("{hour} y {}", es_cardinal(m, Gender::Masc)),
            Some(m) => format!("{hour} {}", es_cardinal(m, Gender::Masc)),
        };
        match pm {
            Some(false) => s.push_str(" de la mañana"),
            Some(true) if h == 12 || h < 8 => s.push_str(" de la tarde"),
            Some(true) => s.push_str(" de la noche"),
            None => {}
        }
        if let Some(x) = sec {
            s.push_str(&format!(
                " y {} {}",
                es_cardinal(x, Gender::Apoc),
                if x == 1 { "segundo" } else { "segundos" }
            ));
        }
        s
    }

    // -- dates -------------------------------------------------------------

    /// "may sixth, twenty twenty four" / "the sixth of may, ..." / "seis de
    /// mayo de dos mil veinticuatro".
    fn date_words(&self, d: u64, m: u8, y: Option<u64>) -> (String, Option<String>) {
        match self.lang {
            Lang::En => {
                let month = tables::month_name(Lang::En, m);
                let head = match self.opts.date_order {
                    DateOrder::MonthFirst => format!("{month} {}", en_ordinal(d)),
                    DateOrder::DayFirst => format!("the {} of {month}", en_ordinal(d)),
                };
                (head, y.map(en_year))
            }
            Lang::Es => {
                let month = tables::month_name(Lang::Es, m);
                let mut s = format!("{} de {month}", es_cardinal(d, Gender::Masc));
                if let Some(y) = y {
                    s.push_str(" de ");
                    s.push_str(&es_cardinal(y, Gender::Masc));
                }
                (s, None)
            }
        }
    }

    /// `2024-05-06`, `3/4/2024`, `03.04.24`.
    fn numeric_date(&mut self, i: usize) -> Option<usize> {
        if !self.is(i, Kind::Num) {
            return None;
        }
        let sep = self
            .punct_char(i + 1)
            .filter(|c| matches!(c, '/' | '-' | '.'))?;
        if !(self.is(i + 2, Kind::Num) && self.is_punct(i + 3, sep) && self.is(i + 4, Kind::Num)) {
            return None;
        }
        if (self.is_punct(i + 5, sep) && self.is(i + 6, Kind::Num)) || self.is(i + 5, Kind::Word) {
            return None;
        }
        let (a, b, c) = (self.text(i), self.text(i + 2), self.text(i + 4));
        let (av, bv, cv) = (parse_small(a)?, parse_small(b)?, parse_small(c)?);
        let (d, m, y) = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
            (cv, bv, av)
        } else if a.len() <= 2 && b.len() <= 2 && (c.len() == 2 || c.len() == 4) {
            let day_first = sep == '.' || self.opts.date_order == DateOrder::DayFirst;
            let (mut m, mut d) = if day_first { (bv, av) } else { (av, bv) };
            if m > 12 && d <= 12 {
                std::mem::swap(&mut m, &mut d);
            }
            let y = if c.len() == 2 { two_digit_year(cv) } else { cv };
            (d, m, y)
        } else {
            return None;
        };
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) || y == 0 {
            return None;
        }
        let (head, year) = self.date_words(d, m as u8, Some(y));
        let span = self.span(i, i + 5);
        self.out.words(&head, span.clone());
        if let Some(y) = year {
            self.out.punct(",");
            self.out.words(&y, span);
        }
        Some(i + 5)
    }

    /// An English ordinal suffix (`st` `nd` `rd` `th`) touching token `k-1`.
    fn en_ord_suffix(&self, k: usize) -> bool {
        self.is(k, Kind::Word)
            && matches!(
                self.text(k).to_ascii_lowercase().as_str(),
                "st" | "nd" | "rd" | "th"
            )
    }

    /// A year after a date: a four-digit number at `k` that nothing else
    /// is attached to.
    fn year_at(&self, k: usize) -> Option<u64> {
        if !self.is(k, Kind::Num) || self.text(k).len() != 4 {
            return None;
        }
        let attached = (matches!(self.punct_char(k + 1), Some(',' | '.' | ':' | '/' | '-'))
            && self.is(k + 2, Kind::Num))
            || self.is(k + 1, Kind::Word);
        (!attached).then(|| parse_small(self.text(k))).flatten()
    }

    /// `, 2024` or ` 2024` after a date part ending before `k`: `(year,
    /// year token, comma present)`.
    fn date_year(&self, k: usize) -> Option<(u64, usize, bool)> {
        let comma = self.is_punct(k, ',');
        let n = self.sp(if comma { k + 1 } else { k })?;
        self.year_at(n).map(|y| (y, n, comma))
    }

    /// English `3 March 2024`, `3rd of March`, `21 Sept.`: "the third of
    /// march twenty twenty four".
    fn day_month(&mut self, i: usize) -> Option<usize> {
        if !self.is(i, Kind::Num) || self.text(i).len() > 2 {
            return None;
        }
        let d = parse_small(self.text(i))?;
        if !(1..=31).contains(&d) {
            return None;
        }
        let mut k = i + 1;
        if self.en_ord_suffix(k) {
            k += 1;
        }
        let mut m = self.sp(k)?;
        let written_of = self.text(m) == "of";
        if written_of {
            m = self.sp(m + 1)?;
        }
        let (month, abbr) = tables::month(Lang::En, self.text(m))?;
        let mut end = m + 1;
        let mut dot = None;
        if abbr && self.is_punct(end, '.') && !self.is_punct(end + 1, '.') {
            dot = Some(end);
            end += 1;
        }
        let year = self.date_year(end);
        // "21 July 1990" is read as written, "twenty first July"; only a
        // written "of" ("21st of July") brings "the ... of" with it.
        let head = if written_of {
            let the = if self.prev_word_lower(i).as_deref() == Some("the") {
                ""
            } else {
                "the "
            };
            format!("{the}{} of", en_ordinal(d))
        } else {
            en_ordinal(d)
        };
        let span = self.span(i, k);
        self.out.words(&head, span);
        let span = self.span(m, end);
        self.out.word(tables::month_name(Lang::En, month), span);
        match year {
            Some((y, n, comma)) => {
                if comma {
                    self.out.punct(",");
                }
                let span = self.span(n, n + 1);
                self.out.words(&en_year(y), span);
                Some(n + 1)
            }
            None => {
                if dot.is_some_and(|d| self.period_ends_sentence(d, true)) {
                    self.out.punct(".");
                }
                Some(end)
            }
        }
    }

    /// English `March 3rd, 2024`, `Sept. 11`, `May 2024`, `March 3-5`,
    /// starting at the month word.
    pub(super) fn month_date(&mut self, i: usize) -> Option<usize> {
        let (month, abbr) = tables::month(Lang::En, self.text(i))?;
        let mut k = i + 1;
        if abbr && self.is_punct(k, '.') {
            k += 1;
        }
        let n = self.sp(k)?;
        if !self.is(n, Kind::Num) {
            return None;
        }
        let len = self.text(n).len();
        let v = parse_small(self.text(n))?;
        let month_word = tables::month_name(Lang::En, month);
        if len == 4 {
            // "May 2024"
            let y = self.year_at(n)?;
            let span = self.span(i, k);
            self.out.word(month_word, span);
            let span = self.span(n, n + 1);
            self.out.words(&en_year(y), span);
            return Some(n + 1);
        }
        if len > 2 || !(1..=31).contains(&v) {
            return None;
        }
        // "March 1,000 people" or "May 5:30" are not dates.
        if matches!(self.punct_char(n + 1), Some(',' | ':' | '.' | '/'))
            && self.is(n + 2, Kind::Num)
        {
            return None;
        }
        let mut e = n + 1;
        if self.en_ord_suffix(e) {
            e += 1;
        }
        // "March 3-5"
        let mut range = None;
        if matches!(self.punct_char(e), Some('-' | '–')) && self.is(e + 1, Kind::Num) {
            if let Some(v2) = parse_small(self.text(e + 1)).filter(|v| (1..=31).contains(v)) {
                let mut e2 = e + 2;
                if self.en_ord_suffix(e2) {
                    e2 += 1;
                }
                range = Some((e, v2, e2));
            }
        }
        let day_end = range.map_or(e, |r| r.2);
        let year = self.date_year(day_end);
        let span = self.span(i, k);
        self.out.word(month_word, span);
        let span = self.span(n, e);
        self.out.words(&en_ordinal(v), span);
        if let Some((dash, v2, e2)) = range {
            let span = self.span(dash, dash + 1);
            self.out.word("to", span);
            let span = self.span(dash + 1, e2);
            self.out.words(&en_ordinal(v2), span);
        }
        match year {
            Some((y, yt, comma)) => {
                if comma {
                    self.out.punct(",");
                }
                let span = self.span(yt, yt + 1);
                self.out.words(&en_year(y), span);
                Some(yt + 1)
            }
            None => Some(day_end),
        }
    }

    // -- decades -----------------------------------------------------------

    /// `1990s` "nineteen nineties", `2000s` "two thousands", `'90s`
    /// "nineties", `the 80s` "the eighties".
    fn decade(&mut self, i: usize) -> Option<usize> {
        let apos = |c: Option<char>| matches!(c, Some('\'' | '\u{2019}'));
        let is_s = |cx: &Self, k: usize| cx.is(k, Kind::Word) && cx.text(k) == "s";
        // (words, end)
        let (words, end) = if apos(self.punct_char(i)) {
            let n = i + 1;
            let v = parse_small(self.text(n)).filter(|_| self.text(n).len() == 2)?;
            if v % 10 != 0 || !is_s(self, n + 1) {
                return None;
            }
            let w = if v == 0 {
                "two thousands".to_string()
            } else {
                en_plural_last(&en_cardinal(v))
            };
            (w, n + 2)
        } else {
            if !self.is(i, Kind::Num) {
                return None;
            }
            let t = self.text(i);
            let v = parse_small(t)?;
            let end = if is_s(self, i + 1) {
                i + 2
            } else if apos(self.punct_char(i + 1)) && is_s(self, i + 2) {
                i + 3
            } else {
                return None;
            };
            if t.len() == 4 && v % 10 == 0 && (1000..=2990).contains(&v) {
                (en_plural_last(&en_year(v)), end)
            } else if t.len() == 2 && v % 10 == 0 && v >= 10 {
                let prev = self.prev_word_lower(i);
                let cue = matches!(
                    prev.as_deref(),
                    Some(
                        "the"
                            | "early"
                            | "late"
                            | "mid"
                            | "in"
                            | "his"
                            | "her"
                            | "their"
                            | "my"
                            | "your"
                            | "our"
                            | "its"
                            | "of"
                            | "and"
                            | "or"
                            | "to"
                            | "through"
                    )
                );
                if !cue {
                    return None;
                }
                (en_plural_last(&en_cardinal(v)), end)
            } else {
                return None;
            }
        };
        let span = self.span(i, end);
        self.out.words(&words, span);
        Some(end)
    }

    // -- fractions ---------------------------------------------------------

    fn fraction_words(&self, a: u64, b: u64) -> String {
        match self.lang {
            Lang::En => {
                let one = a == 1;
                let ord = match b {
                    // "three hundredths", not "three one hundredths".
                    100 => "hundredth".to_string(),
                    1000 => "thousandth".to_string(),
                    _ => en_ordinal(b),
                };
                let den = match b {
                    2 => (if one { "half" } else { "halves" }).to_string(),
                    4 => (if one { "quarter" } else { "quarters" }).to_string(),
                    _ if one => ord,
                    _ => format!("{ord}s"),
                };
                format!("{} {den}", en_cardinal(a))
            }
            Lang::Es => {
                let base = match b {
                    2 => "medio",
                    3 => "tercio",
                    4 => "cuarto",
                    5 => "quinto",
                    6 => "sexto",
                    7 => "séptimo",
                    8 => "octavo",
                    9 => "noveno",
                    10 => "décimo",
                    12 => "doceavo",
                    16 => "dieciseisavo",
                    32 => "treintaidosavo",
                    64 => "sesentaicuatroavo",
                    100 => "centésimo",
                    1000 => "milésimo",
                    _ => {
                        return format!(
                            "{} entre {}",
                            es_cardinal(a, Gender::Masc),
                            es_cardinal(b, Gender::Masc)
                        )
                    }
                };
                let den = if a == 1 {
                    base.to_string()
                } else {
                    format!("{base}s")
                };
                format!("{} {den}", es_cardinal(a, Gender::Apoc))
            }
        }
    }

    /// `1/2` "one half", `3/4` "three quarters", `1 1/2` "one and one
    /// half". Other small `a/b` are read as a month and day when they can
    /// be one (`9/11`), else "a over b".
    fn fraction(&mut self, i: usize) -> Option<usize> {
        if !self.is(i, Kind::Num) {
            return None;
        }
        let simple = |cx: &Self, j: usize| -> Option<(u64, u64)> {
            if !(cx.is(j, Kind::Num) && cx.is_punct(j + 1, '/') && cx.is(j + 2, Kind::Num)) {
                return None;
            }
            if cx.text(j).len() > 3 || cx.text(j + 2).len() > 4 {
                return None;
            }
            if (cx.is_punct(j + 3, '/') || cx.is_punct(j + 3, '.') || cx.is_punct(j + 3, ','))
                && cx.is(j + 4, Kind::Num)
            {
                return None;
            }
            Some((parse_small(cx.text(j))?, parse_small(cx.text(j + 2))?))
        };
        const DENS: &[u64] = &[2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64, 100, 1000];
        // Mixed number "1 1/2".
        if let Some(n) = self.sp(i + 1).filter(|_| self.text(i).len() <= 3) {
            if let Some((a, b)) = simple(self, n) {
                if a < b && DENS.contains(&b) && a > 0 {
                    let whole = parse_small(self.text(i))?;
                    let and = match self.lang {
                        Lang::En => "and",
                        Lang::Es => "y",
                    };
                    let span = self.span(i, i + 1);
                    let w = self.cardinal(whole, Gender::Masc);
                    self.out.words(&w, span);
                    let span = self.span(n, n + 3);
                    let f = self.fraction_words(a, b);
                    self.out.words(&format!("{and} {f}"), span);
                    return Some(n + 3);
                }
            }
        }
        let (a, b) = simple(self, i)?;
        let words = if DENS.contains(&b) && a < 1000 && a != b {
            self.fraction_words(a, b)
        } else if a == b || (a == 24 && b == 7) {
            // "50/50", "24/7"
            format!(
                "{} {}",
                self.cardinal(a, Gender::Masc),
                self.cardinal(b, Gender::Masc)
            )
        } else {
            let (m, d) = match self.opts.date_order {
                DateOrder::MonthFirst => (a, b),
                DateOrder::DayFirst => (b, a),
            };
            if (1..=12).contains(&m) && (1..=31).contains(&d) && self.lang == Lang::En {
                self.date_words(d, m as u8, None).0
            } else {
                let over = match self.lang {
                    Lang::En => "over",
                    Lang::Es => "entre",
                };
                format!(
                    "{} {over} {}",
                    self.cardinal(a, Gender::Masc),
                    self.cardinal(b, Gender::Masc)
                )
            }
        };
        let span = self.span(i, i + 3);
        self.out.words(&words, span);
        Some(i + 3)
    }

    // -- quantities --------------------------------------------------------

    /// A currency written before a number at `j`: `$`, `US$`, `USD`, `€ `.
    fn currency_before(&self, j: usize) -> Option<(&'static Currency, usize)> {
        let num_at = |k: usize| {
            self.is(k, Kind::Num) || (self.is_punct(k, '.') && self.is(k + 1, Kind::Num))
        };
        let after = |k: usize| -> Option<usize> {
            if num_at(k) {
                Some(k)
            } else {
                self.sp(k).filter(|&n| num_at(n))
            }
        };
        match self.kind(j)? {
            Kind::Punct => {
                let c = tables::currency_symbol(self.punct_char(j)?)?;
                Some((c, after(j + 1)?))
            }
            Kind::Word => {
                let w = self.text(j);
                if let Some(c) = tables::dollar_prefix(w) {
                    if self.is_punct(j + 1, '$') {
                        return Some((c, after(j + 2)?));
                    }
                }
                let c = tables::currency_code(w)?;
                Some((c, after(j + 1)?))
            }
            _ => None,
        }
    }

    /// A unit written at `k` (touching the number or after one space).
    fn unit_at(&self, k: usize) -> Option<(Suffix, Range<usize>, bool)> {
        let touching = !self.is(k, Kind::Space);
        let m = self.opt_sp(k);
        let boundary = |e: usize| !matches!(self.kind(e), Some(Kind::Word | Kind::Num | Kind::Url));
        match self.kind(m)? {
            Kind::Punct => {
                let c = self.punct_char(m)?;
                let (u, e) = match c {
                    '°' | 'º' => {
                        let next = if self.is(m + 1, Kind::Word) {
                            self.text(m + 1)
                        } else {
                            ""
                        };
                        match next {
                            "C" => (&tables::CELSIUS, m + 2),
                            "F" => (&tables::FAHRENHEIT, m + 2),
                            _ if self.is(m + 1, Kind::Word) => return None,
                            _ => (&tables::DEGREES, m + 1),
                        }
                    }
                    '℃' => (&tables::CELSIUS, m + 1),
                    '℉' => (&tables::FAHRENHEIT, m + 1),
                    '¢' => (&tables::CENTS, m + 1),
                    _ => return None,
                };
                boundary(e).then_some((Suffix::Unit(u), m..e, false))
            }
            Kind::Word => {
                let w = self.text(m);
                let u = match w {
                    "ºC" => &tables::CELSIUS,
                    "ºF" => &tables::FAHRENHEIT,
                    _ => tables::unit(w)?,
                };
                // km/h, m/s
                if self.is_punct(m + 1, '/') && self.is(m + 2, Kind::Word) {
                    if let Some(u2) = tables::unit(self.text(m + 2)) {
                        if boundary(m + 3) {
                            return Some((Suffix::Per(u, u2), m..m + 3, false));
                        }
                    }
                    return None;
                }
                // m2, km2, m3
                if self.is(m + 1, Kind::Num) {
                    let sq = match (w, self.text(m + 1)) {
                        ("m", "2") => tables::unit("m²"),
                        ("km", "2") => tables::unit("km²"),
                        ("cm", "2") => tables::unit("cm²"),
                        ("m", "3") => tables::unit("m³"),
                        _ => None,
                    }?;
                    return boundary(m + 2).then_some((Suffix::Unit(sq), m..m + 2, false));
                }
                if !boundary(m + 1) || self.is_punct(m + 1, '\'') || self.is_punct(m + 1, '’') {
                    return None;
                }
                match u.fit {
                    tables::Fit::Any => {}
                    tables::Fit::Touching if touching => {}
                    tables::Fit::Inch => {
                        let after = self.next_nonspace(m + 1);
                        let word_after = after.is_some_and(|a| {
                            matches!(self.kind(a), Some(Kind::Word | Kind::Num | Kind::Url))
                                && !self.is_punct(m + 1, '.')
                        });
                        if !touching && word_after {
                            return None;
                        }
                    }
                    tables::Fit::Touching => return None,
                }
                // "5 ft." / "10 min." : the period belongs to the unit and
                // ends the sentence only before a capital or the end.
                if self.is_punct(m + 1, '.')
                    && !self.is_punct(m + 2, '.')
                    && !matches!(self.kind(m + 2), Some(Kind::Word | Kind::Num))
                    && w.chars().all(char::is_alphabetic)
                {
                    let period = self.period_ends_sentence(m + 1, true);
                    return Some((Suffix::Unit(u), m..m + 2, period));
                }
                Some((Suffix::Unit(u), m..m + 1, false))
            }
            _ => None,
        }
    }

    /// A Spanish ordinal indicator touching the number at `k`: `1º`, `1.ª`,
    /// `1er`, `2da`.
    fn es_ord_suffix(&self, k: usize) -> Option<(Gender, usize)> {
        let (w, end) = if self.is_punct(k, '.') && self.is(k + 1, Kind::Word) {
            (self.text(k + 1), k + 2)
        } else if self.is(k, Kind::Word) {
            (self.text(k), k + 1)
        } else {
            return None;
        };
        let g = match w {
            "º" | "°" | "o" | "ro" | "do" | "to" | "vo" | "no" | "mo" | "ero" => Gender::Masc,
            "ª" | "a" | "ra" | "da" | "ta" | "va" | "na" | "ma" | "era" => Gender::Fem,
            "er" => Gender::Apoc,
            _ => return None,
        };
        // "1.o" / "1.a" are too ambiguous without the indicator glyphs.
        if end == k + 2 && !matches!(w, "º" | "ª") {
            return None;
        }
        Some((g, end))
    }

    fn parse_qty(&self, i: usize) -> Option<Qty> {
        let mut j = i;
        let mut about = false;
        let mut hash = false;
        if matches!(self.punct_char(j), Some('~' | '≈')) {
            about = true;
            j += 1;
        } else if self.is_punct(j, '#') && self.is(j + 1, Kind::Num) {
            hash = true;
            j += 1;
        }
        let mut sign = None;
        if let Some(c @ ('-' | '\u{2212}' | '+')) = self.punct_char(j) {
            // A sign stands after a space or an opening bracket ("(-5)",
            // "x=-5"), never glued to a word, number or period ("a.m.-6").
            let free = !self.touches_prev(j)
                || matches!(
                    self.punct_char(j.saturating_sub(1)),
                    Some('(' | '[' | '{' | '=' | ':' | '/' | '<' | '>')
                );
            let num_next = self.is(j + 1, Kind::Num)
                || (self.is_punct(j + 1, '.') && self.is(j + 2, Kind::Num))
                || self.currency_before(j + 1).is_some();
            if free && num_next {
                sign = Some(c != '+');
                j += 1;
            }
        }
        let mut cur = None;
        if let Some((c, n)) = self.currency_before(j) {
            cur = Some(c);
            j = n;
        }
        let num = self.parse_num(j)?;
        let mut k = num.end;
        // Range: "10-12", "$5-$10", "5 – 7".
        let mut dash = None;
        let mut to = None;
        let dash_at = if matches!(self.punct_char(k), Some('-' | '–' | '—')) {
            Some((k, k + 1))
        } else {
            self.sp(k)
                .filter(|&d| matches!(self.punct_char(d), Some('–' | '—')))
                .and_then(|d| self.sp(d + 1).map(|n| (d, n)))
        };
        if let Some((d, mut n)) = dash_at {
            if cur.is_some()
                && self
                    .punct_char(n)
                    .is_some_and(|c| tables::currency_symbol(c).is_some())
            {
                n += 1;
            }
            if self.is(n, Kind::Num) {
                if let Some(n2) = self.parse_num(n) {
                    // "1-2-3" is not a range.
                    let chained = matches!(self.punct_char(n2.end), Some('-'))
                        && self.is(n2.end + 1, Kind::Num);
                    if !chained {
                        dash = Some(d);
                        k = n2.end;
                        to = Some(n2);
                    }
                }
            }
        }
        // Scale: "4.2M", "$5.3 billion", "10k".
        let mut scale = None;
        if self.is(k, Kind::Word) {
            if let Some(s) = tables::scale_abbr(self.text(k), cur.is_some()) {
                scale = Some((s, k..k + 1));
                k += 1;
            }
        } else if let Some(n) = self.sp(k).filter(|&n| self.is(n, Kind::Word)) {
            let w = self.text(n);
            if cur.is_some() {
                if let Some(s) = tables::scale_word(self.lang, w) {
                    scale = Some((s, n..n + 1));
                    k = n + 1;
                    // Spanish "mil millones" is one scale (10^9).
                    if let Some(m) = self.sp(n + 1) {
                        let t = self.text(m);
                        if s == 1 && (t == "millones" || t == "millón") {
                            scale = Some((3, n..m + 1));
                            k = m + 1;
                        }
                    }
                }
            } else if let Some(s) = tables::scale_abbr(w, false) {
                // "4,2 M€": a spaced scale letter only counts before money.
                let m = self.opt_sp(n + 1);
                let money_after = self
                    .punct_char(m)
                    .is_some_and(|c| tables::currency_symbol(c).is_some())
                    || tables::currency_code(self.text(m)).is_some();
                if money_after {
                    scale = Some((s, n..n + 1));
                    k = n + 1;
                }
            }
        }
        // Suffix.
        let mut suffix = Suffix::None;
        let mut suffix_toks = k..k;
        let mut period = false;
        let m = self.opt_sp(k);
        if cur.is_none() {
            if matches!(self.punct_char(m), Some('%' | '٪')) {
                suffix = Suffix::Percent;
                suffix_toks = m..m + 1;
            } else if let Some(c) = self
                .punct_char(m)
                .and_then(tables::currency_symbol)
                .or_else(|| {
                    self.is(m, Kind::Word)
                        .then(|| tables::currency_code(self.text(m)))
                        .flatten()
                })
            {
                cur = Some(c);
                suffix_toks = m..m + 1;
            } else if scale.is_none() {
                if let Some((s, r, p)) = self.unit_at(k) {
                    suffix = s;
                    suffix_toks = r;
                    period = p;
                } else if num.is_int() && sign.is_none() && to.is_none() {
                    match self.lang {
                        Lang::En if self.en_ord_suffix(k) => {
                            suffix = Suffix::Ordinal(Gender::Masc);
                            suffix_toks = k..k + 1;
                        }
                        Lang::Es => {
                            if let Some((g, e)) = self.es_ord_suffix(k) {
                                suffix = Suffix::Ordinal(g);
                                suffix_toks = k..e;
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        let end = suffix_toks.end.max(k);
        Some(Qty {
            start: i,
            about,
            hash,
            sign,
            cur,
            num,
            dash,
            to,
            scale,
            suffix,
            suffix_toks,
            period,
            end,
        })
    }

    /// Whether a plain four-digit quantity reads as a year (see the module
    /// docs of `normalize` for the rule).
    fn is_year(&self, q: &Qty) -> bool {
        if self.lang != Lang::En
            || q.about
            || q.hash
            || q.sign.is_some()
            || q.cur.is_some()
            || q.scale.is_some()
            || !matches!(q.suffix, Suffix::None)
        {
            return false;
        }
        let Some(v) = q.num.plain_digits(4) else {
            return false;
        };
        // "1066 AD", "3000 BC": an era makes any four-digit number a year.
        let era = self.next_nonspace(q.end).is_some_and(|n| {
            self.is(n, Kind::Word)
                && matches!(self.text(n), "AD" | "BC" | "BCE" | "CE" | "A" | "B" | "C")
                && (self.text(n).len() > 1 || self.is_punct(n + 1, '.'))
        });
        if era {
            return true;
        }
        if !year_range(v) {
            return false;
        }
        if let Some(to) = &q.to {
            let ok = to.plain_digits(4).is_some_and(year_range) || to.plain_digits(2).is_some();
            if !ok {
                return false;
            }
        }
        if let Some(p) = self.prev_word_lower(q.start) {
            let p = p.trim_end_matches('.');
            if tables::is_year_cue(p) || tables::month(Lang::En, &capitalize(p)).is_some() {
                return true;
            }
            if tables::is_count_cue(p) {
                return false;
            }
        }
        match self.next_nonspace(q.end) {
            None => true,
            Some(n) => match self.kind(n) {
                Some(Kind::Word) => {
                    let w = self.text(n);
                    w.starts_with(char::is_uppercase) || tables::is_year_follower(&w.to_lowercase())
                }
                _ => true,
            },
        }
    }

    /// Numbers that are identifiers rather than amounts: dialed numbers
    /// digit by digit ("call 911"), flight, room or model numbers in pairs
    /// ("flight 1234" "twelve thirty four").
    fn identifier_reading(&self, q: &Qty) -> Option<String> {
        if q.about || q.hash || q.sign.is_some() || q.to.is_some() || q.scale.is_some() {
            return None;
        }
        if !matches!(q.suffix, Suffix::None) || q.num.grouped || !q.num.is_int() {
            return None;
        }
        let prev = self.prev_word_lower(q.start)?;
        let len = q.num.int.len();
        if tables::is_dial_cue(&prev) && (3..=6).contains(&len) {
            return Some(self.digits(&q.num.int));
        }
        if self.lang != Lang::En || !tables::is_pairs_cue(&prev) || q.num.int.starts_with('0') {
            return None;
        }
        let v = q.num.value()?;
        match len {
            3 => {
                let (h, r) = (v / 100, v % 100);
                let rest = match r {
                    0 => "hundred".to_string(),
                    1..=9 => format!("oh {}", en_cardinal(r)),
                    _ => en_cardinal(r),
                };
                Some(format!("{} {rest}", en_cardinal(h)))
            }
            4 => Some(en_year(v)),
            _ => None,
        }
    }

    /// Spanish gender for a plain number from the word after it: "un perro",
    /// "una casa", "doscientas personas", "uno de mayo".
    fn es_gender_from_next(&self, end: usize) -> Gender {
        let Some(n) = self.sp(end) else {
            return Gender::Masc;
        };
        if !self.is(n, Kind::Word) {
            return Gender::Masc;
        }
        let w = self.text(n);
        if !w.starts_with(char::is_lowercase) || tables::es_not_noun(w) {
            return Gender::Masc;
        }
        #[rustfmt::skip]
        const MASC_A: &[&str] = &[
            "día", "días", "problema", "problemas", "programa", "programas", "sistema", "sistemas",
            "tema", "temas", "idioma", "idiomas", "mapa", "mapas", "planeta", "planetas", "poema",
            "poemas", "clima", "esquema", "esquemas", "dilema", "dilemas", "cometa", "cometas",
        ];
        #[rustfmt::skip]
        const FEM_OTHER: &[&str] = &[
            "vez", "veces", "mujer", "mujeres", "noche", "noches", "ciudad", "ciudades", "parte",
            "partes", "gente", "clase", "clases", "canción", "canciones", "nación", "naciones",
            "edición", "ediciones", "versión", "versiones", "razón", "razones", "flor", "flores",
            "red", "redes", "imagen", "imágenes", "llave", "llaves", "calle", "calles", "leche",
            "carne", "fuente", "fuentes", "universidad", "universidades", "opción", "opciones",
            "estación", "estaciones", "habitación", "habitaciones", "lección", "lecciones",
        ];
        if MASC_A.contains(&w) {
            Gender::Apoc
        } else if FEM_OTHER.contains(&w) || w.ends_with('a') || w.ends_with("as") {
            Gender::Fem
        } else {
            Gender::Apoc
        }
    }

    fn scale_name(&self, s: u8, one: bool) -> &'static str {
        match (self.lang, s) {
            (Lang::En, 1) => "thousand",
            (Lang::En, 2) => "million",
            (Lang::En, 3) => "billion",
            (Lang::En, _) => "trillion",
            (Lang::Es, 1) => "mil",
            (Lang::Es, 2) if one => "millón",
            (Lang::Es, 2) => "millones",
            (Lang::Es, 3) => "mil millones",
            (Lang::Es, _) if one => "billón",
            (Lang::Es, _) => "billones",
        }
    }

    fn unit_name(&self, u: &Unit, plural: bool) -> &'static str {
        let (s, p) = match self.lang {
            Lang::En => u.en,
            Lang::Es => u.es,
        };
        if plural {
            p
        } else {
            s
        }
    }

    /// Money: "seven dollars", "one dollar", "ninety nine cents", "four
    /// point two million euros", "un euro con cincuenta céntimos".
    fn money_words(&self, q: &Qty, c: &Currency) -> String {
        let (en, es) = (self.lang == Lang::En, self.lang == Lang::Es);
        let (sing, plural) = if en { c.en } else { c.es };
        let minor = if en { c.en_minor } else { c.es_minor };
        let major_g = if c.es_fem { Gender::Fem } else { Gender::Apoc };
        let name = |one: bool| if one { sing } else { plural };
        let to_word = if en { "to" } else { "a" };
        if let Some((s, _)) = &q.scale {
            let one = q.num.is_one() && q.to.is_none();
            let mut w = self.read_num(&q.num, Gender::Apoc);
            if let Some(to) = &q.to {
                w = format!("{w} {to_word} {}", self.read_num(to, Gender::Apoc));
            }
            let de = if es && *s >= 2 { " de" } else { "" };
            return format!("{w} {}{de} {plural}", self.scale_name(*s, one));
        }
        if let Some(to) = &q.to {
            return format!(
                "{} {to_word} {} {plural}",
                self.read_num(&q.num, major_g),
                self.read_num(to, major_g)
            );
        }
        let major = q.num.value().or_else(|| q.num.int.is_empty().then_some(0));
        let cents = q
            .num
            .frac
            .as_deref()
            .filter(|f| f.len() <= 2 && q.num.dotted.is_empty())
            .and_then(parse_small)
            .map(|v| {
                if q.num.frac.as_deref().is_some_and(|f| f.len() == 1) {
                    v * 10
                } else {
                    v
                }
            });
        let joiner = if en { "and" } else { "con" };
        let de = |v: u64| if es && es_needs_de(v) { " de" } else { "" };
        match (major, cents, minor) {
            (Some(v), Some(ct), Some((ms, mp))) => {
                let major_w = format!("{}{} {}", self.cardinal(v, major_g), de(v), name(v == 1));
                let minor_w = format!(
                    "{} {}",
                    self.cardinal(ct, Gender::Apoc),
                    if ct == 1 { ms } else { mp }
                );
                match (v, ct) {
                    (0, 0) => format!("{} {plural}", self.cardinal(0, Gender::Masc)),
                    (0, _) => minor_w,
                    (_, 0) => major_w,
                    // British usage: "three pounds forty", not "... and forty pence".
                    _ if en && ms == "penny" => {
                        format!("{major_w} {}", self.cardinal(ct, Gender::Apoc))
                    }
                    _ => format!("{major_w} {joiner} {minor_w}"),
                }
            }
            (Some(v), None, _) if q.num.is_int() => {
                format!("{}{} {}", self.cardinal(v, major_g), de(v), name(v == 1))
            }
            _ => format!("{} {plural}", self.read_num(&q.num, major_g)),
        }
    }

    fn quantity(&mut self, i: usize) -> Option<usize> {
        let q = self.parse_qty(i)?;
        let (en, es) = (self.lang == Lang::En, self.lang == Lang::Es);
        let mut pre = String::new();
        if q.about {
            pre.push_str(if en { "about " } else { "aproximadamente " });
        }
        if q.hash {
            pre.push_str(if en { "number " } else { "número " });
        }
        match q.sign {
            Some(true) => pre.push_str(if en { "minus " } else { "menos " }),
            Some(false) => pre.push_str(if en { "plus " } else { "más " }),
            None => {}
        }
        if let Some(c) = q.cur {
            let words = format!("{pre}{}", self.money_words(&q, c));
            let span = self.span(q.start, q.end);
            self.out.words(&words, span);
            return Some(q.end);
        }
        let num_span = self.span(q.start, q.num.end);
        if let Suffix::Ordinal(g) = q.suffix {
            // An ordinal too long to name is read as its digits; either way
            // the whole literal is consumed, so it is never re-scanned.
            let words = match q.num.value() {
                Some(v) => format!("{pre}{}", self.ordinal(v, g)),
                None => format!("{pre}{}", self.digits(&q.num.int)),
            };
            let span = self.span(q.start, q.end);
            self.out.words(&words, span);
            return Some(q.end);
        }
        if let Some(words) = self.identifier_reading(&q) {
            self.out.words(&words, num_span);
            return Some(q.num.end);
        }
        if let Some(y) = q.num.value().filter(|_| self.is_year(&q)) {
            self.out.words(&en_year(y), num_span);
            if let (Some(d), Some(to)) = (q.dash, &q.to) {
                let span = self.span(d, d + 1);
                self.out.word("to", span);
                let w = match (to.plain_digits(4), to.plain_digits(2)) {
                    (Some(y2), _) => en_year(y2),
                    (None, Some(v)) if v < 10 => format!("oh {}", en_cardinal(v)),
                    (None, Some(v)) => en_cardinal(v),
                    _ => self.read_num(to, Gender::Masc),
                };
                let span = self.span(to.first, to.end);
                self.out.words(&w, span);
            }
            return Some(q.end);
        }
        let plural = !(q.num.is_one() && q.to.is_none());
        let g = match q.suffix {
            Suffix::Unit(u) | Suffix::Per(u, _) if es => {
                if u.es_fem {
                    Gender::Fem
                } else {
                    Gender::Apoc
                }
            }
            Suffix::None if es && q.scale.is_none() && !q.hash => self.es_gender_from_next(q.end),
            _ if q.scale.is_some() && es => Gender::Apoc,
            _ => Gender::Masc,
        };
        let words = format!("{pre}{}", self.read_num(&q.num, g));
        self.out.words(&words, num_span);
        if let (Some(d), Some(to)) = (q.dash, &q.to) {
            let span = self.span(d, d + 1);
            self.out.word(if en { "to" } else { "a" }, span);
            let w = self.read_num(to, g);
            let span = self.span(to.first, to.end);
            self.out.words(&w, span);
        }
        if let Some((s, r)) = &q.scale {
            let name = self.scale_name(*s, q.num.is_one());
            let span = self.span(r.start, r.end);
            self.out.words(name, span);
        }
        let sspan = self.span(q.suffix_toks.start, q.suffix_toks.end);
        match q.suffix {
            Suffix::Percent => {
                self.out
                    .words(if en { "percent" } else { "por ciento" }, sspan);
            }
            Suffix::Unit(u) => {
                let name = self.unit_name(u, plural);
                self.out.words(name, sspan);
            }
            Suffix::Per(a, b) => {
                let per = if en { "per" } else { "por" };
                let words = format!(
                    "{} {per} {}",
                    self.unit_name(a, plural),
                    self.unit_name(b, false)
                );
                self.out.words(&words, sspan);
            }
            Suffix::None | Suffix::Ordinal(_) => {}
        }
        if q.period {
            self.out.punct(".");
        }
        Some(q.end)
    }
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
