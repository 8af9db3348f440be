//! One workflow: its inputs and outputs types, and its `async fn`.
//!
//! The function is a small state machine: an enum with one variant per step, and a loop
//! that runs the current step and picks the next one (the following step, or where a
//! `goto` says, or none to end). A step with a `retry` action runs inside a `loop` that
//! counts attempts.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::types::{
    outputs_struct, rust_type, schema_type, struct_def, validates_inputs, validations,
};
use super::value::{criterion, expr, negated, optional, required, template, Place, Statics};
use super::{doc_lines, ident, EmitContext};
use crate::ir::{
    Action, ActionKind, ActionRun, Body, Call, Encoding, Expr, Operation, ParamPlace, Plan, Read,
    RetryFirst, Scheme, SchemeKind, Step, Style, SubWorkflow, TargetKind, ValueSpec, Workflow,
    WorkflowCall,
};

/// The types and the function of one workflow.
pub(crate) fn workflow(ctx: &EmitContext, plan: &Plan, wf: &Workflow) -> TokenStream {
    let types = public_types(ctx, wf);
    let signature = signature(ctx, wf);
    let body = body(ctx, plan, wf);
    quote! {
        #types
        #signature {
            #body
        }
    }
}

/// The types and the function of one workflow, with an `unimplemented!()` body.
pub(crate) fn skeleton(ctx: &EmitContext, wf: &Workflow) -> TokenStream {
    let types = public_types(ctx, wf);
    let signature = signature(ctx, wf);
    quote! {
        #types
        #[allow(unused_variables)]
        #signature {
            ::std::unimplemented!("the Arazzo document has errors")
        }
    }
}

fn public_types(ctx: &EmitContext, wf: &Workflow) -> TokenStream {
    let inputs = wf.input_types.iter().map(|def| struct_def(ctx, def));
    let enums = wf.input_enums.iter().map(|def| schema_type(ctx, def));
    let validate = validations(ctx, &wf.input_types);
    let outputs = outputs_struct(ctx, &wf.outputs_name, &wf.id, &wf.outputs);
    quote! {
        #(#inputs)*
        #(#enums)*
        #validate
        #outputs
    }
}

fn signature(ctx: &EmitContext, wf: &Workflow) -> TokenStream {
    let root = &ctx.root;
    let name = ident(&wf.fn_name);
    let inputs = ident(&wf.inputs_name);
    let outputs = ident(&wf.outputs_name);
    let doc = doc_lines(&fn_doc(wf));
    quote! {
        #doc
        pub async fn #name(
            client: &#root::Client,
            inputs: #inputs,
        ) -> ::std::result::Result<#outputs, #root::Error>
    }
}

/// The function's rustdoc: summary, description, the steps, and the outputs.
fn fn_doc(wf: &Workflow) -> String {
    let mut doc = String::new();
    match (&wf.summary, &wf.description) {
        (Some(summary), _) => doc.push_str(summary.trim()),
        (None, Some(description)) => doc.push_str(description.trim()),
        (None, None) => {
            let _ = write!(doc, "Runs the `{}` workflow.", wf.id);
        }
    }
    if let (Some(_), Some(description)) = (&wf.summary, &wf.description) {
        let _ = write!(doc, "\n\n{}", description.trim());
    }
    let _ = write!(doc, "\n\nWorkflow `{}`.\n\n# Steps\n", wf.id);
    for (index, step) in wf.steps.iter().enumerate() {
        let _ = write!(doc, "\n{}. `{}`", index + 1, step.id);
        match &step.call {
            Call::Operation(op) => {
                let _ = write!(doc, ": `{} {}`", op.method, op.path);
                if let Some(id) = &op.operation_id {
                    let _ = write!(doc, " (`{id}`)");
                }
            }
            Call::Message(m) => {
                let verb = match m.action {
                    crate::ir::MessageAction::Send => "sends a message on",
                    crate::ir::MessageAction::Receive => "receives a message on",
                };
                let _ = write!(doc, ": {verb} `{}`", m.address);
                if let Some(id) = &m.operation_id {
                    let _ = write!(doc, " (`{id}`)");
                }
            }
            Call::Workflow(sub) => {
                let path = match &sub.call.module {
                    Some(module) => format!("{module}::{}", sub.call.fn_name),
                    None => sub.call.fn_name.clone(),
                };
                let _ = write!(
                    doc,
                    ": runs the workflow `{}` ([`{}`])",
                    sub.call.id,
                    path.replace("r#", "")
                );
            }
        }
        doc.push('.');
        let summary = match &step.call {
            Call::Operation(op) => op.summary.as_ref(),
            Call::Workflow(_) | Call::Message(_) => None,
        };
        if let Some(description) = step.description.as_ref().or(summary) {
            let one_line = description.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = write!(doc, " {}.", one_line.trim_end_matches('.'));
        }
        if !step.success.is_empty() {
            let criteria: Vec<String> = step
                .success
                .iter()
                .map(|c| format!("`{}`", c.text))
                .collect();
            let _ = write!(doc, " Succeeds when {}.", criteria.join(" and "));
        }
    }
    doc.push_str(
        "\n\n# Errors\n\nReturns an error naming the step when a request fails, when a step's success \
         criteria are not met and no failure action applies, or when its retries run out.",
    );
    doc
}

/// The step outputs some expression reads, as (step, output) identifiers: only those are
/// computed and kept.
fn read_outputs(wf: &Workflow) -> BTreeSet<(String, String)> {
    let mut read = BTreeSet::new();
    wf.for_each_expr(&mut |e| {
        if let Expr::StepOutput {
            step_ident, ident, ..
        } = e
        {
            read.insert((step_ident.clone(), ident.clone()));
        }
    });
    read
}

/// The outputs of `step` that are read.
fn kept_outputs<'a>(
    step: &'a Step,
    read: &'a BTreeSet<(String, String)>,
) -> impl Iterator<Item = &'a crate::ir::Output> {
    step.outputs
        .iter()
        .filter(move |o| read.contains(&(step.ident.clone(), o.ident.clone())))
}

fn body(ctx: &EmitContext, plan: &Plan, wf: &Workflow) -> TokenStream {
    let root = &ctx.root;
    let read = read_outputs(wf);
    let statics_names = Statics::new(wf.criteria());
    let criteria_statics = statics_names.declarations(wf.criteria());
    let kept = |step: &&Step| kept_outputs(step, &read).next().is_some();
    let workflow_id = &wf.id;
    let statics = operation_statics(plan, wf);
    let step_types = wf.steps.iter().filter(kept).map(|step| {
        let name = format_ident!("{}Outputs", step.variant);
        let fields = kept_outputs(step, &read).map(|o| {
            let field = ident(&o.ident);
            let ty = rust_type(ctx, &o.ty);
            quote!(#field: #ty,)
        });
        quote! {
            struct #name {
                #(#fields)*
            }
        }
    });
    let step_vars = wf.steps.iter().filter(kept).map(|step| {
        let var = ident(&step.ident);
        let name = format_ident!("{}Outputs", step.variant);
        quote!(let mut #var: ::std::option::Option<#name> = ::std::option::Option::None;)
    });
    let variants = wf.steps.iter().map(|s| {
        let variant = ident(&s.variant);
        match (resumable(s), retry_actions(s)) {
            // The attempts made so far (and the retries of each retry action), when
            // control comes back after the step a `retry` ran first.
            (true, 0 | 1) => quote!(#variant(u32)),
            (true, count) => {
                let count = proc_macro2::Literal::usize_unsuffixed(count);
                quote!(#variant(u32, [u32; #count]))
            }
            (false, _) => quote!(#variant),
        }
    });
    let arms: Vec<TokenStream> = wf
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| step_arm(wf, &statics_names, &read, index, step))
        .collect();
    let first = match wf.steps.first() {
        Some(_) => step_ref(wf, 0),
        None => quote!(Step::Done),
    };
    // A workflow whose every step goes on to another (`goto` loops without an `end`)
    // ends only by its step budget, so nothing constructs `Done`.
    let ends = wf.steps.is_empty()
        || arms
            .iter()
            .any(|arm| arm.to_string().contains("Step :: Done"));
    let never_done = (!ends).then(|| quote!(#[allow(dead_code)]));
    // A `retry` that runs a step first sets `resume` to the retrying step, which runs
    // again once that step is done.
    let state_machine = if wf.steps.iter().any(resumable) {
        quote! {
            let mut resume: ::std::option::Option<Step> = ::std::option::Option::None;
            let mut step = #first;
            loop {
                let back = resume.take();
                let next = match step {
                    #(#arms)*
                    Step::Done => break,
                };
                step = back.unwrap_or(next);
            }
        }
    } else {
        quote! {
            let mut step = #first;
            loop {
                step = match step {
                    #(#arms)*
                    Step::Done => break,
                };
            }
        }
    };
    let outputs_name = ident(&wf.outputs_name);
    let outputs = wf.outputs.iter().map(|o| {
        let field = ident(&o.ident);
        let text = &o.text;
        let value = match (&o.value, o.read) {
            (
                Expr::StepOutput {
                    step_ident,
                    ident: output,
                    ..
                },
                Read::StepField {
                    guaranteed,
                    flatten,
                },
            ) => {
                let step = ident(step_ident);
                let output = ident(output);
                // A `Copy` value (a number, a boolean, an `Option` of one) is copied, not
                // cloned: `clippy::clone_on_copy` holds in the user's crate for code from
                // build.rs and `arazzo generate`.
                let copy = o.ty.is_copy();
                let clone = (!copy).then(|| quote!(.clone()));
                match (guaranteed, flatten) {
                    (true, _) => quote!(run.output_of(#step.as_ref(), #text)?.#output #clone),
                    (false, true) => match copy {
                        true => quote!(#step.as_ref().and_then(|outputs| outputs.#output)),
                        false => quote!(#step.as_ref().and_then(|outputs| outputs.#output.clone())),
                    },
                    (false, false) => quote!(#step.as_ref().map(|outputs| outputs.#output #clone)),
                }
            }
            (value, _) => {
                let value = expr(value);
                quote!(run.decode_output(#value, #text)?)
            }
        };
        quote!(#field: #value,)
    });
    let mut reads_inputs = false;
    wf.for_each_expr(&mut |e| reads_inputs |= matches!(e, Expr::Input { .. }));
    let ignore_inputs = (!reads_inputs).then(|| quote!(let _ = &inputs;));
    let validates = validates_inputs(&wf.input_types);
    let mut read_dependencies = BTreeSet::new();
    wf.for_each_expr(&mut |e| {
        if let Expr::Dependency { var, .. } = e {
            read_dependencies.insert(var.clone());
        }
    });
    // `dependsOn`: each dependency runs first, with this workflow's inputs by name.
    let dependencies = wf.dependencies.iter().map(|dependency| {
        let function = call_path(&dependency.call);
        let id = &dependency.call.id;
        if read_dependencies.contains(&dependency.var) {
            let var = ident(&dependency.var);
            quote! {
                let #var = {
                    let called_inputs = rt::decode_inputs(#id, run.to_value(&inputs)?)?;
                    let called = ::std::boxed::Box::pin(run.within(#function(client, ::std::clone::Clone::clone(&called_inputs)))).await?;
                    (called_inputs, called)
                };
            }
        } else {
            run_with_inputs(&dependency.call)
        }
    });
    let validate = validates.then(|| quote!(run.check_inputs(inputs.validate())?;));
    // Secret inputs are kept out of the run's errors, hooks and logs from the start.
    let secrets = wf
        .input_types
        .first()
        .into_iter()
        .flat_map(|inputs| &inputs.fields)
        .filter(|field| field.secret)
        .map(|field| {
            let field = ident(&field.ident);
            quote!(run.secret(&inputs.#field);)
        });
    let subscriptions = super::message::subscriptions(wf);
    quote! {
        use #root::__private as rt;
        #ignore_inputs
        #(#statics)*
        #criteria_statics
        #(#step_types)*
        // Variants are the step ids in PascalCase; a step id may end in `Step`.
        #[allow(clippy::enum_variant_names)]
        enum Step {
            #(#variants,)*
            #never_done
            Done,
        }
        let mut run = rt::Run::new(client, #workflow_id);
        #(#secrets)*
        #validate
        #(#dependencies)*
        #(#step_vars)*
        #(#subscriptions)*
        #state_machine
        ::std::result::Result::Ok(#outputs_name {
            #(#outputs)*
        })
    }
}

/// The `static`s describing the sources and operations the workflow's steps call.
fn operation_statics(plan: &Plan, wf: &Workflow) -> Vec<TokenStream> {
    let mut statics = Vec::new();
    let mut sources_used: Vec<usize> = wf
        .steps
        .iter()
        .filter_map(|step| match &step.call {
            Call::Operation(op) => Some(op.source),
            Call::Message(m) => Some(m.source),
            Call::Workflow(_) => None,
        })
        .collect();
    sources_used.sort_unstable();
    sources_used.dedup();
    for index in sources_used {
        let source = &plan.sources[index];
        let name = source_static(index);
        let source_name = &source.name;
        let server = match &source.server {
            Some(server) => {
                let url = &server.url;
                let variables = server.variables.iter().map(|(n, d)| quote!((#n, #d)));
                quote!(::std::option::Option::Some(&rt::Server {
                    url: #url,
                    variables: &[#(#variables),*],
                }))
            }
            None => quote!(::std::option::Option::None),
        };
        statics.push(quote! {
            static #name: rt::Source = rt::Source {
                name: #source_name,
                server: #server,
            };
        });
    }
    for step in &wf.steps {
        let op = match &step.call {
            Call::Operation(op) => op,
            Call::Message(message) => {
                let source = source_static(message.source);
                statics.push(super::message::channel_static(
                    step,
                    message,
                    quote!(#source),
                ));
                continue;
            }
            Call::Workflow(_) => continue,
        };
        let name = operation_static(step);
        let source = source_static(op.source);
        let method = &op.method;
        let path = &op.path;
        let id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        let alternatives = op.security.iter().map(|alternative| {
            let schemes = alternative.iter().map(scheme);
            quote!(&[#(#schemes),*])
        });
        statics.push(quote! {
            static #name: rt::Operation = rt::Operation {
                id: #id,
                source: &#source,
                method: #method,
                path: #path,
                security: &[#(#alternatives),*],
            };
        });
    }
    statics
}

fn source_static(index: usize) -> proc_macro2::Ident {
    format_ident!("SOURCE_{}", index)
}

/// The `static` of a step's operation or channel.
pub(super) fn operation_static(step: &Step) -> proc_macro2::Ident {
    format_ident!("{}", step.ident.trim_start_matches("r#").to_uppercase())
}

fn scheme(s: &Scheme) -> TokenStream {
    let name = &s.name;
    let kind = match &s.kind {
        SchemeKind::HttpBearer => quote!(rt::SchemeKind::HttpBearer),
        SchemeKind::HttpBasic => quote!(rt::SchemeKind::HttpBasic),
        SchemeKind::ApiKey { location, name } => {
            let location = match location {
                ParamPlace::Query => quote!(rt::ApiKeyIn::Query),
                ParamPlace::Cookie => quote!(rt::ApiKeyIn::Cookie),
                ParamPlace::Header | ParamPlace::Path | ParamPlace::Querystring => {
                    quote!(rt::ApiKeyIn::Header)
                }
            };
            quote!(rt::SchemeKind::ApiKey { location: #location, name: #name })
        }
        SchemeKind::OAuth2 => quote!(rt::SchemeKind::OAuth2),
        SchemeKind::OpenIdConnect => quote!(rt::SchemeKind::OpenIdConnect),
        SchemeKind::Other => quote!(rt::SchemeKind::Other),
    };
    quote!(rt::Scheme { name: #name, kind: #kind })
}

fn style(s: Style) -> TokenStream {
    match s {
        Style::Simple => quote!(rt::Style::Simple),
        Style::Label => quote!(rt::Style::Label),
        Style::Matrix => quote!(rt::Style::Matrix),
        Style::Form => quote!(rt::Style::Form),
        Style::SpaceDelimited => quote!(rt::Style::SpaceDelimited),
        Style::PipeDelimited => quote!(rt::Style::PipeDelimited),
        Style::DeepObject => quote!(rt::Style::DeepObject),
    }
}

/// The value of a request body or message payload, replacements applied.
pub(super) fn body_value(body: &Body) -> TokenStream {
    // A JSON or XML text template escapes the values it takes for the text it builds.
    let value = match (&body.value, body.encoding) {
        (ValueSpec::Template(parts), Encoding::Json) if body.json_text => {
            let text = template(parts, &quote!(rt::json_text));
            quote!(run.json_payload(#text)?)
        }
        (ValueSpec::Template(parts), Encoding::Xml) => template(parts, &quote!(rt::xml_text)),
        (value, _) => required(value),
    };
    if body.replacements.is_empty() {
        value
    } else {
        let replacements = body.replacements.iter().map(|r| {
            let target = &r.target;
            let value = required(&r.value);
            match r.kind {
                TargetKind::Pointer => quote!(run.replace(&mut body, #target, #value)?;),
                TargetKind::XPath => quote!(run.replace_xml(&mut body, #target, #value)?;),
                TargetKind::JsonPath => quote! {{
                    static TARGET: rt::JsonPathQuery = rt::JsonPathQuery::new(#target);
                    run.replace_jsonpath(&mut body, &TARGET, #value)?;
                }},
            }
        });
        quote! {{
            let mut body = #value;
            #(#replacements)*
            body
        }}
    }
}

/// The statements that build the request of an operation step.
fn request(step: &Step, op: &Operation) -> TokenStream {
    let name = operation_static(step);
    let params = op.params.iter().map(|param| {
        let name = &param.name;
        let style = style(param.style);
        let explode = param.explode;
        // A parameter of a JSON media type is sent as JSON text.
        let optional = |value| match param.json_content {
            true => {
                let value = optional(value);
                quote!(#value.map(rt::json_content))
            }
            false => optional(value),
        };
        // A secret value (`format: password`, `writeOnly`) is bound and marked first.
        let mut marked = TokenStream::new();
        let mut bind = |value: TokenStream| match param.secret {
            true => {
                marked = quote!(let value = #value; run.secret(&value););
                quote!(value)
            }
            false => value,
        };
        let statement = match param.location {
            ParamPlace::Path => {
                let value = required(&param.value);
                let value = bind(match param.json_content {
                    true => quote!(rt::json_content(#value)),
                    false => value,
                });
                quote!(request.path(#name, &#value, #style, #explode);)
            }
            ParamPlace::Query => {
                let value = bind(optional(&param.value));
                let method = match param.allow_reserved {
                    true => quote!(query_allow_reserved),
                    false => quote!(query),
                };
                quote!(request.#method(#name, #value, #style, #explode);)
            }
            ParamPlace::Header => {
                let value = bind(optional(&param.value));
                quote!(request.header(#name, #value, #explode);)
            }
            ParamPlace::Cookie => {
                let value = bind(optional(&param.value));
                quote!(request.cookie(#name, #value, #explode);)
            }
            // The whole query string: values put into a template are encoded for the
            // media type first, so that they cannot add pairs (form) or break the JSON.
            ParamPlace::Querystring => {
                let json = param.json_content;
                let value = match &param.value {
                    ValueSpec::Template(parts) => {
                        let text = match json {
                            true => quote!(rt::json_text),
                            false => quote!(rt::form_text),
                        };
                        let value = template(parts, &text);
                        quote!(::std::option::Option::Some(#value))
                    }
                    other => super::value::optional(other),
                };
                let value = bind(value);
                quote!(run.querystring(&mut request, #name, #value, #json)?;)
            }
        };
        match marked.is_empty() {
            true => statement,
            false => quote!({ #marked #statement }),
        }
    });
    let body = op.body.as_ref().map(|body| {
        let content_type = &body.content_type;
        let value = body_value(body);
        let method = match body.encoding {
            Encoding::Json => quote!(json_body),
            Encoding::Form => quote!(form_body),
            Encoding::Text | Encoding::Xml => quote!(text_body),
            Encoding::Multipart => {
                let types = body
                    .part_types
                    .iter()
                    .map(|(name, ty)| quote!((#name, #ty)));
                return quote!(request.multipart_body(&#value, &[#(#types),*]););
            }
        };
        quote!(request.#method(#content_type, &#value);)
    });
    // Only a step whose criteria or outputs read `$request` keeps what it sent.
    let keep = step.reads_request().then(|| quote!(request.keep_sent();));
    let mutable =
        (!op.params.is_empty() || op.body.is_some() || keep.is_some()).then(|| quote!(mut));
    let send = match step.timeout {
        Some(ms) => quote!(let response = run.send_within(request, #ms).await?;),
        None => quote!(let response = run.send(request).await?;),
    };
    quote! {
        let #mutable request = run.request(&#name);
        #keep
        #(#params)*
        #body
        #send
    }
}

/// The path of a generated workflow function. A path of two segments, since a local
/// variable (the outputs of a step `logIn`) may have the name of a function (`log_in`).
fn call_path(call: &WorkflowCall) -> TokenStream {
    let function = ident(&call.fn_name);
    match &call.module {
        Some(module) => {
            let module = ident(module);
            quote!(#module::#function)
        }
        None => quote!(self::#function),
    }
}

/// The statement that runs a workflow with this workflow's inputs, by name (`dependsOn`,
/// and `goto` and `retry` to a workflow without `parameters`); its error is this
/// workflow's.
fn run_with_inputs(call: &WorkflowCall) -> TokenStream {
    let function = call_path(call);
    let id = &call.id;
    quote! {
        ::std::boxed::Box::pin(run.within(#function(run.client(), rt::decode_inputs(#id, run.to_value(&inputs)?)?))).await?;
    }
}

/// The statement that runs the workflow of a `goto` or `retry` action: with the inputs of
/// the action's `parameters` (Arazzo 1.1), else with this workflow's inputs, by name.
fn run_for_action(action: &ActionRun) -> TokenStream {
    let Some(inputs) = &action.inputs else {
        return run_with_inputs(&action.call);
    };
    let function = call_path(&action.call);
    let decode = decode_inputs(&action.call, inputs);
    quote! {
        #decode
        ::std::boxed::Box::pin(run.within(#function(run.client(), called_inputs))).await?;
    }
}

/// The statement that builds `called_inputs`, the inputs struct of the workflow `call`,
/// from its inputs by name.
fn decode_inputs(call: &WorkflowCall, inputs: &[(String, ValueSpec)]) -> TokenStream {
    let id = &call.id;
    let inputs = required(&ValueSpec::Object(inputs.to_vec()));
    quote!(let called_inputs = rt::decode_inputs(#id, #inputs)?;)
}

/// The statements that run another workflow for a step; the result is `result`.
fn run_workflow(sub: &SubWorkflow, timeout: Option<u64>) -> TokenStream {
    let function = call_path(&sub.call);
    let result = match timeout {
        Some(ms) => quote! {
            let called = run.within(#function(run.client(), called_inputs));
            let result = ::std::boxed::Box::pin(run.time_limit(#ms, called)).await;
        },
        None => quote! {
            let result = ::std::boxed::Box::pin(run.within(#function(run.client(), called_inputs))).await;
        },
    };
    let decode = decode_inputs(&sub.call, &sub.inputs);
    quote! {
        #decode
        #result
    }
}

/// Whether `tokens` use the identifier `name`.
fn uses_ident(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => uses_ident(&g.stream(), name),
        _ => false,
    })
}

/// Whether a step has a `retry` that runs another step first, and so can be resumed.
fn resumable(step: &Step) -> bool {
    step.on_failure.iter().any(|a| {
        matches!(
            a.kind,
            ActionKind::Retry {
                first: Some(RetryFirst::Step(_)),
                ..
            }
        )
    })
}

/// How many `retry` actions a step has. With one, the step's attempts count its
/// retries; with several, each counts its own against its `retryLimit`, in an array.
fn retry_actions(step: &Step) -> usize {
    step.on_failure
        .iter()
        .filter(|a| matches!(a.kind, ActionKind::Retry { .. }))
        .count()
}

/// The value of the step enum that starts step `index` afresh.
fn step_ref(wf: &Workflow, index: usize) -> TokenStream {
    let step = &wf.steps[index];
    let variant = ident(&step.variant);
    match (resumable(step), retry_actions(step)) {
        (true, 0 | 1) => quote!(Step::#variant(0)),
        (true, count) => {
            let count = proc_macro2::Literal::usize_unsuffixed(count);
            quote!(Step::#variant(0, [0; #count]))
        }
        (false, _) => quote!(Step::#variant),
    }
}

/// Whether a step that runs a workflow reads that workflow's outputs (`$outputs`).
fn reads_called(step: &Step, read: &BTreeSet<(String, String)>) -> bool {
    let mut reads = false;
    let mut check = |e: &Expr| reads |= matches!(e, Expr::SubOutput { .. });
    let actions = step.on_success.iter().chain(&step.on_failure);
    for c in step.success.iter().chain(actions.flat_map(|a| &a.criteria)) {
        c.for_each_expr(&mut check);
    }
    for output in kept_outputs(step, read) {
        check(&output.value);
    }
    reads
}

/// The next step after `index` by default: the following one, or none after the last.
fn following(wf: &Workflow, index: usize) -> TokenStream {
    match index + 1 < wf.steps.len() {
        true => step_ref(wf, index + 1),
        false => quote!(Step::Done),
    }
}

fn goto(wf: &Workflow, target: usize) -> TokenStream {
    step_ref(wf, target)
}

/// `criteria` of an action joined with `&&`; `None` when the action always applies.
fn action_condition(statics: &Statics, action: &Action) -> Option<TokenStream> {
    let place = if action.criteria.len() == 1 {
        Place::Free
    } else {
        Place::And
    };
    let criteria: Vec<TokenStream> = action
        .criteria
        .iter()
        .map(|c| criterion(statics, c, place))
        .collect();
    (!criteria.is_empty()).then(|| quote!(#(#criteria)&&*))
}

fn step_arm(
    wf: &Workflow,
    statics: &Statics,
    read: &BTreeSet<(String, String)>,
    index: usize,
    step: &Step,
) -> TokenStream {
    let variant = ident(&step.variant);
    let step_id = &step.id;
    let retries = step
        .on_failure
        .iter()
        .any(|a| matches!(a.kind, ActionKind::Retry { .. }));
    let runs_workflow = match &step.call {
        Call::Workflow(sub) => Some(sub),
        Call::Operation(_) | Call::Message(_) => None,
    };
    let call = match &step.call {
        Call::Operation(op) => request(step, op),
        Call::Workflow(sub) => run_workflow(sub, step.timeout),
        Call::Message(message) => super::message::call(step, message),
    };

    // The first unmet success criterion (with whether it was a status check, for an
    // operation).
    let checks = step.success.iter().map(|c| {
        let fails = negated(statics, c);
        let text = &c.text;
        let status_check = c.status_check;
        let unmet = match runs_workflow {
            Some(_) => quote!(#text),
            None => quote!((#text, #status_check)),
        };
        quote! {
            if #fails {
                ::std::option::Option::Some(#unmet)
            }
        }
    });
    // A receive step that got no message in time fails before any criterion.
    let timed_out = super::message::receives(step).then(|| {
        quote! {
            if response.timed_out() {
                ::std::option::Option::Some(("no message arrived within the timeout", false))
            } else
        }
    });
    let unmet = quote! {
        let unmet = #timed_out #(#checks else)* {
            ::std::option::Option::None
        };
    };

    // On success: store the outputs, then the first applicable success action.
    let store = kept_outputs(step, read).next().is_some().then(|| {
        let var = ident(&step.ident);
        let name = format_ident!("{}Outputs", step.variant);
        let fields = kept_outputs(step, read).map(|o| {
            let field = ident(&o.ident);
            let text = &o.text;
            // A body output that finds nothing says why: the body is empty, not JSON, or
            // has nothing at the pointer.
            if let crate::ir::Expr::ResponseBody(pointer) = &o.value {
                let pointer = pointer.as_deref().unwrap_or("");
                return quote!(#field: run.decode_body_output(&response, #pointer, #text)?,);
            }
            let value = expr(&o.value);
            quote!(#field: run.decode_output(#value, #text)?,)
        });
        quote! {
            #var = ::std::option::Option::Some(#name {
                #(#fields)*
            });
        }
    });
    // Inside a retry loop a step leaves with `break`; otherwise the success path ends in
    // the next step as a value, and a failure `goto` breaks out of a labeled block.
    let exit_success = |value: TokenStream| {
        if retries {
            quote!(break #value;)
        } else {
            value
        }
    };
    let mut labeled = false;
    let mut exit_failure = |value: TokenStream| {
        if retries {
            quote!(break #value;)
        } else {
            labeled = true;
            quote!(break 'step #value;)
        }
    };
    // A `goto` to a workflow runs it, then ends this one.
    let goto_workflow = |action: &ActionRun| {
        let run = run_for_action(action);
        quote!({
            #run
            Step::Done
        })
    };
    let mut on_success = exit_success(following(wf, index));
    for action in step.on_success.iter().rev() {
        let target = match &action.kind {
            ActionKind::End => quote!(Step::Done),
            ActionKind::GotoStep(target) => goto(wf, *target),
            ActionKind::GotoWorkflow(call) => goto_workflow(call),
            // A retry is not a success action; the check rejects it.
            ActionKind::Retry { .. } => continue,
        };
        let target = exit_success(target);
        on_success = match action_condition(statics, action) {
            Some(condition) => quote! {
                if #condition {
                    #target
                } else {
                    #on_success
                }
            },
            None => target,
        };
    }

    // How a failure ends the workflow, and how a retry waits: an operation step has a
    // response; a step that runs a workflow has the workflow's error or an unmet criterion.
    let ended = |name: Option<&str>| -> TokenStream {
        match (runs_workflow, name) {
            (Some(sub), name) => {
                let called = &sub.call.id;
                let action = match name {
                    Some(name) => quote!(::std::option::Option::Some(#name)),
                    None => quote!(::std::option::Option::None),
                };
                quote!(return ::std::result::Result::Err(run.workflow_step_failed(failure, #called, #action));)
            }
            (None, Some(name)) => {
                quote!(return ::std::result::Result::Err(run.ended(&response, criterion, status_check, #name));)
            }
            (None, None) => {
                quote!(return ::std::result::Result::Err(run.failed(&response, criterion, status_check));)
            }
        }
    };
    let retries_exhausted = match runs_workflow {
        Some(_) => ended(None),
        None => {
            quote!(return ::std::result::Result::Err(run.retries_exhausted(&response, criterion));)
        }
    };

    // On failure: the failure actions in order; a retry that has attempts left waits and
    // runs the step again, one that ran out falls through to the next action.
    // Whether every failure ends in an action: one that always applies and leaves, or an
    // unconditional retry at the end of the list, which returns once it runs out.
    let always_leaves = step
        .on_failure
        .iter()
        .any(|a| a.criteria.is_empty() && !matches!(a.kind, ActionKind::Retry { .. }))
        || step
            .on_failure
            .last()
            .is_some_and(|a| a.criteria.is_empty());
    let mut failure = Vec::new();
    let mut exhausted_flag = false;
    let fail = ended(None);
    let counted = retry_actions(step) > 1;
    let mut retry_index = 0usize;
    for (position, action) in step.on_failure.iter().enumerate() {
        let last = position + 1 == step.on_failure.len();
        // A retry that only waits and runs again when it has attempts left: its test joins
        // the action's criteria in one `if` (clippy's `collapsible_if` holds in users'
        // crates for code from build.rs and `arazzo generate`).
        let mut retry_parts = None;
        let effect = match &action.kind {
            ActionKind::End => ended(Some(&action.name)),
            ActionKind::GotoStep(target) => exit_failure(goto(wf, *target)),
            ActionKind::GotoWorkflow(call) => exit_failure(goto_workflow(call)),
            ActionKind::Retry {
                after,
                limit,
                first,
            } => {
                let after = match after {
                    Some(after) => {
                        let after = proc_macro2::Literal::f64_unsuffixed(*after);
                        quote!(::std::option::Option::Some(#after))
                    }
                    None => quote!(::std::option::Option::None),
                };
                let wait = match runs_workflow {
                    Some(_) => quote!(run.wait_retry_after(#after).await?;),
                    None => quote!(run.wait_before_retry(&response, #after).await?;),
                };
                let exhausted = if last {
                    retries_exhausted.clone()
                } else if always_leaves {
                    // A later action applies; nothing reads whether retries ran out.
                    TokenStream::new()
                } else {
                    exhausted_flag = true;
                    quote!(exhausted = true;)
                };
                let limit = proc_macro2::Literal::u32_unsuffixed(*limit);
                // After the wait, what the retry names runs first: a workflow here, a
                // step through the state machine, which comes back to this step.
                let again = match first {
                    None => quote!(continue;),
                    Some(RetryFirst::Workflow(action)) => {
                        let run = run_for_action(action);
                        quote! {
                            #run
                            continue;
                        }
                    }
                    Some(RetryFirst::Step(target)) => {
                        let target = goto(wf, *target);
                        let back = match counted {
                            true => quote!(Step::#variant(attempt, retried)),
                            false => quote!(Step::#variant(attempt)),
                        };
                        quote! {
                            resume = ::std::option::Option::Some(#back);
                            break #target;
                        }
                    }
                };
                // One retry action: the attempts so far are its retries plus one. Several:
                // each has its own count.
                let (has_left, count) = match counted {
                    true => {
                        let index = proc_macro2::Literal::usize_unsuffixed(retry_index);
                        (
                            quote!(retried[#index] < #limit),
                            quote!(retried[#index] += 1;),
                        )
                    }
                    false => (quote!(attempt <= #limit), TokenStream::new()),
                };
                retry_index += 1;
                let retry = quote!(#count #wait #again);
                let effect = quote! {
                    if #has_left {
                        #retry
                    }
                    #exhausted
                };
                if exhausted.is_empty() {
                    retry_parts = Some((has_left, retry));
                }
                effect
            }
        };
        let unconditional = action.criteria.is_empty();
        failure.push(match (action_condition(statics, action), retry_parts) {
            (Some(condition), Some((has_left, retry))) => {
                let has_or = condition
                    .clone()
                    .into_iter()
                    .any(|t| matches!(&t, proc_macro2::TokenTree::Punct(p) if p.as_char() == '|'));
                let condition = match has_or {
                    true => quote!((#condition)),
                    false => condition,
                };
                quote! {
                    if #condition && #has_left {
                        #retry
                    }
                }
            }
            (Some(condition), None) => quote! {
                if #condition {
                    #effect
                }
            },
            (None, _) => effect,
        });
        // Nothing after an action that always applies and always leaves can run.
        if unconditional && !matches!(action.kind, ActionKind::Retry { .. }) {
            break;
        }
    }
    let final_failure = if always_leaves {
        None
    } else if exhausted_flag {
        Some(quote! {
            if exhausted {
                #retries_exhausted
            }
            #fail
        })
    } else {
        Some(fail)
    };
    let exhausted_decl = exhausted_flag.then(|| quote!(let mut exhausted = false;));
    // Bind only what the failure path reads.
    let failure_path = quote!(#(#failure)* #final_failure);
    let binding = |name: &str| match uses_ident(&failure_path, name) {
        true => ident(name).into_token_stream(),
        false => quote!(_),
    };
    let failure_binding = binding("failure");
    let (criterion_binding, status_binding) = (binding("criterion"), binding("status_check"));

    let outcome = match runs_workflow {
        Some(_) => {
            // The step fails when the workflow fails or its outputs miss a criterion.
            let judged = if reads_called(step, read) {
                quote! {
                    let (called, failure) = match result {
                        ::std::result::Result::Ok(outputs) => {
                            let called = ::std::option::Option::Some(outputs);
                            #unmet
                            (called, unmet.map(rt::StepFailure::Criterion))
                        }
                        ::std::result::Result::Err(error) => (
                            ::std::option::Option::None,
                            ::std::option::Option::Some(rt::StepFailure::Workflow(error)),
                        ),
                    };
                }
            } else {
                quote! {
                    let failure = match result {
                        ::std::result::Result::Ok(_) => {
                            #unmet
                            unmet.map(rt::StepFailure::Criterion)
                        }
                        ::std::result::Result::Err(error) => {
                            ::std::option::Option::Some(rt::StepFailure::Workflow(error))
                        }
                    };
                }
            };
            quote! {
                #judged
                match failure {
                    ::std::option::Option::None => {
                        #store
                        #on_success
                    }
                    ::std::option::Option::Some(#failure_binding) => {
                        #exhausted_decl
                        #(#failure)*
                        #final_failure
                    }
                }
            }
        }
        None => quote! {
            #unmet
            match unmet {
                ::std::option::Option::None => {
                    #store
                    #on_success
                }
                ::std::option::Option::Some((#criterion_binding, #status_binding)) => {
                    #exhausted_decl
                    #(#failure)*
                    #final_failure
                }
            }
        },
    };

    let label = labeled.then(|| quote!('step:));
    if retries {
        // A step that can come back from the step its retry ran first resumes its count of
        // attempts (and of each retry action's retries, when it has several).
        let count = proc_macro2::Literal::usize_unsuffixed(retry_actions(step));
        let (pattern, first, counters) = match (resumable(step), counted) {
            (true, true) => (
                quote!(Step::#variant(done, mut retried)),
                quote!(done),
                None,
            ),
            (true, false) => (quote!(Step::#variant(done)), quote!(done), None),
            (false, true) => (
                quote!(Step::#variant),
                quote!(0),
                Some(quote!(let mut retried = [0u32; #count];)),
            ),
            (false, false) => (quote!(Step::#variant), quote!(0), None),
        };
        // A step whose every retry runs another step first leaves its loop on each pass
        // (the state machine brings it back), which clippy's `never_loop` would flag.
        let loops = step.on_failure.iter().any(|a| {
            matches!(
                a.kind,
                ActionKind::Retry {
                    first: None | Some(RetryFirst::Workflow(_)),
                    ..
                }
            )
        });
        let attempts = quote! {
            loop {
                attempt += 1;
                run.start_step(#step_id, attempt)?;
                #call
                #outcome
            }
        };
        // An attribute cannot go on an expression, but can on a `let`.
        let attempts = match loops {
            true => attempts,
            false => quote! {
                #[allow(clippy::never_loop)]
                let next = #attempts;
                next
            },
        };
        return quote! {
            #pattern => {
                let mut attempt = #first;
                #counters
                #attempts
            }
        };
    }
    quote! {
        Step::#variant => #label {
            run.start_step(#step_id, 1)?;
            #call
            #outcome
        }
    }
}
