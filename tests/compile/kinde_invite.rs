// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/kinde_invite.rs");
}

fn main() {
    let _ = generated::invite_user_to_organization;
    let _ = generated::run_workflow;
}
