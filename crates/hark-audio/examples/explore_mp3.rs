use mp3lame_encoder::{Bitrate, Builder, FlushGap, MonoPcm, Mode, Quality};
use std::num::NonZeroU32;
fn main() {
    let rates = [8000u32, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];
    let brs = [(Bitrate::Kbps8,8),(Bitrate::Kbps16,16),(Bitrate::Kbps24,24),(Bitrate::Kbps32,32),(Bitrate::Kbps40,40),(Bitrate::Kbps48,48),(Bitrate::Kbps64,64),(Bitrate::Kbps80,80),(Bitrate::Kbps96,96),(Bitrate::Kbps112,112),(Bitrate::Kbps128,128),(Bitrate::Kbps160,160),(Bitrate::Kbps192,192),(Bitrate::Kbps224,224),(Bitrate::Kbps256,256),(Bitrate::Kbps320,320)];
    for &r in &rates {
        let mut ok = vec![];
        for &(b, k) in &brs {
            let mut bld = Builder::new().unwrap();
            bld.set_num_channels(1).unwrap();
            bld.set_sample_rate(r).unwrap();
            bld.set_output_sample_rate(NonZeroU32::new(r)).unwrap();
            bld.set_brate(b).unwrap();
            bld.set_mode(Mode::Mono).unwrap();
            bld.set_quality(Quality::Good).unwrap();
            bld.set_to_write_vbr_tag(false).unwrap();
            let mut enc = match bld.build() { Ok(e) => e, Err(e) => { println!("{r} {k}: build err {e}"); continue } };
            let pcm: Vec<i16> = (0..r as usize * 2).map(|n| ((n as f32 * 0.05).sin() * 10000.0) as i16).collect();
            let mut out = Vec::new();
            out.reserve(mp3lame_encoder::max_required_buffer_size(pcm.len()));
            enc.encode_to_vec(MonoPcm(&pcm), &mut out).unwrap();
            out.reserve(7200);
            enc.flush_to_vec::<FlushGap>(&mut out).unwrap();
            // parse first frame header
            let h = &out[..4];
            let ver = (h[1] >> 3) & 3; let bri = h[2] >> 4; let sri = (h[2] >> 2) & 3;
            let measured = out.len() as f64 * 8.0 / 2.0 / 1000.0;
            println!("{r} req {k}: ver {ver} bri {bri} sri {sri} size-kbps {measured:.1}");
            ok.push(k);
        }
    }
}
