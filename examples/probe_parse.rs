use std::time::Instant;
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let t = Instant::now();
    let mut n = 0;
    for l in &lines {
        if serde_json::from_str::<muster::domain::event::Event>(l).is_ok() {
            n += 1;
        }
    }
    eprintln!("serde Event: {:?} for {n}", t.elapsed());
    let t = Instant::now();
    for l in &lines {
        let _ = serde_json::from_str::<serde::de::IgnoredAny>(l);
    }
    eprintln!("IgnoredAny: {:?}", t.elapsed());
    let t = Instant::now();
    for l in &lines {
        let _ = muster::domain::sha256_hex(l.as_bytes());
    }
    eprintln!("sha: {:?}", t.elapsed());
    let t = Instant::now();
    let (c, ev) = muster::journal::file::read_file(std::path::Path::new(&p)).unwrap();
    eprintln!(
        "read_file: {:?} {} events {} problems",
        t.elapsed(),
        ev.len(),
        c.problems.len()
    );
}
#[allow(dead_code)]
fn _x() {}
