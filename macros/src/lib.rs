//! The `arazzo_workflow!` macro. All the work is in `arazzo-codegen`; this crate parses the
//! invocation, turns diagnostics into `compile_error!`s and tracks the files read.
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

use arazzo_codegen::{Generator, Rule, Settings, Severity};
use proc_macro2::TokenStream;
use proc_macro_warning::FormattedWarning;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{braced, bracketed, Ident, LitBool, LitStr, Token};

/// Generates typed async Rust for every workflow of an Arazzo document.
///
/// ```ignore
/// arazzo::arazzo_workflow!(
///     "arazzo/kinde-invite.arazzo.yml",      // relative to CARGO_MANIFEST_DIR
///     sources = { kindeManagementApi = "openapi/kinde.yml" }, // local files for sources
///     strict = true,                          // warnings are errors
///     allow = ["unknown-field"],              // rules whose warnings are dropped
///     restate = "KindeInvite",                // also a Restate service (durable runs)
///     derives = [Eq],                         // extra derives on inputs and outputs
///     crate = "::arazzo",                     // path to the runtime
/// );
/// ```
///
/// For each workflow it emits `{Workflow}Inputs`, `{Workflow}Outputs` and
/// `pub async fn {workflow}(client: &arazzo::Client, inputs) -> Result<Outputs, arazzo::Error>`.
/// Problems in the document are compile errors that name the file, line and column.
#[proc_macro]
pub fn arazzo_workflow(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match syn::parse::<Input>(input).and_then(expand) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
    .into()
}

/// The macro's input: a path, then `key = value` settings.
struct Input {
    path: LitStr,
    settings: Settings,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut settings = Settings::default();
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: Ident = if input.peek(Token![crate]) {
                let token: Token![crate] = input.parse()?;
                Ident::new("crate", token.span)
            } else {
                input.parse()?
            };
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "sources" => {
                    let content;
                    braced!(content in input);
                    while !content.is_empty() {
                        let name: Ident = content.parse()?;
                        content.parse::<Token![=]>()?;
                        let file: LitStr = content.parse()?;
                        settings.with_source(name.to_string(), file.value());
                        if content.parse::<Option<Token![,]>>()?.is_none() {
                            break;
                        }
                    }
                }
                "strict" => {
                    settings.with_strict(input.parse::<LitBool>()?.value);
                }
                "derives" => {
                    let content;
                    bracketed!(content in input);
                    let paths = content.parse_terminated(syn::Path::parse, Token![,])?;
                    for path in paths {
                        settings.with_derive(quote!(#path).to_string().replace(' ', ""));
                    }
                }
                "allow" => {
                    let content;
                    bracketed!(content in input);
                    let codes = content.parse_terminated(Code::parse, Token![,])?;
                    for code in codes {
                        settings.with_allow(code.rule);
                    }
                }
                "restate" => {
                    let name: LitStr = input.parse()?;
                    name.parse::<Ident>()?;
                    settings.with_restate(name.value());
                }
                "crate" => {
                    let path: LitStr = input.parse()?;
                    path.parse::<syn::Path>()?;
                    settings.with_runtime_path(path.value());
                }
                _ => {
                    return Err(syn::Error::new_spanned(
                        &key,
                        format!("unknown setting `{key}`; expected `sources`, `strict`, `allow`, `derives`, `restate` or `crate`"),
                    ))
                }
            }
        }
        Ok(Input { path, settings })
    }
}

/// A rule in `allow = [..]`: its code as a string (`"undeclared-status"`, with or without
/// `arazzo::`), or as an identifier with underscores (`undeclared_status`).
struct Code {
    rule: Rule,
}

impl Parse for Code {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (text, span) = if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            (literal.value(), literal.span())
        } else {
            let ident: Ident = input.parse()?;
            (ident.to_string(), ident.span())
        };
        match Rule::from_code(&text) {
            Some(rule) => Ok(Code { rule }),
            None => Err(syn::Error::new(
                span,
                format!("unknown rule `{text}`; the codes are listed in `arazzo_codegen::Rule`, such as `undeclared-status`"),
            )),
        }
    }
}

fn expand(input: Input) -> syn::Result<TokenStream> {
    let relative = PathBuf::from(input.path.value());
    if relative.is_absolute() {
        return Err(syn::Error::new(
            input.path.span(),
            "the path must be relative to CARGO_MANIFEST_DIR",
        ));
    }
    let base_dir = manifest_dir().map_err(|message| syn::Error::new(input.path.span(), message))?;
    let output = Generator::new(&input.settings).generate(&base_dir, &relative);

    let errors = output
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| syn::Error::new(input.path.span(), d.render_with_code()))
        .reduce(|mut all, e| {
            all.combine(e);
            all
        })
        .map(|e| e.to_compile_error());
    // Warnings as rustc warnings at the path: a proc macro cannot emit them on stable Rust,
    // but a use of a deprecated item it emits warns where its span says.
    let warnings = output
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .enumerate()
        .map(|(index, d)| {
            let name = format!("arazzo_{}_{index}", d.rule.name().replace('-', "_"));
            let mut d = d.clone();
            d.notes.push(format!(
                "help: `allow = [\"{}\"]` in the macro silences it; `strict = true` makes warnings errors",
                d.rule.name()
            ));
            FormattedWarning::new_deprecated(&name, d.render_with_code(), input.path.span())
        });
    let tracked = output.files.iter().map(|file| {
        let file = file.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#file);
        )
    });
    let tokens = output.tokens;
    Ok(quote! {
        #errors
        #(#warnings)*
        #(#tracked)*
        #tokens
    })
}

/// `CARGO_MANIFEST_DIR`, or `ARAZZO_MANIFEST_DIR_OVERRIDE` when set: trybuild compiles UI
/// tests in a directory of its own, and sets the override to the real crate's directory.
fn manifest_dir() -> Result<PathBuf, String> {
    for var in ["ARAZZO_MANIFEST_DIR_OVERRIDE", "CARGO_MANIFEST_DIR"] {
        if let Some(dir) = std::env::var_os(var) {
            return Ok(Path::new(&dir).to_path_buf());
        }
    }
    Err("CARGO_MANIFEST_DIR is not set; is this being built by cargo?".to_owned())
}
