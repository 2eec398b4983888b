use fdk_aac::enc::*;
fn main() {
    let rates = [8000u32, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];
    for &r in &rates {
        for k in [8u32, 16, 24, 32, 48, 64, 96, 128, 144, 160, 192, 256, 288, 320] {
            let enc = match Encoder::new(EncoderParams { bit_rate: BitRate::Cbr(k * 1000), sample_rate: r, transport: Transport::Adts, channels: ChannelMode::Mono, audio_object_type: AudioObjectType::Mpeg4LowComplexity }) { Ok(e) => e, Err(e) => { println!("{r} {k}: err {e}"); continue } };
            let info = enc.info().unwrap();
            let pcm: Vec<i16> = (0..r as usize * 4).map(|n| (((n as f32 * 0.05).sin() + (n as f32*0.31).sin()*0.5) * 10000.0) as i16).collect();
            let mut out = Vec::new(); let mut buf = vec![0u8; info.maxOutBufBytes as usize];
            let mut frames = 0;
            for chunk in pcm.chunks(info.frameLength as usize) {
                let mut rest = chunk;
                loop {
                    let i = enc.encode(rest, &mut buf).unwrap();
                    if i.output_size > 0 { frames += 1; out.extend_from_slice(&buf[..i.output_size]); }
                    rest = &rest[i.input_consumed..];
                    if rest.is_empty() { break; }
                    if i.input_consumed == 0 && i.output_size == 0 { println!("stuck"); break; }
                }
            }
            let secs = frames as f64 * info.frameLength as f64 / r as f64;
            println!("{r} req {k}: framelen {} delay {} encdelay {} maxout {} frames {frames} kbps {:.1}", info.frameLength, info.nDelay, info.nDelayCore, info.maxOutBufBytes, out.len() as f64 * 8.0 / secs / 1000.0);
        }
    }
}
