//! The JSON entry point: for callers that hold a workflow id and JSON (tools, agents,
//! command lines) rather than the typed structs.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, Ctx};
use crate::ir::Plan;

/// `WORKFLOWS` (every workflow's id, summary and inputs JSON Schema) and `run_workflow`.
pub(crate) fn entry_point(ctx: &Ctx, plan: &Plan) -> TokenStream {
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
