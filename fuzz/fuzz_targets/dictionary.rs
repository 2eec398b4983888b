//! `dictionary::apply` with a small fixed set of dictionaries on arbitrary
//! text (parsed as markup when it parses, else as plain text), checking
//! that it never panics, keeps valid source ranges, leaves non-text
//! pieces alone and grows the text by a bounded amount.

#![no_main]

use std::sync::OnceLock;

use hark_text::dictionary::{ApiItem, Dictionary, Lexicon};
use hark_text::markup::{parse, Piece, Script};
use libfuzzer_sys::fuzz_target;

/// The dictionaries, compiled once: `dictionary::apply` is
/// `Lexicon::new(dicts).apply(script)`, and compiling fixed dictionaries on
/// every input would only slow the fuzzer down.
fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let (d1, d2) = dicts();
        Lexicon::new(&[&d1, &d2]).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn dicts() -> (Dictionary, Dictionary) {
    {
        let make = |items: &[(&str, &str, bool)]| {
            let items = items
                .iter()
                .map(|(w, p, cs)| ApiItem {
                    word: w.to_string(),
                    pronunciation: p.to_string(),
                    case_sensitive: *cs,
                })
                .collect();
            Dictionary::from_api_items("fuzz", "fuzz", items).unwrap_or_else(|e| panic!("{e}"))
        };
        (
            make(&[
                ("Hark", "hahrk", false),
                ("New York", "/nuː ˈjɔːrk/", false),
                ("a", "eigh", false),
                ("C++", "see plus plus", false),
                ("İ", "dotted eye", false),
                ("don't", "/doʊnt/", true),
            ]),
            make(&[
                ("GIF", "/dʒɪf/", true),
                ("York", "yawk", false),
                ("a b", "/ə biː/", false),
                ("ß", "/s/", false),
                ("é", "ay", false),
            ]),
        )
    }
}

/// Longest pronunciation above, in bytes: the most one matched byte of
/// input can become.
const MAX_EXPANSION: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let script = parse(input).unwrap_or_else(|_| Script::plain(input));
    let out = lexicon().apply(script.clone());
    if let Err(e) = out.check(input) {
        panic!("invalid script after apply: {e}; input {input:?}");
    }
    // Non-text pieces survive unchanged and in order.
    let kept: Vec<&Piece> = script
        .pieces
        .iter()
        .filter(|p| !matches!(p, Piece::Text { .. }))
        .collect();
    let after: Vec<&Piece> = out
        .pieces
        .iter()
        .filter(|p| !matches!(p, Piece::Text { .. }))
        .filter(|p| !(matches!(p, Piece::Phonemes { .. }) && !kept.contains(p)))
        .collect();
    assert_eq!(kept, after, "non-text pieces changed; input {input:?}");
    let size = |s: &Script| -> usize {
        s.pieces
            .iter()
            .map(|p| match p {
                Piece::Text { text, .. } | Piece::SayAs { text, .. } => text.len(),
                Piece::Phonemes { ipa, text, .. } => ipa.len() + text.len(),
                _ => 0,
            })
            .sum()
    };
    assert!(
        size(&out) <= MAX_EXPANSION * size(&script) + 16,
        "output grew too much; input {input:?}"
    );
});
