//! The dependency picture: vital business functions -> the services they need -> what those
//! depend on, and the sites and vendors under them. As text (80 columns), Graphviz DOT,
//! Mermaid, or an SVG drawn here for the HTML report (nothing loaded from elsewhere).

use crate::domain::Library;
use crate::domain::impact::{self, Order};
use crate::domain::index::{Index, Service};
use crate::domain::text::{clean, wrap_words};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// How wide the text picture is.
pub const WIDTH: usize = 80;
/// How deep a tree of the text picture is drawn.
const MAX_DEPTH: usize = 8;
/// How many services one tree draws, at most.
const MAX_TREE_ITEMS: usize = 60;

fn rto(s: &Service) -> String {
    s.rto
        .as_ref()
        .map_or("no RTO".into(), |r| format!("RTO {}", r.v))
}

fn vbf_facts(v: &crate::domain::index::Vbf) -> String {
    let mut f = vec!["VBF".to_string()];
    if let Some(r) = &v.rto {
        f.push(format!("RTO {}", r.v));
    }
    if let Some(m) = &v.mtpd {
        f.push(format!("MTPD {}", m.v));
    }
    if let Some(p) = &v.priority {
        f.push(format!("priority {}", p.v));
    }
    f.join(", ")
}

/// Lines of `text` wrapped to the picture's width, the first after `first`, the rest after `rest`.
fn put(out: &mut String, first: &str, rest: &str, text: &str) {
    let w = WIDTH.saturating_sub(unicode_width::UnicodeWidthStr::width(rest));
    let lines = wrap_words(text, w);
    for (i, l) in lines.iter().enumerate() {
        let lead = if i == 0 { first } else { rest };
        let _ = writeln!(out, "{}", format!("{lead}{l}").trim_end());
    }
}

/// The picture as text: each function with the tree of services it needs (a service already
/// drawn under that function is marked `(above)`), then each service in recovery order with
/// its sites and vendors.
pub fn text(lib: &Library) -> String {
    let ix = &lib.index;
    let order = impact::library_order(lib);
    let by_id: HashMap<&str, &Service> = ix.services.iter().map(|s| (s.id.v.as_str(), s)).collect();
    let mut out = String::new();
    put(
        &mut out,
        "",
        "",
        &format!(
            "Dependency picture: {}",
            clean(&ix.organisation.name, false)
        ),
    );
    out.push_str("Each function, the services it needs, and what those depend on.\n\n");
    let mut needed: HashSet<&str> = HashSet::new();
    for v in &ix.vital_business_functions {
        put(
            &mut out,
            "",
            "    ",
            &format!("{}: {} [{}]", v.id.v, clean(&v.name, false), vbf_facts(v)),
        );
        let roots: Vec<&str> = ix
            .services
            .iter()
            .filter(|s| s.vbfs.iter().any(|x| x.v == v.id.v))
            .map(|s| s.id.v.as_str())
            .collect();
        if roots.is_empty() {
            out.push_str("`-- (no service supports it)\n");
        }
        let mut drawn: HashSet<&str> = HashSet::new();
        tree(&mut out, &by_id, &roots, "", &mut drawn);
        needed.extend(drawn);
        out.push('\n');
    }
    let rest: Vec<&str> = ix
        .services
        .iter()
        .map(|s| s.id.v.as_str())
        .filter(|s| !needed.contains(s))
        .collect();
    if !rest.is_empty() {
        out.push_str("Services no vital business function needs:\n");
        let mut drawn = HashSet::new();
        tree(&mut out, &by_id, &rest, "", &mut drawn);
        out.push('\n');
    }
    out.push_str("Services in recovery order (dependencies first), with where they run:\n");
    for (n, s) in order.services.iter().enumerate() {
        let Some(svc) = by_id.get(s.id.as_str()) else {
            continue;
        };
        let mut facts = vec![rto(svc)];
        if s.needed_by.is_some_and(|m| Some(m) != s.rto) {
            facts.push(format!(
                "needed by {}",
                s.needed_by.map(|m| m.to_string()).unwrap_or_default()
            ));
        }
        facts.push(format!("tier {}", s.tier));
        let mut line = format!("{} [{}]", s.id, facts.join(", "));
        if !svc.depends_on.is_empty() {
            let _ = write!(line, " needs {}", join(&svc.depends_on));
        }
        if !svc.sites.is_empty() {
            let _ = write!(line, "; at {}", join(&svc.sites));
        }
        if !svc.vendors.is_empty() {
            let _ = write!(line, "; vendors {}", join(&svc.vendors));
        }
        put(&mut out, &format!("{:>3}. ", n + 1), "       ", &line);
    }
    if !order.in_cycles.is_empty() {
        put(
            &mut out,
            "",
            "  ",
            &format!(
                "In a dependency circle (see `muster check`): {}",
                order.in_cycles.join(", ")
            ),
        );
    }
    out
}

fn join(ids: &[crate::domain::Sp<String>]) -> String {
    ids.iter()
        .map(|x| x.v.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `|-- core-db [RTO 2h]` and under it what it depends on; each service once per tree.
fn tree<'a>(
    out: &mut String,
    by_id: &HashMap<&'a str, &'a Service>,
    ids: &[&'a str],
    indent: &str,
    drawn: &mut HashSet<&'a str>,
) {
    // an explicit stack: a chain of thousands of services draws without recursion
    let mut lists: Vec<Vec<&'a str>> = vec![ids.to_vec()];
    let mut stack: Vec<(usize, usize, String)> = vec![(0, 0, indent.to_string())];
    let mut items = 0;
    while let Some((list, i, pad)) = stack.pop() {
        let Some(&id) = lists[list].get(i) else {
            continue;
        };
        items += 1;
        if items > MAX_TREE_ITEMS {
            out.push_str(&format!(
                "{indent}`-- ... and more: the list in recovery order below has every service\n"
            ));
            return;
        }
        let last = i + 1 == lists[list].len();
        stack.push((list, i + 1, pad.clone()));
        let (branch, cont) = if last {
            ("`-- ", "    ")
        } else {
            ("|-- ", "|   ")
        };
        let first = format!("{pad}{branch}");
        let rest = format!("{pad}{cont}    ");
        let Some(s) = by_id.get(id) else {
            put(out, &first, &rest, &format!("{id} (not in the index)"));
            continue;
        };
        if !drawn.insert(s.id.v.as_str()) {
            put(out, &first, &rest, &format!("{id} (above)"));
            continue;
        }
        // deep chains stop at a readable depth; the list in recovery order has the rest
        if pad.len() >= MAX_DEPTH * 4 && !s.depends_on.is_empty() {
            put(
                out,
                &first,
                &rest,
                &format!(
                    "{id} [{}] needs {} (see below)",
                    rto(s),
                    join(&s.depends_on)
                ),
            );
            continue;
        }
        put(out, &first, &rest, &format!("{id} [{}]", rto(s)));
        if !s.depends_on.is_empty() {
            lists.push(s.depends_on.iter().map(|d| d.v.as_str()).collect());
            stack.push((lists.len() - 1, 0, format!("{pad}{cont}")));
        }
    }
}

fn dot_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in clean(s, false).chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Graphviz DOT: `muster graph --format dot | dot -Tsvg > picture.svg`.
pub fn dot(lib: &Library) -> String {
    let ix = &lib.index;
    let mut o = String::from(
        "digraph muster {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [color=\"#777777\"];\n",
    );
    for v in &ix.vital_business_functions {
        let _ = writeln!(
            o,
            "  {} [label={}, shape=box, style=\"rounded,filled\", fillcolor=\"#fde2c8\"];",
            dot_str(&format!("vbf:{}", v.id.v)),
            dot_str(&format!("{}\n{}", v.name, vbf_facts(v)))
        );
    }
    for s in &ix.services {
        let _ = writeln!(
            o,
            "  {} [label={}, shape=box];",
            dot_str(&format!("service:{}", s.id.v)),
            dot_str(&format!("{}\n{}", s.id.v, rto(s)))
        );
    }
    for s in &ix.sites {
        let _ = writeln!(
            o,
            "  {} [label={}, shape=folder, style=filled, fillcolor=\"#e3ecf7\"];",
            dot_str(&format!("site:{}", s.id.v)),
            dot_str(&format!("{}\nsite", s.name))
        );
    }
    for v in &ix.vendors {
        let _ = writeln!(
            o,
            "  {} [label={}, shape=note, style=filled, fillcolor=\"#eeeeee\"];",
            dot_str(&format!("vendor:{}", v.id.v)),
            dot_str(&format!("{}\nvendor", v.name))
        );
    }
    for s in &ix.services {
        let from = dot_str(&format!("service:{}", s.id.v));
        for v in &s.vbfs {
            let _ = writeln!(o, "  {} -> {from};", dot_str(&format!("vbf:{}", v.v)));
        }
        for d in &s.depends_on {
            let _ = writeln!(o, "  {from} -> {};", dot_str(&format!("service:{}", d.v)));
        }
        for x in &s.sites {
            let _ = writeln!(
                o,
                "  {from} -> {} [style=dashed];",
                dot_str(&format!("site:{}", x.v))
            );
        }
        for x in &s.vendors {
            let _ = writeln!(
                o,
                "  {from} -> {} [style=dotted];",
                dot_str(&format!("vendor:{}", x.v))
            );
        }
    }
    o.push_str("}\n");
    o
}

/// Mermaid (`flowchart LR`), for a Markdown page that draws it.
pub fn mermaid(lib: &Library) -> String {
    let ix = &lib.index;
    let label = |s: &str| {
        clean(s, false)
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
    };
    let mut o = String::from("flowchart LR\n");
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut node =
        |o: &mut String, key: String, short: String, text: String, shape: (&str, &str)| {
            let _ = writeln!(o, "  {short}{}\"{}\"{}", shape.0, label(&text), shape.1);
            ids.insert(key, short);
        };
    for (i, v) in ix.vital_business_functions.iter().enumerate() {
        node(
            &mut o,
            format!("vbf:{}", v.id.v),
            format!("v{i}"),
            format!("{}<br/>{}", v.name, vbf_facts(v)),
            ("([", "])"),
        );
    }
    for (i, s) in ix.services.iter().enumerate() {
        node(
            &mut o,
            format!("service:{}", s.id.v),
            format!("s{i}"),
            format!("{}<br/>{}", s.id.v, rto(s)),
            ("[", "]"),
        );
    }
    for (i, s) in ix.sites.iter().enumerate() {
        node(
            &mut o,
            format!("site:{}", s.id.v),
            format!("l{i}"),
            format!("{}<br/>site", s.name),
            ("[(", ")]"),
        );
    }
    for (i, v) in ix.vendors.iter().enumerate() {
        node(
            &mut o,
            format!("vendor:{}", v.id.v),
            format!("r{i}"),
            format!("{}<br/>vendor", v.name),
            ("{{", "}}"),
        );
    }
    for s in &ix.services {
        let Some(from) = ids.get(&format!("service:{}", s.id.v)) else {
            continue;
        };
        let edges = s
            .vbfs
            .iter()
            .filter_map(|v| ids.get(&format!("vbf:{}", v.v)).map(|x| (x, from, "-->")))
            .chain(s.depends_on.iter().filter_map(|d| {
                ids.get(&format!("service:{}", d.v))
                    .map(|x| (from, x, "-->"))
            }))
            .chain(
                s.sites
                    .iter()
                    .filter_map(|d| ids.get(&format!("site:{}", d.v)).map(|x| (from, x, "-.->"))),
            )
            .chain(s.vendors.iter().filter_map(|d| {
                ids.get(&format!("vendor:{}", d.v))
                    .map(|x| (from, x, "-.->"))
            }));
        for (a, b, arrow) in edges {
            let _ = writeln!(o, "  {a} {arrow} {b}");
        }
    }
    o
}

/// The most services the SVG picture draws; a larger library gets the text picture instead.
pub const SVG_MAX_SERVICES: usize = 60;

const BOX_W: f64 = 136.0;
const BOX_H: f64 = 34.0;
const COL_GAP: f64 = 34.0;
const ROW_GAP: f64 = 10.0;

struct Placed {
    key: String,
    title: String,
    sub: String,
    class: &'static str,
    col: usize,
    row: f64,
}

/// The picture as an SVG of columns: functions, the services tier by tier (the ones that need
/// others on the left), then sites and vendors; an arrow from what needs to what is needed.
/// `None` when the library is too large to draw legibly.
pub fn svg(lib: &Library, order: &Order) -> Option<String> {
    let ix: &Index = &lib.index;
    if ix.services.is_empty() || ix.services.len() > SVG_MAX_SERVICES {
        return None;
    }
    let tiers = order.tiers.len();
    let tier_of: HashMap<&str, usize> = order
        .services
        .iter()
        .map(|s| (s.id.as_str(), s.tier))
        .collect();
    let mut nodes: Vec<Placed> = Vec::new();
    let vbf_col = 0;
    let svc_col = |t: usize| 1 + (tiers - 1 - t.min(tiers - 1));
    let site_col = tiers + 1;
    let vendor_col = tiers + 2;
    let used = |f: &dyn Fn(&Service) -> bool| ix.services.iter().any(f);
    for v in &ix.vital_business_functions {
        nodes.push(Placed {
            key: format!("vbf:{}", v.id.v),
            title: v.name.clone(),
            sub: [
                v.rto.as_ref().map(|r| format!("RTO {}", r.v)),
                v.mtpd.as_ref().map(|r| format!("MTPD {}", r.v)),
                v.priority.as_ref().map(|p| format!("P{}", p.v)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            class: "vbf",
            col: vbf_col,
            row: 0.0,
        });
    }
    for s in order.order.iter().filter_map(|id| ix.service(id)) {
        nodes.push(Placed {
            key: format!("service:{}", s.id.v),
            title: s.id.v.clone(),
            sub: rto(s),
            class: "svc",
            col: svc_col(tier_of.get(s.id.v.as_str()).copied().unwrap_or(0)),
            row: 0.0,
        });
    }
    // the sites and vendors some service runs at or relies on
    let ends = ix
        .sites
        .iter()
        .filter(|x| used(&|s: &Service| s.sites.iter().any(|y| y.v == x.id.v)))
        .map(|x| ("site", &x.id.v, &x.name, site_col))
        .chain(
            ix.vendors
                .iter()
                .filter(|x| used(&|s: &Service| s.vendors.iter().any(|y| y.v == x.id.v)))
                .map(|x| ("vendor", &x.id.v, &x.name, vendor_col)),
        );
    for (class, id, name, col) in ends {
        nodes.push(Placed {
            key: format!("{class}:{id}"),
            title: name.clone(),
            sub: class.into(),
            class,
            col,
            row: 0.0,
        });
    }
    let at: HashMap<String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.key.clone(), i))
        .collect();
    let mut edges: Vec<(usize, usize, &'static str)> = Vec::new();
    for s in &ix.services {
        let Some(&from) = at.get(&format!("service:{}", s.id.v)) else {
            continue;
        };
        for v in &s.vbfs {
            if let Some(&x) = at.get(&format!("vbf:{}", v.v)) {
                edges.push((x, from, "e"));
            }
        }
        for d in &s.depends_on {
            if let Some(&x) = at.get(&format!("service:{}", d.v)) {
                edges.push((from, x, "e"));
            }
        }
        for d in &s.sites {
            if let Some(&x) = at.get(&format!("site:{}", d.v)) {
                edges.push((from, x, "e site"));
            }
        }
        for d in &s.vendors {
            if let Some(&x) = at.get(&format!("vendor:{}", d.v)) {
                edges.push((from, x, "e vendor"));
            }
        }
    }
    // rows: each column in its order, then twice sorted by where its neighbours are
    let cols = vendor_col + 1;
    let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); cols];
    for (i, n) in nodes.iter().enumerate() {
        by_col[n.col].push(i);
    }
    let place = |nodes: &mut Vec<Placed>, by_col: &Vec<Vec<usize>>| {
        for col in by_col {
            for (r, &i) in col.iter().enumerate() {
                nodes[i].row = r as f64;
            }
        }
    };
    place(&mut nodes, &by_col);
    for _ in 0..2 {
        for c in 1..cols {
            let mut keyed: Vec<(f64, usize)> = by_col[c]
                .iter()
                .map(|&i| {
                    let near: Vec<f64> = edges
                        .iter()
                        .filter_map(|&(a, b, _)| {
                            if b == i && nodes[a].col < c {
                                Some(nodes[a].row)
                            } else if a == i && nodes[b].col < c {
                                Some(nodes[b].row)
                            } else {
                                None
                            }
                        })
                        .collect();
                    let k = if near.is_empty() {
                        nodes[i].row
                    } else {
                        near.iter().sum::<f64>() / near.len() as f64
                    };
                    (k, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            by_col[c] = keyed.into_iter().map(|(_, i)| i).collect();
            place(&mut nodes, &by_col);
        }
    }
    let tallest = by_col.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let height = tallest * (BOX_H + ROW_GAP) + ROW_GAP + 24.0;
    let width = cols as f64 * (BOX_W + COL_GAP) - COL_GAP + 20.0;
    // each column centred in the height
    let xy = |n: &Placed, by_col: &Vec<Vec<usize>>| {
        let count = by_col[n.col].len() as f64;
        let top = (tallest - count) * (BOX_H + ROW_GAP) / 2.0;
        (
            10.0 + n.col as f64 * (BOX_W + COL_GAP),
            24.0 + top + n.row * (BOX_H + ROW_GAP),
        )
    };
    let esc = super::doc::html_escape;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<svg class=\"graph\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"100%\" role=\"img\" aria-label=\"Dependency picture\">"
    );
    o.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#8a8a8a\"/></marker></defs>\n");
    let heads = std::iter::once("Vital business functions".to_string())
        .chain((0..tiers).rev().map(|t| {
            if t == 0 {
                "Services: tier 0".to_string()
            } else {
                format!("tier {t}")
            }
        }))
        .chain(["Sites".to_string(), "Vendors".to_string()]);
    for (c, h) in heads.enumerate() {
        let _ = writeln!(
            o,
            "<text class=\"head\" x=\"{:.0}\" y=\"14\">{}</text>",
            10.0 + c as f64 * (BOX_W + COL_GAP),
            esc(&h)
        );
    }
    for &(a, b, class) in &edges {
        let (ax, ay) = xy(&nodes[a], &by_col);
        let (bx, by) = xy(&nodes[b], &by_col);
        let (x1, y1, x2, y2) = (ax + BOX_W, ay + BOX_H / 2.0, bx, by + BOX_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        let _ = writeln!(
            o,
            "<path class=\"{class}\" d=\"M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}\" marker-end=\"url(#arrow)\"/>"
        );
    }
    for n in &nodes {
        let (x, y) = xy(n, &by_col);
        let title = crate::domain::text::ellipsis(&clean(&n.title, false), 19);
        let sub = crate::domain::text::ellipsis(&n.sub, 26);
        let _ = writeln!(
            o,
            "<g class=\"{}\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"4\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"t\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" class=\"s\">{}</text></g>",
            n.class,
            x + 6.0,
            y + 14.0,
            esc(&title),
            x + 6.0,
            y + 27.0,
            esc(&sub)
        );
    }
    o.push_str("</svg>\n");
    Some(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_picture_fits_80_columns_and_names_every_service() {
        let lib = crate::domain::Library::load(
            "t",
            false,
            vec![crate::domain::InputFile {
                rel: "index.ron".into(),
                shown: "index.ron".into(),
                bytes: br#"Index(organisation: (name: "T"),
                    sites: [Site(id: "a-very-long-site-name-indeed", name: "A")],
                    vital_business_functions: [Vbf(id: "sell", name: "Selling things to customers all day long", rto: "4h", mtpd: "1d", priority: 1)],
                    services: [
                        Service(id: "app", name: "App", vbfs: ["sell"], rto: "4h", depends_on: ["db"], sites: ["a-very-long-site-name-indeed"]),
                        Service(id: "db", name: "DB", rto: "2h", depends_on: ["dns"], sites: ["a-very-long-site-name-indeed"]),
                        Service(id: "dns", name: "DNS", rto: "1h"),
                        Service(id: "mail", name: "Mail", rto: "1d", depends_on: ["dns"]),
                    ])"#
                .to_vec(),
            }],
            chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
        );
        let t = text(&lib);
        for l in t.lines() {
            assert!(unicode_width::UnicodeWidthStr::width(l) <= WIDTH, "{l}");
        }
        assert!(
            t.contains("|-- app [RTO 4h]") || t.contains("`-- app [RTO 4h]"),
            "{t}"
        );
        assert!(t.contains("    `-- db [RTO 2h]"), "{t}");
        assert!(
            t.contains("Services no vital business function needs:\n`-- mail"),
            "{t}"
        );
        assert!(t.contains("  1. dns [RTO 1h, tier 0]"), "{t}");
        let d = dot(&lib);
        assert!(d.contains("\"vbf:sell\" -> \"service:app\";"), "{d}");
        assert!(d.contains("\"service:app\" -> \"service:db\";"), "{d}");
        let m = mermaid(&lib);
        assert!(m.starts_with("flowchart LR\n"));
        assert!(m.contains("  v0 --> s0"), "{m}");
        let svg = svg(&lib, &impact::library_order(&lib)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("Selling things"),
            "{svg}"
        );
    }
}
