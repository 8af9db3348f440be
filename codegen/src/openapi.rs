//! Queries over a loaded OpenAPI description.
//!
//! `check` asks these questions of the OpenAPI sources an Arazzo document uses: which
//! operation an `operationId` or `operationPath` names, what parameters, request body,
//! responses and security it has, and where the server is. Internal `$ref`s
//! (`#/components/...`) are followed; a reference that cannot be followed (external, or
//! to something missing, or a cycle) gives `None`, never a panic.

// Some resolved details (parameter schemas, the raw document) serve checks still to
// come (payloads against request schemas); tests use them already.
#![allow(dead_code)]

use std::sync::Arc;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Components, OpenAPI, Operation, ParameterData, ParameterSchemaOrContent,
    PathItem, ReferenceOr, RequestBody, Response, Schema, SchemaKind, SecurityScheme, StatusCode,
    Type,
};
use serde_json::Value;

use crate::model::ParameterIn;
/// Where an OpenAPI parameter goes: the same locations as an Arazzo parameter's `in`.
pub(crate) use crate::model::ParameterIn as ParamLocation;
use crate::source::{escape_token, split_pointer, SourceFile};

/// How many `$ref`s one lookup may follow before it is taken to be a cycle.
const MAX_REF_HOPS: usize = 64;

/// The HTTP methods of a Path Item, in the order `openapiv3` and the specification list them.
const METHODS: [(&str, &str); 8] = [
    ("get", "GET"),
    ("put", "PUT"),
    ("post", "POST"),
    ("delete", "DELETE"),
    ("options", "OPTIONS"),
    ("head", "HEAD"),
    ("patch", "PATCH"),
    ("trace", "TRACE"),
];

/// An OpenAPI description named by a source description, loaded and parsed.
#[derive(Clone, Debug)]
pub(crate) struct OpenApiSource {
    /// The source description's `name`.
    pub name: String,
    /// The file it was read from.
    pub file: Arc<SourceFile>,
    /// The parsed description. OpenAPI 3.1 documents are downgraded to 3.0 first, so
    /// some 3.1-only details (such as `examples` in schemas) are gone. Shared with every
    /// other source description (and later expansion) that reads the same file.
    pub spec: Arc<OpenAPI>,
    /// The document as written, before any downgrade, for JSON pointers into it.
    pub raw: Arc<Value>,
}

/// One operation of an OpenAPI description.
#[derive(Clone, Debug)]
pub(crate) struct OperationRef<'a> {
    /// The path template, such as `/api/v1/roles/{role_id}`.
    pub path: &'a str,
    /// The method in upper case, such as `GET`.
    pub method: &'static str,
    /// The operation.
    pub operation: &'a Operation,
    /// The Path Item the operation belongs to.
    pub path_item: &'a PathItem,
    /// The JSON pointer to the operation, such as `/paths/~1api~1v1~1roles/get`.
    pub pointer: String,
}

impl<'a> OperationRef<'a> {
    /// The operation's `operationId`, if it has one.
    pub fn operation_id(&self) -> Option<&'a str> {
        self.operation.operation_id.as_deref()
    }
}

/// The extension the OpenAPI 3.2 downgrade puts on an `in: querystring` parameter, which it
/// turns into a 3.0 query parameter.
pub(crate) const QUERYSTRING_MARK: &str = "x-arazzo-querystring";

/// A parameter of an operation, with its `$ref` resolved and its defaults filled in.
#[derive(Clone, Debug)]
pub(crate) struct ResolvedParameter<'a> {
    /// The name (case-sensitive, except that header names are compared without case).
    pub name: &'a str,
    /// Where the parameter goes.
    pub location: ParamLocation,
    /// Whether the operation requires it (always true for path parameters).
    pub required: bool,
    /// How the value is serialized, with the location's default filled in.
    pub style: ParamStyle,
    /// Whether arrays and objects are exploded (default: true for `form`, else false).
    pub explode: bool,
    /// Whether reserved characters are sent unencoded (query parameters only).
    pub allow_reserved: bool,
    /// The schema, resolved; for a parameter described by `content`, the schema of its
    /// first media type.
    pub schema: Option<&'a Schema>,
    /// For a parameter described by `content` rather than `schema`: its media type.
    pub content_type: Option<&'a str>,
    /// The allowed values, when the schema is a string enumeration.
    pub enum_values: Option<Vec<String>>,
    /// Whether the parameter is deprecated.
    pub deprecated: bool,
    /// The description.
    pub description: Option<&'a str>,
    /// Everything else about the parameter.
    pub data: &'a ParameterData,
}

/// The serialization style of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ParamStyle {
    /// `form` (query and cookie default).
    Form,
    /// `simple` (path and header default).
    Simple,
    /// `matrix` (path).
    Matrix,
    /// `label` (path).
    Label,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
    /// `deepObject` (query).
    DeepObject,
}

/// One scheme of a security requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SecurityRequirementItem {
    /// The name of the scheme in `components.securitySchemes`.
    pub scheme_name: String,
    /// What the scheme is; [`SchemeKind::Other`] when it is unknown or unresolvable.
    pub kind: SchemeKind,
    /// The scopes the requirement asks for (OAuth 2 and OpenID Connect).
    pub scopes: Vec<String>,
}

/// The kinds of security scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SchemeKind {
    /// HTTP `bearer` authentication: an `Authorization: Bearer …` header.
    HttpBearer,
    /// HTTP `basic` authentication.
    HttpBasic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes (never `path`).
        location: ParameterIn,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// OAuth 2 (the token is sent as a bearer token).
    OAuth2,
    /// OpenID Connect (the token is sent as a bearer token).
    OpenIdConnect,
    /// Another HTTP scheme, or a scheme that could not be found.
    Other,
}

/// The first server of a description, with its variables' defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Server {
    /// The URL template, such as `https://{subdomain}.kinde.com`.
    pub url: String,
    /// Each variable's name and default value, in document order.
    pub variables: Vec<(String, String)>,
}

/// An object that can live in `components` and be the target of a `$ref`.
pub(crate) trait Component: Sized {
    /// The `components` section, such as `schemas`.
    const SECTION: &'static str;

    /// The section's map.
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! component {
    ($type:ty, $section:literal, $field:ident) => {
        impl Component for $type {
            const SECTION: &'static str = $section;

            fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
                &components.$field
            }
        }
    };
}

component!(Schema, "schemas", schemas);
component!(Response, "responses", responses);
component!(openapiv3::Parameter, "parameters", parameters);
component!(openapiv3::Example, "examples", examples);
component!(RequestBody, "requestBodies", request_bodies);
component!(openapiv3::Header, "headers", headers);
component!(SecurityScheme, "securitySchemes", security_schemes);
component!(openapiv3::Link, "links", links);

impl OpenApiSource {
    /// Every operation, in document order of paths (methods in the fixed order `get`,
    /// `put`, `post`, `delete`, `options`, `head`, `patch`, `trace`).
    pub fn operations(&self) -> Vec<OperationRef<'_>> {
        let mut out = Vec::new();
        for (path, item) in &self.spec.paths.paths {
            let Some(path_item) = self.resolve_path_item(item) else {
                continue;
            };
            for (method, upper) in METHODS {
                if let Some(operation) = path_item_operation(path_item, method) {
                    out.push(self.operation_ref(path, upper, method, operation, path_item));
                }
            }
        }
        out
    }

    /// The operation with `operationId` `id` (the first, if the description repeats it).
    pub fn operation_by_id(&self, id: &str) -> Option<OperationRef<'_>> {
        self.operations()
            .into_iter()
            .find(|op| op.operation.operation_id.as_deref() == Some(id))
    }

    /// The operation a JSON pointer names, such as `/paths/~1pets~1{petId}/get`.
    ///
    /// The pointer may start with `#` and may be percent-encoded (it is the fragment of an
    /// `operationPath`). It must name an operation, not just a Path Item.
    pub fn operation_by_pointer(&self, json_pointer: &str) -> Option<OperationRef<'_>> {
        let pointer = json_pointer.strip_prefix('#').unwrap_or(json_pointer);
        let decoded = percent_decode(pointer);
        let tokens = split_pointer(&decoded);
        let [paths, path, method] = tokens.as_slice() else {
            return None;
        };
        if paths != "paths" {
            return None;
        }
        let (key, item) = self.spec.paths.paths.get_key_value(path.as_str())?;
        let path_item = self.resolve_path_item(item)?;
        let (lower, upper) = METHODS.into_iter().find(|(lower, _)| lower == method)?;
        let operation = path_item_operation(path_item, lower)?;
        Some(self.operation_ref(key, upper, lower, operation, path_item))
    }

    /// The operations of the Path Item a pointer such as `#/paths/~1pets` names, as
    /// (lower-case method, operation), in the order of [`METHODS`]; `None` when the pointer
    /// names no Path Item.
    pub fn path_item_operations(&self, json_pointer: &str) -> Option<Vec<OperationRef<'_>>> {
        let pointer = json_pointer.strip_prefix('#').unwrap_or(json_pointer);
        let decoded = percent_decode(pointer);
        let tokens = split_pointer(&decoded);
        let [paths, path] = tokens.as_slice() else {
            return None;
        };
        if paths != "paths" {
            return None;
        }
        let (key, item) = self.spec.paths.paths.get_key_value(path.as_str())?;
        let path_item = self.resolve_path_item(item)?;
        Some(
            METHODS
                .into_iter()
                .filter_map(|(lower, upper)| {
                    let operation = path_item_operation(path_item, lower)?;
                    Some(self.operation_ref(key, upper, lower, operation, path_item))
                })
                .collect(),
        )
    }

    /// The operation's parameters: the Path Item's merged with the operation's, the
    /// operation's winning when both have the same name and location.
    ///
    /// Parameters whose `$ref` cannot be resolved are left out.
    pub fn parameters<'a>(&'a self, op: &OperationRef<'a>) -> Vec<ResolvedParameter<'a>> {
        let mut out: Vec<ResolvedParameter<'a>> = Vec::new();
        let all = op
            .path_item
            .parameters
            .iter()
            .map(|p| (false, p))
            .chain(op.operation.parameters.iter().map(|p| (true, p)));
        for (operation_level, parameter) in all {
            let Some(parameter) = self.resolve(parameter) else {
                continue;
            };
            let resolved = self.resolve_parameter(parameter);
            let same = out.iter().position(|existing| {
                existing.location == resolved.location
                    && if resolved.location == ParameterIn::Header {
                        existing.name.eq_ignore_ascii_case(resolved.name)
                    } else {
                        existing.name == resolved.name
                    }
            });
            match same {
                Some(i) if operation_level => out[i] = resolved,
                // A repeated parameter at the same level: keep the first.
                Some(_) => {}
                None => out.push(resolved),
            }
        }
        out
    }

    /// Follows `$ref`s from `item` to the object they name.
    pub fn resolve<'a, T: Component>(&'a self, item: &'a ReferenceOr<T>) -> Option<&'a T> {
        let mut current = item;
        for _ in 0..MAX_REF_HOPS {
            match current {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    current = self.lookup::<T>(reference)?;
                }
            }
        }
        None
    }

    /// Follows `$ref`s from a schema to the schema they name.
    ///
    /// Besides `#/components/schemas/<name>`, references into a named schema are followed
    /// through `properties`, `items`, `additionalProperties`, `allOf`, `oneOf`, `anyOf`
    /// and `not` (`#/components/schemas/Pet/properties/tags/items`).
    pub fn resolve_schema<'a>(&'a self, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        self.resolve_schema_hops(schema, MAX_REF_HOPS)
    }

    /// [`OpenApiSource::resolve_schema`] for the boxed schemas of properties and items.
    pub fn resolve_boxed_schema<'a>(
        &'a self,
        schema: &'a ReferenceOr<Box<Schema>>,
    ) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                self.schema_by_reference(reference, MAX_REF_HOPS)
            }
        }
    }

    /// The operation's request body, resolved.
    pub fn request_body<'a>(&'a self, op: &OperationRef<'a>) -> Option<&'a RequestBody> {
        self.resolve(op.operation.request_body.as_ref()?)
    }

    /// The operation's response for `status`, resolved.
    ///
    /// `status` is a code (`200`), a range (`2XX`) or `default`. A code with no response
    /// of its own falls back to its range (`201` → `2XX`), but not to `default`.
    pub fn response<'a>(&'a self, op: &OperationRef<'a>, status: &str) -> Option<&'a Response> {
        let responses = &op.operation.responses;
        if status.eq_ignore_ascii_case("default") {
            return self.resolve(responses.default.as_ref()?);
        }
        let upper = status.to_ascii_uppercase();
        let wanted = if let Some(class) = upper.strip_suffix("XX") {
            StatusCode::Range(class.parse().ok()?)
        } else {
            StatusCode::Code(status.parse().ok()?)
        };
        if let Some(response) = responses.responses.get(&wanted) {
            return self.resolve(response);
        }
        if let StatusCode::Code(code) = wanted {
            if let Some(response) = responses.responses.get(&StatusCode::Range(code / 100)) {
                return self.resolve(response);
            }
        }
        None
    }

    /// The security requirements of an operation: its own `security` if it has one (even
    /// an empty one, which means no authentication), else the description's.
    ///
    /// The outer list is alternatives; each inner list is schemes used together.
    pub fn security(&self, op: &OperationRef<'_>) -> Vec<Vec<SecurityRequirementItem>> {
        let requirements = op
            .operation
            .security
            .as_ref()
            .or(self.spec.security.as_ref());
        let Some(requirements) = requirements else {
            return Vec::new();
        };
        requirements
            .iter()
            .map(|requirement| {
                requirement
                    .iter()
                    .map(|(name, scopes)| SecurityRequirementItem {
                        scheme_name: name.clone(),
                        kind: self.scheme_kind(name),
                        scopes: scopes.clone(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The first entry of `servers`, if any (OpenAPI's implied default is `/`).
    pub fn default_server(&self) -> Option<Server> {
        let server = self.spec.servers.first()?;
        let variables = server
            .variables
            .iter()
            .flatten()
            .map(|(name, variable)| (name.clone(), variable.default.clone()))
            .collect();
        Some(Server {
            url: server.url.clone(),
            variables,
        })
    }

    fn operation_ref<'a>(
        &self,
        path: &'a str,
        upper: &'static str,
        lower: &str,
        operation: &'a Operation,
        path_item: &'a PathItem,
    ) -> OperationRef<'a> {
        OperationRef {
            path,
            method: upper,
            operation,
            path_item,
            pointer: format!("/paths/{}/{lower}", escape_token(path)),
        }
    }

    /// The Path Item, following `$ref`s to other entries of `paths`.
    fn resolve_path_item<'a>(&'a self, item: &'a ReferenceOr<PathItem>) -> Option<&'a PathItem> {
        let mut current = item;
        for _ in 0..MAX_REF_HOPS {
            match current {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    let tokens = reference_tokens(reference)?;
                    let [paths, path] = tokens.as_slice() else {
                        return None;
                    };
                    if paths != "paths" {
                        return None;
                    }
                    current = self.spec.paths.paths.get(path.as_str())?;
                }
            }
        }
        None
    }

    /// The component a reference such as `#/components/parameters/page` names.
    fn lookup<T: Component>(&self, reference: &str) -> Option<&ReferenceOr<T>> {
        let tokens = reference_tokens(reference)?;
        let [components, section, name] = tokens.as_slice() else {
            return None;
        };
        if components != "components" || section != T::SECTION {
            return None;
        }
        T::section(self.spec.components.as_ref()?).get(name.as_str())
    }

    fn resolve_schema_hops<'a>(
        &'a self,
        schema: &'a ReferenceOr<Schema>,
        hops: usize,
    ) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.schema_by_reference(reference, hops),
        }
    }

    fn resolve_boxed_schema_hops<'a>(
        &'a self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hops: usize,
    ) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.schema_by_reference(reference, hops),
        }
    }

    /// The schema a reference names, navigating into named schemas where asked.
    fn schema_by_reference<'a>(&'a self, reference: &str, hops: usize) -> Option<&'a Schema> {
        let hops = hops.checked_sub(1)?;
        let tokens = reference_tokens(reference)?;
        let (head, rest) = tokens.split_at_checked(3)?;
        if head[0] != "components" || head[1] != "schemas" {
            return None;
        }
        let named = Schema::section(self.spec.components.as_ref()?).get(head[2].as_str())?;
        let mut schema = self.resolve_schema_hops(named, hops)?;
        let mut rest = rest.iter();
        while let Some(token) = rest.next() {
            schema = match (token.as_str(), &schema.schema_kind) {
                ("properties", kind) => {
                    let name = rest.next()?;
                    let property = match kind {
                        SchemaKind::Type(Type::Object(object)) => object.properties.get(name),
                        SchemaKind::Any(any) => any.properties.get(name),
                        _ => None,
                    }?;
                    self.resolve_boxed_schema_hops(property, hops)?
                }
                ("items", kind) => {
                    let items = match kind {
                        SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
                        SchemaKind::Any(any) => any.items.as_ref(),
                        _ => None,
                    }?;
                    self.resolve_boxed_schema_hops(items, hops)?
                }
                ("additionalProperties", kind) => {
                    let additional = match kind {
                        SchemaKind::Type(Type::Object(object)) => {
                            object.additional_properties.as_ref()
                        }
                        SchemaKind::Any(any) => any.additional_properties.as_ref(),
                        _ => None,
                    }?;
                    match additional {
                        AdditionalProperties::Schema(schema) => {
                            self.resolve_schema_hops(schema, hops)?
                        }
                        AdditionalProperties::Any(_) => return None,
                    }
                }
                (list @ ("allOf" | "oneOf" | "anyOf"), kind) => {
                    let index: usize = rest.next()?.parse().ok()?;
                    let schemas = match (list, kind) {
                        ("allOf", SchemaKind::AllOf { all_of }) => all_of,
                        ("oneOf", SchemaKind::OneOf { one_of }) => one_of,
                        ("anyOf", SchemaKind::AnyOf { any_of }) => any_of,
                        ("allOf", SchemaKind::Any(any)) => &any.all_of,
                        ("oneOf", SchemaKind::Any(any)) => &any.one_of,
                        ("anyOf", SchemaKind::Any(any)) => &any.any_of,
                        _ => return None,
                    };
                    self.resolve_schema_hops(schemas.get(index)?, hops)?
                }
                ("not", SchemaKind::Not { not }) => self.resolve_schema_hops(not, hops)?,
                ("not", SchemaKind::Any(any)) => {
                    self.resolve_schema_hops(any.not.as_deref()?, hops)?
                }
                _ => return None,
            };
        }
        Some(schema)
    }

    fn resolve_parameter<'a>(
        &'a self,
        parameter: &'a openapiv3::Parameter,
    ) -> ResolvedParameter<'a> {
        use openapiv3::{CookieStyle, HeaderStyle, Parameter as P, PathStyle, QueryStyle};

        let (data, location, style, allow_reserved) = match parameter {
            P::Query {
                parameter_data,
                allow_reserved,
                style,
                ..
            } => {
                let style = match style {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                // An OpenAPI 3.2 `in: querystring` parameter, as the downgrade to 3.0 marks it.
                let location = match parameter_data.extensions.contains_key(QUERYSTRING_MARK) {
                    true => ParameterIn::Querystring,
                    false => ParameterIn::Query,
                };
                (parameter_data, location, style, *allow_reserved)
            }
            P::Header {
                parameter_data,
                style: HeaderStyle::Simple,
            } => (
                parameter_data,
                ParameterIn::Header,
                ParamStyle::Simple,
                false,
            ),
            P::Path {
                parameter_data,
                style,
            } => {
                let style = match style {
                    PathStyle::Matrix => ParamStyle::Matrix,
                    PathStyle::Label => ParamStyle::Label,
                    PathStyle::Simple => ParamStyle::Simple,
                };
                (parameter_data, ParameterIn::Path, style, false)
            }
            P::Cookie {
                parameter_data,
                style: CookieStyle::Form,
            } => (parameter_data, ParameterIn::Cookie, ParamStyle::Form, false),
        };
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => self.resolve_schema(schema),
            ParameterSchemaOrContent::Content(content) => content
                .values()
                .next()
                .and_then(|media| media.schema.as_ref())
                .and_then(|schema| self.resolve_schema(schema)),
        };
        let enum_values = schema.and_then(string_enum_values);
        let content_type = match &data.format {
            ParameterSchemaOrContent::Content(content) => content.keys().next().map(String::as_str),
            ParameterSchemaOrContent::Schema(_) => None,
        };
        ResolvedParameter {
            content_type,
            name: &data.name,
            location,
            required: data.required || location == ParameterIn::Path,
            style,
            explode: data.explode.unwrap_or(style == ParamStyle::Form),
            allow_reserved,
            schema,
            enum_values,
            deprecated: data.deprecated.unwrap_or(false),
            description: data.description.as_deref(),
            data,
        }
    }

    fn scheme_kind(&self, name: &str) -> SchemeKind {
        let scheme = self
            .spec
            .components
            .as_ref()
            .and_then(|components| components.security_schemes.get(name))
            .and_then(|scheme| self.resolve(scheme));
        match scheme {
            Some(SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer") => {
                SchemeKind::HttpBearer
            }
            Some(SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("basic") => {
                SchemeKind::HttpBasic
            }
            Some(SecurityScheme::APIKey { location, name, .. }) => SchemeKind::ApiKey {
                location: match location {
                    openapiv3::APIKeyLocation::Query => ParameterIn::Query,
                    openapiv3::APIKeyLocation::Header => ParameterIn::Header,
                    openapiv3::APIKeyLocation::Cookie => ParameterIn::Cookie,
                },
                name: name.clone(),
            },
            Some(SecurityScheme::OAuth2 { .. }) => SchemeKind::OAuth2,
            Some(SecurityScheme::OpenIDConnect { .. }) => SchemeKind::OpenIdConnect,
            Some(SecurityScheme::HTTP { .. }) | None => SchemeKind::Other,
        }
    }
}

/// The operation of a Path Item for a lower-case method name.
fn path_item_operation<'a>(item: &'a PathItem, method: &str) -> Option<&'a Operation> {
    match method {
        "get" => item.get.as_ref(),
        "put" => item.put.as_ref(),
        "post" => item.post.as_ref(),
        "delete" => item.delete.as_ref(),
        "options" => item.options.as_ref(),
        "head" => item.head.as_ref(),
        "patch" => item.patch.as_ref(),
        "trace" => item.trace.as_ref(),
        _ => None,
    }
}

/// The tokens of an internal reference (`#/components/schemas/Pet`); `None` for external
/// references.
fn reference_tokens(reference: &str) -> Option<Vec<String>> {
    let pointer = reference.strip_prefix('#')?;
    Some(split_pointer(&percent_decode(pointer)))
}

/// The string values of a string schema's `enum`, if it has one.
fn string_enum_values(schema: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.enumeration.iter().flatten().cloned().collect()
        }
        SchemaKind::Any(any) => any
            .enumeration
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    (!values.is_empty()).then_some(values)
}

/// Decodes `%XX` escapes (as in the fragment of a URI); invalid escapes are kept as written.
pub(crate) fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('%') {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn source(text: &str) -> OpenApiSource {
        let raw: Value = serde_yaml::from_str(text).expect("test YAML parses");
        let spec: OpenAPI = serde_json::from_value(raw.clone()).expect("test OpenAPI parses");
        OpenApiSource {
            name: "test".to_owned(),
            file: Arc::new(SourceFile::new(
                PathBuf::from("test.yaml"),
                PathBuf::from("/test.yaml"),
                text.to_owned(),
            )),
            spec: Arc::new(spec),
            raw: Arc::new(raw),
        }
    }

    fn shared_source(relative: &str) -> Option<OpenApiSource> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared")
            .join(relative);
        if !path.is_file() {
            eprintln!("note: {} is absent; skipping", path.display());
            return None;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        Some(source(&text))
    }

    const SPEC: &str = "
openapi: 3.0.3
info: {title: t, version: '1'}
servers:
  - url: https://{region}.example.com/{base}
    variables:
      region: {default: eu, enum: [eu, us]}
      base: {default: v1}
security:
  - bearer: []
paths:
  /pets/{petId}:
    parameters:
      - $ref: '#/components/parameters/PetId'
      - {name: X-Trace, in: header, schema: {type: string}}
    get:
      operationId: getPet
      parameters:
        - {name: x-trace, in: header, required: true, schema: {type: string}}
        - {name: fields, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
        - {name: sort, in: query, schema: {$ref: '#/components/schemas/Sort'}}
        - {name: session, in: cookie, schema: {type: string}}
        - $ref: '#/components/parameters/Missing'
      responses:
        '200':
          $ref: '#/components/responses/Pet'
        4XX: {description: client error}
        default: {description: other}
    delete:
      operationId: deletePet
      security: []
      responses:
        '204': {description: gone}
  /pets:
    post:
      operationId: createPet
      security:
        - key: []
          oauth: [write]
        - basic: []
      requestBody:
        $ref: '#/components/requestBodies/NewPet'
      responses:
        '201': {description: created}
  /alias:
    $ref: '#/paths/~1pets'
components:
  parameters:
    PetId: {name: petId, in: path, required: true, schema: {type: string}}
  schemas:
    Sort: {type: string, enum: [asc, desc]}
    Loop: {$ref: '#/components/schemas/Loop2'}
    Loop2: {$ref: '#/components/schemas/Loop'}
    Pet:
      type: object
      properties:
        tags: {type: array, items: {$ref: '#/components/schemas/Tag'}}
        owner: {allOf: [{$ref: '#/components/schemas/Tag'}]}
    Tag: {type: object, properties: {name: {type: string}}}
  responses:
    Pet:
      description: a pet
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Pet'}
  requestBodies:
    NewPet:
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Pet'}
  securitySchemes:
    bearer: {type: http, scheme: Bearer}
    basic: {type: http, scheme: basic}
    key: {type: apiKey, in: header, name: X-Api-Key}
    oauth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: 'https://x/token', scopes: {write: w}}}
";

    #[test]
    fn operations_in_document_order() {
        let s = source(SPEC);
        let ops: Vec<(String, &str, &str)> = s
            .operations()
            .iter()
            .map(|op| {
                (
                    op.pointer.clone(),
                    op.method,
                    op.operation_id().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            ops,
            [
                ("/paths/~1pets~1{petId}/get".to_owned(), "GET", "getPet"),
                (
                    "/paths/~1pets~1{petId}/delete".to_owned(),
                    "DELETE",
                    "deletePet"
                ),
                ("/paths/~1pets/post".to_owned(), "POST", "createPet"),
                ("/paths/~1alias/post".to_owned(), "POST", "createPet"),
            ]
        );
        let op = s.operation_by_id("createPet").expect("found");
        assert_eq!(op.path, "/pets");
        assert!(s.operation_by_id("nope").is_none());
    }

    #[test]
    fn operations_by_pointer() {
        let s = source(SPEC);
        let op = s
            .operation_by_pointer("#/paths/~1pets~1{petId}/get")
            .expect("found");
        assert_eq!(op.operation_id(), Some("getPet"));
        let op = s
            .operation_by_pointer("/paths/~1pets~1%7BpetId%7D/delete")
            .expect("found");
        assert_eq!(op.operation_id(), Some("deletePet"));
        // Through a `$ref`'d Path Item.
        let op = s
            .operation_by_pointer("#/paths/~1alias/post")
            .expect("found");
        assert_eq!(op.operation_id(), Some("createPet"));
        // A Path Item is not an operation; nor is a method it lacks.
        assert!(s.operation_by_pointer("#/paths/~1pets").is_none());
        assert!(s.operation_by_pointer("#/paths/~1pets/get").is_none());
        assert!(s.operation_by_pointer("#/components/schemas/Pet").is_none());
        assert!(s.operation_by_pointer("").is_none());
    }

    #[test]
    fn parameters_merge_and_resolve() {
        let s = source(SPEC);
        let op = s.operation_by_id("getPet").expect("found");
        let params = s.parameters(&op);
        let summary: Vec<(&str, ParamLocation, bool, ParamStyle, bool)> = params
            .iter()
            .map(|p| (p.name, p.location, p.required, p.style, p.explode))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "petId",
                    ParamLocation::Path,
                    true,
                    ParamStyle::Simple,
                    false
                ),
                // The operation's `x-trace` overrides the path item's `X-Trace`.
                (
                    "x-trace",
                    ParamLocation::Header,
                    true,
                    ParamStyle::Simple,
                    false
                ),
                (
                    "fields",
                    ParamLocation::Query,
                    false,
                    ParamStyle::PipeDelimited,
                    false
                ),
                ("sort", ParamLocation::Query, false, ParamStyle::Form, true),
                (
                    "session",
                    ParamLocation::Cookie,
                    false,
                    ParamStyle::Form,
                    true
                ),
            ]
        );
        assert_eq!(
            params[3].enum_values.as_deref(),
            Some(&["asc".to_owned(), "desc".to_owned()][..])
        );
        assert!(params[3].schema.is_some());
        assert_eq!(params[0].enum_values, None);
    }

    #[test]
    fn schemas_resolve_and_cycles_stop() {
        let s = source(SPEC);
        let reference = |r: &str| ReferenceOr::<Schema>::Reference {
            reference: r.to_owned(),
        };
        let tags = reference("#/components/schemas/Pet/properties/tags/items");
        let tag = s.resolve_schema(&tags);
        assert!(matches!(
            tag.map(|t| &t.schema_kind),
            Some(SchemaKind::Type(Type::Object(object))) if object.properties.contains_key("name")
        ));
        let resolves = |r: &str| s.resolve_schema(&reference(r)).is_some();
        assert!(resolves(
            "#/components/schemas/Pet/properties/owner/allOf/0/properties/name"
        ));
        assert!(!resolves("#/components/schemas/Loop"));
        assert!(!resolves("#/components/schemas/Nope"));
        assert!(!resolves("other.yaml#/components/schemas/Pet"));
        assert!(!resolves("#/components/schemas/Pet/properties"));
    }

    #[test]
    fn bodies_and_responses() {
        let s = source(SPEC);
        let create = s.operation_by_id("createPet").expect("found");
        let body = s.request_body(&create).expect("body");
        assert!(body.content.contains_key("application/json"));
        let get = s.operation_by_id("getPet").expect("found");
        assert_eq!(
            s.response(&get, "200").map(|r| r.description.as_str()),
            Some("a pet")
        );
        assert_eq!(
            s.response(&get, "404").map(|r| r.description.as_str()),
            Some("client error")
        );
        assert_eq!(
            s.response(&get, "4xx").map(|r| r.description.as_str()),
            Some("client error")
        );
        assert_eq!(
            s.response(&get, "default").map(|r| r.description.as_str()),
            Some("other")
        );
        assert!(s.response(&get, "500").is_none());
        assert!(s.response(&get, "abc").is_none());
    }

    #[test]
    fn security_requirements() {
        let s = source(SPEC);
        let get = s.operation_by_id("getPet").expect("found");
        let global = s.security(&get);
        assert_eq!(global.len(), 1);
        assert_eq!(global[0][0].scheme_name, "bearer");
        assert_eq!(global[0][0].kind, SchemeKind::HttpBearer);
        // An empty `security` turns authentication off.
        let delete = s.operation_by_id("deletePet").expect("found");
        assert!(s.security(&delete).is_empty());
        let create = s.operation_by_id("createPet").expect("found");
        let kinds: Vec<Vec<SchemeKind>> = s
            .security(&create)
            .into_iter()
            .map(|alternative| alternative.into_iter().map(|item| item.kind).collect())
            .collect();
        assert_eq!(
            kinds,
            [
                vec![
                    SchemeKind::ApiKey {
                        location: ParamLocation::Header,
                        name: "X-Api-Key".to_owned()
                    },
                    SchemeKind::OAuth2
                ],
                vec![SchemeKind::HttpBasic],
            ]
        );
        assert_eq!(s.security(&create)[0][1].scopes, ["write"]);
    }

    #[test]
    fn first_server() {
        let s = source(SPEC);
        assert_eq!(
            s.default_server(),
            Some(Server {
                url: "https://{region}.example.com/{base}".to_owned(),
                variables: vec![
                    ("region".to_owned(), "eu".to_owned()),
                    ("base".to_owned(), "v1".to_owned())
                ],
            })
        );
    }

    #[test]
    fn kinde_catalog_spec() {
        let Some(s) = shared_source("specs/kinde/openapi/kinde-management-api-openapi.yml") else {
            return;
        };
        let roles = s.operation_by_id("GetRoles").expect("GetRoles");
        assert_eq!((roles.method, roles.path), ("GET", "/api/v1/roles"));
        assert_eq!(roles.pointer, "/paths/~1api~1v1~1roles/get");
        let params = s.parameters(&roles);
        let names: Vec<&str> = params.iter().map(|p| p.name).collect();
        assert_eq!(names, ["sort", "page_size", "next_token"]);
        assert_eq!(
            params[0].enum_values.as_deref(),
            Some(&["name_asc", "name_desc", "id_asc", "id_desc"].map(str::to_owned)[..])
        );
        assert!(params
            .iter()
            .all(|p| p.location == ParamLocation::Query && !p.required));
        assert!(matches!(
            params[1].schema.map(|schema| &schema.schema_kind),
            Some(SchemaKind::Type(Type::Integer(_)))
        ));
        assert_eq!(s.security(&roles)[0][0].kind, SchemeKind::HttpBearer);

        let invite = s
            .operation_by_id("createOrganizationInvite")
            .expect("found");
        let params = s.parameters(&invite);
        assert_eq!(params[0].name, "org_code");
        assert_eq!(params[0].location, ParamLocation::Path);
        assert!(params[0].required);
        assert!(s.request_body(&invite).is_some());
        assert!(s.response(&invite, "201").is_some());
        assert!(s.operation_by_id("getOrganizationInvite").is_some());
        let server = s.default_server().expect("a server");
        assert_eq!(server.url, "https://{subdomain}.kinde.com");
        assert_eq!(
            server.variables,
            [("subdomain".to_owned(), "your_kinde_subdomain".to_owned())]
        );
        assert_eq!(s.operations().len(), 169);
    }

    #[test]
    fn kinde_official_spec() {
        let Some(s) = shared_source("specs/kinde/official/kinde-mgmt-api-specs.yaml") else {
            return;
        };
        assert_eq!(s.operations().len(), 183);
        let roles = s.operation_by_id("GetRoles").expect("GetRoles");
        let sort = &s.parameters(&roles)[0];
        assert_eq!(sort.name, "sort");
        assert_eq!(
            sort.enum_values.as_deref(),
            Some(&["name_asc", "name_desc", "key_asc", "key_desc"].map(str::to_owned)[..])
        );
        // One bearer scheme, declared per operation, with no global `security`.
        assert!(s.spec.security.is_none());
        assert_eq!(s.security(&roles)[0][0].kind, SchemeKind::HttpBearer);
        let invite = s
            .operation_by_id("createOrganizationInvite")
            .expect("found");
        assert_eq!(s.parameters(&invite)[0].name, "org_code");
        let by_pointer = s
            .operation_by_pointer(&invite.pointer)
            .expect("found by pointer");
        assert_eq!(by_pointer.operation_id(), Some("createOrganizationInvite"));
    }
}
