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

/// Widths of the thumbnail crops cards use (the card shape, 16:9, cut
/// around the focal point).
pub const CROP_WIDTHS: [u32; 3] = [320, 640, 960];

/// The shape of card images (`.card__image` in app.css): 16:9.
const CROP_RATIO: (u32, u32) = (16, 9);

/// One width of a photo, in both formats pages offer.
#[derive(Debug)]
pub struct MadeRendition {
    pub width: u32,
    pub height: u32,
    /// A thumbnail crop around the focal point, not the whole frame.
    pub crop: bool,
    pub jpeg: Vec<u8>,
    /// Lossy WebP (libwebp): about a third smaller than the JPEG.
    pub webp: Vec<u8>,
}

type Picture = fr::images::Image<'static>;

fn encode(picture: &Picture, crop: bool) -> Result<MadeRendition, String> {
    let (width, height) = (picture.width(), picture.height());
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut Cursor::new(&mut jpeg), 82)
        .encode(picture.buffer(), width, height, image::ExtendedColorType::Rgb8)
        .map_err(|e| format!("cannot encode a rendition: {e}"))?;
    let webp = webp::Encoder::from_rgb(picture.buffer(), width, height).encode(78.0).to_vec();
    Ok(MadeRendition { width, height, crop, jpeg, webp })
}

/// The largest 16:9 rectangle of a `width` × `height` picture whose centre
/// is as near the focal point as the edges allow: (left, top, width, height).
pub fn crop_rectangle(width: u32, height: u32, focal: (f64, f64)) -> (u32, u32, u32, u32) {
    let (ratio_w, ratio_h) = (u64::from(CROP_RATIO.0), u64::from(CROP_RATIO.1));
    let (crop_w, crop_h) = if u64::from(width) * ratio_h > u64::from(height) * ratio_w {
        ((u64::from(height) * ratio_w / ratio_h) as u32, height)
    } else {
        (width, (u64::from(width) * ratio_h / ratio_w) as u32)
    };
    let (crop_w, crop_h) = (crop_w.max(1), crop_h.max(1));
    let place = |size: u32, crop: u32, at: f64| -> u32 {
        let centre = at.clamp(0.0, 1.0) * f64::from(size);
        (centre - f64::from(crop) / 2.0).clamp(0.0, f64::from(size - crop)).round() as u32
    };
    (place(width, crop_w, focal.0), place(height, crop_h, focal.1), crop_w, crop_h)
}

/// Thumbnail crops of `base` around the focal point, widest first, each
/// made from the one before.
fn crops(base: &Picture, focal: (f64, f64), resizer: &mut fr::Resizer) -> Result<Vec<MadeRendition>, String> {
    let (left, top, crop_w, crop_h) = crop_rectangle(base.width(), base.height(), focal);
    let mut targets: Vec<u32> = CROP_WIDTHS.into_iter().filter(|w| *w <= crop_w).collect();
    if targets.is_empty() {
        targets.push(crop_w);
    }
    let lanczos = fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3);
    let mut made = Vec::new();
    let mut previous: Option<Picture> = None;
    for &target in targets.iter().rev() {
        let target_height = ((u64::from(target) * u64::from(crop_h)) / u64::from(crop_w)).max(1) as u32;
        let mut resized = Picture::new(target, target_height, fr::PixelType::U8x3);
        match &previous {
            None => {
                let options = fr::ResizeOptions::new().resize_alg(lanczos).crop(
                    f64::from(left),
                    f64::from(top),
                    f64::from(crop_w),
                    f64::from(crop_h),
                );
                resizer.resize(base, &mut resized, &options)
            }
            Some(source) => {
                resizer.resize(source, &mut resized, &fr::ResizeOptions::new().resize_alg(lanczos))
            }
        }
        .map_err(|e| format!("cannot crop: {e}"))?;
        made.push(encode(&resized, true)?);
        previous = Some(resized);
    }
    Ok(made)
}

/// The renditions of `original`, narrowest first: the whole frame at each
/// of [`WIDTHS`], then the card crops around `focal` (fractions of width
/// and height). CPU-bound: call it from `spawn_blocking`.
pub fn make(original: &[u8], focal: (f64, f64)) -> Result<Vec<MadeRendition>, String> {
    let picture =
        image::load_from_memory(original).map_err(|e| format!("cannot decode the original: {e}"))?;
    let rgb = picture.to_rgb8();
    drop(picture);
    let (width, height) = rgb.dimensions();
    let targets: Vec<u32> = WIDTHS.into_iter().filter(|w| *w < width).collect();
    // Resized with fast_image_resize (SIMD Lanczos), widest first, each
    // from the one before: a filter's cost grows with the reduction, so
    // shrinking the full picture five times over would cost far more.
    let mut source = Picture::from_vec_u8(width, height, rgb.into_raw(), fr::PixelType::U8x3)
        .map_err(|e| format!("cannot prepare the original: {e}"))?;
    let mut resizer = fr::Resizer::new();
    let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    let mut made = Vec::new();
    // The crops are cut from the widest size (at most 1920 wide, more than
    // the widest crop needs) rather than from the full original.
    let mut cropped = None;
    for &target in targets.iter().rev() {
        let target_height = ((u64::from(height) * u64::from(target)) / u64::from(width)).max(1) as u32;
        let mut resized = Picture::new(target, target_height, fr::PixelType::U8x3);
        resizer.resize(&source, &mut resized, &options).map_err(|e| format!("cannot resize: {e}"))?;
        if cropped.is_none() {
            cropped = Some(crops(&resized, focal, &mut resizer)?);
        }
        made.push(encode(&resized, false)?);
        source = resized;
    }
    let cropped = match cropped {
        Some(cropped) => cropped,
        None => crops(&source, focal, &mut resizer)?,
    };
    made.reverse();
    made.extend(cropped.into_iter().rev());
    Ok(made)
}

/// Where a rendition's file is kept. A crop's name carries its focal
/// point, so moving the point makes new files instead of changing files
/// browsers were told never to fetch again.
fn rendition_key(prefix: &str, width: u32, crop: bool, focal: (f64, f64), extension: &str) -> String {
    if crop {
        let permille = |at: f64| (at.clamp(0.0, 1.0) * 1000.0).round() as u32;
        format!("{prefix}/crop-{}-{}-{width}.{extension}", permille(focal.0), permille(focal.1))
    } else {
        format!("{prefix}/{width}.{extension}")
    }
}

/// The job: makes and stores the renditions of one photo.
pub async fn run_job(state: &AppState, payload: &str) -> Result<(), String> {
    let id: dateline_store::MediaId = payload.parse().map_err(|_| format!("bad media id {payload:?}"))?;
    let Some(media) = state.store.media_by_id(id).await.map_err(|e| e.to_string())? else {
        return Ok(()); // deleted meanwhile
    };
    let original = state
        .blobs
        .get(&media.original_key)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the original {} is missing", media.original_key))?;
    let focal = (media.focal_x, media.focal_y);
    let made =
        tokio::task::spawn_blocking(move || make(&original, focal)).await.map_err(|e| e.to_string())??;
    let prefix = media.original_key.rsplit_once('/').map_or("photos", |(prefix, _)| prefix).to_owned();
    let mut renditions = Vec::new();
    for made in made {
        for (extension, mime, bytes) in [("jpg", "image/jpeg", made.jpeg), ("webp", "image/webp", made.webp)]
        {
            let key = rendition_key(&prefix, made.width, made.crop, focal, extension);
            state.blobs.put(&key, Bytes::from(bytes)).await.map_err(|e| e.to_string())?;
            renditions.push(Rendition {
                width: made.width as i32,
                height: made.height as i32,
                mime: mime.into(),
                key,
                crop: made.crop,
            });
        }
    }
    renditions.push(Rendition {
        width: media.width,
        height: media.height,
        mime: media.mime.clone(),
        key: media.original_key.clone(),
        crop: false,
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
    // Crops around an earlier focal point are no longer used.
    for old in media.renditions.iter().filter(|old| !renditions.iter().any(|r| r.key == old.key)) {
        if let Err(error) = state.blobs.delete(&old.key).await {
            tracing::warn!(%error, key = old.key, "could not remove an old crop");
        }
    }
    state.content_changed(&[crate::page_keys::photo(id)]).await.map_err(|e| e.to_string())?;
    tracing::info!(media = id.get(), count = renditions.len(), "renditions made");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crop_is_the_largest_16_9_rectangle_around_the_focal_point() {
        // Wider than 16:9: full height, moved along the width.
        assert_eq!(crop_rectangle(2400, 900, (0.5, 0.5)), (400, 0, 1600, 900));
        assert_eq!(crop_rectangle(2400, 900, (0.9, 0.5)), (800, 0, 1600, 900), "stops at the right edge");
        assert_eq!(crop_rectangle(2400, 900, (0.0, 0.5)), (0, 0, 1600, 900));
        // Taller: full width, moved along the height.
        assert_eq!(crop_rectangle(900, 1600, (0.5, 0.25)), (0, 147, 900, 506));
        assert_eq!(crop_rectangle(900, 1600, (0.5, 1.0)), (0, 1094, 900, 506));
        // Out-of-range points are held to the picture; a 1 × 1 works.
        assert_eq!(crop_rectangle(2400, 900, (7.0, -3.0)), (800, 0, 1600, 900));
        assert_eq!(crop_rectangle(1, 1, (0.5, 0.5)), (0, 0, 1, 1));
    }

    #[test]
    fn crops_are_made_at_card_widths_and_named_by_their_point() {
        let img = image::RgbImage::from_fn(1000, 1000, |x, _| image::Rgb([if x < 500 { 0 } else { 255 }; 3]));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).expect("encode");
        let made = make(&png, (0.5, 0.9)).expect("renditions");
        let crops: Vec<(u32, u32)> = made.iter().filter(|m| m.crop).map(|m| (m.width, m.height)).collect();
        assert_eq!(crops, [(320, 180), (640, 360), (960, 540)]);
        let full: Vec<u32> = made.iter().filter(|m| !m.crop).map(|m| m.width).collect();
        assert_eq!(full, [320, 640, 960]);
        assert_eq!(
            rendition_key("photos/ab", 640, true, (0.5, 0.9), "webp"),
            "photos/ab/crop-500-900-640.webp"
        );
        assert_eq!(rendition_key("photos/ab", 640, false, (0.5, 0.9), "jpg"), "photos/ab/640.jpg");
    }
}
