//! Word timestamps from phoneme durations.
//!
//! A Piper voice reports how many frames each phoneme id lasts (see
//! [`crate::piper::Inference::durations`]). Phonemes are made clause by
//! clause, so each clause's stretch of ids is known exactly; inside a
//! clause, espeak-ng may merge words ("of the" -> "ʌvðə"), so the clause's
//! phonemes are shared among its words in proportion to the phonemes each
//! word has on its own. That is exact at clause edges and within a phoneme
//! inside them.

use std::ops::Range;

use crate::piper::{PiperConfig, PAD_SYMBOL};

/// A word of the text and when it is spoken, relative to the chunk's start.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WordTiming {
    pub word: String,
    /// Byte range in the request text.
    #[serde(skip)]
    pub text: Range<usize>,
    pub start: f64,
    pub end: f64,
}

/// What alignment needs to know about one clause.
#[derive(Debug, Clone)]
pub struct ClauseIds {
    /// Range of the clause's ids in the utterance's id sequence.
    pub ids: Range<usize>,
    /// Words of the clause: byte range in the request text, and weight
    /// (phonemes of the word said alone).
    pub words: Vec<(Range<usize>, usize)>,
}

/// Which ids are speech (a phoneme), as opposed to pad, space or punctuation.
pub fn speech_mask(config: &PiperConfig, ids: &[i64]) -> Vec<bool> {
    let silent: Vec<i64> = [
        PAD_SYMBOL, "^", "$", " ", ",", ".", ";", ":", "!", "?", "-", "(", ")", "'", "\"",
    ]
    .iter()
    .filter_map(|s| config.phoneme_id_map.get(*s))
    .flatten()
    .copied()
    .collect();
    ids.iter().map(|id| !silent.contains(id)).collect()
}

/// Word times (seconds) for one inference; `word` is left empty for the
/// caller, who holds the text the ranges point into.
pub fn align(
    clauses: &[ClauseIds],
    is_speech: &[bool],
    durations: &[f32],
    audio_len: usize,
    sample_rate: u32,
) -> Vec<WordTiming> {
    let total: f64 = durations.iter().map(|&d| d.max(0.0) as f64).sum();
    if total <= 0.0 || durations.len() != is_speech.len() {
        return Vec::new();
    }
    let secs_per_frame = audio_len as f64 / total / sample_rate as f64;
    // Start time of each id.
    let mut starts = Vec::with_capacity(durations.len() + 1);
    let mut t = 0.0;
    for &d in durations {
        starts.push(t);
        t += d.max(0.0) as f64 * secs_per_frame;
    }
    starts.push(t);

    let mut out = Vec::new();
    for clause in clauses {
        let end = clause.ids.end.min(is_speech.len());
        let phones: Vec<usize> = (clause.ids.start.min(end)..end)
            .filter(|&i| is_speech[i])
            .collect();
        let weight: usize = clause.words.iter().map(|(_, w)| (*w).max(1)).sum();
        if phones.is_empty() || weight == 0 {
            continue;
        }
        let mut acc = 0usize;
        for (range, w) in &clause.words {
            let first = acc * phones.len() / weight;
            acc += (*w).max(1);
            let last = (acc * phones.len() / weight)
                .max(first + 1)
                .min(phones.len());
            let (a, b) = (phones[first.min(phones.len() - 1)], phones[last - 1]);
            // A phoneme's time runs on through the pad that follows it.
            let end_id = if b + 1 < is_speech.len() && !is_speech[b + 1] {
                b + 2
            } else {
                b + 1
            };
            out.push(WordTiming {
                word: String::new(),
                text: range.clone(),
                start: starts[a],
                end: starts[end_id.min(starts.len() - 1)],
            });
        }
    }
    out
}

/// Joins neighbouring timings that speak the same piece of the user's text
/// ("$5" -> "five dollars" is one word of theirs).
pub fn merge_same_source(words: Vec<WordTiming>) -> Vec<WordTiming> {
    let mut out: Vec<WordTiming> = Vec::with_capacity(words.len());
    for w in words {
        match out.last_mut() {
            Some(last) if last.text == w.text => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_share_a_clause_in_proportion() {
        // ids: ^ _ a _ b _ " " _ c _ d _ $   (speech: a b c d)
        let is_speech = vec![
            false, false, true, false, true, false, false, false, true, false, true, false, false,
        ];
        let durations = vec![1.0; 13];
        let clauses = vec![ClauseIds {
            ids: 0..13,
            words: vec![(0..2, 2), (3..5, 2)],
        }];
        let w = align(&clauses, &is_speech, &durations, 13 * 100, 100);
        assert_eq!(w.len(), 2);
        assert_eq!(w[1].text, 3..5);
        assert!(
            (w[0].start - 2.0).abs() < 1e-9 && (w[0].end - 6.0).abs() < 1e-9,
            "{:?}",
            w[0]
        );
        assert!(
            (w[1].start - 8.0).abs() < 1e-9 && (w[1].end - 12.0).abs() < 1e-9,
            "{:?}",
            w[1]
        );
    }
}
