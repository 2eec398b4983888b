//! `markup::parse` on arbitrary UTF-8, as is and wrapped in `<speak>` (so
//! that most inputs take the SSML path), checking that it never panics and
//! that what it returns keeps the promises the engine relies on.

#![no_main]

use hark_text::markup::{parse, Piece, MAX_PIECES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text);
    check(&format!("<speak>{text}</speak>"));
});

fn check(input: &str) {
    match parse(input) {
        Ok(script) => {
            if let Err(e) = script.check(input) {
                panic!("invalid script: {e}; input {input:?}");
            }
            assert!(script.pieces.len() <= MAX_PIECES);
            // Output is bounded by the input: entities only shrink, and an
            // alias or transcription is copied from an attribute.
            let out: usize = script
                .pieces
                .iter()
                .map(|p| match p {
                    Piece::Text { text, .. } | Piece::SayAs { text, .. } => text.len(),
                    Piece::Phonemes { ipa, text, .. } => ipa.len() + text.len(),
                    _ => 0,
                })
                .sum();
            assert!(
                out <= 2 * input.len() + 16,
                "{out} bytes of output for {} of input: {input:?}",
                input.len()
            );
            let flat = script.to_text();
            assert!(
                flat.len() <= 4 * input.len() + 16,
                "to_text grew: {input:?}"
            );
            let _ = script.blocks();
        }
        Err(e) => {
            assert!(e.position <= input.len(), "error position past the end");
            assert!(input.is_char_boundary(e.position), "error inside a char");
            assert!(e.line >= 1 && e.column >= 1);
            assert!(!e.message.is_empty());
        }
    }
}
