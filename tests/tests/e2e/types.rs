//! Outputs typed from whole OpenAPI schemas, end to end: the zoo fixtures
//! (`codegen/tests/fixtures/*.arazzo.yml` over `zoo.openapi.yml`) against a local server.
//! Whole bodies decode into the generated structs and enums (an enum value the schema does
//! not list lands in the fallback variant), discriminated `oneOf`s by their tag, untagged
//! ones by shape, and a body that does not fit its type is a clear error.

use arazzo_mocks::MockServer;
use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

mod structs {
    arazzo::arazzo_workflow!("../codegen/tests/fixtures/structs.arazzo.yml");
}

mod enums {
    arazzo::arazzo_workflow!("../codegen/tests/fixtures/enums.arazzo.yml");
}

mod one_of {
    arazzo::arazzo_workflow!("../codegen/tests/fixtures/one_of.arazzo.yml");
}

mod recursion {
    arazzo::arazzo_workflow!("../codegen/tests/fixtures/recursion.arazzo.yml");
}

fn pet(id: i64, status: &str) -> Value {
    json!({
        "id": id,
        "name": "Rex",
        "nickname": null,
        "status": status,
        "age": 3,
        "weight": 12.5,
        "born": "2021-04-01T10:00:00Z",
        "chip": "6f1c0e2a-3d4b-4c5d-9e8f-0a1b2c3d4e5f",
    })
}

async fn zoo() -> MockServer {
    let router = Router::new()
        .route(
            "/pets/{id}",
            get(|Path(id): Path<i64>| async move {
                match id {
                    // A status this version of the description does not list.
                    1 => Json(pet(1, "adopted")),
                    // No `name`, which the schema requires.
                    2 => Json(json!({"id": 2, "status": "sold", "nickname": null})),
                    _ => Json(pet(id, "available")),
                }
            }),
        )
        .route(
            "/pets",
            post(|Json(body): Json<Value>| async move {
                let mut created = pet(9, "in-care");
                created["name"] = body["name"].clone();
                (axum::http::StatusCode::CREATED, Json(created))
            }),
        )
        .route(
            "/animals/{id}",
            get(|Path(id): Path<String>| async move {
                Json(match id.as_str() {
                    "felix" => json!({"kind": "cat", "lives": 9}),
                    "rex" => json!({"kind": "dog", "barks": true}),
                    _ => json!({"kind": "parrot", "talks": true}),
                })
            }),
        )
        .route(
            "/search",
            get(|| async {
                Json(json!({"hits": [
                    pet(4, "pending"),
                    {"id": "k1", "name": "Ada", "email": null, "since": "2020-01-01"},
                    "a note",
                    42,
                ]}))
            }),
        )
        .route(
            "/tree",
            get(|| async {
                Json(json!({
                    "name": "zoo",
                    "children": [
                        {"name": "aviary", "children": [], "parent": {"name": "zoo", "children": []}},
                    ],
                    "byName": {"pond": {"name": "pond", "children": []}},
                }))
            }),
        )
        .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "no such route") });
    MockServer::start(router).await
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .base_url("zoo", server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_whole_body_decodes_into_its_struct_and_an_unknown_enum_value_into_the_fallback() {
    let server = zoo().await;
    let out = structs::read_pet(&client(&server), structs::ReadPetInputs { id: 1 })
        .await
        .unwrap();
    // `out.pet` is `types::Pet`: field access and `str` methods would not compile on a
    // `serde_json::Value`.
    let pet: structs::types::Pet = out.pet;
    assert_eq!(pet.name.len(), 3);
    assert_eq!(
        pet,
        structs::types::Pet {
            id: 1,
            name: "Rex".to_owned(),
            nickname: None,
            tag: None,
            status: structs::types::PetStatus::Other("adopted".to_owned()),
            age: Some(3),
            weight: Some(12.5),
            height: None,
            born: Some("2021-04-01T10:00:00Z".to_owned()),
            chip: Some("6f1c0e2a-3d4b-4c5d-9e8f-0a1b2c3d4e5f".to_owned()),
            photo: None,
            vaccinated: None,
        }
    );
    let weight: f32 = out.weight;
    assert_eq!(weight, 12.5);
    assert_eq!(out.name, "Rex");
    assert_eq!(out.nickname, None);
    // The generated types serialise back to what the server sent (absent members stay
    // absent, `null` stays `null`).
    assert_eq!(
        serde_json::to_value(&pet).unwrap(),
        json!({
            "id": 1,
            "name": "Rex",
            "nickname": null,
            "status": "adopted",
            "age": 3,
            "weight": 12.5,
            "born": "2021-04-01T10:00:00Z",
            "chip": "6f1c0e2a-3d4b-4c5d-9e8f-0a1b2c3d4e5f",
        })
    );

    let out = structs::read_pet(&client(&server), structs::ReadPetInputs { id: 3 })
        .await
        .unwrap();
    assert_eq!(out.pet.status, structs::types::PetStatus::Available);
}

#[tokio::test]
async fn a_body_that_does_not_fit_its_type_is_an_error() {
    let server = zoo().await;
    let err = structs::read_pet(&client(&server), structs::ReadPetInputs { id: 2 })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "step `read` of workflow `read-pet`: output `$response.body` has an unexpected value: missing field `name`"
    );
}

#[tokio::test]
async fn request_and_response_enums_use_their_renames() {
    let server = zoo().await;
    let inputs = |weight: f32| enums::AddPetInputs {
        name: "Tom".to_owned(),
        kind: enums::AddPetInputsKind::Cat,
        age: Some(2),
        weight: Some(weight),
        labels: Some([("colour".to_owned(), "grey".to_owned())].into()),
    };
    // `weight` is an `f32` (`format: float`) and keeps its `minimum`.
    let err = enums::add_pet(&client(&server), inputs(0.25))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "workflow `add-pet`: invalid inputs: `weight` must be at least 0.5"
    );
    let out = enums::add_pet(&client(&server), inputs(4.5)).await.unwrap();
    assert_eq!(out.status, enums::types::PetStatus::InCare);
    assert_eq!(out.pet.name, "Tom");
    // What the workflow sent (the inputs' `kind` enum) is a `NewPet`, whose `kind` is a
    // closed enum.
    let sent: enums::types::NewPet =
        serde_json::from_str(&server.requests()[0].body_text()).unwrap();
    assert_eq!(
        sent,
        enums::types::NewPet {
            name: "Tom".to_owned(),
            kind: enums::types::NewPetKind::Cat,
            tags: None,
        }
    );
    // A closed enum rejects values it does not list.
    let err = serde_json::from_value::<enums::types::NewPet>(json!({"name": "x", "kind": "cow"}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown variant `cow`, expected `cat` or `dog`"
    );
}

#[tokio::test]
async fn one_of_members_are_chosen_by_tag_or_by_shape() {
    use one_of::types::{Animal, Cat, Dog, Keeper, SearchHit};
    let server = zoo().await;
    let client = client(&server);
    let run =
        |id: &str| one_of::find_things(&client, one_of::FindThingsInputs { id: id.to_owned() });
    let out = run("felix").await.unwrap();
    assert_eq!(out.animal, Animal::Cat(Cat { lives: 9 }));
    assert_eq!(
        serde_json::to_value(&out.animal).unwrap(),
        json!({"kind": "cat", "lives": 9})
    );
    assert_eq!(
        run("rex").await.unwrap().animal,
        Animal::Dog(Dog { barks: true })
    );
    // A tag the schema does not list.
    assert_eq!(run("polly").await.unwrap().animal, Animal::Other);

    let hits = out.hits;
    assert_eq!(hits.len(), 4);
    assert!(matches!(&hits[0], SearchHit::Pet(pet) if pet.id == 4));
    assert_eq!(
        hits[1],
        SearchHit::Keeper(Keeper {
            id: "k1".to_owned(),
            name: "Ada".to_owned(),
            email: None,
            since: "2020-01-01".to_owned(),
            animals: None,
        })
    );
    assert_eq!(hits[2], SearchHit::String("a note".to_owned()));
    assert_eq!(hits[3], SearchHit::Other(json!(42)));
}

#[tokio::test]
async fn recursive_schemas_decode_at_every_depth() {
    use recursion::types::Enclosure;
    let server = zoo().await;
    let out = recursion::walk_tree(&client(&server), recursion::WalkTreeInputs {})
        .await
        .unwrap();
    let leaf = |name: &str| Enclosure {
        name: name.to_owned(),
        children: Vec::new(),
        parent: None,
        by_name: None,
    };
    assert_eq!(
        out.children,
        vec![Enclosure {
            parent: Some(Box::new(leaf("zoo"))),
            ..leaf("aviary")
        }]
    );
    assert_eq!(out.root.name, "zoo");
    assert_eq!(
        out.root.by_name,
        Some([("pond".to_owned(), leaf("pond"))].into_iter().collect())
    );
}
