//! People, vendors and documents recognised in a runbook's tables, for the draft index.

use super::ron_out::{Obj, string};
use super::{Ids, slug, unique};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+?\(?\d[\d ()./-]{5,}\d").unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});

#[derive(Default)]
pub struct Contacts {
    ids: Ids,
    names: HashSet<String>,
    people: Vec<String>,
    vendors: Vec<String>,
}

pub(super) fn cells(line: &str) -> Vec<String> {
    let l = line.trim().trim_start_matches('|').trim_end_matches('|');
    l.split('|')
        .map(|c| {
            c.replace("**", "")
                .replace("__", "")
                .replace('`', "")
                .trim()
                .to_string()
        })
        .collect()
}

pub(super) fn col(head: &[String], words: &[&str]) -> Option<usize> {
    head.iter()
        .position(|h| words.iter().any(|w| h.to_lowercase().contains(w)))
}

impl Contacts {
    /// Reads a Markdown table; rows of a contact or vendor table become index entries.
    pub fn read_table(&mut self, table: &str) {
        let mut lines = table.lines();
        let Some(head) = lines.next().map(cells) else {
            return;
        };
        let phone = col(
            &head,
            &["phone", "tel", "mobile", "number", "24x7", "contact no"],
        );
        let email = col(&head, &["email", "e-mail", "mail"]);
        if phone.is_none() && email.is_none() {
            return;
        }
        let vendor = col(
            &head,
            &["vendor", "supplier", "provider", "company", "third party"],
        );
        let name = col(&head, &["name", "person", "contact", "who"]);
        let role = col(&head, &["role", "title", "position", "function", "team"]);
        let contract = col(&head, &["contract", "account", "reference"]);
        for row in lines.skip(1).map(cells) {
            let get =
                |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
            let text = row.join(" ");
            let phones: Vec<String> = PHONE
                .find_iter(get(phone))
                .map(|m| m.as_str().trim().to_string())
                .collect();
            let emails: Vec<String> = EMAIL
                .find_iter(if email.is_some() { get(email) } else { &text })
                .map(|m| m.as_str().to_string())
                .collect();
            if let Some(v) = vendor.map(|_| get(vendor)).filter(|v| !v.is_empty()) {
                self.vendor(v, &phones, &emails, get(contract), &text);
                continue;
            }
            let who = get(name)
                .split("<br>")
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            if who.is_empty()
                || who.chars().all(|c| !c.is_alphabetic())
                || (phones.is_empty() && emails.is_empty())
            {
                continue;
            }
            if !self.names.insert(who.to_lowercase()) {
                continue;
            }
            let id = unique(&mut self.ids, &slug(&who, "person"));
            let mut o = Obj::new("Person").str("id", &id).str("name", &who);
            let title = get(role);
            if !title.is_empty() && role != name {
                o = o.str("title", &title.replace("<br>", "; "));
            }
            o = o.strs("phones", &phones, 8);
            o = match emails.len() {
                0 => o,
                1 => o.str("email", &emails[0]),
                _ => o.strs("email", &emails, 8),
            };
            self.people.push(o.write(8));
        }
    }

    fn vendor(
        &mut self,
        name: &str,
        phones: &[String],
        emails: &[String],
        contract: &str,
        row: &str,
    ) {
        if !self.names.insert(name.to_lowercase()) {
            return;
        }
        let id = unique(&mut self.ids, &slug(name, "vendor"));
        let mut o = Obj::new("Vendor").str("id", &id).str("name", name);
        if !contract.is_empty() {
            o = o.str("contract", contract);
        }
        o = o.strs("support", phones, 8);
        if let Some(e) = emails.first() {
            o = o.str("email", e);
        }
        o = o.str("notes", &format!("From the table row: {row}"));
        self.vendors.push(o.write(8));
    }

    pub fn index_ron(&self, drafts: &super::bia::Drafts) -> String {
        let list = |items: &[String]| -> String {
            if items.is_empty() {
                "[]".into()
            } else {
                format!(
                    "[\n{}    ]",
                    items
                        .iter()
                        .map(|i| format!("        {i},\n"))
                        .collect::<String>()
                )
            }
        };
        format!(
            "// Drafted by `muster import`: the people and vendors found in the runbooks' contact tables,\n// and the functions and services of their business impact tables. Check every entry; add roles,\n// sites, services and documents (see docs/FORMAT.md).\nIndex(\n    organisation: (name: {}),\n    people: {},\n    roles: [],\n    vendors: {},\n    sites: [],\n    vital_business_functions: {},\n    services: {},\n    documents: [],\n)\n",
            string("Imported runbooks"),
            list(&self.people),
            list(&self.vendors),
            list(&drafts.vbfs),
            list(&drafts.services)
        )
    }
}
