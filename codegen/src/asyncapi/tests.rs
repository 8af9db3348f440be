use serde_json::Value;

use super::*;

fn read(yaml: &str) -> (Option<Description>, Vec<Problem>) {
    let value: Value = serde_yaml::from_str(yaml).expect("test YAML");
    let mut problems = Vec::new();
    (Description::read(&value, &mut problems), problems)
}

/// The OAI's own AsyncAPI example for Arazzo 1.1 (`examples/1.1.0/pet-asyncapi.yaml`),
/// when `../shared` has it.
#[test]
fn reads_the_oai_pet_example() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/spec/examples-1.1.0/pet-asyncapi.yaml"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipping: {path} is absent");
        return;
    };
    let (description, problems) = read(&text);
    // Kafka has no transport here: a warning, not an error.
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(!problems[0].error);
    assert_eq!(problems[0].pointer, "/servers/localKafka/protocol");
    let description = description.expect("it reads");
    assert_eq!(
        description.server.as_ref().map(|s| s.url.as_str()),
        Some("kafka://localhost:9092")
    );
    let op = &description.operations["placeOrder"];
    assert_eq!(op.action, Action::Receive);
    assert_eq!(op.channel, "place-order");
    assert_eq!(op.messages.len(), 1);
    assert_eq!(op.messages[0].id, "placeOrder.message");
    assert_eq!(
        op.messages[0].correlation.as_deref(),
        Some("$message.header#/orderRequestId")
    );
    let reply = op.reply.as_ref().expect("a reply");
    assert_eq!(reply.channel.as_deref(), Some("confirm-order"));
    assert_eq!(reply.messages[0].id, "confirmOrder.message");
    assert_eq!(
        description.channels["confirm-order"].address,
        "confirm-order"
    );
}

#[test]
fn converts_asyncapi_2() {
    let (description, problems) = read(
        r##"
asyncapi: 2.6.0
info: { title: t, version: "1" }
servers:
  broker: { url: "localhost:1883", protocol: mqtt }
channels:
  orders/created:
    subscribe:
      operationId: orderCreated
      message:
        name: OrderCreated
        payload: { type: object, properties: { id: { type: string } } }
    publish:
      operationId: createOrder
      message: { $ref: "#/components/messages/CreateOrder" }
components:
  messages:
    CreateOrder:
      contentType: application/json
      payload: { type: object }
"##,
    );
    assert_eq!(problems, []);
    let description = description.unwrap();
    assert_eq!(description.server.unwrap().url, "mqtt://localhost:1883");
    assert_eq!(description.operations["orderCreated"].action, Action::Send);
    assert_eq!(
        description.operations["createOrder"].action,
        Action::Receive
    );
    assert_eq!(
        description.operations["createOrder"].messages[0].id,
        "CreateOrder"
    );
    assert_eq!(description.channels["orders/created"].messages.len(), 2);
}

#[test]
fn reports_what_cannot_be_followed() {
    let (_, problems) = read(
        r##"
asyncapi: 3.0.0
info: { title: t, version: "1" }
channels:
  a:
    messages:
      m: { $ref: "#/components/messages/Missing" }
operations:
  op:
    action: publish
    channel: { $ref: "#/channels/a" }
  op2:
    action: send
    channel: { $ref: "#/channels/b" }
"##,
    );
    let messages: Vec<_> = problems
        .iter()
        .map(|p| (p.pointer.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "/channels/a/messages/m",
                "`#/components/messages/Missing` refers to nothing"
            ),
            (
                "/operations/op/action",
                "operation `op` has action `publish`; it must be `send` or `receive`"
            ),
            (
                "/operations/op2/channel",
                "operation `op2` names channel `b`, which the document does not have"
            ),
        ]
    );
}

#[test]
fn stands_in_as_openapi() {
    let yaml = r##"
asyncapi: 3.0.0
info: { title: t, version: "1" }
servers:
  local: { host: "127.0.0.1:1883", protocol: mqtt, pathname: "" }
channels:
  requests:
    address: orders/requests
    messages:
      req:
        headers: { type: object, required: [id], properties: { id: { type: string } } }
        payload: { $ref: "#/components/schemas/Order" }
operations:
  submit:
    action: receive
    channel: { $ref: "#/channels/requests" }
components:
  schemas:
    Order: { type: object, properties: { qty: { type: integer } } }
"##;
    let value: Value = serde_yaml::from_str(yaml).unwrap();
    let mut problems = Vec::new();
    let description = Description::read(&value, &mut problems).unwrap();
    let openapi = description.openapi(&value);
    assert_eq!(openapi["servers"][0]["url"], "mqtt://127.0.0.1:1883");
    let op = &openapi["paths"]["/operations/0"]["post"];
    assert_eq!(op["operationId"], "submit");
    assert_eq!(op["parameters"][0]["name"], "id");
    assert_eq!(op["parameters"][0]["required"], true);
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Order"
    );
    assert!(openapi["components"]["schemas"]["Order"].is_object());
    assert!(
        matches!(description.target("/operations/0"), Some(Target::Operation(op)) if op.id == "submit")
    );
    assert!(
        matches!(description.target("/channels/0"), Some(Target::Channel(c)) if c.address == "orders/requests")
    );
}
