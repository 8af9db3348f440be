//! Finding the operation a step calls: by `operationId` (bare or qualified with
//! `$sourceDescriptions.<name>.`) or by `operationPath`.

use std::collections::HashMap;

use super::Checker;
use crate::diag::did_you_mean;
use crate::expr::{self, Expr, TemplatePart};
use crate::ir;
use crate::load::OpenApiSource;
use crate::model;
use crate::openapi::{OperationRef, SchemeKind};
use crate::rules::Rule;
use crate::source::Pointer;

/// The OpenAPI sources of the plan, and where each document source landed in it.
pub(super) struct Sources {
    pub plan: Vec<ir::Source>,
    /// Document source index → plan source index.
    pub index: HashMap<usize, usize>,
}

/// Every OpenAPI source description that loaded, as a plan source.
pub(super) fn plan_sources(ck: &Checker) -> Sources {
    let mut sources = Sources {
        plan: Vec::new(),
        index: HashMap::new(),
    };
    for index in 0..ck.doc.source_descriptions.len() {
        let Some(openapi) = ck.openapi(index) else {
            continue;
        };
        let server = openapi.default_server().map(|server| ir::Server {
            url: server.url,
            variables: server.variables,
        });
        sources.index.insert(index, sources.plan.len());
        sources.plan.push(ir::Source {
            name: ck.doc.source_descriptions[index].name.clone(),
            server,
        });
    }
    sources
}

/// An operation a step calls, with the source it belongs to.
pub(super) struct Resolved<'a> {
    /// Index of the source description in the document.
    pub source: usize,
    pub openapi: &'a OpenApiSource,
    pub op: OperationRef<'a>,
}

/// The operation of an operation step, or `None` after reporting why there is none.
pub(super) fn resolve<'a>(
    ck: &'a Checker<'a>,
    step: &model::Step,
    at: &Pointer,
) -> Option<Resolved<'a>> {
    match (&step.operation_id, &step.operation_path) {
        (Some(id), None) => by_operation_id(ck, id, &at.key("operationId")),
        (None, Some(path)) => by_operation_path(ck, path, &at.key("operationPath")),
        _ => None,
    }
}

/// `operationId: GetRolez`, or `$sourceDescriptions.kinde.GetRolez`.
fn by_operation_id<'a>(ck: &'a Checker<'a>, id: &str, at: &Pointer) -> Option<Resolved<'a>> {
    if id.starts_with('$') {
        let parsed = match expr::parse_expression(id) {
            Ok(parsed) => parsed,
            Err(_) if pointer_operation_id(id).is_some() => {
                // `$sourceDescriptions.petstore#/paths/~1pets/get`: an operationPath
                // written as an operationId.
                let (source, pointer) = pointer_operation_id(id)?;
                ck.warning(Rule::NonstandardForm,
                    at,
                    format!("`{id}` is a JSON pointer, not an operationId; read as `operationPath: '{{$sourceDescriptions.{source}.url}}#{pointer}'`"),
                )
                .note("`strict = true` makes this an error");
                return by_pointer(ck, source, pointer, at);
            }
            Err(e) => {
                ck.error_in(
                    Rule::InvalidReference,
                    at,
                    id,
                    e.offset,
                    e.len,
                    format!("invalid operationId: {}", e.message),
                );
                return None;
            }
        };
        let Expr::SourceDescription { source, member } = parsed else {
            ck.error(Rule::InvalidReference, at, format!("`{id}` is not an operationId; use a bare operationId or `$sourceDescriptions.<name>.<operationId>`"));
            return None;
        };
        let index = source_index(ck, &source, at)?;
        let Some(openapi) = ck.openapi(index) else {
            match ck.loaded.sources.get(index) {
                // Why it did not load was reported with the source description.
                Some(crate::load::LoadedSource::Failed) => {}
                Some(crate::load::LoadedSource::Arazzo(_)) => {
                    ck.error(Rule::WrongSourceKind,
                        at,
                        format!("source description `{source}` is an Arazzo document, which has workflows, not operations"),
                    )
                    .help(format!("run one of its workflows with `workflowId: $sourceDescriptions.{source}.<workflowId>`"));
                }
                _ => {
                    ck.error(
                        Rule::WrongSourceKind,
                        at,
                        format!(
                            "source description `{source}` is not a loaded OpenAPI description"
                        ),
                    );
                }
            }
            return None;
        };
        return find_in(ck, index, openapi, &member, at);
    }

    let openapis: Vec<(usize, &OpenApiSource)> = (0..ck.doc.source_descriptions.len())
        .filter_map(|i| ck.openapi(i).map(|o| (i, o)))
        .collect();
    let found: Vec<(usize, &OpenApiSource, OperationRef)> = openapis
        .iter()
        .filter_map(|(i, o)| o.operation_by_id(id).map(|op| (*i, *o, op)))
        .collect();
    // Sources that share a name (already an error) count once.
    let mut distinct: Vec<&str> = found
        .iter()
        .map(|(i, _, _)| ck.doc.source_descriptions[*i].name.as_str())
        .collect();
    distinct.dedup();
    let found = if distinct.len() == 1 {
        found.into_iter().take(1).collect()
    } else {
        found
    };
    match found.len() {
        1 => {
            let (source, openapi, op) = found.into_iter().next()?;
            // The spec: with several (non-`arazzo`) source descriptions, an operationId
            // "MUST be specified using a runtime expression".
            let candidates = ck
                .doc
                .source_descriptions
                .iter()
                .filter(|s| s.source_type != Some(crate::model::SourceType::Arazzo))
                .count();
            if candidates > 1 {
                ck.error(Rule::AmbiguousOperation,
                    at,
                    format!(
                        "operationId `{id}` must name its source: the document has {candidates} {} source descriptions",
                        if ck.doc.source_descriptions.iter().any(|s| s.source_type == Some(crate::model::SourceType::Asyncapi)) {
                            "OpenAPI and AsyncAPI"
                        } else {
                            "OpenAPI"
                        }
                    ),
                )
                .help(format!(
                    "write `$sourceDescriptions.{}.{id}`",
                    ck.doc.source_descriptions[source].name
                ));
            }
            Some(Resolved {
                source,
                openapi,
                op,
            })
        }
        0 => {
            // Redocly's short form `source.operationId`: accepted with a warning when it
            // names an operation, since it can mean nothing else.
            if let Some((source, op)) = id.split_once('.') {
                if let Some(index) = ck
                    .doc
                    .source_descriptions
                    .iter()
                    .position(|s| s.name == source)
                {
                    let openapi = ck.openapi(index);
                    if let Some(found) = openapi.and_then(|o| o.operation_by_id(op)) {
                        ck.warning(Rule::NonstandardForm, at, format!("`{id}` is not a standard operationId; read as `$sourceDescriptions.{source}.{op}`"))
                            .note("`strict = true` makes this an error");
                        return Some(Resolved {
                            source: index,
                            openapi: openapi?,
                            op: found,
                        });
                    }
                    ck.error(
                        Rule::UnknownOperation,
                        at,
                        format!("unknown operationId `{id}`"),
                    )
                    .help(format!(
                        "to name the source, write `$sourceDescriptions.{source}.{op}`"
                    ));
                    return None;
                }
            }
            if openapis.is_empty() {
                // A description that failed to load was reported already; one error for
                // each step that uses it would only repeat that.
                let failed_to_load = ck.doc.source_descriptions.iter().any(|s| {
                    s.source_type != Some(crate::model::SourceType::Arazzo)
                        && s.source_type != Some(crate::model::SourceType::Asyncapi)
                }) && ck.cx.has_errors();
                if !failed_to_load {
                    ck.error(
                        Rule::UnknownOperation,
                        at,
                        format!(
                            "unknown operationId `{id}`: no OpenAPI source description was loaded"
                        ),
                    );
                }
                return None;
            }
            let all: Vec<String> = openapis
                .iter()
                .flat_map(|(_, o)| o.operations())
                .filter_map(|op| op.operation.operation_id.clone())
                .collect();
            let mut error = ck.error(
                Rule::UnknownOperation,
                at,
                format!("unknown operationId `{id}`"),
            );
            if let Some(hint) = did_you_mean(id, all.iter().map(String::as_str)) {
                error = error.help(format!("did you mean `{hint}`?"));
            }
            let _ = error;
            None
        }
        _ => {
            let names: Vec<String> = found
                .iter()
                .map(|(i, _, _)| {
                    format!(
                        "`$sourceDescriptions.{}.{id}`",
                        ck.doc.source_descriptions[*i].name
                    )
                })
                .collect();
            ck.error(
                Rule::AmbiguousOperation,
                at,
                format!("operationId `{id}` is ambiguous: several source descriptions have it"),
            )
            .help(format!("write one of {}", names.join(", ")));
            None
        }
    }
}

pub(super) fn source_index(ck: &Checker, name: &str, at: &Pointer) -> Option<usize> {
    let index = ck
        .doc
        .source_descriptions
        .iter()
        .position(|s| s.name == name);
    if index.is_none() {
        let mut error = ck.error(
            Rule::UnknownSource,
            at,
            format!("unknown source description `{name}`"),
        );
        if let Some(hint) = did_you_mean(
            name,
            ck.doc.source_descriptions.iter().map(|s| s.name.as_str()),
        ) {
            error = error.help(format!("did you mean `{hint}`?"));
        }
        let _ = error;
    }
    index
}

fn find_in<'a>(
    ck: &Checker,
    index: usize,
    openapi: &'a OpenApiSource,
    id: &str,
    at: &Pointer,
) -> Option<Resolved<'a>> {
    if let Some(op) = openapi.operation_by_id(id) {
        return Some(Resolved {
            source: index,
            openapi,
            op,
        });
    }
    let all: Vec<String> = openapi
        .operations()
        .into_iter()
        .filter_map(|op| op.operation.operation_id.clone())
        .collect();
    let mut error = ck.error(
        Rule::UnknownOperation,
        at,
        format!(
            "unknown operationId `{id}` in source `{}`",
            ck.doc.source_descriptions[index].name
        ),
    );
    if let Some(hint) = did_you_mean(id, all.iter().map(String::as_str)) {
        error = error.help(format!("did you mean `{hint}`?"));
    }
    let _ = error;
    None
}

/// `operationPath: '{$sourceDescriptions.petstore.url}#/paths/~1pets~1{petId}/get'`.
fn by_operation_path<'a>(ck: &'a Checker<'a>, path: &str, at: &Pointer) -> Option<Resolved<'a>> {
    let parts = match expr::parse_template(path) {
        Ok(parts) => parts,
        Err(e) => {
            ck.error_in(
                Rule::InvalidReference,
                at,
                path,
                e.offset,
                e.len,
                format!("invalid operationPath: {}", e.message),
            );
            return None;
        }
    };
    let (source, pointer) = match parts.as_slice() {
        [TemplatePart::Expr {
            expr: Expr::SourceDescription { source, member },
            ..
        }, TemplatePart::Lit(rest)]
            if member == "url" && rest.starts_with('#') =>
        {
            (source.clone(), rest[1..].to_owned())
        }
        _ => match nonstandard_operation_path(ck, path) {
            Some((source, pointer)) => {
                ck.warning(Rule::NonstandardForm,
                    at,
                    format!("`{path}` is not a standard operationPath; read as `{{$sourceDescriptions.{source}.url}}#{pointer}`"),
                )
                .note("an operationPath is `{$sourceDescriptions.<name>.url}#<JSON pointer to an operation>`; `strict = true` makes this an error");
                (source, pointer)
            }
            None if operation_id_as_path(ck, path) => {
                // `$sourceDescriptions.orders.placeOrder`, as the 1.1 specification's own
                // AsyncAPI example writes it: an operationId, not a path.
                ck.warning(Rule::NonstandardForm,
                    at,
                    format!("`{path}` is an operationId, not an operationPath; read as `operationId: {path}`"),
                )
                .help(format!("write `operationId: {path}`"))
                .note("`strict = true` makes this an error");
                return by_operation_id(ck, path.trim(), at);
            }
            None => {
                ck.error(Rule::InvalidReference, at, "an operationPath must be `{$sourceDescriptions.<name>.url}#<JSON pointer to an operation>`")
                    .help("for example `{$sourceDescriptions.petstore.url}#/paths/~1pets~1{petId}/get`");
                return None;
            }
        },
    };
    by_pointer(ck, &source, &pointer, at)
}

/// The operation at `pointer` (`/paths/~1pets/get`) in the source named `source`.
fn by_pointer<'a>(
    ck: &'a Checker<'a>,
    source: &str,
    pointer: &str,
    at: &Pointer,
) -> Option<Resolved<'a>> {
    let index = source_index(ck, source, at)?;
    if let Some(asyncapi) = ck.asyncapi(index) {
        return by_asyncapi_pointer(ck, asyncapi, index, source, pointer, at);
    }
    let Some(openapi) = ck.openapi(index) else {
        ck.error(
            Rule::WrongSourceKind,
            at,
            format!("source description `{source}` is not a loaded OpenAPI description"),
        );
        return None;
    };
    if let Some(op) = openapi.operation_by_pointer(pointer) {
        return Some(Resolved {
            source: index,
            openapi,
            op,
        });
    }
    // A pointer to a Path Item with a single operation (as in the specification's own
    // `LoginAndRetrievePets` example) can only mean that operation.
    let operations = openapi.path_item_operations(pointer).unwrap_or_default();
    if let [op] = operations.as_slice() {
        ck.warning(
            Rule::NonstandardForm,
            at,
            format!(
                "`#{pointer}` is a path item, not an operation; its only operation, `{}`, is used",
                op.method
            ),
        )
        .help(format!(
            "end the pointer with the method: `#{pointer}/{}`",
            op.method.to_ascii_lowercase()
        ));
        return Some(Resolved {
            source: index,
            openapi,
            op: op.clone(),
        });
    }
    let error = ck.error(
        Rule::UnknownOperation,
        at,
        format!("`#{pointer}` is not an operation in source `{source}`"),
    );
    if operations.is_empty() {
        error.help("the pointer must end in a path item's method, such as `#/paths/~1pets/get`");
    } else {
        let methods: Vec<String> = operations
            .iter()
            .map(|op| format!("`#{pointer}/{}`", op.method.to_ascii_lowercase()))
            .collect();
        error.help(format!(
            "the path item has several operations; name one: {}",
            methods.join(", ")
        ));
    }
    None
}

/// The AsyncAPI operation or channel at `pointer` (`/operations/placeOrder`) in the source
/// named `source`.
fn by_asyncapi_pointer<'a>(
    ck: &'a Checker<'a>,
    asyncapi: &'a crate::asyncapi::AsyncApiSource,
    index: usize,
    source: &str,
    pointer: &str,
    at: &Pointer,
) -> Option<Resolved<'a>> {
    let op = asyncapi
        .description
        .stand_in_pointer(pointer)
        .and_then(|p| asyncapi.openapi.operation_by_pointer(&p));
    if let Some(op) = op {
        return Some(Resolved {
            source: index,
            openapi: &asyncapi.openapi,
            op,
        });
    }
    let candidates = asyncapi
        .description
        .operations
        .keys()
        .map(|k| format!("/operations/{}", crate::source::escape_token(k)))
        .chain(
            asyncapi
                .description
                .channels
                .keys()
                .map(|k| format!("/channels/{}", crate::source::escape_token(k))),
        )
        .collect::<Vec<_>>();
    let error = ck.error(
        Rule::UnknownOperation,
        at,
        format!("`#{pointer}` is not an operation or channel in AsyncAPI source `{source}`"),
    );
    match did_you_mean(pointer, candidates.iter().map(String::as_str)) {
        Some(hint) => error.help(format!("did you mean `#{hint}`?")),
        None => error.help(
            "the pointer names an AsyncAPI operation or channel, such as `#/operations/sendOrder`",
        ),
    };
    None
}

/// Whether `path` is `$sourceDescriptions.<name>.<operationId>` naming a declared source
/// (and not its `url`).
fn operation_id_as_path(ck: &Checker, path: &str) -> bool {
    match expr::parse_expression(path.trim()) {
        Ok(Expr::SourceDescription { source, member }) => {
            member != "url" && ck.doc.source_descriptions.iter().any(|s| s.name == source)
        }
        _ => false,
    }
}

/// `$sourceDescriptions.petstore#/paths/~1pets/get` as (source name, pointer).
fn pointer_operation_id(id: &str) -> Option<(&str, &str)> {
    let (head, pointer) = id.split_once('#')?;
    let source = head.strip_prefix("$sourceDescriptions.")?;
    (pointer.starts_with("/paths/") && !source.is_empty() && !source.contains('.'))
        .then_some((source, pointer))
}

/// `petstore#/paths/~1pets/get` (a source name instead of the expression) and
/// `$sourceDescriptions.petstore.url#/paths/~1pets/get` (the expression without braces),
/// both common in real documents, as (source name, pointer); `None` for anything else.
fn nonstandard_operation_path(ck: &Checker, path: &str) -> Option<(String, String)> {
    let (head, pointer) = path.trim().split_once('#')?;
    if !pointer.starts_with('/') {
        return None;
    }
    let name = head
        .strip_prefix("$sourceDescriptions.")
        .and_then(|rest| rest.strip_suffix(".url"))
        .unwrap_or(head);
    ck.doc
        .source_descriptions
        .iter()
        .any(|s| s.name == name)
        .then(|| (name.to_owned(), pointer.to_owned()))
}

/// The security requirements of an operation, as the IR has them.
pub(super) fn security(resolved: &Resolved) -> Vec<Vec<ir::Scheme>> {
    resolved
        .openapi
        .security(&resolved.op)
        .into_iter()
        .map(|alternative| {
            alternative
                .into_iter()
                .map(|item| ir::Scheme {
                    name: item.scheme_name,
                    kind: match item.kind {
                        SchemeKind::HttpBearer => ir::SchemeKind::HttpBearer,
                        SchemeKind::HttpBasic => ir::SchemeKind::HttpBasic,
                        SchemeKind::ApiKey { location, name } => ir::SchemeKind::ApiKey {
                            location: super::params::location(location),
                            name,
                        },
                        SchemeKind::OAuth2 => ir::SchemeKind::OAuth2,
                        SchemeKind::OpenIdConnect => ir::SchemeKind::OpenIdConnect,
                        SchemeKind::Other => ir::SchemeKind::Other,
                    },
                })
                .collect()
        })
        .collect()
}
