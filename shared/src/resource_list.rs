//! Reading and writing the resources a function works on, losslessly.
//!
//! Two formats arrive on stdin: a `config.kubernetes.io/v1` ResourceList (kpt, `docker run`,
//! kustomize KRM functions) or a plain multi-document stream (kustomize's legacy exec plugins and
//! standalone runs). Whatever came in goes out in the same format.
//!
//! Items the function does not touch are written back as the exact bytes they arrived as. kpt
//! restores comments and key order of items it can match by `config.k8s.io/id`, but not the style
//! of scalars, so re-serialising an untouched item (`'0755'` becoming `"0755"`, flow maps becoming
//! block maps) would rewrite users' files. An item is re-rendered from its tree only when the
//! function changes it and no small text edit can express the change.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::results::{FileRef, KrmResult, ResourceRef};
use crate::yaml::{self, Document, Node, Value, YamlError, line_start};

pub const RESOURCE_LIST_API_VERSION: &str = "config.kubernetes.io/v1";
pub const RESOURCE_LIST_KIND: &str = "ResourceList";

/// Annotations through which kpt and kustomize track where an item lives.
pub mod annotations {
    pub const PATH: &str = "config.kubernetes.io/path";
    pub const INDEX: &str = "config.kubernetes.io/index";
    pub const INTERNAL_PATH: &str = "internal.config.kubernetes.io/path";
    pub const INTERNAL_INDEX: &str = "internal.config.kubernetes.io/index";
    pub const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
    /// Names the function that generated a resource.
    pub const GENERATED_BY: &str = "krm.lummo.com/generated-by";
    /// Names the input a resource was generated from, as `Kind/name` or `Kind/namespace/name`.
    pub const GENERATED_FROM: &str = "krm.lummo.com/generated-from";
    /// Names the functions that edited a generated resource after it was generated, comma-separated.
    pub const DECORATED_BY: &str = "krm.lummo.com/decorated-by";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A ResourceList document.
    ResourceList,
    /// Plain YAML documents separated by `---` (also what `lummo` reads a package as).
    Stream,
}

/// Where an item's output text comes from.
#[derive(Clone, Debug)]
enum Text {
    /// These bytes of the text the item was read from, unchanged.
    Verbatim(Arc<str>, Range<usize>),
    /// The input bytes with a small edit applied.
    Edited(String),
    /// Rendered from the tree (generated items, and items edits could not be made to in place).
    Rendered,
}

/// What makes two resources the same object in a cluster: items refer to each other by it,
/// never by their position in the list, which changes as functions add and remove items.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ResourceId {
    pub fn new(api_version: &str, kind: &str, namespace: &str, name: &str) -> ResourceId {
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        ResourceId { group: group.into(), kind: kind.into(), namespace: namespace.into(), name: name.into() }
    }

    /// The id of a resource of type `T` (a core kind from k8s-openapi or one of `lummo-kinds`).
    pub fn of<T: k8s_openapi::Resource>(namespace: &str, name: &str) -> ResourceId {
        ResourceId { group: T::GROUP.into(), kind: T::KIND.into(), namespace: namespace.into(), name: name.into() }
    }

    /// The id of a serialised object.
    pub fn of_json(object: &serde_json::Value) -> ResourceId {
        let s = |pointer: &str| object.pointer(pointer).and_then(serde_json::Value::as_str).unwrap_or_default();
        ResourceId::new(s("/apiVersion"), s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
    }

    pub fn is<T: k8s_openapi::Resource>(&self) -> bool {
        self.group == T::GROUP && self.kind == T::KIND
    }
}

/// `Rollout/shop/web`, or `Rollout/web` without a namespace.
impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.namespace.as_str() {
            "" => write!(f, "{}/{}", self.kind, self.name),
            ns => write!(f, "{}/{}/{}", self.kind, ns, self.name),
        }
    }
}

/// One resource, with its tree and the text it is written back as. The tree is reached through
/// [`Item::node`] and [`Item::node_mut`], so an edit can never be lost behind the input bytes.
#[derive(Clone, Debug)]
pub struct Item {
    node: Node,
    text: Text,
    /// The file the item belongs to when no annotation says so (packages read by `lummo`,
    /// which keeps kpt's bookkeeping out of the resources).
    origin: Option<FileRef>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("input is not valid UTF-8: invalid byte at offset {offset} (line {line})")]
    NotUtf8 { offset: usize, line: usize },
    #[error("input is not valid YAML: {0}")]
    Yaml(#[from] YamlError),
    #[error("{0}")]
    Shape(String),
}

/// The resources of one run, and how to write them back.
#[derive(Debug)]
pub struct ResourceList {
    pub format: Format,
    pub items: Vec<Item>,
    pub function_config: Option<Item>,
    /// Column of the `-` of the input's item sequence, so that new items line up with it.
    item_indent: usize,
}

impl Item {
    /// A new item to be rendered from its tree.
    pub fn rendered(node: Node) -> Item {
        Item { node, text: Text::Rendered, origin: None }
    }

    /// An item read from `source`, written back as the bytes of `range` while untouched.
    fn verbatim(node: Node, source: &Arc<str>, range: Range<usize>) -> Item {
        Item { node, text: Text::Verbatim(Arc::clone(source), range), origin: None }
    }

    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The tree, to change it: the item is then written from the tree, not its input bytes.
    pub fn node_mut(&mut self) -> &mut Node {
        self.text = Text::Rendered;
        &mut self.node
    }

    /// Whether the item will be written as the bytes it was read as.
    pub fn is_verbatim(&self) -> bool {
        matches!(self.text, Text::Verbatim(..))
    }

    /// The text the item is written as in a stream (without `---`).
    pub fn to_yaml(&self) -> Result<String, String> {
        let mut out = String::new();
        push_item(&mut out, self, "", "")?;
        Ok(out)
    }

    pub fn id(&self) -> ResourceId {
        ResourceId::new(self.api_version(), self.kind(), self.namespace(), self.name())
    }

    /// Decodes the item as a `T` (a core kind from k8s-openapi, or one of `lummo-kinds`).
    pub fn decode<T: k8s_openapi::Resource + serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        let id = self.id();
        if !id.is::<T>() {
            return Err(format!("{id} is not a {}", T::KIND));
        }
        serde_json::from_value(self.node.to_json()).map_err(|e| format!("{id} cannot be read as a {}: {e}", T::KIND))
    }

    /// Records the file an item was read from, or a generated item's file.
    pub fn set_origin(&mut self, file: FileRef) {
        self.origin = Some(file);
    }

    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.node.at(path).and_then(Node::as_str)
    }

    pub fn api_version(&self) -> &str {
        self.str_at(&["apiVersion"]).unwrap_or_default()
    }

    pub fn kind(&self) -> &str {
        self.str_at(&["kind"]).unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"]).unwrap_or_default()
    }

    pub fn namespace(&self) -> &str {
        self.str_at(&["metadata", "namespace"]).unwrap_or_default()
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.str_at(&["metadata", "annotations", key])
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.str_at(&["metadata", "labels", key])
    }

    /// The file the item belongs to. Where it was actually read from (or, for a generated item,
    /// the file it was given) comes first: the path annotations written inside a file are the
    /// file's own words and may say anything, so they count only in a ResourceList, where kpt
    /// (or an older kustomize) wrote them from where it read each file.
    pub fn file(&self) -> Option<FileRef> {
        if let Some(origin) = &self.origin {
            return Some(origin.clone());
        }
        let path = self.annotation(annotations::INTERNAL_PATH).or(self.annotation(annotations::PATH))?;
        let index = self.annotation(annotations::INTERNAL_INDEX).or(self.annotation(annotations::INDEX));
        Some(FileRef { path: path.to_string(), index: index.and_then(|i| i.parse().ok()) })
    }

    pub fn resource_ref(&self) -> ResourceRef {
        ResourceRef {
            api_version: self.api_version().to_string(),
            kind: self.kind().to_string(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// A result about this item, pointing at its file and resource.
    pub fn result(&self, mut result: KrmResult) -> KrmResult {
        result.resource_ref = Some(self.resource_ref());
        result.file = self.file();
        result
    }

    /// Sets a string annotation. In the text, the new line goes above the first existing
    /// annotation (or a new `annotations:` block above the first `metadata` key) so every other
    /// byte stays as it was; only when the item has no block-style metadata is it re-rendered.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        if self.annotation(key) == Some(value) {
            return;
        }
        let edit = self.annotation_edit(key, value);
        let metadata = self.node.map_at("metadata");
        metadata.map_at("annotations").set(key, Node::string(value));
        self.text = match edit {
            Some(text) => Text::Edited(text),
            None => Text::Rendered,
        };
    }

    fn annotation_edit(&self, key: &str, value: &str) -> Option<String> {
        let Text::Verbatim(list_source, range) = &self.text else { return None };
        let original = &list_source[range.clone()];
        let line = format!("{}: {}\n", yaml::to_yaml(&key).ok()?.trim_end(), yaml::to_yaml(&value).ok()?.trim_end());
        let metadata = self.node.get("metadata").filter(|m| m.style == yaml::Style::BlockCollection)?;
        let annotations = metadata.get("annotations");
        // One already there (with another value, or not a string) is changed in the tree: a new
        // line beside it would make a duplicate key.
        if annotations.and_then(|a| a.get(key)).is_some() {
            return None;
        }
        let (anchor, insert) = match annotations {
            Some(a) if a.style == yaml::Style::BlockCollection => {
                let first = a.entries()?.first()?;
                (first.key_pos, format!("{}{line}", " ".repeat(first.key_pos.col - 1)))
            }
            // Another form (flow, or `annotations:` with no value) is replaced in the tree: a
            // new `annotations:` line beside a null one would make a duplicate key.
            Some(_) => return None,
            None => {
                let first = metadata.entries()?.first()?;
                let indent = " ".repeat(first.key_pos.col - 1);
                (first.key_pos, format!("{indent}annotations:\n{indent}  {line}"))
            }
        };
        // The key must open its line, or the new line would land in the middle of it.
        let start = line_start(list_source, anchor.byte);
        if !list_source[start..anchor.byte].trim().is_empty() || start < range.start {
            return None;
        }
        let at = start - range.start;
        Some(format!("{}{}{}", &original[..at], insert, &original[at..]))
    }
}

/// Computes, for a document's root mapping, where each top-level key's value text ends: at the
/// line of the next key (by position) or at the end of the document.
fn value_end(text: &str, doc: &Document, key: &str) -> usize {
    let entries = doc.root.entries().unwrap_or_default();
    let Some(own) = entries.iter().find(|e| e.key == key) else { return doc.text_end };
    entries.iter().map(|e| e.key_pos.byte).filter(|&b| b > own.key_pos.byte).min().map_or(doc.text_end, |b| line_start(text, b))
}

/// Moves an item's start up over the comment lines just above it that sit at or left of its
/// `-` (deeper ones could be the end of the previous item's block scalar), so that a comment
/// written above an item stays with it when a neighbour is removed.
fn with_leading_comments(text: &str, start: usize, dash: usize, floor: usize) -> usize {
    let mut best = start;
    let mut cursor = start;
    while cursor > floor {
        let previous = line_start(text, cursor - 1);
        let line = &text[previous..cursor];
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') && line.len() - trimmed.len() <= dash {
            best = previous;
        } else if !trimmed.trim().is_empty() {
            break;
        }
        cursor = previous;
    }
    best.max(floor)
}

/// Finds the `-` that opens a sequence entry whose content starts at `node`: on the node's own
/// line (`- apiVersion: v1`) or, as kpt writes a file's head comment, on an earlier line with
/// only comments between (`- # comment` then `  apiVersion: v1`). Returns the start of the
/// dash's line and the dash's column.
fn find_dash(text: &str, node: &Node) -> Option<(usize, usize)> {
    let is_dash_line = |line: &str| {
        let body = line.trim_start();
        let rest = body.strip_prefix('-')?;
        let after = rest.trim_start();
        let opens = rest.is_empty() || rest.starts_with([' ', '\t']);
        (opens && (after.is_empty() || after.starts_with('#'))).then_some(line.len() - body.len())
    };
    let mut begin = line_start(text, node.pos.byte);
    let prefix = &text[begin..node.pos.byte];
    if let Some(dash) = is_dash_line(prefix) {
        return Some((begin, dash));
    }
    if !prefix.trim().is_empty() {
        return None;
    }
    while begin > 0 {
        let previous = line_start(text, begin - 1);
        let line = text[previous..begin - 1].trim_end_matches('\r');
        if let Some(dash) = is_dash_line(line) {
            return Some((previous, dash));
        }
        let body = line.trim_start();
        if !(body.is_empty() || body.starts_with('#')) {
            return None;
        }
        begin = previous;
    }
    None
}

fn check_item(node: &Node, what: impl Fn() -> String) -> Result<(), ReadError> {
    if matches!(node.value, Value::Map(_)) {
        Ok(())
    } else {
        Err(ReadError::Shape(format!("{}: expected a mapping (a Kubernetes resource), got {}", what(), node.kind_name())))
    }
}

/// Reads bytes as UTF-8, naming the offset and line of the first invalid byte.
fn utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        ReadError::NotUtf8 { offset, line }
    })
}

/// The items of a plain multi-document stream, each kept as its document's bytes.
fn stream_items(source: &Arc<str>, documents: Vec<Document>) -> Result<Vec<Item>, ReadError> {
    let mut items = Vec::new();
    for (index, doc) in documents.into_iter().enumerate() {
        if doc.root.is_null() {
            continue;
        }
        check_item(&doc.root, || format!("document {}", index + 1))?;
        if doc.root.has_alias {
            items.push(Item::rendered(doc.root));
        } else {
            items.push(Item::verbatim(doc.root, source, doc.text_start..doc.text_end));
        }
    }
    Ok(items)
}

impl ResourceList {
    /// An empty list of the given format.
    pub fn new(format: Format) -> ResourceList {
        ResourceList { format, items: Vec::new(), function_config: None, item_indent: 0 }
    }

    /// Reads stdin's bytes, deciding the format from the content.
    pub fn read(bytes: Vec<u8>) -> Result<ResourceList, ReadError> {
        let source = utf8(bytes)?;
        let documents = yaml::parse_documents(&source)?;
        let is_resource_list = documents.len() == 1 && documents[0].root.get("kind").and_then(Node::as_str) == Some(RESOURCE_LIST_KIND);
        let source: Arc<str> = source.into();
        if is_resource_list {
            Self::from_resource_list(&source, documents.into_iter().next().expect("one document"))
        } else {
            let mut list = ResourceList::new(Format::Stream);
            list.items = stream_items(&source, documents)?;
            Ok(list)
        }
    }

    /// Reads the documents of one file of a package as items that know their file and index
    /// (the index counts documents as kpt does, empty ones included).
    pub fn read_file(path: &str, bytes: Vec<u8>) -> Result<Vec<Item>, ReadError> {
        let source = utf8(bytes)?;
        let documents = yaml::parse_documents(&source)?;
        let indices: Vec<usize> = (0..documents.len()).filter(|&i| !documents[i].root.is_null()).collect();
        let source: Arc<str> = source.into();
        let mut items = stream_items(&source, documents)?;
        for (item, index) in items.iter_mut().zip(indices) {
            item.set_origin(FileRef { path: path.to_string(), index: u32::try_from(index).ok() });
        }
        Ok(items)
    }

    fn from_resource_list(source: &Arc<str>, doc: Document) -> Result<ResourceList, ReadError> {
        let mut list = ResourceList::new(Format::ResourceList);
        let text: &str = source;
        let items_end = value_end(text, &doc, "items");
        let function_config_end = value_end(text, &doc, "functionConfig");
        let items_key = doc.root.entry("items").map_or(0, |e| e.key_pos.byte);
        let mut root = doc.root;
        match root.remove("items").map(|n| (n.value, n.style)) {
            None | Some((Value::Null, _)) => {}
            Some((Value::Seq(nodes), style)) => {
                let mut starts: Vec<usize> = Vec::with_capacity(nodes.len());
                let mut dashes = Vec::with_capacity(nodes.len());
                for node in &nodes {
                    let dash = find_dash(text, node);
                    let start = dash.map_or(line_start(text, node.pos.byte), |(line, _)| line);
                    let floor = starts.last().map_or(line_start(text, items_key), |&s| s + 1);
                    starts.push(with_leading_comments(text, start, dash.map_or(0, |(_, col)| col), floor));
                    dashes.push(dash.map(|(_, col)| col));
                }
                let mut indent = None;
                for (index, node) in nodes.into_iter().enumerate() {
                    check_item(&node, || format!("items[{index}]"))?;
                    let dash = dashes[index].filter(|_| style == yaml::Style::BlockCollection && !node.has_alias);
                    let item = match dash {
                        Some(dash) => {
                            indent.get_or_insert(dash);
                            Item::verbatim(node, source, starts[index]..starts.get(index + 1).copied().unwrap_or(items_end))
                        }
                        None => Item::rendered(node),
                    };
                    list.items.push(item);
                }
                list.item_indent = indent.unwrap_or(0);
            }
            Some((_, _)) => return Err(ReadError::Shape("items: expected a list of resources".into())),
        }
        if let Some(node) = root.remove("functionConfig").filter(|n| !n.is_null()) {
            check_item(&node, || "functionConfig".into())?;
            let start = line_start(text, node.pos.byte);
            let verbatim = node.style == yaml::Style::BlockCollection && !node.has_alias && text[start..node.pos.byte].trim().is_empty();
            let item = if verbatim { Item::verbatim(node, source, start..function_config_end) } else { Item::rendered(node) };
            list.function_config = Some(item);
        }
        Ok(list)
    }

    /// The item with this identity (the first, should there be several). A scan: to look up
    /// many, build an [`ResourceList::index`] once.
    pub fn get(&self, id: &ResourceId) -> Option<&Item> {
        self.items.iter().find(|item| &item.id() == id)
    }

    /// Every item by identity (the first of each).
    pub fn index(&self) -> HashMap<ResourceId, &Item> {
        let mut index = HashMap::with_capacity(self.items.len());
        for item in &self.items {
            index.entry(item.id()).or_insert(item);
        }
        index
    }

    /// The items functions generated, by the input they were generated from (the value of
    /// their `krm.lummo.com/generated-from` annotation), in list order.
    pub fn by_generating_input(&self) -> HashMap<&str, Vec<&Item>> {
        let mut by_input: HashMap<&str, Vec<&Item>> = HashMap::new();
        for item in &self.items {
            if let Some(from) = item.annotation(annotations::GENERATED_FROM) {
                by_input.entry(from).or_default().push(item);
            }
        }
        by_input
    }

    /// Sets an annotation on every item whose identity is in `ids`, keeping its text as intact
    /// as possible.
    pub fn set_annotation(&mut self, ids: &HashSet<&ResourceId>, key: &str, value: &str) {
        for item in &mut self.items {
            if ids.contains(&item.id()) {
                item.set_annotation(key, value);
            }
        }
    }

    /// Writes the list in its input format, with `results` when it is a ResourceList.
    pub fn write(&self, results: &[KrmResult]) -> Result<String, String> {
        let mut out = String::with_capacity(64 * 1024);
        match self.format {
            Format::Stream => {
                for (i, item) in self.items.iter().enumerate() {
                    if i > 0 {
                        out.push_str("---\n");
                    }
                    push_item(&mut out, item, "", "")?;
                }
            }
            Format::ResourceList => {
                out.push_str("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n");
                if self.items.is_empty() {
                    out.push_str("items: []\n");
                } else {
                    out.push_str("items:\n");
                    let first = format!("{}- ", " ".repeat(self.item_indent));
                    let rest = " ".repeat(self.item_indent + 2);
                    for item in &self.items {
                        push_item(&mut out, item, &first, &rest)?;
                    }
                }
                if let Some(config) = &self.function_config {
                    out.push_str("functionConfig:\n");
                    push_item(&mut out, config, "  ", "  ")?;
                }
                if !results.is_empty() {
                    out.push_str("results:\n");
                    yaml::push_indented(&mut out, &yaml::to_yaml(&results)?, "", "");
                }
            }
        }
        Ok(out)
    }
}

fn push_item(out: &mut String, item: &Item, first: &str, rest: &str) -> Result<(), String> {
    let text = match &item.text {
        Text::Verbatim(source, range) => &source[range.clone()],
        Text::Edited(text) => text,
        Text::Rendered => {
            yaml::push_indented(out, &yaml::to_yaml(&item.node)?, first, rest);
            return Ok(());
        }
    };
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(input: &str) -> String {
        ResourceList::read(input.as_bytes().to_vec()).unwrap().write(&[]).unwrap()
    }

    #[test]
    fn kpt_head_comments_after_the_dash_stay_verbatim() {
        let input = "kind: ResourceList\nitems:\n- # head\n  # more\n  kind: A\n- # second\n  kind: B\n";
        assert_eq!(roundtrip(input), input.replace("kind: ResourceList\n", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"));
        let list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
        assert!(list.items.iter().all(Item::is_verbatim));
    }

    #[test]
    fn comments_above_an_item_stay_with_it() {
        let input = "kind: ResourceList\nitems:\n- kind: A\n  data:\n    s: |\n      # inside a block\n# about B\n- kind: B\n";
        let list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
        let texts: Vec<&str> = list
            .items
            .iter()
            .map(|i| match &i.text {
                Text::Verbatim(_, r) => &input[r.clone()],
                _ => panic!("not verbatim"),
            })
            .collect();
        assert_eq!(texts, ["- kind: A\n  data:\n    s: |\n      # inside a block\n", "# about B\n- kind: B\n"]);
    }

    #[test]
    fn untouched_resource_list_items_come_back_byte_for_byte() {
        let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1 # c\n  kind: ConfigMap\n  metadata: {name: a}\n  data:\n    mode: '0755'\n    on: \"yes\"\n    text: >\n      folded\n      text\n\n# between\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap # fc\n  metadata:\n    name: fc\n";
        assert_eq!(roundtrip(input), input);
    }

    #[test]
    fn indented_sequences_keep_their_indentation() {
        let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n";
        let mut list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
        list.items.push(Item::rendered(Node::from_json(&serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap"}))));
        let out = list.write(&[]).unwrap();
        assert!(out.ends_with("      name: a\n  - apiVersion: v1\n    kind: ConfigMap\n"), "{out}");
    }

    #[test]
    fn streams_come_back_byte_for_byte() {
        let input = "# head\na: 1\nb: [1, 2]\n---\nc: 'x'\n";
        assert_eq!(roundtrip(input), input);
    }

    #[test]
    fn annotations_are_added_as_one_new_line() {
        let input = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # keep\n  annotations:\n    x: 'y'\ndata: {k: 'v'}\n";
        let mut list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
        list.items[0].set_annotation("config.kubernetes.io/local-config", "true");
        let out = list.write(&[]).unwrap();
        assert_eq!(out, input.replace("    x: 'y'", "    config.kubernetes.io/local-config: \"true\"\n    x: 'y'"));
    }

    /// Found by fuzzing: an annotation already there with another value (or not a string) was
    /// written a second time, a duplicate key no reader accepts.
    #[test]
    fn an_annotation_with_another_value_is_replaced_not_repeated() {
        for value in ["\"64Mi\"", "true"] {
            let input = format!("kind: X\nmetadata:\n  name: a\n  annotations:\n    config.kubernetes.io/local-config: {value}\n");
            let mut list = ResourceList::read(input.into_bytes()).unwrap();
            list.items[0].set_annotation("config.kubernetes.io/local-config", "true");
            let out = list.write(&[]).unwrap();
            assert_eq!(out.matches("local-config").count(), 1, "{out}");
            ResourceList::read(out.into_bytes()).unwrap();
        }
    }

    /// Found by fuzzing: `annotations:` with no value got a second `annotations:` block
    /// beside it, a duplicate key no reader accepts.
    #[test]
    fn empty_annotations_are_filled_not_repeated() {
        let input = "kind: X\nmetadata:\n  name: a\n  annotations:\nspec: {}\n";
        let mut list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
        list.items[0].set_annotation("a/b", "c");
        let out = list.write(&[]).unwrap();
        assert_eq!(out.matches("annotations:").count(), 1, "{out}");
        let again = ResourceList::read(out.into_bytes()).unwrap();
        assert_eq!(again.items[0].annotation("a/b"), Some("c"));
    }

    #[test]
    fn an_annotations_block_is_added_when_missing() {
        let input = "kind: X\nmetadata:\n  name: a\nspec: {}\n";
        let mut list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
        list.items[0].set_annotation("a/b", "c");
        assert_eq!(list.write(&[]).unwrap(), "kind: X\nmetadata:\n  annotations:\n    a/b: c\n  name: a\nspec: {}\n");
    }

    #[test]
    fn flow_metadata_is_re_rendered() {
        let input = "kind: X\nmetadata: {name: a}\n";
        let mut list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
        list.items[0].set_annotation("a", "b");
        assert_eq!(list.write(&[]).unwrap(), "kind: X\nmetadata:\n  name: a\n  annotations:\n    a: b\n");
    }

    #[test]
    fn items_that_are_not_mappings_are_refused() {
        let err = ResourceList::read(b"kind: ResourceList\nitems:\n- a\n".to_vec()).unwrap_err();
        assert_eq!(err.to_string(), "items[0]: expected a mapping (a Kubernetes resource), got a string");
    }

    #[test]
    fn non_utf8_input_is_refused_with_its_offset() {
        let err = ResourceList::read(b"a: 1\nb: \xff\n".to_vec()).unwrap_err();
        assert_eq!(err.to_string(), "input is not valid UTF-8: invalid byte at offset 8 (line 2)");
    }
}
