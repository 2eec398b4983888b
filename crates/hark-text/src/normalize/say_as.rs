//! `<say-as>`: reading a piece of text the way the markup says, instead of
//! guessing from context as [`super::normalize`] does.

use super::numwords::{self, Gender};
use super::tables;
use super::Lang;
use crate::markup::SayAs;

/// Longest digit run read as one number; longer ones are read digit by
/// digit (the number words would not fit in `u64` anyway).
const MAX_NUMBER_DIGITS: usize = 15;

/// The words for `text` read as `kind` in the language of `tag`.
///
/// Anything that does not fit the interpretation (`<say-as
/// interpret-as="date">soon</say-as>`) falls back to the ordinary
/// normalizer, so the result is always something sensible to say. `format`
/// is SSML's `format` attribute, lowercased (dates: `mdy`, `dmy`, `ymd`, ...).
pub fn say_as(text: &str, kind: SayAs, format: Option<&str>, tag: &str) -> String {
    let lang = Lang::from_tag(tag).unwrap_or(Lang::En);
    let read = match kind {
        SayAs::Cardinal => number(text).map(|n| cardinal(lang, n)),
        SayAs::Ordinal => number(text).map(|n| ordinal(lang, n)),
        SayAs::Characters => Some(spell(lang, text, false)),
        SayAs::Verbatim => Some(spell(lang, text, true)),
        SayAs::Digits => Some(digits(lang, text)),
        SayAs::Telephone => telephone(lang, text),
        SayAs::Date => date(lang, text, format.unwrap_or("")),
        // The normalizer reads clock times well on its own.
        SayAs::Time => None,
    };
    read.filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| super::normalize_tagged(text, tag).text)
}

/// The number in `text`, ignoring thousands separators and spaces; None
/// when there is anything else or it is too long.
fn number(text: &str) -> Option<u64> {
    let t = text.trim();
    let t = t
        .strip_suffix(|c: char| c.is_alphabetic())
        .filter(|_| {
            // "3rd", "21st": ordinal suffixes on an ordinal/cardinal.
            t.ends_with(['d', 'h', 't', 'o', 'a', 'º', 'ª'])
        })
        .map(|s| s.trim_end_matches(char::is_alphabetic))
        .unwrap_or(t);
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ',' | '.' | ' ' | '\u{a0}' | '_'))
        .collect();
    if digits.is_empty()
        || digits.len() > MAX_NUMBER_DIGITS
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    digits.parse().ok()
}

fn cardinal(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => numwords::en_cardinal(n),
        Lang::Es => numwords::es_cardinal(n, Gender::Masc),
    }
}

fn ordinal(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => numwords::en_ordinal(n),
        Lang::Es => numwords::es_ordinal(n, Gender::Masc),
    }
}

fn digit(lang: Lang) -> fn(u8) -> &'static str {
    match lang {
        Lang::En => numwords::en_digit,
        Lang::Es => numwords::es_digit,
    }
}

/// Letter by letter; digits as digit words; with `punct`, symbols by name.
fn spell(lang: Lang, text: &str, punct: bool) -> String {
    let mut words: Vec<String> = Vec::new();
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            words.push(digit(lang)(d as u8).to_string());
        } else if c.is_alphabetic() {
            words.push(tables::letter(lang, c));
        } else if punct {
            if let Some(name) = symbol_name(lang, c) {
                words.push(name.to_string());
            }
        }
    }
    words.join(" ")
}

fn symbol_name(lang: Lang, c: char) -> Option<&'static str> {
    let (en, es) = match c {
        '-' => ("dash", "guion"),
        '.' => ("dot", "punto"),
        ',' => ("comma", "coma"),
        '/' => ("slash", "barra"),
        '@' => ("at", "arroba"),
        '#' => ("hash", "almohadilla"),
        '&' => ("and", "y"),
        '+' => ("plus", "más"),
        '_' => ("underscore", "guion bajo"),
        ':' => ("colon", "dos puntos"),
        '*' => ("star", "asterisco"),
        '%' => ("percent", "por ciento"),
        '=' => ("equals", "igual"),
        '$' => ("dollar", "dólar"),
        _ => return None,
    };
    Some(match lang {
        Lang::En => en,
        Lang::Es => es,
    })
}

/// Digits one by one, other characters as in [`spell`] without symbols.
fn digits(lang: Lang, text: &str) -> String {
    spell(lang, text, false)
}

/// Digit groups as written ("555-0134" -> "five five five, zero one three
/// four"); a leading `+` is "plus".
fn telephone(lang: Lang, text: &str) -> Option<String> {
    let mut groups: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let plus = text.trim_start().starts_with('+');
    for c in text.chars() {
        match c.to_digit(10) {
            Some(d) => current.push(digit(lang)(d as u8)),
            None if c.is_alphabetic() => return None,
            None => {
                if !current.is_empty() {
                    groups.push(current.join(" "));
                    current.clear();
                }
            }
        }
    }
    if !current.is_empty() {
        groups.push(current.join(" "));
    }
    if groups.is_empty() {
        return None;
    }
    let mut out = groups.join(", ");
    if plus {
        let p = match lang {
            Lang::En => "plus ",
            Lang::Es => "más ",
        };
        out.insert_str(0, p);
    }
    Some(out)
}

/// A numeric date whose field order `format` gives (`mdy`, `dmy`, `ymd`,
/// `md`, `dm`, `ym`, `my`, `d`, `m`, `y`; default `mdy` for English, `dmy`
/// for Spanish).
fn date(lang: Lang, text: &str, format: &str) -> Option<String> {
    let fields: Vec<u64> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| if s.len() > 4 { None } else { s.parse().ok() })
        .collect::<Option<Vec<u64>>>()?;
    let order = if format.is_empty() {
        match (lang, fields.len()) {
            (_, 3)
                if text.trim().len() >= 4
                    && text
                        .trim()
                        .as_bytes()
                        .iter()
                        .take(4)
                        .all(u8::is_ascii_digit) =>
            {
                "ymd"
            }
            (Lang::En, 3) => "mdy",
            (Lang::Es, 3) => "dmy",
            (Lang::En, 2) => "md",
            (Lang::Es, 2) => "dm",
            _ => "y",
        }
    } else {
        format
    };
    if order.len() != fields.len() {
        return None;
    }
    let (mut y, mut m, mut d) = (None, None, None);
    for (f, v) in order.chars().zip(fields) {
        match f {
            'y' => y = Some(if v < 100 { 2000 + v } else { v }),
            'm' if (1..=12).contains(&v) => m = Some(v as u8),
            'd' if (1..=31).contains(&v) => d = Some(v),
            _ => return None,
        }
    }
    let year = |y: u64| match lang {
        Lang::En => numwords::en_year(y),
        Lang::Es => numwords::es_cardinal(y, Gender::Masc),
    };
    let mut words: Vec<String> = Vec::new();
    match lang {
        Lang::En => {
            if let Some(m) = m {
                words.push(tables::month_name(lang, m).to_string());
            }
            if let Some(d) = d {
                words.push(if m.is_some() {
                    numwords::en_ordinal(d)
                } else {
                    format!("the {}", numwords::en_ordinal(d))
                });
            }
            if let Some(y) = y {
                if let Some(last) = words.last_mut().filter(|_| d.is_some()) {
                    last.push(',');
                }
                words.push(year(y));
            }
        }
        Lang::Es => {
            if let Some(d) = d {
                words.push(if d == 1 {
                    "primero".into()
                } else {
                    numwords::es_cardinal(d, Gender::Masc)
                });
            }
            if let Some(m) = m {
                if d.is_some() {
                    words.push("de".into());
                }
                words.push(tables::month_name(lang, m).to_string());
            }
            if let Some(y) = y {
                if m.is_some() || d.is_some() {
                    words.push("de".into());
                }
                words.push(year(y));
            }
        }
    }
    Some(words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(t: &str, k: SayAs, f: Option<&str>) -> String {
        say_as(t, k, f, "en-US")
    }

    #[test]
    fn numbers() {
        assert_eq!(
            en("1,234", SayAs::Cardinal, None),
            "one thousand two hundred thirty four"
        );
        assert_eq!(en("21", SayAs::Ordinal, None), "twenty first");
        assert_eq!(en("3rd", SayAs::Ordinal, None), "third");
        assert_eq!(say_as("21", SayAs::Cardinal, None, "es"), "veintiuno");
        assert_eq!(en("123", SayAs::Digits, None), "one two three");
    }

    #[test]
    fn spelling() {
        assert_eq!(en("abc", SayAs::Characters, None), "eigh b c");
        assert_eq!(en("a-1", SayAs::Verbatim, None), "eigh dash one");
    }

    #[test]
    fn telephones() {
        assert_eq!(
            en("555-0134", SayAs::Telephone, None),
            "five five five, zero one three four"
        );
        assert!(en("+1 555", SayAs::Telephone, None).starts_with("plus one, five"));
    }

    #[test]
    fn dates_follow_the_format() {
        assert_eq!(
            en("3/4/2024", SayAs::Date, Some("dmy")),
            "april third, twenty twenty four"
        );
        assert_eq!(
            en("3/4/2024", SayAs::Date, Some("mdy")),
            "march fourth, twenty twenty four"
        );
        assert_eq!(
            en("2024-05-06", SayAs::Date, None),
            "may sixth, twenty twenty four"
        );
        assert_eq!(
            say_as("3/4/2024", SayAs::Date, Some("dmy"), "es"),
            "tres de abril de dos mil veinticuatro"
        );
    }

    #[test]
    fn misfits_fall_back_to_the_normalizer() {
        assert_eq!(en("soon", SayAs::Date, None), "soon");
        assert_eq!(
            en("13/45/2024", SayAs::Date, Some("mdy")),
            en("13/45/2024", SayAs::Time, None)
        );
        assert_eq!(
            en("12", SayAs::Date, Some("dmy")),
            en("12", SayAs::Time, None)
        );
    }
}
