//! Every committed snapshot of generated code as an ordinary test target, so that
//! `cargo clippy --all-targets -- -D warnings` lints what build.rs and `arazzo generate`
//! write into a user's crate: the macro's output is exempt from most lints, theirs is not
//! (issue 16 found `clone` on `Copy` outputs this way). `dead_code` is allowed because a
//! test binary uses none of the workflows; `tests/compile/snapshots.rs` compiles the same
//! files as a library under `deny(warnings)`.
#![deny(warnings)]
#![allow(dead_code)]

mod catalog {
    include!("../../codegen/tests/output/catalog.rs");
}

mod defaults {
    include!("../../codegen/tests/output/defaults.rs");
}

mod faults {
    include!("../../codegen/tests/output/faults.rs");
}

mod flows {
    include!("../../codegen/tests/output/flows.rs");
}

mod helpdesk {
    include!("../../codegen/tests/output/helpdesk.rs");
}

mod hygiene {
    include!("../../codegen/tests/output/hygiene.rs");
}

mod hygiene_messages {
    include!("../../codegen/tests/output/hygiene_messages.rs");
}

mod kinde_invite {
    include!("../../codegen/tests/output/kinde_invite.rs");
}

mod oai_login_and_retrieve_pets {
    include!("../../codegen/tests/output/oai_login_and_retrieve_pets.rs");
}

mod oai_oauth {
    include!("../../codegen/tests/output/oai_oauth.rs");
}

mod orders {
    include!("../../codegen/tests/output/orders.rs");
}

mod records {
    include!("../../codegen/tests/output/records.rs");
}

mod shop {
    include!("../../codegen/tests/output/shop.rs");
}

mod types_all_of {
    include!("../../codegen/tests/output/types_all_of.rs");
}

mod types_collisions {
    include!("../../codegen/tests/output/types_collisions.rs");
}

mod types_enums {
    include!("../../codegen/tests/output/types_enums.rs");
}

mod types_maps {
    include!("../../codegen/tests/output/types_maps.rs");
}

mod types_one_of {
    include!("../../codegen/tests/output/types_one_of.rs");
}

mod types_recursion {
    include!("../../codegen/tests/output/types_recursion.rs");
}

mod types_structs {
    include!("../../codegen/tests/output/types_structs.rs");
}

mod types_unknowable {
    include!("../../codegen/tests/output/types_unknowable.rs");
}

mod validation {
    include!("../../codegen/tests/output/validation.rs");
}

/// Both lists hold every snapshot, so that a new one cannot go unlinted.
#[test]
fn every_snapshot_is_compiled_and_linted() {
    let output = concat!(env!("CARGO_MANIFEST_DIR"), "/../codegen/tests/output");
    let this = include_str!("generated_code.rs");
    let library = include_str!("../compile/snapshots.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(output).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let include = format!("codegen/tests/output/{name}\")");
        for (list, text) in [
            ("tests/tests/generated_code.rs", this),
            ("tests/compile/snapshots.rs", library),
        ] {
            if !text.contains(&include) {
                missing.push(format!("{name} in {list}"));
            }
        }
    }
    assert!(missing.is_empty(), "snapshots not included: {missing:?}");
}
