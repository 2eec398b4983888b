//! A voice's inference sessions and how a chunk picks one.
//!
//! Each voice gets one wide session (all cores, spinning threads) for a
//! lone inference and a pool of narrow (1-thread) ones for parallel
//! inferences, chosen per chunk by current load (see `EngineConfig::new`
//! for the measurements). A session is the voice split in two where its
//! graph allows ([`crate::split`]): the front gives the durations and the
//! decoder input at once, so the first audio can be decoded from a few
//! frames while the rest of the sentence follows.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::piper::{PiperSession, Scales};
use crate::pool::{Lease, Pool};
use crate::split::SplitVoice;
use crate::EngineError;

/// Decoder context per side, in frames: past the decoder's receptive field
/// (~10 frames), so windows join as if decoded whole (error < 1e-6).
const CONTEXT_FRAMES: usize = 11;
/// Windows of the first chunk in low-latency mode: a tiny first one for
/// the first audio, a second that covers the time the rest takes.
const FIRST_WINDOWS: [usize; 2] = [10, 40];

/// One loaded voice graph.
pub enum VoiceModel {
    /// Front and decoder apart: audio can start within a sentence.
    Split(SplitVoice),
    /// The graph could not be split: whole sentences only.
    Whole(PiperSession),
}

/// Receives each piece of audio of one utterance, in order: samples, the
/// phoneme durations (with the first piece only) and the utterance's total
/// samples. Returns false to stop (the client went away).
pub type Emit<'a> = dyn FnMut(Vec<f32>, Option<&[f32]>, usize) -> bool + 'a;

impl VoiceModel {
    /// Loads the voice split when asked and its graph allows, else whole.
    #[allow(clippy::result_large_err)]
    pub fn load(
        env: &ort::environment::Environment,
        onnx: &std::path::Path,
        threads: usize,
        spin: bool,
        split: bool,
    ) -> Result<Self, EngineError> {
        if !split {
            return Ok(VoiceModel::Whole(PiperSession::load(
                env, onnx, threads, spin,
            )?));
        }
        match SplitVoice::load_with(env, onnx, threads, spin) {
            Ok(v) => Ok(VoiceModel::Split(v)),
            Err(e) => {
                tracing::info!(path = %onnx.display(), "voice not split ({e}): audio comes a sentence at a time");
                Ok(VoiceModel::Whole(PiperSession::load(
                    env, onnx, threads, spin,
                )?))
            }
        }
    }

    pub fn is_split(&self) -> bool {
        matches!(self, VoiceModel::Split(_))
    }

    /// Synthesizes one utterance. With `low_latency` (and a split voice)
    /// the audio comes in windows, the first after a few frames; otherwise
    /// in one piece, exactly what the unsplit graph would give.
    pub fn run(
        &mut self,
        ids: &[i64],
        scales: Scales,
        speaker: Option<i64>,
        low_latency: bool,
        emit: &mut Emit<'_>,
    ) -> Result<(), EngineError> {
        match self {
            VoiceModel::Whole(s) => {
                let out = s.infer(ids, scales, speaker)?;
                let n = out.audio.len();
                emit(out.audio, out.durations.as_deref(), n);
                Ok(())
            }
            VoiceModel::Split(v) => {
                let front = v.front(ids, scales, speaker)?;
                let total = front.frames * v.hop();
                let mut durations = Some(front.durations.clone());
                let mut start = 0;
                let windows: &[usize] = if low_latency { &FIRST_WINDOWS } else { &[] };
                for &w in windows {
                    // Only worth it while enough of the utterance remains.
                    if start + w + CONTEXT_FRAMES >= front.frames {
                        break;
                    }
                    let audio = v.decode(&front, start..start + w, CONTEXT_FRAMES)?;
                    if !emit(audio, durations.take().as_deref(), total) {
                        return Ok(());
                    }
                    start += w;
                }
                // The rest in one call: with `start` 0 this is the whole z,
                // bit for bit the unsplit graph's output.
                let context = if start == 0 { 0 } else { CONTEXT_FRAMES };
                let audio = v.decode(&front, start..front.frames, context)?;
                emit(audio, durations.take().as_deref(), total);
                Ok(())
            }
        }
    }
}

/// One model's sessions (see the module doc): a wide one for a lone
/// inference and narrow 1-thread ones for parallel inferences, picked per
/// inference by the current load. Piper voices ([`VoiceSessions`]) and
/// Kokoro ([`crate::kokoro::KokoroSessions`]) both run on it.
pub struct Sessions<M> {
    wide: Option<Mutex<Option<M>>>,
    narrow: Option<Pool<M>>,
    /// Inferences running now, on either kind.
    active: AtomicUsize,
    make_wide: Box<dyn Fn() -> Result<M, EngineError> + Send + Sync>,
}

/// A session on loan for one inference.
enum SessionLease<'a, M> {
    Wide(std::sync::MutexGuard<'a, Option<M>>),
    Narrow(Lease<'a, M>),
}

/// Counts an inference as active for as long as it lives.
struct ActiveGuard<'a>(&'a AtomicUsize);

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl<M: 'static> Sessions<M> {
    /// `load(threads, spin)` makes one session: the wide one with
    /// `wide_threads` (0: the environment's shared pool, when `shared`) and
    /// spinning threads, the `narrow` ones with one thread each.
    pub fn new(
        wide_threads: usize,
        narrow: usize,
        shared: bool,
        load: impl Fn(usize, bool) -> Result<M, EngineError> + Send + Sync + 'static,
    ) -> Self {
        let load = std::sync::Arc::new(load);
        let narrow_load = load.clone();
        Sessions {
            wide: (wide_threads > 0).then(|| Mutex::new(None)),
            narrow: (narrow > 0).then(|| Pool::new(narrow, move || narrow_load(1, false))),
            active: AtomicUsize::new(0),
            make_wide: Box::new(move || load(if shared { 0 } else { wide_threads }, true)),
        }
    }

    /// Runs `f` on the best session for the current load; `priority`
    /// orders waiters (the chunk's number in its request).
    pub fn with<R>(
        &self,
        priority: u64,
        f: impl FnOnce(&mut M) -> Result<R, EngineError>,
    ) -> Result<R, EngineError> {
        let others = self.active.fetch_add(1, Ordering::SeqCst);
        let _active = ActiveGuard(&self.active);
        let mut lease = self.lease(others == 0, priority)?;
        let model = match &mut lease {
            SessionLease::Wide(g) => match g.as_mut() {
                Some(m) => m,
                None => return Err(EngineError::Inference("wide session missing".into())),
            },
            SessionLease::Narrow(l) => &mut **l,
        };
        f(model)
    }

    fn lease(&self, alone: bool, priority: u64) -> Result<SessionLease<'_, M>, EngineError> {
        let try_wide = alone || self.narrow.is_none();
        if let (true, Some(wide)) = (try_wide, &self.wide) {
            let guard = if self.narrow.is_none() {
                Some(wide.lock().unwrap_or_else(|p| p.into_inner()))
            } else {
                match wide.try_lock() {
                    Ok(g) => Some(g),
                    Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
                    Err(std::sync::TryLockError::WouldBlock) => None,
                }
            };
            if let Some(mut g) = guard {
                if g.is_none() {
                    *g = Some((self.make_wide)()?);
                }
                return Ok(SessionLease::Wide(g));
            }
        }
        match &self.narrow {
            Some(pool) => Ok(SessionLease::Narrow(pool.get(priority)?)),
            None => Err(EngineError::Inference("no sessions configured".into())),
        }
    }

    /// Loads the wide session and `narrow` narrow ones ahead of use and
    /// runs `f` once on each (the first run of a fresh session pays for
    /// memory planning).
    pub fn warm(
        &self,
        narrow: usize,
        mut f: impl FnMut(&mut M) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        if let Some(wide) = &self.wide {
            let mut g = wide.lock().unwrap_or_else(|p| p.into_inner());
            if g.is_none() {
                *g = Some((self.make_wide)()?);
            }
            if let Some(m) = g.as_mut() {
                f(m)?;
            }
        }
        if let Some(pool) = &self.narrow {
            let mut leases: Vec<_> = (0..narrow.min(pool.max()))
                .map(|_| pool.get(0))
                .collect::<Result<_, _>>()?;
            for l in leases.iter_mut() {
                f(l)?;
            }
        }
        Ok(())
    }
}

/// A Piper voice's sessions.
pub struct VoiceSessions(Sessions<VoiceModel>);

impl VoiceSessions {
    pub fn new(
        env: ort::environment::Environment,
        onnx: PathBuf,
        wide_threads: usize,
        narrow: usize,
        split: bool,
        shared: bool,
    ) -> Self {
        VoiceSessions(Sessions::new(
            wide_threads,
            narrow,
            shared,
            move |threads, spin| VoiceModel::load(&env, &onnx, threads, spin, split),
        ))
    }

    /// Runs one utterance on the best session for the current load;
    /// `priority` orders waiters (the chunk's number in its request).
    pub fn run(
        &self,
        ids: &[i64],
        scales: Scales,
        speaker: Option<i64>,
        priority: u64,
        low_latency: bool,
        emit: &mut Emit<'_>,
    ) -> Result<(), EngineError> {
        self.0
            .with(priority, |m| m.run(ids, scales, speaker, low_latency, emit))
    }

    /// Loads the sessions ahead of use and runs one utterance on each.
    pub fn warm(&self, narrow: usize, ids: &[i64], scales: Scales) -> Result<(), EngineError> {
        let mut sink = |_: Vec<f32>, _: Option<&[f32]>, _: usize| true;
        self.0
            .warm(narrow, |m| m.run(ids, scales, None, true, &mut sink))
    }
}
