//! The arazzo_workflow! macro.
use proc_macro::TokenStream;
/// Placeholder.
#[proc_macro]
pub fn arazzo_workflow(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
