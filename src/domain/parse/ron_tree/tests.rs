//! The parser's tests: values, spans, errors and the recovery that reports every one.

use super::*;

fn p(s: &str) -> Node<'_> {
    parse(0, s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

#[test]
fn reads_structs_lists_and_scalars() {
    let n = p(
        "#![enable(implicit_some)]\nPlan( id: \"a\", n: -3, f: 1.5e2, b: true, k: Continuity, l: [1, 2,], m: {\"k\": 'c'}, t: (1, \"x\"), o: Some(\"y\"), r: r#\"a \"q\" b\"#, )",
    );
    let Kind::Struct { name, fields } = n.kind else {
        panic!()
    };
    assert_eq!(name, Some("Plan"));
    let names: Vec<_> = fields.iter().map(|f| f.name).collect();
    assert_eq!(names, ["id", "n", "f", "b", "k", "l", "m", "t", "o", "r"]);
    assert_eq!(fields[1].value.kind, Kind::Int(-3));
    assert_eq!(fields[2].value.kind, Kind::Float(150.0));
    assert_eq!(fields[4].value.kind, Kind::Ident("Continuity"));
    assert_eq!(fields[9].value.kind, Kind::Str("a \"q\" b".into()));
    assert!(
        matches!(&fields[8].value.kind, Kind::Tuple { name: Some(n), items } if *n == "Some" && items.len() == 1)
    );
    // spans are byte ranges of the value itself
    assert_eq!(fields[0].name_span.start, 32);
}

#[test]
fn escapes_and_comments() {
    let n = p("// lead\n( /* a /* nested */ c */ s: \"a\\n\\\"b\\u{e9}\\u00e9\" )");
    let Kind::Struct { fields, .. } = n.kind else {
        panic!()
    };
    assert_eq!(fields[0].value.kind, Kind::Str("a\n\"béé".into()));
}

#[test]
fn empty_parens_is_a_unit_tuple() {
    assert!(matches!(p("()").kind, Kind::Tuple { items, .. } if items.is_empty()));
}

fn err(s: &str) -> (usize, usize, String) {
    let e = parse(0, s).unwrap_err().remove(0);
    let (l, c) = line_col(s, e.span.start as usize);
    (l, c, e.message)
}

#[test]
fn missing_comma_is_reported_where_it_is_missing() {
    let (l, c, m) = err("(\n  id: \"a\"\n  title: \"b\",\n)");
    assert_eq!((l, c), (3, 3));
    assert!(m.contains("comma missing"), "{m}");
}

#[test]
fn unclosed_string_points_at_its_start() {
    let (l, c, m) = err("(\n  id: \"a,\n)");
    assert_eq!((l, c), (2, 7));
    assert!(m.contains("never closed"), "{m}");
}

#[test]
fn a_string_that_runs_into_the_next_field_is_named_at_its_opening_quote() {
    let (l, c, m) = err("(\n  id: \"a,\n  title: \"b\",\n)");
    assert_eq!((l, c), (2, 7), "{m}");
    assert!(m.contains("closing `\"` missing"), "{m}");
}

#[test]
fn unclosed_list_names_where_it_opened() {
    let (l, c, m) = err("(\n  l: [1, 2\n)");
    assert_eq!((l, c), (3, 1));
    assert!(m.contains("list opened at 2:6"), "{m}");
}

#[test]
fn trailing_garbage_and_deep_nesting_are_errors() {
    assert!(err("(a: 1) x").2.contains("after the end"));
    let deep = "[".repeat(500);
    assert!(err(&deep).2.contains("nested too deeply"));
}

fn all(s: &str) -> Vec<(usize, usize)> {
    parse(0, s)
        .unwrap_err()
        .iter()
        .map(|e| line_col(s, e.span.start as usize))
        .collect()
}

#[test]
fn every_error_that_can_be_stepped_past_is_reported() {
    let s = "Plan(\n  id: \"a\"\n  title: \"b\",\n  x: \"bad \\q escape\",\n  steps: [\n    Step(id: @, t: 1),\n    Step(id: \"ok\"),\n    Step(id: 5m),\n  ],\n  m: {\"k\" 1},\n  after: ?,\n)";
    assert_eq!(
        all(s),
        [(3, 3), (4, 11), (6, 14), (8, 14), (10, 11), (11, 10)]
    );
}

#[test]
fn an_error_that_spoils_the_rest_is_reported_alone() {
    // an unclosed string swallows what follows: one error, not one per later line
    assert_eq!(all("(\n  id: \"a,\n  title: \"b\",\n  c: 1 2,\n)").len(), 1);
    assert_eq!(all("(\n  a: [1, 2\n  b: /* never closed\n)").len(), 2);
    // a list never closed is reported once, where the struct around goes on
    assert_eq!(all("(\n  l: [1, 2\n)"), [(3, 1)]);
}

#[test]
fn recovery_stops_at_a_bounded_number_of_errors() {
    let s = format!("[{}]", "@,".repeat(10_000));
    assert_eq!(parse(0, &s).unwrap_err().len(), MAX_ERRORS);
}

#[test]
fn never_panics_on_truncations() {
    let s = "Plan(id: \"é\", l: [r#\"x\"#, 'c', 0x1F, {\"a\": (1, 2)}], /* c */ o: Some(1.5e-3))";
    for i in 0..=s.len() {
        if s.is_char_boundary(i) {
            let _ = parse(0, &s[..i]);
        }
    }
}
