//! Structs for workflow inputs and outputs.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_lines, ident, Ctx};
use crate::ir::{Output, StructDef, Type};

/// The Rust type of a value.
pub(crate) fn rust_type(ctx: &Ctx, ty: &Type) -> TokenStream {
    let root = &ctx.root;
    match ty {
        Type::String => quote!(::std::string::String),
        Type::Integer => quote!(i64),
        Type::Number => quote!(f64),
        Type::Boolean => quote!(bool),
        Type::Array(item) => {
            let item = rust_type(ctx, item);
            quote!(::std::vec::Vec<#item>)
        }
        Type::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        Type::Json => quote!(#root::serde_json::Value),
        Type::Optional(inner) => {
            let inner = rust_type(ctx, inner);
            quote!(::std::option::Option<#inner>)
        }
    }
}

fn derives(ctx: &Ctx) -> TokenStream {
    let root = &ctx.root;
    let serde_crate = format!("{}::__private::serde", root.to_string().replace(' ', ""));
    let extra = &ctx.derives;
    quote! {
        #[derive(
            Clone,
            Debug,
            PartialEq,
            #root::__private::serde::Serialize,
            #root::__private::serde::Deserialize
            #(, #extra)*
        )]
        #[serde(crate = #serde_crate)]
    }
}

/// A struct for inputs: required fields are plain, others `Option` and left out when absent.
pub(crate) fn struct_def(ctx: &Ctx, def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = def.doc.as_deref().map(doc_lines);
    let fields = def.fields.iter().map(|field| {
        let field_ident = ident(&field.ident);
        let ty = rust_type(ctx, &field.ty);
        let doc = field.doc.as_deref().map(doc_lines);
        let serde_name = &field.name;
        let rename = (field_ident.to_string().trim_start_matches("r#") != serde_name)
            .then(|| quote!(rename = #serde_name,));
        if field.required {
            let attr = (field_ident.to_string().trim_start_matches("r#") != serde_name)
                .then(|| quote!(#[serde(rename = #serde_name)]));
            quote! {
                #doc
                #attr
                pub #field_ident: #ty,
            }
        } else {
            quote! {
                #doc
                #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #field_ident: ::std::option::Option<#ty>,
            }
        }
    });
    let derives = derives(ctx);
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
        }
    }
}

/// The public outputs struct of a workflow.
pub(crate) fn outputs_struct(
    ctx: &Ctx,
    name: &str,
    workflow_id: &str,
    outputs: &[Output],
) -> TokenStream {
    let name = ident(name);
    let doc = doc_lines(&format!("The outputs of the `{workflow_id}` workflow."));
    let fields = outputs.iter().map(|output| {
        let field_ident = ident(&output.ident);
        let ty = rust_type(ctx, &output.ty);
        let doc = doc_lines(&format!("`{}`", output.text));
        let serde_name = &output.name;
        let rename = (field_ident.to_string().trim_start_matches("r#") != serde_name)
            .then(|| quote!(#[serde(rename = #serde_name)]));
        quote! {
            #doc
            #rename
            pub #field_ident: #ty,
        }
    });
    let derives = derives(ctx);
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
        }
    }
}
