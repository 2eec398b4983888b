//! Text that arrives in pieces (a language model's tokens), handed out in
//! speakable units as soon as they are known to be complete.
//!
//! The sentence rules of [`crate::segment`] decide an end by looking at the
//! token after it (`Dr. Smith` does not end at the period, `U.S. Army` does
//! not, `U.S. The` does), so a boundary is only trusted once the token after
//! it is whole, that is, once whitespace follows that token's start: a
//! half-arrived word (`A` of `Army`) could change the answer. A clause
//! boundary (`,` `;` `:` dashes followed by a space) does not depend on what
//! follows, so a clause is whole as soon as its punctuation and a space are
//! there.
//!
//! Callers ask for what is [`ready`](IncrementalSplitter::ready) after each
//! piece; `eager` (nothing is playing yet) also releases a first clause of a
//! few words, so that speech starts before the sentence ends. Text that runs
//! on without punctuation is released in phrase-sized pieces. Whatever is
//! left waits for more text, or for [`take_all`](IncrementalSplitter::take_all)
//! (a flush, the end of the turn).

use crate::segment::{chunk, split_clauses, split_sentences, Boundary};

/// Fewest words a clause needs to be spoken on its own before its sentence
/// ends: shorter pieces ("Well,") sound cut off, and gain little time.
pub const MIN_EAGER_WORDS: usize = 3;
/// Unpunctuated text longer than this (characters) is released in pieces
/// of about [`RUN_ON_PIECE_CHARS`] instead of waiting for a sentence end.
pub const RUN_ON_CHARS: usize = 200;
pub const RUN_ON_PIECE_CHARS: usize = 140;
/// A word that is capitalised, not an abbreviation and not a common
/// sentence opener: if a boundary holds before it, it holds before any
/// continuation but a lowercase one (which a sentence end rarely has).
const PROBE_WORD: &str = "Zebra";

#[derive(Debug, Default, Clone)]
pub struct IncrementalSplitter {
    buf: String,
}

impl IncrementalSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a piece of text as it arrived (spaces included: they are
    /// what tells a word is complete).
    pub fn push(&mut self, text: &str) {
        self.buf.push_str(text);
    }

    /// Whether nothing speakable is waiting (whitespace and lone
    /// punctuation are not).
    pub fn is_empty(&self) -> bool {
        split_sentences(&self.buf).is_empty()
    }

    /// Bytes waiting, speakable or not.
    pub fn pending_len(&self) -> usize {
        self.buf.len()
    }

    /// The complete units at the front of the buffer, removed from it, as
    /// one piece of text (it may hold several sentences); None when nothing
    /// is complete yet.
    pub fn ready(&mut self, eager: bool) -> Option<String> {
        let cut = self.ready_len(eager);
        (cut > 0).then(|| self.split_off_front(cut)).flatten()
    }

    /// Everything waiting, complete or not (None when nothing speakable).
    pub fn take_all(&mut self) -> Option<String> {
        let len = self.buf.len();
        self.split_off_front(len)
    }

    /// Drops what is waiting (a cancelled turn).
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// Removes the first `cut` bytes; returns them when they say anything.
    fn split_off_front(&mut self, cut: usize) -> Option<String> {
        let rest = self.buf.split_off(cut);
        let head = std::mem::replace(&mut self.buf, rest.trim_start().to_string());
        let head = head.trim();
        (!split_sentences(head).is_empty()).then(|| head.to_string())
    }

    /// How many bytes at the front are complete.
    fn ready_len(&self, eager: bool) -> usize {
        let buf = self.buf.as_str();
        // Everything before the last whitespace is whole tokens; the token
        // after it may still be growing.
        let Some(stable) = buf.rfind(char::is_whitespace) else {
            return 0;
        };
        let sentences = split_sentences(buf);
        // A sentence is complete when the one after it has a whole first
        // token (its end was decided on a token that will not change).
        let mut cut = 0;
        for pair in sentences.windows(2) {
            if pair[1].start < stable {
                cut = pair[0].end;
            } else {
                break;
            }
        }
        // The last sentence, when its end is whole (whitespace after it):
        // complete if any capitalised word that does not open sentences
        // would leave it ended (`now. ` yes; `Dr. `, `U.S. ` no: a name may
        // follow), or after a paragraph break.
        if let Some(last) = sentences.last() {
            let whole = last.end <= stable && buf[last.end..].trim().is_empty();
            if whole && last.end > cut {
                let probe = format!("{buf}{PROBE_WORD}");
                let ends = buf[last.end..].contains("\n\n")
                    || split_sentences(&probe)
                        .iter()
                        .any(|s| s.end == last.end && s.kind == Boundary::Sentence);
                if ends {
                    cut = last.end;
                }
            }
        }
        let rest = &buf[cut..];
        let rest_stable = stable.saturating_sub(cut);
        if eager {
            if let Some(n) = first_clauses(rest, rest_stable) {
                return cut + n;
            }
        }
        // Run-on text: release all but the last piece of what is whole.
        if rest.trim().chars().count() > RUN_ON_CHARS {
            let whole = &rest[..rest_stable];
            let pieces = chunk(whole, RUN_ON_PIECE_CHARS);
            if pieces.len() > 1 {
                return cut + pieces[pieces.len() - 2].end;
            }
        }
        cut
    }
}

/// Length of the shortest run of complete clauses at the start of `text`
/// that has at least [`MIN_EAGER_WORDS`] words, when there is one.
fn first_clauses(text: &str, stable: usize) -> Option<usize> {
    let clauses = split_clauses(text);
    let mut words = 0;
    // The last clause is still open: more may come after it.
    for (seg, _) in clauses.iter().take(clauses.len().saturating_sub(1)) {
        if seg.kind != Boundary::Clause || seg.end > stable {
            return None;
        }
        words += seg.text(text).split_whitespace().count();
        if words >= MIN_EAGER_WORDS {
            return Some(seg.end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `pieces` one by one and collects what is released after each.
    fn feed(pieces: &[&str], eager: bool) -> (Vec<String>, IncrementalSplitter) {
        let mut s = IncrementalSplitter::new();
        let mut out = Vec::new();
        for p in pieces {
            s.push(p);
            if let Some(r) = s.ready(eager) {
                out.push(r);
            }
        }
        (out, s)
    }

    #[test]
    fn a_sentence_waits_for_the_next_whole_token() {
        let (out, mut s) = feed(&["Hello", " there", ".", " How", " are"], false);
        assert_eq!(out, vec!["Hello there."]);
        assert_eq!(s.take_all().as_deref(), Some("How are"));
        assert!(s.take_all().is_none());
    }

    #[test]
    fn a_plain_sentence_end_followed_by_a_space_is_complete() {
        let (out, _) = feed(&["All done", " now.", " "], false);
        assert_eq!(out, vec!["All done now."]);
        let (out, _) = feed(&["Really?", " "], false);
        assert_eq!(out, vec!["Really?"]);
        // Without the space the word may go on ("now.5"? "now..."): wait.
        let (out, _) = feed(&["All done now."], false);
        assert!(out.is_empty(), "{out:?}");
        // Titles and initials may be followed by a name: wait.
        let (out, _) = feed(&["Please ask Dr. "], false);
        assert!(out.is_empty(), "{out:?}");
        let (out, _) = feed(&["He served in the U.S. "], false);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn a_final_period_alone_is_not_trusted() {
        let (out, mut s) = feed(&["It costs 3", ".", "5", " dollars."], false);
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(s.take_all().as_deref(), Some("It costs 3.5 dollars."));
    }

    #[test]
    fn a_half_arrived_word_does_not_decide_a_boundary() {
        // "U.S. A" would end the sentence ("A" opens sentences); "Army" does not.
        let (out, _) = feed(&["He joined the U.S.", " A"], false);
        assert!(out.is_empty(), "{out:?}");
        let (out, mut s) = feed(&["He joined the U.S.", " Army", " in 1990."], false);
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(
            s.take_all().as_deref(),
            Some("He joined the U.S. Army in 1990.")
        );
    }

    #[test]
    fn titles_do_not_end_sentences() {
        let (out, _) = feed(&["Ask Dr.", " Smith", " today"], false);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn eager_releases_a_first_clause_of_a_few_words() {
        let (out, s) = feed(&["Sure thing, my", " friend, let", " me", " check"], true);
        assert_eq!(out, vec!["Sure thing, my friend,"]);
        assert_eq!(s.buf, "let me check");
        // Too short on its own: waits.
        let (out, _) = feed(&["Well,", " I", " think"], true);
        assert!(out.is_empty(), "{out:?}");
        // Not eager: clauses wait for the sentence.
        let (out, _) = feed(&["Sure thing, my", " friend, let", " me", " check"], false);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn several_sentences_come_out_together() {
        // "Three?" waits until the word after it is whole.
        let (out, mut s) = feed(&["One. Two! Three? Four"], false);
        assert_eq!(out, vec!["One. Two!"]);
        s.push(" score");
        assert_eq!(s.ready(false).as_deref(), Some("Three?"));
    }

    #[test]
    fn run_on_text_is_released_in_pieces() {
        let words: Vec<String> = (0..80).map(|i| format!(" word{i}")).collect();
        let pieces: Vec<&str> = words.iter().map(String::as_str).collect();
        let (out, mut s) = feed(&pieces, false);
        assert!(!out.is_empty());
        for o in &out {
            assert!(o.chars().count() <= RUN_ON_PIECE_CHARS + 10, "{o}");
        }
        // Nothing lost or repeated.
        let mut all = out.join(" ");
        all.push(' ');
        all.push_str(&s.take_all().unwrap_or_default());
        assert_eq!(
            all.split_whitespace().collect::<Vec<_>>(),
            words.iter().map(|w| w.trim()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn whitespace_and_punctuation_alone_are_empty() {
        let mut s = IncrementalSplitter::new();
        s.push("   ");
        assert!(s.is_empty());
        assert!(s.ready(true).is_none());
        s.push(" ... ");
        assert!(s.is_empty());
        assert!(s.take_all().is_none());
    }

    #[test]
    fn a_paragraph_break_ends_a_sentence() {
        let (out, _) = feed(&["First part\n\n"], false);
        assert_eq!(out, vec!["First part"]);
    }

    proptest::proptest! {
        /// Whatever the pieces, everything pushed comes out once, in order.
        #[test]
        fn nothing_is_lost_or_repeated(text in "[A-Za-z ,.!?]{0,200}", cuts in proptest::collection::vec(0usize..200, 0..20), eager: bool) {
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|&c| c < text.len()).collect();
            cuts.sort_unstable();
            cuts.dedup();
            let mut s = IncrementalSplitter::new();
            let mut out = Vec::new();
            let mut at = 0;
            for c in cuts.into_iter().chain([text.len()]) {
                s.push(&text[at..c]);
                at = c;
                out.extend(s.ready(eager));
            }
            out.extend(s.take_all());
            let said: String = out.join(" ");
            let squash = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
            proptest::prop_assert_eq!(squash(&said), squash(&text));
        }
    }
}
