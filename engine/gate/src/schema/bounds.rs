//! Bounds a plugin's configuration schema must keep before the validator
//! crate sees it.
//!
//! A schema comes from a plugin, which may be hostile. The validator resolves
//! `$ref`s recursively while compiling and evaluates every subschema a `$ref`
//! reaches while validating: a 50,000-long `$ref` chain overflowed the stack
//! (an abort, no report), and chains or diamonds of `$ref`s cost time
//! exponential in their depth. The crate takes no budget, so these checks
//! are the bound: size, nesting depth, number of `$ref`s, the longest chain
//! of `$ref`s and the size of the schema with every `$ref` inlined. They
//! walk the schema with explicit stacks, so the checker itself cannot
//! overflow.
//!
//! To measure chains exactly, a `$ref` must be local: `#` or a JSON pointer
//! `#/…`, resolved from the root. A schema whose `$ref`s could resolve
//! elsewhere (other documents, `$anchor`s, `$dynamicRef`, `$recursiveRef`,
//! or an `$id` below the root that moves the base) is refused. Schemas
//! derived from Rust types (schemars, as the SDK does) use only `#/$defs/…`.

use serde_json::Value;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Most bytes of the schema as compact JSON.
pub const MAX_BYTES: usize = 1 << 20;
/// Deepest nesting of objects and arrays.
pub const MAX_DEPTH: usize = 64;
/// Most `$ref`s.
pub const MAX_REFS: usize = 1_000;
/// Longest chain of `$ref`s, each inside the schema the previous one names.
pub const MAX_REF_CHAIN: usize = 32;
/// Most schema nodes with every `$ref` inlined (recursion counted once):
/// what compiling and validating may visit.
pub const MAX_EXPANDED_NODES: u64 = 1_000_000;

/// Why `schema` is out of bounds, if it is.
pub fn check(schema: &Value) -> Result<(), String> {
    let tree = Tree::walk(schema)?;
    let draft4 = schema
        .get("$schema")
        .and_then(Value::as_str)
        .is_some_and(|uri| uri.contains("draft-04") || uri.contains("draft-03"));
    let mut refs = Vec::new();
    for (index, node) in tree.nodes.iter().enumerate() {
        let Value::Object(object) = node.value else {
            continue;
        };
        for keyword in ["$dynamicRef", "$recursiveRef"] {
            if object.get(keyword).is_some_and(Value::is_string) {
                return Err(format!("it uses `{keyword}`, which verdict does not allow"));
            }
        }
        if index > 0 {
            for keyword in ["$id"].iter().chain(draft4.then_some(&"id")) {
                if object.get(*keyword).is_some_and(Value::is_string) {
                    return Err(format!(
                        "it sets `{keyword}` below its root, which verdict does not allow"
                    ));
                }
            }
        }
        if let Some(Value::String(reference)) = object.get("$ref") {
            let target = tree.resolve(schema, reference).ok_or_else(|| {
                format!("its `$ref` `{reference}` does not point into the schema itself")
            })?;
            refs.push((index, target));
            if refs.len() > MAX_REFS {
                return Err(format!("it has more than {MAX_REFS} `$ref`s"));
            }
        }
    }
    let (chain, expanded) = tree.expansion(&refs);
    if chain > MAX_REF_CHAIN {
        return Err(format!(
            "it has a chain of {chain} `$ref`s, more than {MAX_REF_CHAIN}"
        ));
    }
    if expanded > MAX_EXPANDED_NODES {
        return Err(format!(
            "with its `$ref`s followed it has more than {MAX_EXPANDED_NODES} nodes"
        ));
    }
    Ok(())
}

/// The schema's nodes in pre-order, each with the end of its subtree.
struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    index_of: HashMap<*const Value, usize>,
}

struct Node<'a> {
    value: &'a Value,
    /// One past the last node of this node's subtree.
    end: usize,
}

impl<'a> Tree<'a> {
    fn walk(schema: &'a Value) -> Result<Tree<'a>, String> {
        enum Visit<'a> {
            Enter(&'a Value, usize),
            Exit(usize),
        }
        let mut nodes: Vec<Node<'a>> = Vec::new();
        let mut index_of = HashMap::new();
        // A lower bound of the compact JSON's length, counted as we go so a
        // huge schema is refused before it is all visited.
        let mut size = 0usize;
        let mut stack = vec![Visit::Enter(schema, 0)];
        while let Some(visit) = stack.pop() {
            match visit {
                Visit::Enter(value, depth) => {
                    if depth > MAX_DEPTH {
                        return Err(format!("it nests deeper than {MAX_DEPTH} levels"));
                    }
                    // Each value, plus the comma or colon before it.
                    size += 1 + match value {
                        Value::String(text) => text.len() + 2,
                        Value::Object(object) => {
                            2 + object.keys().map(|key| key.len() + 2).sum::<usize>()
                        }
                        _ => 1,
                    };
                    if size > MAX_BYTES {
                        return Err(format!("it is larger than {} KiB as JSON", MAX_BYTES >> 10));
                    }
                    let index = nodes.len();
                    nodes.push(Node { value, end: 0 });
                    if matches!(value, Value::Object(_) | Value::Bool(_)) {
                        // Only objects and booleans are schemas a `$ref` may name.
                        index_of.insert(std::ptr::from_ref(value), index);
                    }
                    stack.push(Visit::Exit(index));
                    match value {
                        Value::Object(object) => stack.extend(
                            object
                                .values()
                                .rev()
                                .map(|child| Visit::Enter(child, depth + 1)),
                        ),
                        Value::Array(items) => stack.extend(
                            items
                                .iter()
                                .rev()
                                .map(|child| Visit::Enter(child, depth + 1)),
                        ),
                        _ => {}
                    }
                }
                Visit::Exit(index) => nodes[index].end = nodes.len(),
            }
        }
        Ok(Tree { nodes, index_of })
    }

    /// The node a local `$ref` names.
    fn resolve(&self, schema: &Value, reference: &str) -> Option<usize> {
        let fragment = reference.strip_prefix('#')?;
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return None;
        }
        let pointer = percent_decode(fragment)?;
        let target = schema.pointer(&pointer)?;
        self.index_of.get(&std::ptr::from_ref(target)).copied()
    }

    /// The longest chain of `$ref`s from the root, and the number of nodes
    /// with every `$ref` inlined, where a `$ref` back into a schema being
    /// expanded (recursion) counts as one node.
    fn expansion(&self, refs: &[(usize, usize)]) -> (usize, u64) {
        const ON_STACK: u8 = 1;
        const DONE: u8 = 2;
        // Per node that is the root or a `$ref` target.
        let mut state: HashMap<usize, u8> = HashMap::new();
        let mut chain: HashMap<usize, usize> = HashMap::new();
        let mut cost: HashMap<usize, u64> = HashMap::new();
        // The `$ref`s inside a node's subtree: `refs` is in pre-order.
        let refs_in = |node: usize| {
            let start = refs.partition_point(|(site, _)| *site < node);
            let end = refs.partition_point(|(site, _)| *site < self.nodes[node].end);
            &refs[start..end]
        };
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        state.insert(0, ON_STACK);
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let inner = refs_in(node);
            if let Some(&(_, target)) = inner.get(top.1) {
                top.1 += 1;
                if let Entry::Vacant(entry) = state.entry(target) {
                    entry.insert(ON_STACK);
                    stack.push((target, 0));
                }
                continue;
            }
            let mut longest = 0;
            let mut total = (self.nodes[node].end - node) as u64;
            for &(_, target) in inner {
                if state.get(&target) == Some(&DONE) {
                    longest = longest.max(1 + chain[&target]);
                    total = total.saturating_add(cost[&target]);
                } else {
                    // Recursion: the validator follows it one instance level
                    // at a time, never while compiling.
                    longest = longest.max(1);
                    total = total.saturating_add(1);
                }
            }
            chain.insert(node, longest);
            cost.insert(node, total.min(MAX_EXPANDED_NODES + 1));
            state.insert(node, DONE);
            stack.pop();
        }
        (chain[&0], cost[&0])
    }
}

/// A URI fragment with `%XX` escapes decoded, if they are valid UTF-8.
fn percent_decode(fragment: &str) -> Option<String> {
    let bytes = fragment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = fragment.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `$defs` d0 … d{n-1}, each `$ref`-ing the next, the root naming d0.
    fn ref_chain(length: usize) -> Value {
        let mut defs = serde_json::Map::new();
        for index in 0..length {
            let def = if index + 1 < length {
                json!({ "$ref": format!("#/$defs/d{}", index + 1) })
            } else {
                json!({ "type": "object" })
            };
            defs.insert(format!("d{index}"), def);
        }
        json!({ "$ref": "#/$defs/d0", "$defs": defs })
    }

    /// Each level names the next twice: 2^levels subschemas once inlined.
    fn ref_diamond(levels: usize) -> Value {
        let mut defs = serde_json::Map::new();
        for index in 0..levels {
            let next = format!("#/$defs/d{}", index + 1);
            defs.insert(
                format!("d{index}"),
                json!({ "allOf": [{ "$ref": next }, { "$ref": next }] }),
            );
        }
        defs.insert(format!("d{levels}"), json!({ "type": "object" }));
        json!({ "$ref": "#/$defs/d0", "$defs": defs })
    }

    fn nested(depth: usize) -> Value {
        let mut schema = json!({ "type": "object" });
        for _ in 0..depth {
            schema = json!({ "type": "object", "properties": { "a": schema } });
        }
        schema
    }

    #[test]
    fn ordinary_schemas_pass() {
        check(&json!({})).unwrap();
        check(&json!(true)).unwrap();
        check(&json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://example.com/coverage",
            "type": "object",
            "properties": {
                "min-lines": { "type": "number" },
                "rules": { "type": "array", "items": { "$ref": "#/$defs/Rule" } },
                "tree": { "$ref": "#/$defs/Tree" },
                "escaped": { "$ref": "#/$defs/a~1b%20c" },
            },
            "$defs": {
                "Rule": { "type": "string" },
                "a/b c": { "type": "string" },
                // Recursion is fine: it is followed one instance level at a time.
                "Tree": { "type": "object", "properties": { "children": {
                    "type": "array", "items": { "$ref": "#/$defs/Tree" } } } },
            },
        }))
        .unwrap();
        check(&ref_chain(MAX_REF_CHAIN)).unwrap();
        check(&nested(MAX_DEPTH / 2 - 1)).unwrap();
    }

    #[test]
    fn long_ref_chains_are_refused_without_recursion() {
        let error = check(&ref_chain(MAX_REF_CHAIN + 1)).unwrap_err();
        assert_eq!(error, "it has a chain of 33 `$ref`s, more than 32");
        // Issue 7's chains: far past what the checker or the validator's
        // stack would survive if either recursed.
        for length in [50_000, 200_000] {
            // 200,000 took 97 s of validator time; the check stops early.
            let error = check(&ref_chain(length)).unwrap_err();
            assert!(
                error.contains(&format!("more than {MAX_REFS} `$ref`s"))
                    || error.contains("larger than"),
                "{error}"
            );
        }
        let mut chain = ref_chain(MAX_REFS / 2);
        chain["$defs"]["d0"]["description"] = json!("still within the ref count");
        assert!(check(&chain).unwrap_err().contains("chain of 500"));
    }

    #[test]
    fn exponential_ref_diamonds_are_refused() {
        check(&ref_diamond(10)).unwrap();
        let error = check(&ref_diamond(24)).unwrap_err();
        assert!(error.contains("more than 1000000 nodes"), "{error}");
    }

    #[test]
    fn deep_large_and_unresolvable_schemas_are_refused() {
        let error = check(&nested(MAX_DEPTH)).unwrap_err();
        assert_eq!(error, "it nests deeper than 64 levels");
        let big = json!({ "description": "x".repeat(MAX_BYTES) });
        assert_eq!(
            check(&big).unwrap_err(),
            "it is larger than 1024 KiB as JSON"
        );
        let many: Vec<Value> = (0..MAX_BYTES / 2).map(|_| json!(0)).collect();
        assert!(
            check(&json!({ "enum": many }))
                .unwrap_err()
                .contains("larger than")
        );
        for (schema, expected) in [
            (json!({ "$ref": "other.json" }), "does not point into"),
            (json!({ "$ref": "#anchor" }), "does not point into"),
            (json!({ "$ref": "#/$defs/missing" }), "does not point into"),
            (json!({ "$dynamicRef": "#meta" }), "`$dynamicRef`"),
            (json!({ "$recursiveRef": "#" }), "`$recursiveRef`"),
            (
                json!({ "$defs": { "a": { "$id": "a.json" } } }),
                "`$id` below its root",
            ),
            (
                json!({ "$schema": "http://json-schema.org/draft-04/schema#",
                        "definitions": { "a": { "id": "a.json" } } }),
                "`id` below its root",
            ),
        ] {
            let error = check(&schema).unwrap_err();
            assert!(error.contains(expected), "{schema}: {error}");
        }
        // `id` is an ordinary property name outside draft 4.
        check(&json!({ "properties": { "id": { "type": "string" } }, "default": { "id": "x" } }))
            .unwrap();
    }

    #[test]
    fn schemas_within_bounds_compile_and_validate_quickly() {
        // The worst shapes the bounds admit, through the real validator: a
        // chain of the longest length and a diamond just under the node
        // budget. Not a timing test: the assertion is that they finish and
        // behave, on the test thread's stack.
        for schema in [ref_chain(MAX_REF_CHAIN), ref_diamond(14)] {
            check(&schema).unwrap();
            let validator = jsonschema::validator_for(&schema).unwrap();
            assert!(validator.is_valid(&json!({})));
            assert!(!validator.is_valid(&json!(1)));
        }
    }
}
