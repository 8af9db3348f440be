//! The JSON entry point: for callers that hold a workflow id and JSON (tools, agents,
//! command lines) rather than the typed structs.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_lines, ident, EmitContext};
use crate::ir::Plan;
use crate::naming::{shouty, Scope};

/// `WORKFLOWS` (every workflow's id, summary and inputs JSON Schema) and `run_workflow`.
pub(crate) fn entry_point(ctx: &EmitContext, plan: &Plan) -> TokenStream {
    let root = &ctx.root;
    let infos = plan.workflows.iter().map(|wf| {
        let id = &wf.id;
        let summary = match &wf.summary {
            Some(summary) => quote!(::std::option::Option::Some(#summary)),
            None => quote!(::std::option::Option::None),
        };
        let schema = serde_json::to_string(&wf.inputs_schema).unwrap_or_else(|_| "{}".to_owned());
        quote! {
            #root::WorkflowInfo {
                id: #id,
                summary: #summary,
                inputs_schema: #schema,
            },
        }
    });
    let arms = plan.workflows.iter().map(|wf| {
        let id = &wf.id;
        let function = ident(&wf.fn_name);
        quote! {
            #id => {
                let inputs = #root::__private::decode_inputs(#id, inputs)?;
                #root::__private::encode_outputs(#id, &self::#function(client, inputs).await?)
            }
        }
    });
    quote! {
        /// Every workflow of the document: its id, summary and inputs JSON Schema.
        pub const WORKFLOWS: &[#root::WorkflowInfo] = &[
            #(#infos)*
        ];

        /// Runs the workflow `workflow_id` with inputs given as JSON (as its inputs schema in
        /// [`WORKFLOWS`] describes them) and returns its outputs as JSON.
        ///
        /// # Errors
        ///
        /// `Error::UnknownWorkflow` for an id not in [`WORKFLOWS`], `Error::InvalidInputs`
        /// when the inputs do not fit the workflow's inputs type, and every error the
        /// workflow itself can return.
        pub async fn run_workflow(
            client: &#root::Client,
            workflow_id: &str,
            inputs: #root::serde_json::Value,
        ) -> ::std::result::Result<#root::serde_json::Value, #root::Error> {
            match workflow_id {
                #(#arms)*
                _ => ::std::result::Result::Err(#root::Error::UnknownWorkflow {
                    workflow: workflow_id.to_owned(),
                }),
            }
        }
    }
}

/// `NAMES` (the source descriptions and security schemes a client's settings may name),
/// `client_builder()`, which checks them, and a `sources` module with a constant per
/// source description name.
pub(crate) fn names(ctx: &EmitContext, plan: &Plan) -> TokenStream {
    let root = &ctx.root;
    let sources = &plan.names.sources;
    let schemes = &plan.names.schemes;
    let mut scope = Scope::default();
    let constants = sources.iter().map(|name| {
        let constant = ident(&scope.unique(shouty(name)));
        let doc = doc_lines(&format!("`{name}`."));
        quote! {
            #doc
            pub const #constant: &str = #name;
        }
    });
    quote! {
        /// The names a client's settings may use: each source description (for
        /// `base_url` and `server_variable`) and each security scheme of its OpenAPI
        /// descriptions (for `credential`), the documents it runs included.
        pub const NAMES: #root::Names = #root::Names {
            sources: &[#(#sources),*],
            schemes: &[#(#schemes),*],
        };

        /// `Client::builder()`, checked against [`NAMES`]: `build()` fails with
        /// `BuildError::UnknownName` for a base URL or server variable of a source
        /// description, or a credential of a security scheme, that the document does
        /// not have.
        pub fn client_builder() -> #root::ClientBuilder {
            #root::Client::builder().names(NAMES)
        }

        /// The `name` of each source description, for `ClientBuilder::base_url`.
        pub mod sources {
            #(#constants)*
        }
    }
}
