//! Renditions: the widths pages load through `srcset`, in JPEG and in
//! WebP (offered first through `<picture>`), made from the cleaned
//! original by a background job ([`MAKE_RENDITIONS`]) so an upload answers
//! at once. Until the job has run, pages use the original.

use std::io::Cursor;

use bytes::Bytes;
use dateline_store::Rendition;
use fast_image_resize as fr;

use crate::AppState;

/// Job kind: payload is the media id.
pub const MAKE_RENDITIONS: &str = "make_renditions";

/// Widths made for every photo (narrower than the original only; the
/// original's own width is always offered too).
pub const WIDTHS: [u32; 5] = [320, 640, 960, 1280, 1920];

/// One width of a photo, in both formats pages offer.
#[derive(Debug)]
pub struct MadeRendition {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
    /// Lossy WebP (libwebp): about a third smaller than the JPEG.
    pub webp: Vec<u8>,
}

/// The renditions of `original`, narrowest first. CPU-bound: call it from
/// `spawn_blocking`.
pub fn make(original: &[u8]) -> Result<Vec<MadeRendition>, String> {
    let picture =
        image::load_from_memory(original).map_err(|e| format!("cannot decode the original: {e}"))?;
    let rgb = picture.to_rgb8();
    drop(picture);
    let (width, height) = rgb.dimensions();
    let targets: Vec<u32> = WIDTHS.into_iter().filter(|w| *w < width).collect();
    // Resized with fast_image_resize (SIMD Lanczos), widest first, each
    // from the one before: a filter's cost grows with the reduction, so
    // shrinking the full picture five times over would cost far more.
    let mut source = fr::images::Image::from_vec_u8(width, height, rgb.into_raw(), fr::PixelType::U8x3)
        .map_err(|e| format!("cannot prepare the original: {e}"))?;
    let mut resizer = fr::Resizer::new();
    let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    let mut made = Vec::new();
    for &target in targets.iter().rev() {
        let target_height = ((u64::from(height) * u64::from(target)) / u64::from(width)).max(1) as u32;
        let mut resized = fr::images::Image::new(target, target_height, fr::PixelType::U8x3);
        resizer.resize(&source, &mut resized, &options).map_err(|e| format!("cannot resize: {e}"))?;
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut Cursor::new(&mut jpeg), 82)
            .encode(resized.buffer(), target, target_height, image::ExtendedColorType::Rgb8)
            .map_err(|e| format!("cannot encode a rendition: {e}"))?;
        let webp = webp::Encoder::from_rgb(resized.buffer(), target, target_height).encode(78.0).to_vec();
        made.push(MadeRendition { width: target, height: target_height, jpeg, webp });
        source = resized;
    }
    made.reverse();
    Ok(made)
}

/// The job: makes and stores the renditions of one photo.
pub async fn run_job(state: &AppState, payload: &str) -> Result<(), String> {
    let id: i64 = payload.parse().map_err(|_| format!("bad media id {payload:?}"))?;
    let Some(media) = state.store.media_by_id(id).await.map_err(|e| e.to_string())? else {
        return Ok(()); // deleted meanwhile
    };
    let original = state
        .blobs
        .get(&media.original_key)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the original {} is missing", media.original_key))?;
    let made = tokio::task::spawn_blocking(move || make(&original)).await.map_err(|e| e.to_string())??;
    let prefix = media.original_key.rsplit_once('/').map_or("photos", |(prefix, _)| prefix).to_owned();
    let mut renditions = Vec::new();
    for made in made {
        for (extension, mime, bytes) in [("jpg", "image/jpeg", made.jpeg), ("webp", "image/webp", made.webp)]
        {
            let key = format!("{prefix}/{}.{extension}", made.width);
            state.blobs.put(&key, Bytes::from(bytes)).await.map_err(|e| e.to_string())?;
            renditions.push(Rendition {
                width: made.width as i32,
                height: made.height as i32,
                mime: mime.into(),
                key,
            });
        }
    }
    renditions.push(Rendition {
        width: media.width,
        height: media.height,
        mime: media.mime.clone(),
        key: media.original_key.clone(),
    });
    if let Err(error) = state.store.set_renditions(id, &renditions).await {
        // Deleted while the sizes were being made: remove what this job wrote.
        if state.store.media_by_id(id).await.map_err(|e| e.to_string())?.is_none() {
            for rendition in renditions.iter().filter(|r| r.key != media.original_key) {
                state.blobs.delete(&rendition.key).await.map_err(|e| e.to_string())?;
            }
            return Ok(());
        }
        return Err(error.to_string());
    }
    state.content_changed().await.map_err(|e| e.to_string())?;
    tracing::info!(media = id, count = renditions.len(), "renditions made");
    Ok(())
}
