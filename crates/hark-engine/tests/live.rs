//! The live session on the real voice: text in pieces, audio per clause,
//! contexts side by side, cancel, exactly one Done per context.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hark_engine::live::{LiveConfig, LiveEvent, LiveSession, OpenGate};
use hark_engine::{Engine, EngineConfig, ErrorCode, SynthesisRequest};

fn home() -> PathBuf {
    std::env::var_os("HARK_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.hark"))
}

fn engine() -> Arc<Engine> {
    let mut c = EngineConfig::new(home());
    c.espeak_voices = false;
    c.kokoro_dir = None;
    Arc::new(Engine::new(c).unwrap())
}

fn joe() -> SynthesisRequest {
    let mut r = SynthesisRequest::new("");
    r.voice = Some("joe".into());
    r.word_timestamps = true;
    r
}

fn session(max_contexts: usize) -> (LiveSession, flume::Receiver<LiveEvent>) {
    LiveSession::new(
        engine(),
        Arc::new(OpenGate),
        LiveConfig {
            max_contexts,
            ..LiveConfig::default()
        },
    )
}

fn next(rx: &flume::Receiver<LiveEvent>) -> LiveEvent {
    rx.recv_timeout(Duration::from_secs(30))
        .expect("an event within 30 s")
}

/// Events until the Done of `serial` (included).
fn until_done(rx: &flume::Receiver<LiveEvent>, serial: u64) -> Vec<LiveEvent> {
    let mut out = Vec::new();
    loop {
        let e = next(rx);
        let done = matches!(&e, LiveEvent::Done { serial: s, .. } if *s == serial);
        out.push(e);
        if done {
            return out;
        }
    }
}

fn audio_seconds(events: &[LiveEvent], serial: u64) -> f64 {
    events
        .iter()
        .map(|e| match e {
            LiveEvent::Audio {
                serial: s,
                samples,
                sample_rate,
                ..
            } if *s == serial => samples.len() as f64 / *sample_rate as f64,
            _ => 0.0,
        })
        .sum()
}

#[test]
fn a_clause_speaks_before_the_turn_ends() {
    let (mut s, rx) = session(4);
    let c = s.open("a", joe()).unwrap();
    for piece in ["Thanks for calling", " the front desk,", " how", " may"] {
        s.text("a", piece, false, None).unwrap();
    }
    // The first clause is complete: its audio comes without a close.
    match next(&rx) {
        LiveEvent::Audio { serial, words, .. } => {
            assert_eq!(serial, c);
            let said: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
            assert_eq!(said.first(), Some(&"Thanks"), "{said:?}");
            assert!(!said.contains(&"how"), "the open clause waits: {said:?}");
        }
        other => panic!("expected audio, got {other:?}"),
    }
    s.text("a", " I help you today?", false, None).unwrap();
    s.close("a");
    let events = until_done(&rx, c);
    let words: Vec<String> = events
        .iter()
        .flat_map(|e| match e {
            LiveEvent::Audio { words, .. } => words.iter().map(|w| w.word.clone()).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(words.last().map(String::as_str), Some("today"), "{words:?}");
    // Word times run on across utterances (from the context's start).
    let times: Vec<f64> = events
        .iter()
        .flat_map(|e| match e {
            LiveEvent::Audio { words, .. } => words.iter().map(|w| w.start).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(times.last().copied().unwrap_or(0.0) > 1.0, "{times:?}");
}

#[test]
fn whitespace_never_speaks_and_done_comes_once() {
    let (mut s, rx) = session(4);
    let c = s.open("k", joe()).unwrap();
    s.text("k", " ", false, None).unwrap();
    s.text("k", "  ", true, None).unwrap();
    assert!(s.close("k").is_some());
    assert!(s.close("k").is_none(), "a second close finds nothing open");
    let events = until_done(&rx, c);
    assert_eq!(events.len(), 1, "only Done: {events:?}");
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
}

#[test]
fn contexts_interleave_each_in_order() {
    let (mut s, rx) = session(4);
    let a = s.open("a", joe()).unwrap();
    let b = s.open("b", joe()).unwrap();
    s.text("a", "First context, first sentence. ", false, None)
        .unwrap();
    s.text("b", "Second context speaks too. ", false, None)
        .unwrap();
    s.text("a", "And then a second sentence.", true, None)
        .unwrap();
    s.close("a");
    s.close("b");
    let mut done = Vec::new();
    let mut seen = Vec::new();
    while done.len() < 2 {
        let e = next(&rx);
        match &e {
            LiveEvent::Done { serial, .. } => done.push(*serial),
            LiveEvent::Audio { serial, .. } => {
                assert!(!done.contains(serial), "audio after its Done");
            }
            LiveEvent::Error { error, .. } => panic!("{error}"),
            LiveEvent::UtteranceEnd { serial, .. } => {
                assert!(!done.contains(serial), "utterance end after its Done");
            }
        }
        seen.push(e);
    }
    assert!(audio_seconds(&seen, a) > 2.0);
    assert!(audio_seconds(&seen, b) > 1.0);
}

#[test]
fn cancel_stops_a_long_turn_at_once() {
    let (mut s, rx) = session(4);
    let c = s.open("long", joe()).unwrap();
    let long = "This sentence is one of many that make a long turn of speech. ".repeat(20);
    s.text("long", &long, true, None).unwrap();
    // Wait for the first audio, then barge in.
    let mut before = 0.0;
    loop {
        if let LiveEvent::Audio {
            samples,
            sample_rate,
            ..
        } = next(&rx)
        {
            before += samples.len() as f64 / sample_rate as f64;
            break;
        }
    }
    let t = Instant::now();
    assert_eq!(s.cancel("long"), vec![c]);
    let events = until_done(&rx, c);
    let waited = t.elapsed();
    assert!(matches!(
        events.last(),
        Some(LiveEvent::Done {
            cancelled: true,
            ..
        })
    ));
    // What was queued before the cancel may still arrive (the caller
    // drops it by serial), but synthesis stopped: far less than the turn.
    let after = audio_seconds(&events, c);
    assert!(
        before + after < 20.0,
        "{before} + {after} s of a ~70 s turn"
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    // The name is free again, and a new context of it speaks.
    let c2 = s.open("long", joe()).unwrap();
    assert_ne!(c2, c);
    s.text("long", "Back again.", true, None).unwrap();
    s.close("long");
    assert!(audio_seconds(&until_done(&rx, c2), c2) > 0.3);
}

#[test]
fn bad_voice_and_too_many_contexts_are_errors() {
    let (mut s, _rx) = session(2);
    let mut bad = joe();
    bad.voice = Some("no-such-voice".into());
    let e = s.open("x", bad).unwrap_err();
    assert_eq!(e.code(), ErrorCode::VoiceNotFound);
    s.open("a", joe()).unwrap();
    s.open("b", joe()).unwrap();
    let e = s.open("c", joe()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.to_string().contains("too many contexts"), "{e}");
    assert!(s.open("a", joe()).is_err(), "already open");
}

#[test]
fn a_reused_name_speaks_after_its_predecessor_and_cancel_stops_both() {
    let (mut s, rx) = session(8);
    let first = s.open("call", joe()).unwrap();
    s.text("call", "The first utterance of the call.", true, None)
        .unwrap();
    s.close("call");
    let second = s.open("call", joe()).unwrap();
    s.text("call", "The second one comes after it.", true, None)
        .unwrap();
    s.close("call");
    // In order: all of the first, its Done, then the second.
    let mut order = Vec::new();
    loop {
        match next(&rx) {
            LiveEvent::Audio { serial, .. } => order.push(serial),
            LiveEvent::Done { serial, .. } => {
                order.push(serial + 1000);
                if serial == second {
                    break;
                }
            }
            _ => {}
        }
    }
    let done_first = order.iter().position(|&x| x == first + 1000).unwrap();
    assert!(order[..done_first].iter().all(|&x| x == first), "{order:?}");
    assert!(order[done_first + 1..].contains(&second), "{order:?}");
    // Queued twice, cancelled at once: both stop, both end.
    let long = "One of many sentences in a long answer. ".repeat(20);
    let a = s.open("call", joe()).unwrap();
    s.text("call", &long, true, None).unwrap();
    s.close("call");
    let b = s.open("call", joe()).unwrap();
    s.text("call", &long, true, None).unwrap();
    // (The earlier context may not have quite ended: it can be in the list.)
    let stopped = s.cancel("call");
    assert!(stopped.contains(&a) && stopped.contains(&b), "{stopped:?}");
    let events = until_done(&rx, b);
    assert!(events
        .iter()
        .any(|e| matches!(e, LiveEvent::Done { serial, cancelled: true, .. } if *serial == a)));
    assert!(audio_seconds(&events, b) < 5.0);
}
