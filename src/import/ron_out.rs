//! Writing RON by hand, readably: multi-line text as raw strings, one field a line.

/// A RON string: plain with escapes when it is one line, else a raw string `r#"..."#` with as
/// many `#` as it needs, so the author can edit the text as it reads.
pub fn string(s: &str) -> String {
    if s.contains('\n') {
        let mut hashes = 1;
        while s.contains(&format!("\"{}", "#".repeat(hashes))) {
            hashes += 1;
        }
        let h = "#".repeat(hashes);
        return format!("r{h}\"{s}\"{h}");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A struct `Name(` fields `)` at an indent, one field a line; `None` values are left out.
pub struct Obj {
    name: &'static str,
    fields: Vec<(&'static str, String)>,
}

impl Obj {
    pub fn new(name: &'static str) -> Obj {
        Obj {
            name,
            fields: Vec::new(),
        }
    }
    pub fn raw(mut self, k: &'static str, v: impl Into<String>) -> Obj {
        self.fields.push((k, v.into()));
        self
    }
    pub fn str(self, k: &'static str, v: &str) -> Obj {
        self.raw(k, string(v))
    }
    pub fn opt(self, k: &'static str, v: Option<&str>) -> Obj {
        match v {
            Some(v) => self.str(k, v),
            None => self,
        }
    }
    /// A list of already written values, left out when empty.
    pub fn list(self, k: &'static str, items: Vec<String>, indent: usize) -> Obj {
        if items.is_empty() {
            return self;
        }
        let pad = " ".repeat(indent + 8);
        let close = " ".repeat(indent + 4);
        let body: String = items.iter().map(|i| format!("{pad}{i},\n")).collect();
        self.raw(k, format!("[\n{body}{close}]"))
    }
    pub fn strs(self, k: &'static str, items: &[String], indent: usize) -> Obj {
        self.list(k, items.iter().map(|s| string(s)).collect(), indent)
    }
    pub fn write(&self, indent: usize) -> String {
        let pad = " ".repeat(indent + 4);
        let mut out = format!("{}(\n", self.name);
        for (k, v) in &self.fields {
            out.push_str(&format!("{pad}{k}: {v},\n"));
        }
        out.push_str(&" ".repeat(indent));
        out.push(')');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_read_back_as_written() {
        for s in [
            "plain",
            "a \"q\" \\ b",
            "two\nlines \"# and \"## hashes",
            "tab\tand \u{1}",
        ] {
            let ron = string(s);
            let back: String = ron::from_str(&ron).unwrap_or_else(|e| panic!("{ron}: {e}"));
            assert_eq!(back, s.replace('\r', ""), "{ron}");
        }
    }
}
