//! Benchmark of the media pipeline on one 12-megapixel photo (4000 × 3000):
//! how long the upload check and clean-up take, how many renditions sets
//! per second one core makes, and the peak memory of the process.
//! Run through `bench/renditions.sh`; not a test.

use std::time::Instant;

use dateline_web::media::{ingest, renditions};

/// A photo-like 4000 × 3000 JPEG: gradients and noise, so the encoder has
/// real work (a flat picture would compress to nothing).
fn twelve_megapixels() -> Vec<u8> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 24) as u8;
        image::Rgb([
            ((x * 255 / 4000) as u8).saturating_add(noise),
            ((y * 255 / 3000) as u8).saturating_add(noise / 2),
            (((x + y) % 256) as u8) / 2 + noise,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).expect("encode");
    out
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let source = twelve_megapixels();
    println!("source: 4000 × 3000 JPEG, {:.1} MB", source.len() as f64 / 1e6);
    println!("peak memory after making the source: {:.0} MB", peak_rss_mb());

    let start = Instant::now();
    let cleaned = ingest::ingest(&source, &ingest::UploadLimits::default()).expect("ingest");
    let ingest_time = start.elapsed();
    println!("ingest (check, decode, re-encode, metadata): {:.0} ms", ingest_time.as_secs_f64() * 1e3);

    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let made = renditions::make(&cleaned.bytes, (0.5, 0.5)).expect("renditions");
        times.push(start.elapsed().as_secs_f64());
        count = made.len();
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "renditions: {count} sizes × (JPEG + WebP) per photo; median {:.0} ms per photo over {rounds} rounds \
         = {:.2} photos/s, {:.1} rendition files/s on one core",
        median * 1e3,
        1.0 / median,
        (2 * count) as f64 / median
    );
    println!("peak memory (VmHWM): {:.0} MB", peak_rss_mb());
}
