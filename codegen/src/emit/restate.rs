//! The Restate service of a document (`Settings::with_restate`): one handler per workflow,
//! each running the workflow's own generated function under `arazzo::restate::drive`, which
//! journals its requests and waits. No workflow logic is repeated here.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_lines, ident, EmitContext};
use crate::ir::Plan;

/// `pub mod restate { pub struct <service>; #[restate_sdk::service] impl <service> { … } }`.
pub(crate) fn service(ctx: &EmitContext, plan: &Plan, name: &str) -> TokenStream {
    let root = &ctx.root;
    let service = ident(name);
    let sdk = quote!(::restate_sdk::prelude);
    let handlers = plan.workflows.iter().map(|wf| {
        let function = ident(&wf.fn_name);
        let inputs = ident(&wf.inputs_name);
        let outputs = ident(&wf.outputs_name);
        let doc = doc_lines(&format!(
            "Runs the workflow `{}` durably, as [`super::{}`] does once: every request is \
             journaled, every wait before a retry is a Restate timer, so that an invocation \
             whose process dies resumes without sending a completed request again.",
            wf.id, wf.fn_name
        ));
        quote! {
            #doc
            #[handler]
            async fn #function(
                &self,
                ctx: #sdk::Context<'_>,
                inputs: #sdk::Json<super::#inputs>,
            ) -> ::std::result::Result<#sdk::Json<super::#outputs>, #sdk::HandlerError> {
                #root::restate::drive(&ctx, super::#function(&self.client, inputs.into_inner()))
                    .await
                    .map(#sdk::Json)
            }
        }
    });
    let struct_doc = doc_lines(&format!(
        "The workflows of the document as the Restate service `{name}`: bind it to a \
         `restate_sdk` endpoint, register the endpoint with the Restate server, and invoke \
         a workflow through the server's ingress with its inputs as JSON."
    ));
    quote! {
        /// The document's workflows as a Restate service (durable runs).
        // `restate_sdk::service` adds methods of its own, without rustdoc.
        #[allow(missing_docs)]
        pub mod restate {
            #struct_doc
            pub struct #service {
                client: #root::Client,
            }

            impl #service {
                /// The service, running its workflows with `client`.
                pub fn new(client: #root::Client) -> Self {
                    Self { client }
                }
            }

            #[::restate_sdk::service]
            impl #service {
                #(#handlers)*
            }
        }
    }
}
