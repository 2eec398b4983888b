//! Dictionary parsing from the API's JSON and from storage on arbitrary
//! input: never a panic, and whatever is accepted is valid, round-trips,
//! and can be applied.

#![no_main]

use hark_text::dictionary::{apply, Dictionary};
use hark_text::markup::Script;
use libfuzzer_sys::fuzz_target;

const SAMPLE: &str = "Hark, said the GIF of New York: don't a b C++ ß İ.";

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [
        Dictionary::from_api_json("id", "name", json),
        Dictionary::from_json(json),
    ] {
        let Ok(d) = parsed else { continue };
        assert!(d.validate().is_ok());
        let stored = d.to_json().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Dictionary::from_json(&stored).ok().as_ref(), Some(&d));
        let api = d.to_api_items();
        let again = Dictionary::from_api_items(d.id.clone(), d.name.clone(), api.items)
            .unwrap_or_else(|e| panic!("API round trip failed: {e}; {d:?}"));
        assert_eq!(again, d, "API round trip changed the dictionary");
        let out = apply(Script::plain(SAMPLE), &[&d]);
        if let Err(e) = out.check(SAMPLE) {
            panic!("{e}; {d:?}");
        }
        let both = apply(Script::plain(json), &[&d, &d]);
        if let Err(e) = both.check(json) {
            panic!("{e}; {d:?}");
        }
    }
});
