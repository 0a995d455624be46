//! The YAML layer: a spanned tree for reading, serde-saphyr for writing.
//!
//! Reading goes through granit-parser's event stream into [`Node`]s that remember where they
//! started in the input. Those positions let the I/O layer copy items it does not touch back out
//! as the exact bytes they arrived as (quoting, comments, key order, indentation), and let
//! validation name lines. The tree is built iteratively with hard limits, so hostile input
//! (deep nesting, alias bombs, duplicate keys) ends in an error, never a crash or a hang.
//!
//! Writing goes through serde-saphyr, whose emitter quotes every string that a YAML 1.1 or 1.2
//! reader could take for something else (`on`, `yes`, `0755`, `1_000`, `2024-01-01`, ...).
//! See the README's design notes for the measurements behind this choice.

use std::collections::HashMap;
use std::collections::HashSet;

use granit_parser::{Event, Parser, ScalarStyle, Span, StructureStyle};
use serde::Serialize;

/// Deeper nesting than this is refused: real Kubernetes objects stay far below it.
pub const MAX_DEPTH: usize = 200;
/// How many nodes alias expansion may add to a stream before it is treated as an alias bomb.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A position in the input: byte offset, 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub byte: usize,
    pub line: usize,
    pub col: usize,
}

/// How a node was written; scalars keep their style so `'0755'` stays a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    BlockScalar,
    BlockCollection,
    FlowCollection,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    pub style: Style,
    /// True when the node or one of its children was an alias: its source text then depends on
    /// an anchor elsewhere and cannot be copied on its own.
    pub has_alias: bool,
    /// How a plain scalar that resolved to a number or boolean was written, when that differs
    /// from how the value prints (`1.10`, `0755`, `0x1F`, `True`): kept for fields whose value
    /// becomes a Kubernetes string exactly as written (see [`Node::to_json_keeping`]).
    pub text: Option<Box<str>>,
}

/// One document of a stream, with the byte range its text occupies (after any `---` line).
#[derive(Clone, Debug)]
pub struct Document {
    pub root: Node,
    pub text_start: usize,
    pub text_end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {col}: {message}")]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub col: usize,
}

impl Node {
    pub fn new(value: Value) -> Node {
        let style = match value {
            Value::Seq(_) | Value::Map(_) => Style::BlockCollection,
            _ => Style::Plain,
        };
        Node { value, pos: Pos::default(), style, has_alias: false, text: None }
    }

    pub fn string(s: impl Into<String>) -> Node {
        Node::new(Value::Str(s.into()))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => entries.iter_mut().find(|e| e.key == key).map(|e| &mut e.value),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries()?.iter().find(|e| e.key == key)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Sets `key` in a mapping, replacing an existing value or appending a new entry.
    pub fn set(&mut self, key: &str, value: Node) {
        if let Value::Map(entries) = &mut self.value {
            match entries.iter_mut().find(|e| e.key == key) {
                Some(entry) => entry.value = value,
                None => entries.push(Entry { key: key.to_string(), key_pos: Pos::default(), value }),
            }
        }
    }

    /// Removes `key` from a mapping and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match &mut self.value {
            Value::Map(entries) => {
                let index = entries.iter().position(|e| e.key == key)?;
                Some(entries.remove(index).value)
            }
            _ => None,
        }
    }

    /// Returns the mapping under `key`, creating an empty one when absent or null.
    pub fn map_at(&mut self, key: &str) -> &mut Node {
        let needs_map = !matches!(self.get(key).map(|n| &n.value), Some(Value::Map(_)));
        if needs_map {
            self.set(key, Node::new(Value::Map(Vec::new())));
        }
        self.get_mut(key).expect("just set")
    }

    /// "a string", "a mapping", ...: how error messages name what they found.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The node in a form short enough for an error message: `"sure"`, `12`, `a mapping`.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) if s.chars().count() > 60 => {
                format!("{:?}", format!("{}...", s.chars().take(57).collect::<String>()))
            }
            Value::Str(s) => format!("{s:?}"),
            Value::Seq(_) | Value::Map(_) => self.kind_name().into(),
        }
    }

    /// The JSON data model of the node (what serde sees).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or_else(|| J::String(f.to_string()), J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|e| (e.key.clone(), e.value.to_json())).collect()),
        }
    }

    /// [`Node::to_json`], except that the scalars at `positions` (byte offsets) become the
    /// text they were written as: for fields whose value is a Kubernetes string.
    pub fn to_json_keeping(&self, positions: &std::collections::HashSet<usize>) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Seq(items) => J::Array(items.iter().map(|i| i.to_json_keeping(positions)).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|e| (e.key.clone(), e.value.to_json_keeping(positions))).collect()),
            _ => match &self.text {
                Some(text) if positions.contains(&self.pos.byte) => J::String(text.to_string()),
                _ => self.to_json(),
            },
        }
    }

    /// Builds a tree from JSON (for edits of items that must be re-rendered).
    pub fn from_json(json: &serde_json::Value) -> Node {
        Node::from_json_owned(json.clone())
    }

    /// Builds a tree from JSON, moving its strings instead of copying them.
    pub fn from_json_owned(json: serde_json::Value) -> Node {
        use serde_json::Value as J;
        Node::new(match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(b),
            J::Number(n) => n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
            J::String(s) => Value::Str(s),
            J::Array(items) => Value::Seq(items.into_iter().map(Node::from_json_owned).collect()),
            J::Object(map) => Value::Map(
                map.into_iter().map(|(key, v)| Entry { key, key_pos: Pos::default(), value: Node::from_json_owned(v) }).collect(),
            ),
        })
    }
}

/// A tree serialises as its data (what [`Node::to_json`] gives), without building that copy.
impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match &self.value {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => serializer.serialize_i64(*i),
            Value::Float(f) if f.is_finite() => serializer.serialize_f64(*f),
            Value::Float(f) => serializer.serialize_str(&f.to_string()),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Seq(items) => serializer.collect_seq(items),
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for entry in entries {
                    map.serialize_entry(&entry.key, &entry.value)?;
                }
                map.end()
            }
        }
    }
}

/// Serialises any value as block YAML with safe quoting.
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}

/// Appends `text` to `out` with `first` before its first line and `rest` before every later
/// non-empty line: used to place a rendered object into a sequence (`- `) or under a key.
pub fn push_indented(out: &mut String, text: &str, first: &str, rest: &str) {
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(first);
        } else if !line.is_empty() {
            out.push_str(rest);
        }
        out.push_str(line);
        out.push('\n');
    }
}

/// Byte offset of the start of the line that contains `byte`.
pub fn line_start(text: &str, byte: usize) -> usize {
    text[..byte].rfind('\n').map_or(0, |i| i + 1)
}

/// Resolves a plain scalar by the YAML 1.2 core schema (what Kubernetes' YAML readers agree on
/// for the values that matter; YAML-1.1-only forms such as `yes` stay strings here, and output
/// quotes them so no reader disagrees).
/// Byte offset of the start of the line after the one that contains `byte`.
fn line_after(text: &str, byte: usize) -> usize {
    text[byte..].find('\n').map_or(text.len(), |i| byte + i + 1)
}

fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().map_or_else(|_| Value::Float(s.parse().unwrap_or(f64::NAN)), Value::Int);
    }
    if let Some(oct) = s.strip_prefix("0o").filter(|d| !d.is_empty() && d.bytes().all(|b| (b'0'..=b'7').contains(&b)))
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Int(i);
    }
    if let Some(hex) = s.strip_prefix("0x").filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_hexdigit()))
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    if is_core_float(digits)
        && let Ok(f) = s.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(s.to_string())
}

/// Whether a scalar's text says more than its resolved value prints as.
fn written_differently(value: &Value, text: &str) -> bool {
    match value {
        Value::Int(i) => i.to_string() != text,
        Value::Float(f) => f.to_string() != text,
        Value::Bool(b) => b.to_string() != text,
        _ => false,
    }
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without a regex engine.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit()) && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok && mantissa != "."
}

fn pos(span: &Span) -> Pos {
    Pos { byte: span.start.byte_offset().unwrap_or(0), line: span.start.line(), col: span.start.col() + 1 }
}

fn error_at(at: Pos, message: impl Into<String>) -> YamlError {
    YamlError { message: message.into(), line: at.line, col: at.col }
}

/// A collection being built.
struct Frame {
    node: Node,
    anchor: usize,
    /// Nodes in this subtree, for the alias budget.
    count: usize,
    /// A mapping key waiting for its value.
    pending_key: Option<(String, Pos)>,
    /// Keys seen so far, kept once a mapping is large enough for linear scans to hurt.
    key_index: Option<HashSet<String>>,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
    root: Option<Node>,
}

impl Builder {
    /// Attaches a finished node to its parent (or makes it the document root).
    fn attach(&mut self, node: Node, count: usize, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), count));
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        parent.count += count;
        if node.has_alias {
            parent.node.has_alias = true;
        }
        match &mut parent.node.value {
            Value::Seq(items) => items.push(node),
            Value::Map(entries) => match parent.pending_key.take() {
                Some((key, key_pos)) => entries.push(Entry { key, key_pos, value: node }),
                None => return Err(error_at(node.pos, "mapping keys must be plain strings, not lists, mappings or aliases")),
            },
            _ => unreachable!("only collections are pushed on the stack"),
        }
        Ok(())
    }

    /// Records a scalar mapping key, refusing duplicates (YAML forbids them; kpt would silently
    /// keep one of the two values).
    fn key(&mut self, key: String, at: Pos) -> Result<(), YamlError> {
        let frame = self.stack.last_mut().expect("key inside a mapping");
        let Value::Map(entries) = &frame.node.value else { unreachable!() };
        let duplicate = match &mut frame.key_index {
            Some(index) => !index.insert(key.clone()),
            None => {
                let duplicate = entries.iter().any(|e| e.key == key);
                if entries.len() >= 16 {
                    frame.key_index = Some(entries.iter().map(|e| e.key.clone()).chain([key.clone()]).collect());
                }
                duplicate
            }
        };
        if duplicate {
            return Err(error_at(at, format!("duplicate mapping key {key:?}")));
        }
        frame.pending_key = Some((key, at));
        Ok(())
    }

    fn expects_key(&self) -> bool {
        self.stack.last().is_some_and(|f| matches!(f.node.value, Value::Map(_)) && f.pending_key.is_none())
    }

    fn open(&mut self, value: Value, at: Pos, style: StructureStyle, anchor: usize) -> Result<(), YamlError> {
        if self.expects_key() {
            return Err(error_at(at, "mapping keys must be plain strings, not lists, mappings or aliases"));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(error_at(at, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let style = match style {
            StructureStyle::Block => Style::BlockCollection,
            StructureStyle::Flow => Style::FlowCollection,
        };
        let node = Node { value, pos: at, style, has_alias: false, text: None };
        self.stack.push(Frame { node, anchor, count: 1, pending_key: None, key_index: None });
        Ok(())
    }

    fn close(&mut self) -> Result<(), YamlError> {
        let mut frame = self.stack.pop().expect("balanced collection events");
        merge_keys(&mut frame.node)?;
        self.attach(frame.node, frame.count, frame.anchor)
    }
}

/// The key of YAML's merge: `<<: *base` (or a list of anchors) copies in the keys of those
/// mappings that this one does not set itself. kubectl reads manifests that use it.
pub const MERGE_KEY: &str = "<<";

/// Resolves a mapping's merge key in place: its own keys win, then the merged mappings in the
/// order they are listed.
fn merge_keys(node: &mut Node) -> Result<(), YamlError> {
    let Value::Map(entries) = &mut node.value else { return Ok(()) };
    let Some(at) = entries.iter().position(|e| e.key == MERGE_KEY) else { return Ok(()) };
    let merge = entries.remove(at);
    let sources: Vec<Node> = match merge.value.value {
        Value::Map(_) => vec![merge.value],
        Value::Seq(items) if items.iter().all(|i| matches!(i.value, Value::Map(_))) => items,
        _ => return Err(error_at(merge.key_pos, "the merge key << takes a mapping or a list of mappings")),
    };
    for source in sources {
        let Value::Map(merged) = source.value else { unreachable!("checked above") };
        for entry in merged {
            if !entries.iter().any(|e| e.key == entry.key) {
                entries.push(entry);
            }
        }
    }
    node.has_alias = true;
    Ok(())
}

fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&granit_parser::Tag>) -> (Value, Style) {
    let style = match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
        _ => Style::BlockScalar,
    };
    let forced_string = tag.is_some_and(|t| t.is_yaml_core_schema_tag("str"));
    if style == Style::Plain && !forced_string { (resolve_plain(text), style) } else { (Value::Str(text.to_string()), style) }
}

/// Parses every document of a YAML stream into spanned trees.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, YamlError> {
    let mut documents: Vec<Document> = Vec::new();
    let mut builder = Builder::default();
    // Where the current document's text begins: after its `---` line, if it has one, else
    // after whatever ended the previous document.
    let mut doc_text_start = 0;
    let mut boundary = 0;
    // Whether the last document ended with `...`, which fixes its end already.
    let mut ended_explicitly = false;
    for event in Parser::new_from_str(text) {
        let (event, span) =
            event.map_err(|e| YamlError { message: e.info().to_string(), line: e.marker().line(), col: e.marker().col() + 1 })?;
        let at = pos(&span);
        match event {
            Event::DocumentStart(explicit, _) => {
                if let Some(previous) = documents.last_mut().filter(|_| !ended_explicitly) {
                    previous.text_end = if explicit { line_start(text, at.byte) } else { at.byte };
                }
                doc_text_start = if explicit { line_after(text, at.byte) } else { boundary };
            }
            Event::DocumentEnd => {
                let root = builder.root.take().unwrap_or_else(|| Node::new(Value::Null));
                let text_start = doc_text_start.min(line_start(text, root.pos.byte.min(text.len())));
                ended_explicitly = span.slice(text) == Some("...");
                boundary = if ended_explicitly { line_after(text, at.byte) } else { at.byte };
                let text_end = if ended_explicitly { line_start(text, at.byte) } else { text.len() };
                documents.push(Document { root, text_start, text_end });
            }
            Event::Scalar(value, style, anchor, tag) => {
                if builder.expects_key() {
                    builder.key(value.into_owned(), at)?;
                    continue;
                }
                let (resolved, style) = scalar_value(&value, style, tag.as_deref());
                let text = written_differently(&resolved, &value).then(|| value.as_ref().into());
                builder.attach(Node { value: resolved, pos: at, style, has_alias: false, text }, 1, anchor)?;
            }
            Event::SequenceStart(style, anchor, _) => builder.open(Value::Seq(Vec::new()), at, style, anchor)?,
            Event::MappingStart(style, anchor, _) => builder.open(Value::Map(Vec::new()), at, style, anchor)?,
            Event::SequenceEnd | Event::MappingEnd => builder.close()?,
            Event::Alias(id) => {
                if builder.expects_key() {
                    return Err(error_at(at, "mapping keys must be plain strings, not lists, mappings or aliases"));
                }
                let Some((node, count)) = builder.anchors.get(&id).cloned() else {
                    return Err(error_at(at, "alias to an unknown anchor"));
                };
                builder.alias_nodes += count;
                if builder.alias_nodes > MAX_ALIAS_NODES {
                    return Err(error_at(at, format!("aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)")));
                }
                let node = Node { pos: at, has_alias: true, ..node };
                builder.attach(node, count, 0)?;
            }
            _ => {}
        }
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keys_copy_in_what_a_mapping_does_not_set() {
        let text = "base: &base {a: 1, b: 2}\nother: &other {c: 3, b: 9}\none: {<<: *base, b: 5}\nmany:\n  <<: [*base, *other]\n  d: 4\n";
        let root = parse_documents(text).unwrap().remove(0).root.to_json();
        assert_eq!(root["one"], serde_json::json!({"b": 5, "a": 1}));
        assert_eq!(root["many"], serde_json::json!({"d": 4, "a": 1, "b": 2, "c": 3}));
        assert!(parse_documents("x: {<<: 3}\n").unwrap_err().message.contains("merge key"));
    }

    fn root(text: &str) -> Node {
        parse_documents(text).unwrap().remove(0).root
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema_and_quoted_ones_stay_strings() {
        let doc = root("a: 12\nb: '12'\nc: true\nd: yes\ne: ~\nf: 1.5\ng: 0755\nh: \"on\"\ni: 0x1F\nj: 1e3\nk: .5\nl: 1.10.1\n");
        let get = |k: &str| doc.get(k).unwrap().value.clone();
        assert_eq!(get("a"), Value::Int(12));
        assert_eq!(get("b"), Value::Str("12".into()));
        assert_eq!(get("c"), Value::Bool(true));
        assert_eq!(get("d"), Value::Str("yes".into()));
        assert_eq!(get("e"), Value::Null);
        assert_eq!(get("f"), Value::Float(1.5));
        assert_eq!(get("g"), Value::Int(755));
        assert_eq!(get("h"), Value::Str("on".into()));
        assert_eq!(get("i"), Value::Int(31));
        assert_eq!(get("j"), Value::Float(1000.0));
        assert_eq!(get("k"), Value::Float(0.5));
        assert_eq!(get("l"), Value::Str("1.10.1".into()));
    }

    #[test]
    fn duplicate_keys_are_errors_with_their_line() {
        let err = parse_documents("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap_err();
        assert_eq!(err.message, "duplicate mapping key \"c\"");
        assert_eq!((err.line, err.col), (4, 3));
    }

    #[test]
    fn duplicate_keys_in_large_mappings_are_found_too() {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\n");
        assert_eq!(parse_documents(&text).unwrap_err().line, 41);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse_documents(&flow).is_err());
        let block: String = (0..1_000).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let err = parse_documents(&block).unwrap_err();
        assert!(err.message.contains("nesting deeper than 200 levels"), "{err}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g"].iter().enumerate() {
            let prev = if i == 0 { "a".to_string() } else { ["b", "c", "d", "e", "f"][i - 1].to_string() };
            text.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let err = parse_documents(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn aliases_expand_and_mark_their_parents() {
        let doc = root("a: &x {k: v}\nb: *x\n");
        assert_eq!(doc.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
        assert!(doc.has_alias);
        assert!(!doc.get("a").unwrap().has_alias);
    }

    #[test]
    fn complex_keys_are_refused() {
        assert!(parse_documents("? [a]\n: b\n").is_err());
    }

    #[test]
    fn document_text_ranges_exclude_separators() {
        let text = "# one\na: 1\n---\nb: 2\n...\n--- # three\nc: 3\n";
        let docs = parse_documents(text).unwrap();
        let texts: Vec<&str> = docs.iter().map(|d| &text[d.text_start..d.text_end]).collect();
        assert_eq!(texts, ["# one\na: 1\n", "b: 2\n", "c: 3\n"]);
    }

    #[test]
    fn emitted_strings_are_quoted_when_a_reader_could_mistake_them() {
        let risky = ["on", "off", "yes", "no", "y", "n", "true", "null", "~", "0755", "1.10", "1_000", "2024-01-01", "1:20", "", "-"];
        let yaml = to_yaml(&risky).unwrap();
        for (line, word) in yaml.lines().zip(risky) {
            let quoted = line.trim_start_matches("- ");
            assert!(quoted.starts_with('"') || quoted.starts_with('\''), "{word} emitted as {line}");
        }
        let back: Vec<String> =
            parse_documents(&yaml).unwrap()[0].root.to_json().as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(back, risky);
    }
}
