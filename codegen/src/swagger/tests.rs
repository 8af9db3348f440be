use serde_json::json;

use super::to_openapi3;

#[test]
fn servers_come_from_schemes_host_and_base_path() {
    let converted = to_openapi3(&json!({
        "swagger": "2.0",
        "info": { "title": "t", "version": "1" },
        "host": "api.example.com:8443",
        "basePath": "/v2",
        "schemes": ["https", "http"],
        "paths": {}
    }));
    assert_eq!(
        converted.document["servers"],
        json!([
            { "url": "https://api.example.com:8443/v2" },
            { "url": "http://api.example.com:8443/v2" }
        ])
    );
    // Without a host the server is relative; without either there is none.
    let relative = to_openapi3(&json!({ "swagger": "2.0", "basePath": "/api", "paths": {} }));
    assert_eq!(relative.document["servers"], json!([{ "url": "/api" }]));
    let none = to_openapi3(&json!({ "swagger": "2.0", "paths": {} }));
    assert!(none.document.get("servers").is_none());
}

#[test]
fn body_parameters_become_request_bodies_per_consumed_media_type() {
    let converted = to_openapi3(&json!({
        "swagger": "2.0",
        "consumes": ["application/json", "application/xml"],
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "parameters": [
                        { "in": "body", "name": "pet", "required": true, "description": "The pet",
                          "schema": { "$ref": "#/definitions/Pet" } },
                        { "in": "header", "name": "X-Trace", "type": "string" }
                    ],
                    "responses": { "200": { "description": "ok", "schema": { "$ref": "#/definitions/Pet" } } }
                }
            }
        },
        "definitions": { "Pet": { "type": "object", "properties": { "tag": { "type": "string", "x-nullable": true } } } }
    }));
    let op = &converted.document["paths"]["/pets"]["post"];
    assert_eq!(
        op["requestBody"],
        json!({
            "description": "The pet",
            "content": {
                "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } },
                "application/xml": { "schema": { "$ref": "#/components/schemas/Pet" } }
            },
            "required": true
        })
    );
    assert_eq!(
        op["parameters"],
        json!([{ "in": "header", "name": "X-Trace", "schema": { "type": "string" } }])
    );
    assert_eq!(
        op["responses"]["200"],
        json!({
            "description": "ok",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } }
        })
    );
    assert_eq!(
        converted.document["components"]["schemas"]["Pet"]["properties"]["tag"],
        json!({ "type": "string", "nullable": true })
    );
}

#[test]
fn form_parameters_become_a_form_or_multipart_body() {
    let converted = to_openapi3(&json!({
        "swagger": "2.0",
        "paths": {
            "/pets/{id}": {
                "parameters": [{ "in": "path", "name": "id", "required": true, "type": "integer", "format": "int64" }],
                "post": {
                    "consumes": ["application/x-www-form-urlencoded"],
                    "parameters": [
                        { "in": "formData", "name": "name", "required": true, "type": "string" },
                        { "in": "formData", "name": "status", "type": "string", "enum": ["a", "b"] }
                    ],
                    "responses": { "204": { "description": "done" } }
                },
                "put": {
                    "parameters": [{ "in": "formData", "name": "photo", "type": "file" }],
                    "responses": { "204": { "description": "done" } }
                }
            }
        }
    }));
    let item = &converted.document["paths"]["/pets/{id}"];
    assert_eq!(
        item["parameters"],
        json!([{ "in": "path", "name": "id", "required": true, "schema": { "type": "integer", "format": "int64" } }])
    );
    assert_eq!(
        item["post"]["requestBody"],
        json!({
            "content": { "application/x-www-form-urlencoded": { "schema": {
                "type": "object",
                "properties": {
                    "name": { "type": "string" },
                    "status": { "type": "string", "enum": ["a", "b"] }
                },
                "required": ["name"]
            } } },
            "required": true
        })
    );
    // A file upload with no `consumes` is multipart.
    assert_eq!(
        item["put"]["requestBody"],
        json!({
            "content": { "multipart/form-data": { "schema": {
                "type": "object",
                "properties": { "photo": { "type": "string", "format": "binary" } }
            } } }
        })
    );
    assert!(item["put"].get("parameters").is_none());
}

#[test]
fn collection_formats_map_to_styles_and_the_rest_is_noted() {
    let converted = to_openapi3(&json!({
        "swagger": "2.0",
        "paths": {
            "/pets": {
                "get": {
                    "parameters": [
                        { "in": "query", "name": "a", "type": "array", "items": { "type": "string" } },
                        { "in": "query", "name": "b", "type": "array", "items": { "type": "string" }, "collectionFormat": "multi" },
                        { "in": "query", "name": "c", "type": "array", "items": { "type": "string" }, "collectionFormat": "pipes" },
                        { "in": "header", "name": "d", "type": "array", "items": { "type": "string" } },
                        { "in": "query", "name": "e", "type": "array", "items": { "type": "string" }, "collectionFormat": "tsv" }
                    ],
                    "responses": {}
                }
            }
        }
    }));
    let styles: Vec<(String, bool)> = converted.document["paths"]["/pets"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["style"].as_str().unwrap().to_owned(),
                p["explode"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        styles,
        [
            ("form".to_owned(), false),
            ("form".to_owned(), true),
            ("pipeDelimited".to_owned(), false),
            ("simple".to_owned(), false),
            ("form".to_owned(), false),
        ]
    );
    assert_eq!(
        converted.notes,
        [(
            "/paths/~1pets/get/parameters/4/collectionFormat".to_owned(),
            "`collectionFormat: tsv` has no OpenAPI 3 equivalent for a query parameter; the values are sent comma-separated".to_owned()
        )]
    );
}

#[test]
fn components_and_references_move() {
    let converted = to_openapi3(&json!({
        "swagger": "2.0",
        "paths": {
            "/pets": {
                "post": {
                    "parameters": [
                        { "$ref": "#/parameters/Limit" },
                        { "$ref": "#/parameters/PetBody" }
                    ],
                    "responses": { "404": { "$ref": "#/responses/NotFound" } }
                }
            }
        },
        "parameters": {
            "Limit": { "in": "query", "name": "limit", "type": "integer" },
            "PetBody": { "in": "body", "name": "pet", "schema": { "$ref": "#/definitions/Pet" } }
        },
        "responses": { "NotFound": { "description": "missing", "schema": { "$ref": "#/definitions/Error" } } },
        "definitions": {
            "Pet": { "type": "object", "discriminator": "kind" },
            "Error": { "type": "object" }
        },
        "securityDefinitions": {
            "basic": { "type": "basic" },
            "key": { "type": "apiKey", "name": "X-Key", "in": "header" },
            "oauth": { "type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": { "r": "read" } }
        }
    }));
    let doc = &converted.document;
    let op = &doc["paths"]["/pets"]["post"];
    assert_eq!(
        op["parameters"],
        json!([{ "$ref": "#/components/parameters/Limit" }])
    );
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/Pet" })
    );
    assert_eq!(
        op["responses"]["404"],
        json!({ "$ref": "#/components/responses/NotFound" })
    );
    let components = &doc["components"];
    assert_eq!(
        components["parameters"],
        json!({ "Limit": { "in": "query", "name": "limit", "schema": { "type": "integer" } } })
    );
    assert_eq!(
        components["responses"]["NotFound"]["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/Error" })
    );
    assert_eq!(
        components["schemas"]["Pet"]["discriminator"],
        json!({ "propertyName": "kind" })
    );
    assert_eq!(
        components["securitySchemes"],
        json!({
            "basic": { "type": "http", "scheme": "basic" },
            "key": { "type": "apiKey", "name": "X-Key", "in": "header" },
            "oauth": { "type": "oauth2", "flows": { "clientCredentials": { "scopes": { "r": "read" }, "tokenUrl": "https://t" } } }
        })
    );
    // The result is a valid OpenAPI 3.0 document.
    serde_json::from_value::<openapiv3::OpenAPI>(json!({
        "openapi": doc["openapi"], "info": { "title": "t", "version": "1" },
        "paths": doc["paths"], "components": doc["components"]
    }))
    .expect("parses as OpenAPI 3.0");
}
