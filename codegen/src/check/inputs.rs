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
use crate::rules::Rule;
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
    let (fields, alternatives, closed) = match schema {
        Some(schema) => (
            builder.fields(schema, at, name, 0),
            builder.alternatives(schema, at, 0),
            builder.closed(schema, at, 0),
        ),
        None => (Vec::new(), None, false),
    };
    out.insert(
        0,
        ir::StructDef {
            name: name.to_owned(),
            doc: Some(doc),
            fields,
            alternatives,
            builder: None,
            closed,
        },
    );
    // Builder names last, so that they take no name a nested struct has.
    for def in &mut out {
        if def.has_defaults() && !def.defaultable() {
            def.builder = Some(types.unique(format!("{}Builder", def.name)));
        }
    }
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
                let resolved = self.resolve(property, &prop_at, depth + 1);
                let secret = resolved.as_ref().is_some_and(|(schema, _)| is_secret(schema));
                let default = resolved.as_ref().and_then(|(schema, schema_at)| {
                    let value = schema.get("default")?;
                    match self.default(&ty, value) {
                        Ok(lowered) => Some(ir::FieldDefault {
                            json: value.to_string(),
                            value: lowered,
                        }),
                        Err(why) => {
                            self.ck
                                .warning(Rule::UnusableDefault,
                                    &schema_at.key("default"),
                                    format!("the `default` of input `{name}` is not used: {why}"),
                                )
                                .note(match required.contains(&name.as_str()) {
                                    true => "the input stays required: `Default` and the builder do not fill it",
                                    false => "the field stays an `Option`, and nothing is sent when it is `None`",
                                });
                            None
                        }
                    }
                });
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
                    default,
                }
            })
            .collect()
    }

    /// A `default` as a value of the field's type `ty`, or why it is not one.
    fn default(&self, ty: &ir::Type, value: &Value) -> Result<ir::DefaultValue, String> {
        use ir::DefaultValue as D;
        let not = |what: &str| Err(format!("{} is not {what}", shown(value)));
        Ok(match ty {
            ir::Type::String => match value.as_str() {
                Some(s) => D::String(s.to_owned()),
                None => return not("a string"),
            },
            ir::Type::Integer => match value.as_i64() {
                Some(n) => D::Integer(n),
                None => return not("an integer (`i64`)"),
            },
            ir::Type::Int32 => match value.as_i64().and_then(|n| i32::try_from(n).ok()) {
                Some(n) => D::Int32(n),
                None => return not("an `int32` integer"),
            },
            ir::Type::Number => match value.as_f64() {
                Some(n) => D::Number(n),
                None => return not("a number"),
            },
            #[allow(clippy::cast_possible_truncation)]
            ir::Type::Float32 => match value.as_f64().map(|n| n as f32).filter(|n| n.is_finite()) {
                Some(n) => D::Float32(n),
                None => return not("a `float` number"),
            },
            ir::Type::Boolean => match value.as_bool() {
                Some(b) => D::Boolean(b),
                None => return not("a boolean"),
            },
            ir::Type::Array(item) => match value.as_array() {
                Some(items) => D::Array(
                    items
                        .iter()
                        .map(|v| self.default(item, v))
                        .collect::<Result<_, _>>()?,
                ),
                None => return not("an array"),
            },
            ir::Type::Map(entry) => match value.as_object() {
                Some(entries) => D::Map(
                    entries
                        .iter()
                        .map(|(k, v)| Ok((k.clone(), self.default(entry, v)?)))
                        .collect::<Result<_, String>>()?,
                ),
                None => return not("an object"),
            },
            ir::Type::Json => D::Json(value.clone()),
            ir::Type::Optional(inner) => match value {
                Value::Null => D::None,
                value => D::Some(Box::new(self.default(inner, value)?)),
            },
            ir::Type::Named(name) => return self.named_default(name, value),
            // Response and body types; inputs do not use them.
            ir::Type::Schema(_) | ir::Type::Boxed(_) => {
                return Err("defaults of this type are not supported".to_owned())
            }
        })
    }

    /// A `default` as a value of the generated enum or struct `name`.
    fn named_default(&self, name: &str, value: &Value) -> Result<ir::DefaultValue, String> {
        use ir::DefaultValue as D;
        let variants = self.enums.iter().find_map(|e| match &e.kind {
            ir::SchemaTypeKind::Enum { values, .. } if e.name == name => Some(values),
            _ => None,
        });
        if let Some(variants) = variants {
            let found = value
                .as_str()
                .and_then(|v| variants.iter().find(|(_, allowed)| allowed == v));
            return match found {
                Some((variant, _)) => Ok(D::Variant {
                    ty: name.to_owned(),
                    variant: variant.clone(),
                }),
                None => Err(format!(
                    "{} is not one of the `enum` values ({})",
                    shown(value),
                    variants
                        .iter()
                        .map(|(_, v)| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
        }
        let Some(def) = self.out.iter().find(|d| d.name == name) else {
            return Err(format!("the type `{name}` is not known"));
        };
        let Some(object) = value.as_object() else {
            return Err(format!("{} is not an object", shown(value)));
        };
        if let Some(unknown) = object
            .keys()
            .find(|k| !def.fields.iter().any(|f| &f.name == *k))
        {
            return Err(format!("`{unknown}` is not one of its properties"));
        }
        let fields = def
            .fields
            .iter()
            .map(|field| {
                let value = match (object.get(&field.name), &field.default) {
                    (Some(given), _) => {
                        let lowered = self.default(&field.ty, given)?;
                        match field.plain() {
                            true => lowered,
                            false => D::Some(Box::new(lowered)),
                        }
                    }
                    (None, Some(default)) => default.value.clone(),
                    (None, None) if field.required => {
                        return Err(format!("it leaves out `{}`, which is required", field.name))
                    }
                    (None, None) => D::None,
                };
                Ok((field.ident.clone(), value))
            })
            .collect::<Result<_, String>>()?;
        Ok(D::Struct {
            ty: name.to_owned(),
            fields,
        })
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
                    self.ck.error(
                        Rule::InvalidPattern,
                        &at.key("pattern"),
                        format!("invalid `pattern`: {e}"),
                    );
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

    /// Whether the schema says `additionalProperties: false`.
    fn closed(&self, schema: &Value, at: &Pointer, depth: usize) -> bool {
        self.resolve(schema, at, depth).is_some_and(|(schema, _)| {
            schema.get("additionalProperties") == Some(&Value::Bool(false))
        })
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
                self.ck.error(Rule::UnsupportedRef,
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
                        Rule::DanglingRef,
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
                let closed = self.closed(&schema, &at, depth);
                self.out.push(ir::StructDef {
                    builder: None,
                    closed,
                    alternatives,
                    name: struct_name.clone(),
                    doc: Some(
                        schema
                            .get("description")
                            .and_then(Value::as_str)
                            .unwrap_or("An object of the workflow's inputs.")
                            .to_owned(),
                    ),
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

/// A JSON value as shown in a diagnostic: compact, and cut when long.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("`{}…`", &text[..cut]),
        None => format!("`{text}`"),
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
