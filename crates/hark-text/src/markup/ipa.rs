//! A plausibility check for user-written IPA.
//!
//! We cannot check that a string is *correct* IPA, and the voice model's
//! phoneme table differs per voice, so the engine drops symbols a voice does
//! not know. What we can catch early, with a message naming the character,
//! is input that is clearly not a transcription at all: digits, ASCII
//! punctuation, control characters, emoji, an X-SAMPA string such as
//! `t@"mA:toU` sent by mistake. Catching those here turns a silently
//! mispronounced word into a 400 the user can fix.

/// Longest accepted transcription, in chars: longer than any word needs,
/// short enough that a phoneme string cannot dominate a request.
pub const MAX_IPA_CHARS: usize = 200;

/// Checks that `ipa` (without surrounding slashes) plausibly is IPA.
///
/// Allowed: letters of any script (IPA symbols such as `ɑ ʃ θ ŋ ʔ` are
/// letters), combining diacritics (`̃ ̩ ͡`), spacing modifier letters
/// (`ʰ ʲ ˈ ˌ ː ˑ ˞`), the ASCII stress and syllable marks `'` and `.`,
/// the linking tie `‿`, intonation arrows and spaces between words.
/// Everything else, notably digits and other ASCII punctuation, is
/// rejected. The error message names the offending character.
pub fn check_ipa(ipa: &str) -> Result<(), String> {
    if ipa.trim().is_empty() {
        return Err("the IPA transcription is empty".into());
    }
    let n = ipa.chars().count();
    if n > MAX_IPA_CHARS {
        return Err(format!(
            "the IPA transcription is {n} characters long; the limit is {MAX_IPA_CHARS}"
        ));
    }
    if let Some(c) = ipa.chars().find(|&c| !is_ipa_char(c)) {
        let shown = if c.is_control() || c.is_whitespace() {
            format!("{:?}", c)
        } else {
            format!("'{c}'")
        };
        return Err(format!(
            "{shown} (U+{:04X}) is not an IPA symbol; write the pronunciation in IPA, \
             e.g. /təˈmɑːtoʊ/",
            c as u32
        ));
    }
    Ok(())
}

fn is_ipa_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic() || matches!(c, ' ' | '.' | '\'');
    }
    if c.is_numeric() || c.is_control() {
        return false;
    }
    c.is_alphabetic()
        || matches!(c,
            // Spacing modifier letters: stress, length, aspiration, ...
            '\u{02B0}'..='\u{02FF}'
            // Combining diacritics (nasal, syllabic, tie bar, ...).
            | '\u{0300}'..='\u{036F}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            // Linking tie, intonation arrows, up/down step.
            | '\u{203F}' | '\u{2197}' | '\u{2198}' | '\u{A71B}' | '\u{A71C}'
            // Non-breaking space between words.
            | '\u{00A0}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_transcriptions() {
        for ok in [
            "təˈmɑːtoʊ",
            "hɑːrk",
            "dʒɪf",
            "ˈnuː ˈjɔːrk",
            "t͡ʃ",
            "kʰæt",
            "ɹ̩",
            "bõ",
            "ˌɪnfərˈmeɪʃən",
            "a.b",
            "'hɛloʊ",
            "ʔuhʔuh",
            "ǀʼ",
            "ɫ",
            "ɚ˞",
            "βˠ",
        ] {
            assert!(check_ipa(ok).is_ok(), "{ok}: {:?}", check_ipa(ok));
        }
    }

    #[test]
    fn rejects_non_ipa() {
        for bad in [
            "",
            "  ",
            "t@\"mA:toU",
            "h3llo",
            "a/b",
            "a,b",
            "a-b",
            "x\u{0}",
            "😀",
            "a_b",
            "a(b)",
            "a\nb",
        ] {
            assert!(check_ipa(bad).is_err(), "{bad:?} accepted");
        }
        let msg = check_ipa("t@ma").unwrap_err();
        assert!(msg.contains("'@'"), "{msg}");
        assert!(check_ipa(&"a".repeat(MAX_IPA_CHARS + 1)).is_err());
    }
}
