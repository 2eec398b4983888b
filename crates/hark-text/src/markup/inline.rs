//! Plain text with inline pronunciations: `[word](/IPA/)`.
//!
//! The form borrows Markdown's link syntax because people already know it
//! and it survives copy-paste; the slashes are the usual way to write a
//! phonemic transcription. Only links whose target is entirely `/…/` *and*
//! passes [`check_ipa`] are pronunciations; every other bracket or link
//! (`[1]`, `[docs](https://…)`, `[v2](/api/v2/)`) stays text for the
//! normalizer, so ordinary prose is never rejected.

use std::ops::Range;

use super::script::{Piece, Script, SourceMap};
use super::ssml::strip_slashes;
use super::{check_ipa, tidy, MarkupError, MAX_IPA_CHARS, MAX_PIECES};

/// Longest word (in chars) between the brackets: a few words at most, and
/// a bound on how far we look for the closing bracket, which keeps the
/// scan linear on text full of `[`.
const MAX_LINK_WORD_CHARS: usize = 100;

pub(super) fn parse(input: &str) -> Result<Script, MarkupError> {
    let mut pieces = Vec::new();
    // Start of the plain text not yet emitted.
    let mut plain = 0usize;
    let mut i = 0usize;
    while let Some(off) = input.get(i..).and_then(|s| s.find('[')) {
        let open = i + off;
        let Some(link) = link_at(input, open) else {
            i = open + 1;
            continue;
        };
        if pieces.len() + 2 > MAX_PIECES {
            return Err(MarkupError::at(
                input,
                open,
                format!("too many inline pronunciations: more than {MAX_PIECES} pieces"),
            ));
        }
        if open > plain {
            pieces.extend(text_piece(input, plain..open));
        }
        pieces.push(Piece::Phonemes {
            ipa: link.ipa,
            text: input.get(link.word.clone()).unwrap_or("").to_owned(),
            source: link.word,
        });
        plain = link.end;
        i = link.end;
    }
    if plain < input.len() {
        pieces.extend(text_piece(input, plain..input.len()));
    }
    Ok(Script {
        pieces: tidy(pieces),
    })
}

fn text_piece(input: &str, range: Range<usize>) -> Option<Piece> {
    let text = input.get(range.clone())?;
    Some(Piece::Text {
        text: text.to_owned(),
        map: SourceMap::exact(text.len(), range.start),
        source: range,
    })
}

struct Link {
    /// The written word, trimmed.
    word: Range<usize>,
    ipa: String,
    /// Byte just past the closing `)`.
    end: usize,
}

/// The pronunciation link starting at the `[` at byte `open`, if any.
fn link_at(input: &str, open: usize) -> Option<Link> {
    let word_start = open + 1;
    let rest = input.get(word_start..)?;
    let (close, c) = rest
        .char_indices()
        .take(MAX_LINK_WORD_CHARS + 1)
        .find(|&(_, c)| matches!(c, ']' | '[' | '\n' | '\r'))?;
    if c != ']' {
        return None;
    }
    let word = trim(input, word_start..word_start + close)?;
    let target_start = word_start + close + 1;
    let target = input.get(target_start..)?.strip_prefix("(/")?;
    // Up to the closing `/` of the transcription, which `)` must follow.
    let (slash, c) = target
        .char_indices()
        .take(MAX_IPA_CHARS + 2)
        .find(|&(_, c)| matches!(c, '/' | '(' | ')' | '[' | ']' | '\n' | '\r'))?;
    if c != '/' || !target.get(slash + 1..)?.starts_with(')') {
        return None;
    }
    let ipa = strip_slashes(target.get(..slash)?);
    check_ipa(ipa).ok()?;
    Some(Link {
        word,
        ipa: ipa.to_owned(),
        // "(/" + transcription + "/)"
        end: target_start + 2 + slash + 2,
    })
}

/// `range` without surrounding whitespace; `None` if nothing is left.
fn trim(input: &str, range: Range<usize>) -> Option<Range<usize>> {
    let s = input.get(range.clone())?;
    let start = range.start + (s.len() - s.trim_start().len());
    let t = s.trim();
    (!t.is_empty()).then(|| start..start + t.len())
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Piece, Script};

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

    fn ok(input: &str) -> Script {
        let s = parse(input).unwrap();
        s.check(input).unwrap();
        s
    }

    #[test]
    fn inline_ipa() {
        let input = "Say [tomato](/təˈmɑːtoʊ/) please";
        let s = ok(input);
        assert_eq!(show(&s), ["T:Say ", "P:tomato=təˈmɑːtoʊ", "T: please"]);
        assert_eq!(&input[s.pieces[1].source()], "tomato");
        assert_eq!(&input[s.pieces[2].source()], " please");
        assert_eq!(s.to_text(), "Say tomato please");
    }

    #[test]
    fn several_links_multiword_and_edges() {
        let input = "[New York](/nuː ˈjɔːrk/) and [ GIF ](/dʒɪf/).";
        let s = ok(input);
        assert_eq!(
            show(&s),
            ["P:New York=nuː ˈjɔːrk", "T: and ", "P:GIF=dʒɪf", "T:."]
        );
        assert_eq!(&input[s.pieces[2].source()], "GIF");
        let s = ok("[a](/ə/)[b](/b/)");
        assert_eq!(show(&s), ["P:a=ə", "P:b=b"]);
    }

    #[test]
    fn ordinary_links_and_brackets_stay_text() {
        for input in [
            "See [docs](https://example.com) now",
            "Footnote [1] here",
            "[v2](/api/v2/) and [x](/a-b/)",
            "[x](/h3llo/)",
            "[](/ə/)",
            "[  ](/ə/)",
            "[x](/ə/ )",
            "[x] (/ə/)",
            "[x](/ə)",
            "[x](ə/)",
            "[x](//)",
            "[[x](/ə/",
            "[line\nbreak](/ə/)",
            "unbalanced ] [ [ (/ /)",
        ] {
            let s = ok(input);
            assert_eq!(s, Script::plain(input), "{input}");
        }
        // The inner link of "[[x](/ə/)" is still found.
        assert_eq!(show(&ok("[[x](/ə/)")), ["T:[", "P:x=ə"]);
    }

    #[test]
    fn plain_text_round_trips() {
        let input = "Hello, world. It costs $5.\n\nNew paragraph.";
        assert_eq!(ok(input), Script::plain(input));
        assert_eq!(ok("").pieces, []);
    }

    #[test]
    fn many_brackets_are_linear() {
        let input = "[".repeat(200_000) + &"]".repeat(200_000);
        let t = std::time::Instant::now();
        ok(&input);
        let input = "[a](/".repeat(50_000);
        ok(&input);
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
    }

    #[test]
    fn too_many_links() {
        let input = "[a](/ə/) ".repeat(super::MAX_PIECES);
        let e = parse(&input).unwrap_err();
        assert!(e.message.contains("too many"), "{e}");
    }
}
