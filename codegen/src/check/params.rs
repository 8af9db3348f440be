//! Parameters and request bodies of operation steps, checked against the operation.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::exprs::{self, Names};
use super::operations::Resolved;
use super::Checker;
use crate::diag::{did_you_mean, resembles};
use crate::expr::{self, ComponentKind, Expr};
use crate::ir;
use crate::load::OpenApiSource;
use crate::model::{self, ParameterIn, ReusableOr};
use crate::openapi::{self, ResolvedParameter};
use crate::rules::Rule;
use crate::source::Pointer;
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

/// An OpenAPI parameter location as the IR has it.
pub(super) fn location(l: openapi::ParamLocation) -> ir::ParamPlace {
    match l {
        openapi::ParamLocation::Path => ir::ParamPlace::Path,
        openapi::ParamLocation::Query => ir::ParamPlace::Query,
        openapi::ParamLocation::Header => ir::ParamPlace::Header,
        openapi::ParamLocation::Cookie => ir::ParamPlace::Cookie,
        openapi::ParamLocation::Querystring => ir::ParamPlace::Querystring,
    }
}

fn model_location(l: ParameterIn) -> ir::ParamPlace {
    match l {
        ParameterIn::Path => ir::ParamPlace::Path,
        ParameterIn::Query => ir::ParamPlace::Query,
        ParameterIn::Header => ir::ParamPlace::Header,
        ParameterIn::Cookie => ir::ParamPlace::Cookie,
        ParameterIn::Querystring => ir::ParamPlace::Querystring,
    }
}

fn style(s: openapi::ParamStyle) -> ir::Style {
    match s {
        openapi::ParamStyle::Simple => ir::Style::Simple,
        openapi::ParamStyle::Label => ir::Style::Label,
        openapi::ParamStyle::Matrix => ir::Style::Matrix,
        openapi::ParamStyle::Form => ir::Style::Form,
        openapi::ParamStyle::SpaceDelimited => ir::Style::SpaceDelimited,
        openapi::ParamStyle::PipeDelimited => ir::Style::PipeDelimited,
        openapi::ParamStyle::DeepObject => ir::Style::DeepObject,
    }
}

/// A parameter as written, after following a `reference`, with where it was written.
pub(super) struct Written<'a> {
    pub param: &'a model::Parameter,
    pub value: &'a Value,
    /// Where the value is (for expression errors).
    pub value_at: Pointer,
    /// Where the entry is.
    pub at: Pointer,
}

/// Follows a Reusable Object to `components.parameters`.
pub(super) fn written<'a>(
    ck: &'a Checker<'a>,
    entry: &'a ReusableOr<model::Parameter>,
    at: Pointer,
) -> Option<Written<'a>> {
    match entry {
        ReusableOr::Item(param) => Some(Written {
            param,
            value: &param.value,
            value_at: at.key("value"),
            at,
        }),
        ReusableOr::Reusable(reusable) => {
            let ref_at = at.key("reference");
            let name = match expr::parse_expression(&reusable.reference) {
                Ok(Expr::Component {
                    kind: ComponentKind::Parameters,
                    name,
                }) => name,
                Ok(_) => {
                    ck.error(
                        Rule::InvalidReference,
                        &ref_at,
                        "a parameter reference must be `$components.parameters.<name>`",
                    );
                    return None;
                }
                Err(e) => {
                    ck.error_in(
                        Rule::InvalidReference,
                        &ref_at,
                        &reusable.reference,
                        e.offset,
                        e.len,
                        e.message,
                    );
                    return None;
                }
            };
            let components = ck
                .doc
                .components
                .as_ref()
                .and_then(|c| c.parameters.as_ref());
            let Some((index, _, param)) = components.and_then(|c| c.get_full(&name)) else {
                let mut error = ck.error(
                    Rule::UnknownComponent,
                    &ref_at,
                    format!("unknown component parameter `{name}`"),
                );
                if let Some(hint) =
                    components.and_then(|c| did_you_mean(&name, c.keys().map(String::as_str)))
                {
                    error = error.help(format!("did you mean `{hint}`?"));
                }
                let _ = error;
                return None;
            };
            let component_at = Pointer::root()
                .key("components")
                .key("parameters")
                .key(&name);
            let _ = index;
            Some(match &reusable.value {
                Some(value) => Written {
                    param,
                    value,
                    value_at: at.key("value"),
                    at,
                },
                None => Written {
                    param,
                    value: &param.value,
                    value_at: component_at.key("value"),
                    at,
                },
            })
        }
    }
}

/// The parameters of an operation step: the workflow's parameters, overridden by the
/// step's own with the same name and location, each checked against the operation.
pub(super) fn lower(
    ck: &Checker,
    names: &Names,
    wf: &model::Workflow,
    wf_at: &Pointer,
    step: &model::Step,
    step_at: &Pointer,
    resolved: &Resolved,
) -> Vec<ir::Param> {
    let declared = resolved.openapi.parameters(&resolved.op);
    let operation_name = resolved
        .op
        .operation
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("{} {}", resolved.op.method, resolved.op.path));

    let mut entries: Vec<Written> = Vec::new();
    let mut seen: HashMap<_, &model::Parameter> = HashMap::new();
    for (index, entry) in step.parameters.iter().flatten().enumerate() {
        let at = step_at.key("parameters").index(index);
        let Some(w) = written(ck, entry, at) else {
            continue;
        };
        if let Some(first) = seen.get(&identity(w.param)) {
            duplicate(ck, &w, first, "step");
            continue;
        }
        seen.insert(identity(w.param), w.param);
        entries.push(w);
    }
    // Workflow parameters apply to every operation step that does not set its own; those
    // without `in` are inputs for the steps that run workflows.
    let mut workflow_seen: HashMap<_, &model::Parameter> = HashMap::new();
    for (index, entry) in wf.parameters.iter().flatten().enumerate() {
        let at = wf_at.key("parameters").index(index);
        let Some(w) = written(ck, entry, at) else {
            continue;
        };
        if w.param.location.is_none() {
            continue;
        }
        let key = identity(w.param);
        if let Some(first) = workflow_seen.get(&key) {
            duplicate(ck, &w, first, "workflow");
            continue;
        }
        workflow_seen.insert(key.clone(), w.param);
        if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(key) {
            slot.insert(w.param);
            entries.push(w);
        }
    }

    let mut params = Vec::new();
    let mut supplied = HashSet::new();
    for w in entries {
        let Some(loc) = w.param.location else {
            ck.error(
                Rule::InvalidParameter,
                &w.at.key("name"),
                format!(
                    "parameter `{}` of an operation step needs `in`",
                    w.param.name
                ),
            )
            .help(if ck.version >= model::SpecVersion::V1_1 {
                "add `in: path`, `in: query`, `in: querystring`, `in: header` or `in: cookie`"
            } else {
                "add `in: path`, `in: query`, `in: header` or `in: cookie`"
            });
            continue;
        };
        let loc = model_location(loc);
        let found = declared.iter().find(|d| {
            location(d.location) == loc
                && if loc == ir::ParamPlace::Header {
                    d.name.eq_ignore_ascii_case(&w.param.name)
                } else {
                    d.name == w.param.name
                }
        });
        let (style_, explode) = match found {
            Some(d) => (style(d.style), d.explode),
            None => {
                // OpenAPI ignores definitions of these headers (they come from content
                // types and security schemes), so sending them is not a mistake.
                let implicit = loc == ir::ParamPlace::Header && is_implicit_header(&w.param.name);
                if !implicit {
                    report_unknown(ck, &w, loc, &declared, &operation_name);
                }
                // An undeclared header, query parameter or cookie is sent with its
                // location's default style; a path parameter has no place to go.
                match loc {
                    ir::ParamPlace::Header => (ir::Style::Simple, false),
                    ir::ParamPlace::Query | ir::ParamPlace::Cookie => (ir::Style::Form, true),
                    ir::ParamPlace::Path | ir::ParamPlace::Querystring => continue,
                }
            }
        };
        if let Some(d) = found {
            supplied.insert((d.name.to_owned(), loc));
            check_enum(ck, &w, d);
        }
        let Some(value) = exprs::value(ck, names, w.value, &w.value_at) else {
            continue;
        };
        params.push(ir::Param {
            name: found.map_or_else(|| w.param.name.clone(), |d| d.name.to_owned()),
            location: loc,
            style: style_,
            explode,
            allow_reserved: found.is_some_and(|d| d.allow_reserved),
            json_content: found
                .and_then(|d| d.content_type)
                .is_some_and(|ct| is_json(&essence(ct))),
            secret: found
                .and_then(|d| d.schema)
                .is_some_and(super::schemas::schema_is_secret),
            value,
        });
    }

    // OpenAPI 3.2: "`querystring` ... cannot coexist with `query` parameters" (Arazzo 1.1,
    // Parameter Object); the request could not hold both.
    if let Some(whole) = params
        .iter()
        .find(|p| p.location == ir::ParamPlace::Querystring)
    {
        if let Some(single) = params.iter().find(|p| p.location == ir::ParamPlace::Query) {
            ck.error(Rule::InvalidParameter,
                &step_at.key("parameters"),
                format!(
                    "the querystring parameter `{}` is the whole query string, so the query parameter `{}` cannot be sent with it",
                    whole.name, single.name
                ),
            )
            .help("put the query parameter's pair into the querystring's value");
        }
    }

    // Every required parameter must be supplied (OpenAPI ignores definitions of the
    // implicit headers, so those are not required either).
    for d in &declared {
        let loc = location(d.location);
        if loc == ir::ParamPlace::Header && is_implicit_header(d.name) {
            continue;
        }
        if (d.required || loc == ir::ParamPlace::Path)
            && !supplied.contains(&(d.name.to_owned(), loc))
        {
            let message = format!(
                "missing required {} parameter `{}` of operation `{operation_name}`",
                loc_name(loc),
                d.name
            );
            // Without a path parameter there is no URL to send the request to; other
            // parameters may come from the client (default headers, proxies) or a server
            // default, as real documents often rely on, so those are warnings.
            let diag = if loc == ir::ParamPlace::Path {
                ck.error(Rule::MissingParameter, step_at, message)
            } else {
                ck.warning(Rule::MissingParameter, step_at, message)
                    .note("the request is sent without it; `strict = true` makes this an error")
            };
            diag.help(format!(
                "add `- name: {}` with `in: {}` and a `value` to the step's parameters",
                d.name,
                loc_name(loc)
            ));
        }
    }
    params
}

/// The properties an object schema declares (following `$ref` and `allOf`), which of them
/// are required, and whether others are forbidden; `None` when the schema does not say
/// (`oneOf`, `anyOf`, no properties).
struct ObjectView<'a> {
    properties: Vec<(&'a str, &'a ReferenceOr<Box<Schema>>)>,
    required: Vec<&'a str>,
    closed: bool,
}

fn object_view<'a>(
    openapi: &'a OpenApiSource,
    schema: &'a Schema,
    depth: usize,
) -> Option<ObjectView<'a>> {
    if depth > 16 {
        return None;
    }
    let own = |properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
               required: &'a [String],
               extra: &'a Option<AdditionalProperties>| ObjectView {
        properties: properties.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        required: required.iter().map(String::as_str).collect(),
        closed: matches!(extra, Some(AdditionalProperties::Any(false))),
    };
    let view = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            own(&o.properties, &o.required, &o.additional_properties)
        }
        SchemaKind::Any(any) if any.all_of.is_empty() => {
            own(&any.properties, &any.required, &any.additional_properties)
        }
        SchemaKind::AllOf { all_of } | SchemaKind::Any(openapiv3::AnySchema { all_of, .. }) => {
            let mut merged = ObjectView {
                properties: Vec::new(),
                required: Vec::new(),
                closed: false,
            };
            for member in all_of {
                let member = openapi.resolve_schema(member)?;
                let view = object_view(openapi, member, depth + 1)?;
                merged.properties.extend(view.properties);
                merged.required.extend(view.required);
            }
            merged
        }
        _ => return None,
    };
    (!view.properties.is_empty()).then_some(view)
}

/// `payload: {nmae: rex}` for a request schema with `name` (required): members the
/// schema does not declare (an error when it is closed, else a warning) and required
/// members left out (an error), in nested literal objects too.
#[allow(clippy::too_many_arguments)]
fn check_payload(
    ck: &Checker,
    openapi: &OpenApiSource,
    operation: &str,
    schema: &Schema,
    payload: &Value,
    at: &Pointer,
    supplied: &[&str],
    depth: usize,
) {
    let Value::Object(members) = payload else {
        return;
    };
    let Some(view) = object_view(openapi, schema, depth) else {
        return;
    };
    let known = || view.properties.iter().map(|(name, _)| *name);
    for (name, value) in members {
        match view.properties.iter().find(|(p, _)| p == name) {
            Some((_, property)) => {
                if let Some(property) = openapi.resolve_boxed_schema(property) {
                    check_payload(
                        ck,
                        openapi,
                        operation,
                        property,
                        value,
                        &at.key(name),
                        &[],
                        depth + 1,
                    );
                }
            }
            None => {
                let message = format!(
                    "the request body of `{operation}` declares no property `{name}`{}",
                    if depth == 0 {
                        String::new()
                    } else {
                        format!(" in `{}`", crate::source::display_pointer(at))
                    }
                );
                let span = ck.file.key_span(&at.key(name));
                let mut diag = if view.closed {
                    ck.cx.error(Rule::UnknownProperty, &span, message)
                } else {
                    ck.cx.warning(Rule::UnknownProperty, &span, message)
                };
                if let Some(hint) = resembles(name, known()) {
                    diag = diag.help(format!("did you mean `{hint}`?"));
                }
                let _ = diag;
            }
        }
    }
    for required in &view.required {
        if !members.contains_key(*required) && !supplied.contains(required) {
            // A warning: descriptions often mark as required what another channel supplies
            // (OAuth client credentials in a Basic `Authorization` header, for one).
            ck.warning(Rule::MissingProperty,
                at,
                format!("the request body of `{operation}` requires `{required}`, which the payload leaves out"),
            )
            .note("the request is sent without it; `strict = true` makes this an error");
        }
    }
}

/// `Accept`, `Content-Type` and `Authorization`: OpenAPI says parameter definitions with
/// these names are ignored (they come from content types and security schemes).
fn is_implicit_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
}

fn loc_name(l: ir::ParamPlace) -> &'static str {
    match l {
        ir::ParamPlace::Path => "path",
        ir::ParamPlace::Query => "query",
        ir::ParamPlace::Header => "header",
        ir::ParamPlace::Cookie => "cookie",
        ir::ParamPlace::Querystring => "querystring",
    }
}

/// `name: sortt, in: query` where the operation has `sort`. A path parameter the path
/// template does not name is an error: the request cannot carry it. A header, query
/// parameter or cookie the operation does not declare is a warning, and is sent: the
/// specification allows it, and descriptions often leave out what servers accept
/// (tracing headers, API keys, paging).
fn report_unknown(
    ck: &Checker,
    w: &Written,
    loc: ir::ParamPlace,
    declared: &[ResolvedParameter],
    operation: &str,
) {
    let message = format!(
        "operation `{operation}` has no {} parameter `{}`",
        loc_name(loc),
        w.param.name
    );
    let at = w.at.key("name");
    let mut diag = match loc {
        ir::ParamPlace::Path | ir::ParamPlace::Querystring => {
            ck.error(Rule::UnknownParameter, &at, message)
        }
        _ => ck.warning(Rule::UnknownParameter, &at, message),
    };
    let same_loc = declared
        .iter()
        .filter(|d| location(d.location) == loc)
        .map(|d| d.name);
    if let Some(hint) = did_you_mean(&w.param.name, same_loc) {
        diag = diag.help(format!("did you mean `{hint}`?"));
    } else if let Some(other) = declared.iter().find(|d| d.name == w.param.name) {
        diag = diag.help(format!(
            "the operation has it `in: {}`",
            loc_name(location(other.location))
        ));
    }
    let _ = diag;
}

/// `value: id_asc` for a parameter whose schema says `enum: [name_asc, name_desc]`.
fn check_enum(ck: &Checker, w: &Written, declared: &ResolvedParameter) {
    let Some(values) = &declared.enum_values else {
        return;
    };
    let Value::String(literal) = w.value else {
        return;
    };
    if literal.starts_with('$') || literal.contains("{$") || values.iter().any(|v| v == literal) {
        return;
    }
    let mut diag = ck.error(
        Rule::InvalidValue,
        &w.value_at,
        format!(
            "`{literal}` is not an allowed value of parameter `{}`",
            declared.name
        ),
    );
    diag = match did_you_mean(literal, values.iter().map(String::as_str)) {
        Some(hint) => diag.help(format!("did you mean `{hint}`?")),
        None => {
            let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            diag.help(format!("expected one of {}", list.join(", ")))
        }
    };
    let _ = diag;
}

/// Whether `text` is a media type such as `text/markdown` or `application/json; charset=utf-8`
/// (what a multipart part's `Content-Type` can be set to).
fn is_media_type(text: &str) -> bool {
    let essence = text.split(';').next().unwrap_or("").trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

/// A media type without its parameters, lowercased: `application/json` of
/// `Application/JSON; charset=utf-8`.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type's essence is JSON (`application/json`, `…+json`).
fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

/// A parameter that a step's (or the workflow's) list already has, by [`identity`]. The
/// same name and `in` twice is an error (the specification forbids it); header names
/// that differ only in case are allowed by the specification, but they name one HTTP
/// header, so only the first is sent, with a warning.
fn duplicate(ck: &Checker, w: &Written, first: &model::Parameter, list: &str) {
    if first.name != w.param.name {
        ck.warning(
            Rule::DuplicateName,
            &w.at.key("name"),
            format!(
                "header `{}` is the header `{}` given earlier in this {list}; only the first is sent",
                w.param.name, first.name
            ),
        )
        .note("HTTP header names are compared in any case (RFC 9110)");
        return;
    }
    ck.error(
        Rule::DuplicateName,
        &w.at.key("name"),
        format!("duplicate parameter `{}`", w.param.name),
    )
    .note(format!(
        "each name and `in` pair may appear once per {list}"
    ));
}

/// What makes two parameters the same: name and `in`, header names compared in any case
/// (RFC 9110), so that a step's `x-request-id` overrides a workflow's `X-Request-Id`.
fn identity(param: &model::Parameter) -> (String, Option<ParameterIn>) {
    let name = match param.location {
        Some(ParameterIn::Header) => param.name.to_ascii_lowercase(),
        _ => param.name.clone(),
    };
    (name, param.location)
}

/// The request body of an operation step.
pub(super) fn body(
    ck: &Checker,
    names: &Names,
    step: &model::Step,
    step_at: &Pointer,
    resolved: &Resolved,
) -> Option<ir::Body> {
    let body = step.request_body.as_ref()?;
    let at = step_at.key("requestBody");
    let accepted: Vec<String> = resolved
        .openapi
        .request_body(&resolved.op)
        .map(|b| b.content.keys().cloned().collect())
        .unwrap_or_default();
    let content_type = match &body.content_type {
        Some(ct) => {
            let essence = essence(ct);
            let accepts = accepted.is_empty()
                || accepted.iter().any(|a| {
                    let a = a.to_ascii_lowercase();
                    a == essence
                        || a == "*/*"
                        || (a.ends_with("/*") && essence.starts_with(a.trim_end_matches('*')))
                });
            if !accepts {
                let list: Vec<String> = accepted.iter().map(|a| format!("`{a}`")).collect();
                // The specification does not tie `contentType` to the description's
                // media types; the body is sent as written, unchecked against a schema.
                ck.warning(
                    Rule::ContentType,
                    &at.key("contentType"),
                    format!("the operation does not list `{ct}` request bodies; the payload is sent as `{ct}`, unchecked"),
                )
                .help(format!("it lists {}", list.join(", ")));
            }
            ct.clone()
        }
        None => accepted
            .first()
            .cloned()
            .unwrap_or_else(|| "application/json".to_owned()),
    };
    let essence = essence(&content_type);
    let encoding = if is_json(&essence) {
        ir::Encoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        ir::Encoding::Form
    } else if essence == "multipart/form-data" {
        ir::Encoding::Multipart
    } else if essence.starts_with("multipart/") {
        ck.error(
            Rule::ContentType,
            &at.key("contentType"),
            format!("`{content_type}` request bodies are not supported"),
        )
        .help("`multipart/form-data` is");
        return None;
    } else if essence == "application/xml" || essence == "text/xml" || essence.ends_with("+xml") {
        ir::Encoding::Xml
    } else {
        ir::Encoding::Text
    };
    // Replacements apply, in order, to the evaluated payload. Their targets are JSON
    // Pointers, or XPath expressions for XML bodies (the spec leaves which to the content
    // type).
    let mut replacements = Vec::new();
    for (index, replacement) in body.replacements.iter().flatten().enumerate() {
        let replacement_at = at.key("replacements").index(index);
        let target = replacement.target.trim();
        if encoding == ir::Encoding::Text {
            ck.error(Rule::InvalidTarget,
                &replacement_at.key("target"),
                format!("`{content_type}` payloads cannot have replacements"),
            )
            .help("replacement targets are JSON Pointers into JSON, form and multipart payloads, or XPath expressions into XML payloads");
            continue;
        }
        let Some(kind) = target_kind(ck, replacement, &replacement_at, encoding, &content_type)
        else {
            continue;
        };
        let target_at = replacement_at.key("target");
        let valid = match kind {
            ir::TargetKind::XPath => expr::check_xpath(&replacement.target).map_err(|e| {
                ck.error_in(
                    Rule::InvalidTarget,
                    &target_at,
                    &replacement.target,
                    e.offset,
                    e.len,
                    e.message,
                );
            }),
            ir::TargetKind::JsonPath => serde_json_path::JsonPath::parse(target)
                .map(|_| ())
                .map_err(|e| {
                    let e = expr::jsonpath_error(target, 0, &e);
                    ck.error_in(
                        Rule::InvalidTarget,
                        &target_at,
                        target,
                        e.offset,
                        e.len,
                        e.message,
                    );
                }),
            ir::TargetKind::Pointer if !(target.is_empty() || target.starts_with('/')) => {
                let mut error = ck.error(
                    Rule::InvalidTarget,
                    &target_at,
                    format!("`{target}` is not a JSON Pointer"),
                );
                error = if target.starts_with('$') && ck.version >= model::SpecVersion::V1_1 {
                    error.help("for a JSONPath target, add `targetSelectorType: jsonpath`")
                } else {
                    error.help("a target such as `/pet/name` names the member to replace")
                };
                let _ = error;
                Err(())
            }
            ir::TargetKind::Pointer => Ok(()),
        };
        if valid.is_err() {
            continue;
        }
        let target = match kind {
            ir::TargetKind::XPath => replacement.target.clone(),
            _ => target.to_owned(),
        };
        if let Some(value) =
            exprs::value(ck, names, &replacement.value, &replacement_at.key("value"))
        {
            replacements.push(ir::Replacement {
                target,
                kind,
                value,
            });
        }
    }
    let Some(payload) = body.payload.as_ref() else {
        ck.warning(
            Rule::IgnoredField,
            &at,
            "the request body has no `payload`, so no body is sent",
        )
        .help("add a `payload`, or leave `requestBody` out");
        return None;
    };
    let method = resolved.op.method.to_ascii_uppercase();
    if matches!(method.as_str(), "GET" | "HEAD" | "DELETE") {
        ck.warning(Rule::UnexpectedBody, &at, format!("a `{method}` request with a body"))
            .note("RFC 9110: content in such requests has no defined meaning, and some servers and proxies reject it");
    } else if resolved.openapi.request_body(&resolved.op).is_none() {
        ck.warning(
            Rule::UnexpectedBody,
            &at,
            format!(
                "operation `{operation}` declares no request body",
                operation = resolved
                    .op
                    .operation
                    .operation_id
                    .as_deref()
                    .unwrap_or(resolved.op.path)
            ),
        );
    }
    // A JSON payload written as JSON text: without expressions it is read here as the JSON
    // it spells, and checked as such; with embedded `{$…}` it is parsed at run time.
    let parsed;
    let mut json_text = false;
    let payload = match payload {
        Value::String(text) if encoding == ir::Encoding::Json => match expr::classify(text) {
            // One expression (`$inputs.order`): its value is the payload.
            Ok(expr::ValueKind::Expression(_)) | Err(_) => payload,
            Ok(expr::ValueKind::Template(_)) => {
                json_text = true;
                payload
            }
            Ok(expr::ValueKind::Literal) => {
                if let Ok(value) = serde_json::from_str::<Value>(text) {
                    parsed = value;
                    &parsed
                } else {
                    ck.warning(Rule::InvalidValue,
                    &at.key("payload"),
                    format!("this `{content_type}` payload is a string that is not JSON text; it is sent as one JSON string"),
                )
                .help("write the payload as a YAML or JSON object, or as JSON text");
                    payload
                }
            }
        },
        _ => payload,
    };
    let media = resolved.openapi.request_body(&resolved.op).and_then(|b| {
        b.content
            .get(&content_type)
            .or_else(|| b.content.values().next())
    });
    // Multipart parts take their content type from the media type's `encoding`; of a
    // list (`image/png, image/jpeg`) the first.
    let part_types: Vec<(String, String)> = match (encoding, media) {
        (ir::Encoding::Multipart, Some(media)) => media
            .encoding
            .iter()
            .filter_map(|(name, e)| {
                let first = e.content_type.as_deref()?.split(',').next()?.trim();
                is_media_type(first).then(|| (name.clone(), first.to_owned()))
            })
            .collect(),
        _ => Vec::new(),
    };
    if !json_text && !matches!(encoding, ir::Encoding::Text | ir::Encoding::Xml) {
        let schema = resolved
            .openapi
            .request_body(&resolved.op)
            .and_then(|b| {
                b.content
                    .get(&content_type)
                    .or_else(|| b.content.values().next())
            })
            .and_then(|media| media.schema.as_ref())
            .and_then(|schema| resolved.openapi.resolve_schema(schema));
        if let Some(schema) = schema {
            // Members a replacement adds count as present.
            let replaced: Vec<&str> = replacements
                .iter()
                .filter(|r| r.kind == ir::TargetKind::Pointer)
                .filter_map(|r| r.target.strip_prefix('/'))
                .filter(|t| !t.contains('/'))
                .collect();
            let operation = resolved
                .op
                .operation
                .operation_id
                .as_deref()
                .unwrap_or(resolved.op.path);
            check_payload(
                ck,
                resolved.openapi,
                operation,
                schema,
                payload,
                &at.key("payload"),
                &replaced,
                0,
            );
        }
    }
    let value = exprs::value(ck, names, payload, &at.key("payload"))?;
    Some(ir::Body {
        content_type,
        encoding,
        value,
        replacements,
        part_types,
        json_text,
    })
}

/// How a replacement's target is read: its `targetSelectorType` (1.1), or else the
/// payload's media type (an XPath for XML, a JSON Pointer otherwise). A type that does not
/// fit the payload is an error.
fn target_kind(
    ck: &Checker,
    replacement: &model::PayloadReplacement,
    at: &Pointer,
    encoding: ir::Encoding,
    content_type: &str,
) -> Option<ir::TargetKind> {
    let xml = encoding == ir::Encoding::Xml;
    let Some(declared) = &replacement.target_selector_type else {
        return Some(if xml {
            ir::TargetKind::XPath
        } else {
            ir::TargetKind::Pointer
        });
    };
    let at = at.key("targetSelectorType");
    let kind =
        match expr::SelectorKind::from_type(declared.as_str(), declared.version(), ck.version) {
            Ok(expr::SelectorKind::XPath(_)) => ir::TargetKind::XPath,
            Ok(expr::SelectorKind::JsonPath(_)) => ir::TargetKind::JsonPath,
            Ok(expr::SelectorKind::JsonPointer) => ir::TargetKind::Pointer,
            Err(message) => {
                ck.error(Rule::InvalidTarget, &at, message);
                return None;
            }
        };
    if xml != (kind == ir::TargetKind::XPath) {
        let what = match kind {
            ir::TargetKind::XPath => "an XPath",
            ir::TargetKind::JsonPath => "a JSONPath",
            ir::TargetKind::Pointer => "a JSON Pointer",
        };
        ck.error(
            Rule::InvalidTarget,
            &at,
            format!("{what} target cannot apply to this `{content_type}` payload"),
        )
        .help(if xml {
            "XML payloads take XPath targets"
        } else {
            "JSON, form and multipart payloads take JSON Pointer or JSONPath targets"
        });
        return None;
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::is_media_type;

    #[test]
    fn media_types_for_multipart_parts() {
        for ok in [
            "text/markdown",
            "application/vnd.api+json",
            "text/plain; charset=utf-8",
        ] {
            assert!(is_media_type(ok), "{ok}");
        }
        for bad in ["", "text", "text/", "/plain", "image/*", "text plain/x"] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }
}
