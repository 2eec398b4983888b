//! Tokens for the normalizer.
//!
//! The input is cut once, left to right, into maximal runs of one kind:
//! letters (a word), ASCII digits (a number), whitespace, or a single other
//! character. URLs and e-mail addresses are recognized here, as a whole
//! whitespace-delimited run, because their parts (`.` `/` `@` `:`) would
//! otherwise be read as sentence punctuation; the `(target)` half of a
//! Markdown link is marked to be skipped because a listener wants the link
//! text, not the address. Everything later works on token indices, with a
//! bounded look-around, which keeps normalization linear in the input.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters, combining marks, and apostrophes between letters (`don't`).
    Word,
    /// ASCII digits.
    Num,
    /// A whitespace run.
    Space,
    /// One character that is none of the above.
    Punct,
    /// A URL or e-mail address.
    Url,
    /// Something to drop silently (a Markdown link target).
    Skip,
}

/// A token: its kind and byte range in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// For [`Kind::Space`]: 0 no line break, 1 a line break, 2 a blank line.
    pub breaks: u8,
}

/// Whether `c` continues a word. ASCII digits are their own tokens so that
/// `5pm`, `1st` and `km2` split into number and letters.
pub fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() && !c.is_ascii_digit()) || is_mark(c)
}

/// Combining marks, which `char::is_alphanumeric` does not cover but which
/// belong to the letter before them (decomposed accents, Indic vowel signs).
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20DC}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Joiners and variation selectors: part of a word when inside one (Persian
/// ZWNJ, Indic ZWJ), dropped otherwise (emoji sequences).
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}')
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Cuts `src` into tokens. Every byte of `src` belongs to exactly one
/// token, in order.
pub fn tokenize(src: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let bytes_len = src.len();
    let mut pos = 0usize;
    // End of the current non-space run (set at its first character).
    let mut run_end = 0usize;
    // A `](` at or after this position already failed to find its `)` in
    // this run; do not scan again (keeps `](](](...` linear).
    let mut no_close_until = 0usize;
    let push = |toks: &mut Vec<Tok>, kind, start, end, breaks| {
        if end > start {
            toks.push(Tok {
                kind,
                start,
                end,
                breaks,
            });
        }
    };
    while pos < bytes_len {
        let rest = &src[pos..];
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() {
            let mut end = pos;
            let mut newlines = 0u32;
            let mut para = false;
            let mut prev_cr = false;
            for ch in rest.chars() {
                if !ch.is_whitespace() {
                    break;
                }
                match ch {
                    '\n' if prev_cr => {}
                    '\n' | '\r' | '\u{0B}' | '\u{85}' | '\u{2028}' => newlines += 1,
                    '\u{0C}' | '\u{2029}' => para = true,
                    _ => {}
                }
                prev_cr = ch == '\r';
                end += ch.len_utf8();
            }
            let breaks = if para || newlines >= 2 {
                2
            } else {
                u8::from(newlines > 0)
            };
            push(&mut toks, Kind::Space, pos, end, breaks);
            pos = end;
            continue;
        }
        if pos >= run_end {
            run_end = rest
                .char_indices()
                .find(|(_, ch)| ch.is_whitespace())
                .map_or(bytes_len, |(i, _)| pos + i);
            if let Some((us, ue)) = find_url(src, pos, run_end) {
                // Openers before the address stay ordinary punctuation.
                for (i, ch) in src[pos..us].char_indices() {
                    push(&mut toks, Kind::Punct, pos + i, pos + i + ch.len_utf8(), 0);
                }
                push(&mut toks, Kind::Url, us, ue, 0);
                pos = ue;
                continue;
            }
        }
        if is_word_char(c) {
            let mut end = pos;
            let mut prev_word = false;
            let mut it = rest.char_indices().peekable();
            while let Some((i, ch)) = it.next() {
                let next = it.peek().map(|&(_, n)| n);
                let take = if is_word_char(ch) {
                    true
                } else if is_apostrophe(ch) || is_joiner(ch) {
                    prev_word && next.is_some_and(|n| n.is_alphabetic())
                } else {
                    false
                };
                if !take {
                    break;
                }
                prev_word = true;
                end = pos + i + ch.len_utf8();
            }
            push(&mut toks, Kind::Word, pos, end, 0);
            pos = end;
            continue;
        }
        if c.is_ascii_digit() {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            push(&mut toks, Kind::Num, pos, pos + n, 0);
            pos += n;
            continue;
        }
        if c == ']' && rest[1..].starts_with('(') && pos >= no_close_until {
            // A Markdown link `[text](target)`: skip `(target)`.
            let open = pos + 1;
            let close = src[open..run_end].find(')').map(|k| open + k);
            push(&mut toks, Kind::Punct, pos, pos + 1, 0);
            match close {
                Some(k) => {
                    push(&mut toks, Kind::Skip, open, k + 1, 0);
                    pos = k + 1;
                }
                None => {
                    no_close_until = run_end;
                    pos += 1;
                }
            }
            continue;
        }
        let end = pos + c.len_utf8();
        push(&mut toks, Kind::Punct, pos, end, 0);
        pos = end;
    }
    toks
}

/// Top-level domains accepted for a bare `name.tld` with no scheme. Kept to
/// common ones so that `file.txt` or `end.It` are not read as addresses.
#[rustfmt::skip]
const TLDS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "mil", "int", "io", "dev", "ai", "app", "co", "uk", "us",
    "de", "fr", "es", "it", "nl", "eu", "info", "biz", "me", "tv", "ly", "gg", "mx", "ar", "cl",
    "br", "ca", "au", "jp", "cn", "ru", "ch", "se", "no", "fi", "dk", "pl", "pt", "be", "at", "ie",
    "nz", "pe", "ve", "uy", "ec", "cat", "xyz", "online", "site", "tech", "blog", "shop", "news",
];

const OPENERS: &[char] = &[
    '(', '[', '<', '"', '\'', '\u{201C}', '\u{2018}', '\u{AB}', '\u{BF}', '\u{A1}', '*', '_', '`',
];
const CLOSERS: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', ']', '>', '"', '\'', '\u{201D}', '\u{2019}', '\u{BB}', '*',
    '_', '`',
];

/// The byte range of a URL or e-mail address inside the whitespace-free run
/// `src[start..end]`, without surrounding brackets, quotes and trailing
/// sentence punctuation.
fn find_url(src: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let run = src.get(start..end)?;
    let lead = run.char_indices().find(|(_, c)| !OPENERS.contains(c))?.0;
    let body = &run[lead..];
    let mut stop = body.len();
    while let Some(c) = body[..stop].chars().next_back() {
        // Keep a closing paren that has its opener inside the address.
        if CLOSERS.contains(&c) && !(c == ')' && body[..stop].contains('(')) {
            stop -= c.len_utf8();
        } else {
            break;
        }
    }
    let b = &body[..stop];
    if b.is_empty() {
        return None;
    }
    (is_scheme_url(b) || is_email(b) || is_bare_domain(b))
        .then_some((start + lead, start + lead + stop))
}

fn is_scheme_url(b: &str) -> bool {
    let lower_prefix: String = b.chars().take(8).flat_map(char::to_lowercase).collect();
    ["http://", "https://", "ftp://", "www."]
        .iter()
        .any(|p| lower_prefix.starts_with(p) && b.len() > p.len() + 1)
}

fn is_host(h: &str, known_tld: bool) -> bool {
    let labels: Vec<&str> = h.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let ok_labels = labels.iter().all(|l| {
        !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-') && !l.starts_with('-')
    });
    let tld = labels.last().copied().unwrap_or("");
    let tld_ok = if known_tld {
        TLDS.contains(&tld)
    } else {
        tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
    };
    ok_labels && tld_ok
}

fn is_email(b: &str) -> bool {
    let mut parts = b.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'))
        && !local.starts_with('.')
        && is_host(domain, false)
}

fn is_bare_domain(b: &str) -> bool {
    let host = b.split('/').next().unwrap_or("");
    host.chars().next().is_some_and(char::is_alphanumeric)
        && host.chars().any(char::is_alphabetic)
        && is_host(host, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(Kind, &str)> {
        tokenize(s)
            .iter()
            .map(|t| (t.kind, &s[t.start..t.end]))
            .collect()
    }

    #[test]
    fn splits_letters_digits_and_symbols() {
        assert_eq!(
            kinds("5pm don't $1,234"),
            [
                (Kind::Num, "5"),
                (Kind::Word, "pm"),
                (Kind::Space, " "),
                (Kind::Word, "don't"),
                (Kind::Space, " "),
                (Kind::Punct, "$"),
                (Kind::Num, "1"),
                (Kind::Punct, ","),
                (Kind::Num, "234"),
            ]
        );
    }

    #[test]
    fn recognizes_addresses() {
        assert_eq!(
            kinds("(see https://hark.dev/docs)."),
            [
                (Kind::Punct, "("),
                (Kind::Word, "see"),
                (Kind::Space, " "),
                (Kind::Url, "https://hark.dev/docs"),
                (Kind::Punct, ")"),
                (Kind::Punct, "."),
            ]
        );
        assert_eq!(
            kinds("john.doe@mail.com")[0],
            (Kind::Url, "john.doe@mail.com")
        );
        assert_eq!(kinds("example.com.")[0], (Kind::Url, "example.com"));
        assert_eq!(kinds("file.txt")[0], (Kind::Word, "file"));
        assert_eq!(kinds("end.It")[0], (Kind::Word, "end"));
    }

    #[test]
    fn skips_markdown_link_targets() {
        assert_eq!(
            kinds("[docs](http://x.y/z) ok"),
            [
                (Kind::Punct, "["),
                (Kind::Word, "docs"),
                (Kind::Punct, "]"),
                (Kind::Skip, "(http://x.y/z)"),
                (Kind::Space, " "),
                (Kind::Word, "ok"),
            ]
        );
    }

    #[test]
    fn counts_line_breaks() {
        let t = tokenize("a\nb\r\n\r\nc");
        assert_eq!(t[1].breaks, 1);
        assert_eq!(t[3].breaks, 2);
    }

    #[test]
    fn tokens_cover_the_input() {
        for s in [
            "",
            "a",
            "  x  ",
            "ab'c'd 12,3.4 ]( ](x) 😀👍🏽 ẞ",
            "\u{200D}a\u{200D}b",
        ] {
            let t = tokenize(s);
            let mut at = 0;
            for tok in &t {
                assert_eq!(tok.start, at);
                assert!(tok.end > tok.start);
                at = tok.end;
            }
            assert_eq!(at, s.len());
        }
    }
}
