//! `extraction-candidates DATA OUT`: for each page of the extraction benchmark in DATA, writes
//! what each candidate crate extracts to OUT/<crate>/<key>.txt and prints pages/s per crate.

use std::io::Read;
use std::path::Path;
use std::time::Instant;

type Extractor = fn(&str, &str) -> String;

fn rs_trafilatura(html: &str, _url: &str) -> String {
    rs_trafilatura::extract(html).map(|r| r.content_text).unwrap_or_default()
}

fn dom_smoothie(html: &str, url: &str) -> String {
    let url = url::Url::parse(url).ok().map(|u| u.to_string());
    dom_smoothie::Readability::new(html, url.as_deref(), None)
        .and_then(|mut r| r.parse())
        .map(|a| a.text_content.to_string())
        .unwrap_or_default()
}

fn readability_rs(html: &str, url: &str) -> String {
    let Ok(url) = url::Url::parse(url).or_else(|_| url::Url::parse("http://example.com/")) else {
        return String::new();
    };
    readability_rs::extract(&mut html.as_bytes(), &url, Default::default())
        .map(|r| r.text)
        .unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (data, out) = (Path::new(&args[1]), Path::new(&args[2]));
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("ground-truth.json"))?)?;
    let mut pages = Vec::new();
    for (key, v) in truth.as_object().ok_or("not an object")? {
        let mut html = Vec::new();
        let file = std::fs::File::open(data.join("html").join(format!("{key}.html.gz")))?;
        flate2::read::GzDecoder::new(file).read_to_end(&mut html)?;
        let url = v["url"].as_str().unwrap_or("").to_string();
        pages.push((key.clone(), String::from_utf8_lossy(&html).into_owned(), url));
    }
    let candidates: [(&str, Extractor); 3] = [
        ("rs-trafilatura", rs_trafilatura),
        ("dom_smoothie", dom_smoothie),
        ("readability-rs", readability_rs),
    ];
    for (name, extract) in candidates {
        let dir = out.join(name);
        std::fs::create_dir_all(&dir)?;
        let start = Instant::now();
        let texts: Vec<String> = pages.iter().map(|(_, h, u)| extract(h, u)).collect();
        let rate = pages.len() as f64 / start.elapsed().as_secs_f64();
        for ((key, _, _), text) in pages.iter().zip(texts) {
            std::fs::write(dir.join(format!("{key}.txt")), text)?;
        }
        println!("{name}: {} pages, {rate:.0} pages/s", pages.len());
    }
    Ok(())
}
