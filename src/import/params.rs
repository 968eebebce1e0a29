//! Placeholders of a runbook (`<zone>`, `<instance name>`, `{{DOMAIN}}`) made into the draft
//! plan's parameters: each becomes `{{id}}` in the text, asked when the plan joins a session.
//! A dotted template expression (`{{ site.baseurl }}`) is not a blank a responder fills in: it
//! stays as written, with a `todo`.

use super::guess;

/// A parameter drafted from a placeholder: its id, the question (the placeholder's words) and
/// how the source wrote it.
pub struct Drafted {
    pub id: String,
    pub ask: String,
    pub written: Vec<String>,
}

/// The words inside a placeholder: `<instance name>` -> `instance name`.
fn inner(p: &str) -> &str {
    p.trim_start_matches(['{', '<'])
        .trim_end_matches(['}', '>'])
        .trim()
}

/// The parameters for these placeholders, in the order first seen; two spellings of one name
/// (`<zone>`, `{{ZONE}}`) are one parameter.
pub fn draft(placeholders: &[String]) -> (Vec<Drafted>, Vec<String>) {
    let mut out: Vec<Drafted> = Vec::new();
    let mut kept = Vec::new();
    for p in placeholders {
        let words = inner(p);
        if words.contains('.') {
            kept.push(p.clone());
            continue;
        }
        let id = crate::domain::text::slug(words, 40);
        if id.is_empty() {
            kept.push(p.clone());
            continue;
        }
        match out.iter_mut().find(|d| d.id == id) {
            Some(d) if !d.written.contains(p) => d.written.push(p.clone()),
            Some(_) => {}
            None => out.push(Drafted {
                id,
                ask: words.replace(['_', '-'], " "),
                written: vec![p.clone()],
            }),
        }
    }
    (out, kept)
}

/// Every placeholder in these texts, each once, in order.
pub fn found<'t>(texts: impl IntoIterator<Item = &'t str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in texts {
        for p in guess::guess(t).placeholders {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The text with each placeholder written as its parameter's `{{id}}`.
pub fn rewrite(text: &str, params: &[Drafted]) -> String {
    let mut t = text.to_string();
    for d in params {
        for w in &d.written {
            if t.contains(w.as_str()) {
                t = t.replace(w.as_str(), &format!("{{{{{}}}}}", d.id));
            }
        }
    }
    t
}

impl super::Builder<'_> {
    /// Makes the placeholders of the plan's text its parameters, written `{{id}}`.
    pub(super) fn parametrise(&mut self) {
        let mut texts: Vec<&str> = self.title.iter().map(String::as_str).collect();
        texts.extend(self.about.iter().map(String::as_str));
        for s in &self.steps {
            texts.push(&s.title);
            texts.push(&s.body);
            texts.extend(s.commands.iter().map(|(c, _)| c.as_str()));
        }
        let (drafted, kept) = draft(&found(texts));
        if !drafted.is_empty() {
            let each: Vec<String> = drafted
                .iter()
                .map(|d| {
                    let w: Vec<String> = d.written.iter().map(|w| format!("`{w}`")).collect();
                    format!("{} as `{{{{{}}}}}`", w.join(" and "), d.id)
                })
                .collect();
            self.plan_todo.push(format!(
                "placeholders became parameters, asked when the plan joins a session: {}; check each one's `ask` and add an `example` or a `default`",
                each.join(", ")
            ));
        }
        if !kept.is_empty() {
            self.plan_todo.push(format!(
                "fill in before use (not made parameters): {}",
                kept.join(", ")
            ));
        }
        let fix = |t: &mut String| *t = rewrite(t, &drafted);
        if let Some(t) = &mut self.title {
            fix(t);
        }
        self.about.iter_mut().for_each(fix);
        for s in &mut self.steps {
            fix(&mut s.title);
            fix(&mut s.body);
            s.commands.iter_mut().for_each(|(c, _)| fix(c));
        }
        self.params = drafted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_parameters_and_dotted_ones_stay() {
        let found = found([
            "ssh <instance name> in <zone>",
            "curl https://{{DOMAIN}}/health {{ site.baseurl }} {{ZONE}}",
        ]);
        let (params, kept) = draft(&found);
        let ids: Vec<&str> = params.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["instance-name", "zone", "domain"]);
        assert_eq!(params[0].ask, "instance name");
        assert_eq!(params[1].written, ["<zone>", "{{ZONE}}"]);
        assert_eq!(kept, ["{{ site.baseurl }}"]);
        assert_eq!(
            rewrite("ssh <instance name> in <zone> or {{ZONE}}", &params),
            "ssh {{instance-name}} in {{zone}} or {{zone}}"
        );
    }
}
