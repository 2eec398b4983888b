//! The normalizer on arbitrary bytes, in both languages and date orders:
//! no panic, valid word links, output bounded (see `normalize::fuzz_entry`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hark_text::normalize::fuzz_entry(data);
});
