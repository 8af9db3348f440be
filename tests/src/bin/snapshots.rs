//! Every committed snapshot of generated code (`codegen/tests/output/*.rs`) compiles
//! without a single warning in a binary, each in a private module of its own as in a user's
//! crate (where unused items would warn; `src/lib.rs` checks them as a library's public
//! API). Built by every `cargo test` and linted by `cargo clippy --all-targets`; running it
//! does nothing.
//!
//! Also here: `allow = [..]` drops the warnings of a rule, so the document that warns in
//! `ui/warnings.rs` compiles here under `deny(warnings)`.
#![deny(warnings)]
// As trybuild's pass cases did (it passes `-A dead_code`): a binary that calls one workflow
// of a document leaves the others unused, which is the user's to allow.
#![allow(dead_code)]

mod allowed {
    arazzo::arazzo_workflow!(
        "ui/fixtures/warnings.arazzo.yml",
        allow = ["unknown-parameter"],
    );
}

mod catalog {
    include!("../../../codegen/tests/output/catalog.rs");
}

mod defaults {
    include!("../../../codegen/tests/output/defaults.rs");
}

mod faults {
    include!("../../../codegen/tests/output/faults.rs");
}

mod flows {
    include!("../../../codegen/tests/output/flows.rs");
}

mod helpdesk {
    include!("../../../codegen/tests/output/helpdesk.rs");
}

mod kinde_invite {
    include!("../../../codegen/tests/output/kinde_invite.rs");
}

mod hygiene {
    include!("../../../codegen/tests/output/hygiene.rs");
}

mod hygiene_messages {
    include!("../../../codegen/tests/output/hygiene_messages.rs");
}

mod kinde_restate {
    include!("../../../codegen/tests/output/kinde_restate.rs");
}

mod lenient {
    include!("../../../codegen/tests/output/lenient.rs");
}

mod oai_login_and_retrieve_pets {
    include!("../../../codegen/tests/output/oai_login_and_retrieve_pets.rs");
}

mod oai_oauth {
    include!("../../../codegen/tests/output/oai_oauth.rs");
}

mod orders {
    include!("../../../codegen/tests/output/orders.rs");
}

mod records {
    include!("../../../codegen/tests/output/records.rs");
}

mod shop {
    include!("../../../codegen/tests/output/shop.rs");
}

mod types_all_of {
    include!("../../../codegen/tests/output/types_all_of.rs");
}

mod types_collisions {
    include!("../../../codegen/tests/output/types_collisions.rs");
}

mod types_enums {
    include!("../../../codegen/tests/output/types_enums.rs");
}

mod types_maps {
    include!("../../../codegen/tests/output/types_maps.rs");
}

mod types_one_of {
    include!("../../../codegen/tests/output/types_one_of.rs");
}

mod types_recursion {
    include!("../../../codegen/tests/output/types_recursion.rs");
}

mod types_structs {
    include!("../../../codegen/tests/output/types_structs.rs");
}

mod types_unknowable {
    include!("../../../codegen/tests/output/types_unknowable.rs");
}

mod validation {
    include!("../../../codegen/tests/output/validation.rs");
}

fn main() {
    let _ = oai_login_and_retrieve_pets::login_user_retrieve_pet;
    let _ = oai_login_and_retrieve_pets::run_workflow;
    let _ = oai_oauth::refresh_token_flow;
    let _ = oai_oauth::client_credentials_flow;
    let _ = oai_oauth::authorization_code_flow;
    let _ = oai_oauth::run_workflow;
    let _ = flows::order_with_token;
    let _ = flows::checkout;
    let _ = flows::restock;
    let _ = flows::report;
    let _ = flows::ping_self;
    let _ = flows::run_workflow;
    let _ = flows::auth::log_in;
    let _ = flows::auth::run_workflow;
    let _ = kinde_invite::invite_user_to_organization;
    let _ = kinde_invite::run_workflow;
    let _ = records::place_order;
    let _ = records::place_templated_order;
    let _ = records::upload_document;
    let _ = records::run_workflow;
    let _ = shop::browse_all_items;
    let _ = shop::place_order;
    let _ = shop::ping_forever;
    let _ = shop::order_and_confirm;
    let _ = shop::order_after_login;
    let _ = shop::run_workflow;
    let _ = types_all_of::read_keeper;
    let _ = types_all_of::run_workflow;
    let _ = types_collisions::read_clashes;
    let _ = types_collisions::run_workflow;
    let _ = types_enums::add_pet;
    let _ = types_enums::run_workflow;
    let _ = types_maps::count_pets;
    let _ = types_maps::run_workflow;
    let _ = types_one_of::find_things;
    let _ = types_one_of::run_workflow;
    let _ = types_recursion::walk_tree;
    let _ = types_recursion::run_workflow;
    let _ = types_structs::read_pet;
    let _ = types_structs::run_workflow;
    let _ = types_unknowable::read_odd;
    let _ = types_unknowable::run_workflow;
    let _ = validation::tagged_items;
    let _ = validation::run_workflow;
    let _ = allowed::browse;
}
