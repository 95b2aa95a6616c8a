fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let ex = vestnik::entities::Extractor::shipped();
    for m in ex.extract(&text) {
        println!("{:?} {:?} -> {:?}", m.kind, m.surface, m.norm);
    }
    let a = vestnik::entities::Aliases::shipped();
    println!("{:?}", ex.entities("", &text, &a));
}
