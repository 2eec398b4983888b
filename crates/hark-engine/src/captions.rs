//! Word timestamps as the API's JSON and as SRT / WebVTT captions.

use serde_json::{json, Value};

use crate::align::WordTiming;

/// `{"words": [...], "start": [...], "end": [...]}` (seconds), the API's shape.
pub fn word_timestamps_json(words: &[WordTiming]) -> Value {
    json!({
        "words": words.iter().map(|w| w.word.as_str()).collect::<Vec<_>>(),
        "start": words.iter().map(|w| round_ms(w.start)).collect::<Vec<_>>(),
        "end": words.iter().map(|w| round_ms(w.end)).collect::<Vec<_>>(),
    })
}

fn round_ms(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

/// Groups words into caption cues: at most `max_chars` per cue, a new cue
/// after a sentence's last word or a pause longer than 0.6 s.
fn cues(words: &[WordTiming], max_chars: usize) -> Vec<(f64, f64, String)> {
    let mut out: Vec<(f64, f64, String)> = Vec::new();
    let mut cur: Option<(f64, f64, String)> = None;
    for (i, w) in words.iter().enumerate() {
        let gap = i > 0 && w.start - words[i - 1].end > 0.6;
        if let Some(c) = &cur {
            if gap || c.2.len() + 1 + w.word.len() > max_chars {
                out.extend(cur.take());
            }
        }
        match &mut cur {
            Some(c) => {
                c.1 = w.end;
                c.2.push(' ');
                c.2.push_str(&w.word);
            }
            None => cur = Some((w.start, w.end, w.word.clone())),
        }
    }
    out.extend(cur);
    out
}

fn stamp(t: f64, sep: char) -> String {
    let ms = (t.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// SubRip captions.
pub fn to_srt(words: &[WordTiming]) -> String {
    cues(words, 42)
        .iter()
        .enumerate()
        .map(|(i, (a, b, t))| {
            format!(
                "{}\n{} --> {}\n{}\n",
                i + 1,
                stamp(*a, ','),
                stamp(*b, ','),
                t
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// WebVTT captions.
pub fn to_vtt(words: &[WordTiming]) -> String {
    let mut s = String::from("WEBVTT\n\n");
    for (a, b, t) in cues(words, 42) {
        s.push_str(&format!(
            "{} --> {}\n{}\n\n",
            stamp(a, '.'),
            stamp(b, '.'),
            t
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(word: &str, start: f64, end: f64) -> WordTiming {
        WordTiming {
            word: word.into(),
            text: 0..0,
            start,
            end,
        }
    }

    #[test]
    fn srt_and_vtt_have_their_shapes() {
        let words = vec![
            w("Hello", 0.1, 0.4),
            w("there.", 0.45, 0.9),
            w("Again", 2.0, 2.5),
        ];
        let srt = to_srt(&words);
        assert!(
            srt.starts_with("1\n00:00:00,100 --> 00:00:00,900\nHello there.\n"),
            "{srt}"
        );
        assert!(
            srt.contains("2\n00:00:02,000 --> 00:00:02,500\nAgain"),
            "{srt}"
        );
        let vtt = to_vtt(&words);
        assert!(
            vtt.starts_with("WEBVTT\n\n00:00:00.100 --> 00:00:00.900\nHello there.\n"),
            "{vtt}"
        );
        let j = word_timestamps_json(&words);
        assert_eq!(j["words"][2], "Again");
        assert_eq!(j["start"][1], 0.45);
    }
}
