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

/// The status whose response schema describes a successful step's body.
pub(super) fn success_status(criteria: &[ir::Criterion], declared: &[String]) -> Option<String> {
    for c in criteria {
        if let ir::CriterionKind::Simple(ir::Condition::Compare(
            ir::Operand::Expr {
                expr: ir::Expr::StatusCode,
                nav,
            },
            ir::Op::Eq,
            ir::Operand::Literal(serde_json::Value::Number(n)),
        )) = &c.kind
        {
            if nav.is_empty() {
                return Some(n.to_string());
            }
        }
    }
    declared
        .iter()
        .find(|s| s.starts_with('2'))
        .or_else(|| declared.iter().find(|s| *s == "default"))
        .cloned()
}

/// The type of `$response.body` (`tokens` empty) or `$response.body#/…`.
pub(super) fn response_body_type(
    openapi: &OpenApiSource,
    op: &OperationRef,
    status: &str,
    tokens: &[String],
) -> ir::Type {
    let Some(response) = openapi.response(op, status) else {
        return ir::Type::Json;
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
        return ir::Type::Json;
    };
    let Some(schema) = openapi.resolve_schema(schema) else {
        return ir::Type::Json;
    };
    follow(openapi, schema, tokens, 0).unwrap_or(ir::Type::Json)
}

fn follow(
    openapi: &OpenApiSource,
    schema: &Schema,
    tokens: &[String],
    depth: usize,
) -> Option<ir::Type> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Some((first, rest)) = tokens.split_first() else {
        return leaf(openapi, schema, depth);
    };
    match &schema.schema_kind {
        SchemaKind::Type(OaType::Object(object)) => match object.properties.get(first.as_str()) {
            Some(property) => {
                let property = openapi.resolve_boxed_schema(property)?;
                follow(openapi, property, rest, depth + 1)
            }
            None => match &object.additional_properties {
                Some(openapiv3::AdditionalProperties::Schema(extra)) => {
                    let extra = openapi.resolve_schema(extra)?;
                    follow(openapi, extra, rest, depth + 1)
                }
                _ => None,
            },
        },
        SchemaKind::Type(OaType::Array(array)) if first.parse::<usize>().is_ok() => {
            let items = openapi.resolve_boxed_schema(array.items.as_ref()?)?;
            follow(openapi, items, rest, depth + 1)
        }
        SchemaKind::AllOf { all_of } => all_of
            .iter()
            .filter_map(|member| openapi.resolve_schema(member))
            .find_map(|member| follow(openapi, member, tokens, depth + 1)),
        _ => None,
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
