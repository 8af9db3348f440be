//! Rust names from Arazzo names: heck for case, then sanitising and de-duplicating.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

/// Words that cannot be identifiers even as raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Rust's keywords, strict and reserved, for every edition.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keeps only characters that can appear in an identifier, and makes sure it starts well.
fn sanitize(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        return fallback.to_owned();
    }
    cleaned
}

fn fix_start(mut ident: String, prefix: &str) -> String {
    if ident.is_empty() {
        return prefix.to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, prefix);
    }
    ident
}

/// A snake_case identifier (fields, functions, variables). Keywords become raw
/// identifiers (`r#type`), or get a trailing underscore where that is impossible.
pub(crate) fn snake(name: &str) -> String {
    let ident = fix_start(sanitize(name, "value").to_snake_case(), "_");
    escape_keyword(ident)
}

/// A PascalCase identifier (types, variants).
pub(crate) fn pascal(name: &str) -> String {
    let ident = fix_start(sanitize(name, "Value").to_pascal_case(), "T");
    escape_keyword(ident)
}

/// A SCREAMING_SNAKE_CASE identifier (constants). No keyword is upper case.
pub(crate) fn shouty(name: &str) -> String {
    fix_start(sanitize(name, "VALUE").to_shouty_snake_case(), "_")
}

fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// Hands out identifiers that are unique within one scope, appending `_2`, `_3`, … to
/// names already taken.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub(crate) fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `ident` if free, else the first free `ident_N`.
    pub(crate) fn unique(&mut self, ident: String) -> String {
        if self.taken.insert(ident.clone()) {
            return ident;
        }
        let base = ident.trim_start_matches("r#");
        let sep = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let sep = if base.chars().next().is_some_and(char::is_uppercase) {
            sep
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(ident)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_keywords() {
        assert_eq!(
            snake("invite-user-to-organization"),
            "invite_user_to_organization"
        );
        assert_eq!(
            pascal("invite-user-to-organization"),
            "InviteUserToOrganization"
        );
        assert_eq!(snake("orgCode"), "org_code");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(pascal("2fa"), "T2fa");
        assert_eq!(snake("Plan a Trip"), "plan_a_trip");
        assert_eq!(snake("$$$"), "value");
        assert_eq!(pascal("self"), "Self_");
    }

    #[test]
    fn scopes_dedupe() {
        let mut scope = Scope::default();
        assert_eq!(scope.unique(snake("get-pet")), "get_pet");
        assert_eq!(scope.unique(snake("get_pet")), "get_pet_2");
        assert_eq!(scope.unique(snake("getPet")), "get_pet_3");
        let mut types = Scope::default();
        assert_eq!(types.unique(pascal("get-pet")), "GetPet");
        assert_eq!(types.unique(pascal("getPet")), "GetPet2");
    }
}
