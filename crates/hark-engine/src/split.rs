//! Splitting a Piper VITS voice into a front (text encoder, duration
//! predictor, flow) and a decoder (the HiFi-GAN vocoder), so that audio can
//! start before a whole sentence has been vocoded.
//!
//! Why: the front of a VITS graph is cheap and global (attention over the
//! whole sentence), the decoder is expensive and local (a stack of
//! convolutions with a receptive field of ~10 frames). Running the front
//! once and the decoder in short windows with a little context on each side
//! gives the first audio after a fraction of the whole inference, and the
//! windows join to float rounding.
//!
//! Where to cut is found from the graph's structure, not from the tensor
//! names of one export (see [`find_split`]); the two halves are written as
//! new ONNX models at the protobuf wire level (see [`build_front`] and
//! [`build_decoder`]), copying every kept node, initializer and model field
//! byte for byte, so nothing the exporter wrote is lost or re-encoded.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use prost::encoding::{encode_key, encode_varint, WireType};

use crate::piper::Scales;
use crate::EngineError;

// Field numbers from onnx.proto.
const MODEL_GRAPH: u32 = 7;
const GRAPH_NODE: u32 = 1;
const GRAPH_INITIALIZER: u32 = 5;
const GRAPH_INPUT: u32 = 11;
const GRAPH_OUTPUT: u32 = 12;
const GRAPH_VALUE_INFO: u32 = 13;
const GRAPH_QUANT_ANNOTATION: u32 = 14;
const GRAPH_SPARSE_INITIALIZER: u32 = 15;
const NODE_INPUT: u32 = 1;
const NODE_OUTPUT: u32 = 2;
const NODE_OP_TYPE: u32 = 4;
const NODE_ATTRIBUTE: u32 = 5;
const NODE_DOMAIN: u32 = 7;
const ATTR_GRAPH: u32 = 6;
const ATTR_GRAPHS: u32 = 11;
const TENSOR_NAME: u32 = 8;
const SPARSE_VALUES: u32 = 1;
const VALUE_INFO_NAME: u32 = 1;
const VALUE_INFO_TYPE: u32 = 2;
const ANNOTATION_TENSOR_NAME: u32 = 1;
const TYPE_TENSOR: u32 = 1;
const TENSOR_TYPE_ELEM: u32 = 1;
const TENSOR_TYPE_SHAPE: u32 = 2;
const SHAPE_DIM: u32 = 1;
const DIM_PARAM: u32 = 2;
/// onnx TensorProto.DataType.FLOAT
const ELEM_FLOAT: u64 = 1;

/// Operators whose output at a frame depends only on nearby frames of their
/// inputs (pointwise maths, convolutions, axis bookkeeping). A decoder made
/// only of these can be run on a window of frames and give, away from the
/// window's edges, what it gives on the whole sequence. Anything that looks
/// at the sequence as a whole (shapes, reductions, attention, cumulative
/// sums, masks built from lengths, random noise) keeps a node in the front.
const FRAME_LOCAL_OPS: &[&str] = &[
    "Conv",
    "ConvTranspose",
    "LeakyRelu",
    "Relu",
    "PRelu",
    "Elu",
    "Selu",
    "Gelu",
    "Tanh",
    "Sigmoid",
    "HardSigmoid",
    "Softplus",
    "Softsign",
    "Exp",
    "Log",
    "Erf",
    "Sqrt",
    "Reciprocal",
    "Pow",
    "Abs",
    "Neg",
    "Sin",
    "Cos",
    "Clip",
    "Max",
    "Min",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Identity",
    "Cast",
    "Unsqueeze",
    "Squeeze",
];

/// Operators that make values out of nothing but randomness: their outputs
/// vary between runs, so they count as inputs, never as constants.
const RANDOM_SOURCES: &[&str] = &["RandomNormal", "RandomUniform"];

/// Why a model could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// The bytes are not an ONNX model (not protobuf, no graph, bad names).
    #[error("not an ONNX model: {0}")]
    NotOnnx(String),
    /// No single duration tensor: not a VITS graph, or an unusual one.
    #[error("no phoneme durations in the graph: {0}")]
    NoDurations(String),
    /// No tensor separates the front from a frame-local decoder.
    #[error("no decoder input found: {0}")]
    NoDecoder(String),
    /// Split points that do not cut the graph in two (e.g. from another model).
    #[error("the split points do not fit this model: {0}")]
    BadPoints(String),
    /// A graph feature this module does not rewrite.
    #[error("unsupported graph: {0}")]
    Unsupported(String),
}

/// Where a VITS graph is cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitPoints {
    /// The decoder's input: the latent frames z, [1, channels, frames].
    pub z: String,
    /// Frames per phoneme id, [1, 1, ids]: the output of the only `Ceil`.
    pub durations: String,
    /// Other values the decoder consumes that the front (or the graph's
    /// inputs) provide, such as a multi-speaker voice's speaker embedding.
    /// None of them depends on the durations, so they are the same for
    /// every window of an utterance.
    pub extra_decoder_inputs: Vec<String>,
}

/// What a model holds, for checks and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphSummary {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    /// Op types of the nodes, in graph order.
    pub ops: Vec<String>,
    pub initializers: Vec<String>,
}

// ---------------------------------------------------------------------------
// Wire-level reading and writing.

use crate::onnx_patch::Field;

fn not_onnx(why: &str) -> SplitError {
    SplitError::NotOnnx(why.to_string())
}

/// Splits a message into its fields (see [`crate::onnx_patch::fields`]);
/// bytes that are not protobuf are a split error.
fn fields(msg: &[u8]) -> Result<Vec<Field<'_>>, SplitError> {
    crate::onnx_patch::fields(msg).ok_or_else(|| not_onnx("malformed protobuf"))
}

/// The string value of a length-delimited field.
fn string_of(f: &Field<'_>) -> Result<String, SplitError> {
    if f.wire != WireType::LengthDelimited {
        return Err(not_onnx("a name field is not a string"));
    }
    std::str::from_utf8(f.payload)
        .map(str::to_string)
        .map_err(|_| not_onnx("a name is not UTF-8"))
}

/// The first string field `number` of a message, if any.
fn name_in(msg: &[u8], number: u32) -> Result<Option<String>, SplitError> {
    for f in fields(msg)? {
        if f.number == number {
            return string_of(&f).map(Some);
        }
    }
    Ok(None)
}

fn put_len_field(out: &mut Vec<u8>, number: u32, payload: &[u8]) {
    encode_key(number, WireType::LengthDelimited, out);
    encode_varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

/// A ValueInfoProto for a float tensor. `dims`: symbolic dimension names,
/// or None for a tensor of unknown rank.
fn float_value_info(name: &str, dims: Option<&[&str]>) -> Vec<u8> {
    let mut tensor = Vec::new();
    encode_key(TENSOR_TYPE_ELEM, WireType::Varint, &mut tensor);
    encode_varint(ELEM_FLOAT, &mut tensor);
    if let Some(dims) = dims {
        let mut shape = Vec::new();
        for d in dims {
            let mut dim = Vec::new();
            put_len_field(&mut dim, DIM_PARAM, d.as_bytes());
            put_len_field(&mut shape, SHAPE_DIM, &dim);
        }
        put_len_field(&mut tensor, TENSOR_TYPE_SHAPE, &shape);
    }
    let mut ty = Vec::new();
    put_len_field(&mut ty, TYPE_TENSOR, &tensor);
    let mut vi = Vec::new();
    put_len_field(&mut vi, VALUE_INFO_NAME, name.as_bytes());
    put_len_field(&mut vi, VALUE_INFO_TYPE, &ty);
    vi
}

/// Whether a ValueInfoProto states a shape (not just an element type).
fn has_shape(value_info: &[u8]) -> bool {
    let find = |msg: &[u8], number: u32| -> Option<Vec<u8>> {
        fields(msg)
            .ok()?
            .into_iter()
            .find(|f| f.number == number && f.wire == WireType::LengthDelimited)
            .map(|f| f.payload.to_vec())
    };
    find(value_info, VALUE_INFO_TYPE)
        .and_then(|t| find(&t, TYPE_TENSOR))
        .and_then(|t| find(&t, TENSOR_TYPE_SHAPE))
        .is_some()
}

struct Node<'a> {
    op: String,
    /// In the default (ai.onnx) domain; other domains are never frame-local.
    standard: bool,
    inputs: Vec<String>,
    outputs: Vec<String>,
    /// Has a graph attribute (If, Loop, Scan): its inner nodes may read
    /// outer tensors this module does not track.
    control_flow: bool,
    _raw: &'a [u8],
}

/// What a field of the graph message is, so that it can be kept or dropped.
enum Item {
    Node(usize),
    Initializer(String),
    Input,
    Output,
    ValueInfo(String),
    Annotation(String),
    Other,
}

/// A model's graph, read far enough to follow data flow.
struct Parsed<'a> {
    model: Vec<Field<'a>>,
    graph: Vec<Field<'a>>,
    /// One entry per field of `graph`.
    items: Vec<Item>,
    nodes: Vec<Node<'a>>,
    initializers: HashSet<String>,
    /// Graph inputs in order: name and ValueInfoProto bytes.
    inputs: Vec<(String, &'a [u8])>,
    outputs: Vec<(String, &'a [u8])>,
    value_info: HashMap<String, &'a [u8]>,
    /// Which node writes each tensor.
    producer: HashMap<String, usize>,
    /// Which nodes read each tensor.
    consumers: HashMap<String, Vec<usize>>,
}

impl<'a> Parsed<'a> {
    fn parse(model: &'a [u8]) -> Result<Self, SplitError> {
        let model_fields = fields(model)?;
        let mut graphs = model_fields
            .iter()
            .filter(|f| f.number == MODEL_GRAPH && f.wire == WireType::LengthDelimited);
        let graph_bytes = graphs.next().ok_or_else(|| not_onnx("no graph"))?.payload;
        if graphs.next().is_some() {
            // Protobuf would merge them; no exporter writes that.
            return Err(SplitError::Unsupported("more than one graph field".into()));
        }
        let graph = fields(graph_bytes)?;
        let mut p = Parsed {
            model: Vec::new(),
            graph: Vec::new(),
            items: Vec::with_capacity(graph.len()),
            nodes: Vec::new(),
            initializers: HashSet::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            value_info: HashMap::new(),
            producer: HashMap::new(),
            consumers: HashMap::new(),
        };
        for f in &graph {
            let ld = f.wire == WireType::LengthDelimited;
            let item = match f.number {
                GRAPH_NODE if ld => {
                    let node = parse_node(f)?;
                    let idx = p.nodes.len();
                    for o in node.outputs.iter().filter(|o| !o.is_empty()) {
                        if p.producer.insert(o.clone(), idx).is_some() {
                            return Err(not_onnx(&format!("tensor '{o}' is written twice")));
                        }
                    }
                    for i in node.inputs.iter().filter(|i| !i.is_empty()) {
                        let c = p.consumers.entry(i.clone()).or_default();
                        if c.last() != Some(&idx) {
                            c.push(idx);
                        }
                    }
                    p.nodes.push(node);
                    Item::Node(idx)
                }
                GRAPH_INITIALIZER if ld => {
                    let name = name_in(f.payload, TENSOR_NAME)?.unwrap_or_default();
                    p.initializers.insert(name.clone());
                    Item::Initializer(name)
                }
                GRAPH_SPARSE_INITIALIZER if ld => {
                    let values = fields(f.payload)?
                        .into_iter()
                        .find(|v| v.number == SPARSE_VALUES)
                        .map(|v| v.payload)
                        .unwrap_or(&[]);
                    let name = name_in(values, TENSOR_NAME)?.unwrap_or_default();
                    p.initializers.insert(name.clone());
                    Item::Initializer(name)
                }
                GRAPH_INPUT | GRAPH_OUTPUT | GRAPH_VALUE_INFO if ld => {
                    let name = name_in(f.payload, VALUE_INFO_NAME)?.unwrap_or_default();
                    match f.number {
                        GRAPH_INPUT => {
                            p.inputs.push((name, f.payload));
                            Item::Input
                        }
                        GRAPH_OUTPUT => {
                            p.outputs.push((name, f.payload));
                            Item::Output
                        }
                        _ => {
                            p.value_info.insert(name.clone(), f.payload);
                            Item::ValueInfo(name)
                        }
                    }
                }
                GRAPH_QUANT_ANNOTATION if ld => Item::Annotation(
                    name_in(f.payload, ANNOTATION_TENSOR_NAME)?.unwrap_or_default(),
                ),
                _ => Item::Other,
            };
            p.items.push(item);
        }
        p.graph = graph;
        p.model = model_fields;
        if p.nodes.iter().any(|n| n.control_flow) {
            return Err(SplitError::Unsupported(
                "control flow (If/Loop/Scan) in the graph; Piper VITS exports have none".into(),
            ));
        }
        Ok(p)
    }

    fn is_graph_input(&self, name: &str) -> bool {
        !self.initializers.contains(name) && self.inputs.iter().any(|(n, _)| n == name)
    }

    /// The audio output: the graph's first output, as Piper's runners read it.
    fn audio(&self) -> Result<&str, SplitError> {
        self.outputs
            .first()
            .map(|(n, _)| n.as_str())
            .ok_or_else(|| not_onnx("the graph has no outputs"))
    }

    /// The nodes needed to compute `targets` when the tensors in `cut` are
    /// given: returns which nodes, which tensors were visited, and which
    /// graph inputs were reached (outside the cut).
    fn closure(&self, targets: &[&str], cut: &HashSet<&str>) -> Result<Closure, SplitError> {
        let mut nodes = vec![false; self.nodes.len()];
        let mut tensors: HashSet<String> = HashSet::new();
        let mut reached = Vec::new();
        let mut stack: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        while let Some(t) = stack.pop() {
            if t.is_empty() || !tensors.insert(t.clone()) || cut.contains(t.as_str()) {
                continue;
            }
            if let Some(&n) = self.producer.get(&t) {
                if !nodes[n] {
                    nodes[n] = true;
                    stack.extend(self.nodes[n].inputs.iter().cloned());
                }
            } else if self.is_graph_input(&t) {
                reached.push(t);
            } else if !self.initializers.contains(&t) {
                return Err(not_onnx(&format!("tensor '{t}' is read but never written")));
            }
        }
        Ok(Closure {
            nodes,
            tensors,
            reached_inputs: reached,
        })
    }

    /// Nodes and tensors downstream of `start` (the tensor itself included).
    fn descendants(&self, start: &str) -> (Vec<bool>, HashSet<String>) {
        let mut nodes = vec![false; self.nodes.len()];
        let mut tensors = HashSet::new();
        let mut stack = vec![start.to_string()];
        while let Some(t) = stack.pop() {
            if !tensors.insert(t.clone()) {
                continue;
            }
            for &n in self.consumers.get(&t).map(Vec::as_slice).unwrap_or(&[]) {
                if !nodes[n] {
                    nodes[n] = true;
                    stack.extend(
                        self.nodes[n]
                            .outputs
                            .iter()
                            .filter(|o| !o.is_empty())
                            .cloned(),
                    );
                }
            }
        }
        (nodes, tensors)
    }

    /// Tensors whose value depends on a graph input (or on randomness):
    /// everything else is a constant the decoder may compute for itself.
    fn dynamic(&self) -> HashSet<String> {
        let mut seeds: Vec<String> = self
            .inputs
            .iter()
            .filter(|(n, _)| !self.initializers.contains(n))
            .map(|(n, _)| n.clone())
            .collect();
        for n in &self.nodes {
            if n.standard && RANDOM_SOURCES.contains(&n.op.as_str()) {
                seeds.extend(n.outputs.iter().cloned());
            }
        }
        let mut all = HashSet::new();
        for s in seeds {
            if !all.contains(&s) {
                all.extend(self.descendants(&s).1);
            }
        }
        all
    }

    /// Writes a model with the kept nodes (and only the initializers,
    /// value infos and annotations they use), `inputs` and `outputs` as
    /// the graph's inputs and outputs, and every other field as it was.
    fn emit(
        &self,
        keep: &[bool],
        inputs: &[Vec<u8>],
        outputs: &[Vec<u8>],
        io: &HashSet<String>,
    ) -> Vec<u8> {
        let mut used: HashSet<&str> = HashSet::new();
        let mut written: HashSet<&str> = HashSet::new();
        for (n, node) in self.nodes.iter().enumerate() {
            if keep.get(n).copied().unwrap_or(false) {
                used.extend(node.inputs.iter().map(String::as_str));
                written.extend(node.outputs.iter().map(String::as_str));
            }
        }
        let mut graph = Vec::new();
        for (f, item) in self.graph.iter().zip(&self.items) {
            let kept = match item {
                Item::Node(n) => keep.get(*n).copied().unwrap_or(false),
                Item::Initializer(name) => used.contains(name.as_str()),
                Item::Input | Item::Output => false,
                Item::ValueInfo(name) => written.contains(name.as_str()) && !io.contains(name),
                Item::Annotation(name) => {
                    written.contains(name.as_str()) || used.contains(name.as_str())
                }
                Item::Other => true,
            };
            if kept {
                graph.extend_from_slice(f.raw);
            }
        }
        // Initializers that IR < 4 models also list as graph inputs.
        for (name, vi) in &self.inputs {
            if self.initializers.contains(name) && used.contains(name.as_str()) {
                put_len_field(&mut graph, GRAPH_INPUT, vi);
            }
        }
        for vi in inputs {
            put_len_field(&mut graph, GRAPH_INPUT, vi);
        }
        for vi in outputs {
            put_len_field(&mut graph, GRAPH_OUTPUT, vi);
        }
        let mut out = Vec::with_capacity(graph.len() + 1024);
        let mut done = false;
        for f in &self.model {
            if f.number == MODEL_GRAPH && f.wire == WireType::LengthDelimited && !done {
                put_len_field(&mut out, MODEL_GRAPH, &graph);
                done = true;
            } else {
                out.extend_from_slice(f.raw);
            }
        }
        out
    }

    /// The ValueInfoProto to declare `name` with: the exporter's, when it
    /// wrote one with a shape, else a float tensor of `dims`.
    fn declaration(&self, name: &str, dims: Option<&[&str]>) -> Vec<u8> {
        match self.value_info.get(name) {
            Some(vi) if has_shape(vi) || dims.is_none() => vi.to_vec(),
            _ => float_value_info(name, dims),
        }
    }
}

struct Closure {
    nodes: Vec<bool>,
    tensors: HashSet<String>,
    reached_inputs: Vec<String>,
}

fn parse_node<'a>(f: &Field<'a>) -> Result<Node<'a>, SplitError> {
    let mut node = Node {
        op: String::new(),
        standard: true,
        inputs: Vec::new(),
        outputs: Vec::new(),
        control_flow: false,
        _raw: f.raw,
    };
    for nf in fields(f.payload)? {
        match nf.number {
            NODE_INPUT => node.inputs.push(string_of(&nf)?),
            NODE_OUTPUT => node.outputs.push(string_of(&nf)?),
            NODE_OP_TYPE => node.op = string_of(&nf)?,
            NODE_DOMAIN => {
                let d = string_of(&nf)?;
                node.standard = d.is_empty() || d == "ai.onnx";
            }
            NODE_ATTRIBUTE if nf.wire == WireType::LengthDelimited => {
                let attr = fields(nf.payload)?;
                node.control_flow |= attr
                    .iter()
                    .any(|a| a.number == ATTR_GRAPH || a.number == ATTR_GRAPHS);
            }
            _ => {}
        }
    }
    Ok(node)
}

// ---------------------------------------------------------------------------
// Finding the cut.

/// Finds where a Piper VITS graph splits into front and decoder.
///
/// The rule, and why it holds for VITS graphs in general:
///
/// 1. **Durations**: the output of the graph's only `Ceil` node. VITS rounds
///    the predicted durations up exactly once (`w_ceil = ceil(w)`); every
///    Piper quality level and speaker count shares that code.
/// 2. **Decoder input z**: among the tensors that *dominate* the audio
///    output with respect to the durations (every path from the durations
///    to the audio passes through them), the one farthest from the audio
///    whose downstream part is frame-local (only the operators in
///    `FRAME_LOCAL_OPS`) and contains the vocoder's upsampling
///    (`ConvTranspose`).
///
///    Every tensor with a frame axis descends from the durations (they set
///    the frame count), so a dominator is a point where all frame-level
///    information funnels through one tensor. In VITS that first happens at
///    `dec(z * y_mask, g)`: the flow and the length mask run side by side
///    until that product, and after it there are only convolutions. The
///    frame-local condition skips any dominator nearer the durations that
///    would drag length-dependent work (masks, cumulative sums, noise) into
///    the decoder; `ConvTranspose` rules out cutting so late that there is
///    no vocoder left.
/// 3. **Extra decoder inputs**: values the decoder's nodes read that are
///    computed by the front from the graph's inputs (or are graph inputs)
///    and are not z: a multi-speaker voice's speaker embedding g. Because z
///    dominates the audio, none of them depends on the durations. Values
///    that depend on no input at all are constants the decoder keeps.
pub fn find_split(model: &[u8]) -> Result<SplitPoints, SplitError> {
    let p = Parsed::parse(model)?;
    let ceils: Vec<&Node<'_>> = p
        .nodes
        .iter()
        .filter(|n| n.standard && n.op == "Ceil")
        .collect();
    let durations = match ceils.as_slice() {
        [one] => one
            .outputs
            .first()
            .filter(|o| !o.is_empty())
            .cloned()
            .ok_or_else(|| SplitError::NoDurations("the Ceil node has no output".into()))?,
        other => {
            return Err(SplitError::NoDurations(format!(
                "expected exactly one Ceil node (VITS rounds durations once), found {}",
                other.len()
            )))
        }
    };
    let audio = p.audio()?.to_string();
    let upstream = p.closure(&[audio.as_str()], &HashSet::new())?;
    let (_, from_durations) = p.descendants(&durations);
    if !from_durations.contains(&audio) {
        return Err(SplitError::NoDecoder(
            "the audio output does not depend on the durations".into(),
        ));
    }
    let chain = dominator_chain(&p, &durations, &audio, &upstream.tensors, &from_durations)?;
    let dynamic = p.dynamic();

    for z in chain.iter().skip(1) {
        let (below, _) = p.descendants(z);
        let region: Vec<usize> = (0..p.nodes.len())
            .filter(|&n| below[n] && upstream.nodes[n])
            .collect();
        let local = region.iter().all(|&n| {
            let node = &p.nodes[n];
            node.standard && FRAME_LOCAL_OPS.contains(&node.op.as_str())
        });
        if !local {
            continue;
        }
        if !region.iter().any(|&n| p.nodes[n].op == "ConvTranspose") {
            return Err(SplitError::NoDecoder(
                "no upsampling (ConvTranspose) below the last length-dependent node".into(),
            ));
        }
        let in_region: HashSet<&str> = region
            .iter()
            .flat_map(|&n| p.nodes[n].outputs.iter().map(String::as_str))
            .collect();
        let mut extras: Vec<String> = Vec::new();
        for &n in &region {
            for i in &p.nodes[n].inputs {
                let external = !i.is_empty()
                    && i != z
                    && !in_region.contains(i.as_str())
                    && !p.initializers.contains(i)
                    && dynamic.contains(i);
                if external && !extras.contains(i) {
                    if from_durations.contains(i) {
                        // Impossible if z dominates the audio; kept as a guard
                        // because windowed decoding would silently be wrong.
                        return Err(SplitError::NoDecoder(format!(
                            "the decoder also reads '{i}', which depends on the durations"
                        )));
                    }
                    extras.push(i.clone());
                }
            }
        }
        return Ok(SplitPoints {
            z: z.clone(),
            durations,
            extra_decoder_inputs: extras,
        });
    }
    Err(SplitError::NoDecoder(
        "no single tensor between the durations and the audio feeds a purely convolutional decoder"
            .into(),
    ))
}

/// The dominators of `audio` with respect to `root`, from `root` (first) to
/// `audio` (last), over the tensors on paths between them.
///
/// On a DAG visited in topological order, a vertex's immediate dominator is
/// the nearest common dominator of its predecessors, so one pass suffices.
fn dominator_chain(
    p: &Parsed<'_>,
    root: &str,
    audio: &str,
    upstream: &HashSet<String>,
    downstream: &HashSet<String>,
) -> Result<Vec<String>, SplitError> {
    // Tensors on some path root -> audio, and their predecessors among them.
    let names: Vec<&str> = upstream
        .iter()
        .filter(|t| downstream.contains(*t))
        .map(String::as_str)
        .collect();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let preds: Vec<Vec<usize>> = names
        .iter()
        .map(|t| {
            if *t == root {
                return Vec::new();
            }
            let mut v: Vec<usize> = p
                .producer
                .get(*t)
                .map(|&n| {
                    p.nodes[n]
                        .inputs
                        .iter()
                        .filter_map(|i| index.get(i.as_str()).copied())
                        .collect()
                })
                .unwrap_or_default();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let (Some(&r), Some(&a)) = (index.get(root), index.get(audio)) else {
        return Err(SplitError::NoDecoder(
            "no path from the durations to the audio".into(),
        ));
    };

    // Topological order: iterative depth-first post-order from the audio.
    let mut state = vec![0u8; names.len()]; // 0 new, 1 on the stack, 2 done
    let mut order = Vec::with_capacity(names.len());
    let mut stack: Vec<(usize, usize)> = vec![(a, 0)];
    state[a] = 1;
    while let Some(&mut (v, ref mut next)) = stack.last_mut() {
        if let Some(&u) = preds[v].get(*next) {
            *next += 1;
            match state[u] {
                0 => {
                    state[u] = 1;
                    stack.push((u, 0));
                }
                1 => return Err(not_onnx("the graph has a cycle")),
                _ => {}
            }
        } else {
            state[v] = 2;
            order.push(v);
            stack.pop();
        }
    }

    let mut idom = vec![usize::MAX; names.len()];
    let mut depth = vec![0usize; names.len()];
    idom[r] = r;
    for &v in &order {
        if v == r {
            continue;
        }
        let mut dom: Option<usize> = None;
        for &u in &preds[v] {
            if idom[u] == usize::MAX {
                continue; // not reached from the root (cannot happen on a path)
            }
            dom = Some(match dom {
                None => u,
                Some(d) => common_dominator(&idom, &depth, d, u),
            });
        }
        let d = dom.ok_or_else(|| {
            SplitError::NoDecoder("a frame tensor is not reached from the durations".into())
        })?;
        idom[v] = d;
        depth[v] = depth[d] + 1;
    }
    if idom[a] == usize::MAX {
        return Err(SplitError::NoDecoder(
            "no path from the durations to the audio".into(),
        ));
    }
    let mut chain = vec![names[a].to_string()];
    let mut v = a;
    while v != r {
        v = idom[v];
        chain.push(names[v].to_string());
    }
    chain.reverse();
    Ok(chain)
}

fn common_dominator(idom: &[usize], depth: &[usize], mut a: usize, mut b: usize) -> usize {
    while a != b {
        if depth[a] >= depth[b] {
            a = idom[a];
        } else {
            b = idom[b];
        }
    }
    a
}

// ---------------------------------------------------------------------------
// Writing the two halves.

/// The front: the nodes upstream of z, the durations and the extra decoder
/// inputs, with the original graph inputs; outputs `[z, durations,
/// extras...]` (extras that are graph inputs are not repeated as outputs:
/// the caller already has them).
pub fn build_front(model: &[u8], points: &SplitPoints) -> Result<Vec<u8>, SplitError> {
    let p = Parsed::parse(model)?;
    let computed: Vec<&str> = points
        .extra_decoder_inputs
        .iter()
        .map(String::as_str)
        .filter(|e| !p.is_graph_input(e))
        .collect();
    let mut targets = vec![points.z.as_str(), points.durations.as_str()];
    targets.extend(computed.iter().copied());
    for t in &targets {
        if !p.producer.contains_key(*t) {
            return Err(SplitError::BadPoints(format!("no node writes '{t}'")));
        }
    }
    let c = p.closure(&targets, &HashSet::new())?;
    let inputs: Vec<Vec<u8>> = p
        .inputs
        .iter()
        .filter(|(n, _)| !p.initializers.contains(n))
        .map(|(_, vi)| vi.to_vec())
        .collect();
    let outputs: Vec<Vec<u8>> = targets.iter().map(|t| p.declaration(t, None)).collect();
    let io: HashSet<String> = targets.iter().map(|t| t.to_string()).collect();
    Ok(p.emit(&c.nodes, &inputs, &outputs, &io))
}

/// The decoder: graph inputs `[z, extras...]`, the nodes that turn them
/// into the audio output, and only the initializers those nodes read (so
/// front and decoder together hold each weight once).
pub fn build_decoder(model: &[u8], points: &SplitPoints) -> Result<Vec<u8>, SplitError> {
    let p = Parsed::parse(model)?;
    let audio = p.audio()?.to_string();
    let mut cut: HashSet<&str> = HashSet::new();
    cut.insert(points.z.as_str());
    cut.extend(points.extra_decoder_inputs.iter().map(String::as_str));
    let c = p.closure(&[audio.as_str()], &cut)?;
    if !c.reached_inputs.is_empty() {
        return Err(SplitError::BadPoints(format!(
            "the decoder would still need the graph input(s) {}",
            c.reached_inputs.join(", ")
        )));
    }
    if !c.tensors.contains(&points.z) || audio == points.z {
        return Err(SplitError::BadPoints(format!(
            "'{}' does not feed the audio output",
            points.z
        )));
    }
    let mut inputs = vec![p.declaration(&points.z, Some(&["batch", "channels", "frames"]))];
    for e in &points.extra_decoder_inputs {
        if !p.producer.contains_key(e) && !p.is_graph_input(e) {
            return Err(SplitError::BadPoints(format!("nothing provides '{e}'")));
        }
        let given = p
            .inputs
            .iter()
            .find(|(n, _)| n == e)
            .map(|(_, vi)| vi.to_vec());
        inputs.push(given.unwrap_or_else(|| p.declaration(e, None)));
    }
    let outputs: Vec<Vec<u8>> = p
        .outputs
        .first()
        .map(|(_, vi)| vec![vi.to_vec()])
        .unwrap_or_default();
    let mut io: HashSet<String> = cut.iter().map(|s| s.to_string()).collect();
    io.insert(audio);
    Ok(p.emit(&c.nodes, &inputs, &outputs, &io))
}

/// Inputs, outputs, ops and initializers of a model.
pub fn graph_summary(model: &[u8]) -> Result<GraphSummary, SplitError> {
    let p = Parsed::parse(model)?;
    let mut initializers: Vec<String> = p
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Initializer(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    initializers.sort();
    Ok(GraphSummary {
        inputs: p.inputs.iter().map(|(n, _)| n.clone()).collect(),
        outputs: p.outputs.iter().map(|(n, _)| n.clone()).collect(),
        ops: p.nodes.iter().map(|n| n.op.clone()).collect(),
        initializers,
    })
}

// ---------------------------------------------------------------------------
// Running the halves.

/// Values of one tensor, owned.
#[derive(Debug, Clone, PartialEq)]
pub enum TensorData {
    F32(Vec<f32>),
    I64(Vec<i64>),
}

/// A named tensor: an extra decoder input, as the front produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTensor {
    pub name: String,
    pub shape: Vec<i64>,
    pub data: TensorData,
}

impl NamedTensor {
    fn value(&self) -> Result<ort::session::SessionInputValue<'static>, ort::Error> {
        use ort::value::Tensor;
        Ok(match &self.data {
            TensorData::F32(v) => Tensor::from_array((self.shape.clone(), v.clone()))?.into(),
            TensorData::I64(v) => Tensor::from_array((self.shape.clone(), v.clone()))?.into(),
        })
    }
}

/// What the front computes for one utterance: everything the decoder needs.
#[derive(Debug, Clone)]
pub struct FrontOutput {
    /// z, [1, channels, frames], row-major: channel c's frames are
    /// `z[c * frames .. (c + 1) * frames]`.
    pub z: Vec<f32>,
    pub frames: usize,
    pub channels: usize,
    /// Frames per phoneme id.
    pub durations: Vec<f32>,
    /// The decoder's other inputs (a speaker embedding), per utterance.
    pub extras: Vec<NamedTensor>,
}

/// A Piper voice as two onnxruntime sessions, front and decoder, so that a
/// sentence's audio can be decoded window by window.
pub struct SplitVoice {
    front: ort::session::Session,
    decoder: ort::session::Session,
    /// Samples per frame (256 for Piper voices), measured at load.
    hop: usize,
    points: SplitPoints,
    front_inputs: Vec<String>,
    decoder_inputs: Vec<String>,
    audio: String,
}

impl SplitVoice {
    /// Loads a voice split in two, with `threads` intra-op threads per
    /// session, and warms both sessions up (a fresh decoder's first run
    /// costs several times a warm one's; better at load than in a request).
    #[allow(clippy::result_large_err)]
    pub fn load(
        env: &ort::environment::Environment,
        onnx: &Path,
        threads: usize,
    ) -> Result<Self, EngineError> {
        Self::load_with(env, onnx, threads, false)
    }

    /// Like [`SplitVoice::load`]; `spin`: idle threads busy-wait for the
    /// next operator (faster alone, worse beside other sessions), as
    /// `PiperSession::load` offers.
    #[allow(clippy::result_large_err)]
    pub fn load_with(
        env: &ort::environment::Environment,
        onnx: &Path,
        threads: usize,
        spin: bool,
    ) -> Result<Self, EngineError> {
        let err = |e: String| EngineError::VoiceFile {
            path: onnx.to_path_buf(),
            reason: e,
        };
        let (front, decoder, points) = {
            let bytes = std::fs::read(onnx).map_err(|e| err(format!("cannot read: {e}")))?;
            let points = find_split(&bytes).map_err(|e| err(e.to_string()))?;
            let front = build_front(&bytes, &points).map_err(|e| err(e.to_string()))?;
            let decoder = build_decoder(&bytes, &points).map_err(|e| err(e.to_string()))?;
            (front, decoder, points)
        };
        let front = crate::runtime::session(env, &front, threads, spin)
            .map_err(|e| err(format!("onnxruntime cannot load the front: {e}")))?;
        let decoder = crate::runtime::session(env, &decoder, threads, spin)
            .map_err(|e| err(format!("onnxruntime cannot load the decoder: {e}")))?;
        let front_inputs = front
            .inputs()
            .iter()
            .map(|i| i.name().to_string())
            .collect();
        let decoder_inputs = decoder
            .inputs()
            .iter()
            .map(|i| i.name().to_string())
            .collect();
        let audio = decoder
            .outputs()
            .first()
            .map(|o| o.name().to_string())
            .ok_or_else(|| err("the decoder has no output".into()))?;
        let mut voice = SplitVoice {
            front,
            decoder,
            hop: 0,
            points,
            front_inputs,
            decoder_inputs,
            audio,
        };
        voice
            .warm_up()
            .map_err(|e| err(format!("warm-up failed: {e}")))?;
        Ok(voice)
    }

    /// Runs both halves once and measures samples per frame. Pad ids (0)
    /// and speaker 0 are valid in every voice.
    #[allow(clippy::result_large_err)]
    fn warm_up(&mut self) -> Result<(), EngineError> {
        let quiet = Scales {
            noise_scale: 0.0,
            length_scale: 1.0,
            noise_w: 0.0,
        };
        let f = self.front(&[0; 9], quiet, None)?;
        let audio = self.run_decoder(f.z, f.channels, f.frames, &f.extras)?;
        if f.frames == 0 || audio.is_empty() || audio.len() % f.frames != 0 {
            return Err(EngineError::Inference(format!(
                "{} samples for {} frames: not a whole number per frame",
                audio.len(),
                f.frames
            )));
        }
        self.hop = audio.len() / f.frames;
        // A typical window (10 frames and 11 of context each side).
        const WINDOW: usize = 32;
        let audio = self.run_decoder(
            vec![0.0; f.channels * WINDOW],
            f.channels,
            WINDOW,
            &f.extras,
        )?;
        if audio.len() != WINDOW * self.hop {
            return Err(EngineError::Inference(
                "the decoder's output length is not proportional to its input".into(),
            ));
        }
        Ok(())
    }

    /// Samples per frame.
    pub fn hop(&self) -> usize {
        self.hop
    }

    /// Where the voice was cut.
    pub fn points(&self) -> &SplitPoints {
        &self.points
    }

    /// Runs the front on one utterance's phoneme ids.
    #[allow(clippy::result_large_err)]
    pub fn front(
        &mut self,
        ids: &[i64],
        scales: Scales,
        speaker: Option<i64>,
    ) -> Result<FrontOutput, EngineError> {
        let inf = |e: ort::Error| EngineError::Inference(e.to_string());
        if ids.is_empty() {
            return Err(EngineError::Inference(
                "no phoneme ids to synthesize".into(),
            ));
        }
        let n = ids.len() as i64;
        // Piper's input interface (the names are its contract, as in PiperSession).
        let mut given = Vec::with_capacity(self.front_inputs.len());
        for name in &self.front_inputs {
            let (shape, data) = match name.as_str() {
                "input" => (vec![1, n], TensorData::I64(ids.to_vec())),
                "input_lengths" => (vec![1], TensorData::I64(vec![n])),
                "scales" => (
                    vec![3],
                    TensorData::F32(vec![
                        scales.noise_scale,
                        scales.length_scale,
                        scales.noise_w,
                    ]),
                ),
                "sid" => (vec![1], TensorData::I64(vec![speaker.unwrap_or(0)])),
                other => {
                    return Err(EngineError::Inference(format!(
                        "the voice has an input '{other}' that Piper voices do not have"
                    )))
                }
            };
            given.push(NamedTensor {
                name: name.clone(),
                shape,
                data,
            });
        }
        let feeds = given
            .iter()
            .map(|t| Ok((Cow::from(t.name.clone()), t.value()?)))
            .collect::<Result<Vec<_>, ort::Error>>()
            .map_err(inf)?;
        let outputs = self.front.run(feeds).map_err(inf)?;

        let missing =
            |name: &str| EngineError::Inference(format!("the front returned no '{name}'"));
        let (shape, z) = outputs
            .get(self.points.z.as_str())
            .ok_or_else(|| missing(&self.points.z))?
            .try_extract_tensor::<f32>()
            .map_err(inf)?;
        let (channels, frames) = match **shape {
            [1, c, f] if c > 0 && f >= 0 => (c as usize, f as usize),
            _ => {
                return Err(EngineError::Inference(format!(
                    "z has shape {:?}, not [1, channels, frames]",
                    &**shape
                )))
            }
        };
        if channels.checked_mul(frames) != Some(z.len()) {
            return Err(EngineError::Inference(
                "z's data does not match its shape".into(),
            ));
        }
        let z = z.to_vec();
        let durations = outputs
            .get(self.points.durations.as_str())
            .ok_or_else(|| missing(&self.points.durations))?
            .try_extract_tensor::<f32>()
            .map_err(inf)?
            .1
            .to_vec();
        let mut extras = Vec::with_capacity(self.points.extra_decoder_inputs.len());
        for name in &self.points.extra_decoder_inputs {
            if let Some(t) = given.iter().find(|t| &t.name == name) {
                extras.push(t.clone());
                continue;
            }
            let v = outputs.get(name.as_str()).ok_or_else(|| missing(name))?;
            let (shape, data) = if let Ok((s, d)) = v.try_extract_tensor::<f32>() {
                (s.to_vec(), TensorData::F32(d.to_vec()))
            } else {
                let (s, d) = v.try_extract_tensor::<i64>().map_err(inf)?;
                (s.to_vec(), TensorData::I64(d.to_vec()))
            };
            extras.push(NamedTensor {
                name: name.clone(),
                shape,
                data,
            });
        }
        Ok(FrontOutput {
            z,
            frames,
            channels,
            durations,
            extras,
        })
    }

    /// The audio of exactly `frames` (`frames.len() * hop` samples): decodes
    /// z with up to `context` frames more on each side (fewer at the ends of
    /// the utterance) and keeps the centre. With `context` at least the
    /// decoder's receptive field (~10 frames for Piper voices; 11 is safe),
    /// consecutive ranges join to what decoding the whole z gives, up to
    /// float rounding.
    #[allow(clippy::result_large_err)]
    pub fn decode(
        &mut self,
        front: &FrontOutput,
        frames: Range<usize>,
        context: usize,
    ) -> Result<Vec<f32>, EngineError> {
        let total = front.frames;
        if front.channels.checked_mul(total) != Some(front.z.len()) {
            return Err(EngineError::Inference(
                "z's data does not match its shape".into(),
            ));
        }
        if frames.start > frames.end || frames.end > total {
            return Err(EngineError::Inference(format!(
                "frames {}..{} are not within the utterance's 0..{total}",
                frames.start, frames.end
            )));
        }
        if frames.is_empty() {
            return Ok(Vec::new());
        }
        let left = frames.start.saturating_sub(context);
        let right = frames.end.saturating_add(context).min(total);
        let width = right - left;
        let mut window = Vec::with_capacity(front.channels * width);
        for row in front.z.chunks_exact(total) {
            window.extend_from_slice(&row[left..right]);
        }
        let audio = self.run_decoder(window, front.channels, width, &front.extras)?;
        let from = (frames.start - left) * self.hop;
        let to = from + frames.len() * self.hop;
        match audio.get(from..to) {
            Some(kept) if audio.len() == width * self.hop => Ok(kept.to_vec()),
            _ => Err(EngineError::Inference(format!(
                "the decoder gave {} samples for {width} frames (expected {})",
                audio.len(),
                width * self.hop
            ))),
        }
    }

    /// Runs the decoder on `frames` frames of z; returns all its samples.
    #[allow(clippy::result_large_err)]
    fn run_decoder(
        &mut self,
        z: Vec<f32>,
        channels: usize,
        frames: usize,
        extras: &[NamedTensor],
    ) -> Result<Vec<f32>, EngineError> {
        let inf = |e: ort::Error| EngineError::Inference(e.to_string());
        let mut feeds = Vec::with_capacity(self.decoder_inputs.len());
        let mut z = Some(z);
        for name in &self.decoder_inputs {
            let value = if *name == self.points.z {
                let data = z.take().unwrap_or_default();
                ort::value::Tensor::from_array(([1, channels, frames], data))
                    .map_err(inf)?
                    .into()
            } else {
                extras
                    .iter()
                    .find(|e| &e.name == name)
                    .ok_or_else(|| {
                        EngineError::Inference(format!(
                            "the decoder needs '{name}', which the front did not give"
                        ))
                    })?
                    .value()
                    .map_err(inf)?
            };
            feeds.push((Cow::from(name.clone()), value));
        }
        let outputs = self.decoder.run(feeds).map_err(inf)?;
        let (_, audio) = outputs
            .get(self.audio.as_str())
            .ok_or_else(|| EngineError::Inference("the decoder returned no audio".into()))?
            .try_extract_tensor::<f32>()
            .map_err(inf)?;
        Ok(audio.to_vec())
    }
}
