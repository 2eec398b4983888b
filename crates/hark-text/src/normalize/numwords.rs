//! Numbers as words, in English and Spanish.
//!
//! Written here rather than taken from a crate because the normalizer needs
//! both languages, ordinals, Spanish gender and apocope (`un`, `veintiún`),
//! year readings and digit-by-digit fallbacks, and every function must be
//! total: no input can make them panic. All of them work on `u64` values the
//! caller has already bounded (see [`MAX_WORD_DIGITS`]); anything larger is
//! read digit by digit by the caller.

/// Integers with more digits than this are read digit by digit.
///
/// 18 digits keep every value below 10^18, inside `u64` and inside the
/// largest scale word we name (quadrillion / mil billones), so the
/// output of a cardinal stays proportional to its digit count.
pub const MAX_WORD_DIGITS: usize = 18;

/// Parses a run of ASCII digits of at most [`MAX_WORD_DIGITS`] digits.
pub fn parse_small(digits: &str) -> Option<u64> {
    if digits.is_empty() || digits.len() > MAX_WORD_DIGITS {
        return None;
    }
    let mut v: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(v)
}

// ---------------------------------------------------------------------------
// English

const EN_ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

const EN_SCALES: [(u64, &str); 5] = [
    (1_000_000_000_000_000, "quadrillion"),
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];

fn push_word(out: &mut String, w: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(w);
}

fn en_below_thousand(n: u64, out: &mut String) {
    let h = n / 100;
    let r = n % 100;
    if h > 0 {
        push_word(out, EN_ONES[(h % 10) as usize]);
        push_word(out, "hundred");
    }
    if r > 0 || h == 0 {
        if r < 20 {
            push_word(out, EN_ONES[r as usize]);
        } else {
            push_word(out, EN_TENS[(r / 10) as usize]);
            if !r.is_multiple_of(10) {
                push_word(out, EN_ONES[(r % 10) as usize]);
            }
        }
    }
}

/// American-style cardinal without "and": `1234` -> "one thousand two
/// hundred thirty four". Words are separated by single spaces (no hyphens),
/// so every word becomes its own timed output word.
pub fn en_cardinal(n: u64) -> String {
    let mut out = String::new();
    if n >= 1_000_000_000_000_000_000 {
        return digits_words(&n.to_string(), en_digit);
    }
    if n == 0 {
        return "zero".into();
    }
    let mut rest = n;
    for (scale, name) in EN_SCALES {
        if rest >= scale {
            en_below_thousand(rest / scale, &mut out);
            push_word(&mut out, name);
            rest %= scale;
        }
    }
    if rest > 0 {
        en_below_thousand(rest, &mut out);
    }
    out
}

/// `21` -> "twenty first": the cardinal with its last word made ordinal.
pub fn en_ordinal(n: u64) -> String {
    let card = en_cardinal(n);
    let (head, last) = match card.rfind(' ') {
        Some(p) => (&card[..=p], &card[p + 1..]),
        None => ("", card.as_str()),
    };
    let ord = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        w if w.ends_with('y') => format!("{}ieth", &w[..w.len() - 1]),
        w => format!("{w}th"),
    };
    format!("{head}{ord}")
}

/// A year as it is said: `1999` "nineteen ninety nine", `1905` "nineteen
/// oh five", `1900` "nineteen hundred", `2000` "two thousand", `2005` "two
/// thousand five", `2024` "twenty twenty four". Values outside 1000..=9999
/// are read as cardinals.
pub fn en_year(y: u64) -> String {
    if !(1000..=9999).contains(&y) || y % 1000 < 10 {
        return en_cardinal(y);
    }
    let hi = y / 100;
    let lo = y % 100;
    if lo == 0 {
        return format!("{} hundred", en_cardinal(hi));
    }
    if lo < 10 {
        return format!("{} oh {}", en_cardinal(hi), EN_ONES[lo as usize]);
    }
    format!("{} {}", en_cardinal(hi), en_cardinal(lo))
}

/// Plural of a number's last word, for decades: "nineteen ninety" ->
/// "nineteen nineties", "two thousand" -> "two thousands".
pub fn en_plural_last(words: &str) -> String {
    if let Some(stem) = words.strip_suffix('y') {
        format!("{stem}ies")
    } else if words.ends_with('x') {
        format!("{words}es")
    } else {
        format!("{words}s")
    }
}

pub fn en_digit(d: u8) -> &'static str {
    EN_ONES.get(usize::from(d)).copied().unwrap_or("")
}

/// Reads every ASCII digit of `s` as its own word; other bytes are ignored.
pub fn digits_words(s: &str, digit: fn(u8) -> &'static str) -> String {
    let mut out = String::with_capacity(s.len() * 6);
    for b in s.bytes().filter(u8::is_ascii_digit) {
        push_word(&mut out, digit(b - b'0'));
    }
    out
}

// ---------------------------------------------------------------------------
// Spanish

/// How a Spanish number agrees with what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// Standalone or before a masculine word that does not shorten it:
    /// "uno", "veintiuno".
    Masc,
    /// Before a masculine noun or "mil"/"millones": "un", "veintiún".
    Apoc,
    /// Before a feminine noun: "una", "veintiuna", "doscientas".
    Fem,
}

const ES_SMALL: [&str; 30] = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
];

const ES_TENS: [&str; 10] = [
    "",
    "",
    "",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
];

const ES_HUNDREDS: [&str; 10] = [
    "",
    "ciento",
    "doscientos",
    "trescientos",
    "cuatrocientos",
    "quinientos",
    "seiscientos",
    "setecientos",
    "ochocientos",
    "novecientos",
];

fn es_one(g: Gender) -> &'static str {
    match g {
        Gender::Masc => "uno",
        Gender::Apoc => "un",
        Gender::Fem => "una",
    }
}

fn es_below_hundred(n: u64, g: Gender, out: &mut String) {
    match n {
        1 => push_word(out, es_one(g)),
        21 => push_word(
            out,
            match g {
                Gender::Masc => "veintiuno",
                Gender::Apoc => "veintiún",
                Gender::Fem => "veintiuna",
            },
        ),
        0..=29 => push_word(out, ES_SMALL[n as usize]),
        _ => {
            push_word(out, ES_TENS[(n / 10 % 10) as usize]);
            match n % 10 {
                0 => {}
                1 => {
                    push_word(out, "y");
                    push_word(out, es_one(g));
                }
                u => {
                    push_word(out, "y");
                    push_word(out, ES_SMALL[u as usize]);
                }
            }
        }
    }
}

fn es_below_thousand(n: u64, g: Gender, out: &mut String) {
    if n == 100 {
        push_word(out, "cien");
        return;
    }
    let h = (n / 100 % 10) as usize;
    let r = n % 100;
    if h > 0 {
        let w = ES_HUNDREDS[h];
        if g == Gender::Fem && h > 1 {
            // doscientos -> doscientas
            push_word(out, &format!("{}as", &w[..w.len() - 2]));
        } else {
            push_word(out, w);
        }
    }
    if r > 0 || h == 0 {
        es_below_hundred(r, g, out);
    }
}

fn es_below_million(n: u64, g: Gender, out: &mut String) {
    let th = n / 1000 % 1000;
    let r = n % 1000;
    if th == 1 {
        push_word(out, "mil");
    } else if th > 1 {
        let tg = if g == Gender::Fem {
            Gender::Fem
        } else {
            Gender::Apoc
        };
        es_below_thousand(th, tg, out);
        push_word(out, "mil");
    }
    if r > 0 || th == 0 {
        es_below_thousand(r, g, out);
    }
}

/// Spanish cardinal on the long scale: `1_000_000` "un millón",
/// `2_500_000` "dos millones quinientos mil", `10^9` "mil millones",
/// `10^12` "un billón". `g` applies to the last group only: millions are
/// always masculine ("veintiún millones de personas").
pub fn es_cardinal(n: u64, g: Gender) -> String {
    if n >= 1_000_000_000_000_000_000 {
        return digits_words(&n.to_string(), es_digit);
    }
    if n == 0 {
        return "cero".into();
    }
    let mut out = String::new();
    let bill = n / 1_000_000_000_000;
    let mill = n / 1_000_000 % 1_000_000;
    let rest = n % 1_000_000;
    if bill == 1 {
        push_word(&mut out, "un billón");
    } else if bill > 1 {
        es_below_million(bill, Gender::Apoc, &mut out);
        push_word(&mut out, "billones");
    }
    if mill == 1 && bill == 0 {
        push_word(&mut out, "un millón");
    } else if mill > 0 {
        es_below_million(mill, Gender::Apoc, &mut out);
        push_word(&mut out, if mill == 1 { "millón" } else { "millones" });
    }
    if rest > 0 {
        es_below_million(rest, g, &mut out);
    }
    out
}

/// Whether the Spanish reading of `n` ends in a millions word, after which
/// a noun needs "de" ("dos millones de euros", but "dos mil euros").
pub fn es_needs_de(n: u64) -> bool {
    n > 0 && n.is_multiple_of(1_000_000)
}

const ES_ORD_UNITS: [&str; 10] = [
    "", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno",
];
const ES_ORD_TEENS: [&str; 10] = [
    "décimo",
    "undécimo",
    "duodécimo",
    "decimotercero",
    "decimocuarto",
    "decimoquinto",
    "decimosexto",
    "decimoséptimo",
    "decimoctavo",
    "decimonoveno",
];
const ES_ORD_TENS: [&str; 10] = [
    "",
    "",
    "vigésimo",
    "trigésimo",
    "cuadragésimo",
    "quincuagésimo",
    "sexagésimo",
    "septuagésimo",
    "octogésimo",
    "nonagésimo",
];
const ES_ORD_HUNDREDS: [&str; 10] = [
    "",
    "centésimo",
    "ducentésimo",
    "tricentésimo",
    "cuadringentésimo",
    "quingentésimo",
    "sexcentésimo",
    "septingentésimo",
    "octingentésimo",
    "noningentésimo",
];

/// Spanish ordinal for 1..=1000 ("vigésimo primero", fem. "vigésima
/// primera", apocopated "vigésimo primer"); other values fall back to the
/// cardinal, which is how large ordinals are said in practice.
pub fn es_ordinal(n: u64, g: Gender) -> String {
    if n == 0 || n > 1000 {
        return es_cardinal(n, g);
    }
    let mut parts: Vec<&str> = Vec::new();
    if n == 1000 {
        parts.push("milésimo");
    } else {
        let h = (n / 100) as usize;
        let r = (n % 100) as usize;
        if h > 0 {
            parts.push(ES_ORD_HUNDREDS[h]);
        }
        if (10..20).contains(&r) {
            parts.push(ES_ORD_TEENS[r - 10]);
        } else {
            if r >= 20 {
                parts.push(ES_ORD_TENS[r / 10]);
            }
            if !r.is_multiple_of(10) {
                parts.push(ES_ORD_UNITS[r % 10]);
            }
        }
    }
    let mut out = String::new();
    let last = parts.len().saturating_sub(1);
    for (k, p) in parts.iter().enumerate() {
        let w = match g {
            Gender::Fem => format!("{}a", p.strip_suffix('o').unwrap_or(p)),
            Gender::Apoc if k == last && (*p == "primero" || *p == "tercero") => {
                p[..p.len() - 1].to_string()
            }
            _ => (*p).to_string(),
        };
        push_word(&mut out, &w);
    }
    out
}

pub fn es_digit(d: u8) -> &'static str {
    ES_SMALL.get(usize::from(d)).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_cardinals() {
        let cases: &[(u64, &str)] = &[
            (0, "zero"),
            (7, "seven"),
            (13, "thirteen"),
            (20, "twenty"),
            (21, "twenty one"),
            (100, "one hundred"),
            (105, "one hundred five"),
            (999, "nine hundred ninety nine"),
            (1000, "one thousand"),
            (1234, "one thousand two hundred thirty four"),
            (1_000_000, "one million"),
            (1_234_567, "one million two hundred thirty four thousand five hundred sixty seven"),
            (1_000_000_000_000_000, "one quadrillion"),
            (
                999_999_999_999_999_999,
                "nine hundred ninety nine quadrillion nine hundred ninety nine trillion nine hundred ninety nine billion nine hundred ninety nine million nine hundred ninety nine thousand nine hundred ninety nine",
            ),
        ];
        for (n, w) in cases {
            assert_eq!(en_cardinal(*n), *w, "{n}");
        }
        assert_eq!(en_cardinal(u64::MAX).split(' ').count(), 20);
    }

    #[test]
    fn english_ordinals_and_years() {
        assert_eq!(en_ordinal(1), "first");
        assert_eq!(en_ordinal(2), "second");
        assert_eq!(en_ordinal(3), "third");
        assert_eq!(en_ordinal(12), "twelfth");
        assert_eq!(en_ordinal(20), "twentieth");
        assert_eq!(en_ordinal(21), "twenty first");
        assert_eq!(en_ordinal(103), "one hundred third");
        assert_eq!(en_ordinal(1000), "one thousandth");
        assert_eq!(en_year(1999), "nineteen ninety nine");
        assert_eq!(en_year(1905), "nineteen oh five");
        assert_eq!(en_year(1900), "nineteen hundred");
        assert_eq!(en_year(2000), "two thousand");
        assert_eq!(en_year(2005), "two thousand five");
        assert_eq!(en_year(2010), "twenty ten");
        assert_eq!(en_year(2024), "twenty twenty four");
        assert_eq!(en_year(1100), "eleven hundred");
        assert_eq!(en_plural_last(&en_year(1990)), "nineteen nineties");
        assert_eq!(en_plural_last(&en_year(2000)), "two thousands");
        assert_eq!(en_plural_last(&en_year(1800)), "eighteen hundreds");
    }

    #[test]
    fn spanish_cardinals() {
        let m = Gender::Masc;
        let cases: &[(u64, &str)] = &[
            (0, "cero"),
            (1, "uno"),
            (16, "dieciséis"),
            (21, "veintiuno"),
            (22, "veintidós"),
            (31, "treinta y uno"),
            (45, "cuarenta y cinco"),
            (100, "cien"),
            (101, "ciento uno"),
            (500, "quinientos"),
            (700, "setecientos"),
            (900, "novecientos"),
            (1000, "mil"),
            (1234, "mil doscientos treinta y cuatro"),
            (2024, "dos mil veinticuatro"),
            (21_000, "veintiún mil"),
            (100_000, "cien mil"),
            (101_000, "ciento un mil"),
            (1_000_000, "un millón"),
            (2_000_000, "dos millones"),
            (21_000_000, "veintiún millones"),
            (2_500_000, "dos millones quinientos mil"),
            (1_000_000_000, "mil millones"),
            (1_000_000_000_000, "un billón"),
            (3_000_001_000_000, "tres billones un millón"),
        ];
        for (n, w) in cases {
            assert_eq!(es_cardinal(*n, m), *w, "{n}");
        }
        assert_eq!(es_cardinal(21, Gender::Apoc), "veintiún");
        assert_eq!(es_cardinal(31, Gender::Fem), "treinta y una");
        assert_eq!(es_cardinal(200, Gender::Fem), "doscientas");
        assert!(es_needs_de(2_000_000));
        assert!(!es_needs_de(2_000));
    }

    #[test]
    fn spanish_ordinals() {
        assert_eq!(es_ordinal(1, Gender::Masc), "primero");
        assert_eq!(es_ordinal(1, Gender::Apoc), "primer");
        assert_eq!(es_ordinal(2, Gender::Fem), "segunda");
        assert_eq!(es_ordinal(3, Gender::Apoc), "tercer");
        assert_eq!(es_ordinal(11, Gender::Masc), "undécimo");
        assert_eq!(es_ordinal(17, Gender::Masc), "decimoséptimo");
        assert_eq!(es_ordinal(21, Gender::Fem), "vigésima primera");
        assert_eq!(es_ordinal(123, Gender::Masc), "centésimo vigésimo tercero");
        assert_eq!(es_ordinal(2000, Gender::Masc), "dos mil");
    }

    #[test]
    fn parse_small_bounds() {
        assert_eq!(parse_small("007"), Some(7));
        assert_eq!(parse_small(""), None);
        assert_eq!(parse_small("1234567890123456789"), None);
        assert_eq!(parse_small("12a"), None);
    }
}
