// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/flows.rs");
}

fn main() {
    let _ = generated::order_with_token;
    let _ = generated::checkout;
    let _ = generated::restock;
    let _ = generated::report;
    let _ = generated::ping_self;
    let _ = generated::run_workflow;
    let _ = generated::auth::log_in;
    let _ = generated::auth::run_workflow;
}
