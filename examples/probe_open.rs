use muster::domain::ids::{SessionId, WriterId};
use muster::journal::store::Journal;
use std::time::Instant;
fn main() {
    let home = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let id = SessionId::new(std::env::args().nth(2).unwrap());
    let lib = muster::library::load(
        &muster::library::Location::Builtin,
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let mut j = Journal::at(&home, id.clone(), WriterId::new("probe"));
    let t = Instant::now();
    let mut s = j.rebuild(&lib).unwrap();
    eprintln!("rebuild {:?} ({} events)", t.elapsed(), s.state.events);
    let t = Instant::now();
    j.checkpointed = 0;
    j.maybe_checkpoint(&mut s);
    eprintln!("checkpoint {:?}", t.elapsed());
}
