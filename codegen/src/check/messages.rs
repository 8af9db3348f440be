//! Steps that send or receive messages on an AsyncAPI source (Arazzo 1.1): the channel a
//! `channelPath` names, the step's `action` against the AsyncAPI operation's, the channel
//! a receive step listens on, and its `correlationId`.
//!
//! Everything else about such a step (headers as `in: header` parameters, the payload,
//! criteria and outputs on `$message`) is checked by the operation-step rules, on the
//! OpenAPI stand-in of the AsyncAPI description (see [`crate::asyncapi`]).

use super::exprs::{self, Names};
use super::operations::Resolved;
use super::Checker;
use crate::asyncapi::{Action, AsyncApiSource, Message, Target};
use crate::diag::did_you_mean;
use crate::ir;
use crate::model;
use crate::rules::Rule;
use crate::source::Pointer;

/// The channel a `channelPath` names: `{$sourceDescriptions.<name>.url}#/channels/<key>`,
/// or (read with a warning) `#/channels/<key>`, `channels/<key>`, or a channel's key or
/// address alone.
pub(super) fn resolve_channel<'a>(
    ck: &'a Checker<'a>,
    path: &str,
    at: &Pointer,
) -> Option<Resolved<'a>> {
    let written = path.trim();
    let (source, pointer) = match written.strip_prefix("{$sourceDescriptions.") {
        Some(rest) => {
            let Some((name, pointer)) = rest.split_once(".url}") else {
                ck.error(Rule::InvalidChannel,
                    at,
                    format!("`{written}` is not a channel path; write `{{$sourceDescriptions.<name>.url}}#/channels/<channel>`"),
                );
                return None;
            };
            (Some(name), pointer)
        }
        None => (None, written),
    };
    let key = match pointer
        .strip_prefix("#/channels/")
        .filter(|_| source.is_some())
    {
        Some(key) => crate::source::unescape_token(key).into_owned(),
        None => {
            let key = pointer
                .trim_start_matches('#')
                .trim_start_matches('/')
                .trim_start_matches("channels/");
            let key = crate::source::unescape_token(key).into_owned();
            if source.is_none() {
                ck.warning(Rule::NonstandardForm,
                    at,
                    format!("`{written}` does not name its source description; read as the channel `{key}`"),
                )
                .help("write `{$sourceDescriptions.<name>.url}#/channels/<channel>`")
                .note("`strict = true` makes this an error");
            }
            key
        }
    };
    let asyncapis: Vec<(usize, &AsyncApiSource)> = (0..ck.doc.source_descriptions.len())
        .filter_map(|i| ck.asyncapi(i).map(|a| (i, a)))
        .filter(|(i, _)| source.is_none_or(|s| ck.doc.source_descriptions[*i].name == s))
        .collect();
    if let Some(name) = source {
        let index = super::operations::source_index(ck, name, at)?;
        if ck.asyncapi(index).is_none() {
            if !matches!(
                ck.loaded.sources.get(index),
                Some(crate::load::LoadedSource::Failed)
            ) {
                ck.error(Rule::WrongSourceKind,
                    at,
                    format!("source description `{name}` is not an AsyncAPI description; `channelPath` names AsyncAPI channels"),
                );
            }
            return None;
        }
    }
    if asyncapis.is_empty() {
        // A source that failed to load has been reported.
        if !ck
            .loaded
            .sources
            .iter()
            .any(|s| matches!(s, crate::load::LoadedSource::Failed))
        {
            ck.error(
                Rule::WrongSourceKind,
                at,
                format!(
                    "`{written}` names a channel, but no AsyncAPI source description was loaded"
                ),
            );
        }
        return None;
    }
    for (index, asyncapi) in &asyncapis {
        let channels = &asyncapi.description.channels;
        let Some(position) = channels
            .get_index_of(&key)
            .or_else(|| channels.values().position(|c| c.address == key))
        else {
            continue;
        };
        let op = asyncapi
            .openapi
            .operation_by_pointer(&crate::asyncapi::stand_in_channel(position))?;
        return Some(Resolved {
            source: *index,
            openapi: &asyncapi.openapi,
            op,
        });
    }
    let all = asyncapis
        .iter()
        .flat_map(|(_, a)| a.description.channels.keys().map(String::as_str));
    let mut error = ck.error(Rule::UnknownChannel, at, format!("unknown channel `{key}`"));
    if let Some(hint) = did_you_mean(&key, all) {
        error = error.help(format!("did you mean `{hint}`?"));
    }
    let _ = error;
    None
}

/// What a message step does, once its action and channel are known.
pub(super) struct MessageTarget<'a> {
    pub action: ir::MessageAction,
    pub operation_id: Option<String>,
    pub address: String,
    pub bindings: Vec<(String, String)>,
    /// The messages the step may receive (for its correlation ID).
    pub received: Vec<&'a Message>,
}

/// A step on an AsyncAPI operation or channel: its action (given, or inferred from the
/// operation's), and the channel it publishes on or listens to.
pub(super) fn target<'a>(
    ck: &Checker,
    asyncapi: &'a AsyncApiSource,
    resolved: &Resolved,
    step: &model::Step,
    at: &Pointer,
) -> Option<MessageTarget<'a>> {
    let description = &asyncapi.description;
    let target = description.target(resolved.op.path)?;
    let written = step.action.map(|a| match a {
        model::StepAction::Send => Action::Send,
        model::StepAction::Receive => Action::Receive,
    });
    let action = match (written, target) {
        (Some(action), Target::Operation(op)) => {
            // Receiving on an operation that receives and replies waits for its reply.
            let reply = action == Action::Receive && op.reply.is_some();
            if action == op.action && !reply {
                // The AsyncAPI document describes its application: a workflow usually does
                // the opposite of it (sends what the application receives).
                ck.warning(Rule::MessageAction,
                    &at.key("action"),
                    format!(
                        "step `{}` has `action: {}`, as the AsyncAPI operation `{}` does; the operation describes the application, which usually does the opposite of the workflow",
                        step.step_id,
                        action.as_str(),
                        op.id
                    ),
                )
                .note(format!(
                    "the step {}s on channel `{}`",
                    action.as_str(),
                    op.channel
                ));
            }
            action
        }
        (Some(action), Target::Channel(_)) => action,
        (None, Target::Operation(op)) => {
            let inferred = match op.action {
                Action::Send => Action::Receive,
                Action::Receive => Action::Send,
            };
            ck.warning(Rule::MessageAction,
                &at.key("stepId"),
                format!(
                    "step `{}` has no `action`; read as `action: {}`, since the AsyncAPI operation `{}` has `action: {}`",
                    step.step_id,
                    inferred.as_str(),
                    op.id,
                    op.action.as_str()
                ),
            )
            .note("`strict = true` makes this an error");
            inferred
        }
        (None, Target::Channel(_)) => {
            ck.error(Rule::MessageAction,
                &at.key("channelPath"),
                format!(
                    "step `{}` names a channel but no `action`; add `action: send` or `action: receive`",
                    step.step_id
                ),
            );
            return None;
        }
    };
    let (channel, received): (&crate::asyncapi::Channel, Vec<&Message>) = match target {
        Target::Channel(channel) => (channel, channel.messages.iter().collect()),
        Target::Operation(op) => {
            // Receiving on an operation that receives and replies: listen for the reply.
            let reply = op
                .reply
                .as_ref()
                .filter(|_| action == Action::Receive && op.action == Action::Receive);
            match reply {
                Some(reply) => {
                    let channel = reply
                        .channel
                        .as_deref()
                        .and_then(|c| description.channels.get(c));
                    let Some(channel) = channel else {
                        ck.error(Rule::Unsupported,
                            &at.key("operationId"),
                            format!(
                                "step `{}` receives the reply of `{}`, whose `reply` names no channel; this generator does not follow `reply.address` (dynamic reply addresses)",
                                step.step_id, op.id
                            ),
                        );
                        return None;
                    };
                    (channel, reply.messages.iter().collect())
                }
                None => (
                    description.channels.get(&op.channel)?,
                    op.messages.iter().collect(),
                ),
            }
        }
    };
    let operation_id = match target {
        Target::Operation(op) => Some(op.id.clone()),
        Target::Channel(_) => None,
    };
    Some(MessageTarget {
        action: match action {
            Action::Send => ir::MessageAction::Send,
            Action::Receive => ir::MessageAction::Receive,
        },
        operation_id,
        address: channel.address.clone(),
        bindings: channel.bindings.clone(),
        received,
    })
}

/// A receive step's `correlationId`: where the received messages carry it (their
/// AsyncAPI `correlationId.location`, which they must share) and the value to match.
/// On a send step it is ignored, with a warning.
pub(super) fn correlation(
    ck: &Checker,
    names: &Names,
    target: &MessageTarget,
    step: &model::Step,
    at: &Pointer,
) -> Option<ir::Correlation> {
    let written = step.correlation_id.as_ref()?;
    let at = at.key("correlationId");
    if target.action == ir::MessageAction::Send {
        ck.warning(Rule::IgnoredField,
            &at,
            format!(
                "`correlationId` only applies to steps that receive; it is ignored on step `{}`, which sends",
                step.step_id
            ),
        )
        .help("to send the correlation ID, pass it as the message header or payload member the AsyncAPI message names");
        return None;
    }
    let mut locations: Vec<&str> = target
        .received
        .iter()
        .filter_map(|m| m.correlation.as_deref())
        .collect();
    locations.dedup();
    let channel = &target.address;
    let location = match (locations.as_slice(), target.received.len()) {
        ([location], _) => *location,
        ([], _) => {
            ck.error(Rule::CorrelationId,
                &at,
                format!(
                    "step `{}` matches replies by `correlationId`, but no message it can receive on `{channel}` defines a `correlationId`",
                    step.step_id
                ),
            )
            .help("add `correlationId: {location: '$message.header#/<name>'}` to the AsyncAPI message, or remove `correlationId` from the step");
            return None;
        }
        (several, _) => {
            ck.error(Rule::CorrelationId,
                &at,
                format!(
                    "the messages step `{}` can receive on `{channel}` carry their correlation IDs in different places ({}); the step cannot match one value against all of them",
                    step.step_id,
                    several.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
                ),
            );
            return None;
        }
    };
    let parsed = if let Some(pointer) = location.strip_prefix("$message.header#/") {
        Some(ir::CorrelationLocation::Header(
            crate::source::unescape_token(pointer).into_owned(),
        ))
    } else {
        location
            .strip_prefix("$message.payload#")
            .filter(|p| p.is_empty() || p.starts_with('/'))
            .map(|p| ir::CorrelationLocation::Payload(p.to_owned()))
    };
    let Some(location) = parsed else {
        ck.error(Rule::CorrelationId,
            &at,
            format!(
                "the AsyncAPI correlation ID location `{location}` is neither `$message.header#/<name>` nor `$message.payload#/<pointer>`"
            ),
        );
        return None;
    };
    let value = exprs::value(ck, names, &serde_json::Value::String(written.clone()), &at)?;
    Some(ir::Correlation { location, value })
}

/// `parameters` or `requestBody` on a step that receives: it sends nothing, so they are
/// ignored.
pub(super) fn nothing_sent(ck: &Checker, step: &model::Step, at: &Pointer) {
    for (field, given) in [
        (
            "parameters",
            step.parameters.as_ref().is_some_and(|p| !p.is_empty()),
        ),
        ("requestBody", step.request_body.is_some()),
    ] {
        if given {
            ck.warning(
                Rule::IgnoredField,
                &at.key(field),
                format!(
                    "step `{}` receives a message and sends nothing; its `{field}` is ignored",
                    step.step_id
                ),
            );
        }
    }
}
