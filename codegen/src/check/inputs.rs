//! Workflow inputs: the JSON Schema under `inputs` as Rust structs.
//!
//! Objects with `properties` become structs (nested ones too, named after their parent and
//! field); `string`, `integer`, `number` and `boolean` map to `String`, `i64`, `f64` and
//! `bool` (`int32` and `float` to `i32` and `f32`); a string `enum` to a Rust enum; arrays
//! to `Vec`; objects with only `additionalProperties` to `BTreeMap`;
//! `$ref: '#/components/inputs/x'` is followed. Anything else (`oneOf`, open objects, no
//! `type`) is a `serde_json::Value`.

use serde_json::Value;

use super::Checker;
use crate::ir;
use crate::naming::{pascal, snake, Scope};
use crate::source::Pointer;

/// How deep `$ref`s and nesting are followed before giving up with a `Value`.
const MAX_DEPTH: usize = 16;

/// Builds the inputs struct (first) and the structs nested in it; the enums of its
/// string `enum`s go to `enums`.
pub(super) fn lower(
    ck: &Checker,
    schema: Option<&Value>,
    at: &Pointer,
    name: &str,
    doc: String,
    types: &mut Scope,
    enums: &mut Vec<ir::SchemaType>,
) -> Vec<ir::StructDef> {
    let mut out = Vec::new();
    let mut builder = Builder {
        ck,
        types,
        out: &mut out,
        enums,
    };
    let (fields, alternatives) = match schema {
        Some(schema) => (
            builder.fields(schema, at, name, 0),
            builder.alternatives(schema, at, 0),
        ),
        None => (Vec::new(), None),
    };
    out.insert(
        0,
        ir::StructDef {
            name: name.to_owned(),
            doc: Some(doc),
            fields,
            alternatives,
        },
    );
    out
}

struct Builder<'a, 'c> {
    ck: &'a Checker<'c>,
    types: &'a mut Scope,
    out: &'a mut Vec<ir::StructDef>,
    enums: &'a mut Vec<ir::SchemaType>,
}

impl Builder<'_, '_> {
    fn fields(
        &mut self,
        schema: &Value,
        at: &Pointer,
        parent: &str,
        depth: usize,
    ) -> Vec<ir::Field> {
        let (schema, at) = match self.resolve(schema, at, depth) {
            Some(found) => found,
            None => return Vec::new(),
        };
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut scope = Scope::default();
        properties
            .iter()
            .map(|(name, property)| {
                let prop_at = at.key("properties").key(name);
                let ty = self.ty(
                    property,
                    &prop_at,
                    &format!("{parent}{}", pascal(name)),
                    depth + 1,
                );
                let constraints = self.constraints(property, &prop_at, depth + 1);
                let secret = self
                    .resolve(property, &prop_at, depth + 1)
                    .is_some_and(|(schema, _)| is_secret(&schema));
                ir::Field {
                    name: name.clone(),
                    ident: scope.unique(snake(name)),
                    ty,
                    required: required.contains(&name.as_str()),
                    doc: property
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    constraints,
                    secret,
                }
            })
            .collect()
    }

    /// The constraints of a property's schema that its Rust type does not express.
    fn constraints(&self, schema: &Value, at: &Pointer, depth: usize) -> Vec<ir::Constraint> {
        let Some((schema, at)) = self.resolve(schema, at, depth) else {
            return Vec::new();
        };
        let count = |key: &str| schema.get(key).and_then(Value::as_u64);
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let mut out = Vec::new();
        if let Some(n) = count("minLength") {
            out.push(ir::Constraint::MinLength(n));
        }
        if let Some(n) = count("maxLength") {
            out.push(ir::Constraint::MaxLength(n));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            match regex::Regex::new(pattern) {
                Ok(_) => out.push(ir::Constraint::Pattern(pattern.to_owned())),
                Err(e) => {
                    self.ck
                        .error(&at.key("pattern"), format!("invalid `pattern`: {e}"));
                }
            }
        }
        // OpenAPI 3.0 style (`exclusiveMinimum: true`) and JSON Schema 2020-12 style
        // (`exclusiveMinimum: 5`).
        match (number("minimum"), schema.get("exclusiveMinimum")) {
            (_, Some(Value::Number(n))) => out.push(ir::Constraint::Minimum {
                value: n.as_f64().unwrap_or_default(),
                exclusive: true,
            }),
            (Some(value), exclusive) => out.push(ir::Constraint::Minimum {
                value,
                exclusive: exclusive == Some(&Value::Bool(true)),
            }),
            _ => {}
        }
        match (number("maximum"), schema.get("exclusiveMaximum")) {
            (_, Some(Value::Number(n))) => out.push(ir::Constraint::Maximum {
                value: n.as_f64().unwrap_or_default(),
                exclusive: true,
            }),
            (Some(value), exclusive) => out.push(ir::Constraint::Maximum {
                value,
                exclusive: exclusive == Some(&Value::Bool(true)),
            }),
            _ => {}
        }
        if let Some(n) = count("minItems") {
            out.push(ir::Constraint::MinItems(n));
        }
        if let Some(n) = count("maxItems") {
            out.push(ir::Constraint::MaxItems(n));
        }
        out
    }

    /// `anyOf` / `oneOf` whose every entry is just a `required` list.
    fn alternatives(&self, schema: &Value, at: &Pointer, depth: usize) -> Option<ir::Alternatives> {
        let (schema, _) = self.resolve(schema, at, depth)?;
        for (key, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            let Some(entries) = schema.get(key).and_then(Value::as_array) else {
                continue;
            };
            let sets: Option<Vec<Vec<String>>> = entries
                .iter()
                .map(|entry| {
                    let object = entry.as_object()?;
                    if object.keys().any(|k| k != "required" && k != "description") {
                        return None;
                    }
                    let names = object.get("required")?.as_array()?;
                    names
                        .iter()
                        .map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .collect();
            if let Some(sets) = sets.filter(|s| !s.is_empty()) {
                return Some(ir::Alternatives { exactly_one, sets });
            }
        }
        None
    }

    /// `schema` itself, or what its `$ref` points at.
    fn resolve(&self, schema: &Value, at: &Pointer, depth: usize) -> Option<(Value, Pointer)> {
        let mut current = schema.clone();
        let mut current_at = at.clone();
        for _ in depth..MAX_DEPTH {
            let Some(reference) = current
                .get("$ref")
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                return Some((self.merge_all_of(current, &current_at, depth), current_at));
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                self.ck.error(
                    &current_at.key("$ref"),
                    format!("`{reference}`: only references inside the Arazzo document (`#/components/inputs/…`) are supported"),
                );
                return None;
            };
            match self.ck.raw.pointer(pointer) {
                Some(target) => {
                    current = target.clone();
                    current_at = Pointer::parse(pointer);
                }
                None => {
                    self.ck.error(
                        &current_at.key("$ref"),
                        format!("`{reference}` does not resolve"),
                    );
                    return None;
                }
            }
        }
        None
    }

    /// Merges the `properties` and `required` of every `allOf` member into the schema, so
    /// `allOf: [{$ref: '#/components/inputs/Auth'}, {properties: …}]` gives one struct.
    fn merge_all_of(&self, mut schema: Value, at: &Pointer, depth: usize) -> Value {
        let Some(members) = schema.get("allOf").and_then(Value::as_array).cloned() else {
            return schema;
        };
        for (index, member) in members.iter().enumerate() {
            let Some((member, _)) = self.resolve(member, &at.key("allOf").index(index), depth + 1)
            else {
                continue;
            };
            let Some(object) = schema.as_object_mut() else {
                return schema;
            };
            if let Some(properties) = member.get("properties").and_then(Value::as_object) {
                let merged = object
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(merged) = merged.as_object_mut() {
                    for (name, property) in properties {
                        merged
                            .entry(name.clone())
                            .or_insert_with(|| property.clone());
                    }
                }
            }
            if let Some(required) = member.get("required").and_then(Value::as_array) {
                let merged = object
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Some(merged) = merged.as_array_mut() {
                    merged.extend(required.iter().cloned());
                }
            }
            if !object.contains_key("type") {
                if let Some(ty) = member.get("type") {
                    object.insert("type".to_owned(), ty.clone());
                }
            }
        }
        schema
    }

    fn ty(&mut self, schema: &Value, at: &Pointer, name: &str, depth: usize) -> ir::Type {
        if depth > MAX_DEPTH {
            return ir::Type::Json;
        }
        let Some((schema, at)) = self.resolve(schema, at, depth) else {
            return ir::Type::Json;
        };
        let ty = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        match ty {
            Some("string") => match string_enum(&schema) {
                Some(values) => {
                    let enum_name = self.types.unique(name.to_owned());
                    let mut variants = Scope::default();
                    self.enums.push(ir::SchemaType {
                        name: enum_name.clone(),
                        doc: Some(
                            schema
                                .get("description")
                                .and_then(Value::as_str)
                                .unwrap_or("The values the inputs schema allows.")
                                .to_owned(),
                        ),
                        kind: ir::SchemaTypeKind::Enum {
                            values: values
                                .into_iter()
                                .map(|v| (variants.unique(pascal(&v)), v))
                                .collect(),
                            open: false,
                        },
                    });
                    ir::Type::Named(enum_name)
                }
                None => ir::Type::String,
            },
            Some("integer") if format == Some("int32") => ir::Type::Int32,
            Some("integer") => ir::Type::Integer,
            Some("number") if format == Some("float") => ir::Type::Float32,
            Some("number") => ir::Type::Number,
            Some("boolean") => ir::Type::Boolean,
            Some("array") => match schema.get("items") {
                Some(items) => ir::Type::Array(Box::new(self.ty(
                    items,
                    &at.key("items"),
                    &format!("{name}Item"),
                    depth + 1,
                ))),
                None => ir::Type::Array(Box::new(ir::Type::Json)),
            },
            Some("object") | None if schema.get("properties").is_some_and(Value::is_object) => {
                let struct_name = self.types.unique(name.to_owned());
                let fields = self.fields(&schema, &at, &struct_name, depth);
                let alternatives = self.alternatives(&schema, &at, depth);
                self.out.push(ir::StructDef {
                    alternatives,
                    name: struct_name.clone(),
                    doc: schema
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    fields,
                });
                ir::Type::Named(struct_name)
            }
            Some("object") | None => match schema.get("additionalProperties") {
                Some(value) if value.is_object() => ir::Type::Map(Box::new(self.ty(
                    value,
                    &at.key("additionalProperties"),
                    &format!("{name}Value"),
                    depth + 1,
                ))),
                _ => ir::Type::Json,
            },
            _ => ir::Type::Json,
        }
    }
}

/// The values of a string `enum`, when every value is a string.
fn string_enum(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    let strings: Vec<String> = values
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    (!strings.is_empty() && strings.len() == values.len()).then_some(strings)
}

/// Whether a property's schema marks its value as a secret: `format: password` or
/// `writeOnly: true`.
fn is_secret(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("password")
        || schema.get("writeOnly").and_then(Value::as_bool) == Some(true)
}
