//! The journal reader, the fold and every export, on any bytes as a writer's file.
#![no_main]

#[path = "common.rs"]
mod common;

use muster::export::{self, Format, Listed};
use muster::journal::file::Chain;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let lib = common::mini();
    let mut chain = Chain::verifying("w1".into());
    let mut events = Vec::new();
    chain.feed(std::path::Path::new("journal-w1.jsonl"), data, &mut events);
    for p in &chain.problems {
        let _ = p.to_string();
    }
    let events = muster::journal::store::merge(vec![events]);
    let plans = lib.plans.iter().cloned().collect();
    let mut s = muster::domain::session::Session::new("s".into(), plans, None);
    for e in &events {
        s.apply(e);
    }
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let input = export::Input {
        session: &s,
        index: &lib.index,
        now,
        zone: muster::present::Zone::Utc,
    };
    for f in Format::ALL {
        let _ = export::render(&input, f, &mut Listed(&events));
    }
    let _ = muster::domain::session::rto::rto_outcomes(&s, &lib.index, now);
});
