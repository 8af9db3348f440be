//! Types of step outputs, from the OpenAPI response schemas.
//!
//! `$response.body#/invite/code` is followed through the schema of the response the step's
//! success criteria accept (the `$statusCode == N` one, else the first 2xx): `properties`
//! for names, `items` for indexes, `$ref`s and `allOf` members along the way. A leaf that
//! is a `string`, `integer`, `number` or `boolean` (or an array of them) gets that Rust
//! type, wrapped in `Option` when the schema is `nullable`; anything else (objects,
//! `oneOf`, a pointer the schema does not describe) stays `serde_json::Value`.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type as OaType};

use crate::ir;
use crate::load::OpenApiSource;
use crate::openapi::OperationRef;

/// How deep a pointer or nested arrays are followed.
const MAX_DEPTH: usize = 32;

/// The response statuses a step's success criteria accept, whose schemas its outputs and
/// criteria read: the codes of `$statusCode == N` criteria (`||` of them gives several);
/// without one, every `2XX` code the operation declares, else its `default`.
pub(super) fn accepted_statuses(criteria: &[ir::Criterion], declared: &[String]) -> Vec<String> {
    fn codes(condition: &ir::Condition, out: &mut Vec<String>) -> bool {
        match condition {
            ir::Condition::Or(left, right) => codes(left, out) && codes(right, out),
            ir::Condition::Compare(
                ir::Operand::Expr {
                    expr: ir::Expr::StatusCode,
                    nav,
                },
                ir::Op::Eq,
                ir::Operand::Literal(serde_json::Value::Number(n)),
            ) if nav.is_empty() => {
                out.push(n.to_string());
                true
            }
            _ => false,
        }
    }
    for criterion in criteria {
        if let ir::CriterionKind::Simple(condition) = &criterion.kind {
            let mut found = Vec::new();
            if codes(condition, &mut found) {
                found.dedup();
                return found;
            }
        }
    }
    let successes: Vec<String> = declared
        .iter()
        .filter(|s| s.starts_with('2'))
        .cloned()
        .collect();
    if !successes.is_empty() {
        return successes;
    }
    declared
        .iter()
        .filter(|s| *s == "default")
        .cloned()
        .collect()
}

impl Found {
    /// What a pointer finds in one of two responses: a type or nothing to say wins; then a
    /// schema that makes it unknowable; a property both lack is missing, with the
    /// properties of both, and certainly wrong only if both schemas are closed. The first
    /// type wins when both have one; [`output_type`] compares them.
    pub(super) fn either(self, other: Found) -> Found {
        match (self, other) {
            (found @ (Found::Type(_) | Found::Unknown), _) => found,
            (_, found @ (Found::Type(_) | Found::Unknown)) => found,
            (found @ Found::Unknowable { .. }, _) => found,
            (_, found @ Found::Unknowable { .. }) => found,
            (
                Found::Missing {
                    index,
                    mut known,
                    closed,
                },
                Found::Missing {
                    index: other_index,
                    known: other_known,
                    closed: other_closed,
                },
            ) => {
                for name in other_known {
                    if !known.contains(&name) {
                        known.push(name);
                    }
                }
                Found::Missing {
                    index: index.min(other_index),
                    known,
                    closed: closed && other_closed,
                }
            }
        }
    }
}

/// What following a pointer through a schema found.
#[derive(Debug, PartialEq)]
pub(super) enum Found {
    /// The pointer resolves; this is the Rust type of its value.
    Type(ir::Type),
    /// The schema does not say (no schema, too deep, a type that has no members).
    Unknown,
    /// The schema makes it unknowable: at the `index`-th token it is a `oneOf` or `anyOf`,
    /// or an object open to any member (`keyword` names which).
    Unknowable { index: usize, keyword: &'static str },
    /// The `index`-th token names a property the object schema does not list. `known`
    /// lists the properties it has; `closed` says whether the schema forbids others
    /// (`additionalProperties: false`), which makes the pointer certainly wrong.
    Missing {
        index: usize,
        known: Vec<String>,
        closed: bool,
    },
}

/// Follows `$response.body#/…` through the response schema of `status`.
pub(super) fn response_body(
    openapi: &OpenApiSource,
    op: &OperationRef,
    status: &str,
    tokens: &[String],
) -> Found {
    let Some(response) = openapi.response(op, status) else {
        return Found::Unknown;
    };
    let media = response
        .content
        .iter()
        .find(|(ct, _)| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json") || ct.contains("+json")
        })
        .map(|(_, media)| media);
    let Some(schema) = media.and_then(|m| m.schema.as_ref()) else {
        return Found::Unknown;
    };
    let Some(schema) = openapi.resolve_schema(schema) else {
        return Found::Unknown;
    };
    follow(openapi, schema, tokens, 0, 0)
}

/// Follows a JSON pointer (as tokens) through `schema`, as for `$request.body#/…`.
pub(super) fn follow_pointer(openapi: &OpenApiSource, schema: &Schema, tokens: &[String]) -> Found {
    follow(openapi, schema, tokens, 0, 0)
}

/// Follows `tokens`, the first `index` tokens of the whole pointer already followed.
fn follow(
    openapi: &OpenApiSource,
    schema: &Schema,
    tokens: &[String],
    index: usize,
    depth: usize,
) -> Found {
    if depth > MAX_DEPTH {
        return Found::Unknown;
    }
    let Some((first, rest)) = tokens.split_first() else {
        return leaf(openapi, schema, depth).map_or(Found::Unknown, Found::Type);
    };
    let next = |schema: Option<&Schema>| match schema {
        Some(schema) => follow(openapi, schema, rest, index + 1, depth + 1),
        None => Found::Unknown,
    };
    match &schema.schema_kind {
        SchemaKind::Type(OaType::Object(object)) => match object.properties.get(first.as_str()) {
            Some(property) => next(openapi.resolve_boxed_schema(property)),
            None => match &object.additional_properties {
                Some(openapiv3::AdditionalProperties::Schema(extra)) => {
                    next(openapi.resolve_schema(extra))
                }
                // Listed properties: certainly wrong when the schema is closed, probably
                // wrong when it just says nothing about others.
                Some(openapiv3::AdditionalProperties::Any(false)) | None
                    if !object.properties.is_empty() =>
                {
                    Found::Missing {
                        index,
                        known: object.properties.keys().cloned().collect(),
                        closed: object.additional_properties.is_some(),
                    }
                }
                Some(openapiv3::AdditionalProperties::Any(true)) => Found::Unknowable {
                    index,
                    keyword: "additionalProperties",
                },
                _ => Found::Unknown,
            },
        },
        // An element of an array may not be there (an empty page): an `Option`.
        SchemaKind::Type(OaType::Array(array)) if first.parse::<usize>().is_ok() => {
            match next(
                array
                    .items
                    .as_ref()
                    .and_then(|items| openapi.resolve_boxed_schema(items)),
            ) {
                Found::Type(ty @ ir::Type::Optional(_)) => Found::Type(ty),
                Found::Type(ty) => Found::Type(ir::Type::Optional(Box::new(ty))),
                other => other,
            }
        }
        // A schema without `type` but with `properties` (common in `allOf` members) is
        // an object schema; one with `allOf` is a composition.
        SchemaKind::Any(any) if !any.properties.is_empty() => {
            match any.properties.get(first.as_str()) {
                Some(property) => next(openapi.resolve_boxed_schema(property)),
                None => match &any.additional_properties {
                    Some(openapiv3::AdditionalProperties::Schema(extra)) => {
                        next(openapi.resolve_schema(extra))
                    }
                    Some(openapiv3::AdditionalProperties::Any(false)) | None => Found::Missing {
                        index,
                        known: any.properties.keys().cloned().collect(),
                        closed: any.additional_properties.is_some(),
                    },
                    _ => Found::Unknown,
                },
            }
        }
        SchemaKind::AllOf { all_of } | SchemaKind::Any(openapiv3::AnySchema { all_of, .. })
            if !all_of.is_empty() =>
        {
            let members: Vec<&Schema> = all_of
                .iter()
                .filter_map(|m| openapi.resolve_schema(m))
                .collect();
            let mut missing: Option<(usize, Vec<String>, bool)> = None;
            for member in &members {
                match follow(openapi, member, tokens, index, depth + 1) {
                    Found::Missing {
                        index,
                        known,
                        closed,
                    } => {
                        let entry = missing.get_or_insert((index, Vec::new(), true));
                        entry.1.extend(known);
                        entry.2 &= closed;
                    }
                    found => return found,
                }
            }
            match missing {
                Some((index, known, closed)) if members.len() == all_of.len() => Found::Missing {
                    index,
                    known,
                    closed,
                },
                _ => Found::Unknown,
            }
        }
        SchemaKind::OneOf { .. } => Found::Unknowable {
            index,
            keyword: "oneOf",
        },
        SchemaKind::AnyOf { .. } => Found::Unknowable {
            index,
            keyword: "anyOf",
        },
        _ => Found::Unknown,
    }
}

fn leaf(openapi: &OpenApiSource, schema: &Schema, depth: usize) -> Option<ir::Type> {
    let ty = match &schema.schema_kind {
        SchemaKind::Type(OaType::String(s)) if s.enumeration.iter().all(Option::is_some) => {
            ir::Type::String
        }
        SchemaKind::Type(OaType::Integer(_)) => ir::Type::Integer,
        SchemaKind::Type(OaType::Number(_)) => ir::Type::Number,
        SchemaKind::Type(OaType::Boolean(_)) => ir::Type::Boolean,
        SchemaKind::Type(OaType::Array(array)) => {
            let items = match array.items.as_ref() {
                Some(ReferenceOr::Item(items)) => Some(&**items),
                Some(reference) => openapi.resolve_boxed_schema(reference),
                None => None,
            };
            let item = items
                .filter(|_| depth < MAX_DEPTH)
                .and_then(|items| leaf(openapi, items, depth + 1))
                .unwrap_or(ir::Type::Json);
            ir::Type::Array(Box::new(item))
        }
        _ => return None,
    };
    Some(if schema.schema_data.nullable {
        ir::Type::Optional(Box::new(ty))
    } else {
        ty
    })
}
