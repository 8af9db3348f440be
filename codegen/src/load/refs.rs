//! Internal `$ref`s of an OpenAPI description that lead nowhere, or only to each other.
//!
//! The resolver in `openapi.rs` gives up on both quietly (a lookup follows at most
//! `MAX_REF_HOPS` references), so that a parameter, body or schema behind one would be
//! left out of the generated code without a word; this pass says so at the `$ref` that
//! is wrong: the one whose target is missing, or the first of a cycle. A schema that refers to itself through its properties is recursion,
//! not a cycle, and is fine: only chains of bare `$ref`s that never reach a definition are.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diag::{display_path, Ctxt};
use crate::expr::escape_token;
use crate::openapi::percent_decode;
use crate::rules::Rule;
use crate::source::SourceFile;

/// Warns about every internal `$ref` of `document` (the description in `file`) whose
/// target does not exist, and about every cycle of bare `$ref`s.
pub(super) fn check(cx: &Ctxt, file: &SourceFile, document: &Value) {
    let mut refs = Vec::new();
    collect(document, &mut String::new(), &mut refs);
    let mut cycles_seen: BTreeSet<Vec<String>> = BTreeSet::new();
    let name = display_path(&file.path);
    for (at, reference) in refs {
        let Some(fragment) = reference.strip_prefix('#') else {
            continue;
        };
        let mut chain = vec![reference.clone()];
        let mut fragment = percent_decode(fragment).into_owned();
        loop {
            let Some(target) = document.pointer(&fragment) else {
                // A later hop that leads nowhere is reported at its own `$ref`.
                if chain.len() > 1 {
                    break;
                }
                cx.warning(
                    Rule::DanglingRef,
                    &file.span(&at),
                    format!(
                        "`$ref` `{}` points to nothing in `{name}`",
                        chain.last().map_or("", String::as_str)
                    ),
                )
                .help("what uses it is left out of the generated code; fix the reference");
                break;
            };
            let Some(next) = target.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(next_fragment) = next.strip_prefix('#') else {
                break;
            };
            if let Some(start) = chain.iter().position(|r| r == next) {
                // A `$ref` that leads into a cycle is not part of it; the cycle is
                // reported at the `$ref` of its first member.
                if start > 0 {
                    break;
                }
                let mut members = chain[start..].to_vec();
                members.sort();
                if cycles_seen.insert(members) {
                    let mut shown: Vec<String> =
                        chain[start..].iter().map(|r| format!("`{r}`")).collect();
                    shown.push(format!("`{next}`"));
                    cx.warning(Rule::RefCycle,
                        &file.span(&at),
                        format!(
                            "`$ref` cycle in `{name}`: {} never reaches a definition",
                            shown.join(" → ")
                        ),
                    )
                    .help("what uses it is left out of the generated code; end the cycle at a definition");
                }
                break;
            }
            chain.push(next.to_owned());
            fragment = percent_decode(next_fragment).into_owned();
        }
    }
}

/// Every `$ref` string in `value`, with the JSON pointer of the `$ref` member, in document
/// order. The value was parsed with a nesting limit, so the recursion is bounded.
fn collect(value: &Value, at: &mut String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&escape_token(key));
                match (key.as_str(), item) {
                    ("$ref", Value::String(reference)) => out.push((at.clone(), reference.clone())),
                    _ => collect(item, at, out),
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&index.to_string());
                collect(item, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}
