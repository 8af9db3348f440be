//! Token emission: turns the IR into Rust.

use proc_macro2::TokenStream;

use crate::ir::Plan;
use crate::settings::Settings;

pub(crate) fn emit(_plan: &Plan, _settings: &Settings) -> TokenStream {
    TokenStream::new()
}

pub(crate) fn skeleton(_plan: &Plan, _settings: &Settings) -> TokenStream {
    TokenStream::new()
}

pub(crate) fn pretty(tokens: &TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}
