//! Data-driven tests over the shared expression fixtures, and robustness tests.
//!
//! The fixtures live in `/work/shared/corpus/expression-fixtures/` (found from the crate as
//! `../../shared`); each test returns early with a note when that directory is absent.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;
use crate::model::SpecVersion;

/// Returns the fixture directory, or `None` (after printing a note) when it is absent.
fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join("corpus/expression-fixtures");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("note: {} is absent; skipping fixture test", dir.display());
        None
    }
}

/// Reads one fixture file as JSON.
fn load(dir: &Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(name)).expect("fixture is readable");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// Returns the strings of a JSON array member.
fn strings<'a>(value: &'a Value, key: &str) -> Vec<&'a str> {
    value[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn runtime_expression_fixtures() {
    let Some(dir) = fixtures() else { return };
    let data = load(&dir, "runtime-expressions.json");
    // Entries of the `valid` lists that we reject on purpose, with the reason.
    let rejected_on_purpose: &[(&str, &str)] = &[
        (
            "$request.query.",
            "empty name: grammatical (`name = *CHAR`) but cannot refer to anything (CHECKLIST §10.3)",
        ),
        ("$request.path.", "empty name, as above"),
    ];
    let mut failures = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    let mut valid = strings(&data, "valid");
    valid.extend(strings(&data, "valid_extra"));
    for text in valid {
        let expected_rejection = rejected_on_purpose.iter().find(|(t, _)| *t == text);
        match (parse_expression(text), expected_rejection) {
            (Ok(expr), None) => {
                accepted += 1;
                if expr.to_string() != text {
                    failures.push(format!("{text:?} prints as {expr}"));
                }
            }
            (Err(_), Some(_)) => rejected += 1,
            (Ok(_), Some((_, why))) => failures.push(format!("{text:?} accepted ({why})")),
            (Err(e), None) => failures.push(format!("valid {text:?} rejected: {e}")),
        }
    }
    for text in strings(&data, "invalid") {
        match parse_expression(text) {
            Ok(expr) => failures.push(format!("invalid {text:?} accepted as {expr:?}")),
            Err(_) => rejected += 1,
        }
    }
    println!(
        "runtime-expressions.json: {accepted} accepted, {rejected} rejected ({} valid entries rejected on purpose)",
        rejected_on_purpose.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn simple_condition_fixtures() {
    let Some(dir) = fixtures() else { return };
    let data = load(&dir, "simple-conditions.json");
    // `$self` and `$message` parse; the checker rejects them in 1.0 documents.
    let rejected_on_purpose: &[(&str, &str)] = &[];
    let mut failures = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for text in strings(&data, "valid") {
        let expected_rejection = rejected_on_purpose.iter().find(|(t, _)| *t == text);
        match (parse_condition(text), expected_rejection) {
            (Ok(_), None) => accepted += 1,
            (Err(_), Some(_)) => rejected += 1,
            (Ok(_), Some((_, why))) => failures.push(format!("{text:?} accepted ({why})")),
            (Err(e), None) => {
                failures.push(format!("valid {text:?} rejected: {e} at {}", e.offset))
            }
        }
    }
    for text in strings(&data, "invalid") {
        match parse_condition(text) {
            Ok(c) => failures.push(format!("invalid {text:?} accepted as {c}")),
            Err(_) => rejected += 1,
        }
    }

    // The evaluation cases check that the AST carries everything the documented semantics
    // need, and that the runtime's comparisons (which generated code calls) implement them.
    let context = &data["evaluation_context"];
    let mut evaluated = 0;
    for case in data["evaluation_cases"].as_array().into_iter().flatten() {
        let text = case["condition"].as_str().unwrap_or_default();
        let expected = case["expected"].as_bool();
        match parse_condition(text) {
            Ok(c) => {
                let got = reference::eval(&c, context);
                if Some(got) != expected {
                    failures.push(format!(
                        "{text:?} evaluates to {got}, expected {expected:?}"
                    ));
                }
                evaluated += 1;
            }
            Err(e) => failures.push(format!("evaluation case {text:?} rejected: {e}")),
        }
    }
    println!(
        "simple-conditions.json: {accepted} accepted, {rejected} rejected ({} valid entries rejected on purpose), {evaluated} evaluation cases agree",
        rejected_on_purpose.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Evaluates a parsed simple condition on a JSON context as generated code does: values
/// reached by pointer and navigation, then the runtime's `compare` and `truthy`.
mod reference {
    use serde_json::Value;

    use crate::expr::{Accessor, CmpOp, Condition, Operand};

    pub(super) fn eval(condition: &Condition, context: &Value) -> bool {
        match condition {
            Condition::Or(items) => items.iter().any(|c| eval(c, context)),
            Condition::And(items) => items.iter().all(|c| eval(c, context)),
            Condition::Not(inner) => !eval(inner, context),
            Condition::Operand(o) => truthy(&value(o, context)),
            Condition::Compare { lhs, op, rhs } => {
                compare(&value(lhs, context), *op, &value(rhs, context))
            }
        }
    }

    fn value(operand: &Operand, context: &Value) -> Value {
        match operand {
            Operand::Literal(v) => v.clone(),
            Operand::Expr { expr, nav, .. } => {
                let base = match expr.pointer() {
                    Some(p) => {
                        let text = expr.to_string();
                        let root = text.split('#').next().unwrap_or_default().to_owned();
                        let mut v = context.get(&root).cloned().unwrap_or(Value::Null);
                        for token in p.tokens() {
                            v = step(&v, token);
                        }
                        v
                    }
                    None => context
                        .get(expr.to_string())
                        .cloned()
                        .unwrap_or(Value::Null),
                };
                nav.iter().fold(base, |v, a| match a {
                    Accessor::Member(m) => step(&v, m),
                    Accessor::Index(i) => v.get(*i).cloned().unwrap_or(Value::Null),
                })
            }
        }
    }

    fn step(v: &Value, token: &str) -> Value {
        match v {
            Value::Object(map) => map.get(token).cloned().unwrap_or(Value::Null),
            Value::Array(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// The runtime's truthiness and comparison, which generated code calls.
    fn truthy(v: &Value) -> bool {
        arazzo_runtime::__private::truthy(Some(v))
    }

    fn compare(a: &Value, op: CmpOp, b: &Value) -> bool {
        use arazzo_runtime::__private::Op;
        let op = match op {
            CmpOp::Eq => Op::Eq,
            CmpOp::Ne => Op::Ne,
            CmpOp::Lt => Op::Lt,
            CmpOp::Le => Op::Le,
            CmpOp::Gt => Op::Gt,
            CmpOp::Ge => Op::Ge,
        };
        arazzo_runtime::__private::compare(Some(a), op, Some(b))
    }
}

/// Interprets a corpus criterion's `type` field.
fn corpus_kind(criterion: &Value) -> Result<CriterionType, String> {
    match &criterion["type"] {
        Value::Null => CriterionType::from_type(None, None, SpecVersion::V1_1),
        Value::String(t) => CriterionType::from_type(Some(t), None, SpecVersion::V1_1),
        Value::Object(o) => CriterionType::from_type(
            o.get("type").and_then(Value::as_str),
            o.get("version").and_then(Value::as_str),
            SpecVersion::V1_1,
        ),
        other => Err(format!("unexpected type {other}")),
    }
}

/// Sorts a rejection into one of the known kinds of non-standard input, by a fragment of
/// its message; `None` means the rejection is unexpected.
fn categorize(message: &str, categories: &[(&'static str, &'static str)]) -> Option<&'static str> {
    categories
        .iter()
        .find(|(fragment, _)| message.contains(fragment))
        .map(|(_, label)| *label)
}

/// Counts occurrences per label, in first-seen order.
fn tally(counts: &mut Vec<(&'static str, usize)>, label: &'static str) {
    match counts.iter_mut().find(|(l, _)| *l == label) {
        Some((_, n)) => *n += 1,
        None => counts.push((label, 1)),
    }
}

/// Every distinct string of the 1.0.x corpus. Many are non-standard; each rejection must
/// fall into a known category of non-standard input, and everything else must be accepted.
#[test]
fn corpus_strings() {
    let Some(dir) = fixtures() else { return };
    let data = load(&dir, "corpus-strings.json");
    let mut failures = Vec::new();

    const CRITERIA: &[(&str, &str)] = &[
        (
            "is a JSON pointer, not a JSONPath query",
            "jsonpath condition written as `#/pointer == x`",
        ),
        (
            "cannot compare with a runtime expression",
            "jsonpath comparison with an expression",
        ),
        (
            "did you mean `$response.body`?",
            "`$body.x` instead of `$response.body`",
        ),
        ("must start with `$`", "context is not a runtime expression"),
        (
            "string literals must be single-quoted",
            "unquoted string literal",
        ),
        (
            "is not an operator in simple conditions",
            "`contains` operator",
        ),
        ("after number", "template artefact `500%s`"),
        ("needs a `context`", "regex without context"),
    ];
    let (mut accepted, mut warned) = (0, 0);
    let mut rejected = Vec::new();
    for c in data["criteria"].as_array().into_iter().flatten() {
        let condition = c["condition"].as_str().unwrap_or_default();
        let context = c["context"].as_str();
        let result = corpus_kind(c)
            .map_err(|e| ExprError::new(e, 0, 0))
            .and_then(|kind| parse_criterion(condition, context, kind));
        match result {
            Ok(parsed) => {
                accepted += 1;
                warned += usize::from(!parsed.warnings.is_empty());
            }
            Err(e) => match categorize(&e.message, CRITERIA) {
                Some(label) => tally(&mut rejected, label),
                None => failures.push(format!("criterion {condition:?} ({context:?}): {e}")),
            },
        }
    }
    println!(
        "corpus criteria: {accepted} accepted ({warned} with warnings); rejected: {rejected:?}"
    );

    const VALUES: &[(&str, &str)] = &[
        (
            "to reach inside the value",
            "`.member`/`[n]` navigation outside a condition",
        ),
        (
            "a JSON pointer must start with `/`",
            "`#name` pointer without `/`",
        ),
        (
            "a JSON pointer starts with `#`",
            "`/name` pointer without `#`",
        ),
        ("is missing `.outputs`", "`$steps.x.y` without `.outputs`"),
        (
            "step ids in expressions may only contain",
            "step id with spaces",
        ),
        ("must name one output", "whole `$steps.x.outputs` object"),
        ("(singular `header`)", "`$response.headers.X`"),
        ("cannot take a JSON pointer", "`$sourceDescriptions.x#/…`"),
        ("did you mean `$", "misspelt root"),
        ("unexpected `[*]", "JSONPath wildcard in an expression"),
    ];
    let mut kinds = [0usize; 3];
    let mut rejected = Vec::new();
    for v in data["value_expressions"].as_array().into_iter().flatten() {
        let text = v["expr"].as_str().unwrap_or_default();
        match classify(text) {
            Ok(ValueKind::Expression(expr)) => {
                kinds[0] += 1;
                if parse_expression(&expr.to_string()).as_ref() != Ok(&expr) {
                    failures.push(format!("{text:?} does not round-trip through {expr}"));
                }
            }
            Ok(ValueKind::Template(_)) => kinds[1] += 1,
            Ok(ValueKind::Literal) => kinds[2] += 1,
            Err(e) => match categorize(&e.message, VALUES) {
                Some(label) => tally(&mut rejected, label),
                None => failures.push(format!("value {text:?}: {e}")),
            },
        }
    }
    println!(
        "corpus value expressions: {} expressions, {} templates, {} literals (unknown roots such as `$faker`); rejected: {rejected:?}",
        kinds[0], kinds[1], kinds[2]
    );

    // The inside of `{…}` in corpus strings; these two are not expressions.
    let not_expressions: &[(&str, &str)] = &[
        ("$expr", "placeholder text in a strefethen document"),
        (
            "$steps.checkGlobalInventory.outputs.globalWarehouseId || 'WH-001'",
            "a condition-style default inside braces",
        ),
    ];
    let mut embedded = 0;
    for v in data["embedded_expressions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let text = v["expr"].as_str().unwrap_or_default();
        let expected_rejection = not_expressions.iter().any(|(t, _)| *t == text);
        match (parse_expression(text), expected_rejection) {
            (Ok(_), false) | (Err(_), true) => embedded += 1,
            (Ok(e), true) => failures.push(format!("embedded {text:?} accepted as {e}")),
            (Err(e), false) => failures.push(format!("embedded {text:?}: {e}")),
        }
    }
    println!(
        "corpus embedded expressions: {embedded} as expected ({} rejected on purpose)",
        not_expressions.len()
    );

    // Non-standard operation paths (`/get`, `petstore#/paths/…`) are literals here; the
    // operationPath check reports them.
    let (mut templates, mut literals) = (0, 0);
    for v in data["operation_paths"].as_array().into_iter().flatten() {
        let text = v["operationPath"].as_str().unwrap_or_default();
        match classify(text) {
            Ok(ValueKind::Template(parts)) => {
                templates += 1;
                if !matches!(
                    parts.first(),
                    Some(TemplatePart::Expr {
                        expr: Expr::SourceDescription { .. },
                        ..
                    })
                ) {
                    failures.push(format!(
                        "operation path {text:?} does not start with a source"
                    ));
                }
            }
            Ok(ValueKind::Literal) => literals += 1,
            other => failures.push(format!("operation path {text:?}: {other:?}")),
        }
    }
    println!("corpus operation paths: {templates} templates, {literals} non-standard literals");

    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small deterministic pseudo-random generator (xorshift64*), so that the robustness
/// test needs no extra dependency and always tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Checks that an error points at a valid range of `input`.
fn check_error(input: &str, context: Option<&str>, e: &ExprError, failures: &mut Vec<String>) {
    let target = match e.site {
        ErrorSite::Input => input,
        ErrorSite::Context => context.unwrap_or(""),
    };
    let end = e.offset + e.len;
    if end > target.len() || !target.is_char_boundary(e.offset) || !target.is_char_boundary(end) {
        failures.push(format!(
            "{input:?} / {context:?}: bad range {}+{} for {:?}",
            e.offset, e.len, e.message
        ));
    }
    if e.message.is_empty() {
        failures.push(format!("{input:?}: empty message"));
    }
}

/// Runs every entry point on one input and checks the invariants: no panic, error ranges
/// on character boundaries inside the input, and printed forms that parse back.
///
/// Compiling a regex takes about a millisecond in a debug build, so `regex` says whether to
/// try the input as a regex criterion too.
fn exercise(input: &str, regex: bool, failures: &mut Vec<String>) {
    match parse_expression(input) {
        Ok(expr) => {
            if parse_expression(&expr.to_string()).as_ref() != Ok(&expr) {
                failures.push(format!("{input:?}: {expr} does not round-trip"));
            }
        }
        Err(e) => check_error(input, None, &e, failures),
    }
    match parse_template(input) {
        Ok(parts) => {
            for part in parts {
                if let TemplatePart::Expr { expr, span } = part {
                    let text = input.get(span.offset..span.offset + span.len);
                    if text.map(parse_expression).and_then(Result::ok) != Some(expr) {
                        failures.push(format!("{input:?}: template span {span:?} is wrong"));
                    }
                }
            }
        }
        Err(e) => check_error(input, None, &e, failures),
    }
    if let Err(e) = classify(input) {
        check_error(input, None, &e, failures);
    }
    for span in find_bare_expressions(input) {
        if input.get(span.offset..span.offset + span.len).is_none() || span.len == 0 {
            failures.push(format!("{input:?}: bare span {span:?} is wrong"));
        }
    }
    match parse_condition(input) {
        Ok(c) => match parse_condition(&c.to_string()) {
            Ok(again) if again.to_string() == c.to_string() => {}
            other => failures.push(format!("{input:?}: {c} reparses as {other:?}")),
        },
        Err(e) => check_error(input, None, &e, failures),
    }
    // Each kind once with a context, plus a context that is the input itself and a
    // missing one.
    let runs = [
        (CriterionType::Simple, Some(input)),
        (CriterionType::Simple, None),
        (CriterionType::Regex, Some("$statusCode")),
        (CriterionType::Regex, None),
        (
            CriterionType::JsonPath(JsonPathVersion::Rfc9535),
            Some("$response.body"),
        ),
        (
            CriterionType::XPath(XPathVersion::XPath10),
            Some("$response.body"),
        ),
    ];
    for (kind, context) in runs {
        if kind == CriterionType::Regex && context.is_some() && !regex {
            continue;
        }
        if let Err(e) = parse_criterion(input, context, kind) {
            check_error(input, context, &e, failures);
        }
    }
}

#[test]
fn odd_strings_never_panic() {
    const PIECES: &[&str] = &[
        "$",
        "$inputs",
        "$steps",
        "$response",
        "$request",
        "$statusCode",
        "$url",
        "$workflows",
        "$sourceDescriptions",
        "$components",
        ".",
        "outputs",
        "header",
        "body",
        "query",
        "path",
        "parameters",
        "inputs",
        "x",
        "a-b_c",
        "0",
        "1",
        "42",
        "-",
        "-0",
        "1.5e3",
        "#",
        "/",
        "~",
        "~0",
        "~1",
        "~2",
        "{",
        "}",
        "{$",
        "[",
        "]",
        "[0]",
        "[*]",
        "(",
        ")",
        "'",
        "''",
        "\"",
        "\\",
        " ",
        "\t",
        "\n",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "=",
        "!",
        "&",
        "&&",
        "|",
        "||",
        "true",
        "false",
        "null",
        "True",
        "é",
        "🦀",
        "\u{0}",
        "\u{7f}",
        "@",
        "?",
        "*",
        ",",
        "%s",
        "$.",
        "$[?@.a == 1]",
        "//a[",
        "(?i)",
        "contains",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut failures = Vec::new();
    let mut count = 0;
    for _ in 0..20_000 {
        let len = rng.below(10);
        let input: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        exercise(&input, count % 8 == 0, &mut failures);
        count += 1;
    }
    // Mutations of real strings: delete, duplicate or replace one character.
    if let Some(dir) = fixtures() {
        let data = load(&dir, "corpus-strings.json");
        let mut seeds: Vec<String> = Vec::new();
        for c in data["criteria"].as_array().into_iter().flatten() {
            seeds.extend(c["condition"].as_str().map(str::to_owned));
        }
        for v in data["value_expressions"].as_array().into_iter().flatten() {
            seeds.extend(v["expr"].as_str().map(str::to_owned));
        }
        for seed in seeds {
            exercise(&seed, true, &mut failures);
            let chars: Vec<char> = seed.chars().collect();
            for _ in 0..3 {
                if chars.is_empty() {
                    break;
                }
                let at = rng.below(chars.len());
                let mut mutated = chars.clone();
                match rng.below(3) {
                    0 => {
                        mutated.remove(at);
                    }
                    1 => mutated.insert(at, chars[at]),
                    _ => {
                        mutated[at] = PIECES[rng.below(PIECES.len())]
                            .chars()
                            .next()
                            .unwrap_or('x')
                    }
                }
                exercise(
                    &mutated.into_iter().collect::<String>(),
                    count % 8 == 0,
                    &mut failures,
                );
                count += 1;
            }
        }
    }
    // Deep nesting must be an error, not a stack overflow.
    for depth in [10, 64, 65, 2_000] {
        let input = format!("{}true{}", "(".repeat(depth), ")".repeat(depth));
        let result = parse_condition(&input);
        if depth <= condition::MAX_DEPTH {
            if result.is_err() {
                failures.push(format!("nesting depth {depth} rejected"));
            }
        } else {
            match result {
                Ok(_) => failures.push(format!("nesting depth {depth} accepted")),
                Err(e) => check_error(&input, None, &e, &mut failures),
            }
        }
        exercise(&"!(".repeat(depth), true, &mut failures);
    }
    failures.truncate(30);
    println!("robustness: {count} inputs exercised");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Inputs the fuzz targets in `fuzz/` crashed on, kept as they were found.
mod fuzz_regressions {
    use super::*;

    /// `condition`: a chain of XPath 3.1 `?` lookups made xee panic ("jump too far"); it
    /// is refused before xee sees it now (the panic is still caught, should another form
    /// cause it).
    #[test]
    fn xpath_lookup_chains_are_an_error() {
        let input = "0?h?0?h?esoxml?esoxmloesoxm0?h?0?oxml?esoxesoxm0?h?esoxml?esoxmloesoxm0?h?0?oxml?esloesoxmlolounht";
        let error = check_xpath(input).unwrap_err();
        assert_eq!(
            error.message,
            "invalid XPath expression: more than 8 `?` lookups (the XPath engine takes time and memory exponential in their number)"
        );
        assert_eq!((error.offset, error.len), (0, input.len()));
    }

    /// `condition`: a chain of 28 lookups took xee past 2 GiB (the time and memory of its
    /// compilation double with each `?`), so more than 8 are refused before it sees them.
    #[test]
    fn long_xpath_lookup_chains_are_refused_up_front() {
        let input = "0?h?esoxml?h?0?h?esom0?h?0?h?esoxv48ml?esoxmlsoxml?h?0?h?esom0?h?0?h?esoxv48ml?esoxmlxml?esoxmlxml?esoxmloesmxm0?h?0?h?esoxv48ml?esoxmlxml?emlolounht";
        let error = check_xpath(input).unwrap_err();
        assert_eq!(
            error.message,
            "invalid XPath expression: more than 8 `?` lookups (the XPath engine takes time and memory exponential in their number)"
        );
        assert!(
            check_xpath("[[[1]]]?1?1?1 = 1").is_ok(),
            "{:?}",
            check_xpath("[[[1]]]?1?1?1 = 1")
        );
        // `?` inside a string literal is text.
        assert!(check_xpath(&format!("'{}' = 'x'", "?".repeat(20))).is_ok());
    }
}
