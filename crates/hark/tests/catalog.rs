//! The voice library and model descriptions as the CLI shows them.

mod common;
use common::*;
use serde_json::Value;

#[test]
fn library_holds_a_hundred_voices_in_many_languages() {
    let v: Value = serde_json::from_slice(&ok(run(&["voices", "list", "--json"]))).unwrap();
    let voices = v.as_array().unwrap();
    assert!(voices.len() >= 100, "{} voices", voices.len());
    let mut langs: Vec<&str> = voices
        .iter()
        .filter_map(|v| v["languages"][0].as_str())
        .collect();
    langs.sort();
    langs.dedup();
    assert!(langs.len() >= 50, "{} languages", langs.len());
    // Ids are unique, and Joe is there.
    let mut ids: Vec<&str> = voices.iter().map(|v| v["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), voices.len());
    assert!(voices.iter().any(|v| v["name"] == "Joe"
        && v["model_id"] == "hark-piper-v1"
        && v["sample_rate"] == 22050));
}

#[test]
fn ids_are_stable_across_runs() {
    let a = ok(run(&["voices", "list", "--json"]));
    let b = ok(run(&["voices", "list", "--json"]));
    assert_eq!(a, b);
}

#[test]
fn model_info_lists_every_parameter_and_voice() {
    let m: Value =
        serde_json::from_slice(&ok(run(&["models", "info", "hark-piper-v1", "--json"]))).unwrap();
    let params = m["parameters"].as_array().unwrap();
    for name in [
        "text",
        "voice",
        "speed",
        "language",
        "speaker",
        "noise_scale",
        "noise_w",
        "container",
        "encoding",
        "sample_rate",
    ] {
        let p = params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no parameter {name}"));
        assert!(p["type"].is_string());
        assert!(p.get("default").is_some());
    }
    let speed = params.iter().find(|p| p["name"] == "speed").unwrap();
    assert_eq!(speed["min"], 0.25);
    assert_eq!(speed["max"], 4.0);
    assert_eq!(speed["default"], 1.0);
    assert!(m["voices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["name"] == "Joe"));
    let e: Value =
        serde_json::from_slice(&ok(run(&["models", "info", "hark-espeak-v1", "--json"]))).unwrap();
    assert!(e["voices"].as_array().unwrap().len() >= 100);
    let list = String::from_utf8(ok(run(&["models", "list"]))).unwrap();
    assert!(list.contains("hark-piper-v1") && list.contains("hark-espeak-v1"));
}

#[test]
fn voice_info_by_name_slug_and_id() {
    let by_name: Value =
        serde_json::from_slice(&ok(run(&["voices", "info", "Joe", "--json"]))).unwrap();
    let id = by_name["id"].as_str().unwrap();
    let by_id: Value = serde_json::from_slice(&ok(run(&["voices", "info", id, "--json"]))).unwrap();
    assert_eq!(by_name, by_id);
    let text = String::from_utf8(ok(run(&["voices", "info", "en-us+klatt"]))).unwrap();
    assert!(text.contains("hark-espeak-v1"), "{text}");
}
