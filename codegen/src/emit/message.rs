//! The code of steps that send or receive messages (AsyncAPI sources, Arazzo 1.1): the
//! channel statics, the subscriptions a workflow opens before its first step, and the
//! statements that publish a message or wait for one.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::value::{optional, required};
use super::workflow::{body_value, operation_static};
use crate::ir::{CorrelationLocation, Encoding, MessageAction, MessageStep, Step, Workflow};

/// The `static` describing the channel of a message step.
pub(super) fn channel_static(
    step: &Step,
    message: &MessageStep,
    source: TokenStream,
) -> TokenStream {
    let name = operation_static(step);
    let operation = match &message.operation_id {
        Some(id) => quote!(::std::option::Option::Some(#id)),
        None => quote!(::std::option::Option::None),
    };
    let address = &message.address;
    let bindings = message.bindings.iter().map(|(k, v)| quote!((#k, #v)));
    quote! {
        static #name: rt::MessageChannel = rt::MessageChannel {
            source: &#source,
            operation: #operation,
            address: #address,
            bindings: &[#(#bindings),*],
        };
    }
}

fn inbox(message: &MessageStep) -> proc_macro2::Ident {
    format_ident!("{}", message.inbox)
}

/// The subscriptions of the workflow's receive steps, opened before the first step runs
/// so that no reply to a message the workflow sends is missed.
pub(super) fn subscriptions(wf: &Workflow) -> Vec<TokenStream> {
    wf.steps
        .iter()
        .filter_map(|step| match &step.call {
            crate::ir::Call::Message(m) if m.action == MessageAction::Receive => {
                let inbox = inbox(m);
                let channel = operation_static(step);
                let id = &step.id;
                Some(quote!(let mut #inbox = run.subscribe(&#channel, #id).await?;))
            }
            _ => None,
        })
        .collect()
}

/// The statements that publish a step's message or wait for it, leaving `response`.
pub(super) fn call(step: &Step, message: &MessageStep) -> TokenStream {
    let channel = operation_static(step);
    match message.action {
        MessageAction::Send => {
            let headers = message.params.iter().map(|param| {
                let name = &param.name;
                let value = optional(&param.value);
                quote!(run.message_part(request.header(#name, #value))?;)
            });
            let payload = message.body.as_ref().map(|body| {
                let content_type = &body.content_type;
                let value = body_value(body);
                match body.encoding {
                    Encoding::Text | Encoding::Xml => {
                        quote!(request.text_payload(#content_type, &#value);)
                    }
                    Encoding::Json | Encoding::Form | Encoding::Multipart => {
                        quote!(run.message_part(request.json_payload(#content_type, &#value))?;)
                    }
                }
            });
            let mutable = (!message.params.is_empty() || payload.is_some()).then(|| quote!(mut));
            quote! {
                let #mutable request = run.message(&#channel);
                #(#headers)*
                #payload
                let response = run.publish(request).await?;
            }
        }
        MessageAction::Receive => {
            let inbox = inbox(message);
            let correlation = match &message.correlation {
                Some(c) => {
                    let location = match &c.location {
                        CorrelationLocation::Header(name) => {
                            quote!(rt::Correlation::Header(#name))
                        }
                        CorrelationLocation::Payload(pointer) => {
                            quote!(rt::Correlation::Payload(#pointer))
                        }
                    };
                    let value = required(&c.value);
                    quote!(::std::option::Option::Some((#location, #value)))
                }
                None => quote!(::std::option::Option::None),
            };
            let timeout = match step.timeout {
                Some(ms) => quote!(::std::option::Option::Some(#ms)),
                None => quote!(::std::option::Option::None),
            };
            quote! {
                let response = run.receive(&mut #inbox, #correlation, #timeout).await?;
            }
        }
    }
}

/// Whether the step waits for a message (and may time out).
pub(super) fn receives(step: &Step) -> bool {
    matches!(&step.call, crate::ir::Call::Message(m) if m.action == MessageAction::Receive)
}
