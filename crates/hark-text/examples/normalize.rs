//! Prints what the normalizer makes of each line of stdin:
//! `cargo run --release -p hark-text --example normalize [-- LANG]`.

use std::io::BufRead;

fn main() {
    let tag = std::env::args().nth(1).unwrap_or_else(|| "en-US".into());
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let n = hark_text::normalize::normalize_tagged(&line, &tag);
        println!("{line}\n  -> {}", n.text);
    }
}
