//! Swagger 2.0 descriptions, rewritten as the OpenAPI 3.0 documents they describe.
//!
//! Arazzo sources are OpenAPI descriptions, and many APIs still publish Swagger 2.0
//! (OpenAPI 2.0). The conversion follows the mapping every converter uses (the OpenAPI 3.0
//! "changes from 2.0" list): `host` + `basePath` + `schemes` become `servers`; `body`
//! parameters become a `requestBody` for each media type the operation `consumes`;
//! `formData` parameters become the properties of a form (or multipart) body; a
//! parameter's `type`/`format`/`items`/`enum` move into its `schema`, its
//! `collectionFormat` into `style`/`explode`; a response's `schema` becomes its `content`
//! for each media type the operation `produces`; `definitions`, `parameters`, `responses`
//! and `securityDefinitions` move under `components`, and `$ref`s are rewritten to match.
//!
//! What has no 3.0 form becomes the nearest one, with a note: a `collectionFormat` such as
//! `tsv` (or `ssv`/`pipes` outside the query) is sent comma-separated.

use serde_json::{json, Map, Value};

use crate::source::escape_token;

/// Media type a Swagger 2.0 operation sends or receives when it says nothing.
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// The OpenAPI 3.0 rewrite of a Swagger 2.0 description, with notes on what it could not
/// carry over.
#[derive(Debug)]
pub(crate) struct Converted {
    pub document: Value,
    /// Each note names the JSON pointer (in the Swagger document) it is about.
    pub notes: Vec<(String, String)>,
}

/// Rewrites `swagger` (a Swagger 2.0 document) as OpenAPI 3.0.3.
pub(crate) fn to_openapi3(swagger: &Value) -> Converted {
    let mut cx = Conversion {
        root: swagger,
        notes: Vec::new(),
    };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for key in ["info", "tags", "externalDocs", "security"] {
        if let Some(value) = swagger.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    copy_extensions(swagger, &mut out);
    if let Some(servers) = servers(swagger) {
        out.insert("servers".into(), servers);
    }

    let mut paths = Map::new();
    if let Some(items) = swagger.get("paths").and_then(Value::as_object) {
        for (path, item) in items {
            let at = format!("/paths/{}", escape_token(path));
            paths.insert(path.clone(), cx.path_item(item, &at));
        }
    }
    out.insert("paths".into(), Value::Object(paths));

    let components = cx.components();
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    let mut document = Value::Object(out);
    rewrite_refs(&mut document);
    Converted {
        document,
        notes: cx.notes,
    }
}

struct Conversion<'a> {
    root: &'a Value,
    notes: Vec<(String, String)>,
}

impl Conversion<'_> {
    fn path_item(&mut self, item: &Value, at: &str) -> Value {
        let Some(item) = item.as_object() else {
            return item.clone();
        };
        let mut out = Map::new();
        for (key, value) in item {
            match key.as_str() {
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" => {
                    let op_at = format!("{at}/{key}");
                    out.insert(
                        key.clone(),
                        self.operation(value, item.get("parameters"), &op_at),
                    );
                }
                "parameters" => {
                    // Body and form parameters at the path level belong to each operation's
                    // request body (merged there); the others stay here.
                    let kept: Vec<Value> = value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .filter(|(_, p)| !is_body_like(resolve_parameter(self.root, p)))
                        .map(|(i, p)| self.parameter(p, &format!("{at}/parameters/{i}")))
                        .collect();
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Array(kept));
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    fn operation(&mut self, op: &Value, path_parameters: Option<&Value>, at: &str) -> Value {
        let Some(op) = op.as_object() else {
            return op.clone();
        };
        let consumes = media_types(op.get("consumes").or_else(|| self.root.get("consumes")));
        let produces = media_types(op.get("produces").or_else(|| self.root.get("produces")));

        // Operation parameters override path-level ones with the same name and location.
        let root = self.root;
        let own: Vec<(String, &Value)> = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| (format!("{at}/parameters/{i}"), p))
            .collect();
        let inherited: Vec<&Value> = path_parameters
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| {
                let key = identity(resolve_parameter(root, p));
                !own.iter()
                    .any(|(_, o)| identity(resolve_parameter(root, o)) == key)
            })
            .collect();

        let mut out = Map::new();
        let mut parameters = Vec::new();
        let mut body: Option<&Value> = None;
        let mut form: Vec<&Value> = Vec::new();
        // Path-level parameters other than body and form ones stay on the path item.
        for p in own.iter().map(|(_, p)| *p).chain(inherited) {
            let resolved = resolve_parameter(root, p);
            match resolved.get("in").and_then(Value::as_str) {
                Some("body") => body = Some(resolved),
                Some("formData") => form.push(resolved),
                _ => {}
            }
        }
        for (p_at, p) in &own {
            if !is_body_like(resolve_parameter(root, p)) {
                parameters.push(self.parameter(p, p_at));
            }
        }
        for (key, value) in op {
            match key.as_str() {
                "consumes" | "produces" | "schemes" | "parameters" => {}
                "responses" => {
                    out.insert(key.clone(), self.responses(value, &produces));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some(body) = body {
            out.insert("requestBody".into(), body_request(body, &consumes));
        } else if !form.is_empty() {
            out.insert("requestBody".into(), form_request(&form, &consumes));
        }
        Value::Object(out)
    }

    /// A non-body parameter in OpenAPI 3.0 form; references stay references.
    fn parameter(&mut self, parameter: &Value, at: &str) -> Value {
        if parameter.get("$ref").is_some() {
            return parameter.clone();
        }
        self.plain_parameter(parameter, at)
    }

    fn plain_parameter(&mut self, parameter: &Value, at: &str) -> Value {
        let Some(parameter) = parameter.as_object() else {
            return parameter.clone();
        };
        let mut out = Map::new();
        let mut schema = Map::new();
        for (key, value) in parameter {
            match key.as_str() {
                "name" | "in" | "description" | "required" | "deprecated" | "allowEmptyValue" => {
                    out.insert(key.clone(), value.clone());
                }
                "collectionFormat" => {}
                key if key.starts_with("x-") => {
                    out.insert(key.to_owned(), value.clone());
                }
                _ => {
                    schema.insert(key.clone(), value.clone());
                }
            }
        }
        fix_schema_fields(&mut schema);
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let format = parameter
                .get("collectionFormat")
                .and_then(Value::as_str)
                .unwrap_or("csv");
            let (style, explode, exact) = match (format, location) {
                ("multi", _) => ("form", true, true),
                ("ssv", "query") => ("spaceDelimited", false, true),
                ("pipes", "query") => ("pipeDelimited", false, true),
                ("csv", "query" | "cookie") => ("form", false, true),
                ("csv", _) => ("simple", false, true),
                (_, "query" | "cookie") => ("form", false, false),
                _ => ("simple", false, false),
            };
            if !exact {
                self.notes.push((
                    format!("{at}/collectionFormat"),
                    format!(
                        "`collectionFormat: {format}` has no OpenAPI 3 equivalent for a {location} parameter; the values are sent comma-separated"
                    ),
                ));
            }
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        out.insert("schema".into(), Value::Object(schema));
        Value::Object(out)
    }

    fn responses(&mut self, responses: &Value, produces: &[String]) -> Value {
        let Some(responses) = responses.as_object() else {
            return responses.clone();
        };
        let converted = responses
            .iter()
            .map(|(code, response)| (code.clone(), response_object(response, produces)))
            .collect();
        Value::Object(converted)
    }

    fn components(&mut self) -> Map<String, Value> {
        let root = self.root;
        let produces = media_types(root.get("produces"));
        let mut components = Map::new();
        if let Some(definitions) = root.get("definitions").and_then(Value::as_object) {
            let schemas = definitions
                .iter()
                .map(|(name, schema)| (name.clone(), schema_object(schema)))
                .collect();
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if let Some(parameters) = root.get("parameters").and_then(Value::as_object) {
            // Body and form parameters have no component form in 3.0; operations that
            // reference them get them inlined into their request bodies.
            let mut converted = Map::new();
            for (name, parameter) in parameters {
                if is_body_like(parameter) {
                    continue;
                }
                let at = format!("/parameters/{}", escape_token(name));
                converted.insert(name.clone(), self.plain_parameter(parameter, &at));
            }
            if !converted.is_empty() {
                components.insert("parameters".into(), Value::Object(converted));
            }
        }
        if let Some(responses) = root.get("responses").and_then(Value::as_object) {
            let converted = responses
                .iter()
                .map(|(name, response)| (name.clone(), response_object(response, &produces)))
                .collect();
            components.insert("responses".into(), Value::Object(converted));
        }
        if let Some(schemes) = root.get("securityDefinitions").and_then(Value::as_object) {
            let converted = schemes
                .iter()
                .map(|(name, scheme)| (name.clone(), security_scheme(scheme)))
                .collect();
            components.insert("securitySchemes".into(), Value::Object(converted));
        }
        components
    }
}

/// `servers` from `schemes`, `host` and `basePath`; a description without a host gets a
/// relative server URL, as 3.0 does.
fn servers(swagger: &Value) -> Option<Value> {
    let host = swagger.get("host").and_then(Value::as_str);
    let base_path = swagger
        .get("basePath")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(host) = host else {
        return (!base_path.is_empty()).then(|| json!([{ "url": base_path }]));
    };
    let schemes: Vec<&str> = swagger
        .get("schemes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .filter(|s: &Vec<&str>| !s.is_empty())
        .unwrap_or_else(|| vec!["https"]);
    let servers = schemes
        .into_iter()
        .map(|scheme| json!({ "url": format!("{scheme}://{host}{base_path}") }))
        .collect();
    Some(Value::Array(servers))
}

fn media_types(list: Option<&Value>) -> Vec<String> {
    let types: Vec<String> = list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if types.is_empty() {
        vec![DEFAULT_MEDIA_TYPE.to_owned()]
    } else {
        types
    }
}

fn is_body_like(parameter: &Value) -> bool {
    matches!(
        parameter.get("in").and_then(Value::as_str),
        Some("body" | "formData")
    )
}

/// A parameter's identity: its name and location.
fn identity(parameter: &Value) -> (Option<&str>, Option<&str>) {
    (
        parameter.get("name").and_then(Value::as_str),
        parameter.get("in").and_then(Value::as_str),
    )
}

/// A parameter `$ref` (`#/parameters/x`) resolved, or the parameter itself.
fn resolve_parameter<'v>(root: &'v Value, parameter: &'v Value) -> &'v Value {
    resolve(root, parameter, "#/parameters/").unwrap_or(parameter)
}

/// The target of a local `$ref` under `prefix` (such as `#/parameters/`).
fn resolve<'v>(root: &'v Value, value: &Value, prefix: &str) -> Option<&'v Value> {
    let reference = value.get("$ref")?.as_str()?;
    let name = reference.strip_prefix(prefix)?;
    root.pointer(&format!(
        "{}/{name}",
        prefix.trim_start_matches('#').trim_end_matches('/')
    ))
}

fn body_request(body: &Value, consumes: &[String]) -> Value {
    let schema = body.get("schema").map_or_else(|| json!({}), schema_object);
    let content: Map<String, Value> = consumes
        .iter()
        .map(|media| (media.clone(), json!({ "schema": schema })))
        .collect();
    let mut request = Map::new();
    if let Some(description) = body.get("description") {
        request.insert("description".into(), description.clone());
    }
    request.insert("content".into(), Value::Object(content));
    if body.get("required").and_then(Value::as_bool) == Some(true) {
        request.insert("required".into(), json!(true));
    }
    Value::Object(request)
}

/// A form body: one property per `formData` parameter. Multipart when the operation
/// consumes it or sends a file; URL-encoded otherwise.
fn form_request(form: &[&Value], consumes: &[String]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut has_file = false;
    for parameter in form {
        let Some(name) = parameter.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut schema = Map::new();
        for (key, value) in parameter.as_object().into_iter().flatten() {
            if !matches!(
                key.as_str(),
                "name" | "in" | "required" | "collectionFormat" | "allowEmptyValue"
            ) {
                schema.insert(key.clone(), value.clone());
            }
        }
        has_file |= schema.get("type").and_then(Value::as_str) == Some("file");
        fix_schema_fields(&mut schema);
        properties.insert(name.to_owned(), Value::Object(schema));
        if parameter.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(json!(name));
        }
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required.clone());
    }
    let forms: Vec<&String> = consumes
        .iter()
        .filter(|m| {
            m.starts_with("multipart/form-data")
                || m.starts_with("application/x-www-form-urlencoded")
        })
        .collect();
    let media: Vec<String> = if !forms.is_empty() {
        forms.into_iter().cloned().collect()
    } else if has_file {
        vec!["multipart/form-data".to_owned()]
    } else {
        vec!["application/x-www-form-urlencoded".to_owned()]
    };
    let content: Map<String, Value> = media
        .into_iter()
        .map(|m| (m, json!({ "schema": schema })))
        .collect();
    let mut request = json!({ "content": content });
    if !required.is_empty() {
        request["required"] = json!(true);
    }
    request
}

fn response_object(response: &Value, produces: &[String]) -> Value {
    let Some(response) = response.as_object() else {
        return response.clone();
    };
    if response.contains_key("$ref") {
        return Value::Object(response.clone());
    }
    let mut out = Map::new();
    out.insert(
        "description".into(),
        response
            .get("description")
            .cloned()
            .unwrap_or_else(|| json!("")),
    );
    for (key, value) in response {
        match key.as_str() {
            "description" | "examples" => {}
            "schema" => {
                let schema = schema_object(value);
                let content: Map<String, Value> = produces
                    .iter()
                    .map(|media| (media.clone(), json!({ "schema": schema })))
                    .collect();
                out.insert("content".into(), Value::Object(content));
            }
            "headers" => {
                let headers: Map<String, Value> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, header)| (name.clone(), header_object(header)))
                    .collect();
                out.insert("headers".into(), Value::Object(headers));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

fn header_object(header: &Value) -> Value {
    let Some(header) = header.as_object() else {
        return header.clone();
    };
    let mut out = Map::new();
    let mut schema = Map::new();
    for (key, value) in header {
        match key.as_str() {
            "description" => {
                out.insert(key.clone(), value.clone());
            }
            "collectionFormat" => {}
            _ => {
                schema.insert(key.clone(), value.clone());
            }
        }
    }
    fix_schema_fields(&mut schema);
    out.insert("schema".into(), Value::Object(schema));
    Value::Object(out)
}

/// A schema with the 2.0-only spellings replaced, recursively.
fn schema_object(schema: &Value) -> Value {
    let mut schema = schema.clone();
    fix_schema(&mut schema);
    schema
}

fn fix_schema(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            fix_schema_fields(map);
            for (key, value) in map.iter_mut() {
                match key.as_str() {
                    "properties" | "definitions" | "patternProperties" => {
                        if let Value::Object(children) = value {
                            children.values_mut().for_each(fix_schema);
                        }
                    }
                    "items" | "additionalProperties" | "not" => fix_schema(value),
                    "allOf" | "anyOf" | "oneOf" => {
                        if let Value::Array(children) = value {
                            children.iter_mut().for_each(fix_schema);
                        }
                    }
                    _ => {}
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_schema),
        _ => {}
    }
}

/// `type: file` → binary string; `x-nullable` → `nullable`; a string `discriminator` →
/// a Discriminator Object.
fn fix_schema_fields(schema: &mut Map<String, Value>) {
    if schema.get("type").and_then(Value::as_str) == Some("file") {
        schema.insert("type".into(), json!("string"));
        schema.insert("format".into(), json!("binary"));
    }
    if let Some(nullable) = schema.remove("x-nullable") {
        schema.insert("nullable".into(), nullable);
    }
    if let Some(Value::String(property)) = schema.get("discriminator") {
        let property = property.clone();
        schema.insert("discriminator".into(), json!({ "propertyName": property }));
    }
    if let Some(items) = schema.get_mut("items") {
        fix_schema(items);
    }
}

fn security_scheme(scheme: &Value) -> Value {
    let Some(map) = scheme.as_object() else {
        return scheme.clone();
    };
    let description = map.get("description").cloned();
    let mut out = match map.get("type").and_then(Value::as_str) {
        Some("basic") => json!({ "type": "http", "scheme": "basic" }),
        Some("apiKey") => json!({
            "type": "apiKey",
            "name": map.get("name").cloned().unwrap_or(Value::Null),
            "in": map.get("in").cloned().unwrap_or(Value::Null),
        }),
        Some("oauth2") => {
            let scopes = map.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let mut flow = json!({ "scopes": scopes });
            if let Some(url) = map.get("authorizationUrl") {
                flow["authorizationUrl"] = url.clone();
            }
            if let Some(url) = map.get("tokenUrl") {
                flow["tokenUrl"] = url.clone();
            }
            let name = match map.get("flow").and_then(Value::as_str) {
                Some("implicit") => "implicit",
                Some("password") => "password",
                Some("application") => "clientCredentials",
                _ => "authorizationCode",
            };
            json!({ "type": "oauth2", "flows": { name: flow } })
        }
        _ => return scheme.clone(),
    };
    if let Some(description) = description {
        out["description"] = description;
    }
    out
}

fn copy_extensions(from: &Value, to: &mut Map<String, Value>) {
    for (key, value) in from.as_object().into_iter().flatten() {
        if key.starts_with("x-") {
            to.insert(key.clone(), value.clone());
        }
    }
}

/// Rewrites `$ref`s to 2.0 locations into their 3.0 ones.
fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                for (old, new) in [
                    ("#/definitions/", "#/components/schemas/"),
                    ("#/parameters/", "#/components/parameters/"),
                    ("#/responses/", "#/components/responses/"),
                ] {
                    if let Some(rest) = reference.strip_prefix(old) {
                        *reference = format!("{new}{rest}");
                        break;
                    }
                }
            }
            map.values_mut().for_each(rewrite_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
