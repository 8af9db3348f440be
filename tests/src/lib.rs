//! Every committed snapshot of generated code (`codegen/tests/output/*.rs`) as a public
//! module of this library, so that what build.rs and `arazzo generate` write into a user's
//! crate meets the lints a library's public API does: `cargo clippy --all-targets -- -D
//! warnings` (the macro's output is exempt from most lints, theirs is not; issue 16 found
//! `clone` on `Copy` outputs this way) and `missing_docs`. The end-to-end and UI tests of
//! arazzo live in `tests/`; `src/bin/snapshots.rs` compiles the same files in a
//! binary.
#![deny(warnings, missing_docs)]

/// The snapshot `codegen/tests/output/catalog.rs`.
pub mod catalog {
    include!("../../codegen/tests/output/catalog.rs");
}

/// The snapshot `codegen/tests/output/defaults.rs`.
pub mod defaults {
    include!("../../codegen/tests/output/defaults.rs");
}

/// The snapshot `codegen/tests/output/faults.rs`.
pub mod faults {
    include!("../../codegen/tests/output/faults.rs");
}

/// The snapshot `codegen/tests/output/flows.rs`.
pub mod flows {
    include!("../../codegen/tests/output/flows.rs");
}

/// The snapshot `codegen/tests/output/helpdesk.rs`.
pub mod helpdesk {
    include!("../../codegen/tests/output/helpdesk.rs");
}

/// The snapshot `codegen/tests/output/hygiene.rs`.
pub mod hygiene {
    include!("../../codegen/tests/output/hygiene.rs");
}

/// The snapshot `codegen/tests/output/hygiene_messages.rs`.
pub mod hygiene_messages {
    include!("../../codegen/tests/output/hygiene_messages.rs");
}

/// The snapshot `codegen/tests/output/kinde_invite.rs`.
pub mod kinde_invite {
    include!("../../codegen/tests/output/kinde_invite.rs");
}

/// The snapshot `codegen/tests/output/kinde_restate.rs`.
pub mod kinde_restate {
    include!("../../codegen/tests/output/kinde_restate.rs");
}

/// The snapshot `codegen/tests/output/lenient.rs`.
pub mod lenient {
    include!("../../codegen/tests/output/lenient.rs");
}

/// The snapshot `codegen/tests/output/oai_login_and_retrieve_pets.rs`.
pub mod oai_login_and_retrieve_pets {
    include!("../../codegen/tests/output/oai_login_and_retrieve_pets.rs");
}

/// The snapshot `codegen/tests/output/oai_oauth.rs`.
pub mod oai_oauth {
    include!("../../codegen/tests/output/oai_oauth.rs");
}

/// The snapshot `codegen/tests/output/orders.rs`.
pub mod orders {
    include!("../../codegen/tests/output/orders.rs");
}

/// The snapshot `codegen/tests/output/records.rs`.
pub mod records {
    include!("../../codegen/tests/output/records.rs");
}

/// The snapshot `codegen/tests/output/shop.rs`.
pub mod shop {
    include!("../../codegen/tests/output/shop.rs");
}

/// The snapshot `codegen/tests/output/types_all_of.rs`.
pub mod types_all_of {
    include!("../../codegen/tests/output/types_all_of.rs");
}

/// The snapshot `codegen/tests/output/types_collisions.rs`.
pub mod types_collisions {
    include!("../../codegen/tests/output/types_collisions.rs");
}

/// The snapshot `codegen/tests/output/types_enums.rs`.
pub mod types_enums {
    include!("../../codegen/tests/output/types_enums.rs");
}

/// The snapshot `codegen/tests/output/types_maps.rs`.
pub mod types_maps {
    include!("../../codegen/tests/output/types_maps.rs");
}

/// The snapshot `codegen/tests/output/types_one_of.rs`.
pub mod types_one_of {
    include!("../../codegen/tests/output/types_one_of.rs");
}

/// The snapshot `codegen/tests/output/types_recursion.rs`.
pub mod types_recursion {
    include!("../../codegen/tests/output/types_recursion.rs");
}

/// The snapshot `codegen/tests/output/types_structs.rs`.
pub mod types_structs {
    include!("../../codegen/tests/output/types_structs.rs");
}

/// The snapshot `codegen/tests/output/types_unknowable.rs`.
pub mod types_unknowable {
    include!("../../codegen/tests/output/types_unknowable.rs");
}

/// The snapshot `codegen/tests/output/validation.rs`.
pub mod validation {
    include!("../../codegen/tests/output/validation.rs");
}

#[cfg(test)]
mod tests {
    /// Both lists hold every snapshot, so that a new one cannot go unlinted.
    #[test]
    fn every_snapshot_is_compiled_and_linted() {
        let output = concat!(env!("CARGO_MANIFEST_DIR"), "/../codegen/tests/output");
        let this = include_str!("lib.rs");
        let binary = include_str!("bin/snapshots.rs");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(output).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let include = format!("codegen/tests/output/{name}\")");
            for (list, text) in [
                ("tests/src/lib.rs", this),
                ("tests/src/bin/snapshots.rs", binary),
            ] {
                if !text.contains(&include) {
                    missing.push(format!("{name} in {list}"));
                }
            }
        }
        assert!(missing.is_empty(), "snapshots not included: {missing:?}");
    }
}
