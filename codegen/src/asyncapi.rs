//! AsyncAPI descriptions: what steps with `action: send` / `action: receive` (Arazzo 1.1)
//! send and receive.
//!
//! An AsyncAPI 3.0 document is read from its JSON value into [`Description`]: its first
//! server, its channels (address, messages, the AMQP exchange binding) and its operations
//! (action, channel, messages, reply). AsyncAPI 2.x documents are converted on the way in:
//! a channel's `publish` operation is a 3.0 `receive` (the application receives what
//! clients publish), `subscribe` a 3.0 `send`.
//!
//! The checker types messages with the same code as HTTP bodies: [`Description::openapi`]
//! describes every operation and channel as an OpenAPI operation whose request body is
//! the message a workflow sends, whose header parameters are that message's headers, and
//! whose `200` response is the message a workflow receives. Schemas of
//! `components.schemas` are kept, so `$ref`s to them resolve as they do in OpenAPI.
//!
//! Local `$ref`s (`#/…`) are followed; a reference that cannot be (external, missing, a
//! cycle) is reported, never a panic.

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::openapi::OpenApiSource;
use crate::source::{escape_token, Pointer};

/// How many `$ref`s one lookup may follow before it is taken to be a cycle.
const MAX_REF_HOPS: usize = 32;

/// The content type of a message that names none, when the document has no
/// `defaultContentType` (AsyncAPI leaves it to the application; JSON is what the
/// specification's examples use).
pub(crate) const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// The protocols the runtime has a transport for.
pub(crate) const PROTOCOLS: [&str; 5] = ["mqtt", "mqtts", "secure-mqtt", "amqp", "amqps"];

/// An AsyncAPI description named by a source description, loaded and read.
#[derive(Clone, Debug)]
pub(crate) struct AsyncApiSource {
    pub description: Description,
    /// The OpenAPI stand-in its messages are typed with (see the module docs).
    pub openapi: OpenApiSource,
}

/// An AsyncAPI description, as the checker and the generated code use it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Description {
    /// The first server: its URL (`protocol://host/pathname`) and protocol.
    pub server: Option<Server>,
    pub channels: IndexMap<String, Channel>,
    pub operations: IndexMap<String, Operation>,
}

/// An AsyncAPI server.
#[derive(Clone, Debug)]
pub(crate) struct Server {
    /// `protocol://host` and the pathname, server variables left as `{name}`.
    pub url: String,
    pub protocol: String,
    /// Server variables and their defaults.
    pub variables: Vec<(String, String)>,
}

/// An AsyncAPI channel.
#[derive(Clone, Debug)]
pub(crate) struct Channel {
    /// The `address`: the topic or queue; the key when it has none.
    pub address: String,
    /// The bindings a transport reads, as `("amqp.exchange", "orders")`.
    pub bindings: Vec<(String, String)>,
    pub messages: Vec<Message>,
}

/// An AsyncAPI message.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    /// The key it has under its channel's `messages` (or `components.messages`).
    pub id: String,
    pub content_type: String,
    /// The `correlationId`'s `location`, such as `$message.header#/orderRequestId`.
    pub correlation: Option<String>,
    /// The payload's schema, `$ref`s to `components.schemas` kept.
    pub payload: Option<Value>,
    /// The headers' schema (an object schema).
    pub headers: Option<Value>,
}

/// What an AsyncAPI operation's application does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Send,
    Receive,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Send => "send",
            Action::Receive => "receive",
        }
    }
}

/// An AsyncAPI operation.
#[derive(Clone, Debug)]
pub(crate) struct Operation {
    /// The key under `operations` (its `operationId` in 2.x).
    pub id: String,
    pub action: Action,
    /// The key of its channel.
    pub channel: String,
    /// Its messages: those of its channel it names, or all of them.
    pub messages: Vec<Message>,
    pub reply: Option<Reply>,
}

/// An operation's `reply`: where the answer to what it receives goes.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    /// The key of the reply channel, when it names one.
    pub channel: Option<String>,
    pub messages: Vec<Message>,
}

/// A problem found reading the document: where, and what.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Problem {
    pub pointer: String,
    pub message: String,
    /// An error (the document cannot be used as written) rather than a warning.
    pub error: bool,
}

impl Description {
    /// Reads an AsyncAPI 2.x or 3.x document; `None` (with the reasons in `problems`) when
    /// it cannot be used.
    pub fn read(document: &Value, problems: &mut Vec<Problem>) -> Option<Description> {
        let version = match document.get("asyncapi") {
            Some(Value::String(v)) => v.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                problems.push(error("/asyncapi", "`asyncapi` must be a version string"));
                return None;
            }
        };
        let reader = Reader {
            root: document,
            problems,
            default_content_type: document
                .get("defaultContentType")
                .and_then(Value::as_str)
                .unwrap_or(DEFAULT_CONTENT_TYPE)
                .to_owned(),
        };
        if version.starts_with("3.") {
            Some(reader.read_v3())
        } else if version.starts_with("2.") {
            Some(reader.read_v2())
        } else {
            reader.problems.push(error(
                "/asyncapi",
                format!("AsyncAPI {version} is not supported; use AsyncAPI 3.0 or 2.x"),
            ));
            None
        }
    }

    /// The OpenAPI description the checker types messages with: `/operations/<index>`
    /// (with the operation's id as `operationId`) and `/channels/<index>`, each a `post`.
    pub fn openapi(&self, document: &Value) -> Value {
        let mut paths = Map::new();
        for (index, op) in self.operations.values().enumerate() {
            let received = match (&op.reply, op.action) {
                (Some(reply), Action::Receive) => &reply.messages,
                _ => &op.messages,
            };
            let mut item = operation_item(&op.messages, received);
            item["operationId"] = Value::String(op.id.clone());
            paths.insert(format!("/operations/{index}"), json!({ "post": item }));
        }
        for (index, channel) in self.channels.values().enumerate() {
            let item = operation_item(&channel.messages, &channel.messages);
            paths.insert(format!("/channels/{index}"), json!({ "post": item }));
        }
        let schemas = document
            .pointer("/components/schemas")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut servers = Vec::new();
        if let Some(server) = &self.server {
            let variables: Map<String, Value> = server
                .variables
                .iter()
                .map(|(name, default)| (name.clone(), json!({ "default": default })))
                .collect();
            servers.push(json!({ "url": server.url, "variables": variables }));
        }
        json!({
            "openapi": "3.1.0",
            "info": { "title": "AsyncAPI messages", "version": "1" },
            "servers": servers,
            "paths": paths,
            "components": { "schemas": schemas },
        })
    }

    /// The stand-in operation (a JSON pointer into [`Description::openapi`]) for a JSON
    /// pointer into the AsyncAPI document: `/operations/<key>` or `/channels/<key>`.
    pub fn stand_in_pointer(&self, pointer: &str) -> Option<String> {
        let (kind, key) = pointer.strip_prefix('/')?.split_once('/')?;
        let key = crate::source::unescape_token(key);
        match kind {
            "operations" => Some(stand_in_operation(
                self.operations.get_index_of(key.as_ref())?,
            )),
            "channels" => Some(stand_in_channel(self.channels.get_index_of(key.as_ref())?)),
            _ => None,
        }
    }

    /// The operation or channel the synthetic OpenAPI path `path` stands for.
    pub fn target(&self, path: &str) -> Option<Target<'_>> {
        if let Some(index) = path.strip_prefix("/operations/") {
            let op = self.operations.get_index(index.parse().ok()?)?.1;
            return Some(Target::Operation(op));
        }
        let index = path.strip_prefix("/channels/")?;
        Some(Target::Channel(
            self.channels.get_index(index.parse().ok()?)?.1,
        ))
    }
}

/// The JSON pointer to the stand-in of the `index`th operation in [`Description::openapi`].
fn stand_in_operation(index: usize) -> String {
    format!("/paths/~1operations~1{index}/post")
}

/// The JSON pointer to the stand-in of the `index`th channel in [`Description::openapi`].
pub(crate) fn stand_in_channel(index: usize) -> String {
    format!("/paths/~1channels~1{index}/post")
}

/// What a message step's OpenAPI stand-in stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target<'a> {
    Operation(&'a Operation),
    Channel(&'a Channel),
}

/// The stand-in OpenAPI operation for messages sent (`sent`) and received (`received`).
fn operation_item(sent: &[Message], received: &[Message]) -> Value {
    let mut parameters = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for message in sent {
        for (name, schema, required) in header_properties(message) {
            if seen.insert(name.to_ascii_lowercase()) {
                parameters.push(json!({
                    "name": name, "in": "header", "required": required, "schema": schema,
                }));
            }
        }
    }
    let mut item = json!({ "parameters": parameters, "responses": {} });
    if let Some(content) = content(sent) {
        item["requestBody"] = json!({ "content": content });
    }
    let mut response = json!({ "description": "the message received" });
    if let Some(content) = content(received) {
        response["content"] = content;
    }
    let mut headers = Map::new();
    for message in received {
        for (name, schema, _) in header_properties(message) {
            headers.entry(name).or_insert(json!({ "schema": schema }));
        }
    }
    response["headers"] = Value::Object(headers);
    item["responses"]["200"] = response;
    item
}

/// `content` of a request body or response: each content type with the payload schema of
/// its messages (`oneOf` when there are several).
fn content(messages: &[Message]) -> Option<Value> {
    if messages.is_empty() {
        return None;
    }
    let mut by_type: IndexMap<&str, Vec<Value>> = IndexMap::new();
    for message in messages {
        by_type
            .entry(message.content_type.as_str())
            .or_default()
            .push(message.payload.clone().unwrap_or_else(|| json!({})));
    }
    let content: Map<String, Value> = by_type
        .into_iter()
        .map(|(ty, mut schemas)| {
            let schema = match schemas.len() {
                1 => schemas.remove(0),
                _ => json!({ "oneOf": schemas }),
            };
            (ty.to_owned(), json!({ "schema": schema }))
        })
        .collect();
    Some(Value::Object(content))
}

/// A message's header properties: name, schema, whether required.
fn header_properties(message: &Message) -> Vec<(String, Value, bool)> {
    let Some(headers) = &message.headers else {
        return Vec::new();
    };
    let required: Vec<&str> = headers
        .get("required")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    headers
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, schema)| {
                    (
                        name.clone(),
                        schema.clone(),
                        required.contains(&name.as_str()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn error(pointer: &str, message: impl Into<String>) -> Problem {
    Problem {
        pointer: pointer.to_owned(),
        message: message.into(),
        error: true,
    }
}

fn warning(pointer: &str, message: impl Into<String>) -> Problem {
    Problem {
        pointer: pointer.to_owned(),
        message: message.into(),
        error: false,
    }
}

struct Reader<'a> {
    root: &'a Value,
    problems: &'a mut Vec<Problem>,
    default_content_type: String,
}

impl<'a> Reader<'a> {
    /// `value`, or what its local `$ref` chain leads to, with the pointer it was found
    /// at; `None` after reporting a reference that cannot be followed.
    fn deref(&mut self, value: &'a Value, at: &str) -> Option<(&'a Value, String)> {
        let mut current = value;
        let mut pointer = at.to_owned();
        for _ in 0..MAX_REF_HOPS {
            let Some(target) = current.get("$ref").and_then(Value::as_str) else {
                return Some((current, pointer));
            };
            let Some(local) = target.strip_prefix('#') else {
                self.problems.push(error(
                    &pointer,
                    format!("`{target}` is not a local reference (`#/…`); references to other files are not followed in AsyncAPI descriptions"),
                ));
                return None;
            };
            let Some(found) = self.root.pointer(local) else {
                self.problems
                    .push(error(&pointer, format!("`{target}` refers to nothing")));
                return None;
            };
            current = found;
            pointer = local.to_owned();
        }
        self.problems
            .push(error(&pointer, format!("`$ref`s from `{at}` form a cycle")));
        None
    }

    fn read_server(&mut self, name: &str, server: &'a Value, at: &str, v2: bool) -> Option<Server> {
        let (server, at) = self.deref(server, at)?;
        let protocol = server.get("protocol").and_then(Value::as_str)?.to_owned();
        let (host, pathname) = if v2 {
            let url = server.get("url").and_then(Value::as_str)?;
            let url = url.split_once("://").map_or(url, |(_, rest)| rest);
            (url.to_owned(), String::new())
        } else {
            let Some(host) = server.get("host").and_then(Value::as_str) else {
                self.problems
                    .push(error(&at, format!("server `{name}` has no `host`")));
                return None;
            };
            let pathname = server.get("pathname").and_then(Value::as_str).unwrap_or("");
            (host.to_owned(), pathname.to_owned())
        };
        let variables = server
            .get("variables")
            .and_then(Value::as_object)
            .map(|vars| {
                vars.iter()
                    .map(|(name, var)| {
                        let default = var
                            .get("default")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        (name.clone(), default.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Server {
            url: format!("{}://{host}{pathname}", protocol.to_ascii_lowercase()),
            protocol,
            variables,
        })
    }

    fn read_servers(&mut self, v2: bool) -> Option<Server> {
        let servers = self.root.get("servers")?.as_object()?;
        let (name, server) = servers.iter().next()?;
        let at = Pointer::root().key("servers").key(name).to_string();
        let server = self.read_server(name, server, &at, v2)?;
        if !PROTOCOLS.contains(&server.protocol.to_ascii_lowercase().as_str()) {
            self.problems.push(warning(
                &format!("{at}/protocol"),
                format!(
                    "server `{name}` uses `{}`, which has no transport here (supported: mqtt, amqp); workflows that send or receive on it fail when they run unless the client sets a base URL of a supported protocol",
                    server.protocol
                ),
            ));
        }
        Some(server)
    }

    fn read_message(&mut self, id: &str, message: &'a Value, at: &str) -> Option<Message> {
        let (message, at) = self.deref(message, at)?;
        let content_type = message
            .get("contentType")
            .and_then(Value::as_str)
            .unwrap_or(&self.default_content_type)
            .to_owned();
        let correlation = match message.get("correlationId") {
            Some(c) => {
                let (c, c_at) = self.deref(c, &format!("{at}/correlationId"))?;
                match c.get("location").and_then(Value::as_str) {
                    Some(location) => Some(location.to_owned()),
                    None => {
                        self.problems
                            .push(error(&c_at, "a correlation ID needs a `location`"));
                        None
                    }
                }
            }
            None => None,
        };
        let payload = match message.get("payload") {
            Some(payload) => self.schema(payload, &format!("{at}/payload")),
            None => None,
        };
        let headers = match message.get("headers") {
            Some(headers) => self.schema(headers, &format!("{at}/headers")),
            None => None,
        };
        Some(Message {
            id: id.to_owned(),
            content_type,
            correlation,
            payload,
            headers,
        })
    }

    /// A payload or headers schema: a Schema Object, or a Multi Format Schema Object
    /// whose format is JSON Schema. A `$ref` into `components.schemas` is kept (the stand-in
    /// OpenAPI description has them); others are followed.
    fn schema(&mut self, schema: &'a Value, at: &str) -> Option<Value> {
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            if target.starts_with("#/components/schemas/") {
                return Some(schema.clone());
            }
        }
        let (schema, at) = self.deref(schema, at)?;
        if let Some(format) = schema.get("schemaFormat").and_then(Value::as_str) {
            let json_schema = format.starts_with("application/vnd.aai.asyncapi")
                || format.starts_with("application/schema+json")
                || format.starts_with("application/schema+yaml");
            if !json_schema {
                self.problems.push(warning(
                    &format!("{at}/schemaFormat"),
                    format!("schemas in `{format}` are not read; the message is untyped JSON"),
                ));
                return None;
            }
            let inner = schema.get("schema")?;
            return self.schema(inner, &format!("{at}/schema"));
        }
        Some(schema.clone())
    }

    fn read_channel(&mut self, key: &str, channel: &'a Value, at: &str) -> Option<Channel> {
        let (channel, at) = self.deref(channel, at)?;
        let address = match channel.get("address") {
            Some(Value::String(address)) => address.clone(),
            _ => key.to_owned(),
        };
        let mut messages = Vec::new();
        if let Some(map) = channel.get("messages").and_then(Value::as_object) {
            for (id, message) in map {
                let m_at = format!("{at}/messages/{}", escape_token(id));
                if let Some(message) = self.read_message(id, message, &m_at) {
                    messages.push(message);
                }
            }
        }
        let mut bindings = Vec::new();
        if let Some(amqp) = channel.pointer("/bindings/amqp") {
            let is_routing_key = amqp.get("is").and_then(Value::as_str) == Some("routingKey");
            if let Some(name) = amqp.pointer("/exchange/name").and_then(Value::as_str) {
                if is_routing_key || amqp.get("is").is_none() {
                    bindings.push(("amqp.exchange".to_owned(), name.to_owned()));
                }
            }
            if let Some(ty) = amqp.pointer("/exchange/type").and_then(Value::as_str) {
                bindings.push(("amqp.exchange.type".to_owned(), ty.to_owned()));
            }
        }
        Some(Channel {
            address,
            bindings,
            messages,
        })
    }

    /// The key of the channel a `{$ref: '#/channels/x'}` names.
    fn channel_key(&mut self, reference: &Value, at: &str) -> Option<String> {
        let target = reference.get("$ref").and_then(Value::as_str);
        let key = target
            .and_then(|t| t.strip_prefix("#/channels/"))
            .filter(|k| !k.contains('/'));
        match key {
            Some(key) => Some(crate::source::unescape_token(key).into_owned()),
            None => {
                self.problems.push(error(
                    at,
                    "an operation's `channel` must be a `$ref` to `#/channels/<name>`",
                ));
                None
            }
        }
    }

    /// The messages an operation lists (`$ref`s to its channel's messages), or all the
    /// channel's.
    fn operation_messages(
        &mut self,
        list: Option<&'a Value>,
        channel: Option<&Channel>,
        at: &str,
    ) -> Vec<Message> {
        let Some(list) = list.and_then(Value::as_array) else {
            return channel.map(|c| c.messages.clone()).unwrap_or_default();
        };
        let mut messages = Vec::new();
        for (index, reference) in list.iter().enumerate() {
            let m_at = format!("{at}/{index}");
            let id = reference
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|t| t.rsplit_once("/messages/"))
                .map(|(_, id)| crate::source::unescape_token(id).into_owned());
            let known = id
                .as_deref()
                .and_then(|id| channel?.messages.iter().find(|m| m.id == id));
            match known {
                Some(message) => messages.push(message.clone()),
                None => {
                    let id = id.unwrap_or_else(|| index.to_string());
                    if let Some(message) = self.read_message(&id, reference, &m_at) {
                        messages.push(message);
                    }
                }
            }
        }
        messages
    }

    fn read_v3(mut self) -> Description {
        let server = self.read_servers(false);
        let mut channels = IndexMap::new();
        if let Some(map) = self.root.get("channels").and_then(Value::as_object) {
            for (key, channel) in map {
                let at = Pointer::root().key("channels").key(key).to_string();
                if let Some(channel) = self.read_channel(key, channel, &at) {
                    channels.insert(key.clone(), channel);
                }
            }
        }
        let mut operations = IndexMap::new();
        if let Some(map) = self.root.get("operations").and_then(Value::as_object) {
            for (id, op) in map {
                let at = Pointer::root().key("operations").key(id).to_string();
                let Some((op, at)) = self.deref(op, &at) else {
                    continue;
                };
                let action = match op.get("action").and_then(Value::as_str) {
                    Some("send") => Action::Send,
                    Some("receive") => Action::Receive,
                    other => {
                        self.problems.push(error(
                            &format!("{at}/action"),
                            format!(
                                "operation `{id}` has action {}; it must be `send` or `receive`",
                                other.map_or("none".to_owned(), |a| format!("`{a}`"))
                            ),
                        ));
                        continue;
                    }
                };
                let Some(channel_ref) = op.get("channel") else {
                    self.problems
                        .push(error(&at, format!("operation `{id}` has no `channel`")));
                    continue;
                };
                let Some(channel) = self.channel_key(channel_ref, &format!("{at}/channel")) else {
                    continue;
                };
                if !channels.contains_key(&channel) {
                    self.problems.push(error(
                        &format!("{at}/channel"),
                        format!("operation `{id}` names channel `{channel}`, which the document does not have"),
                    ));
                    continue;
                }
                let messages = self.operation_messages(
                    op.get("messages"),
                    channels.get(&channel),
                    &format!("{at}/messages"),
                );
                let reply = match op.get("reply") {
                    Some(reply) => {
                        let r_at = format!("{at}/reply");
                        match self.deref(reply, &r_at) {
                            Some((reply, r_at)) => {
                                let channel = match reply.get("channel") {
                                    Some(c) => self.channel_key(c, &format!("{r_at}/channel")),
                                    None => None,
                                };
                                let messages = self.operation_messages(
                                    reply.get("messages"),
                                    channel.as_deref().and_then(|c| channels.get(c)),
                                    &format!("{r_at}/messages"),
                                );
                                Some(Reply { channel, messages })
                            }
                            None => None,
                        }
                    }
                    None => None,
                };
                operations.insert(
                    id.clone(),
                    Operation {
                        id: id.clone(),
                        action,
                        channel,
                        messages,
                        reply,
                    },
                );
            }
        }
        Description {
            server,
            channels,
            operations,
        }
    }

    /// AsyncAPI 2.x: channels keyed by address, each with `publish` and `subscribe`
    /// operations and their `message` (or `message.oneOf`).
    fn read_v2(mut self) -> Description {
        let server = self.read_servers(true);
        let mut channels = IndexMap::new();
        let mut operations = IndexMap::new();
        let Some(map) = self.root.get("channels").and_then(Value::as_object) else {
            return Description {
                server,
                channels,
                operations,
            };
        };
        for (address, item) in map {
            let at = Pointer::root().key("channels").key(address).to_string();
            let mut messages = Vec::new();
            let mut ops = Vec::new();
            for (verb, action) in [("publish", Action::Receive), ("subscribe", Action::Send)] {
                let Some(op) = item.get(verb) else {
                    continue;
                };
                let op_at = format!("{at}/{verb}");
                let mut op_messages = Vec::new();
                if let Some(message) = op.get("message") {
                    let m_at = format!("{op_at}/message");
                    match message.get("oneOf").and_then(Value::as_array) {
                        Some(list) => {
                            for (index, m) in list.iter().enumerate() {
                                let id =
                                    message_name(m).unwrap_or_else(|| format!("{verb}{index}"));
                                if let Some(m) =
                                    self.read_message(&id, m, &format!("{m_at}/oneOf/{index}"))
                                {
                                    op_messages.push(m);
                                }
                            }
                        }
                        None => {
                            let id = message_name(message).unwrap_or_else(|| verb.to_owned());
                            if let Some(m) = self.read_message(&id, message, &m_at) {
                                op_messages.push(m);
                            }
                        }
                    }
                }
                messages.extend(op_messages.iter().cloned());
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    ops.push(Operation {
                        id: id.to_owned(),
                        action,
                        channel: address.clone(),
                        messages: op_messages,
                        reply: None,
                    });
                }
            }
            let mut bindings = Vec::new();
            if let Some(name) = item
                .pointer("/bindings/amqp/exchange/name")
                .and_then(Value::as_str)
            {
                bindings.push(("amqp.exchange".to_owned(), name.to_owned()));
            }
            channels.insert(
                address.clone(),
                Channel {
                    address: address.clone(),
                    bindings,
                    messages,
                },
            );
            for op in ops {
                operations.insert(op.id.clone(), op);
            }
        }
        Description {
            server,
            channels,
            operations,
        }
    }
}

/// The name a 2.x message `$ref` or `name` gives it.
fn message_name(message: &Value) -> Option<String> {
    if let Some(target) = message.get("$ref").and_then(Value::as_str) {
        return target
            .rsplit('/')
            .next()
            .map(|t| crate::source::unescape_token(t).into_owned());
    }
    message
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
