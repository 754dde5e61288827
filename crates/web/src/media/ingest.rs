//! Turning an uploaded file into a media-bank original.
//!
//! The type is decided by the bytes (magic numbers), never by the file name
//! or the declared type: JPEG, PNG, WebP and GIF are accepted; SVG, HTML,
//! scripts dressed as `.jpg` and anything else are refused by name. The
//! dimensions are read from the header before anything is decoded, so a
//! small file that claims a huge picture (a decompression bomb) is refused
//! without allocating it; the decoder also runs under a memory limit.
//!
//! The picture is then decoded, turned upright by its EXIF orientation and
//! re-encoded (JPEG for photographs, PNG when there is transparency or the
//! source was lossless), which drops every byte of metadata the file
//! carried: GPS positions, camera serial numbers, editing history, and any
//! payload hidden after the image data. Caption, credit, copyright, byline
//! and keywords are read first (XMP, then IPTC IIM, then EXIF) and returned
//! so the bank's records keep them.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder as _, ImageFormat, ImageReader, Limits};

/// What the bank accepts, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// Largest file, in bytes (`upload_max_bytes`, default 25 MB).
    pub max_bytes: usize,
    /// Largest picture, in pixels (`upload_max_pixels`, default 60 million).
    pub max_pixels: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self { max_bytes: 25 * 1024 * 1024, max_pixels: 60_000_000 }
    }
}

/// Why an upload was refused; every variant is the uploader's to fix (4xx).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than the limit of {max_mb} MB")]
    TooLarge { max_mb: usize },
    #[error(
        "{found} files are not accepted: upload a JPEG, PNG, WebP or GIF photo (the type is read from the file's content, not its name)"
    )]
    Unsupported { found: &'static str },
    #[error("the picture is {width}×{height} pixels, more than the limit of {max_megapixels} megapixels")]
    TooManyPixels { width: u32, height: u32, max_megapixels: u64 },
    #[error("the file could not be read as a {format} picture; it may be truncated or damaged")]
    Corrupt { format: &'static str },
}

/// Metadata found in the file, for pre-filling the bank's record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbeddedMetadata {
    pub caption: String,
    pub credit: String,
    pub copyright: String,
    pub byline: String,
    pub keywords: Vec<String>,
}

/// A clean original ready to store.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub mime: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
    pub metadata: EmbeddedMetadata,
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        ImageFormat::WebP => "WebP",
        ImageFormat::Gif => "GIF",
        _ => "image",
    }
}

/// Names what a refused file looks like, for the message.
fn describe_unknown(bytes: &[u8]) -> &'static str {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.contains("<svg") {
        "SVG"
    } else if head.starts_with("<!doctype html") || head.contains("<html") || head.contains("<script") {
        "HTML"
    } else if head.starts_with("<?xml") || head.starts_with('<') {
        "XML"
    } else if bytes.starts_with(b"%PDF") {
        "PDF"
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        "Compressed (gzip)"
    } else if let Ok(format) = image::guess_format(bytes) {
        match format {
            ImageFormat::Tiff => "TIFF",
            ImageFormat::Bmp => "BMP",
            ImageFormat::Ico => "ICO",
            ImageFormat::Avif => "AVIF",
            _ => "These",
        }
    } else if head.is_ascii() {
        "Text"
    } else {
        "Unrecognised"
    }
}

/// Checks, cleans and re-encodes an upload. CPU-bound: call it from
/// `spawn_blocking`.
pub fn ingest(bytes: &[u8], limits: &UploadLimits) -> Result<Ingested, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(UploadError::TooLarge { max_mb: limits.max_bytes / (1024 * 1024) });
    }
    let format = match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif)) => format,
        _ => return Err(UploadError::Unsupported { found: describe_unknown(bytes) }),
    };
    let corrupt = || UploadError::Corrupt { format: format_name(format) };
    if format == ImageFormat::Jpeg && find(bytes, &[0xff, 0xd9]).is_none() {
        // No end-of-image marker: the upload was cut off (a lenient
        // decoder would fill the missing part with grey).
        return Err(corrupt());
    }
    // The header alone, without limits, to learn the claimed size.
    let mut header = ImageReader::with_format(Cursor::new(bytes), format);
    header.limits(Limits::no_limits());
    let (width, height) = header.into_dimensions().map_err(|_| corrupt())?;
    if width == 0 || height == 0 {
        return Err(corrupt());
    }
    let too_big = UploadError::TooManyPixels { width, height, max_megapixels: limits.max_pixels / 1_000_000 };
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(too_big);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decode_limits = Limits::default();
    // Room for the largest allowed picture at 16 bytes a pixel.
    decode_limits.max_alloc = Some(limits.max_pixels.saturating_mul(16));
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => too_big.clone(),
        _ => corrupt(),
    })?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| corrupt())?;
    picture.apply_orientation(orientation);
    let metadata = read_metadata(bytes);

    let lossless = matches!(format, ImageFormat::Png | ImageFormat::Gif) || picture.color().has_alpha();
    let mut out = Vec::with_capacity(bytes.len());
    let (mime, extension) = if lossless {
        picture.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(|_| corrupt())?;
        ("image/png", "png")
    } else {
        let rgb = picture.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&rgb)
            .map_err(|_| corrupt())?;
        ("image/jpeg", "jpg")
    };
    Ok(Ingested { bytes: out, mime, extension, width: picture.width(), height: picture.height(), metadata })
}

/// Caption, credit, copyright, byline and keywords from XMP, IPTC IIM and
/// EXIF, in that order of preference (XMP is what current tools write).
pub fn read_metadata(bytes: &[u8]) -> EmbeddedMetadata {
    let mut found = xmp_metadata(bytes);
    let iptc = iptc_metadata(bytes);
    let exif = exif_metadata(bytes);
    for source in [iptc, exif] {
        fill(&mut found.caption, source.caption);
        fill(&mut found.credit, source.credit);
        fill(&mut found.copyright, source.copyright);
        fill(&mut found.byline, source.byline);
        if found.keywords.is_empty() {
            found.keywords = source.keywords;
        }
    }
    if found.credit.is_empty() {
        found.credit = found.byline.clone();
    }
    found
}

fn fill(target: &mut String, candidate: String) {
    if target.trim().is_empty() {
        *target = candidate;
    }
}

/// Trims, drops control characters and caps the length of a value a file carried.
fn clean(text: &str, max_chars: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(max_chars)
        .collect::<String>()
        .trim()
        .to_owned()
}

fn exif_metadata(bytes: &[u8]) -> EmbeddedMetadata {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return EmbeddedMetadata::default();
    };
    let text = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .and_then(|field| match &field.value {
                exif::Value::Ascii(parts) => parts.first().map(|p| clean(&String::from_utf8_lossy(p), 2000)),
                _ => None,
            })
            .unwrap_or_default()
    };
    EmbeddedMetadata {
        caption: text(exif::Tag::ImageDescription),
        credit: String::new(),
        copyright: text(exif::Tag::Copyright),
        byline: text(exif::Tag::Artist),
        keywords: Vec::new(),
    }
}

/// IPTC IIM (the "IPTC" block photo desks have written since the 1990s),
/// kept in a JPEG's Photoshop APP13 segment as `0x1C record dataset length
/// value` entries. No maintained crate reads it, and the format is small.
fn iptc_metadata(bytes: &[u8]) -> EmbeddedMetadata {
    let mut found = EmbeddedMetadata::default();
    let Some(start) = find(bytes, b"8BIM\x04\x04") else { return found };
    // Resource: "8BIM", id 0x0404, a padded Pascal name, a 4-byte size.
    let mut at = start + 6;
    let name_len = usize::from(*bytes.get(at).unwrap_or(&0));
    at += 1 + name_len + usize::from((name_len + 1) % 2 == 1);
    let Some(size_bytes) = bytes.get(at..at + 4) else { return found };
    let size = u32::from_be_bytes([size_bytes[0], size_bytes[1], size_bytes[2], size_bytes[3]]) as usize;
    at += 4;
    let Some(block) = bytes.get(at..at.saturating_add(size).min(bytes.len())) else { return found };
    let mut i = 0;
    while i + 5 <= block.len() && block[i] == 0x1c {
        let (record, dataset) = (block[i + 1], block[i + 2]);
        let len = usize::from(u16::from_be_bytes([block[i + 3], block[i + 4]]));
        let Some(value) = block.get(i + 5..i + 5 + len) else { break };
        let text = clean(&String::from_utf8_lossy(value), 2000);
        match (record, dataset) {
            (2, 120) => found.caption = text,
            (2, 110) => found.credit = text,
            (2, 116) => found.copyright = text,
            (2, 80) if found.byline.is_empty() => found.byline = text,
            (2, 25) if found.keywords.len() < 50 => found.keywords.push(text),
            _ => {}
        }
        i += 5 + len;
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// XMP: an RDF/XML packet (`<x:xmpmeta …>`) anywhere in the file. Read
/// with quick-xml, which resolves no entities and fetches nothing.
fn xmp_metadata(bytes: &[u8]) -> EmbeddedMetadata {
    let mut found = EmbeddedMetadata::default();
    let Some(start) = find(bytes, b"<x:xmpmeta") else { return found };
    let Some(length) = find(&bytes[start..], b"</x:xmpmeta>") else { return found };
    let packet = &bytes[start..start + length + "</x:xmpmeta>".len()];
    let mut reader = quick_xml::Reader::from_reader(packet);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut buffer = Vec::new();
    let take_attributes = |tag: &quick_xml::events::BytesStart<'_>, found: &mut EmbeddedMetadata| {
        // Simple properties may be attributes of rdf:Description.
        for attribute in tag.attributes().flatten() {
            if attribute.key.as_ref() == b"photoshop:Credit" {
                let value = attribute.unescape_value().map(|v| clean(&v, 2000)).unwrap_or_default();
                fill(&mut found.credit, value);
            }
        }
    };
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Start(tag)) => {
                take_attributes(&tag, &mut found);
                path.push(String::from_utf8_lossy(tag.name().as_ref()).into_owned());
                text.clear();
            }
            Ok(quick_xml::events::Event::Empty(tag)) => take_attributes(&tag, &mut found),
            Ok(quick_xml::events::Event::Text(part)) => text.push_str(&part.decode().unwrap_or_default()),
            Ok(quick_xml::events::Event::GeneralRef(entity)) => {
                // Only the predefined entities; nothing is fetched or expanded.
                let resolved = match entity.as_ref() {
                    b"amp" => "&",
                    b"lt" => "<",
                    b"gt" => ">",
                    b"quot" => "\"",
                    b"apos" => "'",
                    _ => "",
                };
                text.push_str(resolved);
            }
            Ok(quick_xml::events::Event::End(_)) => {
                let value = clean(&text, 2000);
                text.clear();
                if !value.is_empty() {
                    let within = |name: &str| path.iter().any(|p| p == name);
                    if within("dc:description") {
                        fill(&mut found.caption, value);
                    } else if within("photoshop:Credit") {
                        fill(&mut found.credit, value);
                    } else if within("dc:rights") {
                        fill(&mut found.copyright, value);
                    } else if within("dc:creator") {
                        fill(&mut found.byline, value);
                    } else if within("dc:subject") && found.keywords.len() < 50 {
                        found.keywords.push(value);
                    }
                }
                path.pop();
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).expect("encode");
        out
    }

    /// A JPEG with an APP1 EXIF segment holding GPS-like text and an APP13
    /// IPTC block, spliced in after SOI.
    fn jpeg_with_metadata() -> Vec<u8> {
        let plain = jpeg(64, 48);
        let mut iptc = Vec::new();
        for (dataset, value) in
            [(120u8, "Fishermen at dawn"), (110, "Meridian/A. Photographer"), (116, "© Meridian 2026")]
        {
            iptc.extend_from_slice(&[0x1c, 2, dataset]);
            iptc.extend_from_slice(&(value.len() as u16).to_be_bytes());
            iptc.extend_from_slice(value.as_bytes());
        }
        let mut resource = b"Photoshop 3.0\0".to_vec();
        resource.extend_from_slice(b"8BIM\x04\x04\0\0");
        resource.extend_from_slice(&(iptc.len() as u32).to_be_bytes());
        resource.extend_from_slice(&iptc);
        let mut app13 = vec![0xff, 0xed];
        app13.extend_from_slice(&((resource.len() + 2) as u16).to_be_bytes());
        app13.extend_from_slice(&resource);
        let secret = b"Exif\0\0GPS 46.2044N 6.1432E SECRET-SERIAL-123";
        let mut app1 = vec![0xff, 0xe1];
        app1.extend_from_slice(&((secret.len() + 2) as u16).to_be_bytes());
        app1.extend_from_slice(secret);
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&app1);
        out.extend_from_slice(&app13);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn a_photo_is_cleaned_and_its_credits_kept() {
        let input = jpeg_with_metadata();
        let done = ingest(&input, &UploadLimits::default()).expect("accepted");
        assert_eq!((done.mime, done.width, done.height), ("image/jpeg", 64, 48));
        assert_eq!(done.metadata.caption, "Fishermen at dawn");
        assert_eq!(done.metadata.credit, "Meridian/A. Photographer");
        assert_eq!(done.metadata.copyright, "© Meridian 2026");
        assert!(find(&done.bytes, b"SECRET-SERIAL").is_none(), "private metadata is gone");
        assert!(find(&done.bytes, b"Fishermen").is_none(), "the stored file carries no metadata at all");
    }

    #[test]
    fn refusals_name_the_problem() {
        let limits = UploadLimits::default();
        assert_eq!(ingest(b"", &limits).expect_err("refused"), UploadError::Empty);
        let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        assert_eq!(ingest(svg, &limits).expect_err("refused"), UploadError::Unsupported { found: "SVG" });
        assert_eq!(
            ingest(b"push graphic-context\nviewbox 0 0 640 480", &limits).expect_err("refused"),
            UploadError::Unsupported { found: "Text" }
        );
        let whole = jpeg(200, 100);
        let truncated = &whole[..whole.len() / 2];
        assert_eq!(ingest(truncated, &limits).expect_err("refused"), UploadError::Corrupt { format: "JPEG" });
        let small = UploadLimits { max_bytes: 100, ..limits };
        assert!(matches!(ingest(&whole, &small).expect_err("refused"), UploadError::TooLarge { .. }));
    }

    #[test]
    fn a_bomb_is_refused_before_decoding() {
        // A valid PNG header claiming 100000 × 100000 pixels, in 33 bytes.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc32(&png[12..]);
        png.extend_from_slice(&crc.to_be_bytes());
        // A few bytes of (zlib) picture data and the end chunk.
        let idat = b"IDAT\x78\x9c\x63\x00\x00\x00\x01\x00\x01";
        png.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
        png.extend_from_slice(idat);
        png.extend_from_slice(&crc32(idat).to_be_bytes());
        png.extend_from_slice(&[0, 0, 0, 0]);
        png.extend_from_slice(b"IEND");
        png.extend_from_slice(&crc32(b"IEND").to_be_bytes());
        let refused = ingest(&png, &UploadLimits::default()).expect_err("refused");
        assert!(
            matches!(refused, UploadError::TooManyPixels { width: 100_000, height: 100_000, .. }),
            "{refused:?}"
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn xmp_is_preferred() {
        let packet = br#"junk<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description photoshop:Credit="Agency X"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">Harbour &amp; ferries at night</rdf:li></rdf:Alt></dc:description><dc:rights><rdf:Alt><rdf:li>CC BY 4.0</rdf:li></rdf:Alt></dc:rights><dc:subject><rdf:Bag><rdf:li>port</rdf:li><rdf:li>night</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>junk"#;
        let found = read_metadata(packet);
        assert_eq!(found.caption, "Harbour & ferries at night");
        assert_eq!(found.credit, "Agency X");
        assert_eq!(found.copyright, "CC BY 4.0");
        assert_eq!(found.keywords, ["port", "night"]);
    }
}
