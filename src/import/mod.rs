//! `muster import`: drafts a library from Markdown runbooks. Pure: text in, files and a report
//! out. Every guess is written into the plan as a `todo`, which `muster check` shows as a
//! warning until a person settles it; every part of the source ends up somewhere in the output.

mod bia;
mod blocks;
mod contacts;
mod guess;
mod params;
mod ron_out;

use blocks::{Block, Doc, Kind};
use regex::Regex;
use ron_out::{Obj, string};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

/// One Markdown file to import.
pub struct Source {
    /// The path as shown in the report.
    pub shown: String,
    /// The file name without its extension: the plan's id comes from it.
    pub stem: String,
    pub text: String,
}

/// The draft library: (path inside it, contents), and where each heading went.
pub struct Imported {
    pub files: Vec<(String, String)>,
    pub report: Vec<String>,
    pub plans: usize,
    pub steps: usize,
    pub todos: usize,
}

pub fn import(sources: &[Source]) -> Imported {
    let mut ids = Ids::default();
    let plan_ids: Vec<String> = sources
        .iter()
        .map(|s| unique(&mut ids, &slug(&s.stem, "plan")))
        .collect();
    let mut out = Imported {
        files: Vec::new(),
        report: Vec::new(),
        plans: 0,
        steps: 0,
        todos: 0,
    };
    let mut people = contacts::Contacts::default();
    let mut drafts = bia::Drafts::default();
    for (src, id) in sources.iter().zip(&plan_ids) {
        let text = normalise(&src.text);
        let doc = blocks::read(&text);
        let others: Vec<(&str, &str)> = sources
            .iter()
            .zip(&plan_ids)
            .map(|(s, i)| (s.stem.as_str(), i.as_str()))
            .collect();
        let mut b = Builder {
            src,
            text: &text,
            doc: &doc,
            id,
            others: &others,
            lines: blocks::Lines::new(&text),
            title: None,
            about: Vec::new(),
            steps: Vec::new(),
            step_ids: Ids::default(),
            plan_todo: Vec::new(),
            report: Vec::new(),
            params: Vec::new(),
        };
        b.build();
        b.parametrise();
        for blk in &doc.blocks {
            if blk.kind == Kind::Table {
                people.read_table(&text[blk.range.clone()]);
                drafts.read_table(
                    &text[blk.range.clone()],
                    &src.shown,
                    b.lines.of(blk.range.start),
                );
            }
        }
        out.steps += b.steps.len();
        out.todos += b.plan_todo.len() + b.steps.iter().map(|s| s.todo.len()).sum::<usize>();
        out.report.append(&mut b.report);
        out.files.push((format!("plans/{id}.ron"), b.write()));
        out.plans += 1;
    }
    out.files
        .insert(0, ("index.ron".into(), people.index_ron(&drafts)));
    if let Some(r) = drafts.risks_ron() {
        out.todos += drafts.risks.len();
        out.files.insert(1, ("risks.ron".into(), r));
    }
    out.todos += drafts.vbfs.len() + drafts.services.len();
    out
}

/// UTF-8 text as the parser wants it: no BOM, `\n` line ends.
fn normalise(s: &str) -> String {
    s.trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

/// An id from any text: lower-case ASCII letters and digits joined by `-`, at most 48 long.
pub fn slug(s: &str, fallback: &str) -> String {
    let out = crate::domain::text::slug(s, 48);
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// Ids given out, and for each base the next number to try, so that a thousand steps of one name
/// cost no more than one.
#[derive(Default)]
pub struct Ids {
    taken: HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

/// `base`, or `base-2`, `base-3`, ... when it is taken.
fn unique(ids: &mut Ids, base: &str) -> String {
    if ids.taken.insert(base.to_string()) {
        return base.to_string();
    }
    let n = ids.next.entry(base.to_string()).or_insert(2);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if ids.taken.insert(id.clone()) {
            return id;
        }
    }
}

static PROCEDURAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)step|procedure|checklist|action|task|recover|restor|contain|eradicat|respon|fail ?over|cut ?over|roll ?back|escalat|notif|triage|activat|how to|runbook|playbook|mitigat|remediat|verif|validat|switch|shut ?down|start ?up|deploy|question|inject|call tree|first hour")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});
static STEP_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(step\s*\d+|\d+[.):]\s|(check|verify|confirm|stop|start|restart|restore|fail|promote|notify|call|tell|page|run|open|close|isolate|disable|enable|switch|update|collect|review|declare|invoke|escalate|scale|drain|cordon|rotate|revoke|reset|rebuild|move|copy|backup|snapshot|test|monitor|communicate|inform|assess|identify|contain|eradicate|recover)\b)")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});
/// An item's emphasised lead-in: `*Change Slack Icon*: ...`, `**Write the note**: ...`,
/// `**Read the note:** ...` (the lead-in is the step's title, the rest its body).
static LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\*\*|__|\*|_)([^*_].*?)(:?)(\*\*|__|\*|_)\s*(:?)\s*(.*)$")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});

struct StepOut {
    id: String,
    title: String,
    phase: String,
    body: String,
    commands: Vec<(String, Option<String>)>,
    links: Vec<(String, String)>,
    todo: Vec<String>,
    due: Option<(u32, bool)>,
    every: Option<u32>,
    estimate: Option<u32>,
}

struct Builder<'a> {
    src: &'a Source,
    text: &'a str,
    doc: &'a Doc,
    id: &'a str,
    others: &'a [(&'a str, &'a str)],
    lines: blocks::Lines,
    title: Option<String>,
    /// Topic sections and text no step took, as Markdown.
    about: Vec<String>,
    steps: Vec<StepOut>,
    step_ids: Ids,
    plan_todo: Vec<String>,
    report: Vec<String>,
    /// The placeholders made parameters.
    params: Vec<params::Drafted>,
}

/// A heading and the blocks under it, up to the next heading.
struct Section<'d> {
    heading: Option<(u8, String, Range<usize>)>,
    blocks: Vec<&'d Block>,
}

impl<'a> Builder<'a> {
    fn line(&self, at: usize) -> usize {
        self.lines.of(at)
    }

    fn build(&mut self) {
        let h1s = self
            .doc
            .blocks
            .iter()
            .filter(|b| matches!(b.kind, Kind::Heading(1, _)))
            .count();
        let mut sections: Vec<Section> = vec![Section {
            heading: None,
            blocks: Vec::new(),
        }];
        let mut covered: Vec<Range<usize>> = Vec::new();
        for b in &self.doc.blocks {
            covered.push(b.range.clone());
            match &b.kind {
                Kind::Heading(l, t) => sections.push(Section {
                    heading: Some((*l, t.clone(), b.range.clone())),
                    blocks: Vec::new(),
                }),
                Kind::FrontMatter => self.front_matter(b),
                _ => sections.last_mut().map_or((), |s| s.blocks.push(b)),
            }
        }
        // the title: front matter, else a single H1 (several H1s are phases), else the file
        let mut parents: Vec<(u8, String)> = Vec::new();
        for (i, s) in sections.iter().enumerate() {
            let Some((level, title, range)) = &s.heading else {
                self.topic(None, &s.blocks);
                continue;
            };
            let is_title = self.title.is_none() && *level == 1 && h1s == 1 && i <= 1;
            while parents.last().is_some_and(|(l, _)| l >= level) {
                parents.pop();
            }
            let phase = parents
                .last()
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| "Steps".into());
            let at = format!(
                "{}:{}: {} {}",
                self.src.shown,
                self.line(range.start),
                "#".repeat(*level as usize),
                crate::domain::text::clean(title, false)
            );
            if is_title {
                self.title = Some(title.clone());
                self.report
                    .push(format!("{at} -> the title of plan {}", self.id));
                self.topic(None, &s.blocks);
                continue;
            }
            parents.push((*level, title.clone()));
            let went = self.section(title, &phase, &s.blocks);
            self.report.push(format!("{at} -> {went}"));
        }
        // text no block holds (link definitions, stray lines) is kept too
        covered.sort_by_key(|r| r.start);
        let mut pos = 0;
        let mut rest = String::new();
        for r in covered {
            if r.start > pos && !self.text[pos..r.start].trim().is_empty() {
                rest.push_str(self.text[pos..r.start].trim());
                rest.push('\n');
            }
            pos = pos.max(r.end);
        }
        if pos < self.text.len() && !self.text[pos..].trim().is_empty() {
            rest.push_str(self.text[pos..].trim());
            rest.push('\n');
        }
        if !rest.is_empty() {
            self.about.push(format!(
                "## Other text from the source\n\n{}",
                rest.trim_end()
            ));
        }
        if self.steps.is_empty() {
            self.plan_todo.push("no steps were recognised: which parts of this document are things to do? (the text is in `about`)".into());
        }
    }

    fn front_matter(&mut self, b: &Block) {
        let raw = &self.text[b.range.clone()];
        for line in raw.lines() {
            let l = line.trim();
            if let Some(v) = l
                .strip_prefix("title:")
                .or_else(|| l.strip_prefix("title ="))
                .or_else(|| l.strip_prefix("title="))
            {
                let v = v.trim().trim_matches(['"', '\'']).trim();
                if !v.is_empty() && self.title.is_none() {
                    self.title = Some(v.to_string());
                }
            }
        }
        self.about.push(format!(
            "Front matter of the source:\n\n```\n{}\n```",
            raw.trim()
        ));
    }

    /// A section as a topic: its text goes to the plan's `about`.
    fn topic(&mut self, heading: Option<&str>, blocks: &[&Block]) {
        let body = self.join(blocks, &[]);
        match heading {
            Some(h) => self
                .about
                .push(format!("## {h}\n\n{body}").trim_end().to_string()),
            None if !body.trim().is_empty() => self.about.push(body),
            None => {}
        }
    }

    /// Places a section; says where it went.
    fn section(&mut self, heading: &str, phase: &str, blocks: &[&Block]) -> String {
        if blocks.is_empty() {
            self.topic(Some(heading), blocks);
            return format!(
                "a heading with no text of its own: kept in the `about` of plan {}",
                self.id
            );
        }
        let procedural = PROCEDURAL.is_match(heading);
        let is_steps = |b: &Block| match &b.kind {
            Kind::List(items) => {
                let first = items
                    .first()
                    .map(|(r, _)| self.text[r.clone()].trim_start());
                let ordered = first.is_some_and(|f| f.starts_with(|c: char| c.is_ascii_digit()));
                // a checklist: most of its items lead with emphasised words, as titles
                let led = items
                    .iter()
                    .filter(|(r, _)| {
                        let line = self.text[r.clone()].lines().next().unwrap_or("");
                        let m = MARKER.find(line).map_or(0, |m| m.end());
                        LEAD_IN.is_match(line[m..].trim())
                    })
                    .count();
                let checklist = items.len() >= 2 && led * 2 >= items.len();
                ordered || checklist || items.iter().any(|(_, task)| *task) || procedural
            }
            _ => false,
        };
        let decision_table = blocks
            .iter()
            .any(|b| b.kind == Kind::Table && is_decision_table(&self.text[b.range.clone()]));
        if blocks.iter().any(|b| is_steps(b)) {
            let before = self.steps.len();
            let mut pending: Vec<&Block> = Vec::new();
            for b in blocks {
                if let (true, Kind::List(items)) = (is_steps(b), &b.kind) {
                    for (r, _) in items {
                        self.item_step(r.clone(), heading, &mut pending);
                    }
                } else {
                    pending.push(b);
                }
            }
            // text after the last list belongs with the last step
            if !pending.is_empty() {
                let extra = self.join(&pending, &[]);
                if let Some(s) = self.steps.last_mut() {
                    s.body = format!("{}\n\n{extra}", s.body).trim().to_string();
                }
            }
            if decision_table && let Some(s) = self.steps.last_mut() {
                s.todo.push(
                    "is the table in this step a decision? (make it a `decision` with options)"
                        .into(),
                );
            }
            let n = self.steps.len() - before;
            return format!(
                "phase \"{}\" of plan {}: steps {}-{} ({n} from its list items)",
                clean1(heading),
                self.id,
                before + 1,
                self.steps.len()
            );
        }
        let has_code = blocks.iter().any(|b| {
            let i = self
                .doc
                .codes
                .partition_point(|c| c.range.start < b.range.start);
            b.kind == Kind::Code
                || self
                    .doc
                    .codes
                    .get(i)
                    .is_some_and(|c| b.range.contains(&c.range.start))
        });
        if has_code || decision_table || STEP_HEADING.is_match(heading.trim()) {
            let range = blocks[0].range.start..blocks[blocks.len() - 1].range.end;
            let mut s = self.step(heading.to_string(), phase, range, blocks);
            if decision_table {
                s.todo.push(
                    "is the table in this step a decision? (make it a `decision` with options)"
                        .into(),
                );
            }
            let id = s.id.clone();
            self.steps.push(s);
            return format!("step {}/{id} (step {})", self.id, self.steps.len());
        }
        self.topic(Some(heading), blocks);
        format!("the `about` of plan {} (a topic, not a step)", self.id)
    }

    /// One list item as a step. Text waiting in `pending` (between lists) goes to its body.
    fn item_step(&mut self, r: Range<usize>, phase: &str, pending: &mut Vec<&Block>) {
        let raw = &self.text[r.clone()];
        let first = raw.lines().next().unwrap_or("");
        let marker = MARKER.find(first).map_or(0, |m| m.end());
        let title_line = first[marker..].trim().to_string();
        // an emphasised lead-in is the title; what follows it on the line begins the body
        if let Some(c) = LEAD_IN.captures(&title_line)
            && c.get(1).map(|m| m.as_str()) == c.get(4).map(|m| m.as_str())
        {
            let lead = c.get(2).map_or("", |m| m.as_str()).trim();
            let after = c.get(6).map_or("", |m| m.as_str()).trim();
            // "**Title**: what to do" splits; "**Unsilence alerts** you muted" is one sentence
            let colon =
                !c.get(3).is_none_or(|m| m.is_empty()) || !c.get(5).is_none_or(|m| m.is_empty());
            let rest = if colon || after.is_empty() {
                after.to_string()
            } else {
                format!("{lead} {after}")
            };
            let mut s = self.step(lead.to_string(), phase, r.start + first.len()..r.end, &[]);
            if !rest.is_empty() {
                s.body = format!("{rest}\n\n{}", s.body).trim().to_string();
            }
            if !pending.is_empty() {
                let before = self.join(pending, &[]);
                pending.clear();
                s.body = format!("{before}\n\n{}", s.body).trim().to_string();
            }
            self.steps.push(s);
            return;
        }
        let mut s = self.step(title_line.clone(), phase, r.start + first.len()..r.end, &[]);
        if s.title != title_line.trim() {
            // the whole first line, as written, when the title had to be shortened or cleaned
            s.body = format!("{title_line}\n\n{}", s.body).trim().to_string();
        }
        if !pending.is_empty() {
            let before = self.join(pending, &[]);
            pending.clear();
            s.body = format!("{before}\n\n{}", s.body).trim().to_string();
        }
        self.steps.push(s);
    }

    /// A step titled `title` from the source range `r` (its body, code and links).
    fn step(&mut self, title: String, phase: &str, r: Range<usize>, blocks: &[&Block]) -> StepOut {
        // codes and links are in source order: the ones in `r` are found by bisection
        let from = self.doc.codes.partition_point(|c| c.range.start < r.start);
        let to = self.doc.codes.partition_point(|c| c.range.start < r.end);
        let codes: Vec<&blocks::Code> = self.doc.codes[from..to].iter().collect();
        let cut: Vec<Range<usize>> = codes.iter().map(|c| c.range.clone()).collect();
        let body = if blocks.is_empty() {
            unindent(&cut_out(self.text, r.clone(), &cut))
        } else {
            self.join(blocks, &cut)
        };
        let shown = short_title(&title);
        let id = unique(&mut self.step_ids, &slug(&shown, "step"));
        let mut s = StepOut {
            id,
            title: shown,
            phase: phase.to_string(),
            body,
            commands: Vec::new(),
            links: Vec::new(),
            todo: Vec::new(),
            due: None,
            every: None,
            estimate: None,
        };
        for c in codes {
            let run = c.text.trim_end().to_string();
            let prompts = run
                .lines()
                .filter(|l| l.trim_start().starts_with("$ "))
                .count();
            if prompts > 0 && prompts < run.lines().filter(|l| !l.trim().is_empty()).count() {
                s.todo.push(format!("the code at line {} mixes commands (`$ ...`) and their output: keep the commands in `run`, move the output to `expected`", self.line(c.range.start)));
            }
            if !run.is_empty() {
                s.commands.push((run, c.lang.clone()));
            }
        }
        let from = self.doc.links.partition_point(|l| l.at < r.start);
        let to = self.doc.links.partition_point(|l| l.at < r.end);
        for l in &self.doc.links[from..to] {
            if l.url.starts_with('#') {
                s.todo.push(format!("this step points at another part of the document ([{}]({})): is this a decision or a dependency?", clean1(&l.text), l.url));
                continue;
            }
            let stem = l.url.split(['#', '?']).next().unwrap_or("");
            let stem = stem
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".md");
            let to = match self.others.iter().find(|(st, _)| *st == stem) {
                Some((_, id))
                    if *id != self.id && l.url.ends_with(".md") || l.url.contains(".md#") =>
                {
                    format!("plan:{id}")
                }
                _ => l.url.clone(),
            };
            if !l.url.trim().is_empty() && !s.links.iter().any(|(_, u)| *u == to) {
                s.links.push((l.text.clone(), to));
            }
        }
        let g = guess::guess(&format!("{}\n{}", s.title, s.body));
        if let Some((m, declared, words)) = g.due {
            s.due = Some((m.0, declared));
            s.todo
                .push(format!("deadline guessed from \"{words}\": check `due`"));
        }
        if let Some((m, words)) = g.every {
            s.every = Some(m.0);
            s.todo.push(format!(
                "recurrence guessed from \"{words}\": check `every`"
            ));
        }
        if let Some((m, words)) = g.estimate {
            s.estimate = Some(m.0);
            s.todo.push(format!(
                "estimate guessed from \"{words}\": check `estimate`"
            ));
        }
        for d in g.decisions {
            s.todo
                .push(format!("is this a decision? \"{}\"", clean1(&d)));
        }
        s
    }

    /// The source of some blocks, as written, without the ranges in `cut`.
    fn join(&self, blocks: &[&Block], cut: &[Range<usize>]) -> String {
        blocks
            .iter()
            .map(|b| {
                cut_out(self.text, b.range.clone(), cut)
                    .trim_end()
                    .to_string()
            })
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    fn write(&self) -> String {
        let title = self
            .title
            .clone()
            .unwrap_or_else(|| self.src.stem.replace(['-', '_'], " "));
        let all: String = format!("{title}\n{}", self.about.join("\n")).to_lowercase();
        let kind = if [
            "disaster recovery",
            "failover",
            "fail over",
            "restore",
            "recovery",
            "dr ",
        ]
        .iter()
        .any(|k| all.contains(k))
        {
            "Recovery"
        } else if ["continuity", "bcp", "business function"]
            .iter()
            .any(|k| all.contains(k))
        {
            "Continuity"
        } else if ["communication", "comms", "status page"]
            .iter()
            .any(|k| all.contains(k))
        {
            "Communication"
        } else {
            "Other"
        };
        let mut todo = vec![format!(
            "imported from {}: read it through, set `kind` (guessed {kind}), `owner` and each step's `role`",
            self.src.shown
        )];
        todo.extend(self.plan_todo.iter().cloned());
        let mut phases: Vec<(String, Vec<String>)> = Vec::new();
        for s in &self.steps {
            let written = write_step(s);
            match phases.last_mut() {
                Some((p, list)) if *p == s.phase => list.push(written),
                _ => phases.push((s.phase.clone(), vec![written])),
            }
        }
        let phases: Vec<String> = phases
            .into_iter()
            .map(|(t, steps)| {
                Obj::new("Phase")
                    .str("title", &t)
                    .list("steps", steps, 8)
                    .write(8)
            })
            .collect();
        let about = (!self.about.is_empty()).then(|| self.about.join("\n\n"));
        let parameters = self
            .params
            .iter()
            .map(|d| format!("(id: {}, ask: {})", string(&d.id), string(&d.ask)))
            .collect();
        let plan = Obj::new("Plan")
            .str("id", self.id)
            .str("title", &title)
            .raw("kind", kind)
            .opt("about", about.as_deref())
            .strs("todo", &todo, 0)
            .list("parameters", parameters, 0)
            .list("phases", phases, 0);
        format!(
            "// Drafted by `muster import` from {}. Every `todo` is a guess for a person to settle:\n// `muster check` lists them.\n{}\n",
            self.src.shown.replace('\n', " "),
            plan.write(0)
        )
    }
}

fn write_step(s: &StepOut) -> String {
    let commands = s
        .commands
        .iter()
        .map(|(run, lang)| match lang {
            Some(l) => format!("Command(run: {}, lang: {})", string(run), string(l)),
            None => format!("Command(run: {})", string(run)),
        })
        .collect();
    let links = s
        .links
        .iter()
        .map(|(text, to)| match to.strip_prefix("plan:") {
            Some(p) => format!("Plan({})", string(p)),
            None if text.trim().is_empty() || text == to => format!("Url({})", string(to)),
            None => format!("(text: {}, url: {})", string(text.trim()), string(to)),
        })
        .collect();
    let mut o = Obj::new("Step").str("id", &s.id).str("title", &s.title);
    if !s.body.trim().is_empty() {
        o = o.str("body", s.body.trim());
    }
    o = o.list("commands", commands, 16).list("links", links, 16);
    if let Some((m, declared)) = s.due {
        let from = if declared { "Declared" } else { "Invoked" };
        o = o.raw(
            "due",
            format!("(after: \"{}\", from: {from})", crate::domain::Minutes(m)),
        );
    }
    if let Some(m) = s.every {
        o = o.raw("every", format!("\"{}\"", crate::domain::Minutes(m)));
    }
    if let Some(m) = s.estimate {
        o = o.raw("estimate", m.to_string());
    }
    o.strs("todo", &s.todo, 16).write(16)
}

fn is_decision_table(t: &str) -> bool {
    let head = t.lines().next().unwrap_or("").to_lowercase();
    let cells: Vec<&str> = head
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let any = |ws: &[&str]| cells.iter().any(|c| ws.iter().any(|w| c.contains(w)));
    any(&["if", "symptom", "condition", "when", "situation", "alert"])
        && any(&["then", "action", "do", "response", "next"])
}

/// The source between `r` without the ranges in `cut`.
fn cut_out(text: &str, r: Range<usize>, cut: &[Range<usize>]) -> String {
    let mut out = String::new();
    let mut pos = r.start;
    for c in cut.iter().filter(|c| c.start >= r.start && c.end <= r.end) {
        if c.start > pos {
            out.push_str(&text[pos..c.start]);
        }
        pos = pos.max(c.end);
    }
    if pos < r.end {
        out.push_str(&text[pos..r.end]);
    }
    out
}

/// A list item's continuation lines, moved left to where its text starts.
fn unindent(s: &str) -> String {
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    s.lines()
        .map(|l| {
            // up to `indent` bytes of leading white space, whole characters only
            let mut cut = 0;
            for (i, c) in l.char_indices() {
                if i >= indent || !c.is_whitespace() {
                    break;
                }
                cut = i + c.len_utf8();
            }
            &l[cut..]
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// A title from a line of Markdown: markup dropped, at most about 100 characters.
fn short_title(s: &str) -> String {
    static LINK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"!?\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]|<(https?://[^>]+)>")
            .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
    });
    let t = LINK.replace_all(s, |c: &regex::Captures| {
        c.get(1)
            .or(c.get(2))
            .or(c.get(3))
            .map_or("", |m| m.as_str())
            .to_string()
    });
    let t: String = t.replace("**", "").replace("__", "").replace('`', "");
    let t = clean1(t.trim().trim_end_matches(':'));
    if t.chars().count() <= 100 {
        return if t.is_empty() { "(untitled)".into() } else { t };
    }
    let cut: String = t.chars().take(100).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut} ...")
}

/// One line of text, whitespace runs as one space.
fn clean1(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn unindenting_never_cuts_a_character() {
        assert_eq!(
            super::unindent("\u{3000}x\n  é\n\u{3000}\u{3000}y"),
            "x\né\n\u{3000}y"
        );
        assert_eq!(super::unindent("    a\n      b"), "a\n  b");
    }
}
