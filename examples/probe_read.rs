fn main() {
    let p = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    let (_c, ev) = muster::journal::file::read_file(std::path::Path::new(&p)).unwrap();
    eprintln!("read_file: {:?} {}", t.elapsed(), ev.len());
}
