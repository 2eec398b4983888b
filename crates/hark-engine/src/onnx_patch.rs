//! Small, exact edits of an ONNX model at the protobuf wire level.
//!
//! Hark needs one: exposing a Piper voice's phoneme durations (the output of
//! its only `Ceil` node, frames per phoneme id) as an extra graph output, as
//! Piper's own alignment patch does, so word timestamps cost no extra
//! inference. Working on the wire format (with prost's codec primitives)
//! keeps every other byte of the model as it was, including fields a
//! generated schema would not know.

use prost::bytes::Buf;
use prost::encoding::{decode_key, decode_varint, encode_key, encode_varint, WireType};

/// Field numbers from onnx.proto.
const MODEL_GRAPH: u32 = 7;
const GRAPH_NODE: u32 = 1;
const GRAPH_OUTPUT: u32 = 12;
const NODE_OUTPUT: u32 = 2;
const NODE_OP_TYPE: u32 = 4;
const VALUE_INFO_NAME: u32 = 1;
const VALUE_INFO_TYPE: u32 = 2;
const TYPE_TENSOR: u32 = 1;
const TENSOR_ELEM_TYPE: u32 = 1;
/// onnx TensorProto.DataType.FLOAT
const ELEM_FLOAT: u64 = 1;

/// One field of a message: number, wire type and the bytes of its value
/// (for length-delimited fields, without the length prefix).
pub(crate) struct Field<'a> {
    pub number: u32,
    pub wire: WireType,
    /// The whole encoded field, key included: copied as is when kept.
    pub raw: &'a [u8],
    /// The payload of a length-delimited field.
    pub payload: &'a [u8],
}

/// Splits a message into its fields; None when the bytes are not protobuf.
/// Every length is checked against the bytes left: garbage never panics.
pub(crate) fn fields(mut msg: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut out = Vec::new();
    while !msg.is_empty() {
        let start = msg;
        let (number, wire) = decode_key(&mut msg).ok()?;
        let mut payload: &[u8] = &[];
        match wire {
            WireType::Varint => {
                decode_varint(&mut msg).ok()?;
            }
            WireType::SixtyFourBit => {
                if msg.len() < 8 {
                    return None;
                }
                msg.advance(8);
            }
            WireType::ThirtyTwoBit => {
                if msg.len() < 4 {
                    return None;
                }
                msg.advance(4);
            }
            WireType::LengthDelimited => {
                let len = usize::try_from(decode_varint(&mut msg).ok()?).ok()?;
                if msg.len() < len {
                    return None;
                }
                payload = &msg[..len];
                msg.advance(len);
            }
            // Groups are long deprecated and onnx.proto has none.
            WireType::StartGroup | WireType::EndGroup => return None,
        }
        let used = start.len() - msg.len();
        out.push(Field {
            number,
            wire,
            raw: &start[..used],
            payload,
        });
    }
    Some(out)
}

fn graph_of(model: &[u8]) -> Option<&[u8]> {
    fields(model)?
        .into_iter()
        .find(|f| f.number == MODEL_GRAPH && f.wire == WireType::LengthDelimited)
        .map(|f| f.payload)
}

/// Output names of the graph.
pub fn graph_outputs(model: &[u8]) -> Option<Vec<String>> {
    let graph = graph_of(model)?;
    let mut names = Vec::new();
    for f in fields(graph)? {
        if f.number == GRAPH_OUTPUT {
            for vf in fields(f.payload)? {
                if vf.number == VALUE_INFO_NAME {
                    names.push(String::from_utf8_lossy(vf.payload).into_owned());
                }
            }
        }
    }
    Some(names)
}

/// The first output of every node with `op_type`, in graph order.
pub fn node_outputs(model: &[u8], op_type: &str) -> Option<Vec<String>> {
    let graph = graph_of(model)?;
    let mut found = Vec::new();
    for f in fields(graph)? {
        if f.number != GRAPH_NODE || f.wire != WireType::LengthDelimited {
            continue;
        }
        let node = fields(f.payload)?;
        let is_op = node
            .iter()
            .any(|nf| nf.number == NODE_OP_TYPE && nf.payload == op_type.as_bytes());
        if is_op {
            if let Some(out) = node.iter().find(|nf| nf.number == NODE_OUTPUT) {
                found.push(String::from_utf8_lossy(out.payload).into_owned());
            }
        }
    }
    Some(found)
}

fn put_len_field(out: &mut Vec<u8>, number: u32, payload: &[u8]) {
    encode_key(number, WireType::LengthDelimited, out);
    encode_varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

/// The model with `name` (a float tensor inside the graph) added as a graph
/// output. Everything else is copied byte for byte.
pub fn add_float_output(model: &[u8], name: &str) -> Option<Vec<u8>> {
    // ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type: FLOAT } } }
    let mut tensor = Vec::new();
    encode_key(TENSOR_ELEM_TYPE, WireType::Varint, &mut tensor);
    encode_varint(ELEM_FLOAT, &mut tensor);
    let mut ty = Vec::new();
    put_len_field(&mut ty, TYPE_TENSOR, &tensor);
    let mut value_info = Vec::new();
    put_len_field(&mut value_info, VALUE_INFO_NAME, name.as_bytes());
    put_len_field(&mut value_info, VALUE_INFO_TYPE, &ty);

    let mut out = Vec::with_capacity(model.len() + 64);
    let mut patched = false;
    for f in fields(model)? {
        if f.number == MODEL_GRAPH && f.wire == WireType::LengthDelimited && !patched {
            let mut graph = f.payload.to_vec();
            // Repeated fields may come in any order: appending one is valid.
            put_len_field(&mut graph, GRAPH_OUTPUT, &value_info);
            put_len_field(&mut out, MODEL_GRAPH, &graph);
            patched = true;
        } else {
            out.extend_from_slice(f.raw);
        }
    }
    patched.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny hand-built model: graph { node { output "c", op_type "Ceil" }, output { name "y" } }.
    fn model() -> Vec<u8> {
        let mut node = Vec::new();
        put_len_field(&mut node, NODE_OUTPUT, b"c");
        put_len_field(&mut node, NODE_OP_TYPE, b"Ceil");
        let mut vi = Vec::new();
        put_len_field(&mut vi, VALUE_INFO_NAME, b"y");
        let mut graph = Vec::new();
        put_len_field(&mut graph, GRAPH_NODE, &node);
        put_len_field(&mut graph, GRAPH_OUTPUT, &vi);
        let mut m = Vec::new();
        encode_key(1, WireType::Varint, &mut m); // ir_version
        encode_varint(8, &mut m);
        put_len_field(&mut m, MODEL_GRAPH, &graph);
        m
    }

    #[test]
    fn finds_nodes_and_adds_an_output() {
        let m = model();
        assert_eq!(node_outputs(&m, "Ceil").unwrap(), vec!["c"]);
        assert_eq!(graph_outputs(&m).unwrap(), vec!["y"]);
        let p = add_float_output(&m, "c").unwrap();
        assert_eq!(graph_outputs(&p).unwrap(), vec!["y", "c"]);
        // Everything before the graph is untouched.
        assert_eq!(&p[..2], &m[..2]);
    }

    #[test]
    fn garbage_is_refused_not_panicked_on() {
        assert!(add_float_output(b"\xff\xff\xff", "x").is_none());
        assert!(node_outputs(b"\x3a\x10abc", "Ceil").is_none());
        assert!(graph_outputs(&[]).is_some_and(|v| v.is_empty()) || graph_outputs(&[]).is_none());
    }
}
